import math

from axes.helpers import get_client_username
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from dangjian.accounts import audit_actions, selectors, services
from dangjian.accounts import selectors as account_selectors
from dangjian.accounts.forms import AuditFilterForm, LoginForm, PasswordChangeForm
from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm, access_token
from dangjian.core.errors import DomainError
from dangjian.edge.http import HtmxHttpRequest, page, submit
from dangjian.edge.paging import paginate
from dangjian.edge.xlsx import xlsx_response

login_view = LoginView.as_view(
    template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
)
logout_view = LogoutView.as_view()  # POST only


def locked_out(request, original_response=None, credentials=None, *args, **kwargs) -> HttpResponse:
    """django-axes calls this when an account and address are locked after repeated failures."""
    username = get_client_username(request, credentials) or ""
    remaining = selectors.lockout_remaining(request=request, username=username)
    minutes = max(1, math.ceil(remaining.total_seconds() / 60)) if remaining else None
    response = render(request, "accounts/locked_out.html", {"minutes": minutes, "username": username}, status=429)
    if remaining:
        response["Retry-After"] = str(math.ceil(remaining.total_seconds()))
    else:
        request.retry_after = None  # only an administrator lifts this lock
    return response


@page
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if done := submit(
        request,
        form,
        lambda data: services.password_change(
            actor=request.user, old_password=data["old_password"], new_password=data["new_password"]
        ),
        success=_("Your password has been changed."),
    ):
        update_session_auth_hash(request, done.result)
        return redirect("web:home")
    context = {
        "form": form,
        "forced": request.user.must_change_password,
        "tokens": selectors.token_list(actor=request.user),
    }
    return render(request, "accounts/password_change.html", context)


@page
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    services.token_revoke(actor=request.user, token=access_token(request.user, pk))
    messages.success(request, _("The token has been revoked."))
    return redirect(reverse("accounts:password-change") + "#tokens")


@page(perm=Perm.VIEW_AUDIT)
@vary_on_headers("HX-Request")
def audit_list(request: HtmxHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET, actions=account_selectors.audit_actions())
    events = paginate(request, account_selectors.audit_list(actor=request.user, filters=form.filters()))
    for event in events:
        event.action_label = audit_actions.label(event.action)
    template = "accounts/audit_list.html"
    if request.htmx and request.htmx.target == "audit-results":
        template += "#results"
        return render(request, template, {"form": form, "page_obj": events})
    chain = account_selectors.audit_chain_status(actor=request.user)
    return render(request, template, {"form": form, "page_obj": events, "chain": chain})


@page(perm=Perm.VIEW_AUDIT)
@require_POST
def audit_verify(request: AuthedRequest) -> HttpResponse:
    """An administrator asks for the whole log to be verified now, on the background worker."""
    services.audit_chain_verify(actor=request.user)
    messages.success(
        request, _("The verification has been started; its result appears here when the background worker has run it.")
    )
    return redirect("accounts:audit-list")


@page(perm=Perm.VIEW_AUDIT)
@require_GET
def audit_export(request: AuthedRequest) -> HttpResponse:
    """Every event the log shows under the same filters, as .xlsx; too many is refused with a message."""
    form = AuditFilterForm(request.GET, actions=account_selectors.audit_actions())
    try:
        export = services.audit_export(actor=request.user, filters=form.filters())
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        messages.error(request, exc.message)
        return redirect(reverse("accounts:audit-list") + (f"?{request.GET.urlencode()}" if request.GET else ""))
    return xlsx_response(export.content, export.filename)
