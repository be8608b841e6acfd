"""API for activities: list, read, create, publish; check-in; manual marking; leave; make-up."""

import datetime
from typing import Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import DomainError, NotFound
from dangjian.edge.schemas import BodyIn, PageIn, PageOut, responses
from dangjian.library.models import Material
from dangjian.members.audience import Audience
from dangjian.members.models import Member
from dangjian.members.permissions import access_member
from dangjian.members.schemas import MemberRefOut
from dangjian.orgs.permissions import access_org
from dangjian.orgs.schemas import OrgRefOut
from dangjian.study.models import ActivityStatus, Form, PlanItem
from dangjian.study.selectors import activities as selectors
from dangjian.study.services import activities as services
from dangjian.study.services import calendar as calendar_services

router = Router(tags=["activities"])

NOT_VISIBLE = "404 when the object does not exist or lies outside the caller's scope (the two look the same)."
NOT_ALLOWED = "403 when the caller may see it but not run the organiser's study (officers of the organiser may)."
RULE = "400 when a rule refuses it; `detail` says why."

FormValue = Literal[tuple(Form.values)]
AudienceValue = Literal[tuple(Audience.values)]
MarkValue = Literal["present", "late", "leave", "absent"]
WhenValue = Literal["upcoming", "past", "all"]
StatusValue = Literal[tuple(ActivityStatus.values)]


class ActivityOut(Schema):
    id: int
    org: OrgRefOut = Field(description="The organiser.")
    joint_orgs: list[OrgRefOut]
    materials: list[int] = Field(description="Library materials to study for it.")
    plan_item_id: int | None
    form: str
    form_display: str
    theme: str
    audience: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    speaker: MemberRefOut | None
    speaker_name: str
    credit_minutes: int = Field(description="Study credit in minutes for attending; 学时 follow by the 学时 rule.")
    credit_overridden: bool
    status: str
    published_at: datetime.datetime | None
    check_in_opens_at: datetime.datetime | None
    check_in_closes_at: datetime.datetime | None
    late_after: datetime.datetime | None
    recorded_afterwards: bool = Field(
        description="A past meeting imported afterwards: no attendance list, so it credits nobody study hours."
    )
    expected_count: int | None = Field(description="应到, for a meeting recorded afterwards.")
    present_count: int | None = Field(description="实到, for a meeting recorded afterwards.")

    @staticmethod
    def resolve_form_display(obj) -> str:
        return obj.get_form_display()

    @staticmethod
    def resolve_joint_orgs(obj) -> list:
        return list(obj.joint_orgs.all())

    @staticmethod
    def resolve_materials(obj) -> list[int]:
        return [material.pk for material in obj.materials.all()]


class ActivitySummaryOut(Schema):
    id: int
    org: OrgRefOut
    form: str
    theme: str
    audience: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    status: str
    n_expected: int = Field(description="Expected attendees.")
    n_attended: int = Field(description="Present or late so far.")


class ActivityListIn(PageIn):
    when: WhenValue = "upcoming"
    status: StatusValue | None = None
    org: int | None = Field(None, description="Only activities organised in this organisation's subtree.")
    q: str = Field("", description="Part of the theme or place.")


class ActivityListOut(PageOut):
    items: list[ActivitySummaryOut]


class AttendanceOut(Schema):
    id: int
    member: MemberRefOut
    expected: bool = Field(description="False for a member outside the audience who came anyway.")
    status: str
    checked_in_at: datetime.datetime | None
    method: str = Field(description='"qr", "manual" or empty.')
    reason: str


class LeaveOut(Schema):
    id: int
    activity_id: int
    member: MemberRefOut
    reason: str
    status: str
    decided_at: datetime.datetime | None
    answer: str


class ActivityGetOut(Schema):
    activity: ActivityOut
    counts: dict[str, int] = Field(description="Attendance rows per status.")
    attendances: list[AttendanceOut] = Field(description="Everyone, for officers of the organiser; else empty.")
    my_attendance: AttendanceOut | None
    my_leave: LeaveOut | None


class ActivityCreateIn(BodyIn):
    org: int = Field(description="The organiser.")
    plan_item: int | None = Field(None, description="Create from this item of the organiser's plan.")
    form: FormValue | Literal[""] = ""
    theme: str = Field("", max_length=200)
    audience: AudienceValue | Literal[""] = ""
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None = Field(None, description="Required unless the plan item gives a length.")
    place: str = Field("", max_length=200)
    speaker: int | None = Field(
        None, description="A member of the organiser's college who gives the lecture or report."
    )
    speaker_name: str = Field("", max_length=64, description="Or the name of a guest speaker.")
    joint_orgs: list[int] = Field(default_factory=list)
    materials: list[int] = Field(default_factory=list, description="Published library materials to study.")
    credit_minutes: int | None = Field(None, description="Set the credit by hand (0 to the activity's length).")
    late_grace_minutes: int | None = Field(None, ge=0, le=24 * 60, description="Late after this; default 10.")


