"""Reads for the online reader and for reading time.

Reading time is private: a member sees their own; officers will see only yearly totals in the
study-hour ledger (`reading_minutes`). Nothing here lists who read what for anyone else, and
nothing is ordered by time read.
"""

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Max, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.permissions import scope_for
from dangjian.core.errors import NotFound
from dangjian.library import rules
from dangjian.library.models import Extraction, Material, MaterialPage, ReadingPosition, ReadingSession
from dangjian.library.rules import hours as hour_rules
from dangjian.members.models import Member

# SQLite refuses a statement with more than 32,766 parameters by default: longer id lists are
# sent in chunks of this size (a queryset of ids is always one query).
ID_CHUNK = 30_000
RECENT_SESSIONS = 10


def reading_rule(year: int) -> rules.ReadingRule:
    """The reading rule for `year` with the local choices from the settings (the defaults when unset)."""
    base = rules.reading_rule_for(year)
    cap = getattr(settings, "DANGJIAN_READING_DAILY_CAP_MINUTES", None)
    hour_rule = cast(
        str,
        getattr(settings, "DANGJIAN_READING_HOUR_RULE", None)
        or getattr(settings, "DANGJIAN_SELF_STUDY_HOUR_RULE", base.hour_rule),
    )
    return dataclasses.replace(
        base, daily_cap_minutes=base.daily_cap_minutes if cap is None else int(cap), hour_rule=hour_rule
    )


