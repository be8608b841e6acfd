"""The tally, the committee's proposal, the general meeting's decision, results and their follow-up."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import scope_for
from dangjian.edge.http import form_status, page, submit
from dangjian.evaluation import rules, selectors, services
from dangjian.evaluation.appeals import KIND as APPEAL_KIND
from dangjian.evaluation.forms import DecisionForm, PlanCloseForm, PlanForm, ProposalForm
from dangjian.evaluation.rules import Phase


@page
@require_GET
def tally(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk, manage=True)
    context = {
        "campaign": campaign,
        "tally": selectors.tally(campaign=campaign),
        "criteria": rules.CRITERIA,
        "grades": rules.Grade.choices,
    }
    return render(request, "evaluation/tally.html", context)


@page
@require_http_methods(["GET", "POST"])
def proposal(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk, manage=True)
    graded = list(selectors.participants(campaign).filter(is_full=True))
    results = {r.member_id: r for r in selectors.results_of(campaign)}
    form = ProposalForm(request.POST or None, graded=graded, results=results)
    warning = selectors.excellent_warning(campaign, [r.proposed_grade for r in results.values()])
    if done := submit(
        request,
        form,
        lambda data: services.proposal_submit(
            actor=request.user, campaign=campaign, grades=form.grades(), notes=form.notes()
        ),
        success=_("The proposed grades have been saved."),
    ):
        if done.result.warning:
            messages.warning(request, done.result.warning)
        return redirect("evaluation:proposal", pk=campaign.pk)
    context = {
        "campaign": campaign,
        "form": form,
        "tally": selectors.tally(campaign=campaign),
        "criteria": rules.CRITERIA,
        "grades": rules.Grade.choices,
        "warning": warning,
        "open": campaign.phase == Phase.PROPOSAL,
        "probationary": selectors.participants(campaign).filter(is_full=False),
    }
    return render(request, "evaluation/proposal.html", context, status=form_status(form))


@page
@require_http_methods(["GET", "POST"])
def decision(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk, manage=True)
    results = list(selectors.results_of(campaign))
    entitled = campaign.participants.filter(is_full=True).count()
    initial = {}
    if campaign.meeting_on:
        initial = {
            "meeting_on": campaign.meeting_on,
            "entitled": campaign.meeting_entitled,
            "attended": campaign.meeting_attended,
            "note": campaign.meeting_note,
        }
    form = DecisionForm(request.POST or None, results=results, entitled=entitled, initial=initial)
    if submit(
        request,
        form,
        lambda data: services.decision_record(
            actor=request.user,
            campaign=campaign,
            meeting_on=data["meeting_on"],
            entitled=data["entitled"],
            attended=data["attended"],
            grades=form.grades(),
            note=data["note"],
        ),
        success=_("The general meeting's decision has been recorded."),
    ):
        return redirect("evaluation:campaign-detail", pk=campaign.pk)
    context = {"campaign": campaign, "form": form, "open": campaign.phase == Phase.DECISION, "results": results}
    return render(request, "evaluation/decision.html", context, status=form_status(form))


@page
@require_GET
def results_list(request: AuthedRequest, pk: int) -> HttpResponse:
    """All results of a campaign, for its officers, by name (no ranking)."""
    campaign = selectors.access_campaign(request.user, pk, manage=True)
    context = {"campaign": campaign, "results": selectors.results_of(campaign)}
    return render(request, "evaluation/results_list.html", context)


@page
@require_GET
def my_results(request: AuthedRequest) -> HttpResponse:
    return render(request, "evaluation/my_results.html", {"results": selectors.my_results(actor=request.user)})


def _appeal_url(result) -> str:
    return f"{reverse('rights:appeal-create')}?decision={APPEAL_KIND}:{result.pk}"


@page
@require_GET
def result_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    result = selectors.access_result(request.user, pk)
    own = result.member_id == scope_for(request.user).member_id
    context = {
        "result": result,
        "campaign": result.campaign,
        "own": own,
        "can_manage": selectors.can_manage_campaign(request.user, result.campaign),
        "plan": selectors.improvement_plan_of(result),
        "follow_up": result.decided_grade in rules.FOLLOW_UP_GRADES,
        "appeal_url": _appeal_url(result) if own and result.campaign.phase == Phase.CLOSED else "",
    }
    return render(request, "evaluation/result_detail.html", context)


@page
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthedRequest, pk: int) -> HttpResponse:
    result = selectors.access_result(request.user, pk, manage=True)
    form = PlanForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.improvement_plan_create(
            actor=request.user, result=result, content=data["content"], deadline=data["deadline"]
        ),
        success=_("The improvement plan has been recorded."),
    ):
        return redirect("evaluation:result-detail", pk=result.pk)
    limit = rules.improvement_deadline_limit(result.campaign.meeting_on) if result.campaign.meeting_on else None
    context = {"result": result, "form": form, "limit": limit}
    return render(request, "evaluation/plan_form.html", context, status=form_status(form))


@page
@require_http_methods(["GET", "POST"])
def plan_close(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.access_improvement_plan(request.user, pk)
    form = PlanCloseForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.improvement_plan_close(
            actor=request.user, plan=plan, outcome=data["outcome"], closed_on=data["closed_on"]
        ),
        success=_("The improvement plan has been closed."),
    ):
        return redirect("evaluation:result-detail", pk=plan.result_id)
    context = {"plan": plan, "result": plan.result, "form": form}
    return render(request, "evaluation/plan_close.html", context, status=form_status(form))


urlpatterns = [
    path("campaigns/<int:pk>/tally/", tally, name="tally"),
    path("campaigns/<int:pk>/proposal/", proposal, name="proposal"),
    path("campaigns/<int:pk>/decision/", decision, name="decision"),
    path("campaigns/<int:pk>/results/", results_list, name="result-list"),
    path("my-results/", my_results, name="my-results"),
    path("results/<int:pk>/", result_detail, name="result-detail"),
    path("results/<int:pk>/plan/", plan_create, name="plan-create"),
    path("plans/<int:pk>/close/", plan_close, name="plan-close"),
]
