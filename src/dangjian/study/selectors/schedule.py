"""An organisation's effective study settings: its own choices, else those of the organisations
above it, else the defaults in `rules.schedule`."""

import datetime
from dataclasses import dataclass, field

from dangjian.orgs.models import Organisation
from dangjian.orgs.rules import ancestor_paths
from dangjian.study.models import StudySettings
from dangjian.study.rules import schedule as rules

INHERITED = ("start_time", "length_minutes", "place", "late_grace_minutes", "make_up_working_days")


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


def _fixed_day(settings: StudySettings) -> rules.FixedDay:
    return rules.FixedDay(
        week=settings.theme_day_week,
        weekday=settings.theme_day_weekday,
        day_of_month=settings.theme_day_of_month,
    )


def effective_settings(org: Organisation, *, own: bool = True) -> EffectiveSettings:
    """One query: the settings of the organisation (unless `own` is false: only those above it)
    and its ancestors, nearest first."""
    paths = ancestor_paths(org.path)
    if not own:
        paths = paths[:-1]
    chain = sorted(
        StudySettings.objects.filter(org__path__in=paths).select_related("org"),
        key=lambda s: len(s.org.path),
        reverse=True,
    )
    values: dict = {}
    source: dict[str, Organisation] = {}
    for settings in chain:
        fixed = _fixed_day(settings)
        if "fixed_day" not in values and fixed.is_set:
            values["fixed_day"], source["fixed_day"] = fixed, settings.org
        for name in INHERITED:
            value = getattr(settings, name)
            if name not in values and value not in (None, ""):
                values[name], source[name] = value, settings.org
    defaults = rules.DEFAULTS
    return EffectiveSettings(
        fixed_day=values.get("fixed_day", rules.FixedDay()),
        start_time=values.get("start_time", defaults.start_time),
        length_minutes=values.get("length_minutes", defaults.length_minutes),
        place=values.get("place", ""),
        late_grace_minutes=values.get("late_grace_minutes", defaults.late_grace_minutes),
        make_up_working_days=values.get("make_up_working_days", defaults.make_up_working_days),
        source=source,
    )


def own_settings(org: Organisation) -> StudySettings:
    """The organisation's own settings row (unsaved and blank when it has made no choice)."""
    return StudySettings.objects.filter(org=org).first() or StudySettings(org=org)
