"""An organisation's effective deadlines for needs: its own, else those above it, else the defaults."""

from dataclasses import dataclass, field

from dangjian.care import rules
from dangjian.care.models import CareSettings
from dangjian.orgs.inherited import inherited_settings
from dangjian.orgs.models import Organisation

DEFAULTS = {
    "accept_working_days": rules.DEFAULT_ACCEPT_WORKING_DAYS,
    "answer_working_days": rules.DEFAULT_ANSWER_WORKING_DAYS,
}


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
    resolved = inherited_settings(CareSettings, org, DEFAULTS, own=own)
    return EffectiveCareSettings(**resolved.values, source=resolved.source)


def own_care_settings(org: Organisation) -> CareSettings:
    return CareSettings.objects.filter(org=org).first() or CareSettings(org=org)
