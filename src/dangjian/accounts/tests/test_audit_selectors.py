"""Browsing the audit log: scope per role and the filters."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from dangjian.accounts import services as account_services
from dangjian.accounts.models import Role
from dangjian.accounts.selectors import AuditFilters, audit_actions, audit_list
from dangjian.accounts.system import system_actor
from dangjian.accounts.tests.factories import UserFactory
from dangjian.core import audit


@pytest.fixture
def trail(college):
    """One event per place: nowhere (global), the committee, each branch and the group."""
    return {
        "global": audit.record(actor=None, action="test.global", object_repr="全局"),
        "committee": audit.record(actor=None, action="test.committee", org_path=college.committee.path),
        "branch": audit.record(actor=college.user("branch"), action="test.branch", org_path=college.branch.path),
        "group": audit.record(actor=None, action="test.group", org_path=college.group.path, object_repr="张三"),
        "other_branch": audit.record(actor=None, action="test.other", org_path=college.other_branch.path),
    }


def visible(actor, **filters) -> set[str]:
    return {e.action for e in audit_list(actor=actor, filters=AuditFilters(**filters)) if e.action.startswith("test.")}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", {"test.global", "test.committee", "test.branch", "test.group", "test.other"}),
        ("auditor", {"test.committee", "test.branch", "test.group", "test.other"}),
        ("committee", set()),
        ("branch", set()),
        ("group_leader", set()),
        ("member", set()),
        ("other_branch", set()),
    ],
)
def test_audit_list_scope(college, trail, role, expected):
    assert visible(college.user(role)) == expected


def test_anonymous_sees_nothing(trail):
    assert list(audit_list(actor=AnonymousUser())) == []


def test_an_auditor_of_a_branch_sees_that_subtree_only(college, trail):
    auditor = UserFactory()
    account_services.role_grant(actor=system_actor(), user=auditor, role=Role.AUDITOR, org=college.branch)
    assert visible(auditor) == {"test.branch", "test.group"}
    # Events of the auditor's own branch written before the grant are visible too: scope is by place.
    assert all(e.org_path.startswith(college.branch.path) for e in audit_list(actor=auditor))


def test_audit_filters(college, trail):
    admin = college.user("admin")
    assert visible(admin, action="test.group") == {"test.group"}
    assert visible(admin, action="test.") == set(e.action for e in trail.values())
    assert visible(admin, q="张三") == {"test.group"}
    assert visible(admin, q=college.user("branch").display_name) == {"test.branch"}
    today = timezone.localdate()
    assert len(visible(admin, date_from=today, date_to=today)) == 5
    assert visible(admin, date_from=today + datetime.timedelta(days=1)) == set()
    assert visible(admin, date_to=today - datetime.timedelta(days=1)) == set()


def test_audit_list_is_newest_first(college, trail):
    events = [e for e in audit_list(actor=college.user("admin")) if e.action.startswith("test.")]
    assert [e.pk for e in events] == sorted((e.pk for e in events), reverse=True)


def test_audit_actions(trail):
    actions = audit_actions()
    assert len(actions) == len(set(actions))
    assert {"test.global", "test.group", "member.create", "officer.appoint"} <= set(actions)
