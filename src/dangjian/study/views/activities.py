"""Pages for activities: list, create and edit, publish, cancel, close, record; the attendance table
with marking by hand; the full-screen check-in display and the member's check-in link; leave,
make-up and "我的学习" (a member's own study, on a phone first)."""

import datetime
import mimetypes
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import DomainError, NotFound
from dangjian.edge.http import page, submit
from dangjian.edge.paging import paginate
from dangjian.edge.widgets import Option, OptionsQuery, options_view
from dangjian.edge.xlsx import xlsx_response
from dangjian.library.selectors.topics import material_choices
from dangjian.members.permissions import access_member
from dangjian.members.views.options import member_option_list
from dangjian.orgs.forms import org_choice_label
from dangjian.orgs.permissions import access_org
from dangjian.study import tokens
from dangjian.study.exporting.activities_xlsx import activities_workbook
from dangjian.study.forms.activities import (
    ActivityForm,
    CancelForm,
    DecideForm,
    LeaveForm,
    MakeUpSubmitForm,
    MarkForm,
    PhotoForm,
    RecordForm,
    ReviewForm,
)
from dangjian.study.models import Activity, ActivityStatus, AttendanceStatus, MakeUpStatus, PlanItem, RequestStatus
from dangjian.study.rules import attendance as rules
from dangjian.study.rules.committee_meetings import is_leadership_meeting
from dangjian.study.selectors import activities as selectors
from dangjian.study.selectors import committee_meetings as meeting_selectors
from dangjian.study.selectors import selfstudy as selfstudy_selectors
from dangjian.study.services import activities as services

SCAN_SESSION_KEY = "study_check_in_scans"  # activity id → ISO time of a fresh scan made before logging in
WHEN_CHOICES = ("upcoming", "past", "all")


def _client(request: HttpRequest) -> tuple[str | None, str]:
    return request.META.get("REMOTE_ADDR") or None, request.META.get("HTTP_USER_AGENT", "")


# --- list, create, edit ---------------------------------------------------------------------


def _activity_filters(request: AuthedRequest) -> selectors.ActivityFilters:
    """The list's filters from `?when=` and `?q=`; an unknown `when` means upcoming."""
    when = request.GET.get("when", "upcoming")
    return selectors.ActivityFilters(when=when if when in WHEN_CHOICES else "upcoming", q=request.GET.get("q", ""))


@page
@vary_on_headers("HX-Request")
def activity_list(request: AuthedRequest) -> HttpResponse:
    filters = _activity_filters(request)
    page_obj = paginate(request, selectors.activity_list(actor=request.user, filters=filters))
    context = {
        "page_obj": page_obj,
        "filters": filters,
        "when_choices": [
            ("upcoming", _("Upcoming")),
            ("past", _("Past")),
            ("all", _("All")),
        ],
        "can_create": scope_for(request.user).has_anywhere(Perm.MANAGE_STUDY),
    }
    template = "study/activities_list.html"
    if request.htmx and request.htmx.target == "activity-results":
        template += "#results"
    else:  # the page's buttons: the committee meetings for those who may see them
        context["can_see_meetings"] = meeting_selectors.can_see_meetings(request.user)
    return render(request, template, context)


@page
@require_GET
def activity_export(request: AuthedRequest) -> HttpResponse:
    """Every activity the list shows under the same filters, as .xlsx (the list shows one page)."""
    content = activities_workbook(selectors.activity_list(actor=request.user, filters=_activity_filters(request)))
    return xlsx_response(content, _("Study activities") + ".xlsx")


def _plan_item(actor, item_id) -> PlanItem | None:
    if not item_id:
        return None
    item = PlanItem.objects.select_related("plan", "plan__org").filter(pk=item_id).first()
    if item is None or not scope_for(actor).allows(Perm.MANAGE_STUDY, item.plan.org.path):
        raise NotFound()
    return item


