"""Records of meetings held before the platform was used, brought in afterwards. Pure rules: no ORM.

An activity counts as held only when it is recorded as held: attendance taken on the platform, or a
record of a past meeting with its date, form and content (支部条例 Art.11–18 require the meetings; a
meeting that left no record cannot be shown to an inspection as held). The numbers here bound what
one import may bring in and what a record must say.
"""

import datetime

from django.utils.translation import gettext_lazy as _

# Rows one file may hold: ten years of a branch's 三会一课 and 主题党日 (about 40 a year), or a year
# of a committee's thirty branches. A larger file is split; the bound keeps one check in memory and time.
MAX_IMPORT_ROWS = 3000

# Whatever the platform stores for an activity (study.models.Activity).
MAX_THEME_LENGTH = 200
MAX_PLACE_LENGTH = 200
MAX_SPEAKER_LENGTH = 64

FUTURE_DATE = _("the date is in the future; only meetings already held are recorded afterwards")
NOT_ENDED = _("the meeting has not ended yet")
END_BEFORE_START = _("the end time must be after the start time")
NO_ONE_EXPECTED = _("the number expected to attend must be at least 1")
MORE_PRESENT_THAN_EXPECTED = _("more attended (%(present)d) than were expected (%(expected)d)")


def past_record_problems(
    *,
    day: datetime.date,
    starts_at: datetime.datetime | None,
    ends_at: datetime.datetime | None,
    expected: int | None,
    present: int | None,
    now: datetime.datetime,
) -> list[str]:
    """What is wrong with a past meeting's date, times and counts (those that could be read), or [].
    `now` is on the local clock, as `day` is."""
    problems: list[str] = []
    if day > now.date():
        problems.append(str(FUTURE_DATE))
    elif starts_at is not None and ends_at is not None:
        if ends_at <= starts_at:
            problems.append(str(END_BEFORE_START))
        elif ends_at > now:
            problems.append(str(NOT_ENDED))
    if expected is not None and expected < 1:
        problems.append(str(NO_ONE_EXPECTED))
    if expected is not None and present is not None and present > expected:
        problems.append(str(MORE_PRESENT_THAN_EXPECTED) % {"present": present, "expected": expected})
    return problems
