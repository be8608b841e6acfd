"""Building attendance histories for the early warning through the study services."""

import datetime

from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.members.models import Member, Membership
from dangjian.study.models import Activity
from dangjian.study.services.activities import attendance_mark
from dangjian.study.tests.factories_activities import ActivityFactory


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def backdate(*members: Member, days: int = 800) -> None:
    """Let the members have belonged to their organisation for `days` (the fixture adds them today)."""
    Membership.objects.filter(member__in=members).update(since=days_ago(days))


def held(
    org,
    ago: int,
    statuses: dict[Member, str] | None = None,
    *,
    form: str = "theme_day",
    default: str = "present",
    theme: str = "",
) -> Activity:
    """A published activity of `org` held `ago` days ago, each expected attendee marked `default` unless
    `statuses` says otherwise ("expected" leaves a row as the services left it)."""
    statuses = statuses or {}
    day = days_ago(ago)
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 30)))
    extra = {"theme": theme} if theme else {}
    activity = ActivityFactory(org=org, form=form, starts_at=starts_at, publish=True, **extra)
    for row in activity.attendances.select_related("member"):
        status = statuses.get(row.member, default)
        if status != "expected":
            attendance_mark(
                actor=system_actor(), activity=activity, member=row.member, status=status, reason="补录考勤"
            )
    return activity
