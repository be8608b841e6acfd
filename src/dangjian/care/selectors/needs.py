"""Reading needs: who may read a need in full, who sees only its outline, and the lists and figures.

A need marked "branch secretary only" is read in full by the member, the branch's own officers who
look after members (a care role bound at the branch, or its secretary) and the officer it was
delegated to. Organisations above the branch never read its text or attachments, not even once it is
escalated: they then see its outline (category, dates, branch, overdue). A need the member opened to
the committee is read in full by every officer who looks after members over the branch.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from dangjian.accounts.models import Role, User
from dangjian.accounts.permissions import ROLE_PERMISSIONS, Perm, scope_for
from dangjian.care import rules
from dangjian.care.models import Need, NeedAttachment, NeedEvent, NeedState, NeedVisibility
from dangjian.care.selectors.common import branch_officer_ids
from dangjian.core.calendar import WorkingCalendar
from dangjian.core.errors import NotFound
from dangjian.members.models import Member
from dangjian.orgs.models import OfficerTerm, Organisation, Position


class Access(StrEnum):
    FULL = "full"  # text, attachments, history
    OUTLINE = "outline"  # category, dates, branch and state only


def _member_id(actor: User) -> int | None:
    return scope_for(actor).member_id


def branch_level_paths(actor: User, on: datetime.date | None = None) -> set[str]:
    """Paths of the organisations where the actor looks after members *there*: a care role bound at
    that organisation itself, or its secretary (or deputy)."""
    scope = scope_for(actor)
    paths = {
        grant.org_path
        for grant in scope.grants
        if grant.role != Role.ADMIN and Perm.MANAGE_CARE in ROLE_PERMISSIONS[grant.role]
    }
    if scope.member_id is not None:
        paths |= set(
            OfficerTerm.objects.current(on or timezone.localdate())
            .filter(member_id=scope.member_id, position__in=[Position.SECRETARY, Position.DEPUTY_SECRETARY])
            .values_list("org__path", flat=True)
        )
    return paths


def need_access(actor: User, need: Need) -> Access | None:
    """How much of the need the actor may see, or None."""
    member_id = _member_id(actor)
    if member_id is not None and member_id in (need.member_id, need.handler_id):
        return Access.FULL
    scope = scope_for(actor)
    if not scope.allows(Perm.MANAGE_CARE, need.org.path):
        return None
    if need.visibility == NeedVisibility.COMMITTEE or need.org.path in branch_level_paths(actor):
        return Access.FULL
    return Access.OUTLINE if need.escalated_to_id else None


def can_handle_need(actor: User, need: Need) -> bool:
    """Whether the actor may accept, delegate, note, answer or mark the need: an officer who reads it in full."""
    member_id = _member_id(actor)
    if member_id is not None and member_id == need.member_id:
        return False
    if need_access(actor, need) != Access.FULL:
        return False
    return (member_id is not None and member_id == need.handler_id) or scope_for(actor).allows(
        Perm.MANAGE_CARE, need.org.path
    )


def access_need(actor: User, need_id: int | str, *, full: bool = False) -> Need:
    """A need the actor may see (in full, if asked); NotFound for missing and forbidden alike."""
    try:
        need = Need.objects.for_list().get(pk=need_id)
    except (Need.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    access = need_access(actor, need)
    if access is None or (full and access != Access.FULL):
        raise NotFound()
    need.access = access
    return need


def access_need_attachment(actor: User, need_id: int | str, attachment_id: int | str) -> NeedAttachment:
    need = access_need(actor, need_id, full=True)
    try:
        return need.attachments.get(pk=attachment_id)
    except (NeedAttachment.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def my_needs(actor: User) -> QuerySet[Need]:
    """The actor's own needs, newest first."""
    member_id = _member_id(actor)
    if member_id is None:
        return Need.objects.none()
    return Need.objects.for_list().filter(member_id=member_id)


def _officer_filters(actor: User) -> tuple[Q, Q]:
    """(needs read in full, needs seen in outline) among those the actor handles as an officer."""
    scope = scope_for(actor)
    member_id = scope.member_id
    in_scope = scope.org_filter(Perm.MANAGE_CARE)
    full = in_scope & (Q(visibility=NeedVisibility.COMMITTEE) | Q(org__path__in=branch_level_paths(actor)))
    if member_id is not None:
        full |= Q(handler_id=member_id)
    outline = in_scope & Q(visibility=NeedVisibility.SECRETARY, escalated_to__isnull=False) & ~full
    return full, outline


@dataclass(frozen=True)
class NeedFilters:
    state: str = "open"  # open, overdue, answered, closed, all
    org: Organisation | None = None


def officer_needs(actor: User, filters: NeedFilters = NeedFilters(), today: datetime.date | None = None) -> list[Need]:
    """Needs the actor handles or oversees (not their own), each marked with `access`, overdue first."""
    today = today or timezone.localdate()
    full, outline = _officer_filters(actor)
    needs = Need.objects.for_list().filter(full | outline)
    member_id = _member_id(actor)
    if member_id is not None:
        needs = needs.exclude(member_id=member_id)
    if filters.org is not None:
        needs = needs.filter(org__path__startswith=filters.org.path)
    if filters.state == "open":
        needs = needs.open()
    elif filters.state == "overdue":
        needs = needs.overdue(today)
    elif filters.state in (NeedState.ANSWERED, NeedState.CLOSED):
        needs = needs.filter(state=filters.state)
    rows = list(needs.order_by("accept_due", "pk"))
    full_ids = set(Need.objects.filter(full, pk__in=[n.pk for n in rows]).values_list("pk", flat=True))
    for need in rows:
        need.access = Access.FULL if need.pk in full_ids else Access.OUTLINE
    rows.sort(key=lambda n: (not n.is_overdue(today), n.due() or datetime.date.max, n.pk))
    return rows


