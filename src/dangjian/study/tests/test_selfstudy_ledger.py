"""The ledger on a small data set computed by hand, and its query count."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from dangjian.core.errors import NotFound
from dangjian.members.models import SpecialSituation
from dangjian.members.tests.factories import MemberFactory
from dangjian.study.selectors import selfstudy as selectors
from dangjian.study.tests.factories_selfstudy import attend, local, make_activity, reading_list, self_study

YEAR = 2025


@pytest.fixture
def data(college):
    """2025 for the branch (李书记, 王组长, 张三, 吕书记) plus an exempt and a new member.

    张三: collective 120 + 90 (made up) = 210 min → 3.5; self-study 1,200 min = 20 → capped 16; total 19.5 of 32.
    王组长: collective 120 (late) → 2.0; self-study 45 min → 0.5; total 2.5 of 32.
    李书记 (branch secretary): collective 90 → 1.5 of 56.
    吕书记 (committee secretary): nothing, of 56.
    病休: frail all year → exempt, nothing required.
    新党员: joined 1 July → 184/365 × 32 = 16.13 → 16.0 required; self-study 30 min → 0.5.
    """
    leader = college.group.current_members.get(name="王组长")
    frail = MemberFactory(org=college.group, name="病休")
    SpecialSituation.objects.create(member=frail, kind="frail", since=datetime.date(2023, 3, 1))
    new = MemberFactory(org=college.group, name="新党员", joined_on=datetime.date(2025, 7, 1), full_member_on=None)

    march = make_activity(college.branch, local(YEAR, 3, 7, 14), 120)
    attend(march, college.member, "present")
    attend(march, leader, "late")
    attend(march, college.secretary, "absent")
    attend(march, frail, "present")  # exempt members may still study
    june = make_activity(college.committee, local(YEAR, 6, 1, 9), 90)
    attend(june, college.member, "made_up")
    attend(june, leader, "leave")
    attend(june, college.secretary, "present")
    # Not counted: the year before (by 30 minutes), the year after, a cancelled activity.
    attend(make_activity(college.branch, local(YEAR - 1, 12, 31, 23, 30), 60), college.member, "present")
    attend(make_activity(college.branch, local(YEAR + 1, 1, 1, 0, 0), 60), college.member, "present")
    attend(make_activity(college.branch, local(YEAR, 5, 1), 60, status="cancelled"), college.member, "present")
    # Another branch's member, outside the branch's ledger.
    attend(march, college.other_member, "present")

    self_study(college.member, datetime.date(YEAR, 2, 1), 600)
    self_study(college.member, datetime.date(YEAR, 12, 31), 600)
    self_study(college.member, datetime.date(YEAR - 1, 12, 31), 600)  # last year
    self_study(leader, datetime.date(YEAR, 4, 1), 45)
    self_study(new, datetime.date(YEAR, 8, 1), 30)
    return {"leader": leader, "frail": frail, "new": new}


def by_name(ledger) -> dict:
    return {row.member.name: row for row in ledger.rows}


def test_ledger_numbers_by_hand(college, data):
    rows = by_name(selectors.ledger_for_scope(actor=college.user("branch"), year=YEAR))
    assert set(rows) == {"李书记", "王组长", "张三", "吕书记", "病休", "新党员"}

    zhang = rows["张三"]
    assert (zhang.collective_minutes, zhang.collective_hours) == (210, Decimal("3.5"))
    assert (zhang.self_study_minutes, zhang.self_study_hours_logged, zhang.self_study_hours) == (1200, 20, 16)
    assert zhang.capped
    assert (zhang.total, zhang.required, zhang.gap) == (Decimal("19.5"), 32, Decimal("12.5"))

    leader = rows["王组长"]
    assert (leader.collective_hours, leader.self_study_hours, leader.total) == (2, Decimal("0.5"), Decimal("2.5"))
    assert (leader.is_officer, leader.required, leader.gap) == (False, 32, Decimal("29.5"))  # group leaders owe 32

    secretary = rows["李书记"]
    assert (secretary.is_officer, secretary.collective_hours, secretary.required) == (True, Decimal("1.5"), 56)
    assert secretary.gap == Decimal("54.5")
    assert (rows["吕书记"].required, rows["吕书记"].gap) == (56, 56)

    frail = rows["病休"]
    assert (frail.exempt, frail.required, frail.gap, frail.collective_hours) == (True, 0, 0, 2)

    new = rows["新党员"]
    assert (new.full_requirement, new.required, new.prorated) == (32, Decimal("16.0"), True)
    assert (new.total, new.gap) == (Decimal("0.5"), Decimal("15.5"))


def test_member_ledger_matches_the_scope_ledger(college, data):
    row = selectors.ledger_for_member(college.member, YEAR)
    assert (row.collective_hours, row.self_study_hours, row.gap) == (Decimal("3.5"), 16, Decimal("12.5"))
    last_year = selectors.ledger_for_member(college.member, YEAR - 1)
    assert (last_year.collective_minutes, last_year.self_study_minutes) == (60, 600)


def test_the_ledger_is_scoped(college, data):
    assert set(by_name(selectors.ledger_for_scope(actor=college.user("group_leader"), year=YEAR))) == {
        "王组长",
        "张三",
        "病休",
        "新党员",
    }
    committee = by_name(selectors.ledger_for_scope(actor=college.user("committee"), year=YEAR))
    assert committee["赵学生"].collective_hours == 2
    other = selectors.ledger_for_scope(actor=college.user("committee"), year=YEAR, org=college.other_branch)
    assert {row.member.name for row in other.rows} == {"赵学生", "钱书记"}
    with pytest.raises(NotFound):
        selectors.ledger_for_scope(actor=college.user("branch"), year=YEAR, org=college.other_branch)
    with pytest.raises(NotFound):
        selectors.ledger_for_scope(actor=college.user("member"), year=YEAR)


def test_members_who_joined_after_the_year_are_left_out(college, data):
    names = {row.member.name for row in selectors.ledger_for_scope(actor=college.user("branch"), year=YEAR - 1).rows}
    assert "新党员" not in names
    assert "张三" in names


def test_rows_are_ordered_by_organisation_and_name_never_by_hours(college, data):
    rows = selectors.ledger_for_scope(actor=college.user("committee"), year=YEAR).rows
    keys = [(row.member.org.path, row.member.name_initials, row.member.name) for row in rows]
    assert keys == sorted(keys)
    totals = [row.total for row in rows]
    assert totals != sorted(totals)
    assert totals != sorted(totals, reverse=True)


@override_settings(DANGJIAN_SELF_STUDY_HOUR_RULE="online_course", DANGJIAN_SELF_STUDY_CAP_HOURS=None)
def test_the_online_course_table_applies_per_entry(college, data):
    rows = by_name(selectors.ledger_for_scope(actor=college.user("branch"), year=YEAR))
    # 张三: two entries of 600 min → 1 + 1; 王组长: 45 → 1; 新党员: 30 → 1. No cap.
    assert rows["张三"].self_study_hours == 2
    assert rows["王组长"].self_study_hours == 1
    assert rows["新党员"].self_study_hours == 1


def test_reading_progress_in_member_progress(college, data):
    rl = reading_list(college.user("committee"), college.committee, titles=("党章", "准则"))
    self_study(college.member, datetime.date(YEAR, 3, 1), 30, reading_item=rl.items.first())
    progress = selectors.member_progress(member=college.member, year=YEAR)
    assert progress.row.gap == Decimal("12.5")  # capped self-study: the extra entry changes nothing
    assert [(p.reading_list.pk, p.done, p.total, p.required_left) for p in progress.reading] == [(rl.pk, 1, 2, 1)]


def _queries(actor, year) -> int:
    actor = type(actor).objects.get(pk=actor.pk)  # a fresh account object: no cached scope
    with CaptureQueriesContext(connection) as context:
        selectors.ledger_for_scope(actor=actor, year=year)
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_members(college, data, django_assert_max_num_queries):
    actor = college.user("committee")
    before = _queries(actor, YEAR)
    march = make_activity(college.branch, local(YEAR, 3, 20), 45)
    for _ in range(15):
        member = MemberFactory(org=college.branch)
        attend(march, member, "present")
        self_study(member, datetime.date(YEAR, 5, 5), 90)
        SpecialSituation.objects.create(member=member, kind="abroad", since=datetime.date(YEAR, 3, 1))
    actor = type(actor).objects.get(pk=actor.pk)  # a fresh account object: no cached scope
    with django_assert_max_num_queries(before):
        ledger = selectors.ledger_for_scope(actor=actor, year=YEAR)
    assert len(ledger.rows) == 4 + 2 + 15 + 2  # the branch, the other branch, the new ones, 病休 and 新党员


def test_reading_in_the_library_counts_as_self_study_under_both_caps(college, settings):
    """Active reading counts per day up to its daily cap, then with self-study under the yearly cap."""
    import datetime as dt

    from django.utils import timezone

    from dangjian.library.models import Material, ReadingSession
    from dangjian.study.selectors.selfstudy import ledger_for_member, ledger_for_scope

    settings.DANGJIAN_READING_DAILY_CAP_MINUTES = 60
    material = Material.objects.create(org=college.branch, title="党章", area="rules", kind="txt", status="published")
    year = timezone.localdate().year
    at = timezone.now()
    for day, minutes in ((dt.date(year, 1, 5), 90), (dt.date(year, 1, 6), 30), (dt.date(year - 1, 12, 31), 45)):
        ReadingSession.objects.create(
            member=college.member,
            material=material,
            day=day,
            started_at=at,
            last_beat_at=at,
            active_seconds=minutes * 60,
        )
    row = ledger_for_member(college.member, year)
    assert row.reading_minutes == 60 + 30  # 90 capped at 60; last year's 45 not in this year
    assert row.reading_hours == Decimal("1.5")
    assert row.self_study_hours_logged == row.reading_hours  # 张三 logged no other self-study here
    scoped = {r.member.pk: r for r in ledger_for_scope(actor=college.user("branch"), year=year).rows}
    assert scoped[college.member.pk].reading_minutes == 90
    assert scoped[college.secretary.pk].reading_minutes == 0
