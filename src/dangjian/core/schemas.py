"""Schemas shared by every router: the error body, paging, and the audit log."""

import datetime
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import ConfigDict

MAX_PAGE_SIZE = 200


class ErrorOut(Schema):
    """Every 4xx answer. `detail` is a sentence for the user; `errors` lists problems per field."""

    detail: str = Field(description="What went wrong, in the user's language.")
    field: str | None = Field(None, description="The input field the error is about, if one.")
    errors: dict[str, list[str]] | None = Field(None, description="Problems per input field.")


class BodyIn(Schema):
    """A request body. Unknown fields are refused (422) rather than silently dropped."""

    model_config = ConfigDict(extra="forbid")


class PageIn(Schema):
    limit: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="How many items to return.")
    offset: int = Field(0, ge=0, description="How many items to skip.")

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


class AuditListIn(PageIn):
    q: str = Field("", description="Part of the actor's name or of the object's name.")
    action: str = Field("", description='An action such as "member.update", or a prefix such as "member."')
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class AuditEventOut(Schema):
    id: int
    at: datetime.datetime
    actor_id: int | None
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    org_path: str = Field(description="The tree path of the organisation the object belongs to.")
    changes: dict[str, Any] = Field(description="The change; personal data in it is masked.")
    ip_address: str | None
    user_agent: str


class AuditListOut(PageOut):
    items: list[AuditEventOut]