@page(perm=Perm.MANAGE_STUDY)
@require_http_methods(["GET", "POST"])
def activity_create(request: AuthedRequest) -> HttpResponse:
    plan_item = _plan_item(request.user, request.GET.get("plan_item") or request.POST.get("plan_item"))
    initial = {"org": request.GET.get("org", "")}
    if plan_item is not None:
        initial |= {
            "org": str(plan_item.plan.org_id),
            "theme": plan_item.theme,
            "form": plan_item.form,
            "audience": plan_item.audience,
        }
    orgs = selectors.orgs_run(request.user)
    chosen = str(request.POST.get("org") or initial["org"])
    speakers_org = next((o for o in orgs if str(o.pk) == chosen), orgs[0] if orgs else None)
    speakers = selectors.speaker_options(speakers_org) if speakers_org else None
    form = ActivityForm(
        request.POST or None, initial=initial, orgs=orgs, speakers=speakers, materials=material_choices(request.user)
    )

    def create(data: dict[str, Any]) -> Activity:
        org = access_org(request.user, data["org"], Perm.MANAGE_STUDY)
        return services.activity_create(actor=request.user, org=org, plan_item=plan_item, **form.activity_data())

    if done := submit(
        request, form, create, success=_("The activity has been created as a draft. Publish it to announce it.")
    ):
        return redirect("study:activity-detail", pk=done.result.pk)
    return render(request, "study/activities_form.html", {"form": form, "activity": None, "plan_item": plan_item})


@page
@require_http_methods(["GET", "POST"])
def activity_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, pk, manage=True)
    chosen = list(activity.materials.values_list("pk", flat=True))
    published = activity.status == ActivityStatus.PUBLISHED
    grace = int((activity.late_after - activity.starts_at).total_seconds() // 60) if activity.late_after else None
    initial = {
        "form": activity.form,
        "theme": activity.theme,
        "audience": activity.audience,
        "starts_at": timezone.localtime(activity.starts_at),
        "ends_at": timezone.localtime(activity.ends_at),
        "place": activity.place,
        "speaker": str(activity.speaker_id or ""),
        "materials": [str(pk) for pk in chosen],
        "speaker_name": activity.speaker_name,
        "late_grace_minutes": grace,
        "credit_minutes": activity.credit_minutes if activity.credit_overridden else None,
    }
    form = ActivityForm(
        request.POST or None,
        initial=initial,
        audience_fixed=published,
        speakers=selectors.speaker_options(activity.org),
        speakers_org=activity.org,
        materials=material_choices(request.user, keep=chosen),
        organiser=activity.org,
        form_options=selectors.form_choices_on_edit(activity),
    )

    def update(data: dict[str, Any]) -> Activity:
        data = form.activity_data()
        credit = data.pop("credit_minutes")
        return services.activity_update(
            actor=request.user, activity=activity, credit_minutes=credit, credit_derived=credit is None, **data
        )

    if submit(request, form, update, success=_("The activity has been saved.")):
        return redirect("study:activity-detail", pk=activity.pk)
    return render(request, "study/activities_form.html", {"form": form, "activity": activity})


@options_view(perm=Perm.MANAGE_STUDY)
def activity_orgs(request: AuthedRequest, query: OptionsQuery) -> Iterator[Option]:
    """The activity form's organiser picker: `orgs_run` (what the form accepts) whose name contains `q`."""
    matching = (org for org in selectors.orgs_run(request.user) if query.q in org.name)
    for org in islice(matching, query.limit + 1):
        yield Option(org.pk, *org_choice_label(org))


@options_view(perm=Perm.MANAGE_STUDY)
def activity_speakers(request: AuthedRequest, query: OptionsQuery) -> Iterator[Option]:
    """The speaker picker's options for an organiser (`org`, one the actor runs study for): members of its
    college matching `q`, the organiser's own first — the same selector the form accepts from."""
    org = access_org(request.user, request.GET.get("org"), Perm.MANAGE_STUDY)
    return member_option_list(selectors.speaker_options(org, query.q)[: query.limit + 1])


# --- detail and actions -----------------------------------------------------------------------


def _detail_context(request: AuthedRequest, activity: Activity) -> dict:
    now = timezone.now()
    detail = selectors.activity_detail(actor=request.user, activity=activity)
    can_manage = selectors.can_manage_activity(request.user, activity)
    window = selectors.check_in_window_of(activity)
    published = activity.status == ActivityStatus.PUBLISHED
    return {
        "activity": activity,
        "detail": detail,
        "can_manage": can_manage,
        "can_see_attendance": selectors.can_see_attendance(request.user, activity),
        "window": window,
        "check_in_open": selectors.check_in_is_open(activity, now),
        "can_close": can_manage and published and now > window.closes_at and detail.counts["expected"] > 0,
        "can_record": can_manage and published and now >= activity.starts_at,
        "can_cancel": can_manage
        and (activity.status == ActivityStatus.DRAFT or (published and now < activity.starts_at)),
        "can_ask_leave": (
            published
            and detail.my_attendance is not None
            and detail.my_attendance.expected
            and detail.my_attendance.status == AttendanceStatus.EXPECTED
            and detail.my_leave is None
            and rules.leave_allowed(now, activity.starts_at)
        ),
        "mark_form": MarkForm(),
        "overdue_make_ups": selectors.overdue_make_up_ids(detail.attendances, timezone.localdate(now)),
        "cancel_form": CancelForm(),
        "hours": services.credit_hours(activity),
        "recorded_by": _recorded_by(activity),
        # A 党委会 or 党政联席会议: its agenda and decisions are on the committee meeting's page.
        "can_see_meeting": meeting_selectors.can_view_meeting(request.user, activity),
        # Its record is the committee meeting's own page, not a branch's minutes.
        "leadership_meeting": is_leadership_meeting(activity.form),
    }


def _recorded_by(activity: Activity) -> str:
    """Who brought in a past meeting recorded afterwards ("" for an activity held on the platform)."""
    if not activity.recorded_afterwards:
        return ""
    user = activity.recorded_by  # read only for such a record
    return (user.display_name or user.username) if user else _("an account since removed")


@page
def activity_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, pk)
    return render(request, "study/activities_detail.html", _detail_context(request, activity))


