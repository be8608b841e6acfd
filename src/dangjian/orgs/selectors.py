"""Reads of the organisation tree, always limited to the actor's scope."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.orgs import rules
from dangjian.orgs.models import OfficerTerm, Organisation, OrgKind


def org_list(*, actor: User, kind: str | None = None, include_dissolved: bool = False) -> QuerySet[Organisation]:
    """Organisations the actor may see, in tree order."""
    qs = Organisation.objects.filter(scope_for(actor).org_filter(Perm.VIEW_ORG, prefix="path")).select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if not include_dissolved:
        qs = qs.filter(dissolved_on__isnull=True)
    return qs.order_by("path")


def _members() -> Any:
    """The roster's members, reached through the relation a term of office holds (orgs sits below members)."""
    return OfficerTerm._meta.get_field("member").related_model._default_manager


def officer_candidates(*, actor: User, org: Organisation, q: str = "") -> QuerySet:
    """Who may be appointed to an office of `org`: current members of it and everything under it that the
    actor may see, matching `q` (name, pinyin initials or number), by organisation and name. The appointment
    form's picker lists these and the form accepts only these."""
    scope = scope_for(actor)
    visible = scope.org_filter(Perm.VIEW_MEMBERS)
    if scope.member_id and "" not in scope.paths(Perm.VIEW_MEMBERS):
        # As on the roster: every member sees themself, also one whose roles lie elsewhere in the tree.
        visible = (visible | Q(pk=scope.member_id)) if scope.has_anywhere(Perm.VIEW_MEMBERS) else Q(pk=scope.member_id)
    return (
        _members()
        .current()
        .filter(visible, org__path__startswith=org.path)
        .filter(member_search(q.strip()) if q.strip() else Q())
        .for_list()
        .order_by("org__path", "name_initials", "pk")
    )


def role_grant_orgs(*, actor: User) -> QuerySet[Organisation]:
    """Where the actor may grant roles: the organisations they see and manage accounts in, in tree order.

    The grant page offers these and the API accepts only these.
    """
    return org_list(actor=actor).filter(scope_for(actor).org_filter(Perm.MANAGE_ACCOUNTS, prefix="path"))


@dataclass
class OrgNode:
    org: Organisation
    member_count: int = 0  # members of this organisation and everything under it
    children: list["OrgNode"] = field(default_factory=list)


def org_tree(*, actor: User) -> list[OrgNode]:
    """The visible part of the tree as nested nodes with subtree member counts (two queries)."""
    orgs = list(org_list(actor=actor))
    direct = (
        dict(_members().current().filter(org__in=[o.pk for o in orgs]).values_list("org").annotate(n=Count("pk")))
        if orgs
        else {}
    )
    nodes = {o.pk: OrgNode(org=o, member_count=direct.get(o.pk, 0)) for o in orgs}
    roots: list[OrgNode] = []
    for org in orgs:  # path order: parents come before children
        node = nodes[org.pk]
        parent = nodes.get(org.parent_id) if org.parent_id is not None else None
        (parent.children if parent else roots).append(node)
    for org in reversed(orgs):
        parent = nodes.get(org.parent_id) if org.parent_id is not None else None
        if parent:
            parent.member_count += nodes[org.pk].member_count
    return roots


@dataclass
class OrgSummary:
    org: Organisation
    officers: list[OfficerTerm]
    children: list[Organisation]
    full_members: int
    probationary_members: int
    election_due: datetime.date | None
    election_near: bool
    findings: list[rules.Finding]

    @property
    def total_members(self) -> int:
        return self.full_members + self.probationary_members


def subtree_member_counts(org: Organisation, today: datetime.date | None = None) -> tuple[int, int]:
    """(full, probationary) members of the organisation and its subtree."""
    today = today or timezone.localdate()
    counts = (
        _members()
        .current()
        .filter(org__path__startswith=org.path)
        .aggregate(
            full=Count("pk", filter=Q(full_member_on__lte=today)),
            total=Count("pk"),
        )
    )
    return counts["full"], counts["total"] - counts["full"]


