"""API of the caller's notices (list them, mark one or all as read; nobody reads another's notices),
the to-do inbox, and announcements (通知公告)."""

import datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from dangjian.core.errors import NotFound
from dangjian.edge.schemas import BodyIn, PageIn, PageOut, responses
from dangjian.notices import selectors, services
from dangjian.notices.inbox import inbox_for
from dangjian.notices.schemas import (
    AnnouncementCreateIn,
    AnnouncementDetailOut,
    AnnouncementListIn,
    AnnouncementListOut,
    AnnouncementUpdateIn,
    ConfirmationOut,
    ReadCountsOut,
)
from dangjian.orgs.permissions import access_org

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


# --- Announcements (通知公告) ------------------------------------------------------------------------

announcement_router = Router(tags=["announcements"])

NOT_VISIBLE = "404 when the announcement does not exist or the caller may not see it (the two look the same)."


def _detail(request, announcement):
    """The announcement as `AnnouncementDetailOut` reads it."""
    announcement.manageable = selectors.can_manage(request.auth, announcement)
    return announcement


@announcement_router.get(
    "",
    operation_id="announcement_list",
    response=responses({200: AnnouncementListOut}),
    summary="Announcements the caller may see, pinned first, newest first",
    description="Those addressed to the caller (their organisation or one above, their audience) while live, and, "
    "for officers, every announcement of the organisations they publish for (withdrawn and expired ones too).",
)
def announcement_list(request, filters: Query[AnnouncementListIn]):
    announcements = selectors.announcement_list(actor=request.auth)
    if filters.unread:
        announcements = announcements.filter(is_addressed=True, is_read=False)
    return filters.page(announcements)


@announcement_router.get(
    "/{announcement_id}",
    operation_id="announcement_get",
    response=responses({200: AnnouncementDetailOut}),
    summary="One announcement; reading it marks it read for the caller",
    description=f"Marks it read when it is addressed to the caller (nobody else sees who has read it). {NOT_VISIBLE}",
)
def announcement_get(request, announcement_id: int):
    announcement = selectors.access_announcement(request.auth, announcement_id)
    if announcement.is_addressed:
        services.announcement_mark_read(actor=request.auth, announcement=announcement)
        announcement = selectors.access_announcement(request.auth, announcement_id)
    return _detail(request, announcement)


@announcement_router.post(
    "/{announcement_id}/confirm",
    operation_id="announcement_confirm",
    response=responses({200: ConfirmationOut}),
    summary="Confirm receipt (确认收到) of an announcement that asks for it",
    description="400 when it does not ask for confirmation, is not addressed to the caller, or is withdrawn or "
    f"expired. Confirming twice changes nothing. {NOT_VISIBLE}",
)
def announcement_confirm(request, announcement_id: int):
    announcement = selectors.access_announcement(request.auth, announcement_id)
    return services.announcement_confirm(actor=request.auth, announcement=announcement)


@announcement_router.post(
    "",
    operation_id="announcement_create",
    response=responses({201: AnnouncementDetailOut}),
    summary="Publish an announcement",
    description="For an organisation where the caller runs study (committee and branch officers): it reaches the "
    "organisation's whole subtree, for the audience chosen. 404 (with `field`: `org`) for an organisation outside "
    "that scope; 400 for a group, an empty title or text, or a last day in the past or more than a year ahead. "
    "Attachments are added on the page.",
)
def announcement_create(request, payload: AnnouncementCreateIn):
    try:
        org = access_org(request.auth, payload.org, selectors.PUBLISH_PERM)
    except NotFound as exc:
        raise NotFound(field="org") from exc
    announcement = services.announcement_create(actor=request.auth, **payload.model_dump(exclude={"org"}), org=org)
    return Status(201, _detail(request, selectors.access_announcement(request.auth, announcement.pk)))


@announcement_router.patch(
    "/{announcement_id}",
    operation_id="announcement_update",
    response=responses({200: AnnouncementDetailOut}),
    summary="Change an announcement",
    description=f"Only the fields sent are changed (null only for `expires_on`: shown for good). 400 once withdrawn, "
    f"or for a last day in the past. {NOT_VISIBLE} Only its publishers may.",
)
def announcement_update(request, announcement_id: int, payload: AnnouncementUpdateIn):
    announcement = selectors.access_announcement(request.auth, announcement_id, manage=True)
    fields = payload.model_dump(exclude_unset=True)
    services.announcement_update(actor=request.auth, announcement=announcement, **fields)
    return _detail(request, selectors.access_announcement(request.auth, announcement_id))


@announcement_router.post(
    "/{announcement_id}/withdraw",
    operation_id="announcement_withdraw",
    response=responses({200: AnnouncementDetailOut}),
    summary="Withdraw an announcement",
    description=f"Members no longer see it; its publishers still do. 400 when already withdrawn. {NOT_VISIBLE}",
)
def announcement_withdraw(request, announcement_id: int):
    announcement = selectors.access_announcement(request.auth, announcement_id, manage=True)
    services.announcement_withdraw(actor=request.auth, announcement=announcement)
    return _detail(request, selectors.access_announcement(request.auth, announcement_id))


@announcement_router.get(
    "/{announcement_id}/reads",
    operation_id="announcement_reads",
    response=responses({200: ReadCountsOut}),
    summary="Read counts per branch",
    description="For officers who publish over the announcement's organisation, or over a branch under it (that "
    "branch's figures only). Counts only; for an announcement asking for confirmation, the names of those who have "
    f"not confirmed yet. {NOT_VISIBLE}",
)
def announcement_reads(request, announcement_id: int):
    announcement = selectors.access_read_counts(request.auth, announcement_id)
    return selectors.read_counts(actor=request.auth, announcement=announcement)
