"""A year of plausible reading in the demo library, as rows for `ReadingSession`.

Members differ: some read every week, some a few times a year, some never. Faculty read more
than students, retirees least (many of them are given printed copies); the demo accounts read
often, so that their reading history is never empty. Readers favour popular and newly
published materials and often come back to the one they were reading. Sessions fall in each
group's usual hours, on days before `today` only, and never before a material was published.
"""

import datetime
import random
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from dangjian.library.models import MaterialKind, MaterialStatus

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAYS_BACK = 365
MIN_ACTIVE, MAX_ACTIVE, USUAL_ACTIVE = 3 * 60, 40 * 60, 9 * 60  # seconds of active reading

# How often a member reads, by category: weights of never / rarely / sometimes / often.
HABITS: dict[str, tuple[int, int, int, int]] = {
    "faculty": (15, 25, 35, 25),
    "graduate": (20, 35, 30, 15),
    "undergraduate": (25, 35, 30, 10),
    "retired": (40, 30, 20, 10),
    "other": (30, 35, 25, 10),
}
SESSIONS = {"never": (0, 0), "rarely": (1, 3), "sometimes": (4, 14), "often": (15, 45)}

# Weights of the hours (7–22) at which a session starts: staff read early and in the evening,
# students late, retirees in the morning.
_HOURS = list(range(7, 23))
HOUR_WEIGHTS: dict[str, list[int]] = {
    # hour:           7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22
    "faculty":       [2, 4, 3, 2, 1, 4, 3, 1, 1, 1, 1, 2, 4, 6, 6, 3],
    "graduate":      [1, 2, 3, 3, 2, 3, 3, 2, 2, 2, 1, 2, 4, 5, 6, 5],
    "undergraduate": [1, 2, 2, 2, 2, 3, 3, 2, 2, 2, 1, 2, 4, 5, 6, 5],
    "retired":       [6, 7, 7, 5, 3, 1, 1, 3, 4, 3, 2, 2, 4, 3, 1, 0],
    "other":         [2, 3, 3, 2, 2, 3, 2, 2, 2, 2, 2, 3, 4, 4, 4, 2],
}  # fmt: skip


def reading_sessions(
    members: Iterable[Any],
    materials: Callable[[Any], Sequence[Any]] | Sequence[Any],
    *,
    today: datetime.date,
    rng: random.Random,
) -> list[dict]:
    """Reading sessions of the past year, as dicts with the `ReadingSession` fields.

    `materials` is the materials each member may see, either as `materials_for(member)` or as
    one list for everyone; only published documents (no videos) are read. Members need `pk`
    and `category` (and `number`: demo accounts read often); materials need `pk`, `kind`,
    `status` and `published_on`.
    """
    materials_for = materials if callable(materials) else (lambda _member: materials)
    popularity: dict[Any, float] = {}
    rows: list[dict] = []
    for member in members:
        readable = [m for m in materials_for(member) if _readable(m, today)]
        count = _session_count(member, rng)
        if not readable or not count:
            continue
        for material in readable:
            if material.pk not in popularity:
                popularity[material.pk] = rng.lognormvariate(0, 0.8)
        category = getattr(member, "category", "other")
        hours = HOUR_WEIGHTS.get(category, HOUR_WEIGHTS["other"])
        offsets = sorted(rng.sample(range(1, DAYS_BACK + 1), min(count, DAYS_BACK)), reverse=True)
        current = None
        for offset in offsets:
            day = today - datetime.timedelta(days=offset)
            available = [m for m in readable if m.published_on <= day]
            if not available:
                continue
            start = datetime.datetime.combine(
                day, datetime.time(rng.choices(_HOURS, hours)[0], rng.randrange(60), rng.randrange(60)), SHANGHAI
            )
            # Now and then a second sitting later the same day.
            for sitting in range(2):
                if sitting and (rng.random() > 0.15 or start.hour > 22):
                    break
                if current not in available or rng.random() > 0.35:
                    current = _pick(available, popularity, day, rng)
                row = _session(member, current, start, rng)
                rows.append(row)
                start = row["last_beat_at"] + datetime.timedelta(minutes=rng.randint(30, 240))
                if start.date() != day:
                    break
    rows.sort(key=lambda row: (row["started_at"], row["member_id"]))
    return rows


def _readable(material: Any, today: datetime.date) -> bool:
    return (
        material.status == MaterialStatus.PUBLISHED
        and material.kind != MaterialKind.VIDEO
        and material.published_on is not None
        and material.published_on < today
    )


def _session_count(member: Any, rng: random.Random) -> int:
    if str(getattr(member, "number", "") or "").startswith("demo-"):
        habit = "often"
    else:
        weights = HABITS.get(getattr(member, "category", "other"), HABITS["other"])
        habit = rng.choices(list(SESSIONS), weights)[0]
    low, high = SESSIONS[habit]
    return rng.randint(low, high)


def _pick(available: list[Any], popularity: dict[Any, float], day: datetime.date, rng: random.Random) -> Any:
    """A material, favouring popular ones and those published in the last month."""
    weights = [popularity[m.pk] * (3.0 if (day - m.published_on).days <= 30 else 1.0) for m in available]
    return rng.choices(available, weights)[0]


def _session(member: Any, material: Any, start: datetime.datetime, rng: random.Random) -> dict:
    active = round(rng.triangular(MIN_ACTIVE, MAX_ACTIVE, USUAL_ACTIVE))
    # Pauses (the page hidden or untouched for over a minute) add wall-clock time, not active time.
    idle = rng.randint(0, active // 3) + rng.randint(0, 90)
    return {
        "member_id": member.pk,
        "material_id": material.pk,
        "day": start.date(),
        "started_at": start,
        "last_beat_at": start + datetime.timedelta(seconds=active + idle),
        "active_seconds": active,
    }
