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
