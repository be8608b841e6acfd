"""Campaign pages: the list, starting a campaign, its overview and settings, moving it on."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.accounts.http import AuthedRequest
from dangjian.core.errors import DomainError
from dangjian.edge.http import form_status, page, submit
from dangjian.edge.paging import paginate
from dangjian.evaluation import selectors, services
from dangjian.evaluation.forms import AdvanceForm, CampaignForm, CampaignSettingsForm
from dangjian.evaluation.rules import Phase
from dangjian.orgs.permissions import access_org


@page
@require_GET
def campaign_list(request: AuthedRequest) -> HttpResponse:
    context = {
        "page_obj": paginate(request, selectors.campaign_list(actor=request.user)),
        "can_create": selectors.manageable_branches(request.user).exists(),
    }
    return render(request, "evaluation/campaign_list.html", context)


@page(perm=selectors.PERM)
@require_http_methods(["GET", "POST"])
def campaign_create(request: AuthedRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, orgs=selectors.manageable_branches(request.user))
    if done := submit(
        request,
        form,
        lambda data: services.campaign_create(
            actor=request.user,
            org=access_org(request.user, data["org"], selectors.PERM),
            year=data["year"],
            with_non_members=data["with_non_members"],
            excellent_limit=data["excellent_limit"],
            mutual_closes_at=data["mutual_closes_at"],
        ),
        success=_("The democratic evaluation has begun with the study phase."),
    ):
        return redirect("evaluation:campaign-detail", pk=done.result.pk)
    return render(request, "evaluation/campaign_form.html", {"form": form, "campaign": None}, status=form_status(form))


@page
@require_GET
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk)
    overview = selectors.campaign_overview(actor=request.user, campaign=campaign)
    context = {
        "campaign": campaign,
        "overview": overview,
        "advance_form": AdvanceForm(initial={"expected": campaign.phase}),
        "Phase": Phase,
        "participants": selectors.participants(campaign) if overview.can_manage else [],
        "submitted_ids": set(campaign.self_assessments.values_list("member_id", flat=True))
        if overview.can_manage
        else set(),
    }
    if overview.can_manage and campaign.with_non_members:
        context["codes_total"], context["codes_used"] = selectors.non_member_code_counts(campaign)
    return render(request, "evaluation/campaign_detail.html", context)


@page
@require_http_methods(["GET", "POST"])
def campaign_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk, manage=True)
    form = CampaignSettingsForm(request.POST or None, campaign=campaign)
    if submit(
        request,
        form,
        lambda data: services.campaign_update(
            actor=request.user,
            campaign=campaign,
            with_non_members=data["with_non_members"],
            excellent_limit=data["excellent_limit"],
            mutual_closes_at=data["mutual_closes_at"],
        ),
        success=_("The settings have been saved."),
    ):
        return redirect("evaluation:campaign-detail", pk=campaign.pk)
    context = {"form": form, "campaign": campaign}
    return render(request, "evaluation/campaign_form.html", context, status=form_status(form))


@page
@require_POST
def campaign_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk, manage=True)
    form = AdvanceForm(request.POST)
    expected = form.cleaned_data["expected"] if form.is_valid() else None
    try:
        campaign = services.campaign_advance(actor=request.user, campaign=campaign, expected=expected)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The campaign has moved on to “%(phase)s”.") % {"phase": campaign.get_phase_display()}
        )
    return redirect("evaluation:campaign-detail", pk=campaign.pk)


urlpatterns = [
    path("", campaign_list, name="campaign-list"),
    path("campaigns/new/", campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/settings/", campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/advance/", campaign_advance, name="campaign-advance"),
]
