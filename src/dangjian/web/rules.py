"""Pure rules of the dashboards: no ORM.

Study hours are shown as a distribution of members over bands of their progress toward the year's
requirement, never as names or a ranking: 《关于防治"指尖上的形式主义"的若干意见》 (中央网信委, 2023-12-18)
asks platforms not to rank people by points or time online. The requirement itself (32 学时, 56 for
secretaries and committee members, prorated for those who joined during the year, none for the exempt)
is study's (`study.rules.hours`, 教育管理条例 Art.20).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class HoursBand:
    key: str
    label: str | Promise
    below: Decimal | None  # the band holds progress (hours ÷ required) below this share; None: no bound


# In order: a member falls in the first band whose bound their progress is below. Quarters of the
# requirement, so that a committee sees at a glance how far the year has come, plus "not started".
NOT_STARTED = "none"
MET = "met"
EXEMPT = "exempt"
HOURS_BANDS: tuple[HoursBand, ...] = (
    HoursBand(NOT_STARTED, _("None yet"), None),  # exactly 0 学时: placed apart, see `hours_band`
    HoursBand("quarter", _("Under 25%"), Decimal("0.25")),
    HoursBand("half", _("25% to under 50%"), Decimal("0.5")),
    HoursBand("three_quarters", _("50% to under 75%"), Decimal("0.75")),
    HoursBand("almost", _("75% to under 100%"), Decimal(1)),
    HoursBand(MET, _("Requirement met"), None),
)
EXEMPT_BAND = HoursBand(EXEMPT, _("Exempt"), None)


def hours_band(total: Decimal, required: Decimal, *, exempt: bool) -> str:
    """The band of a member with `total` 学时 against `required`: exempt members apart, nothing
    required (a member who joined on 31 December) counts as met, 0 学时 as not started."""
    if exempt:
        return EXEMPT
    if total >= required:
        return MET
    if total <= 0:
        return NOT_STARTED
    share = total / required
    for band in HOURS_BANDS:
        if band.below is not None and share < band.below:
            return band.key
    return MET  # unreachable: total < required means share < 1


def all_bands() -> tuple[HoursBand, ...]:
    """Every band in display order, the exempt last."""
    return (*HOURS_BANDS, EXEMPT_BAND)
