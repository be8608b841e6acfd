"""An organisation's effective study settings: its own choices, else those of the organisations
above it, else the defaults in `rules.schedule`."""

import datetime
from dataclasses import dataclass, field

from dangjian.orgs.inherited import inherited_settings
from dangjian.orgs.models import Organisation
from dangjian.study.models import StudySettings
from dangjian.study.rules import schedule as rules


@dataclass(frozen=True)
class EffectiveSettings:
    fixed_day: rules.FixedDay
    start_time: datetime.time
    length_minutes: int
    place: str
    late_grace_minutes: int
    make_up_working_days: int
    # Field name → the organisation whose choice applies (absent: the default).
    source: dict[str, Organisation] = field(default_factory=dict, compare=False)


def _fixed_day(settings: StudySettings) -> rules.FixedDay | None:
    """The fixed theme day the organisation chose; None when it chose none."""
    fixed = rules.FixedDay(
        week=settings.theme_day_week,
        weekday=settings.theme_day_weekday,
        day_of_month=settings.theme_day_of_month,
    )
    return fixed if fixed.is_set else None


def effective_settings(org: Organisation, *, own: bool = True) -> EffectiveSettings:
    """One query: the settings of the organisation (unless `own` is false: only those above it)
    and its ancestors, nearest first."""
    defaults = rules.DEFAULTS
    resolved = inherited_settings(
        StudySettings,
        org,
        {
            "fixed_day": rules.FixedDay(),
            "start_time": defaults.start_time,
            "length_minutes": defaults.length_minutes,
            "place": "",
            "late_grace_minutes": defaults.late_grace_minutes,
            "make_up_working_days": defaults.make_up_working_days,
        },
        own=own,
        read={"fixed_day": _fixed_day},
    )
    return EffectiveSettings(**resolved.values, source=resolved.source)


def own_settings(org: Organisation) -> StudySettings:
    """The organisation's own settings row (unsaved and blank when it has made no choice)."""
    return StudySettings.objects.filter(org=org).first() or StudySettings(org=org)