def _action(request: AuthedRequest, pk: int, do, success: str, *, meeting_page: bool = False) -> HttpResponse:
    activity = selectors.access_activity(request.user, pk, manage=True)
    try:
        do(activity)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    if meeting_page and is_leadership_meeting(activity.form):
        # Published from the 党委会 or 党政联席会议's own page, whose agenda and decisions come next.
        return redirect("study:committee-meeting-detail", pk=activity.pk)
    return redirect("study:activity-detail", pk=activity.pk)


@page
@require_POST
def activity_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda a: services.activity_publish(actor=request.user, activity=a),
        _("The activity has been published and its expected attendees fixed."),
        meeting_page=True,
    )


@page
@require_POST
def activity_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _action(
        request,
        pk,
        lambda a: services.activity_cancel(actor=request.user, activity=a, reason=reason),
        _("The activity has been cancelled."),
    )


@page
@require_POST
def activity_close(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda a: services.activity_close(actor=request.user, activity=a),
        _("The activity has been closed: absences recorded and make-up study assigned."),
    )


@page
@require_http_methods(["GET", "POST"])
def activity_record(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, pk, manage=True)
    initial = {"minutes": activity.minutes, "decisions": activity.decisions, "summary": activity.summary}
    form = RecordForm(request.POST or None, initial=initial)
    if submit(
        request,
        form,
        lambda data: services.activity_record(actor=request.user, activity=activity, **data),
        success=_("The record has been saved."),
    ):
        return redirect("study:activity-detail", pk=activity.pk)
    return render(
        request,
        "study/activities_record.html",
        {"form": form, "activity": activity, "photo_form": PhotoForm(), "photos": activity.photos.all()},
    )


