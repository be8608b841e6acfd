"""The actor's scope: roles bound to organisations, inherited down the tree by path prefix."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from dangjian.accounts import services
from dangjian.accounts.models import Role
from dangjian.accounts.permissions import ROLE_PERMISSIONS, Grant, Perm, Scope, forget_scope, scope_for
from dangjian.accounts.system import system_actor
from dangjian.accounts.tests.factories import UserFactory
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation


def path_of(*ids: int) -> str:
    return "".join(Organisation.path_segment(pk) for pk in ids)


def scope(*grants: tuple[str, str]) -> Scope:
    return Scope(user_id=1, member_id=None, grants=[Grant(role=r, org_id=None, org_path=p) for r, p in grants])


# Pure scope logic ------------------------------------------------------------------------------


def test_a_grant_covers_its_subtree_and_nothing_beside_it():
    s = scope((Role.BRANCH_OFFICER, path_of(1)))
    assert s.allows(Perm.VIEW_MEMBERS, path_of(1))
    assert s.allows(Perm.VIEW_MEMBERS, path_of(1, 2))
    assert s.allows(Perm.VIEW_MEMBERS, path_of(1, 2, 3))
    assert not s.allows(Perm.VIEW_MEMBERS, path_of(10))  # "000010/" does not start with "000001/"
    assert not s.allows(Perm.VIEW_MEMBERS, path_of(10, 1))
    assert not s.allows(Perm.VIEW_MEMBERS, "0000010/")
    assert not s.allows(Perm.VIEW_MEMBERS, path_of(2, 1))
    assert not s.allows(Perm.VIEW_MEMBERS, "")  # global objects
    assert not s.allows(Perm.VIEW_MEMBERS, None)


def test_ids_beyond_six_digits_do_not_collide():
    assert path_of(1_000_000) == "1000000/"
    s = scope((Role.BRANCH_OFFICER, path_of(100_000)))
    assert not s.allows(Perm.VIEW_MEMBERS, path_of(1_000_000))
    assert not s.allows(Perm.VIEW_MEMBERS, path_of(1_000_000, 5))
    assert s.allows(Perm.VIEW_MEMBERS, path_of(100_000, 1_000_000))


ids = st.integers(min_value=1, max_value=10**9)


@given(chain=st.lists(ids, min_size=1, max_size=6, unique=True), other=st.lists(ids, min_size=1, max_size=6))
def test_allows_is_exactly_the_ancestor_relation(chain, other):
    """A grant at `chain` covers `other` if and only if `chain` is a leading part of `other`."""
    s = scope((Role.BRANCH_OFFICER, path_of(*chain)))
    is_descendant = other[: len(chain)] == chain
    assert s.allows(Perm.VIEW_MEMBERS, path_of(*other)) is is_descendant


def test_permissions_follow_the_role():
    s = scope((Role.GROUP_LEADER, path_of(1, 2, 3)))
    assert s.allows(Perm.VIEW_MEMBERS, path_of(1, 2, 3))
    assert not s.allows(Perm.MANAGE_MEMBERS, path_of(1, 2, 3))
    assert not s.allows(Perm.REVEAL_PERSONAL_DATA, path_of(1, 2, 3))
    assert not s.has_anywhere(Perm.VIEW_AUDIT)
    auditor = scope((Role.AUDITOR, path_of(1)))
    assert auditor.allows(Perm.VIEW_AUDIT, path_of(1, 2))
    assert not auditor.allows(Perm.MANAGE_MEMBERS, path_of(1, 2))
    assert not auditor.allows(Perm.REVEAL_PERSONAL_DATA, path_of(1, 2))


def test_multiple_grants_combine_and_covered_roots_are_dropped():
    s = scope(
        (Role.BRANCH_OFFICER, path_of(1, 2)),
        (Role.GROUP_LEADER, path_of(1, 2, 3)),
        (Role.GROUP_LEADER, path_of(1, 7, 8)),
        (Role.AUDITOR, path_of(1)),
    )
    assert s.paths(Perm.VIEW_MEMBERS) == [path_of(1)]
    assert s.paths(Perm.MANAGE_MEMBERS) == [path_of(1, 2)]
    assert s.paths(Perm.VIEW_AUDIT) == [path_of(1)]
    assert s.roles == {Role.BRANCH_OFFICER, Role.GROUP_LEADER, Role.AUDITOR}
    two = scope((Role.GROUP_LEADER, path_of(1, 2, 3)), (Role.GROUP_LEADER, path_of(1, 7, 8)))
    assert two.paths(Perm.VIEW_MEMBERS) == [path_of(1, 2, 3), path_of(1, 7, 8)]
    assert two.allows(Perm.VIEW_MEMBERS, path_of(1, 7, 8))
    assert not two.allows(Perm.VIEW_MEMBERS, path_of(1, 7))


def test_admin_is_allowed_everything_everywhere():
    s = scope((Role.ADMIN, ""))
    assert s.is_admin
    for perm in Perm:
        assert s.paths(perm) == [""]
        assert s.allows(perm, path_of(5, 6))
        assert s.allows(perm, "")
        assert s.allows(perm, None)
    assert str(s.org_filter(Perm.VIEW_AUDIT)) == str(type(s.org_filter(Perm.VIEW_AUDIT))())


def test_no_grants_no_access():
    s = scope()
    for perm in Perm:
        assert s.paths(perm) == []
        assert not s.has_anywhere(perm)
        assert not s.allows(perm, path_of(1))


def test_every_role_has_permissions_and_admin_has_all():
    assert set(ROLE_PERMISSIONS) == set(Role.values)
    assert ROLE_PERMISSIONS[Role.ADMIN] == frozenset(Perm)
    for role, perms in ROLE_PERMISSIONS.items():
        assert Perm.VIEW_ORG in perms, role


# Scope built from the database -----------------------------------------------------------------


def test_scope_for_the_college_roles(college):
    committee, branch, group, other = college.committee, college.branch, college.group, college.other_branch
    expect = {
        "admin": {committee, branch, group, other},
        "committee": {committee, branch, group, other},
        "auditor": {committee, branch, group, other},
        "branch": {branch, group},
        "group_leader": {group},
        "other_branch": {other},
        "member": set(),
    }
    for role, visible in expect.items():
        s = scope_for(college.user(role))
        seen = {org for org in (committee, branch, group, other) if s.allows(Perm.VIEW_ORG, org.path)}
        assert seen == visible, role
    assert scope_for(college.user("admin")).is_admin
    assert not scope_for(college.user("committee")).is_admin
    assert scope_for(college.user("committee")).allows(Perm.MANAGE_ORG, branch.path)
    assert not scope_for(college.user("branch")).allows(Perm.MANAGE_ORG, branch.path)
    assert not scope_for(college.user("auditor")).allows(Perm.MANAGE_MEMBERS, branch.path)


def test_anonymous_has_an_empty_scope():
    s = scope_for(AnonymousUser())
    assert s.user_id is None
    assert s.member_id is None
    assert s.grants == []


def test_the_members_own_record_is_in_the_scope(college):
    s = scope_for(college.user("member"))
    assert s.member_id == college.member.pk
    assert s.grants == []
    assert scope_for(UserFactory()).member_id is None


def test_superuser_is_an_administrator(db):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert scope_for(superuser).is_admin
    assert not scope_for(UserFactory(is_staff=True)).is_admin


def test_expired_and_future_grants_do_not_count(college):
    today = timezone.localdate()
    user = UserFactory()
    day = datetime.timedelta(days=1)
    services.role_grant(
        actor=system_actor(),
        user=user,
        role=Role.AUDITOR,
        org=college.branch,
        since=today - 10 * day,
        until=today - day,
    )
    services.role_grant(actor=system_actor(), user=user, role=Role.AUDITOR, org=college.other_branch, since=today + day)
    services.role_grant(actor=system_actor(), user=user, role=Role.ADMIN, since=today + day)
    s = scope_for(user)
    assert s.grants == []
    assert not s.is_admin
    # The first and last day of a grant count.
    services.role_grant(actor=system_actor(), user=user, role=Role.AUDITOR, org=college.group, since=today, until=today)
    assert scope_for(user).paths(Perm.VIEW_AUDIT) == [college.group.path]


def test_scope_is_cached_until_forgotten(college):
    user = UserFactory()
    assert scope_for(user) is scope_for(user)
    since = timezone.localdate() - datetime.timedelta(days=30)
    grant = services.role_grant(actor=system_actor(), user=user, role=Role.AUDITOR, org=college.branch, since=since)
    assert scope_for(user).allows(Perm.VIEW_AUDIT, college.branch.path)  # role_grant forgets the scope
    stale = scope_for(user)
    grant.user = user
    services.role_end(actor=system_actor(), grant=grant, until=timezone.localdate() - datetime.timedelta(days=1))
    assert scope_for(user) is not stale  # role_end forgets it too
    forget_scope(user)
    assert not scope_for(user).has_anywhere(Perm.VIEW_AUDIT)


@pytest.mark.parametrize("role", ["committee", "branch", "group_leader", "auditor", "other_branch", "member"])
def test_org_filter_matches_allows(college, role):
    s = scope_for(college.user(role))
    for perm in Perm:
        filtered = set(Member.objects.current().filter(s.org_filter(perm)).values_list("pk", flat=True))
        expected = {m.pk for m in Member.objects.current().select_related("org") if s.allows(perm, m.org.path)}
        assert filtered == expected, (role, perm)
