"""An organisation's effective deadlines for needs: its own, else those above it, else the defaults."""

from dataclasses import dataclass, field

from dangjian.care import rules
from dangjian.care.models import CareSettings
from dangjian.orgs.models import Organisation
from dangjian.orgs.rules import ancestor_paths

FIELDS = ("accept_working_days", "answer_working_days")


@dataclass(frozen=True)
class EffectiveCareSettings:
    accept_working_days: int
    answer_working_days: int
    # Field name → the organisation whose choice applies (absent: the default).
    source: dict[str, Organisation] = field(default_factory=dict, compare=False)

    @property
    def deadlines(self) -> rules.NeedDeadlines:
        return rules.NeedDeadlines(self.accept_working_days, self.answer_working_days)


def effective_care_settings(org: Organisation, *, own: bool = True) -> EffectiveCareSettings:
    """One query: the settings of the organisation (unless `own` is false) and its ancestors, nearest first."""
    paths = ancestor_paths(org.path)
    if not own:
        paths = paths[:-1]
    chain = sorted(
        CareSettings.objects.filter(org__path__in=paths).select_related("org"),
        key=lambda s: len(s.org.path),
        reverse=True,
    )
    values: dict[str, int] = {}
    source: dict[str, Organisation] = {}
    for settings in chain:
        for name in FIELDS:
            value = getattr(settings, name)
            if name not in values and value is not None:
                values[name], source[name] = value, settings.org
    return EffectiveCareSettings(
        accept_working_days=values.get("accept_working_days", rules.DEFAULT_ACCEPT_WORKING_DAYS),
        answer_working_days=values.get("answer_working_days", rules.DEFAULT_ANSWER_WORKING_DAYS),
        source=source,
    )


def own_care_settings(org: Organisation) -> CareSettings:
    return CareSettings.objects.filter(org=org).first() or CareSettings(org=org)
