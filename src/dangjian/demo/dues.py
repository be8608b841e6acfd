"""The demo college's dues: every member's base, the last six months and this one on the ledger, most paid.

Faculty and staff get a monthly base from the payroll office (imported, as the later Excel import will do),
retirees a pension; students pay the fixed 0.2 元 and need none. The months are generated through the dues
service (bulk, a few queries a month). Paid lines are marked in bulk, each on the 10th of its month, by cash
or transfer, in a few updates and one audit event. Some members are behind: `demo-member` by three months (a reminder on
their home page and a to-do for their branch), a few others by three or four, one by six months (the Art.13
warning), and one member has a hardship waiver decided by the branch and approved by the committee.
Idempotent: written once, when the demo committee's tree has no dues line yet.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.system import system_actor
from dangjian.core import audit
from dangjian.demo.plan import DEMO_COMMITTEE_CODE, DEMO_USERNAMES
from dangjian.dues import rules, services
from dangjian.dues.models import BaseSource, DuesBase, LedgerLine, Method
from dangjian.members.models import Category, Member
from dangjian.orgs.models import Organisation

MONTHS_BACK = 6
DEMO_MEMBER = "demo-member"


@dataclass
class DuesDemoResult:
    bases: int = 0
    lines: int = 0
    paid: int = 0
    behind: int = 0


def _base_amount(member: Member) -> Decimal:
    """A plausible after-tax monthly base, the same for the same member: 3,000–16,000 元 (faculty), 2,500–8,000 (pension)."""
    step = (member.pk * 7919) % 100
    if member.category == Category.RETIRED:
        return Decimal(2500 + step * 55)
    return Decimal(3000 + step * 130) + Decimal(step % 10) * Decimal("12.35")


def dues_demo_ensure(*, today: datetime.date | None = None) -> DuesDemoResult:
    """Give the demo college its dues, once."""
    today = today or timezone.localdate()
    result = DuesDemoResult()
    committee = Organisation.objects.filter(code=DEMO_COMMITTEE_CODE).first()
    if committee is None or LedgerLine.objects.filter(org__path__startswith=committee.path).exists():
        return result
    system = system_actor()
    current = rules.month_of(today)
    months = [rules.add_months(current, -n) for n in range(MONTHS_BACK, -1, -1)]
    members = list(
        Member.objects.current().filter(org__path__startswith=committee.path).select_related("org").order_by("pk")
    )
    # Bases in force from a year back (or the month they joined), as the payroll office's sheet gives them.
    year_ago = rules.add_months(current, -12)
    bases = [
        DuesBase(
            member=m,
            payer_class=rules.default_class(m.category),
            amount=_base_amount(m),
            effective_month=max(year_ago, rules.first_month(m.joined_on)),
            source=BaseSource.IMPORTED,
            declared_by=system,
            note=_("Payroll office's sheet (demo)"),
        )
        for m in members
        if rules.default_class(m.category) in rules.NEEDS_BASE
    ]
    with transaction.atomic():
        DuesBase.objects.bulk_create(bases, batch_size=1000)
        audit.record(
            actor=system,
            action="dues.base_import",
            obj=committee,
            org_path=committee.path,
            changes={"bases": len(bases)},
        )
    result.bases = len(bases)

    faculty = [m for m in members if m.category == Category.FACULTY]
    students = [m for m in members if m.category in (Category.UNDERGRADUATE, Category.GRADUATE)]
    demo_member = Member.objects.filter(user__username=DEMO_MEMBER).first()
    behind: dict[int, int] = {}  # member → months unpaid before this one
    if demo_member is not None:
        behind[demo_member.pk] = 3
    others = [m for m in faculty if m.pk not in behind]
    if others:
        behind[others[len(others) // 2].pk] = 6  # the Art.13 warning
    for member in others[len(others) // 3 :: max(1, len(others) // 3)][:2]:
        behind.setdefault(member.pk, 4)
    for member in students[len(students) // 2 :: max(1, len(students) // 2)][:2]:
        behind.setdefault(member.pk, 3)
    result.behind = len(behind)

    demo_user_ids = set(User.objects.filter(username__in=DEMO_USERNAMES).values_list("pk", flat=True))
    _waiver([m for m in faculty if m.pk not in behind and m.user_id not in demo_user_ids], months[-3], today)

    for month in months:
        result.lines += services.ledger_generate(actor=system, org=committee, month=month, today=today).created

    lines = LedgerLine.objects.filter(
        org__path__startswith=committee.path, month__in=months, amount_due__gt=0
    ).values_list("pk", "member_id", "month")
    now = timezone.now()
    paid: dict[tuple[datetime.date, str], list[int]] = defaultdict(list)  # (month, how) → lines
    for pk, member_id, month in lines:
        late = behind.get(member_id, 0)
        if month == current:
            if member_id % 2 or member_id in behind:
                continue  # half the members have not paid this month yet
        elif month >= rules.add_months(current, -late):
            continue
        paid[month, Method.TRANSFER if member_id % 3 else Method.CASH].append(pk)
    with transaction.atomic():
        for (month, method), pks in paid.items():
            for start in range(0, len(pks), 1000):
                LedgerLine.objects.filter(pk__in=pks[start : start + 1000]).update(
                    paid_on=min(month.replace(day=10), today),
                    method=method,
                    paid_amount=F("amount_due"),
                    recorded_by=system,
                    recorded_at=now,
                )
        audit.record(
            actor=system,
            action="dues.payment_record",
            obj=committee,
            org_path=committee.path,
            changes={"lines": sum(len(pks) for pks in paid.values()), "demo": True},
        )
    result.paid = sum(len(pks) for pks in paid.values())
    return result


def _waiver(candidates: list[Member], since: datetime.date, today: datetime.date) -> None:
    """A hardship waiver for one member of `demo-branch`'s branch: decided there, approved by the committee."""
    secretary = User.objects.select_related("member__org__parent").filter(username="demo-branch").first()
    approver = User.objects.filter(username="demo-committee").first()
    if secretary is None or approver is None or secretary.member.org is None:
        return
    branch = secretary.member.org
    member = next((m for m in candidates if m.org is not None and m.org.path.startswith(branch.path)), None)
    if member is None or member.pk == secretary.member.pk:
        return
    relief = services.relief_propose(
        actor=secretary,
        member=member,
        kind="waive",
        from_month=since,
        until_month=rules.add_months(since, 11),
        reason=_("Long illness and heavy medical costs; studied by the branch committee (demo)."),
        branch_decided_on=today,
        today=today,
    )
    services.relief_approve(actor=approver, relief=relief)


def dues_demo_summary(result: DuesDemoResult) -> str:
    """One line for the demo command."""
    if not result.lines:
        return ""
    return _(
        "Dues: %(bases)d bases, %(lines)d ledger lines over seven months, %(paid)d paid, %(behind)d members behind."
    ) % {"bases": result.bases, "lines": result.lines, "paid": result.paid, "behind": result.behind}
