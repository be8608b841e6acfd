"""Reading actions: credit active reading time, remember a member's place and font size.

Neither writes an audit event: a beat arrives every 20 seconds while someone reads, and who read
what is the member's own business (auditors read the audit log), not an act on the organisation.
Only members (accounts with a member record) are timed and remembered; others just read.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import scope_for
from dangjian.core.errors import DomainError, NotFound
from dangjian.library import rules
from dangjian.library.models import Material, ReadingPosition, ReadingSession
from dangjian.library.selectors import reading as selectors
from dangjian.library.selectors.materials import visible_materials
from dangjian.members.models import Member

ONE_SECOND = datetime.timedelta(seconds=1)


def _check_visible(actor: User, material: Material) -> None:
    if not visible_materials(actor).filter(pk=material.pk).exists():
        raise NotFound()


def _check_page(material: Material, page: int) -> None:
    if not selectors.is_readable(material):
        raise DomainError(_("This material has no pages to read yet."), field="page")
    if not isinstance(page, int) or not 1 <= page <= material.page_count:
        raise DomainError(_("Choose a page from 1 to %(count)d.") % {"count": material.page_count}, field="page")


@transaction.atomic(durable=True)
def reading_beat(
    *, actor: User, material: Material, page: int, now: datetime.datetime | None = None
) -> ReadingSession | None:
    """Credit the active reading since the member's previous beat; None for an account without a member record.

    The time is measured on the server, from the previous beat of the member on any material (so
    two open tabs do not count twice), and capped by `rules.beat_credit`. A beat more than the
    session gap after the previous one, on another material, or on a new local day opens a new session.
    """
    now = now or timezone.now()
    _check_visible(actor, material)
    _check_page(material, page)
    member_id = scope_for(actor).member_id
    if member_id is None:
        return None
    # Serialise one member's beats (two tabs): the second waits and then sees the first's beat.
    list(Member.objects.select_for_update().filter(pk=member_id).values_list("pk", flat=True))
    rule = selectors.reading_rule(timezone.localdate(now).year)
    own = ReadingSession.objects.filter(member_id=member_id)
    latest = own.order_by("-last_beat_at", "-pk").first()
    previous = latest.last_beat_at if latest else None
    seconds, _new = rules.beat_credit(previous, now, rule)
    # Keep the fraction of a second not credited, so beats every 20.4 s do not lose 0.4 s each;
    # when the cap cut the credit, the rest is dropped.
    beat_at = now
    if (
        previous is not None
        and datetime.timedelta(0) <= now - (previous + datetime.timedelta(seconds=seconds)) < ONE_SECOND
    ):
        beat_at = previous + datetime.timedelta(seconds=seconds)
    today = timezone.localdate(now)
    session = (
        latest
        if latest and latest.material_id == material.pk
        else own.filter(material=material).order_by("-last_beat_at", "-pk").first()
    )
    if session is not None and session.day == today and not rules.beat_credit(session.last_beat_at, now, rule)[1]:
        session.active_seconds += seconds
        session.last_beat_at = max(beat_at, session.last_beat_at)
        session.save(update_fields=["active_seconds", "last_beat_at"])
        return session
    return ReadingSession.objects.create(
        member_id=member_id,
        material=material,
        day=today,
        started_at=beat_at - datetime.timedelta(seconds=seconds),
        last_beat_at=beat_at,
        active_seconds=seconds,
    )


@transaction.atomic(durable=True)
def reading_position_save(
    *, actor: User, material: Material, page: int | None = None, font_size: int | None = None
) -> ReadingPosition | None:
    """Remember where the member is in a material and their font size; None for an account without a member record."""
    _check_visible(actor, material)
    if page is not None:
        _check_page(material, page)
    if font_size is not None and font_size not in rules.FONT_SIZES:
        sizes = "、".join(str(size) for size in rules.FONT_SIZES)
        raise DomainError(_("Choose one of the font sizes %(sizes)s.") % {"sizes": sizes}, field="font_size")
    member_id = scope_for(actor).member_id
    if member_id is None:
        return None
    changes = {name: value for name, value in (("page", page), ("font_size", font_size)) if value is not None}
    # Saved on every page turn: one UPDATE in the usual case, a row only the first time.
    mine = ReadingPosition.objects.filter(member_id=member_id, material=material)
    if changes and mine.update(**changes, updated_at=timezone.now()):
        return mine.get()
    position, created = mine.get_or_create(member_id=member_id, material=material, defaults=changes)
    if not created and changes:
        mine.update(**changes, updated_at=timezone.now())
        position.refresh_from_db()
    return position
