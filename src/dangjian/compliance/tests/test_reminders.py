"""Reminders: the day they fall due (working days before a period closes or an activity starts), who gets
them, and that the daily job sends each once only."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from dangjian.accounts.system import system_actor
from dangjian.compliance import services
from dangjian.compliance.rules import reminders
from dangjian.compliance.rules import requirements as req
from dangjian.core.calendar import WorkingCalendar, working_calendar
from dangjian.core.models import AuditEvent
from dangjian.notices.models import Notice
from dangjian.ops.daily import DAILY_JOBS
from dangjian.study.models import LeaveRequest
from dangjian.study.tests.factories_activities import ActivityFactory

PLAIN = WorkingCalendar()
DAY = datetime.timedelta(days=1)

# --- Rules -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("closes_on", "lead", "expected"),
    [
        (datetime.date(2026, 12, 4), 3, datetime.date(2026, 12, 1)),  # Friday: Tuesday leaves Wed, Thu, Fri
        (datetime.date(2026, 12, 4), 0, datetime.date(2026, 12, 4)),  # on the last day itself
        (datetime.date(2026, 12, 6), 0, datetime.date(2026, 12, 4)),  # a Sunday: the Friday before
        (datetime.date(2026, 12, 7), 1, datetime.date(2026, 12, 4)),  # a Monday, one day ahead: the Friday
        (datetime.date(2026, 12, 31), 3, datetime.date(2026, 12, 28)),  # Thursday: the Monday
    ],
)
def test_the_reminder_day_without_holidays(closes_on, lead, expected):
    assert reminders.reminder_day(closes_on, lead, PLAIN) == expected


def test_the_reminder_day_skips_holidays_and_counts_make_up_working_days():
    national_day = WorkingCalendar(
        holidays=frozenset(datetime.date(2026, 10, d) for d in range(1, 8)),
        workdays=frozenset({datetime.date(2026, 9, 27), datetime.date(2026, 10, 10)}),
    )
    # 2026-10-09 is a Friday; Thursday the 8th is the first working day after the holiday week.
    assert reminders.reminder_day(datetime.date(2026, 10, 9), 2, national_day) == datetime.date(2026, 9, 30)
    assert reminders.reminder_day(datetime.date(2026, 10, 9), 1, national_day) == datetime.date(2026, 10, 8)
    # Sunday 27 September is worked (调休): it counts.
    assert reminders.reminder_day(datetime.date(2026, 9, 30), 3, national_day) == datetime.date(2026, 9, 27)


def test_a_reminder_is_due_from_its_day_to_the_day_itself():
    closes_on = datetime.date(2026, 12, 4)
    assert not reminders.reminder_due(datetime.date(2026, 11, 30), closes_on, 3, PLAIN)
    assert reminders.reminder_due(datetime.date(2026, 12, 1), closes_on, 3, PLAIN)
    assert reminders.reminder_due(closes_on, closes_on, 3, PLAIN)
    assert not reminders.reminder_due(closes_on + DAY, closes_on, 3, PLAIN)


days = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2035, 12, 31))
calendars = st.builds(
    WorkingCalendar,
    holidays=st.frozensets(st.dates(min_value=datetime.date(2019, 11, 1), max_value=datetime.date(2035, 12, 31))),
    workdays=st.frozensets(st.dates(min_value=datetime.date(2019, 11, 1), max_value=datetime.date(2035, 12, 31))),
)


@given(days, st.integers(0, reminders.MAX_REMINDER_WORKING_DAYS), calendars)
def test_the_reminder_day_is_the_last_working_day_with_the_lead_left(closes_on, lead, calendar):
    day = reminders.reminder_day(closes_on, lead, calendar)
    assert day <= closes_on
    assert calendar.is_working_day(day)
    assert calendar.working_days_between(day, closes_on) >= lead
    # No later working day still leaves the whole lead time.
    later = day + DAY
    while later <= closes_on:
        if calendar.is_working_day(later):
            assert calendar.working_days_between(later, closes_on) < lead
            break
        later += DAY
    # Counting the lead forward from the reminder day does not pass the closing day.
    assert calendar.add_working_days(day, lead) <= closes_on or lead == 0


@given(days, days, st.integers(0, reminders.MAX_REMINDER_WORKING_DAYS), calendars)
def test_a_reminder_is_due_exactly_between_its_day_and_the_closing_day(today, closes_on, lead, calendar):
    due = reminders.reminder_due(today, closes_on, lead, calendar)
    assert due == (reminders.reminder_day(closes_on, lead, calendar) <= today <= closes_on)


# --- Requirements still due --------------------------------------------------------------------------


def next_month() -> req.ReportingPeriod:
    return req.period_of("month", timezone.localdate()).next()


def theme_day_notices(college, month: req.ReportingPeriod):
    return Notice.objects.filter(key=f"life:{college.branch.pk}:theme_day:month:{month.starts_on.isoformat()}")


def test_branch_officers_are_reminded_on_the_day_once_only(college):
    month = next_month()
    day = reminders.reminder_day(month.ends_on, reminders.DEFAULT_REMINDER_WORKING_DAYS, working_calendar())
    services.life_reminders_send(today=day - DAY)
    assert not theme_day_notices(college, month).exists()
    result = services.life_reminders_send(today=day)
    notices = list(theme_day_notices(college, month))
    assert [n.recipient for n in notices] == [college.secretary.user]
    notice = notices[0]
    assert college.branch.name in notice.title
    assert month.ends_on.isoformat() in notice.title
    assert notice.url.startswith(f"/compliance/life/{college.branch.pk}/")
    assert result.requirements >= 1
    # The Party group's meeting: its leader and the branch's secretary.
    group = Notice.objects.filter(key=f"life:{college.group.pk}:group_meeting:month:{month.starts_on.isoformat()}")
    assert {n.recipient for n in group} == {college.secretary.user, college.user("group_leader")}
    # A branch with fewer than seven full members has no committee meeting to be reminded of.
    assert not Notice.objects.filter(key__startswith=f"life:{college.branch.pk}:committee_meeting:").exists()
    events = AuditEvent.objects.filter(action="reminder.requirement").count()
    assert events >= 1
    sent = Notice.objects.count()
    again = services.life_reminders_send(today=day)
    assert (again.requirements, again.notices) == (0, 0)
    assert Notice.objects.count() == sent
    assert AuditEvent.objects.filter(action="reminder.requirement").count() == events
    # The next day is caught up, not repeated.
    services.life_reminders_send(today=day + DAY)
    assert theme_day_notices(college, month).count() == 1


def test_the_committees_lead_time_applies(college):
    services.life_settings_update(
        actor=system_actor(), org=college.committee, variant="", overrides={}, reminder_working_days=6
    )
    month = next_month()
    day = reminders.reminder_day(month.ends_on, 6, working_calendar())
    services.life_reminders_send(today=day - DAY)
    assert not theme_day_notices(college, month).exists()
    services.life_reminders_send(today=day)
    assert theme_day_notices(college, month).exists()


def test_an_excused_period_is_not_reminded(college):
    month = next_month()
    services.requirement_excuse(
        actor=system_actor(), org=college.branch, requirement="theme_day", period=month, reason="暑假"
    )
    services.life_reminders_send(today=month.ends_on)
    assert not theme_day_notices(college, month).exists()
    assert Notice.objects.filter(key__startswith=f"life:{college.other_branch.pk}:theme_day:").exists()


def test_the_daily_job_is_listed():
    assert ("compliance.life_reminders_send", "dangjian.compliance.services.life_reminders_send") in DAILY_JOBS


# --- Activities --------------------------------------------------------------------------------------


def test_expected_attendees_who_have_not_asked_for_leave_are_reminded_once(college):
    start_day = timezone.localdate() + datetime.timedelta(days=30)
    starts_at = timezone.make_aware(datetime.datetime.combine(start_day, datetime.time(14, 30)))
    activity = ActivityFactory(org=college.branch, form="theme_day", starts_at=starts_at, publish=True)
    LeaveRequest.objects.create(activity=activity, member=college.member, reason="出差")
    expected = {row.member.user for row in activity.attendances.select_related("member__user")}
    assert college.member.user in expected
    day = reminders.reminder_day(start_day, reminders.DEFAULT_REMINDER_WORKING_DAYS, working_calendar())
    key = f"activity:{activity.pk}:{start_day.isoformat()}"
    services.life_reminders_send(today=day - DAY)
    assert not Notice.objects.filter(key=key).exists()
    services.life_reminders_send(today=day)
    reminded = {n.recipient for n in Notice.objects.filter(key=key)}
    assert reminded == expected - {college.member.user}
    assert all(n.url == f"/study/activities/{activity.pk}/" for n in Notice.objects.filter(key=key))
    assert AuditEvent.objects.filter(action="reminder.activity", object_id=str(activity.pk)).count() == 1
    services.life_reminders_send(today=day)
    services.life_reminders_send(today=start_day)
    assert Notice.objects.filter(key=key).count() == len(reminded)
    assert AuditEvent.objects.filter(action="reminder.activity", object_id=str(activity.pk)).count() == 1
