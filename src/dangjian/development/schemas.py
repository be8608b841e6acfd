"""Schemas of the development API. Names start with `Development` or `Applicant` to stay unique across the API."""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from dangjian.development import rules
from dangjian.development.models import Stage
from dangjian.edge.schemas import BodyIn, Date, PageIn, PageOut
from dangjian.members.models import Category
from dangjian.members.rules import mask_id_number
from dangjian.members.schemas import MemberRefOut
from dangjian.orgs.schemas import OrgRefOut

StepKey = Literal[tuple(rules.STEP_BY_KEY)]  # type: ignore[valid-type]
StageKey = Literal[tuple(Stage.values)]  # type: ignore[valid-type]
CategoryKey = Literal[tuple(Category.values)]  # type: ignore[valid-type]


class DevelopmentClockOut(Schema):
    key: str = Field(description="The clock's rule, e.g. talk_within_month.")
    title: str
    state: str = Field(description="late, coming, broken (recorded against the rule), open or ok.")
    due: datetime.date | None = Field(description="The day it falls due, or from which the step is allowed.")
    target_step: str
    rule_version: str = Field(description="The version of the rules that set this clock: 2014 or 2026.")
    citation: str
    verified: bool = Field(description="False when the clause has not been checked against the published text.")
    why: str
    advice: str

    @staticmethod
    def from_state(state: rules.ClockState) -> dict:
        return {
            "key": state.clock.key,
            "title": state.title,
            "state": state.state,
            "due": state.due,
            "target_step": state.clock.target,
            "rule_version": state.ruleset.key,
            "citation": state.clock.citation,
            "verified": state.clock.verified,
            "why": state.why,
            "advice": state.advice,
        }


class DevelopmentStepOut(Schema):
    id: int
    step: str
    number: int | None = Field(description="1–25 in the flow chart; null for 思想汇报, 公示 and an extension.")
    on: datetime.date
    rule_version: str
    recorded_by: str
    note: str
    months: int | None
    training_days: int | None
    training_hours: Decimal | None

    @staticmethod
    def from_record(record) -> dict:
        return {
            "id": record.pk,
            "step": record.step,
            "number": rules.STEP_BY_KEY[record.step].number,
            "on": record.on,
            "rule_version": record.rule_version,
            "recorded_by": record.recorded_by.display_name or record.recorded_by.username,
            "note": record.note,
            "months": record.months,
            "training_days": record.training_days,
            "training_hours": record.training_hours,
        }


class ApplicantOut(Schema):
    """A person in the pipeline; the ID number masked."""

    id: int
    name: str
    gender: str
    birth_date: datetime.date
    id_number: str = Field(description="Masked: the first 3 and last 4 characters.")
    number: str | None
    category: str
    org: OrgRefOut
    stage: str
    applied_on: datetime.date

    @staticmethod
    def resolve_id_number(obj) -> str:
        # A person from the database, or the detail's dict built from one.
        return mask_id_number(obj["id_number"] if isinstance(obj, dict) else obj.id_number)


class ApplicantDetailOut(ApplicantOut):
    mentors: list[MemberRefOut]
    steps: list[DevelopmentStepOut]
    clocks: list[DevelopmentClockOut]


class ApplicantListIn(PageIn):
    org: int | None = Field(None, description="People developed by this branch and those below it.")
    stage: StageKey | None = None
    q: str = Field("", max_length=32, description="Name, pinyin initials or number.")


class ApplicantListOut(PageOut):
    items: list[ApplicantOut]


class ApplicantCreateIn(BodyIn):
    org: int = Field(description="The developing branch, where the caller manages members.")
    name: str = Field(max_length=64)
    id_number: str = Field(max_length=24)
    applied_on: Date
    category: CategoryKey
    number: str = Field("", max_length=32)
    admin_unit: str = Field("", max_length=100)
    note: str = ""


class ApplicantCreatedOut(Schema):
    person: ApplicantDetailOut
    warnings: list[str]


class DevelopmentStepIn(BodyIn):
    step: StepKey
    on: Date
    note: str = ""
    months: int | None = Field(None, description="Only for an extension: 6 to 12.")
    training_days: int | None = Field(None, ge=0, le=365)
    training_hours: Decimal | None = Field(None, ge=0, le=999, decimal_places=1)


class DevelopmentStepRecordedOut(Schema):
    step: DevelopmentStepOut
    warnings: list[str] = Field(description="What is irregular about the step; it has been saved all the same.")


class DevelopmentMentorsIn(BodyIn):
    mentors: list[int] = Field(description="1 or 2 full members of the person's branch.")
    on: Date | None = None


class DevelopmentClockItemOut(DevelopmentClockOut):
    person: int
    person_name: str
    org: OrgRefOut


class DevelopmentClocksIn(Schema):
    org: int | None = Field(None, description="Only this branch and those below it.")
