"""Self-assessment, the secret ballot and its receipt, and the non-members' assessment with a one-time code."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.accounts.http import AuthedRequest
from dangjian.core.errors import DomainError
from dangjian.edge.http import add_domain_error, form_status, page, submit
from dangjian.evaluation import rules, selectors, services
from dangjian.evaluation.forms import BallotForm, CodeForm, CodesForm, NonMemberForm, ReceiptForm, SelfAssessmentForm
from dangjian.members.permissions import access_member


@page
@require_http_methods(["GET", "POST"])
def self_assessment(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk)
    participant = selectors.participant_of(request.user, campaign)
    if participant is None:
        raise Http404()
    assessment = selectors.self_assessment_of(campaign, participant.member)
    form = SelfAssessmentForm(request.POST or None, assessment=assessment)
    if submit(
        request,
        form,
        lambda data: services.self_assessment_submit(actor=request.user, campaign=campaign, **form.data_for_service()),
        success=_("Your self-assessment has been handed in."),
    ):
        return redirect("evaluation:campaign-detail", pk=campaign.pk)
    context = {
        "campaign": campaign,
        "form": form,
        "open": campaign.phase in rules.SELF_ASSESSMENT_PHASES,
        "recognitions": selectors.recognitions_of(participant.member),
        "scale": sorted(rules.SCALE_LABELS.items(), reverse=True),
    }
    return render(request, "evaluation/self_assessment_form.html", context, status=form_status(form))


@page
@require_GET
def self_assessment_view(request: AuthedRequest, pk: int, member_id: int) -> HttpResponse:
    """A member's self-assessment, for the officers who run the campaign."""
    campaign = selectors.access_campaign(request.user, pk, manage=True)
    member = access_member(request.user, member_id)
    if not campaign.participants.filter(member=member).exists():
        raise Http404()
    context = {
        "campaign": campaign,
        "member": member,
        "assessment": selectors.self_assessment_of(campaign, member),
        "criteria": rules.CRITERIA,
        "recognitions": selectors.recognitions_of(member),
    }
    return render(request, "evaluation/self_assessment_detail.html", context)


@page
@never_cache
@require_http_methods(["GET", "POST"])
def ballot(request: AuthedRequest, pk: int) -> HttpResponse:
    """The secret ballot. The receipt is shown in the answer to the POST itself: it is never stored in a
    session or a message, and a reload of the page cannot cast a second ballot."""
    campaign = selectors.access_campaign(request.user, pk)
    state = selectors.ballot_form(actor=request.user, campaign=campaign)
    form = BallotForm(request.POST or None, subjects=state.subjects)
    if request.method == "POST" and request.POST.get("fill") == "rest":
        # "Rate the rest 合格" without a script: the ballot comes back filled in, nothing is cast.
        form = form.rest_as_qualified()
    elif done := submit(
        request, form, lambda data: services.ballot_cast(actor=request.user, campaign=campaign, ratings=form.ratings())
    ):
        return render(request, "evaluation/ballot_receipt.html", {"campaign": campaign, "receipt": done.result})
    if form.errors:  # the ballot may have been refused because the state changed: show it as it is now
        state = selectors.ballot_form(actor=request.user, campaign=campaign)
    context = {
        "campaign": campaign,
        "state": state,
        "form": form,
        "criteria": rules.CRITERIA,
    }
    return render(request, "evaluation/ballot_form.html", context, status=form_status(form))


@page
@never_cache
@require_http_methods(["GET", "POST"])
def receipt_check(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk)
    form = ReceiptForm(request.POST or None)
    counted = None
    if request.method == "POST" and form.is_valid():
        counted = selectors.receipt_counted(campaign=campaign, receipt=form.cleaned_data["receipt"])
    context = {"campaign": campaign, "form": form, "counted": counted}
    return render(request, "evaluation/receipt_check.html", context, status=400 if form.errors else 200)


@page
@never_cache
@require_http_methods(["GET", "POST"])
def codes(request: AuthedRequest, pk: int) -> HttpResponse:
    """One-time codes for non-members: generated and shown once, never again."""
    campaign = selectors.access_campaign(request.user, pk, manage=True)
    form = CodesForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.non_member_codes_generate(actor=request.user, campaign=campaign, count=data["count"]),
    )
    generated = done.result if done else []
    total, used = selectors.non_member_code_counts(campaign)
    context = {"campaign": campaign, "form": form, "generated": generated, "total": total, "used": used}
    return render(request, "evaluation/codes.html", context, status=form_status(form))


@never_cache
@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest) -> HttpResponse:
    """The public page of the non-members' assessment: no login, a one-time code instead.

    First the code (POST, so that it never appears in an address or a log), then the members' ratings."""
    if request.method == "POST" and request.POST.get("step") != "rate":
        code_form = CodeForm(request.POST)
        if done := submit(request, code_form, lambda data: services.non_member_campaign_for(data["code"])):
            campaign = done.result
            form = NonMemberForm(
                initial={"code": code_form.cleaned_data["code"]}, subjects=selectors.participants(campaign)
            )
            return render(request, "evaluation/assess.html", {"campaign": campaign, "form": form})
        return render(request, "evaluation/assess.html", {"code_form": code_form}, status=400)
    if request.method == "POST":
        code = request.POST.get("code", "")
        try:
            campaign = services.non_member_campaign_for(code)
        except DomainError as exc:
            code_form = CodeForm({"code": code[:40]})
            code_form.is_valid()
            add_domain_error(code_form, exc)  # the code of a rating form that no longer opens anything
            return render(request, "evaluation/assess.html", {"code_form": code_form}, status=400)
        form = NonMemberForm(request.POST, subjects=selectors.participants(campaign))
        if submit(request, form, lambda data: services.non_member_assess(code=data["code"], ratings=form.ratings())):
            return render(request, "evaluation/assess.html", {"done": True, "campaign": campaign})
        return render(request, "evaluation/assess.html", {"campaign": campaign, "form": form}, status=400)
    return render(request, "evaluation/assess.html", {"code_form": CodeForm()})


urlpatterns = [
    path("campaigns/<int:pk>/self-assessment/", self_assessment, name="self-assessment"),
    path("campaigns/<int:pk>/self-assessments/<int:member_id>/", self_assessment_view, name="self-assessment-view"),
    path("campaigns/<int:pk>/ballot/", ballot, name="ballot"),
    path("campaigns/<int:pk>/receipt/", receipt_check, name="receipt-check"),
    path("campaigns/<int:pk>/codes/", codes, name="codes"),
    path("assess/", assess, name="assess"),
]
