"""Account actions: create accounts, change and reset passwords, grant roles, API tokens."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import ApiToken, Role, RoleGrant, User
from dangjian.accounts.permissions import ROLE_PERMISSIONS, Perm, Scope, forget_scope, scope_for
from dangjian.core import audit
from dangjian.core.errors import DomainError, Forbidden


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
    actor: User | None,
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
def password_change(*, actor: User, old_password: str, new_password: str) -> User:
    """The actor changes their own password."""
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
    return actor


@transaction.atomic(durable=True)
def password_reset(*, actor: User, user: User, org_path: str) -> str:
    """Issue a one-time password for `user`, whose member record sits at `org_path`."""
    scope = scope_for(actor)
    if not scope.allows(Perm.MANAGE_ACCOUNTS, org_path):
        raise Forbidden()
    if user.is_superuser and not scope.is_admin:
        raise Forbidden()
    # The account's roles (current and still to come) must be ones the actor could confer.
    today = timezone.localdate()
    for grant in user.role_grants.filter(Q(until__isnull=True) | Q(until__gte=today)).select_related("org"):
        if not may_confer(scope, grant.role, grant.org.path if grant.org_id else None):
            raise Forbidden()
    password = generate_initial_password()
    user.set_password(password)
    user.must_change_password = True
    user.is_active = True
    user.save(update_fields=["password", "must_change_password", "is_active"])
    audit.record(actor=actor, action="account.password_reset", obj=user, org_path=org_path)
    return password


@transaction.atomic
def role_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    org=None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    note: str = "",
) -> RoleGrant:
    """Bind a role to an organisation (or everywhere, for administrators)."""
    if role != Role.ADMIN and org is None:
        raise DomainError(_("This role must be bound to an organisation."), field="org")
    if actor is not None and not may_confer(scope_for(actor), role, org.path if org is not None else None):
        raise Forbidden()
    since = since or timezone.localdate()
    if until is not None and until < since:
        raise DomainError(_("A role cannot end before it begins."), field="until")
    grant = RoleGrant.objects.create(
        user=user,
        role=role,
        org=org if role != Role.ADMIN else None,
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
def role_end(*, actor: User | None, grant: RoleGrant, until: datetime.date) -> RoleGrant:
    """End a role: `until` is the last day it holds (never before it began).

    An actor must be able to confer the role where it is bound, and a role that came with an office
    term ends with that term (`officer_end` ends it as the system, without an actor).
    """
    if actor is not None:
        if not may_confer(scope_for(actor), grant.role, grant.org.path if grant.org_id else None):
            raise Forbidden()
        if grant.officer_term_id is not None:
            raise DomainError(_("This role comes with an office term: it ends when the term is ended."))
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
        org_path=grant.org.path if grant.org_id else "",
        changes={"until": grant.until, "withdrawn_at": grant.withdrawn_at},
    )
    return grant


def _hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic(durable=True)
def api_token_create(*, actor: User) -> tuple[ApiToken, str]:
    """A new bearer token for the actor; the plain key is returned once and never stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        key_hash=_hash_token(key),
        expires_at=timezone.now() + datetime.timedelta(days=settings.DANGJIAN_API_TOKEN_DAYS),
    )
    audit.record(actor=actor, action="api_token.create", obj=token)
    return token, key


def api_token_user(key: str) -> User | None:
    """The active account behind a bearer key, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash_token(key), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
