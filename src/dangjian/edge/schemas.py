"""Schemas shared by every router: the error body, the declared responses, paging, dates and years."""

import datetime
import re
from typing import Annotated, Any

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

from dangjian.core.years import YEAR_MAX, YEAR_MIN
from dangjian.edge.paging import MAX_OFFSET, MAX_PAGE_SIZE

# A calendar year as the API takes it: anything outside the range is refused with 422.
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX, description=f"A calendar year, {YEAR_MIN} to {YEAR_MAX}.")]


def _iso_date_only(value: Any) -> Any:
    # Pydantic would read a number, or a string of digits, as seconds since 1970.
    if isinstance(value, int | float) or (isinstance(value, str) and not ISO_DATE.fullmatch(value)):
        raise PydanticCustomError("date_parsing", "Enter a date as YYYY-MM-DD.")
    return value


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A calendar date as the API takes it: YYYY-MM-DD and nothing else.
Date = Annotated[datetime.date, BeforeValidator(_iso_date_only)]


def _without_time_zone(value: datetime.time) -> datetime.time:
    if value.tzinfo is not None:
        raise PydanticCustomError("local_time", "Enter a time of day without a time zone.")
    return value


# A time of day on the local clock (an activity starts at 14:30 wherever the caller is). JSON
# Schema's "time" format demands an offset, which such a time has not: declared by its pattern.
LocalTime = Annotated[
    datetime.time,
    AfterValidator(_without_time_zone),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "description": "A local time of day, HH:MM or HH:MM:SS, without a time zone.",
            "examples": ["14:30", "14:30:00"],
        }
    ),
]


class ErrorOut(Schema):
    """Every 4xx answer. `detail` is a sentence for the user; `errors` lists problems per field."""

    detail: str = Field(description="What went wrong, in the user's language.")
    field: str | None = Field(None, description="The input field the error is about, if one.")
    errors: dict[str, list[str]] | None = Field(None, description="Problems per input field.")


# What any operation may answer with the error body (see STATUS_CODES in config/api.py): a business
# rule refused (400), no login (401), not allowed (403), missing or out of scope (404), input not
# matching the schema (422).
SHARED_ERROR_CODES = (400, 401, 403, 404, 422)
# A public operation asks for no login, so it cannot answer 401 or 403.
PUBLIC_ERROR_CODES = (400, 404, 422)


def responses(success: dict[int, Any], *extra: int, login: bool = True) -> dict[int, Any]:
    """An operation's `response=` declaration: its success schemas, then the shared error codes and
    `extra` ones (409 for a conflict, 429 for a lock-out), all with `ErrorOut`.

    `responses({200: MemberOut})`, `responses({201: AppealOut}, 409)`, `responses({201: X}, login=False)`.
    """
    codes = (*(SHARED_ERROR_CODES if login else PUBLIC_ERROR_CODES), *extra)
    return {**success, **dict.fromkeys(sorted(codes), ErrorOut)}


class BodyIn(Schema):
    """A request body. Unknown fields are refused (422) rather than silently dropped."""

    model_config = ConfigDict(extra="forbid")


class PageIn(Schema):
    """The one paging schema of every list operation (the pages use `web.paging`, with the same bounds)."""

    limit: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="How many items to return.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")

    def page(self, queryset: QuerySet) -> dict[str, Any]:
        """One page of `queryset` with the total count, shaped like the `*ListOut` schemas."""
        return {
            "count": queryset.count(),
            "limit": self.limit,
            "offset": self.offset,
            "items": list(queryset[self.offset : self.offset + self.limit]),
        }


class PageOut(Schema):
    count: int = Field(description="Items matching the filters, on all pages.")
    limit: int
    offset: int
