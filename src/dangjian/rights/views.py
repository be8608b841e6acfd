"""Pages: the rights, a member's opinions and appeals, the follow-up by code, and the officers' inboxes."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import DomainError, Forbidden, NotFound
from dangjian.edge.http import page, submit
from dangjian.edge.paging import paginate
from dangjian.members.selectors import actor_member
from dangjian.rights import rules, selectors, services
from dangjian.rights.forms import (
    AnswerForm,
    AppealFilterForm,
    AppealForm,
    FollowUpForm,
    OpinionFilterForm,
    OpinionForm,
)
from dangjian.rights.models import Appeal, Opinion, OpinionKind, OpinionStatus


@page
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    overview = selectors.rights_overview(request.user)
    context = {
        "overview": overview,
        "probationary_note": rules.PROBATIONARY_NOTE,
        "care_officer": scope_for(request.user).has_anywhere(Perm.MANAGE_CARE),
    }
    return render(request, "rights/index.html", context)


@page
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    member = actor_member(request.user)
    context = {"member": member, "today": timezone.localdate()}
    if member is not None:
        context |= {
            "opinions": list(selectors.my_opinions(member=member)),
            "appeals": list(selectors.my_appeals(member=member)),
        }
    return render(request, "rights/mine.html", context)


# --- Opinions ----------------------------------------------------------------------------------


@page
@never_cache  # the answer to an anonymous opinion carries its follow-up code: keep it out of every cache
@require_http_methods(["GET", "POST"])
def opinion_create(request: AuthedRequest) -> HttpResponse:
    member = actor_member(request.user)
    if member is not None and member.org_id is None:
        member = None  # no longer in an organisation here: there is nowhere to send it from
    kind = request.GET.get("kind")
    form = OpinionForm(request.POST or None, initial={"kind": kind if kind in OpinionKind.values else ""})
    if member is not None and (
        done := submit(
            request,
            form,
            lambda data: services.opinion_create(
                actor=request.user,
                kind=data["kind"],
                target=data["target"] or "branch",
                title=data["title"],
                body=data["body"],
                anonymous=data["anonymous"],
            ),
        )
    ):
        submitted = done.result
        if submitted.follow_up_code:
            # Shown here once and nowhere else: not in a message (kept in the session), not in a URL.
            return render(
                request,
                "rights/opinion_submitted.html",
                {"opinion": submitted.opinion, "code": submitted.follow_up_code},
            )
        messages.success(request, _("Your opinion has been sent to %(org)s.") % {"org": submitted.opinion.org.name})
        return redirect("rights:opinion-detail", pk=submitted.opinion.pk)
    status = 400 if request.method == "POST" else 200
    destinations = None
    if member is not None:
        destinations = {
            "branch": selectors.opinion_destination(member, OpinionKind.SUGGESTION, "branch"),
            "committee": selectors.opinion_destination(member, OpinionKind.SUGGESTION, "committee"),
            "criticism": selectors.opinion_destination(member, OpinionKind.CRITICISM, ""),
        }
    return render(
        request,
        "rights/opinion_form.html",
        {"form": form, "member": member, "destinations": destinations},
        status=status,
    )


def _opinion_context(request: AuthedRequest, opinion: Opinion, form: AnswerForm | None = None) -> dict:
    can_answer = selectors.can_answer_opinion(request.user, opinion) and opinion.status == OpinionStatus.OPEN
    return {
        "opinion": opinion,
        "can_answer": can_answer,
        "form": form or (AnswerForm() if can_answer else None),
        "own": opinion.author_id is not None and opinion.author_id == scope_for(request.user).member_id,
    }


@page
@require_GET
def opinion_detail(request: AuthedRequest, pk) -> HttpResponse:
    opinion = selectors.access_opinion(request.user, pk)
    return render(request, "rights/opinion_detail.html", _opinion_context(request, opinion))


@page
@require_POST
def opinion_answer(request: AuthedRequest, pk) -> HttpResponse:
    opinion = selectors.access_opinion(request.user, pk)
    if not selectors.can_answer_opinion(request.user, opinion):
        raise Forbidden(_("Only the officers of the receiving organisation may answer it."))
    form = AnswerForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.opinion_answer(actor=request.user, opinion=opinion, answer=data["answer"]),
        success=_("The answer has been saved."),
    ):
        return redirect("rights:opinion-detail", pk=opinion.pk)
    context = _opinion_context(request, opinion, form) | {"can_answer": True}
    return render(request, "rights/opinion_detail.html", context, status=400)


@page
@never_cache
@require_http_methods(["GET", "POST"])
def opinion_follow_up(request: AuthedRequest) -> HttpResponse:
    """Read an anonymous opinion and its answer with the follow-up code (sent by POST: never in a URL)."""
    form = FollowUpForm(request.POST or None)
    opinion = None
    if request.method == "POST" and form.is_valid():
        try:
            opinion = selectors.opinion_by_code(form.cleaned_data["code"])
        except NotFound:
            form.add_error("code", _("No opinion has this code. Check it and try again."))
    status = 400 if request.method == "POST" and opinion is None else 200
    return render(request, "rights/opinion_follow_up.html", {"form": form, "opinion": opinion}, status=status)


def _list_template(request: AuthedRequest, template: str) -> str:
    """The whole page, or only its results for the pagination's HTMX request."""
    return f"{template}#results" if request.htmx and request.htmx.target == "rights-results" else template


