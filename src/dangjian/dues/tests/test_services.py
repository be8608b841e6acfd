import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from dangjian.accounts.system import system_actor
from dangjian.core.errors import DomainError, Forbidden
from dangjian.core.models import AuditEvent
from dangjian.dues import services
from dangjian.dues.models import BaseSource, DuesBase, LedgerLine, Relief
from dangjian.dues.tests.factories import confirmed_base, generate
from dangjian.members.tests.factories import MemberFactory

D = datetime.date
M = Decimal
JAN, FEB, MAR, JUN = D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1), D(2026, 6, 1)
TODAY = D(2026, 6, 20)


def _line(member, month):
    return LedgerLine.objects.get(member=member, month=month)


def test_generate_prices_each_member_by_class_and_is_idempotent(college):
    confirmed_base(college.member, "6500", JAN)
    confirmed_base(college.secretary, "12000", JAN)
    result = services.ledger_generate(actor=college.user("committee"), org=college.committee, month=MAR, today=TODAY)
    member_line = _line(college.member, MAR)
    assert (member_line.amount_due, member_line.rate, member_line.base, member_line.rule_version) == (
        M("97.50"),
        M("0.0150"),
        M("6500.00"),
        "2008",
    )
    assert _line(college.secretary, MAR).amount_due == M("240.00")
    student = _line(college.other_member, MAR)
    assert (student.amount_due, student.payer_class, student.base) == (M("0.20"), "flat", None)
    # Faculty without a confirmed base are listed, not priced.
    assert {m.name for m in result.missing_base} == {"王组长", "吕书记"}
    created = LedgerLine.objects.count()
    again = services.ledger_generate(actor=college.user("committee"), org=college.committee, month=MAR, today=TODAY)
    assert again.created == 0
    assert again.existing == created
    assert LedgerLine.objects.count() == created
    assert AuditEvent.objects.filter(action="dues.ledger_generate").count() == 2


def test_generate_is_scoped_and_refuses_a_month_not_begun(college):
    with pytest.raises(Forbidden):
        services.ledger_generate(actor=college.user("branch"), org=college.other_branch, month=MAR, today=TODAY)
    with pytest.raises(Forbidden):
        services.ledger_generate(actor=college.user("member"), org=college.branch, month=MAR, today=TODAY)
    with pytest.raises(DomainError):
        services.ledger_generate(actor=college.user("branch"), org=college.branch, month=D(2026, 7, 1), today=TODAY)
    services.ledger_generate(actor=college.user("branch"), org=college.branch, month=MAR, today=TODAY)
    assert not LedgerLine.objects.filter(member=college.other_member).exists()


def test_generate_needs_few_queries_whatever_the_number_of_members(college, django_assert_max_num_queries):
    for i in range(30):
        member = MemberFactory(org=college.group, category="undergraduate", name=f"学生{i}")
        assert member.pk
    with django_assert_max_num_queries(12):
        services.ledger_generate(actor=system_actor(), org=college.committee, month=MAR, today=TODAY)
    assert LedgerLine.objects.filter(month=MAR).count() >= 30


def test_a_probationary_member_pays_from_the_general_meeting_month(college):
    newcomer = MemberFactory(org=college.group, category="undergraduate", joined_on=D(2026, 3, 17), full_member_on=None)
    generate(college.branch, FEB, MAR, today=TODAY)
    assert not LedgerLine.objects.filter(member=newcomer, month=FEB).exists()
    assert _line(newcomer, MAR).amount_due == M("0.20")


