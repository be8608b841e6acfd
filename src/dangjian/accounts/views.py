import math

from axes.helpers import get_client_username
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from dangjian.accounts import selectors, services
from dangjian.accounts import selectors as account_selectors
from dangjian.accounts.forms import (
    ACTION_LABELS,
    AuditFilterForm,
    LoginForm,
    PasswordChangeForm,
    RoleEndForm,
    RoleGrantForm,
)
from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.models import Role, RoleGrant
from dangjian.accounts.permissions import Perm, access_role_grant, access_token, scope_for
from dangjian.core.errors import DomainError
from dangjian.edge.http import HtmxHttpRequest, add_domain_error, page
from dangjian.edge.paging import paginate
from dangjian.orgs.permissions import access_org
from dangjian.orgs.selectors import org_list

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
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_change(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
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
        event.action_label = ACTION_LABELS.get(event.action, event.action)
    template = "accounts/audit_list.html"
    if request.htmx and request.htmx.target == "audit-results":
        template += "#results"
    return render(request, template, {"form": form, "page_obj": events})


def _may_end(scope, grant: RoleGrant) -> bool:
    return grant.officer_term_id is None and services.may_confer(
        scope, grant.role, grant.org.path if grant.org_id else None
    )


@page(perm=Perm.MANAGE_ACCOUNTS)
def role_list(request: AuthedRequest) -> HttpResponse:
    include_ended = request.GET.get("ended") == "1"
    grants = paginate(request, selectors.role_grant_list(actor=request.user, include_ended=include_ended))
    scope = scope_for(request.user)
    today = timezone.localdate()
    for grant in grants:
        grant.can_end = (grant.until is None or grant.until >= today) and _may_end(scope, grant)
    return render(request, "accounts/role_list.html", {"page_obj": grants, "include_ended": include_ended})


@page(perm=Perm.MANAGE_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def role_grant(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    orgs = [o for o in org_list(actor=request.user) if scope.allows(Perm.MANAGE_ACCOUNTS, o.path)]
    # Only the roles the actor could confer somewhere (org path None: everywhere, administrators only).
    roles = [
        r for r in Role.values if any(services.may_confer(scope, r, path) for path in [None, *(o.path for o in orgs)])
    ]
    form = RoleGrantForm(request.POST or None, roles=roles, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = selectors.user_get_by_username(actor=request.user, username=data["username"])
            org = access_org(request.user, data["org"], Perm.MANAGE_ACCOUNTS) if data["org"] else None
            grant = services.role_grant(
                actor=request.user, user=user, role=data["role"], org=org, since=data["since"], until=data["until"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s now holds the role %(role)s.") % {"name": user, "role": grant.get_role_display()},
            )
            return redirect("accounts:role-list")
    return render(request, "accounts/role_grant.html", {"form": form})


@page(perm=Perm.MANAGE_ACCOUNTS)
@require_http_methods(["GET", "POST"])
def role_end(request: AuthedRequest, pk: int) -> HttpResponse:
    grant = access_role_grant(request.user, pk)
    form = RoleEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_end(actor=request.user, grant=grant, until=form.cleaned_data["until"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The role has been ended."))
            return redirect("accounts:role-list")
    return render(
        request,
        "accounts/role_end.html",
        {"form": form, "grant": grant, "can_end": _may_end(scope_for(request.user), grant)},
    )
