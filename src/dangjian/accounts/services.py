"""Account actions: create and disable accounts, change and reset passwords, grant roles, tokens."""

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.exporting import MAX_EVENTS, audit_workbook
from dangjian.accounts.models import ApiToken, Role, RoleGrant, TokenPurpose, User
from dangjian.accounts.permissions import ROLE_PERMISSIONS, Perm, Scope, forget_scope, scope_for
from dangjian.accounts.selectors import AuditFilters, audit_list
from dangjian.accounts.system import system_actor
from dangjian.core import audit
from dangjian.core.auditchain.tasks import audit_verify_now
from dangjian.core.datadir import is_read_only
from dangjian.core.errors import DomainError, Forbidden, NotFound


class Placed(Protocol):
    """Where a role is bound: an `orgs.Organisation` (accounts sits below orgs and knows it by these)."""

    pk: Any
    path: str


def may_confer(scope: Scope, role: str, org_path: str | None) -> bool:
    """Whether an actor with `scope` may hand out (or take over) `role` at `org_path`.

    Nobody confers more than they hold: besides managing accounts there, the actor must hold
    every permission the role brings. Otherwise a branch officer could make themself a committee
    officer of their own branch, or reset the password of the committee secretary whose member
    record sits in their branch.
    """
    if role == Role.ADMIN:
        return scope.is_admin
    needed = ROLE_PERMISSIONS.get(role, frozenset()) | {Perm.MANAGE_ACCOUNTS}
    return all(scope.allows(perm, org_path) for perm in needed)


