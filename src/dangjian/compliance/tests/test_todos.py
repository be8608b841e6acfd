"""Compliance's to-do in the inbox: each branch with open early-warning entries, counts only."""

import datetime

from django.utils import timezone

from dangjian.accounts.permissions import scope_for
from dangjian.compliance import services, todos
from dangjian.compliance.models import WarningEntry
from dangjian.notices.inbox import inbox_for

TODAY = datetime.date(2026, 5, 11)


def warnings(user):
    return [item for item in inbox_for(user, TODAY) if item.kind == "compliance.warnings"]


def test_open_entries_wait_for_the_branch_officers_as_a_count_until_closed(college):
    entry = WarningEntry.objects.create(member=college.member, org=college.branch, opened_on=TODAY, refreshed_on=TODAY)
    [item] = warnings(college.user("branch"))
    assert item.title == "哲学系教工党支部有 1 条未处理的预警"
    assert "张三" not in item.title  # counts, never names
    assert item.url == f"/compliance/branches/{college.branch.pk}/warnings/"
    assert warnings(college.user("other_branch")) == []
    assert warnings(college.user("member")) == []  # never about oneself, and a member has no scope
    services.warning_close(
        actor=college.user("branch"), entry=entry, resolution="visit", on=timezone.localdate(), note="上门了解情况"
    )
    assert warnings(college.user("branch")) == []


def test_the_warning_source_reads_two_queries(college, django_assert_max_num_queries):
    WarningEntry.objects.create(member=college.member, org=college.branch, opened_on=TODAY, refreshed_on=TODAY)
    for role in ("branch", "committee", "member"):
        user = college.user(role)
        scope_for(user)
        with django_assert_max_num_queries(2):
            todos.warning_todos(user, TODAY)


# --- Requirements falling due ----------------------------------------------------------------------

QUARTER_CLOSING = datetime.date(2026, 6, 29)  # Monday; Q2 and June close on Tuesday the 30th
MID_MONTH = datetime.date(2026, 6, 10)


def falling_due(user, today):
    return [item for item in inbox_for(user, today) if item.kind == "compliance.requirement_due"]


def test_requirements_still_due_wait_for_the_branch_secretary_as_their_period_closes(college):
    from dangjian.compliance.tests.factories import held

    items = {item.url.rsplit("#req-", 1)[1]: item for item in falling_due(college.user("branch"), QUARTER_CLOSING)}
    assert {"general_meeting", "theme_day", "lecture"} <= set(items)
    general = items["general_meeting"]
    assert general.title == "支部党员大会（2026年第2季度）：已开 0 次，应开 1 次"
    assert general.due == datetime.date(2026, 6, 30)
    assert general.where == college.branch.name
    assert general.url.startswith(f"/compliance/life/{college.branch.pk}/?period=quarter&date=2026-04-01")
    # Nobody else runs the branch: the committee officer and members see none of it.
    assert falling_due(college.user("committee"), QUARTER_CLOSING) == []
    assert falling_due(college.user("member"), QUARTER_CLOSING) == []

    # Held: it leaves the inbox by itself.
    held(college.branch, (timezone.localdate() - datetime.date(2026, 6, 15)).days, form="general_meeting")
    keys = {item.url.rsplit("#req-", 1)[1] for item in falling_due(college.user("branch"), QUARTER_CLOSING)}
    assert "general_meeting" not in keys


def test_outside_the_lead_time_nothing_is_checked(college, django_assert_max_num_queries):
    user = college.user("branch")
    inbox_for(user, MID_MONTH)  # the scope, cached
    with django_assert_max_num_queries(3):  # the offices, the settings in force, the working-day calendar
        assert todos.requirement_todos(user, MID_MONTH) == []
