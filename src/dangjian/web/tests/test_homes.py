"""The homes answer "what now?": check-in open now, the next activities, 学时 against the yearly
rule, what waits for whom, and the figures behind the officers' charts."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from dangjian.care.models import NeedState
from dangjian.care.services import needs as care_services
from dangjian.care.tests.factories import raise_need
from dangjian.study import tokens
from dangjian.study.models import AttendanceStatus, MakeUp, MakeUpStatus
from dangjian.study.rules.hours import annual_requirement
from dangjian.study.services import activities as study_services
from dangjian.study.tests.factories_activities import ActivityFactory
from dangjian.web import selectors
from dangjian.web.charts import attendance_chart

MIN = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)


def publish(college, starts_at, org=None, **kwargs):
    return ActivityFactory(
        org=org or college.branch, starts_at=starts_at, ends_at=starts_at + 2 * HOUR, publish=True, **kwargs
    )


def check_in(college, activity, role="member", at=None):
    at = at or timezone.now()
    return study_services.attendance_check_in(
        actor=college.user(role),
        activity=activity,
        token=tokens.current_token(activity.pk, at),
        ip="10.0.0.8",
        device="iPhone",
        now=at,
    )


def close(college, activity):
    return study_services.activity_close(actor=college.user("branch"), activity=activity, now=activity.ends_at + HOUR)


# --- the member's home -----------------------------------------------------------------------------


def test_member_home_shows_the_check_in_open_now_apart_from_the_next_ones(college):
    now = timezone.now()
    open_now = publish(college, now - 10 * MIN)
    tomorrow = publish(college, now + 24 * HOUR)
    home = selectors.member_home(actor=college.user("member"), now=now)
    assert [i.activity for i in home.check_in_now] == [open_now]
    assert [i.activity for i in home.next_activities] == [tomorrow]


def test_member_home_check_in_card_is_on_the_page_until_checked_in(client, college):
    activity = publish(college, timezone.now() - 10 * MIN)
    client.force_login(college.user("member"))
    content = client.get(reverse("web:home")).content.decode()
    assert 'id="check-in-now"' in content
    assert activity.theme in content
    assert "扫描" in content  # how to check in
    row = check_in(college, activity)  # ten minutes after the start: on time or late
    content = client.get(reverse("web:home")).content.decode()
    assert 'id="check-in-now"' in content
    assert "扫描" not in content  # done: the card says so instead
    with translation.override("zh-hans"):
        status = row.get_status_display()
    assert f'<span class="badge text-nowrap bg-green-lt">{status}</span>' in content


def test_member_home_hours_follow_the_yearly_rule(college):
    now = timezone.now()
    activity = publish(college, now - 10 * MIN)
    check_in(college, activity, at=now)
    home = selectors.member_home(actor=college.user("member"), now=now)
    year = timezone.localdate(now).year
    assert home.hours.full_requirement == annual_requirement(year, officer=False) == Decimal(32)
    assert home.hours.collective_hours > 0
    assert 0 < home.hours.percent < 100


def test_member_home_lists_what_waits_from_the_inbox(client, college):
    """The home's list of what waits is the inbox's (one source with the 待办 page and its count)."""
    now = timezone.now()
    missed = publish(college, now - 48 * HOUR)
    close(college, missed)
    need = raise_need(college.member, title="宿舍维修")
    need = care_services.need_accept(actor=college.user("branch"), need=need)
    need = care_services.need_answer(actor=college.user("branch"), need=need, answer="已安排维修")
    assert need.state == NeedState.ANSWERED
    make_up = MakeUp.objects.get(attendance__activity=missed, attendance__member=college.member)
    assert make_up.status == MakeUpStatus.ASSIGNED

    client.force_login(college.user("member"))
    response = client.get(reverse("web:home"))
    content = response.content.decode()
    card = content.split('id="home-inbox"')[1].split("</section>")[0]
    assert reverse("study:make-up-submit", args=[make_up.pk]) in card
    assert reverse("care:need-detail", args=[need.pk]) in card
    assert "宿舍维修" in card
    assert f'<span class="badge bg-primary text-primary-fg ms-1">{response.context["inbox_count"]}</span>' in card


def test_member_home_says_when_nothing_waits(client, college):
    client.force_login(college.user("member"))
    content = client.get(reverse("web:home")).content.decode()
    assert 'id="home-inbox"' in content
    assert "没有待办" in content
    assert 'id="open-matters"' not in content  # one list of what waits: the inbox's


def test_member_home_queries_do_not_grow_with_activities(college):
    now = timezone.now()
    publish(college, now + 24 * HOUR)
    selectors.member_home(actor=college.user("member"), now=now)  # warm the per-process caches
    with CaptureQueriesContext(connection) as one:
        selectors.member_home(actor=college.user("member"), now=now)
    for days in (2, 3, 4, 5):
        publish(college, now + days * 24 * HOUR)
    with CaptureQueriesContext(connection) as five:
        selectors.member_home(actor=college.user("member"), now=now)
    assert len(five) == len(one)


def test_member_home_loads_no_chart_library(client, college):
    client.force_login(college.user("member"))
    content = client.get(reverse("web:home")).content.decode()
    assert "echarts" not in content
    assert "charts.js" not in content


# --- the branch secretary's home -------------------------------------------------------------------


def test_branch_home_shows_next_meetings_waiting_items_and_attendance(client, college):
    now = timezone.now()
    held = publish(college, now - 48 * HOUR)
    check_in(college, held, role="member", at=held.starts_at)
    close(college, held)  # the other three are absent
    ahead = publish(college, now + 24 * HOUR)
    study_services.leave_request_create(actor=college.user("member"), activity=ahead, reason="出差")

    home = selectors.home_for(actor=college.user("branch"), now=now)
    assert isinstance(home, selectors.BranchHome)
    assert home.next_meetings == [ahead]
    assert [r.activity for r in home.queue.leave_requests] == [ahead]
    assert home.waiting == 1
    month = timezone.localdate(held.starts_at).replace(day=1)
    by_month = {m.month: m for m in home.attendance}
    assert by_month[month].expected == held.attendances.filter(expected=True).count() == 4
    assert by_month[month].attended == 1
    assert by_month[month].rate == 25
    assert home.attendance_rate == 25

    client.force_login(college.user("branch"))
    response = client.get(reverse("web:home"))
    content = response.content.decode()
    assert ahead.theme in content
    assert reverse("study:leave-decide", args=[home.queue.leave_requests[0].pk]) in content
    assert "vendor/echarts/echarts.simple.min.js" in content
    assert response.context["charts"][0].series[0].values == [m.rate for m in home.attendance]


def test_other_branch_sees_none_of_this_branch_s_meetings(college):
    publish(college, timezone.now() + 24 * HOUR)
    home = selectors.home_for(actor=college.user("other_branch"))
    assert home.next_meetings == []
    assert all(m.expected == 0 for m in home.attendance)


# --- the committee's home --------------------------------------------------------------------------


def test_committee_home_figures_feed_its_charts_and_table(client, college):
    now = timezone.now()
    held = publish(college, now - 48 * HOUR, form="lecture")
    check_in(college, held, at=held.starts_at)
    publish(college, now - 24 * HOUR, org=college.other_branch)

    home = selectors.home_for(actor=college.user("committee"), now=now)
    assert isinstance(home, selectors.CommitteeHome)
    assert {f.form: f.count for f in home.forms} == {"lecture": 1, "theme_day": 1}
    assert sum(m.expected for m in home.attendance) == 4 + 2
    assert sum(m.attended for m in home.attendance) == 1
    assert set(home.hours) == {college.branch.pk, college.other_branch.pk}
    assert home.hours[college.branch.pk] > 0

    client.force_login(college.user("committee"))
    response = client.get(reverse("web:home"))
    content = response.content.decode()
    attendance, forms, hours = response.context["charts"]
    assert attendance.series[0].values == [m.rate for m in home.attendance]
    assert dict(zip(forms.categories, forms.series[0].values, strict=True)) == {f.label: f.count for f in home.forms}
    assert (
        dict(zip(hours.categories, hours.series[0].values, strict=True))[college.branch.name]
        == (home.hours[college.branch.pk])
    )
    assert 'id="chart-attendance"' in content
    assert 'id="chart-forms"' in content
    assert 'id="chart-hours"' in content
    assert f"{home.hours[college.branch.pk]}%" in content  # the branch table shows the chart's number


def test_committee_home_queries_do_not_grow_with_activities(college):
    now = timezone.now()
    publish(college, now - 48 * HOUR)
    selectors.home_for(actor=college.user("committee"), now=now)  # warm the per-process caches
    with CaptureQueriesContext(connection) as one:
        selectors.home_for(actor=college.user("committee"), now=now)
    for days in (3, 4, 5):
        publish(college, now - days * 24 * HOUR, org=college.other_branch)
    with CaptureQueriesContext(connection) as four:
        selectors.home_for(actor=college.user("committee"), now=now)
    assert len(four) == len(one)


def test_attendance_leaves_out_activities_not_yet_begun(college):
    now = timezone.now()
    publish(college, now + HOUR)
    period = selectors.Period(timezone.localdate(now).replace(day=1), timezone.localdate(now))
    months = selectors.attendance_by_month(actor=college.user("committee"), period=period, now=now)
    assert [m.expected for m in months] == [0]
    assert months[0].rate is None


def test_period_months_cross_the_new_year():
    period = selectors.Period(datetime.date(2025, 11, 20), datetime.date(2026, 2, 3))
    assert period.months == [
        datetime.date(2025, 11, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]


def test_study_period_is_the_semester_once_begun(college):
    from dangjian.study.models import Semester

    today = timezone.localdate()
    Semester.objects.create(
        committee=college.committee,
        name="本学期",
        starts_on=today - datetime.timedelta(days=40),
        ends_on=today + datetime.timedelta(days=40),
    )
    period = selectors.study_period(actor=college.user("branch"), today=today)
    assert period.semester is not None
    assert period.semester.name == "本学期"
    assert period.end == today
    Semester.objects.all().delete()
    fallback = selectors.study_period(actor=college.user("branch"), today=today)
    assert fallback.semester is None
    assert len(fallback.months) == 6


def test_month_labels_and_empty_months_in_the_chart():
    months = [
        selectors.MonthAttendance(datetime.date(2026, 9, 1), 10, 9),
        selectors.MonthAttendance(datetime.date(2026, 10, 1), 0, 0),
    ]
    chart = attendance_chart(months)
    assert chart.series[0].values == [90, None]
    assert chart.max_value == 100
    assert not chart.is_empty


def test_absent_counts_against_attendance(college):
    now = timezone.now()
    held = publish(college, now - 48 * HOUR)
    close(college, held)
    assert held.attendances.filter(status=AttendanceStatus.ABSENT).count() == 4
    period = selectors.study_period(actor=college.user("branch"), today=timezone.localdate(now))
    months = selectors.attendance_by_month(actor=college.user("branch"), period=period, now=now)
    assert sum(m.attended for m in months) == 0
    assert sum(m.expected for m in months) == 4


def test_branch_home_offers_the_check_in_screen_while_check_in_is_open(client, college):
    now = timezone.now()
    open_now = publish(college, now - 10 * MIN)
    later = publish(college, now + 24 * HOUR)
    committee_s = publish(college, now - 5 * MIN, org=college.committee)
    home = selectors.home_for(actor=college.user("branch"), now=now)
    assert {open_now, later, committee_s} <= set(home.next_meetings)
    assert home.screens == {open_now.pk}  # not the committee's: the branch does not run it
    client.force_login(college.user("branch"))
    content = client.get(reverse("web:home")).content.decode()
    assert reverse("study:check-in-screen", args=[open_now.pk]) in content
    assert reverse("study:check-in-screen", args=[later.pk]) not in content


def test_an_officer_s_home_shows_their_own_check_in_too(client, college):
    lecture = publish(college, timezone.now() - 10 * MIN, org=college.committee)
    home = selectors.home_for(actor=college.user("branch"))
    assert [i.activity for i in home.my_check_in] == [lecture]
    client.force_login(college.user("branch"))
    content = client.get(reverse("web:home")).content.decode()
    assert 'id="check-in-now"' in content
    assert selectors.home_for(actor=college.user("auditor")).my_check_in == []  # no member record
