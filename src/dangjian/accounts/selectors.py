"""Reads about accounts: what an account is, holds and may do."""

import datetime
import hashlib
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import ApiToken, RoleGrant, User
from dangjian.accounts.permissions import PERMISSION_DESCRIPTIONS, Perm, scope_for
from dangjian.core.errors import DomainError
from dangjian.members.models import Member


@dataclass(frozen=True)
class PermissionReach:
    name: str
    description: str
    everywhere: bool
    org_ids: list[int]  # roots of the subtrees where the permission holds


@dataclass
class AccountOverview:
    account: User
    member: Member | None
    roles: list[RoleGrant]
    permissions: list[PermissionReach]


def account_overview(*, actor: User, today: datetime.date | None = None) -> AccountOverview:
    """The actor's own account, member record, current roles and where each permission reaches."""
    today = today or timezone.localdate()
    scope = scope_for(actor)
    roles = list(actor.role_grants.current(today).select_related("org").order_by("since", "pk"))
    org_by_path = {grant.org_path: grant.org_id for grant in scope.grants if grant.org_id}
    permissions = []
    for perm in Perm:
        roots = scope.paths(perm)
        if roots:
            permissions.append(
                PermissionReach(
                    name=perm.value,
                    description=str(PERMISSION_DESCRIPTIONS[perm]),
                    everywhere="" in roots,
                    org_ids=[org_by_path[root] for root in roots if root in org_by_path],
                )
            )
    member = Member.objects.for_list().filter(user=actor).first()
    return AccountOverview(account=actor, member=member, roles=roles, permissions=permissions)


def role_grant_list(
    *, actor: User, include_ended: bool = False, today: datetime.date | None = None
) -> QuerySet[RoleGrant]:
    """Role grants bound where the actor manages accounts (administrators: all, global ones too)."""
    grants = RoleGrant.objects.filter(scope_for(actor).org_filter(Perm.MANAGE_ACCOUNTS))
    if not include_ended:
        today = today or timezone.localdate()
        grants = grants.filter(Q(until__isnull=True) | Q(until__gte=today))
    return grants.select_related("user", "org").order_by("org__path", "role", "user__username", "since", "pk")


def user_get_by_username(*, username: str) -> User:
    """The account with this staff or student number; a DomainError on the `username` field if none."""
    user = User.objects.filter(username=username.strip()).first()
    if user is None:
        raise DomainError(_("There is no account with this staff or student number."), field="username")
    return user


def api_token_owner(key: str) -> User | None:
    """The active account behind a bearer key, or None, without stamping the token's last use:
    for when nothing can be written (see `accounts.services.api_token_user`)."""
    token = (
        ApiToken.objects.select_related("user")
        # The key is stored as its SHA-256, as `api_token_create` hashes it.
        .filter(key_hash=hashlib.sha256(key.encode()).hexdigest(), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    return token.user if token else None
