"""Named permissions, what each role grants, and the actor's scope in the organisation tree.

A role is bound to an organisation and reaches its whole subtree (organisation paths are
materialised, so "in the subtree" is a prefix test). Every member may also see themself.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.accounts.models import ApiToken, Role, RoleGrant, User
from dangjian.core.errors import NotFound


class Perm(StrEnum):
    VIEW_ORG = "view_org"
    MANAGE_ORG = "manage_org"
    VIEW_MEMBERS = "view_members"
    MANAGE_MEMBERS = "manage_members"
    REVEAL_PERSONAL_DATA = "reveal_personal_data"
    VIEW_AUDIT = "view_audit"
    MANAGE_ACCOUNTS = "manage_accounts"
    MANAGE_STUDY = "manage_study"
    MANAGE_CARE = "manage_care"
    MANAGE_EVALUATION = "manage_evaluation"


PERMISSION_DESCRIPTIONS = {
    Perm.VIEW_ORG: _("See organisations, officers and branch checks"),
    Perm.MANAGE_ORG: _("Create and change organisations and appoint officers"),
    Perm.VIEW_MEMBERS: _("See the roster (personal data masked)"),
    Perm.MANAGE_MEMBERS: _("Add, change, import and transfer members"),
    Perm.REVEAL_PERSONAL_DATA: _("Reveal ID numbers and phone numbers (audited)"),
    Perm.VIEW_AUDIT: _("Browse the audit log"),
    Perm.MANAGE_ACCOUNTS: _("Reset passwords and grant roles"),
    Perm.MANAGE_STUDY: _("Plan study and run activities: semesters, directives, study plans, activities, attendance"),
    Perm.MANAGE_CARE: _(
        "Look after members: handle needs, opinions and appeals, record heart-to-heart talks, see the early warning"
    ),
    Perm.MANAGE_EVALUATION: _("Run the democratic evaluation of members and record recognition"),
}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.COMMITTEE_OFFICER: frozenset(
        {
            Perm.VIEW_ORG,
            Perm.MANAGE_ORG,
            Perm.VIEW_MEMBERS,
            Perm.MANAGE_MEMBERS,
            Perm.REVEAL_PERSONAL_DATA,
            Perm.MANAGE_ACCOUNTS,
            Perm.MANAGE_STUDY,
            Perm.MANAGE_CARE,
            Perm.MANAGE_EVALUATION,
        }
    ),
    Role.BRANCH_OFFICER: frozenset(
        {
            Perm.VIEW_ORG,
            Perm.VIEW_MEMBERS,
            Perm.MANAGE_MEMBERS,
            Perm.REVEAL_PERSONAL_DATA,
            Perm.MANAGE_ACCOUNTS,
            Perm.MANAGE_STUDY,
            Perm.MANAGE_CARE,
            Perm.MANAGE_EVALUATION,
        }
    ),
    Role.GROUP_LEADER: frozenset({Perm.VIEW_ORG, Perm.VIEW_MEMBERS}),
    Role.AUDITOR: frozenset({Perm.VIEW_ORG, Perm.VIEW_MEMBERS, Perm.VIEW_AUDIT}),
}


@dataclass(frozen=True)
class Grant:
    role: str
    org_id: int | None
    org_path: str  # "" for a global grant


@dataclass
class Scope:
    """What one actor may do where. Built once per request by `scope_for`."""

    user_id: int | None
    member_id: int | None
    grants: list[Grant] = field(default_factory=list)

    @property
    def is_admin(self) -> bool:
        return any(grant.role == Role.ADMIN for grant in self.grants)

    @property
    def roles(self) -> set[str]:
        return {grant.role for grant in self.grants}

    def paths(self, perm: Perm) -> list[str]:
        """The subtree roots where `perm` holds; [""] means everywhere."""
        if self.is_admin:
            return [""]
        roots = sorted({g.org_path for g in self.grants if perm in ROLE_PERMISSIONS[g.role]})
        # Drop roots already covered by a shorter one.
        return [p for p in roots if not any(p != q and p.startswith(q) for q in roots)]

    def allows(self, perm: Perm, org_path: str | None) -> bool:
        if org_path is None:
            return self.is_admin
        return any(org_path.startswith(root) for root in self.paths(perm))

    def has_anywhere(self, perm: Perm) -> bool:
        return bool(self.paths(perm))

    def org_filter(self, perm: Perm, prefix: str = "org__path") -> Q:
        """A Q limiting rows whose organisation path sits under a root where `perm` holds."""
        roots = self.paths(perm)
        if "" in roots:
            return Q()
        if not roots:
            return Q(pk__in=[])
        query = Q()
        for root in roots:
            query |= Q(**{f"{prefix}__startswith": root})
        return query


def scope_for(user: User) -> Scope:
    """The actor's scope today, cached on the user object for the rest of the request."""
    cached = getattr(user, "_dangjian_scope", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        return Scope(user_id=None, member_id=None)
    grants = [
        Grant(role=g.role, org_id=g.org_id, org_path=g.org.path if g.org_id else "")
        for g in user.role_grants.current().select_related("org")
    ]
    if (user.is_superuser or user.is_system) and not any(g.role == Role.ADMIN for g in grants):
        grants.append(Grant(role=Role.ADMIN, org_id=None, org_path=""))
    member_id = getattr(getattr(user, "member", None), "pk", None)
    scope = Scope(user_id=user.pk, member_id=member_id, grants=grants)
    user._dangjian_scope = scope
    return scope


def forget_scope(user: User) -> None:
    if hasattr(user, "_dangjian_scope"):
        del user._dangjian_scope


def access_role_grant(actor: User, grant_id) -> RoleGrant:
    """A role grant if the actor manages accounts where it is bound; 404 for missing and forbidden alike."""
    try:
        grant = RoleGrant.objects.select_related("user", "org").get(pk=grant_id)
    except (RoleGrant.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not scope_for(actor).allows(Perm.MANAGE_ACCOUNTS, grant.org.path if grant.org_id else None):
        raise NotFound()
    return grant


def access_token(actor: User, token_id) -> ApiToken:
    """One of the actor's own tokens; 404 for missing and someone else's alike (administrators included)."""
    try:
        return ApiToken.objects.get(pk=token_id, user_id=actor.pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
