"""Sealing the audit log's days and verifying events, seals and chain.

Sealing (`audit_seal`) appends one `AuditSeal` per finished day, from the day after the newest seal
(or from the first event's day) to yesterday, days without events included: the day's Merkle root
over its events' stored hashes, their number, and the link to the previous seal. A sealed day is never
sealed again. Writers are not involved: they keep inserting rows with their own hash, in parallel,
and no lock is taken; the seal only reads days that are over (`SEAL_MARGIN` after midnight, so that
a transaction begun before midnight has committed).

Verifying (`audit_verify`) reads the log in chunks of `CHUNK` rows, one sealed day at a time, so its
memory is bounded by the largest day's hashes, not by the log. It finds:

- an event whose content no longer matches its hash (changed in the database);
- a sealed day whose events are not the sealed ones: fewer or more (deleted or inserted rows), or
  others (a row changed together with its hash);
- a seal changed (its chain does not match its content), removed (a day missing between seals, a
  link that does not follow), or removed from the end (the newest seal the last run saw is gone);
- events dated before the first seal (inserted later into the past).

What it cannot find: a change made before the day was sealed by someone who also recomputed the
row's hash, or a row deleted before its day was sealed. The chain itself is not secret: someone able
to rewrite every seal from a day on could forge a consistent chain, which is why the newest chain
value is shown on the audit page, to be compared with one written down elsewhere (docs/audit.md).
"""

import datetime
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.auditchain.hashing import GENESIS, HASHED_FIELDS, chain_hash, event_hash, merkle_root
from dangjian.core.models import AuditEvent, AuditSeal, AuditVerification

logger = logging.getLogger(__name__)

CHUNK = 2000  # rows read at once
SEAL_MARGIN = datetime.timedelta(minutes=10)  # a day is sealed only this long after it ends
FINDINGS_KEPT = 200  # findings stored with a verification (all are counted, and printed by the command)


class Trigger:
    NIGHTLY = "nightly"
    COMMAND = "command"
    PAGE = "page"


@dataclass(frozen=True)
class Finding:
    """One thing verification found wrong: `kind`, the day it concerns, the event, and numbers."""

    kind: str  # event, count, root, gap, link, chain, before, head
    day: datetime.date | None = None
    event_id: int | None = None
    expected: int | None = None
    found: int | None = None

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "day": self.day.isoformat() if self.day else None,
            "event": self.event_id,
            "expected": self.expected,
            "found": self.found,
        }


def describe(finding: dict) -> str:
    """A stored finding (`Finding.as_json`) in words, for the command and the audit page."""
    day, event = finding.get("day") or "", finding.get("event")
    texts = {
        "event": _("Event #%(event)s (%(day)s) no longer matches its hash: it was changed in the database."),
        "count": _(
            "%(day)s: the seal counts %(expected)s events, the log now holds %(found)s: "
            "events were deleted or inserted."
        ),
        "root": _("%(day)s: the events are not the ones sealed: an event was changed together with its hash."),
        "gap": _("%(day)s: the seal of this day is missing between sealed days."),
        "link": _("%(day)s: the seal does not follow the previous day's seal: a seal was removed or changed."),
        "chain": _("%(day)s: the seal does not match its own chain hash: the seal was changed."),
        "before": _("%(found)s events are dated before the first sealed day (%(day)s): they were inserted later."),
        "head": _("%(day)s: the newest seal seen by the last verification is missing or changed."),
    }
    text = texts.get(finding.get("kind", ""), _("Unknown finding."))
    return text % {"day": day, "event": event, "expected": finding.get("expected"), "found": finding.get("found")}


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The day's first moment and the next day's, in the site's time zone."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))
    return start, end


