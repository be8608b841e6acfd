"""Reads for rights, opinions and appeals, limited to what the actor may see.

An opinion or appeal is seen by its writer (a named opinion's author, the appellant) and by the
officers who look after members (`Perm.MANAGE_CARE`) at the organisation that receives it or above.
Anything else looks missing.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

from dangjian.accounts.models import RoleGrant, User
from dangjian.accounts.permissions import ROLE_PERMISSIONS, Perm, scope_for
from dangjian.core.errors import NotFound
from dangjian.members import selectors as member_selectors
from dangjian.members.models import Member, Status
from dangjian.orgs.models import Organisation, OrgKind
from dangjian.rights import rules
from dangjian.rights.models import OPEN_APPEAL_STATUSES, Appeal, Opinion, OpinionKind, OpinionStatus, OpinionTarget
from dangjian.rights.registry import AppealSubject, appealable_kinds

CARE_ROLES = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.MANAGE_CARE in perms]


def is_probationary(member: Member, today: datetime.date | None = None) -> bool:
    return member.status_on(today or timezone.localdate()) == Status.PROBATIONARY


# --- Where things go ---------------------------------------------------------------------------


def branch_of(member: Member) -> Organisation:
    """The member's branch: their organisation, or its parent when it is a group."""
    if member.org is None:
        raise ValueError("a member outside the organisation tree has no branch")
    return member.org.branch


def committee_above(org: Organisation) -> Organisation:
    """The nearest Party committee above or at `org` (the root when there is none)."""
    ancestors = {o.pk: o for o in Organisation.objects.filter(pk__in=[*org.ancestor_ids(), org.pk])}
    chain = [ancestors[pk] for pk in [*org.ancestor_ids(), org.pk] if pk in ancestors]
    return next((o for o in reversed(chain) if o.kind == OrgKind.COMMITTEE), chain[0])


def opinion_destination(member: Member, kind: str, target: str) -> Organisation:
    """A suggestion goes to the member's branch or committee (their choice); criticism and reports go
    to the organisation above the branch (the branch itself at the top of the tree)."""
    branch = branch_of(member)
    if kind == OpinionKind.CRITICISM:
        return branch.parent or branch
    if target == OpinionTarget.COMMITTEE:
        return committee_above(branch)
    return branch


def appeal_destination(subject: AppealSubject, earlier_answers: int) -> Organisation:
    """The organisation above the one that decided, one level further per earlier answered appeal."""
    org = subject.org
    depth = rules.appeal_level(org.depth, earlier_answers)
    if depth == org.depth:
        return org
    return Organisation.objects.get(pk=[*org.ancestor_ids(), org.pk][depth])


def receiving_officers(org: Organisation) -> list[User]:
    """The accounts to tell about something sent to `org`: those who look after members there by a role
    bound to `org` itself, or, when it has none, to the nearest organisation above that has."""
    chain = [*org.ancestor_ids(), org.pk]
    grants = (
        RoleGrant.objects.current()
        .filter(org_id__in=chain, role__in=CARE_ROLES, user__is_active=True)
        .select_related("user")
    )
    by_org: dict[int, list[User]] = {}
    for grant in grants:
        by_org.setdefault(grant.org_id, []).append(grant.user)
    for pk in reversed(chain):
        if by_org.get(pk):
            return by_org[pk]
    return []


# --- The rights page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    label: str | Promise
    url: str


@dataclass(frozen=True)
class RightRow:
    right: rules.Right
    held: bool
    links: list[Link]


@dataclass(frozen=True)
class RightsOverview:
    member: Member | None
    probationary: bool
    rows: list[RightRow] = field(default_factory=list)


def _way_url(way: rules.Way) -> str:
    url = reverse(way.url_name)
    return f"{url}?{way.query}" if way.query else url


def rights_overview(actor: User, today: datetime.date | None = None) -> RightsOverview:
    """The eight rights with the ways to use them here; a probationary member's vote is marked as not held.

    Links are offered only to a member (every way acts as one) and only for rights they hold."""
    member = member_selectors.actor_member(actor)
    if member is not None and member.org_id is None:
        member = None  # no longer in an organisation here: no way to use the rights is offered
    probationary = member is not None and is_probationary(member, today)
    rows = []
    for right, held in rules.rights_held(probationary=probationary):
        links = []
        if member is not None and held:
            links = [Link(way.label, _way_url(way)) for way in right.ways]
        rows.append(RightRow(right=right, held=held, links=links))
    return RightsOverview(member=member, probationary=probationary, rows=rows)


# --- Opinions ----------------------------------------------------------------------------------


def can_answer_opinion(actor: User, opinion: Opinion) -> bool:
    """An officer who looks after members at the receiving organisation, and not the opinion's own author."""
    scope = scope_for(actor)
    if opinion.author_id is not None and opinion.author_id == scope.member_id:
        return False
    return scope.allows(Perm.MANAGE_CARE, opinion.org.path)


