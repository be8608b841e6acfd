"""API for semesters and study plans: the same selectors, services and access checks as the pages."""

import datetime
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from dangjian.core.errors import DomainError, NotFound
from dangjian.edge.schemas import BodyIn, Date, PageIn, PageOut, responses
from dangjian.library.rules.hours import hours_from_minutes
from dangjian.members.audience import Audience
from dangjian.orgs.permissions import access_org
from dangjian.orgs.schemas import OrgRefOut
from dangjian.study.models import Form, Organiser
from dangjian.study.rules import plans as plan_rules
from dangjian.study.selectors import plans as selectors
from dangjian.study.services import plans as services

router = Router(tags=["study plans"])

NOT_VISIBLE = "404 when the object does not exist or is outside the caller's scope (the two look the same)."
NOT_ALLOWED = "403 when the caller may see the object but not change it."
INVALID = "400 with `errors` per field when the data breaks a rule."

FormValue = Literal[tuple(Form.values)]
AudienceValue = Literal[tuple(Audience.values)]
OrganiserValue = Literal[tuple(Organiser.values)]


# --- Schemas ------------------------------------------------------------------------------------


class SemesterOut(Schema):
    id: int
    committee: OrgRefOut
    name: str
    starts_on: datetime.date
    ends_on: datetime.date = Field(description="The last day of the semester.")
    teaching_starts_on: datetime.date | None
    exams_start_on: datetime.date | None


class SemesterListIn(Schema):
    committee: int | None = Field(None, description="Only this committee's semesters.")


class SemesterCreateIn(BodyIn):
    committee: int
    name: str = Field(max_length=64, description="For example 2026—2027学年第一学期.")
    starts_on: Date
    ends_on: Date
    teaching_starts_on: Date | None = None
    exams_start_on: Date | None = None


class PlanOut(Schema):
    id: int
    org: OrgRefOut
    semester_id: int
    semester_name: str
    title: str
    introduction: str
    status: str = Field(description='"draft" or "published".')
    published_at: datetime.datetime | None

    @staticmethod
    def resolve_semester_name(obj) -> str:
        return obj.semester.name


class PlanSummaryOut(PlanOut):
    item_count: int
    required_count: int = Field(description="Items the committee's plan requires of this branch.")


class PlanListIn(PageIn):
    semester: int | None = None
    org: int | None = Field(None, description="Only this organisation's plans.")


class PlanListOut(PageOut):
    items: list[PlanSummaryOut]


class PlanItemOut(Schema):
    id: int
    month: datetime.date = Field(description="The first day of the item's month.")
    planned_on: datetime.date | None
    theme: str
    form: str
    form_display: str
    audience: str
    organiser: str = Field(description='"self" or, in a committee\'s plan, "every_branch".')
    regular: bool
    planned_minutes: int
    planned_hours: Decimal = Field(description="Planned 学时 under the default rule.")
    directive_item_id: int | None
    notes: str
    required: bool = Field(description="Given by the committee's plan: it cannot be removed.")
    source_id: int | None = Field(description="The committee's item this one is a copy of.")
    sanhui_yike: str | None = Field(description='"meeting" or "lesson" when the form counts as 三会一课.')

    @staticmethod
    def resolve_form_display(obj) -> str:
        return obj.get_form_display()

    @staticmethod
    def resolve_planned_hours(obj) -> Decimal:
        return hours_from_minutes(obj.planned_minutes)

    @staticmethod
    def resolve_required(obj) -> bool:
        return obj.source_id is not None

    @staticmethod
    def resolve_sanhui_yike(obj) -> str | None:
        return plan_rules.sanhui_yike(obj.form)


class PlanItemRowOut(PlanItemOut):
    activity_count: int = Field(description="Activities held or scheduled for the item (cancelled ones left out).")
    done: bool = Field(description="Whether an activity for the item has taken place.")
    branch_count: int = Field(description="For an item given to every branch: how many branches received it.")
    branches_done: int = Field(description="… and how many of them have held it.")


class PlanGetOut(PlanOut):
    items: list[PlanItemRowOut]
    planned_minutes: int = Field(description="The sum of the items' planned minutes.")

    @staticmethod
    def resolve_items(obj) -> list:
        return obj.item_rows


class PlanCreateIn(BodyIn):
    org: int
    semester: int
    title: str = Field("", max_length=200, description="Empty for the usual title.")
    introduction: str = ""


class PlanItemCreateIn(BodyIn):
    month: Date = Field(description="Any day of the month; stored as the first.")
    planned_on: Date | None = None
    theme: str = Field(max_length=200)
    form: FormValue
    audience: AudienceValue = "all"
    organiser: OrganiserValue = "self"
    regular: bool = False
    planned_minutes: int = Field(0, ge=0, le=24 * 60 * 7)
    directive_item: int | None = None
    notes: str = ""


class PublishOut(Schema):
    plan: PlanOut
    branches: int = Field(description="Branches under the committee.")
    plans_created: int = Field(description="Branch plans created to receive required items.")
    items_created: int
    items_updated: int
    items_removed: int


