"""Schemas of the early-warning API."""

import datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema

from dangjian.care.models import TalkKind
from dangjian.compliance import selectors
from dangjian.compliance.models import EntryStatus, Resolution
from dangjian.edge.schemas import BodyIn, Date, PageIn, PageOut
from dangjian.members.schemas import MemberRefOut
from dangjian.orgs.schemas import OrgRefOut

ResolutionValue = Literal[tuple(Resolution.values)]
TalkKindValue = Literal[tuple(TalkKind.values)]
StatusValue = Literal[tuple(EntryStatus.values)]


class ReasonItemOut(Schema):
    day: datetime.date
    text: str = Field(description="The activity and what became of the member's attendance.")


class ReasonOut(Schema):
    """One signal behind an entry, in words and with its dates."""

    signal: str = Field(description="absences, organisational_life, study, talk or participation.")
    level: str = Field(description="warning or alarm.")
    title: str
    summary: str
    items: list[ReasonItemOut] = Field(description="The dated facts behind the reason (activities missed …).")
    source: str = Field(description="The regulation (or unit practice) the signal rests on.")
    exemption: str = Field(description="How the member's exemption (frail, abroad, flowing) shapes the reason.")
    action: str = Field(description="What the reason suggests: talk, visit or study_at_home.")


class TalkRefOut(Schema):
    id: int
    officer: MemberRefOut
    kind: str
    held_on: datetime.date


class WarningOut(Schema):
    """An early-warning entry. Never a score: the level, the reasons with dates, the suggested action."""

    id: int
    member: MemberRefOut
    org: OrgRefOut
    status: str
    level: str
    suggested_action: str
    opened_on: datetime.date
    open_days: int = Field(description="Days open (until closing, for a closed entry).")
    refreshed_on: datetime.date = Field(description="When the signals were last checked.")
    cleared_on: datetime.date | None = Field(description="Since when no signal fires (the entry stays open).")
    reasons: list[ReasonOut]
    closed_on: datetime.date | None
    resolution: str = Field(description="talk, visit, study_at_home, other, or explained (closed with a reason).")
    resolved_on: datetime.date | None = Field(description="The day the action was taken or the reason given.")
    note: str
    talk: TalkRefOut | None

    @staticmethod
    def resolve_reasons(obj) -> list:
        return selectors.describe_entry(obj)

    @staticmethod
    def resolve_open_days(obj) -> int:
        return selectors.open_days(obj, timezone.localdate())


class WarningListIn(PageIn):
    org: int | None = Field(None, description="Only this branch (404 when it is outside the caller's scope).")
    status: StatusValue = Field(EntryStatus.OPEN, description="Open entries (alarms first, then oldest), or closed.")


class WarningListOut(PageOut):
    items: list[WarningOut]


class BranchCountOut(Schema):
    org: OrgRefOut
    warnings: int
    alarms: int
    oldest_opened_on: datetime.date | None


class WarningCloseIn(BodyIn):
    resolution: ResolutionValue = Field(
        description="What was done (talk, visit, study_at_home, other) or `explained` to close with a reason."
    )
    on: Date | None = Field(description="The day of the action or of the reason; not in the future.")
    note: str = Field(
        description="A note on what was done, the talk's summary (confidential), or the reason for closing."
    )
    officer: int | None = Field(
        None, description="For a talk: the member id of the officer who held it (default: the caller)."
    )
    talk_kind: TalkKindValue = Field(TalkKind.REMINDER, description="For a talk: routine, reminder or required.")
    follow_up: str = Field("", description="For a talk: the follow-up agreed.")


class WarningRefreshOut(Schema):
    branches: int
    members: int
    opened: int
    updated: int
    cleared: int
    todos: int = Field(description="Required-talk to-dos opened in the care app.")