@page
@require_POST
def activity_photo_add(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, pk, manage=True)
    form = PhotoForm(request.POST, request.FILES)
    if submit(
        request,
        form,
        lambda data: services.activity_photo_add(actor=request.user, activity=activity, **data),
        success=_("The photo has been added."),
    ):
        return redirect("study:activity-record", pk=activity.pk)
    record = RecordForm(
        initial={"minutes": activity.minutes, "decisions": activity.decisions, "summary": activity.summary}
    )
    return render(
        request,
        "study/activities_record.html",
        {"form": record, "activity": activity, "photo_form": form, "photos": activity.photos.all()},
        status=400,
    )


@page
@require_POST
def activity_photo_remove(request: AuthedRequest, pk: int, photo_id: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, pk, manage=True)
    photo = activity.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404()
    services.activity_photo_remove(actor=request.user, photo=photo)
    messages.success(request, _("The photo has been removed."))
    return redirect("study:activity-record", pk=activity.pk)


@page
def activity_photo(request: AuthedRequest, pk: int, photo_id: int) -> HttpResponse:
    """A photo of the activity, for those who may see the activity (uploads are not public files)."""
    activity = selectors.access_activity(request.user, pk)
    photo = activity.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404()
    response = FileResponse(photo.image.open("rb"), content_type=mimetypes.guess_type(photo.image.name)[0])
    response["Cache-Control"] = "private, max-age=3600"
    return response


