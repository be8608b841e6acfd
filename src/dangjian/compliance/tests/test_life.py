"""Organisational life: real activities turned into the rules' facts, excuses, the pages and their scope."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.compliance import selectors, services
from dangjian.compliance.models import RequirementExcuse
from dangjian.compliance.rules import requirements as req
from dangjian.compliance.tests.factories import days_ago, held
from dangjian.core.errors import DomainError, NotFound
from dangjian.core.models import AuditEvent
from dangjian.evaluation.models import Campaign
from dangjian.members.tests.factories import MemberFactory
from dangjian.orgs.tests.factories import OrganisationFactory
from dangjian.study.services.activities import attendance_mark
from dangjian.study.tests.factories_activities import ActivityFactory


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def this_quarter() -> req.ReportingPeriod:
    return req.period_of("quarter", timezone.localdate())


def last_quarter() -> req.ReportingPeriod:
    return this_quarter().previous()


def day_in(period: req.ReportingPeriod, offset: int = 10) -> int:
    """How many days ago `offset` days after the period's start was (for `held`)."""
    return (timezone.localdate() - (period.starts_on + datetime.timedelta(days=offset))).days


def cell(row: selectors.LifeRow, key: str) -> selectors.LifeCell:
    return next(c for c in row.cells if c.requirement.key == key)


def lecture(org, ago: int, speaker) -> None:
    starts_at = timezone.make_aware(datetime.datetime.combine(days_ago(ago), datetime.time(9)))
    activity = ActivityFactory(org=org, form="lecture", starts_at=starts_at, speaker=speaker, publish=True)
    for row in activity.attendances.select_related("member"):
        attendance_mark(actor=system_actor(), activity=activity, member=row.member, status="present", reason="补录")
    return activity


# --- Selectors ---------------------------------------------------------------------------------------


def test_only_held_activities_count(college):
    period = last_quarter()
    ago = day_in(period)
    held(college.branch, ago, form="general_meeting", default="expected")  # attendance never taken
    draft = ActivityFactory(
        org=college.branch,
        form="general_meeting",
        starts_at=timezone.make_aware(datetime.datetime.combine(days_ago(ago), datetime.time(9))),
    )
    row = selectors.life_branch(college.branch, period)
    assert cell(row, "general_meeting").status == req.Status.OVERDUE
    taken = held(college.branch, ago + 1, form="general_meeting")
    row = selectors.life_branch(college.branch, period)
    general = cell(row, "general_meeting")
    assert general.status == req.Status.MET
    assert [a.id for a in general.checks[0].result.counted] == [taken.pk] != [draft.pk]


def test_an_activity_not_yet_ended_does_not_count(college):
    starts_at = timezone.now() - datetime.timedelta(minutes=30)
    activity = ActivityFactory(org=college.branch, form="theme_day", starts_at=starts_at, publish=True)
    attendance_mark(actor=system_actor(), activity=activity, member=college.member, status="present", reason="到场")
    held_now = selectors.held_activities([college.branch.pk], days_ago(1), timezone.localdate())
    assert held_now[college.branch.pk] == []


def test_group_meetings_are_checked_for_each_group(college):
    period = last_quarter()
    row = selectors.life_branch(college.branch, period)
    group = cell(row, "group_meeting")
    assert {c.org for c in group.checks} == {college.group}
    assert len(group.checks) == 3  # each month of the quarter
    assert group.status == req.Status.OVERDUE
    for month in req.periods_between("month", period.starts_on, period.ends_on):
        held(college.group, day_in(month, 5), form="group_meeting")
    row = selectors.life_branch(college.branch, period)
    assert cell(row, "group_meeting").status == req.Status.MET


def test_a_branch_without_groups_has_no_group_meeting_to_hold(college):
    row = selectors.life_branch(college.other_branch, last_quarter())
    group = cell(row, "group_meeting")
    assert group.status == req.Status.NOT_APPLICABLE
    assert group.note == "该支部没有党小组。"


def test_only_the_secretarys_own_lecture_counts_for_the_secretary_lecture(college):
    period = last_quarter()
    lecture(college.branch, day_in(period), college.member)
    row = selectors.life_branch(college.branch, period)
    assert cell(row, "lecture").status == req.Status.MET
    assert cell(row, "secretary_lecture").checks[0].result.counted == ()
    lecture(college.branch, day_in(period, 20), college.secretary)
    row = selectors.life_branch(college.branch, period)
    counted = cell(row, "secretary_lecture").checks[0].result.counted
    assert len(counted) == 1
    assert counted[0].by_secretary
    assert cell(row, "secretary_lecture").status == req.Status.MET