class CheckInIn(BodyIn):
    token: str = Field(max_length=100, description="The token of the QR code on the check-in screen.")


class MarkIn(BodyIn):
    member: int
    status: MarkValue
    reason: str = Field(max_length=200)


class LeaveCreateIn(BodyIn):
    reason: str = Field(max_length=500)


class LeaveDecideIn(BodyIn):
    approve: bool
    answer: str = Field("", max_length=500, description="Required when refusing.")


class MakeUpOut(Schema):
    id: int
    attendance_id: int
    activity_id: int
    due_on: datetime.date
    reflection: str
    status: str
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    review_note: str

    @staticmethod
    def resolve_activity_id(obj) -> int:
        return obj.attendance.activity_id


class MakeUpSubmitIn(BodyIn):
    reflection: str = Field(max_length=20_000)


class MakeUpReviewIn(BodyIn):
    accept: bool
    note: str = Field("", max_length=500, description="Required when returning it.")


def _client(request) -> tuple[str | None, str]:
    return request.META.get("REMOTE_ADDR") or None, request.META.get("HTTP_USER_AGENT", "")


@router.get(
    "/activities",
    operation_id="activity_list",
    response=responses({200: ActivityListOut}),
    summary="List activities",
    description="Activities of the organisations the caller may see, and those held for the caller's own organisation.",
)
def activity_list(request, filters: Query[ActivityListIn]):
    activities = selectors.activity_list(
        actor=request.auth,
        filters=selectors.ActivityFilters(
            when=filters.when, status=filters.status or "", org_id=filters.org, q=filters.q
        ),
    )
    return filters.page(activities)


@router.get(
    "/activities/{activity_id}",
    operation_id="activity_get",
    response=responses({200: ActivityGetOut}),
    summary="An activity with its attendance",
    description=NOT_VISIBLE,
)
def activity_get(request, activity_id: int):
    activity = selectors.access_activity(request.auth, activity_id)
    detail = selectors.activity_detail(actor=request.auth, activity=activity)
    return {
        "activity": activity,
        "counts": detail.counts,
        "attendances": detail.attendances,
        "my_attendance": detail.my_attendance,
        "my_leave": detail.my_leave,
    }


def _materials(ids: list[int]) -> list[Material]:
    found = list(Material.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):  # the service gives missing and hidden materials the same answer
        raise DomainError(_("Choose published materials you may see in the library."), field="materials")
    return found


@router.post(
    "/activities",
    operation_id="activity_create",
    response=responses({201: ActivityOut}),
    summary="Create an activity (a draft)",
    description=(
        "Ad hoc, or from an item of the organiser's plan (theme, form, audience and length copied unless given). "
        f"404 (with `field`) when the organiser or a joint organiser is outside the caller's scope. {NOT_ALLOWED} {RULE}"
    ),
)
def activity_create(request, payload: ActivityCreateIn):
    try:
        org = access_org(request.auth, payload.org, Perm.VIEW_ORG)
        if scope_for(request.auth).allows(Perm.MANAGE_STUDY, org.path) and org not in selectors.orgs_run(request.auth):
            raise NotFound()  # only the organisers the page offers (not a dissolved one); else the service says 403
    except NotFound as exc:
        raise NotFound(field="org") from exc
    if payload.form and payload.form not in dict(selectors.form_choices([org])):  # what the page offers
        raise DomainError(_("Only a Party committee holds this form of meeting."), field="form")
    joint = []
    for org_id in payload.joint_orgs:
        try:
            joint.append(access_org(request.auth, org_id, Perm.VIEW_ORG))
        except NotFound as exc:
            raise NotFound(field="joint_orgs") from exc
    plan_item = None
    if payload.plan_item is not None:
        plan_item = PlanItem.objects.select_related("plan").filter(pk=payload.plan_item, plan__org=org).first()
        if plan_item is None:
            raise NotFound(field="plan_item")
    speaker = None
    if payload.speaker is not None:
        speaker = Member.objects.select_related("org").filter(pk=payload.speaker).first()
        if speaker is None:  # the service refuses members of other colleges with the same 400
            raise DomainError(_("The speaker must be a member of the organiser's college."), field="speaker")
    activity = services.activity_create(
        actor=request.auth,
        org=org,
        plan_item=plan_item,
        joint_orgs=joint,
        speaker=speaker,
        materials=_materials(payload.materials),
        **payload.model_dump(exclude={"org", "plan_item", "joint_orgs", "speaker", "materials"}),
    )
    return Status(201, activity)


class CalendarLinkOut(Schema):
    url: str = Field(description="The feed (iCalendar) for the caller's own activities; shown only this once.")
    webcal_url: str = Field(description="The same address as a webcal:// link, which phones open in their calendar.")
    token_id: int = Field(description="Revoke it with `auth_token_revoke`; `auth_token_list` shows it as `calendar`.")
    expires_at: datetime.datetime


