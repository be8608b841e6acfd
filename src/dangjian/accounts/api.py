import contextlib
import math

from django.contrib.auth import SESSION_KEY, authenticate, update_session_auth_hash
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from ninja import Query, Router, Status

from dangjian.accounts import selectors, services
from dangjian.accounts.models import TokenPurpose
from dangjian.accounts.permissions import Perm, access_token, scope_for
from dangjian.accounts.schemas import (
    AccountOut,
    AuditListIn,
    AuditListOut,
    AuthPasswordChangeIn,
    AuthTokenCreateIn,
    AuthTokenCreateOut,
    AuthTokenOut,
)
from dangjian.core.errors import DomainError, NotFound
from dangjian.edge.schemas import responses

router = Router(tags=["auth"])
audit_router = Router(tags=["audit"])


class LoginFailed(DomainError):
    status_code = 401
    default_message = gettext_lazy("The staff or student number or the password is wrong, or the account is disabled.")


class LockedOut(DomainError):
    status_code = 429


@router.post(
    "/auth/token",
    auth=None,
    operation_id="auth_token_create",
    response=responses({201: AuthTokenCreateOut}, 429),
    summary="Log in and get a bearer token",
    description=(
        "Checks the staff or student number and password like the login page does, failures count toward "
        "the same lock-out. 401 for wrong credentials or a disabled account; 429 while the account is locked "
        "out after repeated failures, with `Retry-After` in seconds. `name` labels the token in `auth_token_list`. "
        "An account that still has a one-time password gets a token with `must_change_password: true`."
    ),
)
def auth_token_create(request, payload: AuthTokenCreateIn):
    with _without_session(request):
        return _token_login(request, payload)


@contextlib.contextmanager
def _without_session(request):
    """Hide the session while a token is issued: django-axes would otherwise create one to log the login,
    leaving a session row (and a cookie) behind for every token request."""
    session = request.__dict__.pop("session", None)
    try:
        yield
    finally:
        if session is not None:
            request.session = session


def _token_login(request, payload: AuthTokenCreateIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # Answer the lock-out here, as JSON; left set, the flag makes django-axes' middleware
        # replace this response with the login page's HTML one.
        request.axes_locked_out = False
        remaining = selectors.lockout_remaining(request=request, username=payload.username)
        minutes = max(1, math.ceil(remaining.total_seconds() / 60)) if remaining else None
        request.retry_after = math.ceil(remaining.total_seconds()) if remaining else None  # see RetryAfterMiddleware
        raise LockedOut(
            ngettext(
                "Too many failed logins. Try again in %(minutes)d minute.",
                "Too many failed logins. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes}
            if minutes
            else _("Too many failed logins. Ask an administrator to unlock the account.")
        )
    if user is None:
        raise LoginFailed()
    token, key = services.api_token_create(actor=user, name=payload.name)
    # A token login is a login: last_login is updated and django-axes forgets earlier failures.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return Status(
        201, {"token": key, "expires_at": token.expires_at, "must_change_password": user.must_change_password}
    )


@router.get(
    "/auth/tokens",
    operation_id="auth_token_list",
    response=responses({200: list[AuthTokenOut]}),
    summary="The caller's own tokens that still work",
    description="Name, first characters, purpose, when created, last used and expiring; never the token itself.",
)
def auth_token_list(request):
    return selectors.token_list(actor=request.auth)


@router.delete(
    "/auth/tokens/{token_id}",
    operation_id="auth_token_revoke",
    response=responses({204: None}),
    summary="Revoke one of the caller's tokens",
    description=(
        "The token stops working at once (revoking the one sending the request logs the caller out). "
        "404 for a token that does not exist or is someone else's."
    ),
)
def auth_token_revoke(request, token_id: int):
    services.token_revoke(actor=request.auth, token=access_token(request.auth, token_id))
    return Status(204, None)


@router.post(
    "/auth/password",
    operation_id="auth_password_change",
    response=responses({200: AccountOut}),
    summary="Change the caller's own password",
    description=(
        "400 when the current password is wrong or the new one is too weak; 403 for a failed CSRF check. "
        "Every other token of the account is revoked; the one sending the request keeps working."
    ),
)
def auth_password_change(request, payload: AuthPasswordChangeIn):
    user = services.password_change(
        actor=request.auth,
        old_password=payload.old_password,
        new_password=payload.new_password,
        keep=_bearer_token(request),
    )
    if request.session.get(SESSION_KEY) == str(user.pk):  # keep a session login alive
        update_session_auth_hash(request, user)
    return user


def _bearer_token(request):
    """The token this request authenticated with, if it sent one."""
    scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
    return services.token_for_key(key.strip(), purpose=TokenPurpose.API) if scheme.lower() == "bearer" else None


@audit_router.get(
    "",
    operation_id="audit_list",
    response=responses({200: AuditListOut}),
    summary="Browse the audit log",
    description=(
        "Audit events in the caller's audit scope, newest first. "
        "404 when the caller may browse the audit log nowhere (auditors and administrators may)."
    ),
)
def audit_list_api(request, filters: Query[AuditListIn]):
    actor = request.auth
    if not scope_for(actor).has_anywhere(Perm.VIEW_AUDIT):
        raise NotFound()
    events = selectors.audit_list(
        actor=actor,
        filters=selectors.AuditFilters(
            q=filters.q.strip(), action=filters.action.strip(), date_from=filters.date_from, date_to=filters.date_to
        ),
    )
    return filters.page(events)
