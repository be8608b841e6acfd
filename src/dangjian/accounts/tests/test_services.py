"""Account actions: accounts, passwords, role grants and API tokens."""

import datetime

import pytest
from conftest import PASSWORD
from django.utils import timezone

from dangjian.accounts import services
from dangjian.accounts.models import ApiToken, Role, RoleGrant, User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.accounts.system import system_actor
from dangjian.accounts.tests.factories import UserFactory
from dangjian.core.errors import DomainError, Forbidden
from dangjian.core.models import AuditEvent

NEW_PASSWORD = "a-much-better-passphrase-42"


def events(action: str):
    return AuditEvent.objects.filter(action=action)


# Accounts --------------------------------------------------------------------------------------


def test_user_create_without_a_password_cannot_log_in(db):
    user = services.user_create(actor=system_actor(), username=" T900001 ", display_name="新人")
    assert user.username == "T900001"
    assert user.must_change_password
    assert not user.has_usable_password()
    assert events("account.create").get().object_id == str(user.pk)


def test_user_create_refuses_duplicates_and_blanks(db):
    services.user_create(actor=system_actor(), username="T900001", display_name="新人")
    with pytest.raises(DomainError) as exc:
        services.user_create(actor=system_actor(), username="T900001", display_name="又一个")
    assert exc.value.field == "username"
    with pytest.raises(DomainError):
        services.user_create(actor=system_actor(), username="  ", display_name="无名")
    assert User.objects.filter(display_name__in=["又一个", "无名"]).count() == 0


# Passwords -------------------------------------------------------------------------------------


def test_password_change(college):
    user = college.user("member")
    user.must_change_password = True
    user.save()
    services.password_change(actor=user, old_password=PASSWORD, new_password=NEW_PASSWORD)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.must_change_password
    event = events("account.password_change").get()
    assert event.actor == user
    assert NEW_PASSWORD not in str(event.changes)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("wrong-password-000", NEW_PASSWORD),  # the current password is wrong
        (PASSWORD, PASSWORD),  # the same password again
        (PASSWORD, "short"),  # too short for the validators
        (PASSWORD, "password123"),  # too common
    ],
)
def test_password_change_refusals_change_nothing(college, old, new):
    user = college.user("member")
    with pytest.raises(DomainError):
        services.password_change(actor=user, old_password=old, new_password=new)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not events("account.password_change").exists()


@pytest.mark.parametrize(("actor", "target"), [("admin", "member"), ("committee", "member"), ("branch", "member")])
def test_password_reset_by_an_officer_over_the_member(college, actor, target):
    user = college.user(target)
    user.is_active = False
    user.save()
    password = services.password_reset(actor=college.user(actor), user=user, org_path=college.member.org.path)
    user.refresh_from_db()
    assert user.check_password(password)
    assert user.must_change_password
    assert user.is_active
    event = events("account.password_reset").get()
    assert event.org_path == college.member.org.path
    assert password not in str(event.changes)


@pytest.mark.parametrize("actor", ["group_leader", "auditor", "other_branch", "member"])
def test_password_reset_forbidden_outside_the_actors_scope(college, actor):
    user = college.user("member")
    with pytest.raises(Forbidden):
        services.password_reset(actor=college.user(actor), user=user, org_path=college.member.org.path)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        # The committee secretary's member record sits in the faculty branch, but their account
        # holds the committee's role: the branch secretary must not take it over.
        ("branch", "committee"),
        ("branch", "admin"),
        ("committee", "admin"),
    ],
)
def test_password_reset_cannot_take_over_a_stronger_account(college, actor, target):
    user = college.user(target)
    with pytest.raises(Forbidden):
        services.password_reset(actor=college.user(actor), user=user, org_path=college.branch.path)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_of_a_superuser_needs_an_administrator(college):
    superuser = UserFactory(is_superuser=True)
    with pytest.raises(Forbidden):
        services.password_reset(actor=college.user("committee"), user=superuser, org_path=college.branch.path)
    services.password_reset(actor=college.user("admin"), user=superuser, org_path=college.branch.path)


# Role grants -----------------------------------------------------------------------------------


def test_role_grant_by_a_branch_officer_within_their_branch(college):
    user = UserFactory()
    grant = services.role_grant(actor=college.user("branch"), user=user, role=Role.GROUP_LEADER, org=college.group)
    assert grant.since == timezone.localdate()
    assert scope_for(user).allows(Perm.VIEW_MEMBERS, college.group.path)
    event = events("role.grant").get(object_id=str(grant.pk))
    assert event.changes["role"] == Role.GROUP_LEADER
    assert event.org_path == college.group.path
    assert event.actor == college.user("branch")


