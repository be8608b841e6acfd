"""Reads of study topics (学习专题), always limited to what the actor may see.

Who sees a topic:
- a member: the topics of their organisation and of every organisation above it whose audience
  includes them (all members, their category, or officers when they hold an office);
- an officer who manages study (MANAGE_PERM) somewhere: every topic of that subtree, to change;
- a reader over a subtree (VIEW_ORG: officers, group leaders, auditors): the topics of that
  subtree and of the organisations above it, which apply there too;
- an administrator: everything.

A topic lists only the materials the actor may open: a material withdrawn after it was chosen
disappears for members and stays listed, marked, for the topic's managers.

Progress is private. A member sees which materials they have studied (read in the reader, or
logged self-study on); officers see only how many of the topic's audience within their own scope
studied each material: counts, never names, never ranked.
"""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import NotFound
from dangjian.library.models import Material, MaterialStatus, ReadingSession, Topic
from dangjian.library.registry import study_record_models
from dangjian.library.selectors.materials import MANAGE_PERM, audiences_of, visible_materials
from dangjian.members.audience import Audience, in_audience
from dangjian.members.models import Member
from dangjian.members.selectors import actor_member
from dangjian.orgs.models import OfficerTerm
from dangjian.orgs.rules import ancestor_paths

# Whose study counts officers may see: the members they may see on the roster.
COUNTS_PERM = Perm.VIEW_MEMBERS


def _placed_member(actor: User) -> Member | None:
    """The actor's member record when it belongs to an organisation (topics are assigned through it)."""
    member = actor_member(actor)
    return member if member is not None and member.org is not None else None


def _is_officer(member: Member, today: datetime.date) -> bool:
    return OfficerTerm.objects.current(today).filter(member=member).exists()


def _assigned_q(member: Member, today: datetime.date) -> Q:
    """The topics assigned to a member: of their organisation or one above it, for an audience including them."""
    audiences = audiences_of(member, is_officer=_is_officer(member, today))
    paths = ancestor_paths(member.org.path) if member.org is not None else []  # placed: `_placed_member`
    return Q(org__path__in=paths) & Q(audience__in=audiences)


def _overseen_q(actor: User) -> Q | None:
    """The topics of the actor's scope as an officer or reader; None means everything."""
    scope = scope_for(actor)
    if scope.is_admin:
        return None
    condition = Q(pk__in=[])
    for root in scope.paths(MANAGE_PERM):
        condition |= Q(org__path__startswith=root)
    for root in scope.paths(Perm.VIEW_ORG):
        condition |= Q(org__path__startswith=root) | Q(org__path__in=ancestor_paths(root))
    return condition


def visible_topics(actor: User) -> QuerySet[Topic]:
    """Every topic the actor may see."""
    condition = _overseen_q(actor)
    if condition is None:
        return Topic.objects.all()
    member = _placed_member(actor)
    if member is not None:
        condition |= _assigned_q(member, timezone.localdate())
    return Topic.objects.filter(condition)


def may_manage_topic(actor: User, topic: Topic) -> bool:
    return scope_for(actor).allows(MANAGE_PERM, topic.org.path)


