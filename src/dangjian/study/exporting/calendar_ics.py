"""A member's activities as an iCalendar feed (RFC 5545), for their phone's calendar.

Built with the `icalendar` package. Each activity is one event whose UID stays the same, so a
calendar app updates it when the time or place changes, and drops it when it is cancelled.
"""

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from dangjian.study.models import Activity, ActivityStatus

PRODUCT = "-//dangjian//Organisational life//ZH"


def activities_ics(activities: Iterable[Activity], *, name: str, url_of, now: datetime.datetime | None = None) -> bytes:
    """The feed; `url_of(activity)` gives the absolute address of the activity's page."""
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    calendar.add("refresh-interval;value=duration", "PT6H")
    calendar.add("x-published-ttl", "PT6H")
    for activity in activities:
        event = Event()
        event.add("uid", f"activity-{activity.pk}@dangjian")
        event.add("dtstamp", now)
        event.add("dtstart", activity.starts_at)
        event.add("dtend", activity.ends_at)
        event.add("last-modified", activity.updated_at)
        event.add("summary", f"{activity.get_form_display()}：{activity.theme}")
        if activity.place:
            event.add("location", activity.place)
        url = url_of(activity)
        event.add("description", _("Organised by %(org)s. %(url)s") % {"org": activity.org.name, "url": url})
        event.add("url", url)
        cancelled = activity.status == ActivityStatus.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