def _year_days(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


# --- Totals for the ledger -------------------------------------------------------------------------


def _credited_by_member(
    member_ids: Iterable[int] | QuerySet[Any, int], year: int, rule: rules.ReadingRule
) -> dict[int, int]:
    first, last = _year_days(year)
    per_day = (
        ReadingSession.objects.filter(member_id__in=member_ids, day__gte=first, day__lte=last)
        .order_by()
        .values("member_id", "day")
        .annotate(seconds=Sum("active_seconds"))
        .values("member_id", "day", "seconds")
    )
    try:
        inner_sql, inner_params = per_day.query.sql_with_params()
    except EmptyResultSet:  # no members at all (an empty queryset)
        return {}
    # The ORM cannot group the grouped rows again, so the day rows become a derived table. The
    # CASE is `rules.credited_day_minutes` (integer division floors on both databases, as
    # `rules.day_minutes` does). Only the ORM's own SQL and placeholders are put into the text.
    sql = (
        "SELECT d.member_id, SUM(CASE WHEN d.minutes < %s THEN 0 WHEN d.minutes > %s THEN %s ELSE d.minutes END) "  # noqa: S608
        f"FROM (SELECT t.member_id, t.seconds / 60 AS minutes FROM ({inner_sql}) t) d GROUP BY d.member_id"
    )
    params = (rule.minimum_minutes_per_day, rule.daily_cap_minutes, rule.daily_cap_minutes, *inner_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {member_id: int(minutes or 0) for member_id, minutes in cursor.fetchall()}


def reading_minutes(member_ids: list[int] | QuerySet, year: int) -> dict[int, int]:
    """{member_id: minutes of reading that count in `year`}, after the daily cap; members who read nothing are left out.

    One grouped query, summed per member and day in SQL, whatever the number of members (pass a
    queryset of ids, or a list of up to `ID_CHUNK` ids).
    """
    rule = reading_rule(year)
    if isinstance(member_ids, QuerySet):
        return _credited_by_member(member_ids, year, rule)
    ids = list(member_ids)
    result: dict[int, int] = {}
    for start in range(0, len(ids), ID_CHUNK):
        result.update(_credited_by_member(ids[start : start + ID_CHUNK], year, rule))
    return result


# --- A member's own reading ----------------------------------------------------------------------


@dataclass
class MaterialReading:
    material_id: int
    title: str
    minutes: int  # read, before the daily cap (the cap is per day, over all materials)
    last_read_at: datetime.datetime


@dataclass
class MemberReading:
    """A member's own reading in a year: what counts as self-study, per material, and the latest sessions."""

    year: int
    rule: rules.ReadingRule
    read_minutes: int
    credited_minutes: int
    credited_hours: Decimal
    materials: list[MaterialReading] = field(default_factory=list)
    recent: list[ReadingSession] = field(default_factory=list)

    @property
    def hour_rule(self) -> hour_rules.AnyHourRule:
        return hour_rules.hour_rule(self.rule.hour_rule)


def member_reading(member: Member, year: int) -> MemberReading:
    """The member's own reading in `year` (the member is the caller's own record)."""
    rule = reading_rule(year)
    first, last = _year_days(year)
    sessions = ReadingSession.objects.filter(member=member, day__gte=first, day__lte=last)
    day_seconds = [
        row["seconds"] or 0 for row in sessions.order_by().values("day").annotate(seconds=Sum("active_seconds"))
    ]
    per_day = [rules.day_minutes(seconds) for seconds in day_seconds]
    materials = [
        MaterialReading(row["material_id"], row["material__title"], rules.day_minutes(row["seconds"] or 0), row["last"])
        for row in sessions.order_by()
        .values("material_id", "material__title")
        .annotate(seconds=Sum("active_seconds"), last=Max("last_beat_at"))
        .order_by("-last", "material_id")
    ]
    return MemberReading(
        year=year,
        rule=rule,
        read_minutes=rules.day_minutes(sum(day_seconds)),
        credited_minutes=rules.credited_minutes(per_day, rule),
        credited_hours=rules.credited_hours(per_day, rule),
        materials=materials,
        recent=list(sessions.select_related("material").order_by("-last_beat_at", "-pk")[:RECENT_SESSIONS]),
    )


# --- The reader ------------------------------------------------------------------------------------


def is_readable(material: Material) -> bool:
    """Whether the material has pages to read (an extracted file, not a video)."""
    return not material.is_video and material.extraction == Extraction.READY and material.page_count > 0


def material_page(material: Material, number: int) -> MaterialPage:
    """One page of a material the caller may see; 404 when there is no such page to read."""
    if not is_readable(material) or not 1 <= number <= material.page_count:
        raise NotFound()
    page = MaterialPage.objects.filter(material=material, number=number).order_by().first()
    if page is None:
        raise NotFound()
    return page


def reading_position(member_id: int | None, material: Material) -> ReadingPosition | None:
    if member_id is None:
        return None
    return ReadingPosition.objects.filter(member_id=member_id, material=material).first()


def reflection_url(material: Material) -> str:
    """Where "写心得" goes: the self-study form, with this material chosen (and its title filled in)."""
    return f"{reverse('study:selfstudy-list')}?{urlencode({'material': material.pk})}"


@dataclass
class ReaderView:
    """Everything the reader page shows for one material."""

    material: Material
    is_member: bool  # only members' reading is timed and their place remembered
    readable: bool
    number: int  # the page shown (1 when nothing is readable)
    page_count: int
    paragraphs: list[str]
    font_size: int
    rule: rules.ReadingRule
    saved_page: int | None  # where the member's place was remembered before this visit
    can_download: bool

    @property
    def has_previous(self) -> bool:
        return self.readable and self.number > 1

    @property
    def has_next(self) -> bool:
        return self.readable and self.number < self.page_count

    @property
    def processing(self) -> bool:
        return not self.material.is_video and self.material.extraction in (Extraction.PENDING, Extraction.RUNNING)

    @property
    def failed(self) -> bool:
        return not self.material.is_video and self.material.extraction == Extraction.FAILED

    @property
    def reflection_url(self) -> str:
        return reflection_url(self.material)

    @property
    def font_sizes(self) -> tuple[int, ...]:
        return rules.FONT_SIZES

    @property
    def font_smaller(self) -> int:
        return rules.font_size_step(self.font_size, -1)

    @property
    def font_larger(self) -> int:
        return rules.font_size_step(self.font_size, +1)

    @property
    def moved(self) -> bool:
        """Whether this visit turned to another page than the one remembered."""
        return self.is_member and self.readable and self.saved_page != self.number


def reader_view(
    *, actor: User, material: Material, page: int | None = None, session_font_size: int | None = None
) -> ReaderView:
    """The reader for `material` (already reached through `access_material`): the requested page, or
    the member's remembered one, or the first; with the member's font size (else `session_font_size`)."""
    member_id = scope_for(actor).member_id
    position = reading_position(member_id, material)
    readable = is_readable(material)
    requested = page if page is not None else (position.page if position else 1)
    number = rules.clamp_page(requested, material.page_count if readable else 0)
    text = ""
    if readable:
        found = (
            MaterialPage.objects.filter(material=material, number=number)
            .order_by()
            .values_list("text", flat=True)
            .first()
        )
        text = found or ""
    if position is not None:
        font_size = position.font_size
    else:
        font_size = session_font_size if session_font_size in rules.FONT_SIZES else rules.DEFAULT_FONT_SIZE
    return ReaderView(
        material=material,
        is_member=member_id is not None,
        readable=readable,
        number=number,
        page_count=material.page_count if readable else 0,
        paragraphs=rules.paragraphs(text),
        font_size=rules.font_size_step(font_size, 0),
        rule=reading_rule(timezone.localdate().year),
        saved_page=position.page if position else None,
        can_download=can_download(material),
    )


def can_download(material: Material) -> bool:
    """Whether the original file of a material the caller may see can be downloaded."""
    return material.downloadable and bool(material.file) and not material.is_video


def reading_hours_rule(year: int) -> hour_rules.HourRule:
    """The linear 学时 conversion for a year's counted reading minutes (the ledger's reading share).

    The ledger has each member's yearly total, not the days, so a per-session table rule, which
    would need each day, falls back to the default linear rule for reading.
    """
    conversion = hour_rules.hour_rule(reading_rule(year).hour_rule)
    return conversion if isinstance(conversion, hour_rules.HourRule) else hour_rules.DEFAULT_HOUR_RULE
