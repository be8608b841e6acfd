"""A committee's settings of organisational life and the reminders they drive. Pure: no ORM.

A committee chooses the variant of the requirements (standard, or the university's 党课 at least twice a
semester), overrides numbers where its own practice differs, and how many working days ahead the
platform reminds: branch officers before a requirement's period closes while it is still due, and
expected attendees before an activity starts.
"""

import datetime

from django.utils.translation import gettext, gettext_noop

from dangjian.compliance.rules import requirements as req
from dangjian.core.calendar import WorkingCalendar

# Three working days: enough to call a 支委会 or a 党小组会 (members are usually told a few days
# ahead), short enough that the reminder is not forgotten before the day. No regulation sets a lead
# time: local practice [L], so each committee may change it (0 reminds on the last working day only).
DEFAULT_REMINDER_WORKING_DAYS = 3
DEFAULT_REMINDER_SOURCE = gettext_noop(
    "Local practice: three working days leave time to call a meeting before the period closes."
)
MAX_REMINDER_WORKING_DAYS = 20  # a month of working days; more would remind before most periods begin

# An override may ask for at most this many activities a period (a daily meeting is not a rhythm to check).
MAX_TIMES = 31
# The number of full members from which a requirement applies cannot exceed a branch's normal size
# (支部条例 ch.2: a branch normally has no more than 50 members).
MAX_MIN_FULL_MEMBERS = 50
# The forms of activity an override may count: those the requirements count (the service adds study's others).
ALL_FORMS = frozenset(
    {
        req.Form.GENERAL_MEETING,
        req.Form.COMMITTEE_MEETING,
        req.Form.GROUP_MEETING,
        req.Form.LECTURE,
        req.Form.THEME_DAY,
        req.Form.LIFE_MEETING,
        req.Form.EVALUATION,
    }
)


def reminder_day(closes_on: datetime.date, lead: int, calendar: WorkingCalendar) -> datetime.date:
    """The day to remind, `lead` working days before `closes_on`: the last working day from which
    `lead` working days remain up to and including `closes_on` (with 0, the last working day on or
    before `closes_on`)."""
    if lead < 0:
        raise ValueError("lead must not be negative")
    day, after = closes_on, 0  # `after`: the working days after `day`, up to and including `closes_on`
    while after < lead or not calendar.is_working_day(day):
        after += calendar.is_working_day(day)
        day -= datetime.timedelta(days=1)
    return day


def reminder_due(today: datetime.date, closes_on: datetime.date, lead: int, calendar: WorkingCalendar) -> bool:
    """Whether a reminder about something closing (or starting) on `closes_on` is due today: from the
    reminder day up to `closes_on` itself. A day missed by the daily job is caught up the next day;
    sending once only is the notices' dedupe key's business."""
    return reminder_day(closes_on, lead, calendar) <= today <= closes_on


def settings_errors(
    variant: str, overrides: object, reminder_working_days: object, known_forms: frozenset[str] = ALL_FORMS
) -> dict[str, str]:
    """What is wrong with a committee's settings, by field (empty when nothing is), in the user's words.

    The variant and overrides must make a valid requirement set (`req.requirement_set`), within the
    bounds above."""
    errors: dict[str, str] = {}
    if (
        isinstance(reminder_working_days, bool)
        or not isinstance(reminder_working_days, int)
        or not 0 <= reminder_working_days <= MAX_REMINDER_WORKING_DAYS
    ):
        errors["reminder_working_days"] = gettext("Remind 0 to %(max)d working days ahead.") % {
            "max": MAX_REMINDER_WORKING_DAYS
        }
    if not isinstance(overrides, dict) or not all(isinstance(v, dict) for v in overrides.values()):
        errors["overrides"] = gettext("Overrides map a requirement to the values that differ.")
        return errors
    try:
        requirements = req.requirement_set(req.CURRENT_VERSION, variant, overrides)
    except (ValueError, TypeError) as exc:
        field = "variant" if variant not in req.Variant.ALL else "overrides"
        errors[field] = str(exc) if isinstance(exc, ValueError) else gettext("The overrides are not valid.")
        return errors
    for key, values in overrides.items():
        requirement = requirements.get(key)
        if "times" in values and requirement.times > MAX_TIMES:
            errors["overrides"] = gettext("%(name)s: at most %(max)d a period.") % {
                "name": requirement.name,
                "max": MAX_TIMES,
            }
        if "min_full_members" in values and requirement.min_full_members > MAX_MIN_FULL_MEMBERS:
            errors["overrides"] = gettext("%(name)s: the number of full members can be at most %(max)d.") % {
                "name": requirement.name,
                "max": MAX_MIN_FULL_MEMBERS,
            }
        if "forms" in values and not requirement.forms <= known_forms:
            errors["overrides"] = gettext("%(name)s: unknown form of activity.") % {"name": requirement.name}
    return errors


def changed_requirements(
    requirements: req.RequirementSet, base: req.RequirementSet | None = None
) -> list[tuple[req.Requirement, req.Requirement]]:
    """Each requirement a committee's variant or overrides changed, with the regulation's own (base) one."""
    base = base or req.requirement_set()
    return [(r, base.get(r.key)) for r in requirements.requirements if r != base.get(r.key)]
