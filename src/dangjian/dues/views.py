"""Pages of dues: the month's ledger of a branch (the collector records payments there and sees who is
behind), a member's own dues with how they are computed, base declarations, and hardship reliefs."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import NotFound
from dangjian.dues import rules, selectors, services
from dangjian.dues.forms import BaseForm, GenerateForm, PaymentForm, ReliefForm, parse_month
from dangjian.edge.http import act, form_status, page, submit
from dangjian.edge.paging import paginate
from dangjian.members.models import Member
from dangjian.members.selectors import actor_member
from dangjian.orgs.selectors import home_branch


def _ledger_url(org_id: int | None, month) -> str:
    query = f"?month={month:%Y-%m}" + (f"&org={org_id}" if org_id else "")
    return reverse("dues:ledger") + query


@page(perm=Perm.VIEW_MEMBERS)
@require_GET
def ledger(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    current = rules.month_of(today)
    orgs = selectors.ledger_orgs(actor=request.user)
    raw = request.GET.get("org", "")
    org = orgs.filter(pk=raw).first() if raw.isdigit() else selectors.default_ledger_org(actor=request.user)
    month = min(parse_month(request.GET.get("month"), current), current)
    context: dict = {"orgs": orgs, "org": org, "month": month, "current": current, "ruleset": rules.ruleset_for(month)}
    if org is not None:
        page_obj = paginate(request, selectors.ledger_members(actor=request.user, org=org))
        collects = scope_for(request.user).allows(Perm.MANAGE_MEMBERS, org.path)
        context |= {
            "page_obj": page_obj,
            "rows": selectors.ledger_rows(list(page_obj), month, today),
            "totals": selectors.ledger_totals(actor=request.user, org=org, month=month),
            "arrears": selectors.arrears_list(actor=request.user, org=org, today=today),
            "collects": collects,
            "can_generate": collects and org.kind in selectors.LEDGER_ORGS,
            "pending": list(selectors.pending_bases(actor=request.user, org=org)[:100]) if collects else [],
            "reliefs": selectors.relief_list(actor=request.user, org=org) if collects else [],
        }
    return render(request, "dues/ledger.html", context)


@page(perm=Perm.MANAGE_MEMBERS)
@require_POST
def ledger_generate(request: AuthedRequest) -> HttpResponse:
    form = GenerateForm(request.POST)
    raw = request.POST.get("org", "")
    orgs = selectors.ledger_orgs(actor=request.user, perm=Perm.MANAGE_MEMBERS)
    org = orgs.filter(pk=raw).first() if raw.isdigit() else None
    if org is None:
        raise NotFound()
    if done := submit(
        request,
        form,
        lambda data: services.ledger_generate(actor=request.user, org=org, month=data["month"]),
        success=lambda done: (
            _("%(month)s: %(created)s lines written, %(existing)s already there.")
            % {"month": f"{done.month:%Y-%m}", "created": done.created, "existing": done.existing}
        ),
    ):
        if done.result.missing_base:
            names = "、".join(m.name for m in done.result.missing_base[:20])
            messages.warning(
                request,
                _(
                    "No confirmed base, so no line for: %(names)s%(more)s. Declare or confirm their bases, then generate again."
                )
                % {"names": names, "more": "…" if len(done.result.missing_base) > 20 else ""},
            )
        return redirect(_ledger_url(org.pk, done.result.month))
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(_ledger_url(org.pk, form.cleaned_data.get("month") or rules.month_of(timezone.localdate())))


@page
@require_http_methods(["GET", "POST"])
def payment_record(request: AuthedRequest, pk: int) -> HttpResponse:
    member = selectors.access_member(request.user, pk, Perm.MANAGE_MEMBERS)
    lines = list(selectors.unpaid_lines(member=member))
    form = PaymentForm(request.POST or None, lines=lines)
    if done := submit(
        request,
        form,
        lambda data: services.payment_record(actor=request.user, member=member, **data),
        success=lambda lines: (
            _("%(name)s's payment for %(months)s has been recorded.")
            % {"name": member.name, "months": "、".join(f"{line.month:%Y-%m}" for line in lines)}
        ),
    ):
        return redirect(_ledger_url(_branch_id(member), done.result[-1].month))
    today = timezone.localdate()
    context = {
        "form": form,
        "member": member,
        "lines": lines,
        "arrears": rules.arrears([line.month for line in lines], today),
        "ruleset": rules.ruleset_for(rules.month_of(today)),
    }
    return render(request, "dues/payment_form.html", context, status=form_status(form))


def _branch_id(member: Member) -> int | None:
    branch = home_branch(member.org)
    return branch.pk if branch is not None else None


@page
@require_GET
def my_dues(request: AuthedRequest) -> HttpResponse:
    member = actor_member(request.user)
    context: dict = {"member": member}
    if member is not None:
        context["dues"] = selectors.member_dues(member=member, today=timezone.localdate())
    return render(request, "dues/my_dues.html", context)


def _declare(request: AuthedRequest, member: Member, own: bool) -> HttpResponse:
    initial = {"payer_class": rules.default_class(member.category)}
    form = BaseForm(request.POST or None, initial=initial)
    if submit(
        request,
        form,
        lambda data: services.base_declare(actor=request.user, member=member, **data),
        success=_("The base has been declared; the branch will confirm it.")
        if own
        else _("The base has been recorded."),
    ):
        return redirect("dues:my-dues") if own else redirect(_ledger_url(_branch_id(member), timezone.localdate()))
    return render(
        request, "dues/base_form.html", {"form": form, "member": member, "own": own}, status=form_status(form)
    )


@page
@require_http_methods(["GET", "POST"])
def base_declare(request: AuthedRequest) -> HttpResponse:
    """A member declares their own base."""
    member = actor_member(request.user)
    if member is None or member.org is None:
        raise NotFound()
    return _declare(request, member, own=True)


@page
@require_http_methods(["GET", "POST"])
def member_base_declare(request: AuthedRequest, pk: int) -> HttpResponse:
    """The collector enters a member's base (confirmed at once)."""
    return _declare(request, selectors.access_member(request.user, pk, Perm.MANAGE_MEMBERS), own=False)