def _chunks(queryset, columns: tuple[str, ...]) -> Iterator[list[tuple]]:
    """The rows of `queryset` as tuples (id first), `CHUNK` at a time, by id."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", *columns)[:CHUNK])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


# --- Sealing --------------------------------------------------------------------------------------


@dataclass
class SealResult:
    sealed: list[datetime.date] = field(default_factory=list)
    head: AuditSeal | None = None


def last_sealable_day(now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now - SEAL_MARGIN) - datetime.timedelta(days=1)


def unsealed_days(now: datetime.datetime | None = None) -> int:
    """How many finished days wait for their seal (the nightly job leaves none older than a day)."""
    until = last_sealable_day(now or timezone.now())
    newest = AuditSeal.objects.order_by("-day").values_list("day", flat=True).first()
    if newest is not None:
        return max((until - newest).days, 0)
    first = AuditEvent.objects.order_by("at").values_list("at", flat=True).first()
    return max((until - timezone.localdate(first)).days + 1, 0) if first else 0


def audit_seal(*, now: datetime.datetime | None = None) -> SealResult:
    """Seal every finished day not sealed yet, in order; idempotent, safe to run twice at once."""
    now = now or timezone.now()
    until = last_sealable_day(now)
    result = SealResult(head=AuditSeal.objects.order_by("-day").first())
    if result.head is not None:
        day, previous = result.head.day + datetime.timedelta(days=1), result.head.chain
    else:
        first = AuditEvent.objects.order_by("at").values_list("at", flat=True).first()
        if first is None:
            return result
        day, previous = timezone.localdate(first), GENESIS
    while day <= until:
        start, end = day_bounds(day)
        hashes = [
            h
            for rows in _chunks(AuditEvent.objects.filter(at__gte=start, at__lt=end), ("content_hash",))
            for _pk, h in rows
        ]
        root = merkle_root(hashes)
        seal = AuditSeal(
            day=day,
            root=root,
            count=len(hashes),
            previous_chain=previous,
            chain=chain_hash(previous, root, day, len(hashes)),
            sealed_at=now,
        )
        try:
            with transaction.atomic():
                seal.save()
        except IntegrityError:  # sealed meanwhile by another run: leave the rest to it
            break
        result.sealed.append(day)
        result.head = seal
        day, previous = day + datetime.timedelta(days=1), seal.chain
    return result


# --- Verifying ------------------------------------------------------------------------------------


class _Run:
    def __init__(self, on_finding: Callable[[Finding], None] | None):
        self.on_finding = on_finding
        self.kept: list[dict] = []
        self.count = 0
        self.events = 0
        self.days = 0

    def found(self, finding: Finding) -> None:
        self.count += 1
        if len(self.kept) < FINDINGS_KEPT:
            self.kept.append(finding.as_json())
        if self.on_finding is not None:
            self.on_finding(finding)

    def check_events(self, queryset) -> list[str]:
        """Recompute the hash of every event of `queryset`; report the changed ones; the recomputed hashes."""
        hashes = []
        for rows in _chunks(queryset, ("content_hash", *HASHED_FIELDS)):
            for pk, stored, *values in rows:
                fields = dict(zip(HASHED_FIELDS, values, strict=True))
                computed = event_hash(**fields)
                if computed != stored:
                    self.found(Finding("event", day=timezone.localdate(fields["at"]), event_id=pk))
                hashes.append(computed)
            self.events += len(rows)
        return hashes


def audit_verify(
    *,
    since: datetime.date | None = None,
    trigger: str = Trigger.COMMAND,
    on_finding: Callable[[Finding], None] | None = None,
) -> AuditVerification:
    """Verify the events (from `since`, or all), the seals of their days and the chain; the stored result."""
    started = timezone.now()
    run = _Run(on_finding)
    events = AuditEvent.objects.all()
    if since is not None:
        events = events.filter(at__gte=day_bounds(since)[0])
    seals = AuditSeal.objects.order_by("day")
    previous = None
    if since is not None:
        previous = seals.filter(day__lt=since).last()
        seals = seals.filter(day__gte=since)
    first = AuditSeal.objects.order_by("day").first()

    if first is not None:
        before = events.filter(at__lt=day_bounds(first.day)[0])
        if before.exists():
            run.check_events(before)
            run.found(Finding("before", day=first.day, found=before.count()))
    for seal in seals.iterator(chunk_size=CHUNK):
        _check_link(run, seal, previous)
        start, end = day_bounds(seal.day)
        if previous is not None and previous.day + datetime.timedelta(days=1) < seal.day:
            # The days of removed seals: their events still answer for their own hashes.
            run.check_events(events.filter(at__gte=day_bounds(previous.day)[1], at__lt=start))
        hashes = run.check_events(AuditEvent.objects.filter(at__gte=start, at__lt=end))
        if len(hashes) != seal.count:
            run.found(Finding("count", day=seal.day, expected=seal.count, found=len(hashes)))
        elif merkle_root(hashes) != seal.root:
            run.found(Finding("root", day=seal.day))
        run.days += 1
        previous = seal
    # Today's open events, and any day after the newest seal: each against its own hash.
    newest = AuditSeal.objects.order_by("-day").first()
    run.check_events(events if newest is None else events.filter(at__gte=day_bounds(newest.day)[1]))

    # Seals removed from the end leave no gap: compare with what the last run saw.
    last = AuditVerification.objects.exclude(head_day=None).order_by("-started_at", "-pk").first()
    if last is not None and not AuditSeal.objects.filter(day=last.head_day, chain=last.head_chain).exists():
        run.found(Finding("head", day=last.head_day))

    verification = AuditVerification.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        since=since,
        trigger=trigger,
        events=run.events,
        days=run.days,
        ok=not run.count,
        findings=run.kept,
        finding_count=run.count,
        head_day=newest.day if newest else None,
        head_chain=newest.chain if newest else "",
    )
    if run.count:
        logger.error("audit verification found %d problems", run.count)
    return verification


def _check_link(run: _Run, seal: AuditSeal, previous: AuditSeal | None) -> None:
    if chain_hash(seal.previous_chain, seal.root, seal.day, seal.count) != seal.chain:
        run.found(Finding("chain", day=seal.day))
    if previous is None:
        if seal.previous_chain != GENESIS:  # the first seal, or the seals before it were removed
            run.found(Finding("link", day=seal.day))
        return
    gap = previous.day + datetime.timedelta(days=1)
    while gap < seal.day:
        run.found(Finding("gap", day=gap))
        gap += datetime.timedelta(days=1)
    if seal.previous_chain != previous.chain:
        run.found(Finding("link", day=seal.day))


# --- The nightly job ------------------------------------------------------------------------------


def audit_nightly(*, today: datetime.date | None = None) -> dict[str, object]:
    """Seal the finished days, then verify the whole log; what was sealed and found (a daily job).

    `today` is taken for the daily jobs' signature only: which days are over is the clock's to say,
    so that `dangjian daily --date` in the past cannot seal a day that is still open.
    """
    sealed = audit_seal()
    verification = audit_verify(trigger=Trigger.NIGHTLY)
    return {"sealed": len(sealed.sealed), "events": verification.events, "findings": verification.finding_count}
