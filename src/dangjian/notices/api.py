"""API of the caller's notices: list them, mark one or all as read. Nobody reads another's notices."""

import datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from dangjian.edge.schemas import BodyIn, PageIn, PageOut, responses
from dangjian.notices import selectors, services
from dangjian.notices.inbox import inbox_for

router = Router(tags=["notices"])


class NoticeListIn(PageIn):
    unread: bool = Field(False, description="Only notices not yet read.")


class NoticeOut(Schema):
    id: int
    title: str
    body: str
    url: str = Field(description="A link to what the notice is about, relative to the site; may be empty.")
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class NoticeListOut(PageOut):
    unread: int = Field(description="The caller's unread notices, on all pages.")
    items: list[NoticeOut]


class MarkedOut(Schema):
    marked: int = Field(description="How many notices were marked read now.")


@router.get(
    "/",
    operation_id="notice_list",
    response=responses({200: NoticeListOut}),
    summary="The caller's notices, newest first",
)
def notice_list(request, filters: Query[NoticeListIn]):
    page = filters.page(selectors.notice_list(actor=request.auth, unread_only=filters.unread))
    return {**page, "unread": selectors.unread_count(actor=request.auth)}


@router.post(
    "/{notice_id}/read",
    operation_id="notice_read",
    response=responses({200: MarkedOut}),
    summary="Mark one of the caller's notices as read",
    description="404 when the notice does not exist or is someone else's.",
)
def notice_read(request, notice_id: int):
    return {"marked": services.notice_mark_read(actor=request.auth, notice_id=notice_id)}


@router.post(
    "/read",
    operation_id="notice_read_all",
    response=responses({200: MarkedOut}),
    summary="Mark all the caller's notices as read",
)
def notice_read_all(request):
    return {"marked": services.notice_mark_read(actor=request.auth)}


class DigestOut(Schema):
    enabled: bool = Field(description="Whether the caller gets the daily e-mail digest (off by default).")
    email: str = Field(description="The address it goes to (the caller's own).")
    email_configured: bool = Field(description="Whether the platform sends e-mail at all.")


class DigestIn(BodyIn):
    enabled: bool
    email: str = Field("", max_length=254, description="Required when `enabled`.")


def _digest_out(preference) -> dict:
    return {"enabled": preference.enabled, "email": preference.email, "email_configured": services.email_configured()}


@router.get(
    "/digest",
    operation_id="digest_preference_get",
    response=responses({200: DigestOut}),
    summary="The caller's daily e-mail digest preference",
)
def digest_preference_get(request):
    return _digest_out(selectors.digest_preference(actor=request.auth))


@router.put(
    "/digest",
    operation_id="digest_preference_update",
    response=responses({200: DigestOut}),
    summary="Turn the caller's daily e-mail digest on or off",
    description=(
        "The digest lists the caller's open to-dos and unread notices, once a day, and only on a day when something "
        "waits. 400 for a missing or invalid address when turning it on; nothing changes then. Audited (the address "
        "masked)."
    ),
)
def digest_preference_update(request, payload: DigestIn):
    preference = services.digest_preference_set(actor=request.auth, enabled=payload.enabled, email=payload.email)
    return _digest_out(preference)


inbox_router = Router(tags=["notices"])


class ToDoOut(Schema):
    kind: str = Field(description='What waits, "<app>.<what>", e.g. "study.leave_decide".')
    title: str = Field(description="Names the object, in the language of the request.")
    url: str = Field(description="Where it is done, relative to the site.")
    due: datetime.date | None = Field(description="The last day, or null when nothing dates it.")
    overdue: bool


class InboxOut(Schema):
    count: int
    items: list[ToDoOut]


@inbox_router.get(
    "/me/inbox",
    operation_id="inbox",
    response=responses({200: InboxOut}),
    summary="The caller's to-dos (待办) across the platform, the most urgent first",
    description="Computed, not stored: a to-do that has been done is no longer listed. Overdue first, "
    "then by due date, undated last.",
)
def inbox(request):
    items = inbox_for(request.auth, timezone.localdate())
    return {
        "count": len(items),
        "items": [
            {"kind": i.kind, "title": str(i.title), "url": i.url, "due": i.due, "overdue": i.overdue} for i in items
        ],
    }