@page
@require_POST
def base_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    base = selectors.access_base(request.user, pk)
    act(
        request,
        lambda: services.base_confirm(actor=request.user, base=base),
        success=_("%(name)s's base has been confirmed.") % {"name": base.member.name},
    )
    return redirect(_ledger_url(_branch_id(base.member), timezone.localdate()))


@page
@require_http_methods(["GET", "POST"])
def relief_propose(request: AuthedRequest, pk: int) -> HttpResponse:
    member = selectors.access_member(request.user, pk, Perm.MANAGE_MEMBERS)
    form = ReliefForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.relief_propose(actor=request.user, member=member, **data),
        success=_("The branch's decision has been recorded; it applies once the committee approves it."),
    ):
        return redirect(_ledger_url(_branch_id(member), timezone.localdate()))
    return render(request, "dues/relief_form.html", {"form": form, "member": member}, status=form_status(form))


@page
@require_POST
def relief_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    relief = selectors.access_relief(request.user, pk)
    act(
        request,
        lambda: services.relief_approve(actor=request.user, relief=relief),
        success=_("The relief of %(name)s has been approved.") % {"name": relief.member.name},
    )
    return redirect(_ledger_url(_branch_id(relief.member), timezone.localdate()))


urlpatterns = [
    path("", ledger, name="ledger"),
    path("generate/", ledger_generate, name="ledger-generate"),
    path("mine/", my_dues, name="my-dues"),
    path("mine/base/", base_declare, name="base-declare"),
    path("members/<int:pk>/pay/", payment_record, name="payment-record"),
    path("members/<int:pk>/base/", member_base_declare, name="member-base-declare"),
    path("members/<int:pk>/relief/", relief_propose, name="relief-propose"),
    path("bases/<int:pk>/confirm/", base_confirm, name="base-confirm"),
    path("reliefs/<int:pk>/approve/", relief_approve, name="relief-approve"),
]