def generate_initial_password() -> str:
    """A one-time password an officer hands over; the holder must change it at first login."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    display_name: str,
    password: str | None = None,
    must_change_password: bool = True,
) -> User:
    """Create an account; without a password it cannot log in until one is issued."""
    username = username.strip()
    if not username:
        raise DomainError(_("An account needs a staff or student number."), field="username")
    if User.objects.filter(username=username).exists():
        raise DomainError(_("The account %(username)s already exists.") % {"username": username}, field="username")
    user = User(username=username, display_name=display_name, must_change_password=must_change_password)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record(actor=actor, action="account.create", obj=user, changes={"username": username})
    return user


@transaction.atomic(durable=True)
def password_change(*, actor: User, old_password: str, new_password: str, keep: ApiToken | None = None) -> User:
    """The actor changes their own password; every token of theirs is revoked but `keep`, the one in use."""
    if not actor.check_password(old_password):
        raise DomainError(_("The current password is wrong."), field="old_password")
    if old_password == new_password:
        raise DomainError(_("The new password must differ from the current one."), field="new_password")
    try:
        validate_password(new_password, user=actor)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="new_password") from exc
    actor.set_password(new_password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    audit.record(actor=actor, action="account.password_change", obj=actor)
    # Whoever held a token of the old password loses it; the request's own goes on, as its session would.
    _tokens_revoke_all(actor=actor, user=actor, reason="password_change", keep=keep)
    return actor


@transaction.atomic(durable=True)
def password_reset(*, actor: User, user: User, org_path: str) -> str:
    """Issue a one-time password for `user`, whose member record sits at `org_path`."""
    _check_may_manage_account(actor, user, org_path)
    password = generate_initial_password()
    user.set_password(password)
    user.must_change_password = True
    user.is_active = True
    user.save(update_fields=["password", "must_change_password", "is_active"])
    audit.record(actor=actor, action="account.password_reset", obj=user, org_path=org_path)
    _tokens_revoke_all(actor=actor, user=user, reason="password_reset")
    return password


def _check_may_manage_account(actor: User, user: User, org_path: str) -> None:
    """Forbidden unless the actor manages accounts at `org_path` and could confer every role `user` holds."""
    scope = scope_for(actor)
    if not scope.allows(Perm.MANAGE_ACCOUNTS, org_path):
        raise Forbidden()
    if user.is_superuser and not scope.is_admin:
        raise Forbidden()
    # The account's roles (current and still to come) must be ones the actor could confer.
    today = timezone.localdate()
    for grant in user.role_grants.filter(Q(until__isnull=True) | Q(until__gte=today)).select_related("org"):
        if not may_confer(scope, grant.role, grant.org.path if grant.org is not None else None):
            raise Forbidden()


@transaction.atomic
def role_grant(
    *,
    actor: User,
    user: User,
    role: str,
    org: Placed | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    note: str = "",
) -> RoleGrant:
    """Bind a role to an organisation (or everywhere, for administrators)."""
    if role != Role.ADMIN and org is None:
        raise DomainError(_("This role must be bound to an organisation."), field="org")
    if not may_confer(scope_for(actor), role, org.path if org is not None else None):
        raise Forbidden()
    since = since or timezone.localdate()
    if until is not None and until < since:
        raise DomainError(_("A role cannot end before it begins."), field="until")
    grant = RoleGrant.objects.create(
        user=user,
        role=role,
        # The stubs ask for an orgs.Organisation, which accounts (below orgs) does not import.
        org=org if role != Role.ADMIN else None,  # type: ignore[misc]
        since=since,
        until=until,
        note=note,
    )
    forget_scope(user)
    audit.record(
        actor=actor,
        action="role.grant",
        obj=grant,
        org_path=org.path if org else "",
        changes={"user": user.username, "role": role, "org": org.pk if org else None, "since": grant.since},
    )
    return grant


@transaction.atomic
def role_end(*, actor: User, grant: RoleGrant, until: datetime.date) -> RoleGrant:
    """End a role: `until` is the last day it holds (never before it began).

    The actor must be able to confer the role where it is bound, and a role that came with an office
    term ends with that term (`office_role_end`, called when the term is ended).
    """
    if grant.officer_term_id is not None:
        _check_may_confer(actor, grant)
        raise DomainError(_("This role comes with an office term: it ends when the term is ended."))
    return _role_end(actor=actor, grant=grant, until=until)


@transaction.atomic
def office_role_end(*, actor: User, grant: RoleGrant, until: datetime.date) -> RoleGrant:
    """End the role an office term brought, as its term ends (`orgs.services.officer_end`)."""
    if grant.officer_term_id is None:
        raise DomainError(_("The request could not be carried out."))
    return _role_end(actor=actor, grant=grant, until=until)


def _check_may_confer(actor: User, grant: RoleGrant) -> None:
    if not may_confer(scope_for(actor), grant.role, grant.org.path if grant.org is not None else None):
        raise Forbidden()


def _role_end(*, actor: User, grant: RoleGrant, until: datetime.date) -> RoleGrant:
    _check_may_confer(actor, grant)
    if grant.withdrawn_at is not None:
        raise DomainError(_("This role has already been withdrawn."))
    if grant.until is not None and grant.until <= until:
        raise DomainError(_("This role already ends on %(date)s.") % {"date": grant.until.isoformat()}, field="until")
    if until < grant.since:
        # Ended before it began (or on its first day): withdraw it, effective now.
        grant.until = grant.since
        grant.withdrawn_at = timezone.now()
        action = "role.withdraw"
    else:
        grant.until = until
        action = "role.end"
    grant.save(update_fields=["until", "withdrawn_at", "updated_at"])
    forget_scope(grant.user)
    audit.record(
        actor=actor,
        action=action,
        obj=grant,
        org_path=grant.org.path if grant.org is not None else "",
        changes={"until": grant.until, "withdrawn_at": grant.withdrawn_at},
    )
    return grant


def _hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


TOKEN_PREFIX_LENGTH = 6  # shown to tell tokens apart; 6 of 43 characters leave the secret unguessable


@transaction.atomic(durable=True)
def api_token_create(*, actor: User, name: str = "") -> tuple[ApiToken, str]:
    """A new bearer token for the actor's API access; the plain key is returned once and never stored."""
    return token_issue(actor=actor, purpose=TokenPurpose.API, name=name, days=settings.DANGJIAN_API_TOKEN_DAYS)


@transaction.atomic
def token_issue(*, actor: User, purpose: str, days: int, name: str = "") -> tuple[ApiToken, str]:
    """A new token of `purpose` for the actor, valid `days` days; (the token, its plain key shown once)."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        purpose=purpose,
        name=name.strip()[:100],
        prefix=key[:TOKEN_PREFIX_LENGTH],
        key_hash=_hash_token(key),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    audit.record(
        actor=actor,
        action=f"{_token_action(purpose)}.create",
        obj=token,
        changes={"name": token.name, "prefix": token.prefix},
    )
    return token, key


def _token_action(purpose: str) -> str:
    return "api_token" if purpose == TokenPurpose.API else f"token.{purpose}"


def token_user(key: str, *, purpose: str) -> User | None:
    """The active account behind a key of `purpose` that has not expired, or None; notes when it was used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash_token(key), purpose=purpose, expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        try:
            _stamp_last_use(token, now)
        except DatabaseError as exc:
            if not is_read_only(exc):
                raise
            # A read-only data folder: the stamp waits, and the token still opens reads.
    return token.user


def _stamp_last_use(token: ApiToken, now: datetime.datetime) -> None:
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def token_for_key(key: str, *, purpose: str) -> ApiToken | None:
    """The token with this plain key and purpose, live or not; None if there is none."""
    return ApiToken.objects.filter(key_hash=_hash_token(key), purpose=purpose).first()