@pytest.mark.parametrize(
    ("actor", "role", "org"),
    [
        ("branch", Role.ADMIN, None),
        ("committee", Role.ADMIN, None),
        ("branch", Role.BRANCH_OFFICER, "other_branch"),  # outside their scope
        ("branch", Role.BRANCH_OFFICER, "committee"),  # above them
        # No one grants more than they hold: a branch officer may not manage organisations or
        # read the audit log, so they cannot hand out a role that does, even in their branch.
        ("branch", Role.COMMITTEE_OFFICER, "branch"),
        ("branch", Role.AUDITOR, "branch"),
        ("group_leader", Role.GROUP_LEADER, "group"),
        ("auditor", Role.AUDITOR, "branch"),
        ("member", Role.GROUP_LEADER, "group"),
        ("other_branch", Role.GROUP_LEADER, "group"),
    ],
)
def test_role_grant_forbidden(college, actor, role, org):
    user = UserFactory()
    with pytest.raises(Forbidden):
        services.role_grant(actor=college.user(actor), user=user, role=role, org=getattr(college, org) if org else None)
    assert not RoleGrant.objects.filter(user=user).exists()


def test_role_grant_allowed_combinations(college):
    user = UserFactory()
    services.role_grant(actor=college.user("committee"), user=user, role=Role.COMMITTEE_OFFICER, org=college.committee)
    services.role_grant(actor=college.user("branch"), user=user, role=Role.BRANCH_OFFICER, org=college.branch)
    services.role_grant(actor=college.user("admin"), user=user, role=Role.ADMIN)
    services.role_grant(actor=college.user("admin"), user=user, role=Role.AUDITOR, org=college.committee)
    assert RoleGrant.objects.filter(user=user).count() == 4


def test_role_grant_needs_an_organisation_except_for_administrators(college):
    with pytest.raises(DomainError) as exc:
        services.role_grant(actor=college.user("admin"), user=UserFactory(), role=Role.AUDITOR)
    assert exc.value.field == "org"
    grant = services.role_grant(actor=system_actor(), user=UserFactory(), role=Role.ADMIN, org=college.branch)
    assert grant.org is None


def test_role_end(college):
    user = UserFactory()
    since = timezone.localdate() - datetime.timedelta(days=10)
    grant = services.role_grant(actor=system_actor(), user=user, role=Role.AUDITOR, org=college.branch, since=since)
    services.role_end(actor=system_actor(), grant=grant, until=since + datetime.timedelta(days=5))
    assert grant.until == since + datetime.timedelta(days=5)
    assert not scope_for(user).has_anywhere(Perm.VIEW_AUDIT)
    assert events("role.end").get().changes == {"until": str(grant.until), "withdrawn_at": None}


def test_role_ended_before_it_began_is_withdrawn(college):
    user = UserFactory()
    since = timezone.localdate() - datetime.timedelta(days=10)
    grant = services.role_grant(actor=system_actor(), user=user, role=Role.AUDITOR, org=college.branch, since=since)
    services.role_end(actor=system_actor(), grant=grant, until=since - datetime.timedelta(days=5))
    assert grant.until == since  # a date range never ends before it begins …
    assert grant.withdrawn_at is not None  # … so the grant is withdrawn instead
    assert not scope_for(user).has_anywhere(Perm.VIEW_AUDIT)
    assert events("role.withdraw").get().changes["until"] == str(since)


# API tokens ------------------------------------------------------------------------------------


def test_api_token_round_trip(college):
    user = college.user("branch")
    token, key = services.api_token_create(actor=user)
    assert key not in token.key_hash
    assert len(token.key_hash) == 64
    assert services.api_token_user(key) == user
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.expires_at > timezone.now() + datetime.timedelta(days=29)
    assert events("api_token.create").get().actor == user
    assert key not in str(list(AuditEvent.objects.values_list("changes", "object_repr")))


def test_api_token_refused_when_unknown_expired_or_inactive(college):
    user = college.user("branch")
    token, key = services.api_token_create(actor=user)
    assert services.api_token_user("not-a-key") is None
    assert services.api_token_user("") is None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert services.api_token_user(key) is None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + datetime.timedelta(days=1))
    assert services.api_token_user(key) == user
    user.is_active = False
    user.save()
    assert services.api_token_user(key) is None


def test_api_tokens_are_independent(college):
    _first, key1 = services.api_token_create(actor=college.user("branch"))
    _second, key2 = services.api_token_create(actor=college.user("member"))
    assert key1 != key2
    assert services.api_token_user(key1) == college.user("branch")
    assert services.api_token_user(key2) == college.user("member")


def test_audit_export_counts_the_scope_and_refuses_the_unauthorised(college):
    from dangjian.accounts.selectors import AuditFilters, audit_list
    from dangjian.accounts.services import audit_export
    from dangjian.core.errors import NotFound

    auditor = college.user("auditor")
    export = audit_export(actor=auditor, filters=AuditFilters(action="member."))
    assert export.count == audit_list(actor=auditor, filters=AuditFilters(action="member.")).count()
    assert export.filename.endswith(".xlsx")
    assert export.content[:2] == b"PK"  # a zip, as every .xlsx
    with pytest.raises(NotFound):
        audit_export(actor=college.user("member"), filters=AuditFilters())
