import datetime
import math

from axes.helpers import get_cool_off
from django.contrib.auth import SESSION_KEY, authenticate, update_session_auth_hash
from django.contrib.auth.signals import user_logged_in
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from ninja import Query, Router, Status

from dangjian.accounts import selectors, services
from dangjian.accounts.permissions import Perm, access_role_grant, scope_for
from dangjian.accounts.schemas import (
    AccountOut,
    AuthPasswordChangeIn,
    AuthTokenCreateIn,
    AuthTokenCreateOut,
    MeOut,
    RoleGrantCreateIn,
    RoleGrantEndIn,
    RoleGrantListIn,
    RoleGrantListOut,
    RoleGrantOut,
)
from dangjian.core.errors import DomainError, NotFound
from dangjian.core.schemas import responses
from dangjian.orgs.permissions import access_org

router = Router(tags=["auth"])


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
        "out after repeated failures. An account that still has a one-time password gets a token with "
        "`must_change_password: true`."
    ),
)
def auth_token_create(request, payload: AuthTokenCreateIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # Answer the lock-out here, as JSON; left set, the flag makes django-axes' middleware
        # replace this response with the login page's HTML one.
        request.axes_locked_out = False
        cool_off = get_cool_off(request)
        minutes = max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else None
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
    token, key = services.api_token_create(actor=user)
    # A token login is a login: last_login is updated and django-axes forgets earlier failures.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return Status(
        201, {"token": key, "expires_at": token.expires_at, "must_change_password": user.must_change_password}
    )


@router.post(
    "/auth/password",
    operation_id="auth_password_change",
    response=responses({200: AccountOut}),
    summary="Change the caller's own password",
    description="400 when the current password is wrong or the new one is too weak; 403 for a failed CSRF check.",
)
def auth_password_change(request, payload: AuthPasswordChangeIn):
    user = services.password_change(
        actor=request.auth, old_password=payload.old_password, new_password=payload.new_password
    )
    if request.session.get(SESSION_KEY) == str(user.pk):  # keep a session login alive
        update_session_auth_hash(request, user)
    return user


@router.get(
    "/me",
    operation_id="me_get",
    response=responses({200: MeOut}),
    summary="The caller: account, member record, roles and permissions",
)
def me_get(request):
    return selectors.account_overview(actor=request.auth)


# --- Role grants -------------------------------------------------------------------------------

NO_ACCOUNTS = "404 when the caller may manage accounts nowhere (committee and branch officers and administrators may)."


def _check_manages_accounts(actor) -> None:
    if not scope_for(actor).has_anywhere(Perm.MANAGE_ACCOUNTS):
        raise NotFound()


@router.get(
    "/roles",
    operation_id="role_grant_list",
    response=responses({200: RoleGrantListOut}),
    summary="Who holds which role",
    description=(
        "Role grants bound to organisations where the caller manages accounts (administrators see all, "
        f"global administrator grants too), ordered by organisation. {NO_ACCOUNTS}"
    ),
    tags=["roles"],
)
def role_grant_list(request, filters: Query[RoleGrantListIn]):
    _check_manages_accounts(request.auth)
    return filters.page(selectors.role_grant_list(actor=request.auth, include_ended=filters.include_ended))


@router.post(
    "/roles",
    operation_id="role_grant_create",
    response=responses({201: RoleGrantOut}),
    summary="Grant a role",
    description=(
        "Binds a role to an organisation for a period: an auditor, a system administrator (`org` null), or an "
        "officer's role for someone without an office (offices grant their roles when the officer is appointed). "
        "404 (with `field`: `org`) when the organisation is outside the caller's scope; 403 when the role brings "
        "rights the caller does not hold there. 400 (with `field`: `username`) for an unknown account. "
        f"{NO_ACCOUNTS}"
    ),
    tags=["roles"],
)
def role_grant_create(request, payload: RoleGrantCreateIn):
    actor = request.auth
    _check_manages_accounts(actor)
    org = None
    if payload.org is not None:
        try:
            org = access_org(actor, payload.org, Perm.VIEW_ORG)
        except NotFound as exc:
            raise NotFound(field="org") from exc
    user = selectors.user_get_by_username(username=payload.username)
    grant = services.role_grant(
        actor=actor, user=user, role=payload.role, org=org, since=payload.since, until=payload.until
    )
    return Status(201, grant)


@router.post(
    "/roles/{grant_id}/end",
    operation_id="role_grant_end",
    response=responses({200: RoleGrantOut}),
    summary="End a role",
    description=(
        "Sets the last day of a role grant. 404 when the grant does not exist or is bound outside where the caller "
        "manages accounts; 403 when the role brings rights the caller does not hold there. 400 for a role that "
        "came with an office term (it ends with the term) or that already ends by then."
    ),
    tags=["roles"],
)
def role_grant_end(request, grant_id: int, payload: RoleGrantEndIn):
    grant = access_role_grant(request.auth, grant_id)
    until = payload.until or timezone.localdate() - datetime.timedelta(days=1)
    return services.role_end(actor=request.auth, grant=grant, until=until)
