"""Who is who around a member: their branch, its secretary, its officers and committee."""

import datetime

from django.db.models import Q
from django.utils import timezone

from dangjian.accounts.models import Role, RoleGrant, User
from dangjian.accounts.permissions import ROLE_PERMISSIONS, Perm, scope_for
from dangjian.members.models import Member
from dangjian.orgs.models import OfficerTerm, Organisation, Position

# The positions that make someone a member of the branch committee (支委), for the talk-coverage rule.
COMMITTEE_POSITIONS = (
    Position.SECRETARY,
    Position.DEPUTY_SECRETARY,
    Position.ORGANISATION,
    Position.PROPAGANDA,
    Position.DISCIPLINE,
    Position.COMMITTEE_MEMBER,
)
CARE_ROLES = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.MANAGE_CARE in perms and role != Role.ADMIN]


def branch_of(org: Organisation | None) -> Organisation | None:
    """The branch that looks after members of `org`: a group's parent branch, else the organisation itself."""
    return org.branch if org is not None else None


def member_branch(member: Member) -> Organisation | None:
    return branch_of(member.org) if member.org_id else None


def branch_secretary(branch: Organisation, on: datetime.date | None = None) -> Member | None:
    """The branch secretary today (the deputy when there is none), or None."""
    term = (
        OfficerTerm.objects.current(on or timezone.localdate())
        .filter(org=branch, position__in=[Position.SECRETARY, Position.DEPUTY_SECRETARY])
        .by_rank()
        .select_related("member", "member__user")
        .first()
    )
    return term.member if term else None


def is_branch_secretary(member_id: int | None, branch: Organisation, on: datetime.date | None = None) -> bool:
    if member_id is None:
        return False
    return (
        OfficerTerm.objects.current(on or timezone.localdate())
        .filter(org=branch, member_id=member_id, position=Position.SECRETARY)
        .exists()
    )


def branch_officer_ids(
    branch: Organisation, on: datetime.date | None = None, *, committee_only: bool = False
) -> list[int]:
    """Members holding an office at the branch today (only committee positions, if asked)."""
    terms = OfficerTerm.objects.current(on or timezone.localdate()).filter(org=branch)
    if committee_only:
        terms = terms.filter(position__in=COMMITTEE_POSITIONS)
    return list(dict.fromkeys(terms.by_rank().values_list("member_id", flat=True)))


def is_branch_officer(member_id: int | None, branch: Organisation, on: datetime.date | None = None) -> bool:
    return member_id is not None and member_id in branch_officer_ids(branch, on)


def can_care_at(user: User | None, branch: Organisation) -> bool:
    """Whether the account holds MANAGE_CARE over the branch (bound there or above)."""
    return user is not None and scope_for(user).allows(Perm.MANAGE_CARE, branch.path)


def officer_accounts(org: Organisation, on: datetime.date | None = None) -> list[User]:
    """The accounts that look after members at `org` itself: care roles bound there, and its officers."""
    on = on or timezone.localdate()
    grant_users = RoleGrant.objects.current(on).filter(org=org, role__in=CARE_ROLES).values("user_id")
    term_members = OfficerTerm.objects.current(on).filter(org=org).values("member_id")
    return list(
        User.objects.filter(Q(pk__in=grant_users) | Q(member__in=term_members), is_active=True)
        .distinct()
        .order_by("pk")
    )