def test_a_member_declares_and_the_branch_confirms_and_unpaid_lines_are_repriced(college):
    confirmed_base(college.member, "4000", JAN)
    generate(college.branch, FEB, MAR, today=TODAY)
    assert _line(college.member, MAR).amount_due == M("40.00")
    services.payment_record(
        actor=college.user("branch"),
        member=college.member,
        months=[FEB],
        paid_on=D(2026, 3, 5),
        method="cash",
        today=TODAY,
    )
    base = services.base_declare(
        actor=college.user("member"),
        member=college.member,
        payer_class="on_job",
        amount=M("5200"),
        effective_month=D(2026, 2, 14),
        today=TODAY,
    )
    assert (base.source, base.effective_month, base.confirmed_by) == (BaseSource.DECLARED, FEB, None)
    assert _line(college.member, MAR).amount_due == M("40.00")  # not yet confirmed
    with pytest.raises(Forbidden):
        services.base_confirm(actor=college.user("other_branch"), base=base)
    services.base_confirm(actor=college.user("branch"), base=base)
    assert _line(college.member, MAR).amount_due == M("78.00")  # Art.10: from the month the pay was first paid
    assert _line(college.member, FEB).amount_due == M("40.00")  # already paid: stays
    with pytest.raises(DomainError):
        services.base_confirm(actor=college.user("branch"), base=base)
    with pytest.raises(DomainError) as refused:
        services.base_declare(
            actor=college.user("member"),
            member=college.member,
            payer_class="on_job",
            amount=M("1"),
            effective_month=FEB,
            today=TODAY,
        )
    assert refused.value.field == "effective_month"
    assert AuditEvent.objects.filter(action="dues.base_confirm").count() == 1


def test_declaration_refuses_bad_input_and_other_members(college):
    member = college.user("member")
    with pytest.raises(DomainError) as missing:
        services.base_declare(
            actor=member, member=college.member, payer_class="on_job", effective_month=JAN, today=TODAY
        )
    assert missing.value.field == "amount"
    with pytest.raises(DomainError) as future:
        services.base_declare(
            actor=member,
            member=college.member,
            payer_class="on_job",
            amount=M("1"),
            effective_month=D(2026, 7, 1),
            today=TODAY,
        )
    assert future.value.field == "effective_month"
    with pytest.raises(DomainError):
        services.base_declare(
            actor=member, member=college.member, payer_class="on_job", amount=M("-1"), effective_month=JAN, today=TODAY
        )
    with pytest.raises(Forbidden):
        services.base_declare(
            actor=member,
            member=college.secretary,
            payer_class="on_job",
            amount=M("1"),
            effective_month=JAN,
            today=TODAY,
        )
    flat = services.base_declare(
        actor=college.user("branch"),
        member=college.member,
        payer_class="flat",
        amount=M("9000"),
        effective_month=JAN,
        today=TODAY,
    )
    assert (flat.amount, flat.source) == (None, BaseSource.CONFIRMED)
    assert DuesBase.objects.count() == 1


def test_payment_of_several_months_with_a_voluntary_extra(college):
    confirmed_base(college.member, "6500", JAN)
    generate(college.branch, JAN, FEB, MAR, today=TODAY)
    lines = services.payment_record(
        actor=college.user("branch"),
        member=college.member,
        months=[JAN, FEB, MAR],
        paid_on=D(2026, 4, 2),
        method="transfer",
        voluntary=M("1000"),
        today=TODAY,
    )
    assert [line.paid_amount for line in lines] == [M("97.50"), M("97.50"), M("1097.50")]
    assert lines[-1].to_centre
    assert not lines[0].to_centre
    event = AuditEvent.objects.get(action="dues.payment_record")
    assert event.changes["to_centre"] is True
    with pytest.raises(DomainError) as again:
        services.payment_record(
            actor=college.user("branch"),
            member=college.member,
            months=[MAR],
            paid_on=D(2026, 4, 2),
            method="cash",
            today=TODAY,
        )
    assert "2026-03" in again.value.message


