"""Reads for the home pages. Which home an actor sees follows the widest organisation they reach."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.care.selectors.needs import officer_need_counts
from dangjian.care.selectors.talks import todo_list
from dangjian.compliance.selectors import warning_list
from dangjian.members.models import Member
from dangjian.members.selectors import MemberProfile, member_profile
from dangjian.orgs import selectors as org_selectors
from dangjian.orgs.models import OfficerTerm, Organisation, OrgKind
from dangjian.orgs.selectors import OrgSummary

COMMITTEE, BRANCH, MEMBER = "committee", "branch", "member"


@dataclass
class CommitteeHome:
    roots: list[OrgSummary]  # the committees (or general branches) the actor oversees
    branches: list[OrgSummary]
    today: datetime.date
    kind: str = COMMITTEE

    @property
    def full_members(self) -> int:
        return sum(b.full_members for b in self.branches)

    @property
    def probationary_members(self) -> int:
        return sum(b.probationary_members for b in self.branches)

    @property
    def total_members(self) -> int:
        return self.full_members + self.probationary_members

    @property
    def elections_due(self) -> list[OrgSummary]:
        """Organisations whose 换届 is near or overdue, the soonest first."""
        due = [s for s in [*self.roots, *self.branches] if s.election_near]
        return sorted(due, key=lambda s: s.election_due or datetime.date.max)  # near: always dated

    @property
    def branches_with_problems(self) -> int:
        return sum(1 for b in self.branches if any(f.level == "problem" for f in b.findings))


@dataclass
class BranchHome:
    summaries: list[OrgSummary]  # one per branch (or group) the actor looks after
    kind: str = BRANCH


@dataclass
class MemberHome:
    profile: MemberProfile | None
    branch: Organisation | None
    officers: list[OfficerTerm] = field(default_factory=list)
    kind: str = MEMBER


@dataclass(frozen=True)
class CareSummary:
    """What waits for an officer who looks after members: counts only, each linking to its list."""

    open_needs: int
    overdue_needs: int
    open_todos: int
    open_warnings: int


def care_summary(*, actor: User, today: datetime.date | None = None) -> CareSummary | None:
    """Counts of open and overdue needs, required talks and early-warning entries in the actor's scope."""
    if not scope_for(actor).has_anywhere(Perm.MANAGE_CARE):
        return None
    open_needs, overdue_needs = officer_need_counts(actor, today)
    return CareSummary(
        open_needs=open_needs,
        overdue_needs=overdue_needs,
        open_todos=todo_list(actor).count(),
        open_warnings=warning_list(actor=actor).count(),
    )


def _root_orgs(actor: User) -> list[Organisation]:
    """The organisations at the top of the actor's view scope (none for an administrator)."""
    paths = [p for p in scope_for(actor).paths(Perm.VIEW_ORG) if p]
    return list(Organisation.objects.filter(path__in=paths).order_by("path"))


def home_for(*, actor: User, today: datetime.date | None = None) -> CommitteeHome | BranchHome | MemberHome:
    """The home page data for the widest part of the tree the actor reaches."""
    today = today or timezone.localdate()
    scope = scope_for(actor)
    if scope.has_anywhere(Perm.VIEW_ORG):
        roots = (
            list(Organisation.objects.filter(parent__isnull=True).active().order_by("path"))
            if scope.is_admin
            else _root_orgs(actor)
        )
        if scope.is_admin or any(r.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH) for r in roots):
            wide = [r for r in roots if r.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH)]
            return CommitteeHome(
                roots=[org_selectors.org_summary(actor=actor, org=r, today=today) for r in wide],
                branches=org_selectors.branch_overview(actor=actor, today=today),
                today=today,
            )
        return BranchHome(summaries=[org_selectors.org_summary(actor=actor, org=r, today=today) for r in roots])
    return member_home(actor=actor, today=today)


def member_home(*, actor: User, today: datetime.date | None = None) -> MemberHome:
    """A member's own profile, their organisation and the officers they can turn to."""
    member_id = scope_for(actor).member_id
    if member_id is None:
        return MemberHome(profile=None, branch=None)
    member = Member.objects.select_related("org", "org__parent").get(pk=member_id)
    profile = member_profile(member=member, today=today)
    org = member.org
    branch = org.branch if org is not None else None
    officers: list[OfficerTerm] = []
    if org is not None:
        officers = list(
            OfficerTerm.objects.current(profile.today)
            .filter(org__in={o.pk for o in (org, branch) if o is not None})
            .select_related("member", "org")
            .by_rank()
        )
        officers.sort(key=lambda term: term.org.path)  # stable: the branch first, rank kept within each
    return MemberHome(profile=profile, branch=branch, officers=officers)
