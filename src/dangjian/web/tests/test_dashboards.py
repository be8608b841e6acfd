"""The dashboards (看板): the figures are scoped to the actor, hours are counts per band (no names, no
ranking), the query count does not grow with the branches, and the big screen is the committee's."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.care.models import Need, NeedState, Talk
from dangjian.care.selectors.talks import talk_coverage, talk_coverage_by_branch
from dangjian.care.tests.factories import raise_need
from dangjian.compliance.rules import requirements as req
from dangjian.compliance.tests.factories import backdate, held
from dangjian.core.errors import NotFound
from dangjian.members.tests.factories import MemberFactory
from dangjian.orgs import services as org_services
from dangjian.orgs.tests.factories import OrganisationFactory
from dangjian.web import dashboards, rules
from dangjian.web.views import SCREEN_REFRESH_SECONDS


def login(client, college, role):
    client.force_login(college.user(role))
    return client


# --- rules: the hours bands at their boundaries -------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "required", "band"),
    [
        ("0", "32", rules.NOT_STARTED),
        ("0.5", "32", "quarter"),
        ("7.99", "32", "quarter"),
        ("8", "32", "half"),  # exactly 25%
        ("15.9", "32", "half"),
        ("16", "32", "three_quarters"),  # exactly 50%
        ("24", "32", "almost"),  # exactly 75%
        ("31.9", "32", "almost"),
        ("32", "32", rules.MET),  # exactly 100%
        ("40", "32", rules.MET),
        ("55.9", "56", "almost"),
        ("0", "0", rules.MET),  # nothing required (joined on 31 December)
    ],
)
def test_hours_band_boundaries(total, required, band):
    assert rules.hours_band(Decimal(total), Decimal(required), exempt=False) == band


def test_an_exempt_member_is_apart_whatever_their_hours():
    assert rules.hours_band(Decimal(0), Decimal(0), exempt=True) == rules.EXEMPT
    assert rules.hours_band(Decimal(40), Decimal(32), exempt=True) == rules.EXEMPT


def test_every_band_is_listed_once_in_order():
    keys = [band.key for band in rules.all_bands()]
    assert keys == ["none", "quarter", "half", "three_quarters", "almost", "met", "exempt"]


# --- which dashboard, and its scope ---------------------------------------------------------------------


def test_each_role_gets_its_dashboard(college):
    assert dashboards.dashboard_kind(college.user("admin")) == dashboards.COMMITTEE
    assert dashboards.dashboard_kind(college.user("committee")) == dashboards.COMMITTEE
    assert dashboards.dashboard_kind(college.user("branch")) == dashboards.BRANCH
    assert dashboards.dashboard_kind(college.user("group_leader")) == dashboards.MEMBER
    assert dashboards.dashboard_kind(college.user("member")) == dashboards.MEMBER
    assert dashboards.dashboard_kind(college.user("auditor")) is None


def test_a_branch_secretary_sees_only_their_branch(college):
    held(college.branch, 3, form="theme_day")
    held(college.other_branch, 3, form="theme_day")
    mine = dashboards.officer_dashboard(actor=college.user("branch"))
    assert mine.kind == dashboards.BRANCH
    assert mine.branches == [college.branch]
    assert [c.org for c in mine.coverage] == [college.branch]
    everything = dashboards.officer_dashboard(actor=college.user("committee"))
    assert everything.branches == [college.branch, college.other_branch]


def test_a_plain_member_has_no_officer_dashboard(college):
    with pytest.raises(NotFound):
        dashboards.officer_dashboard(actor=college.user("member"))
    with pytest.raises(NotFound):
        dashboards.member_dashboard(actor=college.user("auditor"))


def test_the_attendance_counts_only_the_branch_of_a_branch_secretary(college):
    ours = held(college.branch, 2, {college.member: "absent"})
    held(college.other_branch, 2, {college.other_member: "present"})
    year = req.period_of(req.PeriodKind.YEAR, timezone.localdate() - datetime.timedelta(days=2))  # the days held
    mine = dashboards.officer_dashboard(actor=college.user("branch"), period=year)
    theirs = dashboards.officer_dashboard(actor=college.user("other_branch"), period=year)
    assert sum(m.expected for m in mine.attendance) == ours.attendances.filter(expected=True).count()
    assert sum(m.attended for m in theirs.attendance) == sum(m.expected for m in theirs.attendance)
    assert mine.attendance_rate < 100


def test_hours_are_counts_per_band_without_names(college):
    data = dashboards.officer_dashboard(actor=college.user("committee"))
    assert data.hours_known
    assert [b.band.key for b in data.hours] == [band.key for band in rules.all_bands()]
    # Nobody has studied yet in the fixture's college: everyone (6 members) is in "none yet".
    assert data.hours_members == 6
    assert {b.band.key: b.count for b in data.hours}["none"] == 6
    for band in data.hours:
        assert not hasattr(band, "member")
        assert not hasattr(band, "members")


# --- talk coverage and needs, batched -------------------------------------------------------------------


def test_coverage_by_branch_agrees_with_the_single_branch_count(college):
    today = timezone.localdate()
    Talk.objects.create(
        org=college.branch, officer=college.secretary, member=college.member, held_on=today, summary="谈心"
    )
    batched = {c.org: c for c in talk_coverage_by_branch([college.branch, college.other_branch], today.year, today)}
    for branch in (college.branch, college.other_branch):
        single = talk_coverage(branch, today.year, today)
        pairs = sum(row.total for row in single.officers)
        assert batched[branch].pairs == pairs
        assert batched[branch].covered == sum(row.covered for row in single.officers)
    assert batched[college.branch].covered == 1


def test_needs_answered_on_time_and_late(college):
    today = timezone.localdate()
    on_time, late, waiting = (raise_need(college.member, title=t) for t in ("一", "二", "三"))
    Need.objects.filter(pk=on_time.pk).update(state=NeedState.ANSWERED, answered_on=on_time.answer_due)
    Need.objects.filter(pk=late.pk).update(
        state=NeedState.ANSWERED, answered_on=late.answer_due + datetime.timedelta(days=1)
    )
    needs = dashboards.officer_dashboard(actor=college.user("committee"), today=today).needs
    assert (needs.answered_on_time, needs.answered_late, needs.open_in_time, needs.open_overdue) == (1, 1, 1, 0)
    assert needs.on_time_rate == 50
    later = dashboards.officer_dashboard(
        actor=college.user("committee"), today=waiting.accept_due + datetime.timedelta(days=1)
    )
    assert later.needs.open_overdue == 1
    # Another branch's secretary sees none of them.
    assert dashboards.officer_dashboard(actor=college.user("other_branch")).needs.total == 0


# --- deadlines and elections ---------------------------------------------------------------------------


def test_deadlines_come_from_the_requirements_still_due(college):
    data = dashboards.officer_dashboard(actor=college.user("committee"))
    due = {(d.requirement.key, d.closes_on) for d in data.deadlines}
    expected = {
        (cell.requirement.key, check.result.closes_on)
        for row in data.rows
        for cell in row.cells
        for check in cell.checks
        if check.status == req.Status.DUE
    }
    assert due == expected
    assert [d.closes_on for d in data.deadlines] == sorted(d.closes_on for d in data.deadlines)


def test_an_election_near_is_listed(college):
    today = timezone.localdate()
    college.branch.term_started_on = today.replace(year=today.year - 3) + datetime.timedelta(days=30)
    college.branch.save()
    data = dashboards.officer_dashboard(actor=college.user("committee"), today=today)
    assert college.branch in [e.org for e in data.elections]


# --- the query count does not grow with the branches ------------------------------------------------------


def _more_branches(college, n: int, first: int = 0) -> None:
    for i in range(first, first + n):
        branch = OrganisationFactory(parent=college.committee, name=f"测试支部{i}", code=f"X{i:02d}")
        group = OrganisationFactory(parent=branch, kind="group", name=f"测试小组{i}", code=f"XG{i:02d}")
        secretary = MemberFactory(org=branch, name=f"书记{i}", number=f"X{i:05d}")
        members = [MemberFactory(org=group, name=f"党员{i}-{j}", number=f"Y{i:03d}{j:02d}") for j in range(3)]
        org_services.officer_appoint(
            actor=system_actor(), org=branch, member=secretary, position="secretary", since=datetime.date(2024, 9, 1)
        )
        backdate(secretary, *members)
        held(branch, 5, form="theme_day")
        held(group, 5, form="group_meeting")
        Talk.objects.create(
            org=branch, officer=secretary, member=members[0], held_on=timezone.localdate(), summary="谈心"
        )


def _queries(user) -> int:
    dashboards.officer_dashboard(actor=user)  # the actor's scope is read once, then kept on the account
    with CaptureQueriesContext(connection) as context:
        dashboards.officer_dashboard(actor=user)
    return len(context.captured_queries)


def test_the_dashboard_does_not_run_a_query_per_branch(college, django_assert_max_num_queries):
    user = college.user("committee")
    _more_branches(college, 2)
    small = _queries(user)
    _more_branches(college, 6, first=2)
    assert dashboards.officer_dashboard(actor=user).branches.__len__() == 10
    large = _queries(user)
    assert large == small
    with django_assert_max_num_queries(small):
        dashboards.officer_dashboard(actor=user)


# --- the pages --------------------------------------------------------------------------------------------


def test_the_committee_page_shows_charts_tables_and_drill_down(client, college):
    response = login(client, college, "committee").get(reverse("web:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "echarts.simple.min.js" in html
    for key in ("requirements", "attendance", "hours-bands", "needs", "coverage"):
        assert f'id="chart-{key}"' in html
    drawn = html.count("data-chart=")
    assert drawn >= 3
    assert html.count('<details class="chart-table" open>') == drawn  # the numbers as a table beside each
    assert reverse("compliance:life-branch", args=[college.branch.pk]) in html
    assert reverse("web:dashboard-screen") in html
    assert "张三" not in html  # no member is named


def test_the_page_takes_the_period_and_survives_a_bad_one(client, college):
    login(client, college, "committee")
    response = client.get(reverse("web:dashboard"), {"period": "year", "date": "2026-05-01"})
    assert response.status_code == 200
    assert response.context["period"].kind == "year"
    bad = client.get(reverse("web:dashboard"), {"period": "decade", "date": "nonsense"})
    assert bad.status_code == 200
    assert bad.context["period"].kind == "quarter"
    assert bad.context["form"].errors


def test_the_member_page_loads_no_echarts(client, college):
    response = login(client, college, "member").get(reverse("web:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "echarts" not in html
    assert 'id="my-hours"' in html
    assert 'id="my-months"' in html


def test_the_big_screen_is_the_committees_and_refreshes_itself(client, college):
    response = login(client, college, "committee").get(reverse("web:dashboard-screen"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'hx-trigger="every {SCREEN_REFRESH_SECONDS}s"' in html
    assert 'hx-select="#screen-body"' in html
    assert 'data-bs-theme="dark"' in html
    assert "<script>" not in html  # the CSP: no inline script
    client.force_login(college.user("branch"))
    assert client.get(reverse("web:dashboard-screen")).status_code == 404


def test_the_homes_and_the_navigation_link_the_dashboard(client, college):
    url = reverse("web:dashboard")
    for role in ("committee", "branch", "member"):
        client.force_login(college.user(role))
        assert url in client.get(reverse("web:home")).content.decode(), role


@pytest.mark.parametrize(
    ("counts", "rate"),
    [
        ({"due": 5, "not_applicable": 2}, None),  # early in the period: nothing decided, no 0 %
        ({"met": 3, "overdue": 1, "due": 4}, 75),  # the branches still within the period are left out
        ({"met": 1, "excused": 1, "not_applicable": 3}, 100),
        ({"overdue": 2}, 0),
    ],
)
def test_the_met_rate_counts_only_the_branches_where_the_requirement_is_decided(counts, rate):
    requirement = req.REGULATIONS_2018.requirements[0]
    assert dashboards.RequirementCount(requirement, counts).met_rate == rate