def access_opinion(actor: User, opinion_id: uuid.UUID | str) -> Opinion:
    """A named opinion for its author, any opinion for the officers who receive it; 404 otherwise."""
    try:
        opinion = Opinion.objects.for_list().get(pk=opinion_id)
    except (Opinion.DoesNotExist, ValidationError, ValueError, TypeError):
        raise NotFound() from None
    scope = scope_for(actor)
    own = opinion.author_id is not None and opinion.author_id == scope.member_id
    if not own and not scope.allows(Perm.MANAGE_CARE, opinion.org.path):
        raise NotFound()
    return opinion


def opinion_by_code(code: str) -> Opinion:
    """The anonymous opinion a follow-up code belongs to; 404 for a wrong or malformed code."""
    if rules.normalise_code(code) is None:
        raise NotFound()
    opinion = Opinion.objects.for_list().filter(follow_up_hash=rules.code_hash(code)).first()
    if opinion is None:
        raise NotFound()
    return opinion


def my_opinions(*, member: Member) -> QuerySet[Opinion]:
    """The member's named opinions, newest first. Anonymous ones have no author: they are found by code."""
    return Opinion.objects.for_list().filter(author=member)


@dataclass(frozen=True)
class OpinionFilters:
    status: str = ""
    kind: str = ""


def received_opinions(*, actor: User, filters: OpinionFilters = OpinionFilters()) -> QuerySet[Opinion]:
    """Opinions sent to organisations where the actor looks after members: open ones first, then newest."""
    qs = Opinion.objects.for_list().filter(scope_for(actor).org_filter(Perm.MANAGE_CARE))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    open_first = Case(When(status=OpinionStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.order_by(open_first, "-submitted_on", "pk")


# --- Appeals -----------------------------------------------------------------------------------


def appeal_deadline_rule() -> rules.AnswerDeadline:
    """The appeal deadline in force (`DANGJIAN_APPEAL_ANSWER_WORKING_DAYS`, else the default)."""
    return rules.appeal_deadline(getattr(settings, "DANGJIAN_APPEAL_ANSWER_WORKING_DAYS", None))


def can_handle_appeal(actor: User, appeal: Appeal) -> bool:
    """An officer who looks after members at the receiving organisation, never the appellant themself."""
    scope = scope_for(actor)
    if appeal.appellant_id == scope.member_id:
        return False
    return scope.allows(Perm.MANAGE_CARE, appeal.org.path)


def access_appeal(actor: User, appeal_id: int | str) -> Appeal:
    """An appeal for its appellant and for the officers who receive it; 404 otherwise."""
    try:
        appeal = Appeal.objects.for_list().get(pk=appeal_id)
    except (Appeal.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    scope = scope_for(actor)
    if appeal.appellant_id != scope.member_id and not scope.allows(Perm.MANAGE_CARE, appeal.org.path):
        raise NotFound()
    return appeal


def my_appeals(*, member: Member) -> QuerySet[Appeal]:
    return Appeal.objects.for_list().filter(appellant=member)


@dataclass(frozen=True)
class AppealFilters:
    status: str = ""  # a status, or "open" / "overdue"


def received_appeals(
    *, actor: User, filters: AppealFilters = AppealFilters(), today: datetime.date | None = None
) -> QuerySet[Appeal]:
    """Appeals sent to organisations where the actor looks after members: open ones first, by due date."""
    today = today or timezone.localdate()
    qs = Appeal.objects.for_list().filter(scope_for(actor).org_filter(Perm.MANAGE_CARE))
    if filters.status == "open":
        qs = qs.open()
    elif filters.status == "overdue":
        qs = qs.overdue(today)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    open_first = Case(
        When(status__in=OPEN_APPEAL_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.order_by(open_first, "due_on", "-pk")


@dataclass(frozen=True)
class Decision:
    """A decision about the member that they may appeal now, and the open appeal against it, if any."""

    kind: str
    kind_label: str | Promise
    object_id: int
    subject: AppealSubject
    open_appeal: Appeal | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.object_id}"


def appealable_decisions(*, member: Member) -> list[Decision]:
    """Every registered kind's decisions about the member that may be appealed now, newest first."""
    decisions = []
    for kind in appealable_kinds().values():
        for object_id, subject in kind.choices_for(member.pk):
            if subject.member_id == member.pk:
                decisions.append(Decision(kind.kind, kind.label, object_id, subject))
    open_appeals = {
        (a.kind, a.object_id): a for a in Appeal.objects.filter(appellant=member, status__in=OPEN_APPEAL_STATUSES)
    }
    decisions = [
        Decision(d.kind, d.kind_label, d.object_id, d.subject, open_appeals.get((d.kind, d.object_id)))
        for d in decisions
    ]
    return sorted(decisions, key=lambda d: (d.subject.decided_on, d.kind, d.object_id), reverse=True)