def test_a_branch_committee_is_needed_only_with_seven_full_members(college):
    period = last_quarter()
    row = selectors.life_branch(college.branch, period)
    committee = cell(row, "committee_meeting")
    assert committee.status == req.Status.NOT_APPLICABLE  # 4 full members, a group's included
    assert "4" in committee.checks[0].result.reasons[0]
    for _ in range(3):
        MemberFactory(org=college.group)
    probationary = MemberFactory(org=college.branch, full_member_on=None)
    assert probationary.full_member_on is None
    row = selectors.life_branch(college.branch, period)
    assert cell(row, "committee_meeting").status == req.Status.OVERDUE  # 7 full members now


def test_a_closed_evaluation_campaign_counts_in_its_year(college):
    year = req.period_of("year", timezone.localdate())
    row = selectors.life_branch(college.branch, year)
    assert cell(row, "evaluation").status == req.Status.DUE
    meeting_on = year.starts_on + datetime.timedelta(days=40)
    Campaign.objects.create(
        org=college.branch,
        year=year.starts_on.year,
        phase="closed",
        started_on=year.starts_on,
        meeting_on=meeting_on,
        closed_on=meeting_on,
    )
    Campaign.objects.create(org=college.other_branch, year=year.starts_on.year, started_on=year.starts_on)  # open
    rows = selectors.life_matrix([college.branch, college.other_branch], year)
    evaluation = cell(rows[0], "evaluation")
    assert evaluation.status == req.Status.MET
    assert evaluation.checks[0].result.counted[0].form == "evaluation"
    assert cell(rows[1], "evaluation").status == req.Status.DUE


def test_the_scope_of_organisational_life(college):
    assert set(selectors.life_branches(college.user("committee"))) == {college.branch, college.other_branch}
    assert list(selectors.life_branches(college.user("branch"))) == [college.branch]
    assert list(selectors.life_branches(college.user("member"))) == []
    assert list(selectors.life_branches(college.user("group_leader"))) == []
    with pytest.raises(NotFound):
        selectors.access_life_branch(college.user("branch"), college.other_branch.pk)
    with pytest.raises(NotFound):
        selectors.access_life_branch(college.user("committee"), college.group.pk)  # not a branch


def test_life_period_refuses_an_unknown_kind():
    with pytest.raises(DomainError):
        selectors.life_period("week")
    assert selectors.life_period(None, datetime.date(2026, 5, 2)).label == "2026年第2季度"


def _branches(college, n: int) -> list:
    found = [college.branch, college.other_branch]
    for i in range(n - 2):
        branch = OrganisationFactory(parent=college.committee, name=f"测试支部{i}", code=f"QB{i:03d}")
        OrganisationFactory(parent=branch, kind="group", name=f"测试小组{i}", code=f"QG{i:03d}")
        held(branch, 20, form="theme_day")
        found.append(branch)
    return found


def test_the_matrix_reads_in_a_fixed_number_of_queries(college, django_assert_num_queries):
    held(college.branch, 20, form="theme_day")
    two = _branches(college, 2)
    period = this_quarter()
    with CaptureQueriesContext(connection) as captured:
        rows = selectors.life_matrix(two, period)
    assert len(rows) == 2
    assert len(captured.captured_queries) <= 7
    six = _branches(college, 6)
    with django_assert_num_queries(len(captured.captured_queries)):  # the same at three times the branches
        rows = selectors.life_matrix(six, period)
    assert len(rows) == 6


