"""Reading rules: when reading counts, how much of it, and how it turns into study hours (学时).
Pure: no ORM.

Reading in the online reader is 在线学习 / 个人自学 (教育管理条例 Art.7). There is no national
definition of one 学时 (domain.md §2), so everything here is local practice [L], kept as
versioned data a committee can change: the conversion uses the study hour rules in `hours`, and a
daily cap keeps a tab left open from turning into hours. Daily caps on reading time are the
common practice of online study platforms (学习强国 counts at most 6 points a day for reading
time, domain.md §8); nothing here ranks members or sets a quota of online time (domain.md §9:
学习时长考核 and 积分排名 are 形式主义 targeted by the 2024 减负 rules).
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from dangjian.library.rules import hours as hour_rules


@dataclass(frozen=True)
class ReadingRule:
    """How active reading is measured and credited. Every figure is local practice [L] (domain.md §2)."""

    code: str
    effective_year: int
    source: str
    # The reader counts time only while the page is visible and was touched, scrolled or typed on
    # within this many seconds; it then reports ("beats") every `beat_interval_s`.
    active_window_s: int = 60
    beat_interval_s: int = 20
    # One beat credits at most this much, so a laptop waking from sleep adds at most a minute.
    beat_cap_s: int = 60
    # A beat later than this after the previous one starts a new session and credits nothing.
    session_gap_s: int = 300
    # Minutes of reading a day that count, and the fewest that count at all.
    daily_cap_minutes: int = 60
    minimum_minutes_per_day: int = 0
    # Reading counts as self-study: minutes become 学时 under this study hour rule.
    hour_rule: str = hour_rules.DEFAULT_HOUR_RULE.code

    def __post_init__(self) -> None:
        if min(self.active_window_s, self.beat_interval_s, self.beat_cap_s, self.session_gap_s) <= 0:
            raise ValueError("reading rule durations must be positive")
        if self.beat_cap_s < self.beat_interval_s or self.session_gap_s < self.beat_cap_s:
            raise ValueError("a beat's cap must cover its interval, and the session gap the cap")
        if not 0 <= self.minimum_minutes_per_day <= self.daily_cap_minutes:
            raise ValueError("the daily minimum must lie between 0 and the daily cap")


# Local practice [L] (domain.md §2, §8): one hour of reading a day counts, converted like
# self-study (1 hour = 1 学时 by default).
READING_2024 = ReadingRule(
    code="reading_2024",
    effective_year=2024,
    source="本单位做法：在线阅读按实际活跃时长计入个人自学，每天最多计60分钟",
)
READING_RULES: tuple[ReadingRule, ...] = (READING_2024,)


def reading_rule_for(year: int, rules: tuple[ReadingRule, ...] = READING_RULES) -> ReadingRule:
    """The version in force in `year`: the latest one effective by then (the earliest for years before all)."""
    ordered = sorted(rules, key=lambda rule: rule.effective_year)
    in_force = [rule for rule in ordered if rule.effective_year <= year]
    return in_force[-1] if in_force else ordered[0]


# --- Active time -------------------------------------------------------------------------------


def beat_credit(
    previous_beat_at: datetime.datetime | None, now: datetime.datetime, rule: ReadingRule
) -> tuple[int, bool]:
    """(seconds credited, whether a new session starts) for a beat at `now`.

    The first beat, and a beat after more than `session_gap_s`, start a new session and credit
    nothing; otherwise the whole seconds since the previous beat count, up to `beat_cap_s`. The
    client never says how long it read: a burst of beats earns only the time that really passed.
    """
    if previous_beat_at is None:
        return 0, True
    elapsed = (now - previous_beat_at).total_seconds()
    if elapsed < 0:  # a clock step backwards: nothing to credit, nothing to break
        return 0, False
    if elapsed > rule.session_gap_s:
        return 0, True
    return min(int(elapsed), rule.beat_cap_s), False


def day_minutes(seconds: int) -> int:
    """Whole minutes read in a day of `seconds` of active reading (a started minute does not count)."""
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    return seconds // 60


def credited_day_minutes(minutes: int, rule: ReadingRule) -> int:
    """Minutes of one day's reading that count: none below the daily minimum, at most the daily cap."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    if minutes < rule.minimum_minutes_per_day:
        return 0
    return min(minutes, rule.daily_cap_minutes)


def credited_minutes(per_day_minutes: Iterable[int], rule: ReadingRule) -> int:
    """Minutes of reading that count as self-study, given the minutes read on each day."""
    return sum(credited_day_minutes(minutes, rule) for minutes in per_day_minutes)


def credited_hours(per_day_minutes: Iterable[int], rule: ReadingRule) -> Decimal:
    """学时 for the reading, after the daily cap, under the rule's study hour conversion.

    A linear rule converts the total (hours accumulate per year); a per-session table treats each
    day's reading as one session.
    """
    conversion = hour_rules.hour_rule(rule.hour_rule)
    days = [credited_day_minutes(minutes, rule) for minutes in per_day_minutes]
    if isinstance(conversion, hour_rules.TableHourRule):
        return sum((conversion.hours(minutes) for minutes in days), Decimal(0))
    return hour_rules.hours_from_minutes(sum(days), conversion)


# --- Display -------------------------------------------------------------------------------------

# Font sizes the reader offers, in CSS pixels; the page has one class per size (the CSP allows
# no inline style). 18 is `ReadingPosition.font_size`'s default.
FONT_SIZES: tuple[int, ...] = (14, 16, 18, 20, 22, 24, 28)
DEFAULT_FONT_SIZE = 18


def font_size_step(size: int, step: int) -> int:
    """The offered size `step` places from `size` (snapped to the nearest offered one), kept in range."""
    nearest = min(range(len(FONT_SIZES)), key=lambda i: (abs(FONT_SIZES[i] - size), i))
    index = min(max(nearest + step, 0), len(FONT_SIZES) - 1)
    return FONT_SIZES[index]


_BLANK_LINES = re.compile(r"\n[ \t\u3000]*\n")


def paragraphs(text: str) -> list[str]:
    """A page's paragraphs: its text split on blank lines, trimmed, without empty ones."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return [part.strip() for part in _BLANK_LINES.split(normalised) if part.strip()]


def clamp_page(number: int, page_count: int) -> int:
    """A page number within 1…`page_count` (1 when there are no pages)."""
    return min(max(number, 1), max(page_count, 1))
