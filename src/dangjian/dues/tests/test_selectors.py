import datetime
from decimal import Decimal

import pytest

from dangjian.core.errors import NotFound
from dangjian.dues import rules, selectors, services
from dangjian.dues.tests.factories import confirmed_base, generate

D = datetime.date
TODAY = D(2026, 7, 10)
MONTHS = [D(2026, m, 1) for m in range(1, 8)]


@pytest.fixture
def ledger(college):
    confirmed_base(college.member, "6500", MONTHS[0])
    confirmed_base(college.secretary, "4000", MONTHS[0])
    generate(college.committee, *MONTHS, today=TODAY)
    # The secretary paid everything up to June; 张三 nothing since January; the student paid March to June.
    services.payment_record(
        actor=college.user("branch"),
        member=college.secretary,
        months=MONTHS[:6],
        paid_on=D(2026, 7, 1),
        method="cash",
        today=TODAY,
    )
    services.payment_record(
        actor=college.user("other_branch"),
        member=college.other_member,
        months=MONTHS[2:6],
        paid_on=D(2026, 7, 1),
        method="transfer",
        today=TODAY,
    )
    return college


def test_ledger_rows_show_the_line_and_how_far_behind(ledger, django_assert_num_queries):
    members = list(selectors.ledger_members(actor=ledger.user("branch"), org=ledger.branch))
    assert ledger.other_member not in members
    with django_assert_num_queries(2):
        rows = {row.member.name: row for row in selectors.ledger_rows(members, MONTHS[5], TODAY)}
    assert rows["张三"].arrears.level == rules.WARNING
    assert rows["张三"].arrears.behind == 6
    assert rows["张三"].line.amount_due == Decimal("97.50")
    assert rows["李书记"].arrears.level == rules.NONE
    assert rows["李书记"].line.paid
    assert rows["王组长"].line is None  # no base: not priced


def test_totals(ledger):
    totals = selectors.ledger_totals(actor=ledger.user("committee"), org=ledger.committee, month=MONTHS[5])
    assert totals.due == Decimal("97.50") + Decimal("40.00") + Decimal("0.20") * 2
    assert totals.paid == Decimal("40.00") + Decimal("0.20")
    assert totals.unpaid == 2


def test_arrears_list_is_scoped_and_ordered(ledger):
    items = selectors.arrears_list(actor=ledger.user("committee"), today=TODAY)
    assert [(i.member.name, i.arrears.level) for i in items] == [("张三", rules.WARNING), ("钱书记", rules.WARNING)]
    student_side = selectors.arrears_list(actor=ledger.user("other_branch"), today=TODAY, level=rules.BEHIND)
    assert [(i.member.name, i.arrears.behind) for i in student_side] == [("钱书记", 6), ("赵学生", 2)]
    assert selectors.arrears_list(actor=ledger.user("member"), today=TODAY) == []


def test_a_member_sees_how_their_dues_are_computed(ledger):
    mine = selectors.member_dues(member=ledger.member, today=TODAY)
    assert mine.payer_class == rules.ON_JOB
    assert mine.expected.amount == Decimal("97.50")
    assert mine.expected.citation == "党费规定（2008）第二条"
    assert [line.month for line in mine.lines][:2] == [MONTHS[6], MONTHS[5]]
    assert mine.arrears.consecutive == 6
    assert mine.arrears.warning_from == D(2026, 6, 30)


def test_access_member_is_scoped(ledger):
    assert selectors.access_member(ledger.user("member"), ledger.member.pk) == ledger.member
    with pytest.raises(NotFound):
        selectors.access_member(ledger.user("member"), ledger.member.pk, perm=selectors.Perm.MANAGE_MEMBERS)
    with pytest.raises(NotFound):
        selectors.access_member(ledger.user("other_branch"), ledger.member.pk)
    assert selectors.default_ledger_org(actor=ledger.user("branch")) == ledger.branch
    assert selectors.default_ledger_org(actor=ledger.user("member")) is None