def test_a_year_checks_each_month_with_the_activities_of_that_month(college):
    year = timezone.localdate().year - 1
    period = req.period_of("year", datetime.date(year, 6, 1))

    def ago(month: int, day: int) -> int:
        return (timezone.localdate() - datetime.date(year, month, day)).days

    first = held(college.branch, ago(3, 1), form="theme_day")
    last = held(college.branch, ago(3, 31), form="theme_day")
    april = held(college.branch, ago(4, 1), form="theme_day")
    held(college.branch, ago(3, 15), form="film")  # a form no requirement counts
    row = selectors.life_branch(college.branch, period)
    theme = cell(row, "theme_day")
    by_month = {c.result.period.starts_on.month: c.result for c in theme.checks}
    assert len(by_month) == 12
    assert [a.id for a in by_month[3].counted] == [first.pk, last.pk]
    assert [a.id for a in by_month[4].counted] == [april.pk]
    assert by_month[3].status == by_month[4].status == req.Status.MET
    assert by_month[2].status == by_month[5].status == req.Status.OVERDUE
    assert by_month[2].counted == ()


# --- Excuses ---------------------------------------------------------------------------------------


def test_an_officer_excuses_a_period_with_a_reason_and_it_is_audited(college):
    period = last_quarter()
    excuse = services.requirement_excuse(
        actor=college.user("branch"),
        org=college.branch,
        requirement="general_meeting",
        period=period,
        reason="暑期学生离校",
    )
    event = AuditEvent.objects.get(action="requirement.excuse", object_id=str(excuse.pk))
    # The audit log names the requirement and the period in words, not by their keys.
    assert event.object_repr == f"{college.branch.name} · 支部党员大会 · {period.label}"
    row = selectors.life_branch(college.branch, period)
    general = cell(row, "general_meeting")
    assert general.status == req.Status.EXCUSED
    assert general.checks[0].excuse == excuse
    assert "暑期学生离校" in " ".join(general.checks[0].result.reasons)
    services.requirement_excuse_withdraw(actor=college.user("committee"), excuse=excuse)
    assert not RequirementExcuse.objects.exists()
    assert AuditEvent.objects.filter(action="requirement.withdraw").exists()
    assert cell(selectors.life_branch(college.branch, period), "general_meeting").status == req.Status.OVERDUE


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_excuse_needs_a_reason(college, reason):
    with pytest.raises(DomainError) as caught:
        services.requirement_excuse(
            actor=college.user("branch"),
            org=college.branch,
            requirement="general_meeting",
            period=last_quarter(),
            reason=reason,
        )
    assert caught.value.field == "reason"
    assert caught.value.message == "请书面说明理由。"
    assert not RequirementExcuse.objects.exists()


def test_who_may_excuse_and_what(college):
    period = last_quarter()
    for role in ("member", "group_leader", "other_branch"):
        with pytest.raises(NotFound):
            services.requirement_excuse(
                actor=college.user(role), org=college.branch, requirement="general_meeting", period=period, reason="x"
            )
    with pytest.raises(DomainError):  # a monthly requirement, a quarter given
        services.requirement_excuse(
            actor=college.user("committee"), org=college.branch, requirement="theme_day", period=period, reason="x"
        )
    with pytest.raises(DomainError):  # 党小组会 is the group's
        services.requirement_excuse(
            actor=college.user("committee"),
            org=college.branch,
            requirement="group_meeting",
            period=req.period_of("month", period.starts_on),
            reason="x",
        )
    services.requirement_excuse(
        actor=college.user("committee"),
        org=college.group,
        requirement="group_meeting",
        period=req.period_of("month", period.starts_on),
        reason="小组长外出学习",
    )
    assert not AuditEvent.objects.filter(action="requirement.excuse", actor=college.user("member")).exists()


# --- Pages ----------------------------------------------------------------------------------------


def test_the_committee_sees_every_branch_and_a_branch_officer_their_own(college):
    url = reverse("compliance:life")
    page = client_for(college.user("committee")).get(url)
    assert page.status_code == 200
    assert college.branch.name in page.text
    assert college.other_branch.name in page.text
    page = client_for(college.user("branch")).get(url)
    assert page.status_code == 200
    assert college.branch.name in page.text
    assert college.other_branch.name not in page.text
    assert client_for(college.user("member")).get(url).status_code == 404
    assert client_for(college.user("group_leader")).get(url).status_code == 404


def test_the_filter_chooses_the_period_and_a_bad_one_falls_back(college):
    url = reverse("compliance:life")
    page = client_for(college.user("committee")).get(url, {"period": "year", "date": "2025-03-01"})
    assert "2025年" in page.text
    page = client_for(college.user("committee")).get(url, {"period": "week", "date": "nonsense"})
    assert page.status_code == 200
    assert this_quarter().label in page.text


