"""Reads of the roster, always limited to the actor's scope."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from dangjian.accounts import selectors as account_selectors
from dangjian.accounts.models import RoleGrant, User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.members.models import Member, Membership, SpecialSituation, Status
from dangjian.members.services import MEMBER_ORGS
from dangjian.orgs.models import Organisation
from dangjian.orgs.selectors import home_branch, member_search, org_list

SORTS = {
    "name": ("name_initials", "name", "pk"),
    "-name": ("-name_initials", "-name", "-pk"),
    "number": ("number", "pk"),
    "-number": ("-number", "-pk"),
    "joined": ("joined_on", "pk"),
    "-joined": ("-joined_on", "-pk"),
    "org": ("org__path", "name_initials", "pk"),
    "-org": ("-org__path", "name_initials", "pk"),
}
DEFAULT_SORT = "org"


@dataclass(frozen=True)
class MemberFilters:
    q: str = ""
    org_id: int | None = None
    category: str = ""
    status: str = ""
    sort: str = DEFAULT_SORT


def member_orgs(*, actor: User) -> QuerySet[Organisation]:
    """Branches and groups where the actor may add or move members, in tree order: the pages' choices."""
    return org_list(actor=actor).filter(
        scope_for(actor).org_filter(Perm.MANAGE_MEMBERS, prefix="path"), kind__in=MEMBER_ORGS
    )


def member_list(
    *, actor: User, filters: MemberFilters = MemberFilters(), today: datetime.date | None = None
) -> QuerySet[Member]:
    """Current members the actor may see, filtered, searched and sorted, with their organisation."""
    scope = scope_for(actor)
    visible = scope.org_filter(Perm.VIEW_MEMBERS)
    if scope.member_id and "" not in scope.paths(Perm.VIEW_MEMBERS):
        # Every member sees themself, also one whose roles lie elsewhere in the tree.
        visible = (visible | Q(pk=scope.member_id)) if scope.has_anywhere(Perm.VIEW_MEMBERS) else Q(pk=scope.member_id)
    qs = Member.objects.current().filter(visible).for_list()
    if filters.org_id:
        org = Organisation.objects.filter(pk=filters.org_id).only("path").first()
        qs = qs.filter(org__path__startswith=org.path) if org else qs.none()
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.status in Status.values:
        qs = qs.with_status(filters.status, today)
    if term := filters.q.strip():
        qs = qs.filter(member_search(term))
    return qs.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def near_first(qs: QuerySet[Member], near: Organisation | None) -> QuerySet[Member]:
    """Members of `near` and below it first, then the rest; by organisation and name within each."""
    if near is None:
        return qs.order_by("org__path", "name_initials", "name", "pk")
    far = Case(When(org__path__startswith=near.path, then=Value(0)), default=Value(1))
    return qs.alias(far=far).order_by("far", "org__path", "name_initials", "name", "pk")


def member_options(*, actor: User, q: str = "", near: Organisation | None = None) -> QuerySet[Member]:
    """The members a picker offers the actor: current members they may see (as on the roster), matching
    `q`, those of `near` (by default the actor's own branch) first."""
    qs = member_list(actor=actor, filters=MemberFilters(q=q))
    if near is None:
        own = actor_member(actor)
        near = home_branch(own.org if own else None)
    return near_first(qs, near)


@dataclass
class MemberProfile:
    member: Member
    memberships: list[Membership]
    situations: list[SpecialSituation]
    officer_terms: list
    today: datetime.date


def member_profile(*, member: Member, today: datetime.date | None = None) -> MemberProfile:
    """A member (already reached through `access_member`) with their history."""
    return MemberProfile(
        member=member,
        memberships=list(member.memberships.select_related("org").order_by("-since", "-pk")),
        situations=list(member.situations.order_by("-since", "-pk")),
        officer_terms=list(member.officer_terms.select_related("org").order_by("-since", "-pk")),
        today=today or timezone.localdate(),
    )


def exempt_member_ids(member_ids: Iterable[int], day: datetime.date) -> set[int]:
    """Members with a special situation on `day` (away, abroad, frail) — for attendance rules."""
    return set(SpecialSituation.objects.on(day).filter(member_id__in=member_ids).values_list("member_id", flat=True))


def actor_member(actor: User) -> Member | None:
    """The account's own member record, with its organisation and the one above; None for accounts without one."""
    member_id = scope_for(actor).member_id
    if member_id is None:
        return None
    return Member.objects.select_related("org", "org__parent").filter(pk=member_id).first()


@dataclass
class AccountOverview:
    account: User
    member: Member | None
    roles: list[RoleGrant]
    permissions: list[account_selectors.PermissionReach]


def account_overview(*, actor: User, today: datetime.date | None = None) -> AccountOverview:
    """The actor's own account, member record, current roles and where each permission reaches."""
    return AccountOverview(
        account=actor,
        member=Member.objects.for_list().filter(user=actor).first(),
        roles=account_selectors.current_roles(actor=actor, today=today),
        permissions=account_selectors.permission_reach(actor=actor),
    )
