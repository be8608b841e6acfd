"""Reaching a member: `access_member` and the `can_*` checks, for every role of the college."""

import pytest
from conftest import ROLES
from django.utils import timezone

from dangjian.accounts.permissions import Perm
from dangjian.accounts.system import system_actor
from dangjian.core.errors import Forbidden, NotFound
from dangjian.members import services
from dangjian.members.permissions import access_member, can, can_manage, can_reveal

# Which roles may do what with 张三, a plain member of the faculty branch's group.
EXPECTED = {
    #                view   manage  reveal
    "anonymous": (False, False, False),
    "admin": (True, True, True),
    "committee": (True, True, True),
    "branch": (True, True, True),
    "group_leader": (True, False, False),
    "member": (True, False, True),  # themself
    "auditor": (True, False, False),
    "other_branch": (False, False, False),
}


def actor_for(college, role):
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser() if role == "anonymous" else college.user(role)


@pytest.mark.parametrize("role", ROLES)
def test_permissions_over_a_member(college, role):
    actor = actor_for(college, role)
    view, manage, reveal = EXPECTED[role]
    assert can(actor, Perm.VIEW_MEMBERS, college.member) is view
    assert can_manage(actor, college.member) is manage
    assert can_reveal(actor, college.member) is reveal
    if view:
        assert access_member(actor, college.member.pk) == college.member
    else:
        with pytest.raises(NotFound):
            access_member(actor, college.member.pk)


@pytest.mark.parametrize("role", ROLES)
def test_missing_and_forbidden_look_the_same(college, role):
    actor = actor_for(college, role)
    for bad in (999_999, "abc", None, "1; drop"):
        with pytest.raises(NotFound) as exc:
            access_member(actor, bad)
        assert exc.value.status_code == 404


def test_access_member_with_a_permission(college):
    assert access_member(college.user("branch"), college.member.pk, perm=Perm.MANAGE_MEMBERS) == college.member
    with pytest.raises(NotFound):
        access_member(college.user("group_leader"), college.member.pk, perm=Perm.MANAGE_MEMBERS)
    with pytest.raises(NotFound):
        access_member(college.user("member"), college.member.pk, perm=Perm.MANAGE_MEMBERS)


def test_a_member_sees_only_themself(college):
    member = college.user("member")
    for other in (college.secretary, college.other_member):
        with pytest.raises(NotFound):
            access_member(member, other.pk)


def test_after_a_transfer_out_the_last_organisations_officers_keep_read_access(college):
    services.member_transfer(actor=system_actor(), member=college.member, to_org=None, on=timezone.localdate())
    college.member.refresh_from_db()
    assert access_member(college.user("branch"), college.member.pk) == college.member
    assert access_member(college.user("member"), college.member.pk) == college.member  # still themself
    with pytest.raises(NotFound):
        access_member(college.user("other_branch"), college.member.pk)


@pytest.mark.parametrize("role", ["admin", "committee", "branch"])
def test_after_a_transfer_out_nobody_changes_or_reveals_the_record(college, role):
    services.member_transfer(actor=system_actor(), member=college.member, to_org=None, on=timezone.localdate())
    college.member.refresh_from_db()
    actor = college.user(role)
    for perm in (Perm.MANAGE_MEMBERS, Perm.REVEAL_PERSONAL_DATA, Perm.MANAGE_ACCOUNTS, Perm.MANAGE_CARE):
        with pytest.raises(NotFound):
            access_member(actor, college.member.pk, perm=perm)
    with pytest.raises(Forbidden):
        services.member_update(actor=actor, member=college.member, admin_unit="别处")
    with pytest.raises(Forbidden):
        services.member_reveal(actor=actor, member=college.member)
    with pytest.raises(Forbidden):
        services.situation_add(actor=actor, member=college.member, kind="abroad", since=timezone.localdate())
    # Taking them back in is the one change left, into an organisation the actor manages.
    services.member_transfer(actor=actor, member=college.member, to_org=college.group, on=timezone.localdate())
    assert can_manage(actor, college.member)


def test_only_the_last_organisations_officers_take_a_member_back_in(college):
    services.member_transfer(actor=system_actor(), member=college.member, to_org=None, on=timezone.localdate())
    college.member.refresh_from_db()
    with pytest.raises(Forbidden):
        services.member_transfer(
            actor=college.user("other_branch"),
            member=college.member,
            to_org=college.other_branch,
            on=timezone.localdate(),
        )
    with pytest.raises(Forbidden):  # back in, but not into an organisation the actor manages
        services.member_transfer(
            actor=college.user("branch"), member=college.member, to_org=college.other_branch, on=timezone.localdate()
        )


def test_after_a_transfer_the_new_branch_takes_over(college):
    services.member_transfer(
        actor=system_actor(), member=college.member, to_org=college.other_branch, on=timezone.localdate()
    )
    college.member.refresh_from_db()
    assert access_member(college.user("other_branch"), college.member.pk, perm=Perm.MANAGE_MEMBERS)
    with pytest.raises(NotFound):
        access_member(college.user("branch"), college.member.pk)
