"""Reads about accounts: what an account is, holds and may do; and the audit trail, limited to where the actor may view it."""

import datetime
from dataclasses import dataclass

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import ApiToken, RoleGrant, User
from dangjian.accounts.permissions import PERMISSION_DESCRIPTIONS, Perm, scope_for
from dangjian.core.auditchain.chain import describe, unsealed_days
from dangjian.core.errors import DomainError, NotFound
from dangjian.core.models import AuditEvent, AuditSeal, AuditVerification


@dataclass(frozen=True)
class PermissionReach:
    name: str
    description: str
    everywhere: bool
    org_ids: list[int]  # roots of the subtrees where the permission holds


def permission_reach(*, actor: User) -> list[PermissionReach]:
    """Where each of the actor's permissions reaches (only those held somewhere)."""
    scope = scope_for(actor)
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
    return permissions


def current_roles(*, actor: User, today: datetime.date | None = None) -> list[RoleGrant]:
    """The actor's own roles that hold today, with their organisations."""
    today = today or timezone.localdate()
    return list(actor.role_grants.current(today).select_related("org").order_by("since", "pk"))


def role_grant_list(
    *, actor: User, include_ended: bool = False, today: datetime.date | None = None
) -> QuerySet[RoleGrant]:
    """Role grants bound where the actor manages accounts (administrators: all, global ones too)."""
    grants = RoleGrant.objects.filter(scope_for(actor).org_filter(Perm.MANAGE_ACCOUNTS))
    if not include_ended:
        today = today or timezone.localdate()
        grants = grants.filter(Q(until__isnull=True) | Q(until__gte=today))
    return grants.select_related("user", "org").order_by("org__path", "role", "user__username", "since", "pk")


def user_get_by_username(*, actor: User, username: str) -> User:
    """The account with this staff or student number, for granting it a role; a DomainError on `username` if none.

    A Party member's account outside the actor's roster reads as missing: numbers are sequential, and
    the answer must not tell a branch officer who is a member elsewhere in the college.
    """
    user = User.objects.filter(username=username.strip()).select_related("member__org").first()
    member = getattr(user, "member", None) if user is not None else None
    if member is not None and not scope_for(actor).allows(
        Perm.VIEW_MEMBERS, member.org.path if member.org_id else None
    ):
        user = None
    if user is None:
        raise DomainError(
            _("There is no account with this staff or student number within your scope."), field="username"
        )
    return user


def token_list(*, actor: User) -> QuerySet[ApiToken]:
    """The actor's own tokens that still work, newest first (never anyone else's, nor the secrets)."""
    return ApiToken.objects.filter(user_id=actor.pk, expires_at__gt=timezone.now()).order_by("-created_at", "-pk")


def lockout_remaining(*, request: HttpRequest, username: str) -> datetime.timedelta | None:
    """How long an account locked out after failed logins (at this address) stays locked; None when only an
    administrator can lift the lock (no cool-off is configured)."""
    cool_off = get_cool_off(request)
    if not cool_off:
        return None
    attempts = AccessAttempt.objects.filter(username=username)
    if address := getattr(request, "axes_ip_address", None):  # the lock holds per account and address
        attempts = attempts.filter(ip_address=address)
    last = attempts.aggregate(last=Max("attempt_time"))["last"]
    remaining = (last + cool_off - timezone.now()) if last else cool_off
    return max(remaining, datetime.timedelta(seconds=1))


# --- The audit trail ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    q: str = ""  # actor name or object
    action: str = ""  # an action, or a prefix such as "member."
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def audit_list(*, actor: User, filters: AuditFilters = AuditFilters()) -> QuerySet[AuditEvent]:
    """Audit events in the actor's audit scope, newest first. Global events only for administrators."""
    scope = scope_for(actor)
    qs = AuditEvent.objects.filter(scope.org_filter(Perm.VIEW_AUDIT, prefix="org_path"))
    if not scope.is_admin:
        qs = qs.exclude(org_path="")
    if filters.q:
        qs = qs.filter(Q(actor_name__contains=filters.q) | Q(object_repr__contains=filters.q))
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    if filters.date_from:
        qs = qs.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(at__date__lte=filters.date_to)
    return qs.select_related("actor").order_by("-at", "-id")


@dataclass(frozen=True)
class AuditChainStatus:
    """The audit log's tamper evidence, as the audit page shows it."""

    seal: AuditSeal | None  # the newest
    unsealed_days: int  # finished days not sealed yet (the nightly job seals them)
    verification: AuditVerification | None  # the last run over the whole log
    findings: list[str]  # what it found, in words (administrators only: the log is not scoped)
    may_verify: bool


def audit_chain_status(*, actor: User, now: datetime.datetime | None = None) -> AuditChainStatus:
    """The newest seal and the last verification; the findings and the verify button for administrators."""
    scope = scope_for(actor)
    if not scope.has_anywhere(Perm.VIEW_AUDIT):
        raise NotFound()
    seal = AuditSeal.objects.order_by("-day").first()
    # A run over part of the log (`verify --since`) must not hide what the last whole run found.
    verification = AuditVerification.objects.filter(since=None).order_by("-started_at", "-pk").first()
    findings = [describe(f) for f in verification.findings] if verification and scope.is_admin else []
    return AuditChainStatus(
        seal=seal,
        unsealed_days=unsealed_days(now),
        verification=verification,
        findings=findings,
        may_verify=scope.is_admin,
    )


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())
