"""Reads of dues, each limited to the actor's scope.

Seeing a branch's ledger needs `VIEW_MEMBERS` over it; recording payments, generating a month and
confirming bases (the collector's work) `MANAGE_MEMBERS`; approving a hardship relief `MANAGE_MEMBERS`
over the committee above the member's branch (党费规定 Art.7). Every member sees their own lines.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import NotFound
from dangjian.dues import rules
from dangjian.dues.models import DuesBase, LedgerLine, Relief
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation, OrgKind
from dangjian.orgs.selectors import home_branch

LEDGER_ORGS = (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)  # where a month is generated
VIEW_ORGS = (*LEDGER_ORGS, OrgKind.GROUP)  # a group leader reads their group's part


def can_collect(actor: User, member: Member) -> bool:
    """The branch's collector (and the officers above): record payments, confirm bases, propose reliefs."""
    return member.org is not None and scope_for(actor).allows(Perm.MANAGE_MEMBERS, member.org.path)


def approver_path(member: Member) -> str | None:
    """The path of the committee above the member's branch, whose approval a relief needs."""
    branch = home_branch(member.org)
    if branch is None or branch.parent is None:
        return None
    return branch.parent.path


def can_approve(actor: User, member: Member) -> bool:
    path = approver_path(member)
    return path is not None and scope_for(actor).allows(Perm.MANAGE_MEMBERS, path)


def _visible_members(actor: User, perm: Perm) -> Q:
    scope = scope_for(actor)
    visible = scope.org_filter(perm)
    if scope.member_id:
        visible |= Q(pk=scope.member_id)
    return visible


def access_member(actor: User, member_id: object, perm: Perm = Perm.VIEW_MEMBERS) -> Member:
    """A current member the actor holds `perm` over (a member reads themself); 404 for missing and forbidden."""
    try:
        member = Member.objects.current().select_related("org", "org__parent", "org__parent__parent").get(pk=member_id)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    scope = scope_for(actor)
    own = perm == Perm.VIEW_MEMBERS and scope.member_id == member.pk
    if not own and not scope.allows(perm, member.org.path if member.org else None):
        raise NotFound()
    return member