# --- Operations ---------------------------------------------------------------------------------


@router.get(
    "/semesters",
    operation_id="semester_list",
    response=responses({200: list[SemesterOut]}),
    summary="Semesters",
    description="Semesters of the committees in the caller's reach, newest first. A filter outside it finds none.",
)
def semester_list(request, filters: Query[SemesterListIn]):
    return list(selectors.semester_list(actor=request.auth, committee_id=filters.committee))


@router.post(
    "/semesters",
    operation_id="semester_create",
    response=responses({201: SemesterOut}),
    summary="Define a semester",
    description=(
        "Committee officers define their committee's semesters; semesters of one committee may not overlap "
        f"(400). 404 (with `field`: `committee`) when the committee is outside the caller's scope. {NOT_ALLOWED} "
        f"{INVALID}"
    ),
)
def semester_create(request, payload: SemesterCreateIn):
    try:
        committee = access_org(request.auth, payload.committee)
    except NotFound as exc:
        raise NotFound(field="committee") from exc
    data = payload.model_dump(exclude={"committee"})
    return Status(201, services.semester_create(actor=request.auth, committee=committee, **data))


@router.get(
    "/plans",
    operation_id="study_plan_list",
    response=responses({200: PlanListOut}),
    summary="Study plans",
    description="Plans the caller may see: their organisations' plans and the plans above them.",
)
def study_plan_list(request, filters: Query[PlanListIn]):
    plans = selectors.study_plan_list(actor=request.auth, semester_id=filters.semester, org_id=filters.org)
    return filters.page(plans)


@router.get(
    "/plans/{plan_id}",
    operation_id="study_plan_get",
    response=responses({200: PlanGetOut}),
    summary="A study plan with its items, planned vs actual",
    description=NOT_VISIBLE,
)
def study_plan_get(request, plan_id: int):
    plan = selectors.access_study_plan(request.auth, plan_id)
    detail = selectors.study_plan_detail(plan=plan)
    for row in detail.rows:  # the branch counts live on the row; the schema reads them from the item
        row.item.branch_count, row.item.branches_done = row.branch_count, row.branches_done
    plan.item_rows = [row.item for row in detail.rows]
    plan.planned_minutes = detail.planned_minutes
    return plan


@router.post(
    "/plans",
    operation_id="study_plan_create",
    response=responses({201: PlanOut}),
    summary="Start a study plan",
    description=(
        "One plan per organisation and semester (400 for a second). 404 (with `field`) when the organisation "
        f"or the semester is outside the caller's scope. {NOT_ALLOWED} {INVALID}"
    ),
)
def study_plan_create(request, payload: PlanCreateIn):
    try:
        org = access_org(request.auth, payload.org)
    except NotFound as exc:
        raise NotFound(field="org") from exc
    try:
        semester = selectors.access_semester(request.auth, payload.semester)
    except NotFound as exc:
        raise NotFound(field="semester") from exc
    plan = services.study_plan_create(
        actor=request.auth, org=org, semester=semester, title=payload.title, introduction=payload.introduction
    )
    return Status(201, plan)


@router.post(
    "/plans/{plan_id}/items",
    operation_id="plan_item_create",
    response=responses({201: PlanItemOut}),
    summary="Add an item to a study plan",
    description=(
        "The item must fall inside the plan's semester (400). Only a committee's plan may give an item to every "
        f"branch. {NOT_VISIBLE} {NOT_ALLOWED} {INVALID}"
    ),
)
def plan_item_create(request, plan_id: int, payload: PlanItemCreateIn):
    plan = selectors.access_study_plan(request.auth, plan_id)
    data = payload.model_dump()
    if data["directive_item"] is not None:
        directive_item = selectors.directive_items_for(plan=plan).filter(pk=data["directive_item"]).first()
        if directive_item is None:
            raise DomainError(_("Choose an item of a directive for the plan's semester."), field="directive_item")
        data["directive_item"] = directive_item
    return Status(201, services.plan_item_add(actor=request.auth, plan=plan, **data))


@router.post(
    "/plans/{plan_id}/publish",
    operation_id="study_plan_publish",
    response=responses({200: PublishOut}),
    summary="Publish a study plan",
    description=(
        "A committee's items for every branch become required items of each branch's plan for the semester "
        "(a branch without a plan gets a draft one). Publishing again updates the copies and creates nothing "
        f"twice. {NOT_VISIBLE} {NOT_ALLOWED}"
    ),
)
def study_plan_publish(request, plan_id: int):
    plan = selectors.access_study_plan(request.auth, plan_id)
    result = services.study_plan_publish(actor=request.auth, plan=plan)
    return {
        "plan": result.plan,
        "branches": result.branches,
        "plans_created": result.plans_created,
        "items_created": result.items_created,
        "items_updated": result.items_updated,
        "items_removed": result.items_removed,
    }
