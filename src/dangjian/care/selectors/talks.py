"""Reading talks, talk coverage and required-talk to-dos, within the actor's scope.

A talk's summary is read only by the officer who held it, the one who recorded it and the branch
secretary; everyone else who may see the talk sees who, when, what kind and the follow-up. The member
talked with sees that the talk took place, never the summary.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Max, Q, QuerySet, Value, When
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.care import rules
from dangjian.care.models import Talk, TalkTodo, TalkTodoQuerySet
from dangjian.care.selectors.common import COMMITTEE_POSITIONS, branch_officer_ids, is_branch_secretary
from dangjian.core.errors import NotFound
from dangjian.members.models import Member
from dangjian.members.selectors import actor_member, near_first
from dangjian.orgs.models import OfficerTerm, Organisation, OrgKind
from dangjian.orgs.selectors import home_branch, member_search


def last_talk_dates(member_ids: Iterable[int]) -> dict[int, datetime.date]:
    """The day of the last talk held with each member (by any officer); members never talked with are absent."""
    rows = Talk.objects.filter(member_id__in=list(member_ids)).values("member_id").annotate(last=Max("held_on"))
    return {row["member_id"]: row["last"] for row in rows}


def can_read_summary(actor: User, talk: Talk) -> bool:
    member_id = scope_for(actor).member_id
    if member_id is not None and member_id == talk.member_id:
        return False
    if talk.recorded_by_id is not None and talk.recorded_by_id == actor.pk:
        return True
    return member_id is not None and (member_id == talk.officer_id or is_branch_secretary(member_id, talk.org))


def _visible_talks(actor: User) -> Q:
    scope = scope_for(actor)
    visible = scope.org_filter(Perm.MANAGE_CARE)
    if not visible:  # an empty Q means everywhere; OR-ing it would narrow it to the other terms
        return visible
    visible |= Q(recorded_by_id=actor.pk)
    if scope.member_id is not None:
        visible |= Q(officer_id=scope.member_id)
    return visible


def access_talk(actor: User, talk_id: int | str) -> Talk:
    """A talk the actor may see as an officer; `summary_visible` says whether they may read its summary."""
    try:
        talk = Talk.objects.for_list().filter(_visible_talks(actor)).get(pk=talk_id)
    except (Talk.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    talk.summary_visible = can_read_summary(actor, talk)
    return talk


@dataclass(frozen=True)
class TalkFilters:
    org: Organisation | None = None
    member: Member | None = None
    year: int | None = None
    kind: str = ""


def talk_list(actor: User, filters: TalkFilters = TalkFilters()) -> QuerySet[Talk]:
    talks = Talk.objects.for_list().filter(_visible_talks(actor))
    if filters.org is not None:
        talks = talks.filter(org__path__startswith=filters.org.path)
    if filters.member is not None:
        talks = talks.filter(member=filters.member)
    if filters.year:
        talks = talks.filter(held_on__year=filters.year)
    if filters.kind:
        talks = talks.filter(kind=filters.kind)
    return talks


def my_talks(actor: User) -> QuerySet[Talk]:
    """Talks held with the actor: who and when, for them to see (no summary is sent to the page)."""
    member_id = scope_for(actor).member_id
    if member_id is None:
        return Talk.objects.none()
    return Talk.objects.select_related("officer", "org", "member").filter(member_id=member_id)


def talk_member_choices(actor: User, q: str = "") -> QuerySet[Member]:
    """Members the actor may record a talk with: current members in their care scope, matching `q` (name,
    pinyin initials or number), the actor's own branch first. The talk form's picker lists and accepts these."""
    scope = scope_for(actor)
    members = Member.objects.current().filter(scope.org_filter(Perm.MANAGE_CARE)).for_list()
    if scope.member_id is not None:
        members = members.exclude(pk=scope.member_id)
    if term := q.strip():
        members = members.filter(member_search(term))
    own = actor_member(actor)
    return near_first(members, home_branch(own.org if own else None))


def talk_officer_choices(actor: User, q: str = "") -> QuerySet[Member]:
    """Who may be named as having held a talk: the actor, and officers holding an office in their scope,
    matching `q` (name, pinyin initials or number), by name. The talk form's officer picker lists and accepts these."""
    scope = scope_for(actor)
    terms = OfficerTerm.objects.current().filter(scope.org_filter(Perm.MANAGE_CARE)).values("member_id")
    query = Q(pk__in=terms)
    if scope.member_id is not None:
        query |= Q(pk=scope.member_id)
    if term := q.strip():
        query &= member_search(term)
    return Member.objects.filter(query).for_list().order_by("name_initials", "name", "pk")


# ---------------------------------------------------------------------------------------------
# Coverage: 支部条例 Art.19, every committee member talks with every member at least once a year.


@dataclass(frozen=True)
class OfficerCoverage:
    officer: Member
    total: int
    covered: int
    missing: list[Member]


@dataclass(frozen=True)
class Coverage:
    branch: Organisation
    year: int
    members: int
    officers: list[OfficerCoverage]

    @property
    def missing_pairs(self) -> int:
        return sum(len(row.missing) for row in self.officers)


def branch_members(branch: Organisation) -> QuerySet[Member]:
    """Members of the branch now, in it directly or in one of its groups."""
    return Member.objects.current().filter(Q(org=branch) | Q(org__parent=branch, org__kind=OrgKind.GROUP))