def officer_need_counts(actor: User, today: datetime.date | None = None) -> tuple[int, int]:
    """(open, overdue) among the needs `officer_needs` lists, counted in the database: for the home page."""
    today = today or timezone.localdate()
    full, outline = _officer_filters(actor)
    needs = Need.objects.filter(full | outline)
    member_id = _member_id(actor)
    if member_id is not None:
        needs = needs.exclude(member_id=member_id)
    return needs.open().count(), needs.overdue(today).count()


def need_delegates(need: Need) -> QuerySet[Member]:
    """The branch's officers a need may be handed to: not its member, not its handler, each with an account."""
    ids = [pk for pk in branch_officer_ids(need.org) if pk not in (need.member_id, need.handler_id)]
    return Member.objects.filter(pk__in=ids, user__isnull=False).order_by("name", "pk")


def need_events(need: Need) -> list[NeedEvent]:
    return list(need.events.all())


# ---------------------------------------------------------------------------------------------
# Response times by branch: counts and medians only, no names and no ranking (tree order).


@dataclass(frozen=True)
class BranchResponse:
    org: Organisation
    submitted: int
    open: int
    overdue: int
    escalated: int
    median_days_to_accept: float | None
    median_days_to_answer: float | None


def need_stats(
    actor: User, *, year: int, calendar: WorkingCalendar, today: datetime.date | None = None
) -> list[BranchResponse]:
    """For each branch in the actor's care scope with needs submitted in `year`, in tree order."""
    today = today or timezone.localdate()
    scope = scope_for(actor)
    needs = (
        Need.objects.filter(scope.org_filter(Perm.MANAGE_CARE), submitted_on__year=year)
        .select_related("org")
        .only("org", "state", "submitted_on", "accept_due", "answer_due", "accepted_on", "answered_on", "escalated_on")
    )
    by_org: dict[int, list[Need]] = {}
    orgs: dict[int, Organisation] = {}
    for need in needs:
        by_org.setdefault(need.org_id, []).append(need)
        orgs[need.org_id] = need.org
    result = []
    for org_id, rows in by_org.items():
        accept = [calendar.working_days_between(n.submitted_on, n.accepted_on) for n in rows if n.accepted_on]
        answer = [calendar.working_days_between(n.submitted_on, n.answered_on) for n in rows if n.answered_on]
        result.append(
            BranchResponse(
                org=orgs[org_id],
                submitted=len(rows),
                open=sum(n.is_open for n in rows),
                overdue=sum(n.is_overdue(today) for n in rows),
                escalated=sum(n.escalated_on is not None for n in rows),
                median_days_to_accept=rules.median(accept),
                median_days_to_answer=rules.median(answer),
            )
        )
    result.sort(key=lambda row: row.org.path)
    return result


# ---------------------------------------------------------------------------------------------
# Answered on time: counts only, for the dashboards.


@dataclass(frozen=True)
class NeedTimeliness:
    """Needs submitted in a year, by whether their answer came by its deadline (`answer_due`)."""

    answered_on_time: int
    answered_late: int
    open_in_time: int
    open_overdue: int

    @property
    def answered(self) -> int:
        return self.answered_on_time + self.answered_late

    @property
    def total(self) -> int:
        return self.answered + self.open_in_time + self.open_overdue

    @property
    def on_time_rate(self) -> int | None:
        """Percent of the answered needs answered by their deadline (None before any answer)."""
        return round(self.answered_on_time * 100 / self.answered) if self.answered else None


def need_timeliness(
    actor: User, *, year: int, today: datetime.date | None = None, org: Organisation | None = None
) -> NeedTimeliness:
    """Needs submitted in `year` over the actor's care scope (under `org` if given), in one query."""
    today = today or timezone.localdate()
    needs = Need.objects.filter(scope_for(actor).org_filter(Perm.MANAGE_CARE), submitted_on__year=year)
    if org is not None:
        needs = needs.filter(org__path__startswith=org.path)
    answered = Q(answered_on__isnull=False)
    overdue = Q(state=NeedState.SUBMITTED, accept_due__lt=today) | Q(
        state__in=[NeedState.ACCEPTED, NeedState.IN_PROGRESS], answer_due__lt=today
    )
    counts = needs.aggregate(
        on_time=Count("pk", filter=answered & Q(answered_on__lte=F("answer_due"))),
        late=Count("pk", filter=answered & Q(answered_on__gt=F("answer_due"))),
        open_overdue=Count("pk", filter=~answered & overdue),
        open_in_time=Count("pk", filter=~answered & ~overdue),
    )
    return NeedTimeliness(counts["on_time"], counts["late"], counts["open_in_time"], counts["open_overdue"])