def access_base(actor: User, base_id: int | str) -> DuesBase:
    try:
        base = DuesBase.objects.select_related("member", "member__org", "declared_by").get(pk=base_id)
    except (DuesBase.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not can_collect(actor, base.member):
        raise NotFound()
    return base


def access_relief(actor: User, relief_id: int | str) -> Relief:
    """A relief the actor may see: its branch's officers and the committee above."""
    try:
        relief = Relief.objects.select_related("member", "member__org", "member__org__parent").get(pk=relief_id)
    except (Relief.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not can_collect(actor, relief.member):
        raise NotFound()
    return relief


def ledger_orgs(*, actor: User, perm: Perm = Perm.VIEW_MEMBERS) -> QuerySet[Organisation]:
    """Organisations whose ledger the actor may see, in tree order: the page's choice."""
    return (
        Organisation.objects.active()
        .filter(kind__in=VIEW_ORGS)
        .filter(scope_for(actor).org_filter(perm, prefix="path"))
        .order_by("path")
    )


def default_ledger_org(*, actor: User) -> Organisation | None:
    """The actor's own branch when they may see it, else the first ledger they may see."""
    orgs = ledger_orgs(actor=actor)
    member_id = scope_for(actor).member_id
    if member_id is not None:
        member = Member.objects.select_related("org", "org__parent").filter(pk=member_id).first()
        own = home_branch(member.org) if member is not None else None
        if own is not None and scope_for(actor).allows(Perm.VIEW_MEMBERS, own.path):
            return own
    return orgs.first()


# --- Bases and reliefs in force ---------------------------------------------------------------------


def _ids(member_ids: Iterable[int] | QuerySet) -> list[int] | QuerySet:
    # A queryset stays a subquery: a whole committee's members would overflow a database's parameter limit.
    return member_ids if isinstance(member_ids, QuerySet) else list(member_ids)


def bases_in_force(member_ids: Iterable[int] | QuerySet, month: datetime.date) -> dict[int, DuesBase]:
    """Each member's base that prices `month`: the latest imported or confirmed one from that month or before."""
    found: dict[int, DuesBase] = {}
    rows = (
        DuesBase.objects.in_force()
        .filter(member_id__in=_ids(member_ids), effective_month__lte=month)
        .order_by("member_id", "-effective_month")
    )
    for base in rows:
        found.setdefault(base.member_id, base)
    return found


def reliefs_in_force(member_ids: Iterable[int] | QuerySet, month: datetime.date) -> dict[int, Relief]:
    found: dict[int, Relief] = {}
    rows = (
        Relief.objects.approved()
        .filter(member_id__in=_ids(member_ids), from_month__lte=month, until_month__gte=month)
        .order_by("member_id", "-from_month")
    )
    for relief in rows:
        found.setdefault(relief.member_id, relief)
    return found


# --- The month's ledger ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    member: Member
    line: LedgerLine | None
    arrears: rules.Arrears


@dataclass(frozen=True)
class Totals:
    due: Decimal
    paid: Decimal
    lines: int
    unpaid: int


def ledger_members(*, actor: User, org: Organisation) -> QuerySet[Member]:
    """Current members of `org`'s subtree the actor may see, in tree and name order (the page pages them)."""
    return (
        Member.objects.current()
        .filter(org__path__startswith=org.path)
        .filter(scope_for(actor).org_filter(Perm.VIEW_MEMBERS))
        .for_list()
        .order_by("org__path", "name_initials", "name", "pk")
    )


def unpaid_months(member_ids: Iterable[int], today: datetime.date) -> dict[int, list[datetime.date]]:
    """Months before this one due and unpaid, per member (one query)."""
    found: dict[int, list[datetime.date]] = defaultdict(list)
    rows = (
        LedgerLine.objects.unpaid()
        .filter(member_id__in=list(member_ids), month__lt=rules.month_of(today))
        .values_list("member_id", "month")
    )
    for member_id, month in rows:
        found[member_id].append(month)
    return found


def ledger_rows(members: list[Member], month: datetime.date, today: datetime.date) -> list[LedgerRow]:
    """The month's line and the arrears of each member: two queries whatever their number."""
    ids = [m.pk for m in members]
    lines = {
        line.member_id: line
        for line in LedgerLine.objects.filter(member_id__in=ids, month=month).select_related("relief", "recorded_by")
    }
    unpaid = unpaid_months(ids, today)
    return [LedgerRow(m, lines.get(m.pk), rules.arrears(unpaid.get(m.pk, []), today)) for m in members]


def ledger_totals(*, actor: User, org: Organisation, month: datetime.date) -> Totals:
    """Due and paid over the month's lines of `org`'s subtree (one query)."""
    qs = LedgerLine.objects.filter(month=month, member__in=ledger_members(actor=actor, org=org).order_by().values("pk"))
    row = qs.aggregate(
        due=Sum("amount_due"),
        paid=Sum("paid_amount"),
        lines=Count("pk"),
        unpaid=Count("pk", filter=Q(paid_on__isnull=True, amount_due__gt=0)),
    )
    return Totals(row["due"] or Decimal("0"), row["paid"] or Decimal("0"), row["lines"] or 0, row["unpaid"] or 0)


@dataclass(frozen=True)
class ArrearsItem:
    member: Member
    arrears: rules.Arrears


def arrears_list(
    *,
    actor: User,
    org: Organisation | None = None,
    today: datetime.date | None = None,
    level: str = rules.REMINDER,
    perm: Perm = Perm.VIEW_MEMBERS,
) -> list[ArrearsItem]:
    """Members in the actor's scope (within `org`) at `level` or worse, the longest run first: two queries."""
    today = today or timezone.localdate()
    order = [rules.NONE, rules.BEHIND, rules.REMINDER, rules.WARNING]
    qs = (
        LedgerLine.objects.unpaid()
        .filter(month__lt=rules.month_of(today), member__org__isnull=False)
        .filter(scope_for(actor).org_filter(perm, prefix="member__org__path"))
    )
    if org is not None:
        qs = qs.filter(member__org__path__startswith=org.path)
    unpaid: dict[int, list[datetime.date]] = defaultdict(list)
    for member_id, month in qs.values_list("member_id", "month"):
        unpaid[member_id].append(month)
    found = {pk: rules.arrears(months, today) for pk, months in unpaid.items()}
    found = {pk: a for pk, a in found.items() if order.index(a.level) >= order.index(level)}
    members = Member.objects.filter(pk__in=list(found)).for_list()
    items = [ArrearsItem(m, found[m.pk]) for m in members]
    items.sort(key=lambda i: (-i.arrears.consecutive, i.member.org.path if i.member.org else "", i.member.name))
    return items


@dataclass(frozen=True)
class ArrearsWatch:
    managed: list[ArrearsItem]  # members behind where the actor collects, at the reminder level or worse
    own: rules.Arrears | None  # the actor's own arrears, when they are a member


def arrears_watch(*, actor: User, today: datetime.date) -> ArrearsWatch:
    """What the to-do inbox shows of dues: one query (a second only when someone is behind)."""
    scope = scope_for(actor)
    roots = scope.paths(Perm.MANAGE_MEMBERS)
    if "" in roots:
        where = Q()
    else:
        where = Q(member_id=scope.member_id) if scope.member_id else Q(pk__in=[])
        for root in roots:
            where |= Q(member__org__path__startswith=root)
        if not roots and scope.member_id is None:
            return ArrearsWatch([], None)
    rows = (
        LedgerLine.objects.unpaid()
        .filter(where, month__lt=rules.month_of(today), member__org__isnull=False)
        .values_list("member_id", "month", "member__org__path")
    )
    unpaid: dict[int, list[datetime.date]] = defaultdict(list)
    paths: dict[int, str] = {}
    for member_id, month, path in rows:
        unpaid[member_id].append(month)
        paths[member_id] = path
    own = rules.arrears(unpaid.get(scope.member_id, []), today) if scope.member_id else None
    behind = {
        pk: arrears
        for pk, months in unpaid.items()
        if (arrears := rules.arrears(months, today)).level in (rules.REMINDER, rules.WARNING)
        and any(paths[pk].startswith(root) for root in roots)
    }
    members = Member.objects.filter(pk__in=list(behind)).select_related("org", "org__parent") if behind else []
    items = [ArrearsItem(m, behind[m.pk]) for m in members]
    items.sort(key=lambda i: (-i.arrears.consecutive, paths[i.member.pk], i.member.name))
    return ArrearsWatch(items, own)


def pending_bases(*, actor: User, org: Organisation | None = None) -> QuerySet[DuesBase]:
    """Declarations waiting for the branch's confirmation where the actor collects."""
    qs = (
        DuesBase.objects.filter(source="declared", member__org__isnull=False)
        .filter(scope_for(actor).org_filter(Perm.MANAGE_MEMBERS, prefix="member__org__path"))
        .select_related("member", "member__org")
    )
    if org is not None:
        qs = qs.filter(member__org__path__startswith=org.path)
    return qs.order_by("member__org__path", "member__name", "effective_month")


def relief_list(*, actor: User, org: Organisation | None = None) -> list[Relief]:
    """Reliefs of members where the actor collects, those waiting for approval first, with `can_approve` set."""
    qs = (
        Relief.objects.filter(member__org__isnull=False)
        .filter(scope_for(actor).org_filter(Perm.MANAGE_MEMBERS, prefix="member__org__path"))
        .select_related("member", "member__org", "member__org__parent", "approved_by")
    )
    if org is not None:
        qs = qs.filter(member__org__path__startswith=org.path)
    reliefs = list(qs.order_by(F("approved_at").desc(nulls_first=True), "-from_month", "pk")[:200])
    for relief in reliefs:
        relief.can_approve = not relief.approved and can_approve(actor, relief.member)  # type: ignore[attr-defined]
    return reliefs


def unpaid_lines(*, member: Member) -> QuerySet[LedgerLine]:
    """A member's lines still to pay, oldest first: what the payment form offers."""
    return LedgerLine.objects.unpaid().filter(member=member).order_by("month")


# --- A member's own dues -----------------------------------------------------------------------------


@dataclass
class MemberDues:
    member: Member
    lines: list[LedgerLine]
    base: DuesBase | None  # in force this month
    pending: list[DuesBase]  # declared, not yet confirmed
    reliefs: list[Relief]
    payer_class: str
    expected: rules.Amount | None  # this month's amount by the rule (None when a base is missing)
    arrears: rules.Arrears
    ruleset: rules.RuleSet

    @property
    def payer_class_label(self) -> str:
        return str(rules.PAYER_CLASS_LABELS[self.payer_class])


def member_dues(*, member: Member, today: datetime.date | None = None, months: int = 24) -> MemberDues:
    """A member's lines of the last `months` months with how each was computed, their base and reliefs."""
    today = today or timezone.localdate()
    current = rules.month_of(today)
    lines = list(
        LedgerLine.objects.filter(member=member, month__gte=rules.add_months(current, -months + 1))
        .select_related("relief")
        .order_by("-month")
    )
    bases = list(DuesBase.objects.filter(member=member).order_by("-effective_month", "-pk")[:20])
    base = next((b for b in bases if b.applies and b.effective_month <= current), None)
    pending = [b for b in bases if not b.applies]
    reliefs = list(Relief.objects.filter(member=member).order_by("-from_month")[:20])
    payer_class = base.payer_class if base is not None else rules.default_class(member.category)
    ruleset = rules.ruleset_for(current)
    try:
        expected: rules.Amount | None = rules.dues_amount(payer_class, base.amount if base else None, ruleset)
    except rules.BaseMissing:
        expected = None
    unpaid = [line.month for line in LedgerLine.objects.unpaid().filter(member=member, month__lt=current)]
    return MemberDues(
        member, lines, base, pending, reliefs, payer_class, expected, rules.arrears(unpaid, today), ruleset
    )