def talk_coverage(branch: Organisation, year: int, today: datetime.date | None = None) -> Coverage:
    """For each current branch committee member: how many members they have talked with in `year`, and who is left."""
    today = today or timezone.localdate()
    members = list(branch_members(branch).order_by("name", "pk"))
    officer_ids = branch_officer_ids(branch, today, committee_only=True)
    officers = {m.pk: m for m in Member.objects.filter(pk__in=officer_ids)}
    start, end = rules.coverage_year_bounds(year)
    pairs = set(
        Talk.objects.filter(held_on__range=(start, end))
        .filter(Q(officer_id__in=officer_ids) | Q(member_id__in=officer_ids))
        .values_list("officer_id", "member_id")
    )
    member_ids = [m.pk for m in members]
    by_id = {m.pk: m for m in members}
    missing = rules.missing_pairs(officer_ids, member_ids, pairs)
    rows = []
    for officer_id in officer_ids:
        total = len([m for m in member_ids if m != officer_id])
        rows.append(
            OfficerCoverage(
                officer=officers[officer_id],
                total=total,
                covered=total - len(missing[officer_id]),
                missing=[by_id[m] for m in missing[officer_id]],
            )
        )
    return Coverage(branch=branch, year=year, members=len(members), officers=rows)


def coverage_branches(actor: User) -> QuerySet[Organisation]:
    scope = scope_for(actor)
    return Organisation.objects.active().branches().filter(scope.org_filter(Perm.MANAGE_CARE, prefix="path"))


# ---------------------------------------------------------------------------------------------
# Required-talk to-dos


def _visible_todos(actor: User) -> Q:
    scope = scope_for(actor)
    visible = scope.org_filter(Perm.MANAGE_CARE)
    if visible and scope.member_id is not None:  # an empty Q means everywhere
        visible |= Q(assignee_id=scope.member_id)
    return visible


def todo_list(actor: User, state: str = "open") -> TalkTodoQuerySet:
    """The actor's to-dos first, then the rest in their scope, soonest due first."""
    member_id = scope_for(actor).member_id
    todos = TalkTodo.objects.for_list().filter(_visible_todos(actor))
    if member_id is not None:
        todos = todos.exclude(member_id=member_id)
    if state == "open":
        todos = todos.open()
    elif state == "done":
        todos = todos.filter(talk__isnull=False)
    elif state == "cancelled":
        todos = todos.exclude(cancelled_reason="")
    mine = Case(When(assignee_id=member_id, then=Value(0)), default=Value(1), output_field=IntegerField())
    return todos.annotate(mine=mine).order_by("mine", "due_on", "pk")


def access_todo(actor: User, todo_id: int | str) -> TalkTodo:
    """A to-do the actor may see (never one about themself); NotFound for missing and forbidden alike."""
    todos = TalkTodo.objects.for_list().filter(_visible_todos(actor))
    member_id = scope_for(actor).member_id
    if member_id is not None:
        todos = todos.exclude(member_id=member_id)
    try:
        return todos.get(pk=todo_id)
    except (TalkTodo.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


@dataclass(frozen=True)
class BranchCoverage:
    """How many of a branch's officer–member pairs have talked in a year: counts only, no names."""

    org: Organisation
    pairs: int
    covered: int

    @property
    def percent(self) -> int | None:
        return round(self.covered * 100 / self.pairs) if self.pairs else None


def talk_coverage_by_branch(
    branches: list[Organisation], year: int, today: datetime.date | None = None
) -> list[BranchCoverage]:
    """`talk_coverage`'s pair counts for many branches at once, in three queries whatever their number.
    Callers pass branches already limited to the actor's scope (`coverage_branches`)."""
    if not branches:
        return []
    today = today or timezone.localdate()
    ids = [b.pk for b in branches]
    officers: dict[int, list[int]] = {pk: [] for pk in ids}
    for org_id, member_id in (
        OfficerTerm.objects.current(today)
        .filter(org_id__in=ids, position__in=COMMITTEE_POSITIONS)
        .by_rank()
        .values_list("org_id", "member_id")
    ):
        if member_id not in officers[org_id]:
            officers[org_id].append(member_id)
    members: dict[int, list[int]] = {pk: [] for pk in ids}
    for member_id, org_id, org_kind, parent_id in (
        Member.objects.current()
        .filter(Q(org_id__in=ids) | Q(org__parent_id__in=ids, org__kind=OrgKind.GROUP))
        .values_list("pk", "org_id", "org__kind", "org__parent_id")
    ):
        members[parent_id if org_kind == OrgKind.GROUP else org_id].append(member_id)
    all_officers = {pk for values in officers.values() for pk in values}
    start, end = rules.coverage_year_bounds(year)
    talked = set(
        Talk.objects.filter(held_on__range=(start, end))
        .filter(Q(officer_id__in=all_officers) | Q(member_id__in=all_officers))
        .values_list("officer_id", "member_id")
    )
    result = []
    for branch in branches:
        missing = rules.missing_pairs(officers[branch.pk], members[branch.pk], talked)
        pairs = sum(len([m for m in members[branch.pk] if m != officer]) for officer in officers[branch.pk])
        result.append(BranchCoverage(branch, pairs, pairs - sum(len(v) for v in missing.values())))
    return result
