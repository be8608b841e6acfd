"""Pages for needs: the member's own (我的诉求, on a phone), the officers' list and detail with the
steps, attachments, response times by branch, and the deadline settings."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.care import services
from dangjian.care.forms import (
    AnswerForm,
    AssignForm,
    AttachForm,
    CareSettingsForm,
    ConfirmForm,
    NeedSubmitForm,
    NoteForm,
    ReasonForm,
)
from dangjian.care.models import Need, NeedState, NeedVisibility
from dangjian.care.selectors import needs as selectors
from dangjian.care.selectors.settings import effective_care_settings, own_care_settings
from dangjian.core.calendar import working_calendar
from dangjian.core.errors import DomainError
from dangjian.core.years import YEAR_MIN
from dangjian.edge.http import page, submit
from dangjian.edge.paging import paginate
from dangjian.orgs.models import Organisation
from dangjian.orgs.permissions import access_org


@page
def my_needs(request: AuthedRequest) -> HttpResponse:
    needs = list(selectors.my_needs(request.user))
    today = timezone.localdate()
    for need in needs:
        need.overdue_now = need.is_overdue(today)
    return render(
        request,
        "care/my_needs.html",
        {"needs": needs, "today": today, "has_member": scope_for(request.user).member_id is not None},
    )


@page
@require_http_methods(["GET", "POST"])
def need_create(request: AuthedRequest) -> HttpResponse:
    form = NeedSubmitForm(request.POST or None, request.FILES or None)
    has_member = scope_for(request.user).member_id is not None
    if done := submit(
        request,
        form,
        lambda data: services.need_submit(
            actor=request.user,
            category=data["category"],
            title=data["title"],
            description=data["description"],
            visibility=data["visibility"],
            uploads=data["files"],
        ),
        success=lambda need: (
            _("Your need has been sent to %(branch)s. It will be accepted by %(day)s.")
            % {"branch": need.org.name, "day": need.accept_due.isoformat()}
        ),
    ):
        return redirect("care:need-detail", pk=done.result.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "care/need_form.html", {"form": form, "has_member": has_member}, status=status)


def _detail(request: AuthedRequest, need: Need, *, status: int = 200, error: str = "", **forms) -> HttpResponse:
    """The need's page, with the steps the actor may take (forms passed in keep their errors)."""
    today = timezone.localdate()
    member_id = scope_for(request.user).member_id
    full = need.access == selectors.Access.FULL
    is_owner = member_id == need.member_id
    can_handle = selectors.can_handle_need(request.user, need)
    context = {
        "need": need,
        "states": NeedState.choices,  # the need's way, shown as steps
        "today": today,
        "overdue": need.is_overdue(today),
        "full": full,
        "is_owner": is_owner,
        "can_handle": can_handle,
        "events": selectors.need_events(need) if full else [],
        "attachments": list(need.attachments.all()) if full else [],
        "error": error,
    }
    if is_owner:
        context["confirm_form"] = forms.get("confirm_form") or ConfirmForm()
        context["reopen_form"] = forms.get("reopen_form") or ReasonForm(prefix="reopen")
        context["attach_form"] = forms.get("attach_form") or AttachForm()
        context["can_widen"] = need.visibility == NeedVisibility.SECRETARY and need.state != NeedState.CLOSED
    if can_handle:
        context["note_form"] = forms.get("note_form") or NoteForm()
        context["answer_form"] = forms.get("answer_form") or AnswerForm()
        context["assign_form"] = forms.get("assign_form") or AssignForm(officers=selectors.need_delegates(need))
    return render(request, "care/need_detail.html", context, status=status)


@page
def need_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.access_need(request.user, pk))


def _step(request: AuthedRequest, pk: int, call, success: str) -> HttpResponse:
    """Run a step without a form (accept, mark as a hardship, widen): a refusal re-renders the page with 400."""
    need = selectors.access_need(request.user, pk, full=True)
    try:
        call(actor=request.user, need=need)
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        return _detail(request, need, status=400, error=exc.message)
    messages.success(request, success)
    return redirect("care:need-detail", pk=need.pk)


def _form_step(
    request: AuthedRequest,
    pk: int,
    form_class: type[forms.Form],
    form_name: str,
    call: Callable[[Need, dict[str, Any]], object],
    success: str,
    **form_kwargs: Any,
) -> HttpResponse:
    """Run a step with a form: invalid input or a refusal re-renders the page with the form and 400."""
    need = selectors.access_need(request.user, pk, full=True)
    if form_class is AssignForm:
        form_kwargs["officers"] = selectors.need_delegates(need)
    form = form_class(request.POST, request.FILES or None, **form_kwargs)
    if submit(request, form, lambda data: call(need, data), success=success):
        return redirect("care:need-detail", pk=need.pk)
    return _detail(request, need, status=400, **{form_name: form})


@page
@require_POST
def need_accept(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.need_accept, _("The need has been accepted; the member has been told."))


@page
@require_POST
def need_hardship(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        services.need_mark_hardship,
        _("The need is marked as a hardship; a required talk with the member is on the to-do list."),
    )


@page
@require_POST
def need_widen(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.need_widen, _("The Party committee can now read your need."))


@page
@require_POST
def need_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_step(
        request,
        pk,
        AssignForm,
        "assign_form",
        lambda need, data: services.need_assign(actor=request.user, need=need, officer=data["officer"]),
        _("The need has been delegated."),
    )


