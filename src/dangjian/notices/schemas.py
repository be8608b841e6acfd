"""Schemas of the announcements API."""

import datetime
from typing import Literal

from ninja import Field, Schema

from dangjian.edge.schemas import BodyIn, Date, PageIn, PageOut
from dangjian.members.audience import Audience
from dangjian.notices import rules

AudienceIn = Literal[tuple(Audience.values)]  # type: ignore[valid-type]


class AnnouncementListIn(PageIn):
    unread: bool = Field(False, description="Only announcements addressed to the caller and not yet read.")


class AnnouncementAttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str


class AnnouncementOut(Schema):
    id: int
    org: int = Field(description="The publishing organisation.")
    org_name: str
    title: str
    audience: str = Field(description="all, faculty, students, retired or officers.")
    pinned: bool
    requires_confirmation: bool
    published_at: datetime.datetime
    expires_on: datetime.date | None
    withdrawn: bool
    addressed: bool = Field(description="Live and addressed to the caller as a member.")
    read: bool = Field(description="Whether the caller has read it.")
    confirmed: bool = Field(description="Whether the caller has confirmed it.")

    @staticmethod
    def resolve_org(obj) -> int:
        return obj.org_id

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_withdrawn(obj) -> bool:
        return obj.withdrawn_at is not None

    @staticmethod
    def resolve_addressed(obj) -> bool:
        return bool(obj.is_addressed)

    @staticmethod
    def resolve_read(obj) -> bool:
        return bool(obj.is_read)

    @staticmethod
    def resolve_confirmed(obj) -> bool:
        return bool(obj.is_confirmed)


class AnnouncementListOut(PageOut):
    items: list[AnnouncementOut]


class AnnouncementDetailOut(AnnouncementOut):
    body: str
    attachments: list[AnnouncementAttachmentOut]
    manageable: bool = Field(description="Whether the caller may change or withdraw it and see its read counts.")


class AnnouncementCreateIn(BodyIn):
    org: int = Field(description="The organisation published for: one where the caller runs study (not a group).")
    title: str = Field(min_length=1, max_length=rules.MAX_TITLE)
    body: str = Field(min_length=1, max_length=rules.MAX_BODY)
    audience: AudienceIn = "all"  # type: ignore[valid-type]
    pinned: bool = False
    requires_confirmation: bool = False
    expires_on: Date | None = None


class AnnouncementUpdateIn(BodyIn):
    """Only the fields sent are changed; the organisation does not change. Files are added on the page."""

    title: str = Field(None, min_length=1, max_length=rules.MAX_TITLE)
    body: str = Field(None, min_length=1, max_length=rules.MAX_BODY)
    audience: AudienceIn = None  # type: ignore[valid-type]
    pinned: bool = None  # type: ignore[assignment]
    requires_confirmation: bool = None  # type: ignore[assignment]
    expires_on: Date | None = None


class ConfirmationOut(Schema):
    read_at: datetime.datetime
    confirmed_at: datetime.datetime | None


class BranchReadsOut(Schema):
    org: int
    org_name: str
    addressed: int = Field(description="Members of the branch in the audience, with an account.")
    read: int
    confirmed: int
    not_confirmed: list[str] = Field(
        description="Who has not confirmed yet: only for an announcement asking for confirmation, else empty."
    )

    @staticmethod
    def resolve_org(obj) -> int:
        return obj.org.pk

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class ReadCountsOut(Schema):
    announcement: int
    requires_confirmation: bool
    addressed: int
    read: int
    confirmed: int
    branches: list[BranchReadsOut]

    @staticmethod
    def resolve_announcement(obj) -> int:
        return obj.announcement.pk

    @staticmethod
    def resolve_requires_confirmation(obj) -> bool:
        return obj.announcement.requires_confirmation

    @staticmethod
    def resolve_branches(obj) -> list:
        return obj.rows
