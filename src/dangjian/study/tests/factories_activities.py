"""Factories for activities. They go through the services, so every row is one the product could make."""

import datetime

import factory
from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.study.models import Activity
from dangjian.study.services import activities as services


def at(hours: float = 0, *, base: datetime.datetime | None = None) -> datetime.datetime:
    """A moment `hours` from `base` (default: now), for building activities around the present."""
    return (base or timezone.now()) + datetime.timedelta(hours=hours)


class ActivityFactory(factory.Factory):
    """A draft activity (pass `publish=True` for a published one) starting in an hour by default."""

    class Meta:
        model = Activity

    org = None
    form = "theme_day"
    theme = factory.Sequence(lambda n: f"第{n}次主题党日：学习党章")
    audience = "all"
    starts_at = factory.LazyFunction(lambda: at(1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    place = "人文楼101"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        org = kwargs.pop("org")
        assert org is not None, "ActivityFactory needs org="
        publish = kwargs.pop("publish", False)
        actor = kwargs.pop("actor", None) or system_actor()
        activity = services.activity_create(actor=actor, org=org, **kwargs)
        if publish:
            services.activity_publish(actor=actor, activity=activity)
        return activity