def api_token_user(key: str) -> User | None:
    """The active account behind a bearer key, or None."""
    return token_user(key, purpose=TokenPurpose.API)


@transaction.atomic(durable=True)
def token_revoke(*, actor: User, token: ApiToken) -> None:
    """The holder revokes one of their tokens (reached through `access_token`); it stops working at once."""
    if token.user_id != actor.pk:
        raise Forbidden()
    token_id = token.pk
    token.delete()
    audit.record(
        actor=actor,
        action=f"{_token_action(token.purpose)}.revoke",
        object_repr=f"{token.name or token.prefix} ({token.prefix}…)",
        changes={"token": token_id, "prefix": token.prefix, "purpose": token.purpose},
    )


def _tokens_revoke_all(*, actor: User, user: User, reason: str, keep: ApiToken | None = None) -> int:
    """Revoke every token of `user` but `keep` (in the caller's transaction); how many there were."""
    tokens = ApiToken.objects.filter(user=user)
    if keep is not None:
        tokens = tokens.exclude(pk=keep.pk)
    count, _per_model = tokens.delete()
    if count:
        audit.record(actor=actor, action="api_token.revoke_all", obj=user, changes={"count": count, "reason": reason})
    return count


@transaction.atomic(durable=True)
def user_deactivate(*, actor: User, user: User, org_path: str) -> User:
    """Disable an account whose member record sits at `org_path`: it can no longer log in, and its tokens go.

    The same rule as `password_reset`: the actor manages accounts there and could confer every role the
    account holds.
    """
    _check_may_manage_account(actor, user, org_path)
    if user.pk == actor.pk:
        raise DomainError(_("You cannot disable your own account."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(actor=actor, action="account.deactivate", obj=user, org_path=org_path)
    _tokens_revoke_all(actor=actor, user=user, reason="deactivate")
    return user


@dataclass(frozen=True)
class PurgeSummary:
    tokens: int
    sessions: int


@transaction.atomic(durable=True)
def tokens_purge(*, today: datetime.date | None = None) -> PurgeSummary:
    """The nightly job, acting as the system actor (like every daily job): delete tokens that have
    expired or whose account is disabled, and expired sessions.

    A token login leaves a token row behind that nobody revokes; this keeps the table to live ones.
    Audited as one summary when anything was removed.
    """
    now = timezone.now()
    tokens, _per_model = ApiToken.objects.filter(Q(expires_at__lte=now) | Q(user__is_active=False)).delete()
    sessions, _per_model = Session.objects.filter(expire_date__lte=now).delete()
    summary = PurgeSummary(tokens=tokens, sessions=sessions)
    if tokens or sessions:
        audit.record(actor=system_actor(), action="api_token.purge", changes={"tokens": tokens, "sessions": sessions})
    return summary


@dataclass(frozen=True)
class AuditExport:
    content: bytes
    count: int
    filename: str


def audit_export(*, actor: User, filters: AuditFilters) -> AuditExport:
    """The actor's audit log under `filters` as .xlsx, itself recorded in the log.

    Refused with a message when the filters leave more than `MAX_EVENTS` events: the sheet is
    built in memory, so a larger log is narrowed by date or action first."""
    scope = scope_for(actor)
    if not scope.has_anywhere(Perm.VIEW_AUDIT):
        raise NotFound()
    events = audit_list(actor=actor, filters=filters)
    count = events.count()
    if count > MAX_EVENTS:
        raise DomainError(
            _("%(count)s events match; narrow the filter by date or action to at most %(max)s to export them.")
            % {"count": count, "max": MAX_EVENTS}
        )
    content = audit_workbook(events.iterator(chunk_size=2000))
    roots = scope.paths(Perm.VIEW_AUDIT)
    with transaction.atomic(durable=True):
        audit.record(
            actor=actor,
            action="audit_log.export",
            org_path=roots[0] if len(roots) == 1 else "",
            changes={
                "count": count,
                "q": filters.q,
                "action": filters.action,
                "from": filters.date_from.isoformat() if filters.date_from else "",
                "to": filters.date_to.isoformat() if filters.date_to else "",
            },
        )
    return AuditExport(content=content, count=count, filename=_("Audit log") + ".xlsx")


def audit_chain_verify(*, actor: User) -> None:
    """Queue a verification of the whole audit log on the background worker; administrators only, audited."""
    if not scope_for(actor).is_admin:
        raise NotFound()
    with transaction.atomic(durable=True):
        audit.record(actor=actor, action="audit_log.verify")
    audit_verify_now.enqueue()
