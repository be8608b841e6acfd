"""Reads of notices (only ever the actor's own) and of announcements (scoped by the actor).

An announcement is seen by the members it addresses (its organisation is theirs or one above, and
they are in its audience) while it is live, and by the officers who may publish over its organisation
(`PUBLISH_PERM`), withdrawn or expired ones included. Whether one person has read it is shown to
nobody else: officers get counts per branch, and, for an announcement asking for confirmation, the
names of those in their branches who have not confirmed yet.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import NotFound
from dangjian.members.audience import Audience, audiences_including
from dangjian.members.models import Member
from dangjian.members.selectors import actor_member
from dangjian.notices import rules
from dangjian.notices.models import Announcement, AnnouncementAttachment, AnnouncementRead, DigestPreference, Notice
from dangjian.orgs.models import OfficerTerm, Organisation, OrgKind
from dangjian.orgs.rules import ancestor_paths


def notice_list(*, actor: User, unread_only: bool = False) -> QuerySet[Notice]:
    """The actor's notices, newest first."""
    notices = Notice.objects.filter(recipient=actor)
    return notices.unread() if unread_only else notices


def unread_count(*, actor: User) -> int:
    return Notice.objects.filter(recipient=actor).unread().count()


# --- Announcements ---------------------------------------------------------------------------------

# Officers who run a branch's organisational life publish its announcements: the committee's and the
# branches' officers (and administrators); group leaders and auditors do not.
PUBLISH_PERM = Perm.MANAGE_STUDY


def _placed_member(actor: User) -> Member | None:
    member = actor_member(actor)
    return member if member is not None and member.org is not None else None


def _addressed_q(member: Member, today: datetime.date, prefix: str = "") -> Q:
    """The announcements addressed to `member`: of their organisation or one above, for an audience
    including them (whether they hold an office is asked in the same query)."""
    if member.org is None:  # not placed: nothing is addressed to them
        return Q(pk__in=[])
    officer = Exists(OfficerTerm.objects.current(today).filter(member_id=member.pk))
    audiences = audiences_including(member.category, is_officer=False)
    return Q(**{f"{prefix}org__path__in": ancestor_paths(member.org.path)}) & (
        Q(**{f"{prefix}audience__in": audiences}) | (Q(**{f"{prefix}audience": Audience.OFFICERS}) & Q(officer))
    )


def _live_q(today: datetime.date, now: datetime.datetime) -> Q:
    return Q(withdrawn_at__isnull=True, published_at__lte=now) & (Q(expires_on__isnull=True) | Q(expires_on__gte=today))


def _with_reading(announcements: QuerySet[Announcement], actor: User) -> QuerySet[Announcement]:
    """Annotated with the actor's own reading: `is_read`, `is_confirmed`."""
    mine = AnnouncementRead.objects.filter(announcement=OuterRef("pk"), user_id=actor.pk)
    return announcements.annotate(is_read=Exists(mine), is_confirmed=Exists(mine.filter(confirmed_at__isnull=False)))