@page
@require_POST
def need_note(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_step(
        request,
        pk,
        NoteForm,
        "note_form",
        lambda need, data: services.need_note(actor=request.user, need=need, text=data["text"]),
        _("The progress note has been added; the member has been told."),
    )


@page
@require_POST
def need_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_step(
        request,
        pk,
        AnswerForm,
        "answer_form",
        lambda need, data: services.need_answer(actor=request.user, need=need, answer=data["answer"]),
        _("The answer has been sent to the member."),
    )


@page
@require_POST
def need_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_step(
        request,
        pk,
        ConfirmForm,
        "confirm_form",
        lambda need, data: services.need_confirm(
            actor=request.user, need=need, rating=data["rating"], comment=data["comment"]
        ),
        _("Thank you: the need is closed."),
    )


@page
@require_POST
def need_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_step(
        request,
        pk,
        ReasonForm,
        "reopen_form",
        lambda need, data: services.need_reopen(actor=request.user, need=need, reason=data["reason"]),
        _("The need has been reopened and sent back to the branch."),
        prefix="reopen",
    )


@page
@require_POST
def need_attach(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_step(
        request,
        pk,
        AttachForm,
        "attach_form",
        lambda need, data: services.need_attachment_add(actor=request.user, need=need, uploads=data["files"]),
        _("The files have been attached."),
    )


@page
def need_attachment(request: AuthedRequest, pk: int, attachment_id: int) -> HttpResponse:
    attachment = selectors.access_need_attachment(request.user, pk, attachment_id)
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _org_choice(request: AuthedRequest) -> Organisation | None:
    org_id = request.GET.get("org")
    if not org_id:
        return None
    return access_org(request.user, org_id, Perm.MANAGE_CARE)


STATE_FILTERS = [
    ("open", _("Open")),
    ("overdue", _("Overdue")),
    (NeedState.ANSWERED, _("Answered")),
    (NeedState.CLOSED, _("Closed")),
    ("all", _("All")),
]


@page(perm=Perm.MANAGE_CARE)
def need_list(request: AuthedRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    if state not in dict(STATE_FILTERS):
        state = "open"
    org = _org_choice(request)
    today = timezone.localdate()
    page_obj = paginate(
        request, selectors.officer_needs(request.user, selectors.NeedFilters(state=state, org=org), today)
    )
    for need in page_obj:
        need.overdue_now = need.is_overdue(today)
    return render(
        request,
        "care/need_list.html",
        {"page_obj": page_obj, "state": state, "states": STATE_FILTERS, "org": org, "today": today},
    )


@page(perm=Perm.MANAGE_CARE)
def need_stats(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, YEAR_MIN), today.year)
    rows = selectors.need_stats(request.user, year=year, calendar=working_calendar(), today=today)
    return render(
        request,
        "care/need_stats.html",
        {"rows": rows, "year": year, "years": list(range(today.year, today.year - 5, -1))},
    )


@page(perm=Perm.MANAGE_CARE)
@require_http_methods(["GET", "POST"])
def care_settings(request: AuthedRequest, org_id: int) -> HttpResponse:
    org = access_org(request.user, org_id, Perm.MANAGE_CARE)
    above = effective_care_settings(org, own=False)
    inherited = {
        "accept_working_days": str(above.accept_working_days),
        "answer_working_days": str(above.answer_working_days),
    }
    own = own_care_settings(org)
    initial = {"accept_working_days": own.accept_working_days, "answer_working_days": own.answer_working_days}
    form = CareSettingsForm(request.POST or None, initial=initial, inherited=inherited)
    if submit(
        request,
        form,
        lambda data: services.care_settings_update(
            actor=request.user,
            org=org,
            accept_working_days=data["accept_working_days"],
            answer_working_days=data["answer_working_days"],
        ),
        success=_("The deadlines for needs at %(org)s have been saved.") % {"org": org.name},
    ):
        return redirect("care:settings", org_id=org.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "care/settings.html",
        {"form": form, "org": org, "effective": effective_care_settings(org)},
        status=status,
    )


urlpatterns = [
    path("my/needs/", my_needs, name="my-needs"),
    path("needs/new/", need_create, name="need-create"),
    path("needs/", need_list, name="need-list"),
    path("needs/stats/", need_stats, name="need-stats"),
    path("needs/<int:pk>/", need_detail, name="need-detail"),
    path("needs/<int:pk>/accept/", need_accept, name="need-accept"),
    path("needs/<int:pk>/assign/", need_assign, name="need-assign"),
    path("needs/<int:pk>/note/", need_note, name="need-note"),
    path("needs/<int:pk>/answer/", need_answer, name="need-answer"),
    path("needs/<int:pk>/hardship/", need_hardship, name="need-hardship"),
    path("needs/<int:pk>/confirm/", need_confirm, name="need-confirm"),
    path("needs/<int:pk>/reopen/", need_reopen, name="need-reopen"),
    path("needs/<int:pk>/widen/", need_widen, name="need-widen"),
    path("needs/<int:pk>/attach/", need_attach, name="need-attach"),
    path("needs/<int:pk>/attachments/<int:attachment_id>/", need_attachment, name="need-attachment"),
    path("orgs/<int:org_id>/settings/", care_settings, name="settings"),
]
