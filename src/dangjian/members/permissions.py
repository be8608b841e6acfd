from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import NotFound
from dangjian.members.models import Member


def _org_path(member: Member) -> str | None:
    return member.org.path if member.org_id else None


def can(actor: User, perm: Perm, member: Member) -> bool:
    """Whether the actor holds `perm` over this member. A member may see and reveal themself."""
    scope = scope_for(actor)
    if scope.member_id == member.pk and perm in (Perm.VIEW_MEMBERS, Perm.REVEAL_PERSONAL_DATA):
        return True
    path = _org_path(member)
    if path is None:  # transferred out: the last organisation's officers keep read access
        last = member.memberships.select_related("org").order_by("-since").first()
        path = last.org.path if last else None
    return scope.allows(perm, path)


def access_member(actor: User, member_id, perm: Perm = Perm.VIEW_MEMBERS) -> Member:
    """The member if the actor holds `perm` over them; 404 for missing and forbidden alike."""
    try:
        member = Member.objects.select_related("org", "org__parent", "user").get(pk=member_id)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not can(actor, perm, member):
        raise NotFound()
    return member


def can_reveal(actor: User, member: Member) -> bool:
    return can(actor, Perm.REVEAL_PERSONAL_DATA, member)


def can_manage(actor: User, member: Member) -> bool:
    return can(actor, Perm.MANAGE_MEMBERS, member)