def access_topic(actor: User, topic_id: int | str, *, manage: bool = False) -> Topic:
    """A topic the actor may see (or, with `manage`, change); 404 for missing and hidden alike."""
    try:
        topic = visible_topics(actor).select_related("org").get(pk=topic_id)
    except (Topic.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if manage and not may_manage_topic(actor, topic):
        raise NotFound()
    return topic


def studied_material_ids(member_id: int, material_ids: Iterable[int]) -> set[int]:
    """Which of these materials the member has studied: read in the reader at all, or logged self-study on."""
    material_ids = list(material_ids)
    if not material_ids:
        return set()
    studied: set[int] = set()
    models: list[type[Model]] = [ReadingSession, *study_record_models()]
    for model in models:
        rows = model._default_manager.filter(member_id=member_id, material_id__in=material_ids)
        studied |= set(rows.values_list("material_id", flat=True).distinct())
    return studied


def _openable_ids(actor: User, material_ids: Iterable[int]) -> set[int]:
    """The published materials among these that the actor may open."""
    material_ids = list(material_ids)
    if not material_ids:
        return set()
    return set(
        visible_materials(actor)
        .filter(pk__in=material_ids, status=MaterialStatus.PUBLISHED)
        .values_list("pk", flat=True)
    )


def material_options(actor: User, *, q: str = "", keep: Iterable[int | None] = ()) -> QuerySet[Material]:
    """What an officer may put in a topic, a reading list or an activity: the published materials they
    may see whose title contains `q`, by title, and the materials with ids in `keep` (already chosen: one
    withdrawn since may stay). The material picker's options and what its forms accept."""
    condition = Q(pk__in=visible_materials(actor).filter(status=MaterialStatus.PUBLISHED).values("pk"))
    if term := q.strip():
        condition &= Q(title__contains=term)
    keep = [pk for pk in keep if pk is not None]
    if keep:
        condition |= Q(pk__in=keep)
    return Material.objects.filter(condition).select_related("org").order_by("title", "pk")


def material_choices(actor: User, *, keep: Iterable[int | None] = ()) -> list[Material]:
    """`material_options` without a search, as a list."""
    return list(material_options(actor, keep=keep))


def material_choice_label(material: Material) -> tuple[str, str]:
    """A material in a picker: its title, and its number (which a topic's order is typed by) and publisher."""
    return material.title, " · ".join((_("No. %(pk)s") % {"pk": material.pk}, material.org.name))


# --- Lists -------------------------------------------------------------------------------------


@dataclass
class TopicProgress:
    """A topic assigned to the member, with how many of the materials they may open they have studied."""

    topic: Topic
    studied: int
    total: int


@dataclass
class OverseenTopic:
    topic: Topic
    materials: int
    can_edit: bool


def _entries(topic: Topic) -> list:
    return list(topic.entries.all())  # prefetched, in order


def assigned_topics(actor: User) -> list[TopicProgress]:
    """Topics assigned to the actor's member record, newest first, each with the actor's progress."""
    member = _placed_member(actor)
    if member is None:
        return []
    topics = list(
        Topic.objects.filter(_assigned_q(member, timezone.localdate()))
        .select_related("org")
        .prefetch_related("entries")
        .order_by("-created_at", "-pk")
    )
    all_ids = {entry.material_id for topic in topics for entry in _entries(topic)}
    openable = _openable_ids(actor, all_ids)
    studied = studied_material_ids(member.pk, openable)
    rows = []
    for topic in topics:
        ids = [entry.material_id for entry in _entries(topic) if entry.material_id in openable]
        rows.append(TopicProgress(topic, studied=sum(1 for pk in ids if pk in studied), total=len(ids)))
    return rows


def overseen_topics(actor: User) -> list[OverseenTopic]:
    """Topics of the organisations the actor manages or oversees, newest first."""
    condition = _overseen_q(actor)
    topics = Topic.objects.all() if condition is None else Topic.objects.filter(condition)
    scope = scope_for(actor)
    return [
        OverseenTopic(topic, materials=len(_entries(topic)), can_edit=scope.allows(MANAGE_PERM, topic.org.path))
        for topic in topics.select_related("org").prefetch_related("entries").order_by("-created_at", "-pk")
    ]


# --- One topic ---------------------------------------------------------------------------------


@dataclass
class TopicEntry:
    material: Material
    openable: bool  # published and the actor may open it
    studied: bool | None  # the actor's own progress; None for accounts without a member record
    studied_count: int | None  # officers: members of the audience in their scope who studied it


@dataclass
class TopicView:
    topic: Topic
    can_edit: bool
    entries: list[TopicEntry] = field(default_factory=list)
    audience_size: int | None = None  # officers: members of the audience in their scope

    @property
    def has_progress(self) -> bool:
        return any(entry.studied is not None for entry in self.entries)

    @property
    def total(self) -> int:
        return sum(1 for entry in self.entries if entry.openable)

    @property
    def studied(self) -> int:
        return sum(1 for entry in self.entries if entry.openable and entry.studied)

    @property
    def shows_counts(self) -> bool:
        return self.audience_size is not None


def _counts_apply(actor: User, topic: Topic) -> bool:
    """Whether the actor sees members anywhere in the topic's subtree, or above it."""
    path = topic.org.path
    return any(root.startswith(path) or path.startswith(root) for root in scope_for(actor).paths(COUNTS_PERM))


def _audience_counts(actor: User, topic: Topic, material_ids: list[int]) -> tuple[int, Counter[int]]:
    """(members of the audience in the actor's scope, {material_id: how many of them studied it})."""
    members = (
        Member.objects.current()
        .filter(org__path__startswith=topic.org.path)
        .filter(scope_for(actor).org_filter(COUNTS_PERM, prefix="org__path"))
    )
    rows = list(members.values_list("pk", "category"))
    officers: set[int] = set()
    if topic.audience == Audience.OFFICERS:
        officers = set(
            OfficerTerm.objects.current(timezone.localdate())
            .filter(member__in=members)
            .values_list("member_id", flat=True)
        )
    audience = {pk for pk, category in rows if in_audience(topic.audience, category, pk in officers)}
    pairs: set[tuple[int, int]] = set()
    if material_ids and audience:
        models: list[type[Model]] = [ReadingSession, *study_record_models()]
        for model in models:
            pairs |= set(
                model._default_manager.filter(material_id__in=material_ids, member__in=members)
                .order_by()
                .values_list("material_id", "member_id")
                .distinct()
            )
    return len(audience), Counter(material_id for material_id, member_id in pairs if member_id in audience)


def topic_detail(actor: User, topic: Topic) -> TopicView:
    """A topic the actor reached through `access_topic`: its materials in order, the actor's own
    progress, and for officers how many of the audience in their scope studied each material."""
    can_edit = may_manage_topic(actor, topic)
    entries = list(topic.entries.select_related("material", "material__org").order_by("position", "pk"))
    openable = _openable_ids(actor, [entry.material_id for entry in entries])
    if not can_edit:
        entries = [entry for entry in entries if entry.material_id in openable]
    ids = [entry.material_id for entry in entries]
    member_id = scope_for(actor).member_id
    studied = studied_material_ids(member_id, ids) if member_id is not None else None
    audience_size: int | None = None
    counts: Counter[int] = Counter()
    if _counts_apply(actor, topic):
        audience_size, counts = _audience_counts(actor, topic, ids)
    return TopicView(
        topic=topic,
        can_edit=can_edit,
        audience_size=audience_size,
        entries=[
            TopicEntry(
                material=entry.material,
                openable=entry.material_id in openable,
                studied=None if studied is None else entry.material_id in studied,
                studied_count=None if audience_size is None else counts[entry.material_id],
            )
            for entry in entries
        ],
    )
