"""The fixed theme day, moved off holidays; organisation study settings and their inheritance;
regular plan items scheduled once a month."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from dangjian.accounts.system import system_actor
from dangjian.core.calendar import WorkingCalendar
from dangjian.core.errors import DomainError, Forbidden
from dangjian.core.models import AuditEvent
from dangjian.study.models import Activity, StudySettings
from dangjian.study.rules import schedule as rules
from dangjian.study.selectors.schedule import effective_settings
from dangjian.study.services.activities import activity_create
from dangjian.study.services.schedule import plan_item_schedule, study_settings_update
from dangjian.study.tests.factories_plans import make_item, make_plan, make_semester

D = datetime.date
NATIONAL_DAY = frozenset(D(2026, 10, d) for d in range(1, 8))
WEEKDAY_RULES = st.builds(rules.FixedDay, week=st.sampled_from(rules.WEEK_CHOICES), weekday=st.integers(0, 6))
DATE_RULES = st.builds(rules.FixedDay, day_of_month=st.integers(1, rules.LATEST_DAY_OF_MONTH))
MONTHS = st.dates(D(2024, 1, 1), D(2030, 12, 1)).map(lambda d: d.replace(day=1))


def test_nominal_days():
    first_friday = rules.FixedDay(week=1, weekday=4)
    assert rules.nominal_day(D(2026, 12, 17), first_friday) == D(2026, 12, 4)
    assert rules.nominal_day(D(2026, 12, 1), rules.FixedDay(week=rules.LAST, weekday=2)) == D(2026, 12, 30)
    assert rules.nominal_day(D(2027, 2, 1), rules.FixedDay(day_of_month=28)) == D(2027, 2, 28)


def test_a_holiday_moves_the_day_to_the_next_working_day():
    working = WorkingCalendar(holidays=NATIONAL_DAY, workdays=frozenset({D(2026, 10, 10)}))
    # The first Thursday of October 2026 is National Day; the holiday runs to the 7th.
    assert rules.regular_day(D(2026, 10, 1), rules.FixedDay(week=1, weekday=3), working) == D(2026, 10, 8)
    # Day 10 is a Saturday made a working day (调休): it stays.
    assert rules.regular_day(D(2026, 10, 1), rules.FixedDay(day_of_month=10), working) == D(2026, 10, 10)
    # The last Friday of a month whose last working days are holidays moves back into the month.
    year_end = WorkingCalendar(holidays=frozenset({D(2026, 12, 25), D(2026, 12, 28), D(2026, 12, 29)}))
    assert rules.regular_day(D(2026, 12, 1), rules.FixedDay(day_of_month=25), year_end) == D(2026, 12, 30)
    whole_month_off = WorkingCalendar(holidays=frozenset(D(2027, 2, d) for d in range(1, 29)))
    assert rules.regular_day(D(2027, 2, 1), rules.FixedDay(day_of_month=3), whole_month_off) is None


@given(month=MONTHS, fixed=st.one_of(WEEKDAY_RULES, DATE_RULES), off=st.sets(st.integers(1, 28), max_size=12))
def test_the_regular_day_is_a_working_day_of_the_same_month(month, fixed, off):
    working = WorkingCalendar(holidays=frozenset(month.replace(day=d) for d in off))
    day = rules.regular_day(month, fixed, working)
    assert day is not None  # 28 days off still leave the weekdays of the 29th–31st, or it is February
    assert (day.year, day.month) == (month.year, month.month)
    assert working.is_working_day(day)
    nominal = rules.nominal_day(month, fixed)
    if working.is_working_day(nominal):
        assert day == nominal


@given(fixed=WEEKDAY_RULES, month=MONTHS)
def test_a_weekday_rule_lands_on_that_weekday(fixed, month):
    day = rules.nominal_day(month, fixed)
    assert day.weekday() == fixed.weekday
    if fixed.week == rules.LAST:
        assert (day + datetime.timedelta(days=7)).month != month.month
    else:
        assert (day.day - 1) // 7 + 1 == fixed.week


def test_one_day_a_month_within_the_range():
    days = rules.regular_days(D(2026, 9, 1), D(2027, 1, 31), rules.FixedDay(week=1, weekday=4), WorkingCalendar())
    assert days == [D(2026, 9, 4), D(2026, 10, 2), D(2026, 11, 6), D(2026, 12, 4), D(2027, 1, 1)]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"week": 1},
        {"week": 5, "weekday": 1},
        {"weekday": 7, "week": 1},
        {"day_of_month": 29},
        {"day_of_month": 3, "week": 1, "weekday": 1},
    ],
)
def test_fixed_day_refuses_nonsense(kwargs):
    with pytest.raises(ValueError, match="week|day"):
        rules.FixedDay(**kwargs)


# --- Settings --------------------------------------------------------------------------------


def test_a_branch_inherits_the_committees_choices_and_overrides_its_own(college):
    study_settings_update(
        actor=college.user("committee"), org=college.committee, late_grace_minutes=5, make_up_working_days=15
    )
    study_settings_update(
        actor=college.user("branch"), org=college.branch, theme_day_week=1, theme_day_weekday=4, late_grace_minutes=0
    )
    branch = effective_settings(college.branch)
    assert branch.late_grace_minutes == 0
    assert branch.make_up_working_days == 15
    assert branch.source["make_up_working_days"] == college.committee
    assert branch.fixed_day == rules.FixedDay(week=1, weekday=4)
    other = effective_settings(college.other_branch)
    assert other.late_grace_minutes == 5
    assert not other.fixed_day.is_set
    assert other.start_time == rules.DEFAULTS.start_time
    assert AuditEvent.objects.filter(action="study_settings.update").count() == 2


def test_the_committees_grace_applies_to_new_activities(college):
    study_settings_update(actor=system_actor(), org=college.committee, late_grace_minutes=3)
    starts = datetime.datetime(2026, 12, 4, 14, 30, tzinfo=datetime.UTC)
    activity = activity_create(
        actor=system_actor(),
        org=college.branch,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        form="lecture",
        theme="党课",
    )
    assert activity.late_after == starts + datetime.timedelta(minutes=3)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"theme_day_week": 1}, "theme_day_weekday"),
        ({"theme_day_week": 1, "theme_day_weekday": 2, "theme_day_of_month": 3}, "theme_day_of_month"),
        ({"late_grace_minutes": 500}, "late_grace_minutes"),
        ({"make_up_working_days": 0}, "make_up_working_days"),
    ],
)
def test_bad_settings_change_nothing(college, fields, field):
    with pytest.raises(DomainError) as caught:
        study_settings_update(actor=system_actor(), org=college.branch, **fields)
    assert caught.value.field == field
    assert not StudySettings.objects.filter(org=college.branch).exists()
    assert effective_settings(college.branch) == effective_settings(college.other_branch)


def test_only_a_study_manager_of_the_organisation_sets_it(college):
    with pytest.raises(Forbidden):
        study_settings_update(actor=college.user("branch"), org=college.committee, late_grace_minutes=1)
    with pytest.raises(Forbidden):
        study_settings_update(actor=college.user("member"), org=college.branch, late_grace_minutes=1)


# --- Scheduling a regular item ---------------------------------------------------------------


@pytest.fixture
def regular_item(college):
    plan = make_plan(college.branch, make_semester(college.committee))
    return make_item(plan, month=D(2026, 9, 1), regular=True, planned_minutes=120)


def test_a_regular_item_becomes_one_draft_a_month_on_the_fixed_day(college, regular_item):
    study_settings_update(
        actor=system_actor(), org=college.branch, theme_day_week=1, theme_day_weekday=4, place="人文楼301"
    )
    created = plan_item_schedule(actor=college.user("branch"), item=regular_item, today=D(2026, 11, 10))
    days = [timezone.localdate(a.starts_at) for a in created]
    # From today to the semester's end: December and January (November's first Friday has passed).
    assert days == [D(2026, 12, 4), D(2027, 1, 1)]
    assert timezone.localtime(created[0].starts_at).time() == rules.DEFAULTS.start_time
    first = created[0]
    assert (first.ends_at - first.starts_at) == datetime.timedelta(minutes=120)
    assert first.place == "人文楼301"
    assert first.status == "draft"
    assert first.theme == regular_item.theme
    assert first.plan_item == regular_item
    # Again: nothing new.
    assert plan_item_schedule(actor=college.user("branch"), item=regular_item, today=D(2026, 11, 10)) == []
    assert Activity.objects.filter(plan_item=regular_item).count() == 2


def test_new_years_day_moves_januarys_theme_day(college, regular_item):
    from dangjian.core.models import CalendarDay

    CalendarDay.objects.update_or_create(date=D(2027, 1, 1), defaults={"kind": "holiday", "name": "元旦"})
    study_settings_update(actor=system_actor(), org=college.branch, theme_day_week=1, theme_day_weekday=4)
    created = plan_item_schedule(actor=system_actor(), item=regular_item, today=D(2026, 12, 20))
    assert [timezone.localdate(a.starts_at) for a in created] == [D(2027, 1, 4)]


def test_scheduling_needs_a_regular_item_and_a_fixed_day(college, regular_item):
    with pytest.raises(DomainError) as caught:
        plan_item_schedule(actor=system_actor(), item=regular_item, today=D(2026, 9, 1))
    assert caught.value.field == "fixed_day"
    one_off = make_item(regular_item.plan, month=D(2026, 10, 1))
    with pytest.raises(DomainError):
        plan_item_schedule(actor=system_actor(), item=one_off)
    with pytest.raises(Forbidden):
        plan_item_schedule(actor=college.user("other_branch"), item=regular_item)


# --- Pages -----------------------------------------------------------------------------------


def test_settings_page_saves_and_shows_errors(college, client):
    client.force_login(college.user("branch"))
    url = f"/study/orgs/{college.branch.pk}/settings/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"theme_day_week": "1", "theme_day_weekday": "", "place": "人文楼"})
    assert response.status_code == 200  # re-rendered with the error
    assert response.context["form"].errors
    assert not StudySettings.objects.filter(org=college.branch).exists()
    response = client.post(
        url, {"theme_day_week": "-1", "theme_day_weekday": "2", "start_time": "15:00", "place": "人文楼"}
    )
    assert response.status_code == 302
    saved = StudySettings.objects.get(org=college.branch)
    assert (saved.theme_day_week, saved.theme_day_weekday, saved.start_time) == (-1, 2, datetime.time(15))


def test_schedule_button_sends_to_settings_when_no_fixed_day(college, client, regular_item):
    client.force_login(college.user("branch"))
    response = client.post(f"/study/plan-items/{regular_item.pk}/schedule/")
    assert response.url == f"/study/orgs/{college.branch.pk}/settings/"
    study_settings_update(actor=system_actor(), org=college.branch, theme_day_of_month=15)
    response = client.post(f"/study/plan-items/{regular_item.pk}/schedule/")
    assert response.url == f"/study/plans/{regular_item.plan_id}/"
    assert Activity.objects.filter(plan_item=regular_item).exists()
