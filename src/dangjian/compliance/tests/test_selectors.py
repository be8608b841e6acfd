"""Reads: the facts the signals need, reasons in words, scope, and the officers who may hold a talk."""

import datetime

import pytest

from dangjian.accounts.system import system_actor
from dangjian.compliance import rules, selectors
from dangjian.compliance.models import WarningEntry
from dangjian.compliance.tests.factories import backdate, days_ago, held
from dangjian.library.models import Material, ReadingSession
from dangjian.members.services import member_transfer, situation_add
from dangjian.study.services.selfstudy import self_study_log

TODAY = datetime.date(2026, 6, 15)


def test_member_since_follows_an_unbroken_run_of_memberships():
    d = datetime.date
    assert selectors._member_since([]) is None
    assert selectors._member_since([(d(2020, 1, 1), None)]) == d(2020, 1, 1)
    moved = [(d(2018, 1, 1), d(2021, 3, 1)), (d(2021, 3, 1), None)]
    assert selectors._member_since(moved) == d(2018, 1, 1)
    gap = [(d(2018, 1, 1), d(2019, 1, 1)), (d(2021, 3, 1), None)]
    assert selectors._member_since(gap) == d(2021, 3, 1)


def test_facts_read_attendance_study_reading_and_situations(college):
    zhang = college.member
    backdate(zhang)
    held(college.branch, 50, {zhang: "absent"})
    held(college.branch, 20, {zhang: "leave"}, form="group_meeting")
    held(college.branch, 1, {zhang: "expected"})  # not closed: not read
    self_study_log(actor=zhang.user, studied_on=days_ago(3), minutes=30, title="自学党章")
    material = Material.objects.create(org=college.branch, title="党章", area="rules", kind="txt")
    now = datetime.datetime.now(datetime.UTC)
    ReadingSession.objects.create(
        member=zhang, material=material, day=days_ago(2), started_at=now, last_beat_at=now, active_seconds=59
    )
    ReadingSession.objects.create(
        member=zhang, material=material, day=days_ago(4), started_at=now, last_beat_at=now, active_seconds=120
    )
    situation_add(actor=college.user("branch"), member=zhang, kind="flowing", since=days_ago(10))
    today = days_ago(0)
    facts = selectors.warning_facts([zhang], today, rules.DEFAULT_RULES, branch=college.branch)[zhang.pk]
    assert [(o.day, o.status, o.form) for o in sorted(facts.occasions, key=lambda o: o.day)] == [
        (days_ago(50), "absent", "theme_day"),
        (days_ago(20), "leave", "group_meeting"),
    ]
    assert facts.last_self_study == days_ago(3)
    assert facts.last_reading == days_ago(4)  # 59 seconds on a day is not a minute of reading
    assert facts.member_since == days_ago(800)
    assert facts.kinds_on(today) == {"flowing"}
    assert facts.last_talk is None
    assert facts.talks_recorded_since is None


def test_a_member_moved_between_branches_keeps_their_history(college):
    zhang = college.member
    backdate(zhang)
    member_transfer(actor=system_actor(), member=zhang, to_org=college.other_branch, on=days_ago(5))
    facts = selectors.warning_facts([zhang], days_ago(0), rules.DEFAULT_RULES, branch=college.other_branch)
    assert facts[zhang.pk].member_since == days_ago(800)


REASONS = [
    rules.Finding(
        "absences", "warning", "talk", TODAY, TODAY, (rules.Item(TODAY, "主题党日", "absent"),), {"count": 3}
    ),
    rules.Finding(
        "organisational_life",
        "alarm",
        "visit",
        TODAY,
        TODAY,
        (rules.Item(TODAY, "党小组会", "leave"),),
        {"last": None, "missed": 1, "limit_on": TODAY, "limit_passed": True, "before_records": False},
    ),
    rules.Finding("study", "warning", "talk", TODAY, TODAY, (rules.Item(TODAY, "", "reading"),), {}, "flowing"),
    rules.Finding(
        "talk", "warning", "study_at_home", TODAY, TODAY, (), {"months": 12, "due": TODAY, "never": True}, "frail"
    ),
    rules.Finding(
        "participation",
        "warning",
        "talk",
        TODAY,
        TODAY,
        (rules.Item(TODAY, "主题党日", "absent"),),
        {
            "recent_attended": 1,
            "recent_expected": 5,
            "previous_attended": 9,
            "previous_expected": 10,
            "recent_months": 6,
            "previous_months": 12,
        },
    ),
]


@pytest.mark.parametrize("finding", REASONS, ids=[f.signal for f in REASONS])
def test_every_reason_is_put_into_words_with_its_source(finding):
    view = selectors.describe(finding.as_dict(), TODAY + datetime.timedelta(days=100))
    assert view.title
    assert view.summary
    assert view.source == rules.SOURCES[finding.signal]
    assert all(item.day == TODAY for item in view.items)
    assert bool(view.exemption) == bool(finding.exemption)


def test_who_may_hold_the_talk(college):
    entry = WarningEntry.objects.create(member=college.member, org=college.branch, opened_on=TODAY, refreshed_on=TODAY)
    names = {m.name for m in selectors.talk_officers(entry)}
    assert names == {
        "李书记",
        "吕书记",
    }  # the branch's secretary and the committee's; not the group leader's office elsewhere
    own = WarningEntry.objects.create(
        member=college.secretary, org=college.branch, opened_on=TODAY, refreshed_on=TODAY, status="closed",
        closed_on=TODAY, resolution="explained", resolved_on=TODAY, note="已说明",
    )  # fmt: skip
    assert "李书记" not in {m.name for m in selectors.talk_officers(own)}


def test_scope_of_lists(college):
    entry = WarningEntry.objects.create(member=college.member, org=college.branch, opened_on=TODAY, refreshed_on=TODAY)
    assert list(selectors.warning_list(actor=college.user("admin"))) == [entry]
    assert list(selectors.warning_list(actor=college.user("committee"))) == [entry]
    assert list(selectors.warning_list(actor=college.user("branch"))) == [entry]
    for role in ("other_branch", "member", "group_leader", "auditor"):
        assert list(selectors.warning_list(actor=college.user(role))) == []
    assert [c.org for c in selectors.branch_overview(actor=college.user("other_branch"))] == [college.other_branch]
    assert selectors.branch_overview(actor=college.user("member")) == []