def test_the_branch_page_explains_and_links_the_activities(college):
    period = last_quarter()
    activity = held(college.branch, day_in(period), form="general_meeting", theme="支部党员大会：换届")
    url = reverse("compliance:life-branch", args=[college.branch.pk])
    page = client_for(college.user("committee")).get(url, {"period": "quarter", "date": period.starts_on})
    assert page.status_code == 200
    assert reverse("study:activity-detail", args=[activity.pk]) in page.text
    assert "支部党员大会：换届" in page.text
    assert "已逾期" in page.text
    assert "已完成" in page.text
    other = reverse("compliance:life-branch", args=[college.other_branch.pk])
    assert client_for(college.user("branch")).get(other).status_code == 404
    assert client_for(college.user("member")).get(url).status_code == 404


def test_the_excuse_form_refuses_an_empty_reason_and_records_one(college):
    period = last_quarter()
    url = reverse("compliance:life-excuse", args=[college.branch.pk])
    data = {
        "org": college.branch.pk,
        "requirement": "general_meeting",
        "period": "quarter",
        "starts_on": period.starts_on.isoformat(),
        "reason": "",
    }
    client = client_for(college.user("branch"))
    page = client.post(f"{url}?period=quarter&date={period.starts_on}", data)
    assert page.status_code == 400
    assert "请书面说明理由。" in page.text
    assert not RequirementExcuse.objects.exists()
    page = client.post(f"{url}?period=quarter&date={period.starts_on}", {**data, "reason": "新成立支部"})
    assert page.status_code == 302
    excuse = RequirementExcuse.objects.get()
    assert excuse.granted_by == college.user("branch")
    page = client.get(page.url)
    assert "新成立支部" in page.text
    assert "已说明情况" in page.text
    withdraw = reverse("compliance:life-excuse-withdraw", args=[excuse.pk])
    assert client_for(college.user("other_branch")).post(withdraw).status_code == 404
    assert client.post(withdraw).status_code == 302
    assert not RequirementExcuse.objects.exists()


def test_an_excuse_for_a_group_outside_the_branch_is_refused(college):
    period = req.period_of("month", last_quarter().starts_on)
    url = reverse("compliance:life-excuse", args=[college.other_branch.pk])
    data = {
        "org": college.group.pk,
        "requirement": "group_meeting",
        "period": "month",
        "starts_on": period.starts_on.isoformat(),
        "reason": "理由",
    }
    assert client_for(college.user("committee")).post(url, data).status_code == 404
    assert not RequirementExcuse.objects.exists()


def test_officers_have_the_nav_item(college):
    page = client_for(college.user("branch")).get(reverse("compliance:life"))
    life = reverse("compliance:life")
    warnings = reverse("compliance:warning-overview")
    assert f'href="{life}" class="nav-link active" aria-current="page"' in page.text
    assert f'href="{warnings}" class="nav-link active"' not in page.text  # the early warning is not lit too
    home = client_for(college.user("member")).get(reverse("web:home"))
    assert reverse("compliance:life") not in home.text


def test_a_tampered_period_in_an_excuse_post_is_refused_not_a_crash(college):
    period = last_quarter()
    url = reverse("compliance:life-excuse", args=[college.branch.pk])
    data = {
        "org": college.branch.pk,
        "requirement": "general_meeting",
        "period": "week",
        "starts_on": period.starts_on.isoformat(),
        "reason": "理由",
    }
    client = client_for(college.user("branch"))
    assert client.post(f"{url}?period=week&date=bad", data).status_code == 400
    refused = client.post(url, {**data, "period": "month"})  # a quarterly requirement
    assert refused.status_code == 400
    assert "按季度统计" in refused.text
    assert not RequirementExcuse.objects.exists()
    excuse = services.requirement_excuse(
        actor=college.user("branch"), org=college.branch, requirement="general_meeting", period=period, reason="理由"
    )
    withdraw = reverse("compliance:life-excuse-withdraw", args=[excuse.pk])
    assert client.post(withdraw, {"period": "week", "date": "bad"}).status_code == 302


def test_the_unfiltered_page_shows_the_quarter_it_checks(client, college):
    client.force_login(college.user("committee"))
    html = client.get(reverse("compliance:life")).content.decode()
    assert '<option value="quarter" selected>' in html
