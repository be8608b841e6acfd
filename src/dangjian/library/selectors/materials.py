"""Reads of the library, always limited to what the actor may see.

Who sees a material:
- a member: published materials of their own organisation or any organisation above it, whose
  audience includes them (all members, their category, or officers when they hold an office);
- an officer who manages study (MANAGE_STUDY) somewhere: every material, in any status, owned by
  an organisation of that subtree;
- a reader over a subtree (VIEW_ORG: officers, group leaders, auditors): the published materials
  of that subtree and of the organisations above it, which apply there too;
- an administrator: everything.
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import NotFound
from dangjian.library.models import Material, MaterialStatus
from dangjian.members.models import Member
from dangjian.orgs.models import OfficerTerm
from dangjian.orgs.rules import ancestor_paths
from dangjian.study.models import Audience
from dangjian.study.rules.attendance import in_audience

MANAGE_PERM = Perm.MANAGE_STUDY


def audiences_of(member: Member, *, is_officer: bool) -> list[str]:
    """The material audiences that include this member."""
    return [value for value in Audience.values if in_audience(value, member.category, is_officer)]


def _member_of(actor: User) -> Member | None:
    try:
        return actor.member
    except Member.DoesNotExist:
        return None


def visibility_q(actor: User) -> Q | None:
    """The condition on `Material` for what `actor` may see; None means everything."""
    scope = scope_for(actor)
    if scope.is_admin:
        return None
    published = Q(status=MaterialStatus.PUBLISHED)
    condition = Q(pk__in=[])
    for root in scope.paths(MANAGE_PERM):
        condition |= Q(org__path__startswith=root)
    view_roots = scope.paths(Perm.VIEW_ORG)
    for root in view_roots:
        condition |= published & (Q(org__path__startswith=root) | Q(org__path__in=ancestor_paths(root)))
    member = _member_of(actor)
    if member is not None and member.org_id:
        is_officer = OfficerTerm.objects.current(timezone.localdate()).filter(member=member).exists()
        condition |= (
            published
            & Q(org__path__in=ancestor_paths(member.org.path))
            & Q(audience__in=audiences_of(member, is_officer=is_officer))
        )
    return condition


def visible_materials(actor: User) -> QuerySet[Material]:
    """Every material the actor may see, in any status they may see it in."""
    condition = visibility_q(actor)
    materials = Material.objects.all()
    return materials if condition is None else materials.filter(condition)


def may_manage(actor: User, material: Material) -> bool:
    return scope_for(actor).allows(MANAGE_PERM, material.org.path)


def access_material(actor: User, material_id, *, manage: bool = False) -> Material:
    """A material the actor may see (or, with `manage`, change); 404 for missing and hidden alike."""
    try:
        material = visible_materials(actor).select_related("org").get(pk=material_id)
    except (Material.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if manage and not may_manage(actor, material):
        raise NotFound()
    return material
