"""The demo never dates a record after the moment it is built, and its notices read like a real inbox:
sent at different, past moments."""

import datetime
import io
import zoneinfo
from collections import Counter

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from dangjian.demo import generator
from dangjian.demo.library import load as library_load
from dangjian.notices.models import Notice
from dangjian.study.models import LeaveRequest

# Times that are planned rather than recorded: an announced activity lies ahead.
PLANNED = {
    ("study", "activity", "starts_at"),
    ("study", "activity", "ends_at"),
    ("study", "activity", "check_in_opens_at"),
    ("study", "activity", "check_in_closes_at"),
    ("study", "activity", "late_after"),
}


SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Early on a working morning: most of the day's planned steps (a need accepted at ten, an activity at
# half past two) are still ahead, so anything the demo dates "today" without looking at the clock shows.
MORNING = datetime.datetime(2026, 11, 18, 8, 10, tzinfo=SHANGHAI)
# In the afternoon, while a branch's theme day is under way.
AFTERNOON = datetime.datetime(2026, 11, 18, 15, 5, tzinfo=SHANGHAI)


def build_at(monkeypatch, moment: datetime.datetime) -> datetime.datetime:
    """The demo command run as if the clock read `moment` (and moved on as it really does); the clock
    when it finished."""
    started = datetime.datetime.now(datetime.UTC)
    real_now = timezone.now

    def now() -> datetime.datetime:
        return moment.astimezone(datetime.UTC) + (real_now() - started)

    monkeypatch.setattr(timezone, "now", now)
    for model in apps.get_models():  # fields defaulting to the clock hold the function itself
        for field in model._meta.concrete_fields:
            if field.default is real_now:
                monkeypatch.setattr(field, "default", now)
                # Field caches what get_default calls (`_get_default`) once any row has been made.
                monkeypatch.setattr(field, "_get_default", now)
    monkeypatch.setattr(generator, "DEMO_SCALE", generator.Scale(committees=1, branches=8, members=60))
    monkeypatch.setattr(library_load, "MATERIAL_LIMIT", 6)
    call_command("demo", "--small", "--no-serve", stdout=io.StringIO())
    return timezone.now()


def later_than(moment) -> list[str]:
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.DateTimeField):
                continue
            key = (model._meta.app_label, model._meta.model_name, field.name)
            if key in PLANNED:
                continue
            n = model._default_manager.filter(**{f"{field.name}__gt": moment}).count()
            if n:
                found.append(f"{'.'.join(key)}: {n}")
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("moment", [MORNING, AFTERNOON], ids=["morning", "afternoon"])
def test_the_demo_records_nothing_after_the_moment_it_runs(monkeypatch, moment):
    built = build_at(monkeypatch, moment)
    assert later_than(built) == []
    # A leave is asked after the activity is announced and before it is answered.
    leaves = LeaveRequest.objects.select_related("activity")
    assert leaves.exists()
    for leave in leaves:
        assert leave.activity.published_at <= leave.created_at
        assert leave.decided_at is None or leave.created_at <= leave.decided_at
    notices_have_distinct_past_times(built)


def notices_have_distinct_past_times(demo_built: datetime.datetime) -> None:
    """Checked on the same build as the test above (a build takes a while)."""
    notices = list(Notice.objects.all())
    assert len(notices) > 20
    assert all(n.created_at <= demo_built for n in notices)
    # Not all sent in the same moment: no recipient has two notices of the same second …
    per_recipient = Counter((n.recipient_id, n.created_at) for n in notices)
    assert max(per_recipient.values()) == 1
    # … and the inbox spans days, not the seconds the build took.
    times = sorted(n.created_at for n in notices)
    assert (times[-1] - times[0]).days >= 7
