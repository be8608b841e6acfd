"""API of the library: reading (pages, the reading timer, the member's place, their own reading time).

Scoped like the pages: a material the caller may not see answers 404, as a missing one does.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from dangjian.core.errors import Forbidden, NotFound
from dangjian.edge.schemas import BodyIn, Year, responses
from dangjian.library import rules
from dangjian.library.selectors import reading as selectors
from dangjian.library.selectors.materials import access_material
from dangjian.library.services import reading as services
from dangjian.members.selectors import actor_member

router = Router(tags=["library"])

NO_MEMBER = "404 when the account is not linked to a member record."


# --- Schemas ----------------------------------------------------------------------------------


class ReaderPageOut(Schema):
    material_id: int
    number: int
    page_count: int
    text: str = Field(description="The page's text as extracted.")
    paragraphs: list[str] = Field(description="The text split on blank lines, as the reader shows it.")

    @staticmethod
    def resolve_page_count(obj) -> int:
        return obj.material.page_count

    @staticmethod
    def resolve_paragraphs(obj) -> list[str]:
        return rules.paragraphs(obj.text)


class ReadingBeatIn(BodyIn):
    page: int = Field(ge=1, description="The page on screen.")


class ReadingBeatOut(Schema):
    counted: bool = Field(description="False for an account without a member record: its reading is not timed.")
    session_id: int | None = None
    session_seconds: int = Field(0, description="Active seconds in the current reading session.")
    beat_interval_s: int = Field(description="How often to send a beat while the reader is active.")
    active_window_s: int = Field(description="Send beats only when the reader was used within these seconds.")


class ReadingPositionOut(Schema):
    remembered: bool = Field(description="False when nothing is saved (or the account has no member record).")
    page: int
    font_size: int
    font_sizes: list[int] = Field(description="The font sizes the reader offers.")


class ReadingPositionUpdateIn(BodyIn):
    page: int | None = Field(None, description="Leave out to keep the saved page.")
    font_size: int | None = Field(None, description="One of the offered sizes; leave out to keep the saved one.")


class MyReadingIn(Schema):
    year: Year | None = Field(None, description="Calendar year; this year when left out.")


class ReadingMaterialOut(Schema):
    material_id: int
    title: str
    minutes: int = Field(description="Minutes read in the year, before the daily cap.")
    last_read_at: datetime.datetime


class ReadingSessionOut(Schema):
    material_id: int
    title: str
    day: datetime.date
    started_at: datetime.datetime
    last_beat_at: datetime.datetime
    active_seconds: int

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.material.title


class MyReadingOut(Schema):
    year: int
    daily_cap_minutes: int = Field(description="Minutes of reading a day that count at most.")
    read_minutes: int = Field(description="Minutes of active reading in the year.")
    credited_minutes: int = Field(description="Minutes that count as self-study, after the daily cap.")
    credited_hours: Decimal = Field(description="学时 for them, before the yearly self-study cap of the ledger.")
    hour_rule: str
    materials: list[ReadingMaterialOut] = Field(description="Most recently read first.")
    recent: list[ReadingSessionOut] = Field(description="The latest reading sessions.")

    @staticmethod
    def resolve_daily_cap_minutes(obj) -> int:
        return obj.rule.daily_cap_minutes

    @staticmethod
    def resolve_hour_rule(obj) -> str:
        return obj.rule.hour_rule


# --- Operations -------------------------------------------------------------------------------


@router.get(
    "/materials/{material_id}/pages/{number}",
    operation_id="material_page_get",
    response=responses({200: ReaderPageOut}),
    summary="A page of a material",
    description=(
        "The text of one page. 404 when the material is outside the caller's scope, not extracted yet, a video, "
        "or has no such page."
    ),
)
def material_page_get(request, material_id: int, number: int):
    material = access_material(request.auth, material_id)
    return selectors.material_page(material, number)


@router.post(
    "/materials/{material_id}/reading/beat",
    operation_id="reading_beat_create",
    response=responses({200: ReadingBeatOut}),
    summary="Report active reading",
    description=(
        "Sent by the reader while its page is visible and in use. The server credits the time since the caller's "
        "previous beat, at most a minute, and never a duration the client names; after a long pause a new session "
        "starts. 400 when the page is not a page of the material; 403 without a valid CSRF token."
    ),
)
def reading_beat_create(request, material_id: int, payload: ReadingBeatIn):
    material = access_material(request.auth, material_id)
    session = services.reading_beat(actor=request.auth, material=material, page=payload.page)
    rule = selectors.reading_rule(timezone.localdate().year)
    return {
        "counted": session is not None,
        "session_id": session.pk if session else None,
        "session_seconds": session.active_seconds if session else 0,
        "beat_interval_s": rule.beat_interval_s,
        "active_window_s": rule.active_window_s,
    }


def _position_out(position) -> dict:
    return {
        "remembered": position is not None,
        "page": position.page if position else 1,
        "font_size": position.font_size if position else rules.DEFAULT_FONT_SIZE,
        "font_sizes": list(rules.FONT_SIZES),
    }


@router.get(
    "/materials/{material_id}/position",
    operation_id="reading_position_get",
    response=responses({200: ReadingPositionOut}),
    summary="My place in a material",
    description="The page and font size saved for the caller (the defaults when none are).",
)
def reading_position_get(request, material_id: int):
    material = access_material(request.auth, material_id)
    member = actor_member(request.auth)
    return _position_out(selectors.reading_position(member.pk if member else None, material))


@router.patch(
    "/materials/{material_id}/position",
    operation_id="reading_position_update",
    response=responses({200: ReadingPositionOut}),
    summary="Save my place in a material",
    description=(
        "Saves the page and/or the font size given. 400 when the page is not a page of the material or the size is "
        "not offered; 403 when the account is not linked to a member record (nothing can be saved for it)."
    ),
)
def reading_position_update(request, material_id: int, payload: ReadingPositionUpdateIn):
    material = access_material(request.auth, material_id)
    position = services.reading_position_save(
        actor=request.auth, material=material, page=payload.page, font_size=payload.font_size
    )
    if position is None:
        raise Forbidden(_("Your account is not linked to a member record."))
    return _position_out(position)


@router.get(
    "/reading/mine",
    operation_id="my_reading_get",
    response=responses({200: MyReadingOut}),
    summary="My reading time",
    description=(
        "The caller's own reading in a year: minutes read, what counts as self-study after the daily cap, per "
        f"material and the latest sessions. Nobody else's reading is ever shown. {NO_MEMBER}"
    ),
)
def my_reading_get(request, filters: Query[MyReadingIn]):
    member = actor_member(request.auth)
    if member is None:
        raise NotFound()
    return selectors.member_reading(member, filters.year or timezone.localdate().year)