def addressed_announcements(
    *, actor: User, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> QuerySet[Announcement]:
    """The live announcements addressed to the actor as a member, pinned first, newest first,
    annotated with the actor's reading. Empty for an account without a placed member record."""
    member = _placed_member(actor)
    if member is None:
        return _with_reading(Announcement.objects.none(), actor)
    today, now = today or timezone.localdate(), now or timezone.now()
    announcements = Announcement.objects.filter(_addressed_q(member, today), _live_q(today, now))
    return _with_reading(announcements, actor).select_related("org")


def _visible_q(actor: User, member: Member | None, today: datetime.date, now: datetime.datetime) -> Q | None:
    """What the actor may see; None means everything (an administrator)."""
    scope = scope_for(actor)
    if scope.is_admin:
        return None
    condition = scope.org_filter(PUBLISH_PERM) if scope.has_anywhere(PUBLISH_PERM) else Q(pk__in=[])
    if member is not None:
        condition |= _addressed_q(member, today) & _live_q(today, now)
    return condition


def announcement_list(
    *, actor: User, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> QuerySet[Announcement]:
    """Every announcement the actor may see: addressed to them, or of an organisation they publish
    for (withdrawn and expired ones too). Pinned first, then newest first; annotated with the actor's
    reading and `is_addressed` (live and addressed to the actor as a member)."""
    today, now = today or timezone.localdate(), now or timezone.now()
    member = _placed_member(actor)
    condition = _visible_q(actor, member, today, now)
    announcements = Announcement.objects.all() if condition is None else Announcement.objects.filter(condition)
    addressed = _addressed_q(member, today) & _live_q(today, now) if member is not None else Q(pk__in=[])
    return (
        _with_reading(announcements, actor)
        .annotate(is_addressed=ExpressionWrapper(addressed, output_field=BooleanField()))
        .select_related("org")
        .order_by("-pinned", "-published_at", "-pk")
    )


def access_announcement(
    actor: User, announcement_id: int | str, *, manage: bool = False, today: datetime.date | None = None
) -> Announcement:
    """An announcement the actor may see (with `manage`, change); 404 for missing and hidden alike."""
    try:
        announcement = announcement_list(actor=actor, today=today).get(pk=announcement_id)
    except (Announcement.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if manage and not can_manage(actor, announcement):
        raise NotFound()
    return announcement


def can_manage(actor: User, announcement: Announcement) -> bool:
    return scope_for(actor).allows(PUBLISH_PERM, announcement.org.path)


def is_addressed_to(actor: User, announcement: Announcement, today: datetime.date | None = None) -> bool:
    """Whether the announcement addresses the actor as a member (live or not)."""
    member = _placed_member(actor)
    if member is None or member.org is None:
        return False
    today = today or timezone.localdate()
    is_officer = OfficerTerm.objects.current(today).filter(member_id=member.pk).exists()
    return rules.is_addressed(
        announcement_path=announcement.org.path,
        member_path=member.org.path,
        audience=announcement.audience,
        category=member.category,
        is_officer=is_officer,
    )


def publishing_orgs(*, actor: User) -> QuerySet[Organisation]:
    """The organisations the actor may publish for: not groups (a group's members hear from their branch)."""
    scope = scope_for(actor)
    if not scope.has_anywhere(PUBLISH_PERM):
        return Organisation.objects.none()
    return (
        Organisation.objects.active()
        .exclude(kind=OrgKind.GROUP)
        .filter(scope.org_filter(PUBLISH_PERM, prefix="path"))
        .order_by("path")
    )


def access_attachment(actor: User, announcement_id: int | str, attachment_id: int | str) -> AnnouncementAttachment:
    announcement = access_announcement(actor, announcement_id)
    try:
        return announcement.attachments.get(pk=attachment_id)
    except (AnnouncementAttachment.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def home_announcements(*, actor: User, limit: int = rules.HOME_ITEMS) -> list[Announcement]:
    """For the member's home: the newest addressed announcements that are pinned or not yet read."""
    announcements = addressed_announcements(actor=actor)
    return list(announcements.filter(Q(pinned=True) | Q(is_read=False)).order_by("-pinned", "-published_at")[:limit])


# --- Read counts ---------------------------------------------------------------------------------


@dataclass
class BranchReads:
    """One branch's figures for an announcement. `not_confirmed` names those who have not confirmed
    yet, and only for an announcement asking for confirmation; nobody's reading is listed otherwise."""

    org: Organisation
    addressed: int = 0
    read: int = 0
    confirmed: int = 0
    not_confirmed: list[str] = field(default_factory=list)

    @property
    def read_percent(self) -> int | None:
        return round(self.read * 100 / self.addressed) if self.addressed else None


@dataclass
class ReadCounts:
    announcement: Announcement
    rows: list[BranchReads]

    @property
    def addressed(self) -> int:
        return sum(row.addressed for row in self.rows)

    @property
    def read(self) -> int:
        return sum(row.read for row in self.rows)

    @property
    def confirmed(self) -> int:
        return sum(row.confirmed for row in self.rows)


def _row_roots(actor: User, announcement: Announcement) -> list[str] | None:
    """The subtrees of the announcement whose figures the actor may see; None for all of it."""
    roots = scope_for(actor).paths(PUBLISH_PERM)
    path = announcement.org.path
    if any(path.startswith(root) for root in roots):
        return None
    return [root for root in roots if root.startswith(path)]


def access_read_counts(actor: User, announcement_id: int | str) -> Announcement:
    """An announcement whose read counts the actor may see: they publish over its organisation or over
    a branch under it (a branch officer sees their branch's figures for the committee's notice)."""
    try:
        announcement = Announcement.objects.select_related("org").get(pk=announcement_id)
    except (Announcement.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if _row_roots(actor, announcement) == []:
        raise NotFound()
    return announcement


def read_counts(*, actor: User, announcement: Announcement, today: datetime.date | None = None) -> ReadCounts:
    """Per branch of the announcement's subtree (within the actor's scope): members addressed (those
    with an account, in the audience), how many have read it and, when it asks for it, confirmed.
    Four queries whatever the size of the subtree."""
    today = today or timezone.localdate()
    roots = _row_roots(actor, announcement)
    if roots == []:
        raise NotFound()
    orgs = {org.pk: org for org in Organisation.objects.filter(path__startswith=announcement.org.path)}
    members = list(
        Member.objects.current()
        .filter(org__path__startswith=announcement.org.path, user__isnull=False, user__is_active=True)
        .values_list("pk", "name", "category", "org_id", "user_id")
        .order_by("name", "pk")
    )
    officers = set(
        OfficerTerm.objects.current(today)
        .filter(member__org__path__startswith=announcement.org.path)
        .values_list("member_id", flat=True)
    )
    reads = dict(AnnouncementRead.objects.filter(announcement=announcement).values_list("user_id", "confirmed_at"))
    rows: dict[int, BranchReads] = {}
    for member_id, name, category, org_id, user_id in members:
        org = orgs[org_id]
        branch = orgs.get(org.parent_id, org) if org.kind == OrgKind.GROUP and org.parent_id is not None else org
        if roots is not None and not any(branch.path.startswith(root) for root in roots):
            continue
        if not rules.is_addressed(
            announcement_path=announcement.org.path,
            member_path=org.path,
            audience=announcement.audience,
            category=category,
            is_officer=member_id in officers,
        ):
            continue
        row = rows.setdefault(branch.pk, BranchReads(org=branch))
        row.addressed += 1
        if user_id in reads:
            row.read += 1
            if reads[user_id] is not None:
                row.confirmed += 1
        if announcement.requires_confirmation and reads.get(user_id) is None:
            row.not_confirmed.append(name)
    ordered = sorted(rows.values(), key=lambda row: row.org.path)
    return ReadCounts(announcement=announcement, rows=ordered)


def digest_preference(*, actor: User) -> DigestPreference:
    """The actor's own digest preference, or an unsaved one (off) when they never set it."""
    return DigestPreference.objects.filter(user=actor).first() or DigestPreference(user=actor)