def test_payment_refuses_advance_late_makeup_future_dates_and_strangers(college):
    confirmed_base(college.member, "6500", D(2025, 1, 1))
    generate(college.branch, D(2025, 11, 1), JUN, today=TODAY)
    branch = college.user("branch")

    def pay(months, paid_on, actor=branch):
        return services.payment_record(
            actor=actor, member=college.member, months=months, paid_on=paid_on, method="cash", today=TODAY
        )

    with pytest.raises(DomainError, match="2026-06"):
        pay([JUN], D(2026, 5, 31))  # 垫交: the month has not begun
    with pytest.raises(DomainError, match="补交"):
        pay([D(2025, 11, 1)], D(2026, 6, 1))  # seven months late
    with pytest.raises(DomainError):
        pay([JUN], D(2026, 6, 21))  # tomorrow
    with pytest.raises(DomainError, match="2026-05"):
        pay([D(2026, 5, 1)], D(2026, 6, 1))  # no line generated
    with pytest.raises(Forbidden):
        pay([JUN], D(2026, 6, 1), actor=college.user("other_branch"))
    with pytest.raises(Forbidden):
        pay([JUN], D(2026, 6, 1), actor=college.user("member"))  # no one records their own payment
    assert not LedgerLine.objects.filter(paid_on__isnull=False).exists()
    pay([JUN], D(2026, 6, 1))
    assert _line(college.member, JUN).paid


def test_the_database_refuses_a_partial_payment_and_a_second_line(college):
    generate(college.other_branch, MAR, today=TODAY)
    line = _line(college.other_member, MAR)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerLine.objects.filter(pk=line.pk).update(
            paid_on=D(2026, 3, 2), paid_amount=M("0.10"), method="cash", recorded_by=system_actor()
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerLine.objects.create(
            member=college.other_member,
            month=MAR,
            org=college.other_branch,
            payer_class="flat",
            rule_version="2008",
            amount_by_rule=M("0.20"),
            amount_due=M("0.20"),
        )


def test_a_relief_needs_the_branch_and_then_the_committee(college):
    confirmed_base(college.member, "6500", JAN)
    generate(college.branch, MAR, today=TODAY)
    relief = services.relief_propose(
        actor=college.user("branch"),
        member=college.member,
        kind="reduce",
        reduced_to=M("10"),
        from_month=MAR,
        until_month=D(2026, 8, 1),
        reason="长期病休，收入锐减",
        branch_decided_on=D(2026, 3, 10),
        today=TODAY,
    )
    assert not relief.approved
    assert _line(college.member, MAR).amount_due == M("97.50")
    with pytest.raises(Forbidden):
        services.relief_approve(actor=college.user("branch"), relief=relief)  # the branch cannot approve its own
    services.relief_approve(actor=college.user("committee"), relief=relief)
    line = _line(college.member, MAR)
    assert (line.amount_due, line.amount_by_rule, line.relief_id) == (M("10.00"), M("97.50"), relief.pk)
    generate(college.branch, D(2026, 4, 1), today=TODAY)
    assert _line(college.member, D(2026, 4, 1)).amount_due == M("10.00")
    with pytest.raises(DomainError):
        services.relief_approve(actor=college.user("committee"), relief=relief)


def test_a_waiver_and_its_bad_input(college):
    branch = college.user("branch")
    with pytest.raises(DomainError) as bad:
        services.relief_propose(
            actor=branch,
            member=college.member,
            kind="reduce",
            from_month=MAR,
            until_month=FEB,
            reason="",
            branch_decided_on=D(2026, 7, 1),
            today=TODAY,
        )
    assert set(bad.value.errors) == {"reduced_to", "until_month", "branch_decided_on", "reason"}
    waiver = services.relief_propose(
        actor=branch,
        member=college.member,
        kind="waive",
        reduced_to=M("5"),
        from_month=MAR,
        until_month=MAR,
        reason="家庭遭灾",
        branch_decided_on=D(2026, 3, 1),
        today=TODAY,
    )
    assert waiver.reduced_to is None
    services.relief_approve(actor=college.user("admin"), relief=waiver)
    confirmed_base(college.member, "6500", JAN)
    generate(college.branch, MAR, today=TODAY)
    assert _line(college.member, MAR).amount_due == M("0.00")
    assert Relief.objects.count() == 1
