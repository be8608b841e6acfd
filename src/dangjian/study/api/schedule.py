"""API for an organisation's study settings and for scheduling regular plan items."""

from typing import Literal

from ninja import Field, Router, Schema, Status

from dangjian.accounts.permissions import Perm
from dangjian.edge.schemas import BodyIn, LocalTime, responses
from dangjian.orgs.permissions import access_org
from dangjian.study.api.activities import ActivityOut
from dangjian.study.rules import schedule as rules
from dangjian.study.selectors import plans as plan_selectors
from dangjian.study.selectors.schedule import effective_settings, own_settings
from dangjian.study.services import schedule as services

router = Router(tags=["study settings"])

NOT_VISIBLE = "404 when the object does not exist or is outside the caller's scope (the two look the same)."
INVALID = "400 with `errors` per field when the data breaks a rule."

Week = Literal[rules.WEEK_CHOICES]


class SettingsIn(BodyIn):
    theme_day_week: Week | None = Field(None, description="1–4, or -1 for the last; with `theme_day_weekday`.")
    theme_day_weekday: int | None = Field(None, ge=0, le=6, description="0 = Monday.")
    theme_day_of_month: int | None = Field(
        None, ge=1, le=rules.LATEST_DAY_OF_MONTH, description="Instead of a weekday."
    )
    start_time: LocalTime | None = None
    length_minutes: int | None = Field(None, ge=1)
    place: str = Field("", max_length=200)
    late_grace_minutes: int | None = Field(None, ge=0)
    make_up_working_days: int | None = Field(None, ge=1)


class OwnSettingsOut(Schema):
    theme_day_week: int | None
    theme_day_weekday: int | None
    theme_day_of_month: int | None
    start_time: LocalTime | None
    length_minutes: int | None
    place: str
    late_grace_minutes: int | None
    make_up_working_days: int | None


class EffectiveOut(Schema):
    theme_day_week: int | None
    theme_day_weekday: int | None
    theme_day_of_month: int | None
    start_time: LocalTime
    length_minutes: int
    place: str
    late_grace_minutes: int
    make_up_working_days: int


class SettingsOut(Schema):
    own: OwnSettingsOut = Field(description="The organisation's own choices; null fields inherit.")
    effective: EffectiveOut = Field(description="What applies: own choices, else those above, else the defaults.")


def _settings_out(org) -> dict:
    effective = effective_settings(org)
    return {
        "own": own_settings(org),
        "effective": {
            "theme_day_week": effective.fixed_day.week,
            "theme_day_weekday": effective.fixed_day.weekday,
            "theme_day_of_month": effective.fixed_day.day_of_month,
            "start_time": effective.start_time,
            "length_minutes": effective.length_minutes,
            "place": effective.place,
            "late_grace_minutes": effective.late_grace_minutes,
            "make_up_working_days": effective.make_up_working_days,
        },
    }


@router.get(
    "/orgs/{org_id}/settings",
    operation_id="study_settings_get",
    response=responses({200: SettingsOut}),
    summary="An organisation's study settings",
    description=f"For officers who manage study there. {NOT_VISIBLE}",
)
def study_settings_get(request, org_id: int):
    return _settings_out(access_org(request.auth, org_id, Perm.MANAGE_STUDY))


@router.put(
    "/orgs/{org_id}/settings",
    operation_id="study_settings_update",
    response=responses({200: SettingsOut}),
    summary="Set an organisation's study settings",
    description=(
        "Replaces the organisation's own choices; a null field inherits from the organisation above (or the "
        f"default). The fixed theme day is a weekday of a week, or a day of the month. {NOT_VISIBLE} {INVALID}"
    ),
)
def study_settings_update(request, org_id: int, payload: SettingsIn):
    org = access_org(request.auth, org_id, Perm.MANAGE_STUDY)
    services.study_settings_update(actor=request.auth, org=org, **payload.model_dump())
    return _settings_out(org)


@router.post(
    "/plan-items/{item_id}/schedule",
    operation_id="plan_item_schedule",
    response=responses({201: list[ActivityOut]}),
    summary="Draft a regular item's activities",
    description=(
        "For a regular item: one draft activity in each remaining month of the semester, on the organisation's "
        "fixed day moved off holidays, at the usual time and place. Months that already have one are skipped. "
        f"400 when the fixed day is not set. {NOT_VISIBLE}"
    ),
)
def plan_item_schedule(request, item_id: int):
    item = plan_selectors.access_plan_item(request.auth, item_id, Perm.MANAGE_STUDY)
    return Status(201, services.plan_item_schedule(actor=request.auth, item=item))