@page
@require_POST
@vary_on_headers("HX-Request")
def attendance_mark(request: AuthedRequest, pk: int, member_id: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, pk, manage=True)
    member = access_member(request.user, member_id, Perm.VIEW_MEMBERS)
    form = MarkForm(request.POST)
    error = None
    row = None
    if form.is_valid():
        try:
            row = services.attendance_mark(actor=request.user, activity=activity, member=member, **form.cleaned_data)
        except DomainError as exc:
            error = exc.message
    else:
        error = next(iter(form.errors.values()))[0]
    if request.htmx:
        if row is None:
            row = activity.attendances.select_related("member", "member__org", "make_up").filter(member=member).first()
        else:
            row = selectors.attendance_rows(activity).get(pk=row.pk)
        # A refusal is answered 200 with the message in the row: htmx does not swap 4xx answers.
        context = {
            "activity": activity,
            "row": row,
            "can_manage": True,
            "mark_form": MarkForm(),
            "mark_error": error,
            "overdue_make_ups": selectors.overdue_make_up_ids([row] if row else [], timezone.localdate()),
        }
        return render(request, "study/activities_detail.html#attendance-row", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Attendance of %(name)s has been recorded.") % {"name": member.name})
    return redirect("study:activity-detail", pk=activity.pk)


# --- the check-in screen and the member's check-in link --------------------------------------


def _check_in_url(request: HttpRequest, activity: Activity, now: datetime.datetime) -> str:
    token = tokens.current_token(activity.pk, now)
    return request.build_absolute_uri(reverse("study:check-in", args=[activity.pk, token]))


def _qr_context(request: HttpRequest, activity: Activity) -> dict:
    now = timezone.now()
    url = _check_in_url(request, activity, now)
    import segno  # imported when used: importing it at start-up slows every process

    qr = segno.make(url, error="m")
    return {
        "activity": activity,
        "check_in_url": url,
        "qr_svg": qr.svg_inline(scale=8, border=2, omitsize=True, svgclass="qr-code", lineclass="qr-line"),
        "seconds_left": tokens.seconds_left(now),
        "counts": selectors.check_in_counts(activity),
    }


@page
@never_cache
def check_in_screen(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, pk, manage=True)
    if activity.status != ActivityStatus.PUBLISHED:
        messages.error(request, _("Publish the activity before opening check-in."))
        return redirect("study:activity-detail", pk=activity.pk)
    window = selectors.check_in_window_of(activity)
    if not selectors.check_in_is_open(activity):
        messages.error(
            request,
            _("Check-in is not open now: it is open from %(opens)s to %(closes)s.")
            % {
                "opens": date_format(timezone.localtime(window.opens_at), "DATETIME_FORMAT"),
                "closes": date_format(timezone.localtime(window.closes_at), "DATETIME_FORMAT"),
            },
        )
        return redirect("study:activity-detail", pk=activity.pk)
    context = _qr_context(request, activity) | {"window": window}
    return render(request, "study/activities_check_in_screen.html", context)


@page
@never_cache
def check_in_qr(request: AuthedRequest, pk: int) -> HttpResponse:
    """The QR fragment the screen swaps in every few seconds; once check-in has closed, a closing
    word without a code (and without the polling)."""
    activity = selectors.access_activity(request.user, pk, manage=True)
    if not selectors.check_in_is_open(activity):
        context = {"activity": activity, "closed": True, "counts": selectors.check_in_counts(activity)}
        return render(request, "study/activities_check_in_screen.html#qr", context)
    return render(request, "study/activities_check_in_screen.html#qr", _qr_context(request, activity))


def _scan_proof(request: HttpRequest, activity_id: int) -> datetime.datetime | None:
    scans = request.session.get(SCAN_SESSION_KEY) or {}
    value = scans.pop(str(activity_id), None)
    if value is None:
        return None
    request.session[SCAN_SESSION_KEY] = scans
    try:
        return datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


CHECK_IN_STATUS = {"present": 200, "late": 200, "already": 409}


@never_cache
def check_in(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """Where the QR code leads. Logged in: check in at once. Not logged in: remember a fresh scan in
    the visitor's own session, then log in and come back (see study/tokens.py)."""
    now = timezone.now()
    if not request.user.is_authenticated:
        period = tokens.token_period_of(pk, token)
        if period is not None and rules.token_period_is_fresh(period, rules.token_period(now)):
            scans = request.session.get(SCAN_SESSION_KEY) or {}
            scans[str(pk)] = now.isoformat()
            request.session[SCAN_SESSION_KEY] = scans
        return redirect_to_login(request.get_full_path())
    try:
        activity, row = selectors.check_in_target(request.user, pk)
    except NotFound:
        return render(
            request, "study/activities_check_in.html", {"outcome": "invalid_token", "message": ""}, status=404
        )
    ip, device = _client(request)
    context: dict = {"activity": activity}
    try:
        attendance = services.attendance_check_in(
            actor=request.user,
            activity=activity,
            token=token,
            ip=ip,
            device=device,
            now=now,
            scanned_at=_scan_proof(request, pk),
            row=row,
        )
    except services.AlreadyCheckedIn as exc:
        context |= {"outcome": exc.code, "message": exc.message}
        context["attendance"] = activity.attendances.filter(member_id=scope_for(request.user).member_id).first()
    except services.CheckInError as exc:
        context |= {"outcome": exc.code, "message": exc.message}
        if isinstance(exc, services.NotForYou | services.NoMemberRecord):
            context["activity"] = None  # say nothing about an activity that is not theirs
    else:
        context |= {"outcome": attendance.status, "attendance": attendance}
    status = CHECK_IN_STATUS.get(context["outcome"], 400)
    return render(request, "study/activities_check_in.html", context, status=status)


# --- leave ------------------------------------------------------------------------------------


@page
@require_http_methods(["GET", "POST"])
def leave_create(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, pk)
    form = LeaveForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.leave_request_create(actor=request.user, activity=activity, reason=data["reason"]),
        success=_("Your leave request has been sent."),
    ):
        return redirect("study:my-study")
    return render(request, "study/activities_leave_form.html", {"form": form, "activity": activity})


@page
@require_http_methods(["GET", "POST"])
def leave_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    leave = selectors.access_leave_request(request.user, pk, manage=True)
    form = DecideForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.leave_request_decide(
            actor=request.user, leave=leave, approve=data["decision"] == "approve", answer=data["answer"]
        ),
        success=_("The leave request has been decided."),
    ):
        return redirect("study:review-list")
    decided = leave.status != RequestStatus.PENDING
    return render(request, "study/activities_leave_decide.html", {"form": form, "leave": leave, "decided": decided})


# --- make-up ----------------------------------------------------------------------------------