def org_summary(*, actor: User, org: Organisation, today: datetime.date | None = None) -> OrgSummary:
    """An organisation with its officers, sub-organisations, counts, next election and checks."""
    today = today or timezone.localdate()
    officers = list(OfficerTerm.objects.current(today).filter(org=org).select_related("member").by_rank())
    children = list(org_list(actor=actor).filter(parent=org))
    full, probationary = subtree_member_counts(org, today)
    due = rules.next_election_on(org.term_started_on, rules.term_years(org.kind, org.term_years))
    findings: list[rules.Finding] = []
    if org.kind == OrgKind.BRANCH:
        committee = {t.member_id for t in officers if t.position in rules.COMMITTEE_POSITIONS}
        findings = rules.check_branch(
            full_members=full,
            probationary_members=probationary,
            committee_size=len(committee),
            has_secretary=any(t.position == "secretary" for t in officers),
            election_due=due,
            today=today,
        )
    return OrgSummary(
        org=org,
        officers=officers,
        children=children,
        full_members=full,
        probationary_members=probationary,
        election_due=due,
        election_near=rules.election_is_near(due, today),
        findings=findings,
    )


def branch_overview(
    *, actor: User, root: Organisation | None = None, today: datetime.date | None = None
) -> list[OrgSummary]:
    """Every visible branch under `root` with its counts and checks, in few queries."""
    today = today or timezone.localdate()
    branches = list(org_list(actor=actor, kind=OrgKind.BRANCH))
    if root is not None:
        branches = [b for b in branches if b.path.startswith(root.path)]
    if not branches:
        return []
    counts: dict[str, list[int]] = {b.path: [0, 0] for b in branches}
    rows = (
        _members()
        .current()
        .filter(scope_for(actor).org_filter(Perm.VIEW_ORG))
        .values_list("org__path", "full_member_on")
    )
    by_length = sorted({len(b.path) for b in branches})
    for path, full_on in rows:
        for length in by_length:
            key = path[:length]
            if key in counts:
                counts[key][0 if full_on and full_on <= today else 1] += 1
                break
    terms: dict[int, list[OfficerTerm]] = {}
    for term in OfficerTerm.objects.current(today).filter(org__in=branches).select_related("member").by_rank():
        terms.setdefault(term.org_id, []).append(term)
    result = []
    for branch in branches:
        officers = terms.get(branch.pk, [])
        full, probationary = counts[branch.path]
        due = rules.next_election_on(branch.term_started_on, rules.term_years(branch.kind, branch.term_years))
        committee = {t.member_id for t in officers if t.position in rules.COMMITTEE_POSITIONS}
        result.append(
            OrgSummary(
                org=branch,
                officers=officers,
                children=[],
                full_members=full,
                probationary_members=probationary,
                election_due=due,
                election_near=rules.election_is_near(due, today),
                findings=rules.check_branch(
                    full_members=full,
                    probationary_members=probationary,
                    committee_size=len(committee),
                    has_secretary=any(t.position == "secretary" for t in officers),
                    election_due=due,
                    today=today,
                ),
            )
        )
    return result


# --- a member in a picker ----------------------------------------------------------------------


def home_branch(org: Organisation | None) -> Organisation | None:
    """The branch an organisation counts as for "own branch first": a group's parent, else itself."""
    if org is not None and org.kind == OrgKind.GROUP and org.parent_id:
        return org.parent
    return org


def member_search(term: str) -> Q:
    """Name, pinyin initials ("zs" finds 张三) or the start of the staff/student number."""
    search = Q(name__contains=term) | Q(number__istartswith=term)
    if term.isascii() and term.isalpha():
        search |= Q(name_initials__startswith=term.lower())
    return search


def member_choice_label(member: Any) -> tuple[str, str]:
    """A member in a picker (the roster's and every member choice's), telling namesakes apart:
    "name · branch" and a hint "group · category · number ending"."""
    org = member.org
    branch = home_branch(org)
    text = f"{member.name} · {branch.name}" if branch else member.name
    hint = [org.name] if org is not None and branch is not org else []
    hint.append(member.get_category_display())
    if member.number:  # staff and student numbers end in digits; another kind of number is shown whole
        tail = member.number[-4:]
        hint.append(
            _("number ending %(tail)s") % {"tail": tail}
            if tail.isdigit()
            else _("number %(number)s") % {"number": member.number}
        )
    return text, " · ".join(str(h) for h in hint if h)
