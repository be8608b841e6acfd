from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import NotFound
from dangjian.members.models import Member


def _org_path(member: Member) -> str | None:
    return member.org.path if member.org_id else None


# What the officers of a member's last organisation keep once the member has been transferred out of
# the college: reading the (masked) record. Changing it, revealing the ID number and phone, resetting
# the password or acting on the member in other ways belongs to the organisation that now holds them.
AFTER_TRANSFER_OUT = frozenset({Perm.VIEW_MEMBERS})


def _last_org_path(member: Member) -> str | None:
    last = member.memberships.select_related("org").order_by("-since", "-pk").first()
    return last.org.path if last else None


def can(actor: User, perm: Perm, member: Member) -> bool:
    """Whether the actor holds `perm` over this member. A member may see and reveal themself.

    A member transferred out of the college is read-only: the last organisation's officers keep
    `AFTER_TRANSFER_OUT` and nothing else (see `can_readmit` for taking them back in).
    """
    scope = scope_for(actor)
    if scope.member_id == member.pk and perm in (Perm.VIEW_MEMBERS, Perm.REVEAL_PERSONAL_DATA):
        return True
    path = _org_path(member)
    if path is None:
        if perm not in AFTER_TRANSFER_OUT:
            return False
        path = _last_org_path(member)
    return scope.allows(perm, path)


def can_readmit(actor: User, member: Member) -> bool:
    """Whether the actor may transfer a member who left the college back in: they manage the members of
    the member's last organisation here (the destination is checked by `member_transfer`)."""
    return member.org_id is None and scope_for(actor).allows(Perm.MANAGE_MEMBERS, _last_org_path(member))


def access_member_to_transfer(actor: User, member_id) -> Member:
    """A member the actor may transfer: one they manage, or one who left and whom they may readmit."""
    member = access_member(actor, member_id, Perm.VIEW_MEMBERS)
    if not (can(actor, Perm.MANAGE_MEMBERS, member) or can_readmit(actor, member)):
        raise NotFound()
    return member


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
