"""Schemas of the early-warning and organisational-life API."""

import datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema

from dangjian.care.models import TalkKind
from dangjian.compliance import selectors
from dangjian.compliance.models import EntryStatus, Resolution
from dangjian.compliance.rules import reminders as reminder_rules
from dangjian.compliance.rules import requirements as req
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


# --- Organisational life ----------------------------------------------------------------------------

PeriodKindValue = Literal["month", "quarter", "semester", "year"]


class PeriodOut(Schema):
    kind: str = Field(description="month, quarter, semester or year.")
    starts_on: datetime.date
    ends_on: datetime.date = Field(description="The last day that counts: the period closes after it.")
    label: str


class RequirementOut(Schema):
    key: str = Field(description="general_meeting, committee_meeting, group_meeting, lecture, secretary_lecture, …")
    name: str
    cadence: str = Field(description="How often, as a user reads it: 每月1次 …")
    period: str = Field(description="The kind of period it is counted by.")
    times: int
    citation: str = Field(description="The regulation and article it rests on.")


class LifeIn(PageIn):
    period: PeriodKindValue = Field("quarter", description="The kind of period to check.")
    date: Date | None = Field(None, description="A day inside the period (default: today).")


class HeldOut(Schema):
    id: int = Field(description="The study activity's id, or the evaluation campaign's for form `evaluation`.")
    form: str
    held_on: datetime.date
    title: str
    by_secretary: bool


class ExcuseOut(Schema):
    id: int
    reason: str
    granted_by: str
    granted_at: datetime.datetime

    @staticmethod
    def resolve_granted_by(obj) -> str:
        return str(obj.granted_by or "")

    @staticmethod
    def resolve_granted_at(obj) -> datetime.datetime:
        return obj.created_at


class CheckOut(Schema):
    """One requirement for one organisation (the branch, or a Party group for 党小组会) in one period."""

    org: OrgRefOut
    period: PeriodOut
    status: str = Field(description="met, due, overdue, not_applicable or excused.")
    reasons: list[str] = Field(description="Why, in the words a user reads: what was held, what is missing, when.")
    counted: list[HeldOut] = Field(description="The held activities that counted.")
    missing: int
    excuse: ExcuseOut | None

    @staticmethod
    def resolve_period(obj) -> req.ReportingPeriod:
        return obj.result.period

    @staticmethod
    def resolve_reasons(obj) -> list[str]:
        return [reason for reason in obj.result.reasons if reason]

    @staticmethod
    def resolve_counted(obj) -> tuple:
        return obj.result.counted

    @staticmethod
    def resolve_missing(obj) -> int:
        return obj.result.missing


class CellOut(Schema):
    requirement: str = Field(description="The requirement's key.")
    status: str = Field(description="The worst of its checks: overdue, due, excused, met, not_applicable.")
    note: str

    @staticmethod
    def resolve_requirement(obj) -> str:
        return obj.requirement.key


class CellDetailOut(CellOut):
    checks: list[CheckOut] = Field(description="Each organisation and period that makes up the cell.")


class LifeRowOut(Schema):
    org: OrgRefOut
    cells: list[CellOut]


class LifeMatrixOut(PageOut):
    period: PeriodOut
    requirements: list[RequirementOut]
    items: list[LifeRowOut]


class LifeBranchOut(Schema):
    org: OrgRefOut
    period: PeriodOut
    requirements: list[RequirementOut]
    cells: list[CellDetailOut]


class ExcuseIn(BodyIn):
    org: int = Field(description="The branch, or one of its Party groups (for 党小组会).")
    requirement: str = Field(description="The requirement's key.")
    period: PeriodKindValue = Field(description="The requirement's own kind of period.")
    date: Date = Field(description="A day inside the period to excuse.")
    reason: str = Field(description="Why it was not held, in writing (required).")


class ExcuseCreatedOut(ExcuseOut):
    org: OrgRefOut
    requirement: str
    period: PeriodOut

    @staticmethod
    def resolve_period(obj) -> req.ReportingPeriod:
        return req.period_of(obj.period_kind, obj.period_starts_on)


OverrideValue = int | str | list[str]


class LifeSettingsIn(BodyIn):
    variant: Literal["", "university"] = Field(
        "", description='"" for the standard requirements, "university" for Party lectures at least twice a semester.'
    )
    overrides: dict[str, dict[str, OverrideValue]] = Field(
        default_factory=dict,
        description=(
            "Requirement key → the values that differ: `times` (1–31), `period` (month, quarter, semester, year), "
            '`forms` (the activity forms that count), `min_full_members` (0–50), e.g. {"committee_meeting": '
            '{"times": 2}}. Validated as a whole: a bad value is refused with 400 and nothing is stored.'
        ),
    )
    reminder_working_days: int = Field(
        reminder_rules.DEFAULT_REMINDER_WORKING_DAYS, description="How many working days ahead reminders go out (0–20)."
    )


class LifeSettingsOut(Schema):
    org: OrgRefOut = Field(description="The committee.")
    variant: str
    overrides: dict[str, dict[str, OverrideValue]]
    reminder_working_days: int
    requirements: list[RequirementOut] = Field(description="The requirements in force for its branches.")
