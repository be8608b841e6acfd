import math

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.views import LoginView, LogoutView
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from dangjian.accounts import services
from dangjian.accounts.forms import ACTION_LABELS, AuditFilterForm, LoginForm, PasswordChangeForm
from dangjian.accounts.permissions import Perm
from dangjian.core import selectors as core_selectors
from dangjian.core.errors import DomainError
from dangjian.core.http import AuthedRequest, HtmxHttpRequest
from dangjian.web.http import add_domain_error, page
from dangjian.web.paging import paginate

login_view = LoginView.as_view(
    template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
)
logout_view = LogoutView.as_view()  # POST only


def locked_out(request, original_response=None, credentials=None, *args, **kwargs) -> HttpResponse:
    """django-axes calls this when an account and address are locked after repeated failures."""
    username = get_client_username(request, credentials) or ""
    cool_off = get_cool_off(request)
    minutes = None
    if cool_off:
        last = AccessAttempt.objects.filter(username=username).aggregate(last=Max("attempt_time"))["last"]
        remaining = (last + cool_off - timezone.now()) if last else cool_off
        minutes = max(1, math.ceil(remaining.total_seconds() / 60))
    return render(request, "accounts/locked_out.html", {"minutes": minutes, "username": username}, status=429)


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
    return render(request, "accounts/password_change.html", {"form": form, "forced": request.user.must_change_password})


@page(perm=Perm.VIEW_AUDIT)
@vary_on_headers("HX-Request")
def audit_list(request: HtmxHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET, actions=core_selectors.audit_actions())
    events = paginate(request, core_selectors.audit_list(actor=request.user, filters=form.filters()))
    for event in events:
        event.action_label = ACTION_LABELS.get(event.action, event.action)
    template = "accounts/audit_list.html"
    if request.htmx and request.htmx.target == "audit-results":
        template += "#results"
    return render(request, template, {"form": form, "page_obj": events})
