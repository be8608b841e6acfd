"""A record of a past meeting imported afterwards counts as held, in the same query as attendance taken."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from dangjian.compliance import selectors
from dangjian.compliance.rules import requirements as req
from dangjian.compliance.tests.factories import days_ago, held
from dangjian.study.models import Activity
from dangjian.study.services.past_records import past_record_import_apply
from dangjian.study.tests.test_records_import import row, workbook


def last_quarter() -> req.ReportingPeriod:
    return req.period_of("quarter", timezone.localdate()).previous()


def test_an_imported_record_with_content_counts_as_held(college):
    period = last_quarter()
    ago = (timezone.localdate() - (period.starts_on + datetime.timedelta(days=10))).days
    day = days_ago(ago)
    result = past_record_import_apply(actor=college.user("branch"), data=workbook([row(day=day)]), filename="记录.xlsx")
    counted = selectors.held_activities([college.branch.pk], period.starts_on, period.ends_on)[college.branch.pk]
    assert [(a.id, a.form, a.held_on) for a in counted] == [(result.activity_ids[0], "general_meeting", day)]
    row_ = selectors.life_branch(college.branch, period)
    general = next(c for c in row_.cells if c.requirement.key == "general_meeting")
    assert general.status == req.Status.MET


def test_a_record_without_content_or_not_recorded_afterwards_does_not_count(college):
    period = last_quarter()
    day = period.starts_on + datetime.timedelta(days=5)
    result = past_record_import_apply(actor=college.user("branch"), data=workbook([row(day=day)]), filename="记录.xlsx")
    Activity.objects.filter(pk__in=result.activity_ids).update(minutes="")
    assert selectors.held_activities([college.branch.pk], period.starts_on, period.ends_on)[college.branch.pk] == []
    Activity.objects.filter(pk__in=result.activity_ids).update(minutes="有内容", recorded_afterwards=False)
    assert selectors.held_activities([college.branch.pk], period.starts_on, period.ends_on)[college.branch.pk] == []


def test_imported_records_cost_no_extra_query(college, django_assert_num_queries):
    period = last_quarter()
    held(college.branch, (timezone.localdate() - period.starts_on).days - 3, form="general_meeting")
    day = period.starts_on + datetime.timedelta(days=20)
    past_record_import_apply(actor=college.user("branch"), data=workbook([row(day=day)]), filename="记录.xlsx")
    with django_assert_num_queries(3):  # the activities, the secretaries, the evaluation campaigns
        counted = selectors.held_activities([college.branch.pk], period.starts_on, period.ends_on)
    assert len(counted[college.branch.pk]) == 2


@pytest.mark.parametrize(
    "zone",
    [
        "Asia/Shanghai",  # one offset all year: SQLite computes the day itself
        "Europe/Berlin",  # summer time began on 2026-03-29, inside the span: the day is computed in Python
    ],
)
def test_an_activity_is_held_on_its_local_day_just_after_and_before_midnight(college, zone):
    day = datetime.date(2026, 3, 30)
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        early, late = held(college.branch, 10), held(college.branch, 10)
        for activity, clock in ((early, datetime.time(0, 10)), (late, datetime.time(23, 50))):
            starts = timezone.make_aware(datetime.datetime.combine(day, clock))
            Activity.objects.filter(pk=activity.pk).update(
                starts_at=starts, ends_at=starts + datetime.timedelta(minutes=5)
            )
        found = selectors.held_activities([college.branch.pk], datetime.date(2026, 3, 1), datetime.date(2026, 4, 30))
    assert [(a.id, a.held_on) for a in found[college.branch.pk]] == [(early.pk, day), (late.pk, day)]