@router.post(
    "/me/calendar-link",
    operation_id="calendar_link_create",
    response=responses({201: CalendarLinkOut}),
    summary="Make a calendar feed link for my activities",
    description=(
        "A private, revocable address that a calendar app reads without a login: the caller's own activities "
        "(two months back, half a year ahead; cancelled ones marked so). 400 for an account without a member record."
    ),
)
def calendar_link_create(request):
    token, key = calendar_services.calendar_link_create(actor=request.auth)
    url = request.build_absolute_uri(reverse("study:calendar-feed", args=[key]))
    webcal = "webcal://" + url.split("://", 1)[1]
    return Status(201, CalendarLinkOut(url=url, webcal_url=webcal, token_id=token.pk, expires_at=token.expires_at))


@router.post(
    "/activities/{activity_id}/publish",
    operation_id="activity_publish",
    response=responses({200: ActivityOut}),
    summary="Publish a draft and fix its expected attendees",
    description=f"Members exempt on the day are left out. {NOT_VISIBLE} {NOT_ALLOWED} {RULE}",
)
def activity_publish(request, activity_id: int):
    activity = selectors.access_activity(request.auth, activity_id)
    return services.activity_publish(actor=request.auth, activity=activity)


@router.post(
    "/activities/{activity_id}/check-in",
    operation_id="attendance_check_in",
    response=responses({200: AttendanceOut}, 409),
    summary="Check in with the code on the screen",
    description=(
        "Checks in the caller's own member record: present, or late after the grace period. "
        "400 for a forged or expired token, outside the check-in window, or a member of another organisation; "
        f"409 when the caller has already checked in (nothing changes). {NOT_VISIBLE}"
    ),
)
def attendance_check_in(request, activity_id: int, payload: CheckInIn):
    activity = selectors.access_activity(request.auth, activity_id)
    ip, device = _client(request)
    return services.attendance_check_in(
        actor=request.auth, activity=activity, token=payload.token, ip=ip, device=device
    )


@router.post(
    "/activities/{activity_id}/attendance",
    operation_id="attendance_mark",
    response=responses({200: AttendanceOut}),
    summary="Mark a member's attendance by hand (audited)",
    description=f"A reason is required. {NOT_VISIBLE} {NOT_ALLOWED} {RULE}",
)
def attendance_mark(request, activity_id: int, payload: MarkIn):
    activity = selectors.access_activity(request.auth, activity_id)
    try:
        member = access_member(request.auth, payload.member, Perm.VIEW_MEMBERS)
    except NotFound as exc:
        raise NotFound(field="member") from exc
    return services.attendance_mark(
        actor=request.auth, activity=activity, member=member, status=payload.status, reason=payload.reason
    )


@router.post(
    "/activities/{activity_id}/leave",
    operation_id="leave_request_create",
    response=responses({201: LeaveOut}, 409),
    summary="Ask for leave from an activity",
    description=f"Before the activity starts, for an expected attendee; 409 when already asked. {NOT_VISIBLE} {RULE}",
)
def leave_request_create(request, activity_id: int, payload: LeaveCreateIn):
    activity = selectors.access_activity(request.auth, activity_id)
    return Status(201, services.leave_request_create(actor=request.auth, activity=activity, reason=payload.reason))


@router.post(
    "/leave-requests/{leave_id}/decide",
    operation_id="leave_request_decide",
    response=responses({200: LeaveOut}),
    summary="Approve or refuse a leave request",
    description=f"By an officer of the organiser; a refusal needs an answer. {NOT_VISIBLE} {RULE}",
)
def leave_request_decide(request, leave_id: int, payload: LeaveDecideIn):
    leave = selectors.access_leave_request(request.auth, leave_id, manage=True)
    return services.leave_request_decide(
        actor=request.auth, leave=leave, approve=payload.approve, answer=payload.answer
    )


@router.post(
    "/make-ups/{make_up_id}/submit",
    operation_id="make_up_submit",
    response=responses({200: MakeUpOut}),
    summary="Hand in make-up study (a reflection)",
    description=f"The member's own make-up only. {NOT_VISIBLE} {RULE}",
)
def make_up_submit(request, make_up_id: int, payload: MakeUpSubmitIn):
    make_up = selectors.access_make_up(request.auth, make_up_id)
    return services.make_up_submit(actor=request.auth, make_up=make_up, reflection=payload.reflection)


@router.post(
    "/make-ups/{make_up_id}/review",
    operation_id="make_up_review",
    response=responses({200: MakeUpOut}),
    summary="Accept make-up study or return it with a note",
    description=f'Accepting makes the member\'s attendance "made up" (credited). {NOT_VISIBLE} {RULE}',
)
def make_up_review(request, make_up_id: int, payload: MakeUpReviewIn):
    make_up = selectors.access_make_up(request.auth, make_up_id, manage=True)
    return services.make_up_review(actor=request.auth, make_up=make_up, accept=payload.accept, note=payload.note)