@page
@require_http_methods(["GET", "POST"])
def make_up_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    make_up = selectors.access_make_up(request.user, pk)
    mine = make_up.attendance.member_id == scope_for(request.user).member_id
    open_ = mine and make_up.status in (MakeUpStatus.ASSIGNED, MakeUpStatus.RETURNED)
    form = MakeUpSubmitForm(request.POST or None, initial={"reflection": make_up.reflection}) if open_ else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This make-up cannot be handed in now."))
            return redirect("study:make-up-submit", pk=make_up.pk)
        if submit(
            request,
            form,
            lambda data: services.make_up_submit(actor=request.user, make_up=make_up, reflection=data["reflection"]),
            success=_("Your make-up study has been handed in."),
        ):
            return redirect("study:my-study")
    context = {
        "make_up": make_up,
        "item": selectors.my_make_up(make_up, timezone.localdate()),
        "form": form,
        "activity": make_up.attendance.activity,
        "mine": mine,
    }
    return render(request, "study/activities_make_up.html", context)


@page
@require_http_methods(["GET", "POST"])
def make_up_review(request: AuthedRequest, pk: int) -> HttpResponse:
    make_up = selectors.access_make_up(request.user, pk, manage=True)
    form = ReviewForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.make_up_review(
            actor=request.user, make_up=make_up, accept=data["decision"] == "accept", note=data["note"]
        ),
        success=_("The make-up has been reviewed."),
    ):
        return redirect("study:review-list")
    context = {"make_up": make_up, "form": form, "activity": make_up.attendance.activity}
    return render(request, "study/activities_make_up_review.html", context)


@page(perm=Perm.MANAGE_STUDY)
def review_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "study/activities_review_list.html", {"queue": selectors.review_queue(actor=request.user)})


# --- 我的学习 ----------------------------------------------------------------------------------


@page
@never_cache
def my_study(request: AuthedRequest) -> HttpResponse:
    my = selectors.my_study(actor=request.user)
    progress = None
    if my.member is not None:
        progress = selfstudy_selectors.member_progress(member=my.member, year=timezone.localdate().year)
    return render(request, "study/activities_my_study.html", {"my": my, "progress": progress})


urlpatterns = [
    path("activities/", activity_list, name="activity-list"),
    path("activities/export/", activity_export, name="activity-export"),
    path("activities/new/", activity_create, name="activity-create"),
    path("activities/speakers/", activity_speakers, name="activity-speakers"),
    path("activities/organisers/", activity_orgs, name="activity-orgs"),
    path("activities/<int:pk>/photos/", activity_photo_add, name="activity-photo-add"),
    path("activities/<int:pk>/photos/<int:photo_id>/", activity_photo, name="activity-photo"),
    path("activities/<int:pk>/photos/<int:photo_id>/remove/", activity_photo_remove, name="activity-photo-remove"),
    path("activities/<int:pk>/", activity_detail, name="activity-detail"),
    path("activities/<int:pk>/edit/", activity_edit, name="activity-edit"),
    path("activities/<int:pk>/publish/", activity_publish, name="activity-publish"),
    path("activities/<int:pk>/cancel/", activity_cancel, name="activity-cancel"),
    path("activities/<int:pk>/close/", activity_close, name="activity-close"),
    path("activities/<int:pk>/record/", activity_record, name="activity-record"),
    path("activities/<int:pk>/attendance/<int:member_id>/", attendance_mark, name="attendance-mark"),
    path("activities/<int:pk>/check-in-screen/", check_in_screen, name="check-in-screen"),
    path("activities/<int:pk>/check-in-screen/qr/", check_in_qr, name="check-in-qr"),
    path("activities/<int:pk>/leave/", leave_create, name="leave-create"),
    path("check-in/<int:pk>/<str:token>/", check_in, name="check-in"),
    path("leave/<int:pk>/decide/", leave_decide, name="leave-decide"),
    path("make-ups/<int:pk>/", make_up_submit, name="make-up-submit"),
    path("make-ups/<int:pk>/review/", make_up_review, name="make-up-review"),
    path("reviews/", review_list, name="review-list"),
    path("my/", my_study, name="my-study"),
]
