"""Pages for committee-level meetings (党委会, 党政联席会议): the committee's list of meetings, a meeting's record
with its agenda, attendance and decisions, the printable record, and the decisions tracker (学院决定事项) that
the branches concerned see too. Dates, place, publishing and check-in are the activity pages'."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm
from dangjian.core.errors import DomainError, NotFound
from dangjian.edge.http import form_status, page, submit
from dangjian.edge.paging import paginate
from dangjian.study.forms.committee_meetings import (
    AgendaItemForm,
    CompleteForm,
    DecisionFilterForm,
    DecisionForm,
    ExternalAttendeeForm,
    LeaderForm,
    MeetingForm,
    MeetingPeopleForm,
    ReopenForm,
)
from dangjian.study.models import Activity, AgendaItem, Decision, DecisionStatus, ExternalAttendee
from dangjian.study.rules import committee_meetings as rules
from dangjian.study.selectors import committee_meetings as selectors
from dangjian.study.selectors.activities import speaker_options
from dangjian.study.services import committee_meetings as services


def _member_picker(form, field: str, activity: Activity) -> None:
    """The member picker asks the speaker options of the committee: the members of its college."""
    widget = form.fields[field].widget
    widget.url = reverse("study:activity-speakers") + "?" + urlencode({"org": activity.org_id})


# --- meetings ---------------------------------------------------------------------------------


def _year(value: str) -> int | None:
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


def _state_urls() -> dict[str, str]:
    base = reverse("study:decision-list")
    return {state: f"{base}?state={state}" for state in selectors.STATES}


@page
@vary_on_headers("HX-Request")
def meeting_list(request: AuthedRequest) -> HttpResponse:
    form_value = request.GET.get("form", "")
    year = _year(request.GET.get("year", ""))
    filters = selectors.MeetingFilters(form=form_value if form_value in rules.LEADERSHIP_FORMS else "", year=year)
    meetings = selectors.meeting_list(actor=request.user, filters=filters)
    page_obj = paginate(request, meetings)
    context = {
        "page_obj": page_obj,
        "filters": filters,
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        "can_create": bool(selectors.committees_run(request.user)),
        "counts": selectors.decision_counts(actor=request.user),
        "urls": _state_urls(),
    }
    template = "study/committee_meetings/list.html"
    if request.htmx and request.htmx.target == "meeting-results":
        template += "#results"
    return render(request, template, context)


@page(perm=Perm.MANAGE_STUDY)
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthedRequest) -> HttpResponse:
    orgs = selectors.committees_run(request.user)
    if not orgs:
        raise NotFound()
    initial = {"form": request.GET.get("form", rules.PARTY_COMMITTEE_MEETING), "org": str(orgs[0].pk)}
    form = MeetingForm(request.POST or None, orgs=orgs, initial=initial)

    def create(data: dict[str, Any]) -> Activity:
        return services.committee_meeting_create(actor=request.user, **data)

    if done := submit(
        request, form, create, success=_("The meeting has been created as a draft. Publish it to announce it.")
    ):
        return redirect("study:committee-meeting-detail", pk=done.result.pk)
    return render(request, "study/committee_meetings/form.html", {"form": form}, status=form_status(form))


@page
@require_GET
def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.access_meeting(request.user, pk)
    record = selectors.meeting_record(activity=activity)
    context = {
        "activity": activity,
        "record": record,
        "can_manage": selectors.can_manage_meeting(request.user, activity),
        "today": timezone.localdate(),
    }
    return render(request, "study/committee_meetings/detail.html", context)


@page
@require_GET
def meeting_print(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.access_meeting(request.user, pk)
    record = selectors.meeting_record(activity=activity)
    return render(request, "study/committee_meetings/print.html", {"activity": activity, "record": record})


@page
@require_http_methods(["GET", "POST"])
def meeting_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.access_meeting(request.user, pk, manage=True)
    meeting = getattr(activity, "committee_meeting", None)
    initial = {"chair_name": meeting.chair_name, "recorder_name": meeting.recorder_name} if meeting else {}
    form = MeetingPeopleForm(request.POST or None, initial=initial)

    def update(data: dict[str, Any]):
        return services.committee_meeting_update(actor=request.user, activity=activity, **data)

    if submit(request, form, update, success=_("The meeting has been saved.")):
        return redirect("study:committee-meeting-detail", pk=activity.pk)
    context = {"form": form, "activity": activity, "title": _("Chair and recorder")}
    return render(request, "study/committee_meetings/small_form.html", context, status=form_status(form))


@page
@require_http_methods(["GET", "POST"])
def leader_add(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.access_meeting(request.user, pk, manage=True)
    form = LeaderForm(request.POST or None, members=speaker_options(activity.org))
    _member_picker(form, "member", activity)

    def add(data: dict[str, Any]):
        return services.meeting_attendee_add(actor=request.user, activity=activity, member=data["member"])

    if submit(request, form, add, success=_("The leader is now expected at the meeting.")):
        return redirect("study:committee-meeting-detail", pk=activity.pk)
    context = {"form": form, "activity": activity, "title": _("Expect a leader who is a member here")}
    return render(request, "study/committee_meetings/small_form.html", context, status=form_status(form))


@page
@require_http_methods(["GET", "POST"])
def external_attendee_add(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.access_meeting(request.user, pk, manage=True)
    form = ExternalAttendeeForm(request.POST or None, initial={"present": True})

    def add(data: dict[str, Any]):
        return services.external_attendee_add(actor=request.user, activity=activity, **data)

    if submit(request, form, add, success=_("The attendee has been recorded.")):
        return redirect("study:committee-meeting-detail", pk=activity.pk)
    context = {"form": form, "activity": activity, "title": _("Record a leader who is not a member here")}
    return render(request, "study/committee_meetings/small_form.html", context, status=form_status(form))


def _external(request: AuthedRequest, pk: int) -> ExternalAttendee:
    attendee = ExternalAttendee.objects.select_related("activity").filter(pk=pk).first()
    if attendee is None:
        raise NotFound()
    attendee.activity = selectors.access_meeting(request.user, attendee.activity_id, manage=True)
    return attendee


@page
@require_POST
def external_attendee_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    attendee = _external(request, pk)
    services.external_attendee_remove(actor=request.user, attendee=attendee)
    messages.success(request, _("The attendee has been removed."))
    return redirect("study:committee-meeting-detail", pk=attendee.activity_id)


# --- agenda -------------------------------------------------------------------------------------


@page
@require_http_methods(["GET", "POST"])
def agenda_item_add(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.access_meeting(request.user, pk, manage=True)
    initial = {"position": activity.agenda_items.count() + 1, "side": "party"}
    form = AgendaItemForm(request.POST or None, initial=initial, with_outcome=False)

    def add(data: dict[str, Any]) -> AgendaItem:
        return services.agenda_item_add(actor=request.user, activity=activity, **data)

    if submit(request, form, add, success=_("The agenda item has been added.")):
        return redirect("study:committee-meeting-detail", pk=activity.pk)
    context = {"form": form, "activity": activity, "title": _("New agenda item")}
    return render(request, "study/committee_meetings/small_form.html", context, status=form_status(form))


def _agenda_item(request: AuthedRequest, pk: int) -> AgendaItem:
    item = AgendaItem.objects.filter(pk=pk).first()
    if item is None:
        raise NotFound()
    item.activity = selectors.access_meeting(request.user, item.activity_id, manage=True)
    return item


@page
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _agenda_item(request, pk)
    initial = {name: getattr(item, name) for name in services.AGENDA_FIELDS}
    form = AgendaItemForm(request.POST or None, initial=initial)

    def update(data: dict[str, Any]) -> AgendaItem:
        return services.agenda_item_update(actor=request.user, item=item, **data)

    if submit(request, form, update, success=_("The agenda item has been saved.")):
        return redirect("study:committee-meeting-detail", pk=item.activity_id)
    context = {"form": form, "activity": item.activity, "title": _("Agenda item")}
    return render(request, "study/committee_meetings/small_form.html", context, status=form_status(form))


@page
@require_POST
def agenda_item_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _agenda_item(request, pk)
    try:
        services.agenda_item_remove(actor=request.user, item=item)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The agenda item has been removed."))
    return redirect("study:committee-meeting-detail", pk=item.activity_id)


# --- decisions ----------------------------------------------------------------------------------


def _decision_form(request: AuthedRequest, activity: Activity, initial: dict | None = None) -> DecisionForm:
    form = DecisionForm(
        request.POST or None,
        initial=initial,
        items=AgendaItem.objects.filter(activity=activity).order_by("position", "pk"),
        members=speaker_options(activity.org),
        orgs=selectors.concerned_org_options(activity),
    )
    _member_picker(form, "owner", activity)
    return form


def _decision_data(data: dict[str, Any]) -> dict[str, Any]:
    return data | {"orgs": list(data["orgs"])}


@page
@require_http_methods(["GET", "POST"])
def decision_create(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.access_meeting(request.user, pk, manage=True)
    item_id = request.GET.get("item", "")
    form = _decision_form(request, activity, initial={"agenda_item": item_id, "owner_side": "party"})

    def create(data: dict[str, Any]) -> Decision:
        return services.decision_create(actor=request.user, activity=activity, **_decision_data(data))

    if submit(request, form, create, success=_("The decision has been recorded.")):
        return redirect("study:committee-meeting-detail", pk=activity.pk)
    context = {"form": form, "activity": activity, "title": _("New decision")}
    return render(request, "study/committee_meetings/small_form.html", context, status=form_status(form))


@page
@require_http_methods(["GET", "POST"])
def decision_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = selectors.access_decision(request.user, pk, manage=True)
    activity = decision.activity
    initial = {name: getattr(decision, name) for name in services.DECISION_FIELDS} | {"orgs": list(decision.orgs.all())}
    form = _decision_form(request, activity, initial=initial)

    def update(data: dict[str, Any]) -> Decision:
        return services.decision_update(actor=request.user, decision=decision, **_decision_data(data))

    if submit(request, form, update, success=_("The decision has been saved.")):
        return redirect("study:decision-detail", pk=decision.pk)
    context = {"form": form, "activity": activity, "title": pgettext("meeting", "Decision")}
    return render(request, "study/committee_meetings/small_form.html", context, status=form_status(form))


@page
@vary_on_headers("HX-Request")
def decision_list(request: AuthedRequest) -> HttpResponse:
    form = DecisionFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.DecisionFilters(state=data.get("state") or "open", q=data.get("q") or "")
    today = timezone.localdate()
    page_obj = paginate(request, selectors.decision_list(actor=request.user, filters=filters, today=today))
    context = {
        "form": form,
        "filters": filters,
        "page_obj": page_obj,
        "counts": selectors.decision_counts(actor=request.user, today=today),
        "today": today,
        "can_see_meetings": selectors.can_see_meetings(request.user),
        "states": [("open", _("Open")), ("overdue", _("Overdue")), ("done", _("Done")), ("all", _("All"))],
    }
    template = "study/committee_meetings/decisions.html"
    if request.htmx and request.htmx.target == "decision-results":
        template += "#results"
    return render(request, template, context)


@page
@require_GET
def decision_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = selectors.access_decision(request.user, pk)
    today = timezone.localdate()
    context = {
        "decision": decision,
        "state": rules.decision_state(decision.status, decision.due_on, today),
        "can_manage": selectors.can_manage_meeting(request.user, decision.activity),
        "can_complete": decision.status == DecisionStatus.OPEN and services.can_complete(request.user, decision),
        "can_see_meeting": selectors.can_view_meeting(request.user, decision.activity),
        "complete_form": CompleteForm(initial={"done_on": today}),
        "reopen_form": ReopenForm(),
    }
    return render(request, "study/committee_meetings/decision_detail.html", context)


@page
@require_http_methods(["GET", "POST"])
def decision_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = selectors.access_decision(request.user, pk)
    if not services.can_complete(request.user, decision):
        raise NotFound()
    form = CompleteForm(request.POST or None, initial={"done_on": timezone.localdate()})

    def complete(data: dict[str, Any]) -> Decision:
        return services.decision_complete(actor=request.user, decision=decision, **data)

    if submit(request, form, complete, success=_("The decision has been recorded as done.")):
        return redirect("study:decision-detail", pk=decision.pk)
    context = {
        "form": form,
        "activity": decision.activity,
        "title": _("Record as done"),
        "decision": decision,
        # An owner in a branch sees the decision, not the meeting: no link to a page that would answer 404.
        "can_see_meeting": selectors.can_view_meeting(request.user, decision.activity),
    }
    return render(request, "study/committee_meetings/small_form.html", context, status=form_status(form))


@page
@require_POST
def decision_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = selectors.access_decision(request.user, pk, manage=True)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for reopening it."))
        return redirect("study:decision-detail", pk=decision.pk)
    try:
        services.decision_reopen(actor=request.user, decision=decision, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The decision is open again."))
    return redirect("study:decision-detail", pk=decision.pk)


urlpatterns = [
    path("committee-meetings/", meeting_list, name="committee-meeting-list"),
    path("committee-meetings/new/", meeting_create, name="committee-meeting-create"),
    path("committee-meetings/<int:pk>/", meeting_detail, name="committee-meeting-detail"),
    path("committee-meetings/<int:pk>/edit/", meeting_edit, name="committee-meeting-edit"),
    path("committee-meetings/<int:pk>/print/", meeting_print, name="committee-meeting-print"),
    path("committee-meetings/<int:pk>/leaders/new/", leader_add, name="committee-meeting-leader-add"),
    path("committee-meetings/<int:pk>/external/new/", external_attendee_add, name="external-attendee-add"),
    path("committee-meetings/external/<int:pk>/remove/", external_attendee_remove, name="external-attendee-remove"),
    path("committee-meetings/<int:pk>/agenda/new/", agenda_item_add, name="agenda-item-add"),
    path("committee-meetings/agenda/<int:pk>/edit/", agenda_item_edit, name="agenda-item-edit"),
    path("committee-meetings/agenda/<int:pk>/remove/", agenda_item_remove, name="agenda-item-remove"),
    path("committee-meetings/<int:pk>/decisions/new/", decision_create, name="decision-create"),
    path("decisions/", decision_list, name="decision-list"),
    path("decisions/<int:pk>/", decision_detail, name="decision-detail"),
    path("decisions/<int:pk>/edit/", decision_edit, name="decision-edit"),
    path("decisions/<int:pk>/done/", decision_complete, name="decision-complete"),
    path("decisions/<int:pk>/reopen/", decision_reopen, name="decision-reopen"),
]
