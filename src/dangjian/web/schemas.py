"""Schemas of the dashboard API: the figures of the dashboards, never a member's name or rank."""

import datetime
from typing import Literal

from ninja import Field, Schema

from dangjian.compliance.schemas import PeriodOut
from dangjian.edge.schemas import Date, Year
from dangjian.orgs.schemas import OrgRefOut


class DashboardIn(Schema):
    period: Literal["month", "quarter", "semester", "year"] = Field(
        "quarter", description="The kind of period for organisational life; the other figures cover its year."
    )
    date: Date | None = Field(None, description="A day inside the period (default: today).")


class RequirementCountOut(Schema):
    requirement: str = Field(description="The requirement's key (see life_matrix).")
    name: str
    met: int
    excused: int
    due: int
    overdue: int
    not_applicable: int
    met_rate: int | None = Field(
        description="Percent of the branches that met it or were excused, among those that met it, were excused or are overdue (branches still within the period are left out); null while none is."
    )


class BranchShortOut(Schema):
    org: OrgRefOut
    overdue: int = Field(description="Requirements overdue for the branch in the period.")


class MonthOut(Schema):
    month: datetime.date = Field(description="The first day of the month.")
    expected: int = Field(description="Expected attendances at the activities held that month.")
    attended: int = Field(description="Of them, present or late.")
    rate: int | None = Field(description="Percent attended; null for a month without activities.")


class BandOut(Schema):
    band: str = Field(description="none, quarter, half, three_quarters, almost, met or exempt.")
    label: str
    members: int


class HoursOut(Schema):
    known: bool = Field(description="False when the caller may not read the study-hours ledger.")
    bands: list[BandOut] = Field(description="How many members stand in each band of progress: counts, no names.")


class NeedsOut(Schema):
    answered_on_time: int
    answered_late: int
    open_in_time: int
    open_overdue: int
    on_time_rate: int | None = Field(description="Percent of the answered needs answered by their deadline.")


class TalkCoverageOut(Schema):
    org: OrgRefOut
    pairs: int = Field(description="Officer–member pairs of the branch (支部条例 Art.19).")
    covered: int = Field(description="Of them, pairs who have talked this year.")
    percent: int | None


class WarningsOut(Schema):
    warnings: int
    alarms: int


class ElectionOut(Schema):
    org: OrgRefOut
    due: datetime.date
    overdue: bool


class DeadlineOut(Schema):
    requirement: str
    name: str
    closes_on: datetime.date = Field(description="The last day of the period in which it is still due.")
    orgs: list[OrgRefOut] = Field(description="The branches (or Party groups' branches) it is still due for.")


class DashboardOut(Schema):
    kind: str = Field(description="committee or branch: the organisations the caller runs organisational life for.")
    period: PeriodOut
    year: int
    branches: int = Field(description="Branches in the caller's scope.")
    requirements: list[RequirementCountOut]
    branches_short: list[BranchShortOut] = Field(description="Branches with a requirement overdue, in tree order.")
    attendance: list[MonthOut] = Field(description="Attendance by month over the year, up to today.")
    hours: HoursOut
    needs: NeedsOut | None = Field(description="Needs submitted in the year; null without care rights.")
    coverage: list[TalkCoverageOut] = Field(description="Talk coverage per branch; empty without care rights.")
    warnings: WarningsOut | None = Field(description="Open early-warning entries; null without care rights.")
    elections: list[ElectionOut] = Field(description="换届 near (within 180 days) or overdue, soonest first.")
    deadlines: list[DeadlineOut] = Field(description="Requirements still due in the period, soonest closing first.")


class MyDashboardIn(Schema):
    year: Year | None = Field(None, description="The year (default: this year).")


class MyYearHoursOut(Schema):
    total: float
    required: float = Field(description="Prorated for a member who joined in the year; 0 when exempt.")
    gap: float
    percent: int
    exempt: bool


class ComingOut(Schema):
    id: int
    theme: str
    form: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str


class MyDashboardOut(Schema):
    year: int
    hours: MyYearHoursOut
    expected: int = Field(description="Activities the member was expected at in the year, up to now.")
    attended: int
    attendance_rate: int | None
    months: list[MonthOut]
    coming: list[ComingOut] = Field(description="The next activities (this year only).")
