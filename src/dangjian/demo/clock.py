"""The demo's clock: the moments its stories happened at, never later than the moment it runs.

The services date what they write now (a notice's time, a need's history); the demo builds a year in
seconds, so afterwards it moves those rows back to the moment each step of its story is set on, as a
real inbox would read. A step set "today" at an hour still ahead is squeezed into the part of the day
that has passed, in the same order, so nothing is dated after the moment the demo was built.
"""

import datetime
from collections import Counter

from django.db.models import Max
from django.utils import timezone

from dangjian.notices.models import Notice

DAY = datetime.timedelta(days=1)


def not_after(at: datetime.datetime, now: datetime.datetime | None = None) -> datetime.datetime:
    """`at`, or, when it is later than `now`, the same time of day scaled into the part of `now`'s
    day already gone (so the order of the day's steps is kept); `now` itself for a later day."""
    now = now or timezone.now()
    if at <= now:
        return at
    local_now = timezone.localtime(now)
    day_start = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    if at >= day_start + DAY:
        return now
    fraction = (now - day_start) / DAY
    return day_start + (at - day_start) * fraction


def moment(day: datetime.date, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    """A local moment of `day`, never later than now."""
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute, second)))
    return not_after(at)


def notice_mark() -> int:
    """The newest notice so far: pass it to `date_notices` after a step to date what the step sent."""
    return Notice.objects.aggregate(m=Max("pk"))["m"] or 0


def date_notices(since: int, at: datetime.datetime) -> int:
    """Date the notices sent after `since` to `at` (never later than now), a second apart for one
    recipient (one action telling a person two things sends them one after the other); how many."""
    at = not_after(at)
    sent: Counter[int] = Counter()
    notices = list(Notice.objects.filter(pk__gt=since).order_by("pk"))
    for notice in notices:
        notice.created_at = not_after(at + datetime.timedelta(seconds=sent[notice.recipient_id]))
        sent[notice.recipient_id] += 1
    Notice.objects.bulk_update(notices, ["created_at"])
    return len(notices)