@page(perm=Perm.MANAGE_CARE)
@require_GET
@vary_on_headers("HX-Request")
def opinion_list(request: AuthedRequest) -> HttpResponse:
    form = OpinionFilterForm(request.GET or None)
    filters = selectors.OpinionFilters(**form.cleaned_data) if form.is_valid() else selectors.OpinionFilters()
    page_obj = paginate(request, selectors.received_opinions(actor=request.user, filters=filters))
    return render(request, _list_template(request, "rights/opinion_list.html"), {"form": form, "page_obj": page_obj})


# --- Appeals -----------------------------------------------------------------------------------


@page
@require_http_methods(["GET", "POST"])
def appeal_create(request: AuthedRequest) -> HttpResponse:
    member = actor_member(request.user)
    if member is not None and member.org_id is None:
        member = None  # no longer in an organisation here: the service refuses an appeal
    decisions = selectors.appealable_decisions(member=member) if member is not None else []
    form = AppealForm(request.POST or None, decisions=decisions, initial={"decision": request.GET.get("decision", "")})

    def appeal(data: dict) -> Appeal:
        kind, object_id = form.decision_ref()
        return services.appeal_create(actor=request.user, kind=kind, object_id=object_id, reasons=data["reasons"])

    if member is not None and (
        done := submit(
            request,
            form,
            appeal,
            success=lambda appeal: (
                _("Your appeal has been sent to %(org)s, which must answer in writing by %(due)s.")
                % {"org": appeal.org.name, "due": appeal.due_on}
            ),
        )
    ):
        return redirect("rights:appeal-detail", pk=done.result.pk)
    context = {
        "form": form,
        "member": member,
        "decisions": decisions,
        "rule": selectors.appeal_deadline_rule(),
    }
    return render(request, "rights/appeal_form.html", context, status=400 if request.method == "POST" else 200)


def _appeal_context(request: AuthedRequest, appeal: Appeal, form: AnswerForm | None = None) -> dict:
    can_handle = selectors.can_handle_appeal(request.user, appeal) and appeal.is_open
    return {
        "appeal": appeal,
        "can_handle": can_handle,
        "form": form or (AnswerForm() if can_handle else None),
        "own": appeal.appellant_id == scope_for(request.user).member_id,
        "overdue": appeal.is_overdue(timezone.localdate()),
        "rule": selectors.appeal_deadline_rule(),
    }


@page
@require_GET
def appeal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    appeal = selectors.access_appeal(request.user, pk)
    return render(request, "rights/appeal_detail.html", _appeal_context(request, appeal))


def _handled_appeal(request: AuthedRequest, pk: int) -> Appeal:
    appeal = selectors.access_appeal(request.user, pk)
    if not selectors.can_handle_appeal(request.user, appeal):
        raise Forbidden(_("Only the officers of the receiving organisation may handle this appeal."))
    return appeal


@page
@require_POST
def appeal_accept(request: AuthedRequest, pk: int) -> HttpResponse:
    appeal = _handled_appeal(request, pk)
    try:
        services.appeal_accept(actor=request.user, appeal=appeal)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The appeal has been accepted; the appellant has been told."))
    return redirect("rights:appeal-detail", pk=appeal.pk)


@page
@require_POST
def appeal_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    appeal = _handled_appeal(request, pk)
    form = AnswerForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.appeal_answer(actor=request.user, appeal=appeal, answer=data["answer"]),
        success=_("The written answer has been sent to the appellant."),
    ):
        return redirect("rights:appeal-detail", pk=appeal.pk)
    context = _appeal_context(request, appeal, form) | {"can_handle": True}
    return render(request, "rights/appeal_detail.html", context, status=400)


@page
@require_POST
def appeal_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    appeal = selectors.access_appeal(request.user, pk)
    if appeal.appellant_id != scope_for(request.user).member_id:
        raise Forbidden(_("Only the appellant may withdraw an appeal."))
    try:
        services.appeal_withdraw(actor=request.user, appeal=appeal)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your appeal has been withdrawn."))
    return redirect("rights:appeal-detail", pk=appeal.pk)


@page(perm=Perm.MANAGE_CARE)
@require_GET
@vary_on_headers("HX-Request")
def appeal_list(request: AuthedRequest) -> HttpResponse:
    form = AppealFilterForm(request.GET or None)
    filters = selectors.AppealFilters(**form.cleaned_data) if form.is_valid() else selectors.AppealFilters()
    today = timezone.localdate()
    page_obj = paginate(request, selectors.received_appeals(actor=request.user, filters=filters, today=today))
    context = {"form": form, "page_obj": page_obj, "today": today}
    return render(request, _list_template(request, "rights/appeal_list.html"), context)


urlpatterns = [
    path("", index, name="index"),
    path("mine/", mine, name="mine"),
    path("opinions/", opinion_list, name="opinion-list"),
    path("opinions/new/", opinion_create, name="opinion-create"),
    path("opinions/follow-up/", opinion_follow_up, name="opinion-follow-up"),
    path("opinions/<uuid:pk>/", opinion_detail, name="opinion-detail"),
    path("opinions/<uuid:pk>/answer/", opinion_answer, name="opinion-answer"),
    path("appeals/", appeal_list, name="appeal-list"),
    path("appeals/new/", appeal_create, name="appeal-create"),
    path("appeals/<int:pk>/", appeal_detail, name="appeal-detail"),
    path("appeals/<int:pk>/accept/", appeal_accept, name="appeal-accept"),
    path("appeals/<int:pk>/answer/", appeal_answer, name="appeal-answer"),
    path("appeals/<int:pk>/withdraw/", appeal_withdraw, name="appeal-withdraw"),
]
