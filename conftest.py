"""Fixtures shared by every test: a small college with one account per role."""

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from dangjian.accounts import services as account_services
from dangjian.accounts.models import Role, User
from dangjian.accounts.tests.factories import UserFactory
from dangjian.members.models import Member
from dangjian.members.tests.factories import MemberFactory
from dangjian.orgs import services as org_services
from dangjian.orgs.models import Organisation
from dangjian.orgs.tests.factories import OrganisationFactory

PASSWORD = "test-password-123"  # noqa: S105


@dataclass
class College:
    committee: Organisation
    branch: Organisation  # faculty branch with a group
    group: Organisation
    other_branch: Organisation  # a student branch
    secretary: Member  # secretary of `branch`
    member: Member  # plain member of `group`
    other_member: Member  # member of `other_branch`
    users: dict[str, User]  # role name → account

    def user(self, role: str) -> User:
        return self.users[role]


ROLES = ["anonymous", "admin", "committee", "branch", "group_leader", "member", "auditor", "other_branch"]


@pytest.fixture
def college(db) -> College:
    start = datetime.date(2024, 9, 1)
    committee = OrganisationFactory(kind="committee", name="哲学与社会发展学院党委", code="C01")
    branch = OrganisationFactory(parent=committee, name="哲学系教工党支部", code="B01", term_started_on=start)
    group = OrganisationFactory(parent=branch, kind="group", name="第一党小组", code="G01")
    other = OrganisationFactory(parent=committee, name="本科生第一党支部", code="B02", term_started_on=start)

    secretary = MemberFactory(org=branch, name="李书记", number="T100001")
    leader = MemberFactory(org=group, name="王组长", number="T100002")
    member = MemberFactory(org=group, name="张三", number="T100003")
    other_member = MemberFactory(org=other, name="赵学生", number="S200001", category="undergraduate")
    other_secretary = MemberFactory(org=other, name="钱书记", number="S200002", category="graduate")
    committee_secretary = MemberFactory(org=branch, name="吕书记", number="T100000")

    org_services.officer_appoint(
        actor=None, org=committee, member=committee_secretary, position="secretary", since=start
    )
    org_services.officer_appoint(actor=None, org=branch, member=secretary, position="secretary", since=start)
    org_services.officer_appoint(actor=None, org=group, member=leader, position="group_leader", since=start)
    org_services.officer_appoint(actor=None, org=other, member=other_secretary, position="secretary", since=start)

    admin = UserFactory(username="admin")
    account_services.role_grant(actor=None, user=admin, role=Role.ADMIN, since=start)
    auditor = UserFactory(username="auditor")
    account_services.role_grant(actor=None, user=auditor, role=Role.AUDITOR, org=committee, since=start)

    users = {
        "admin": admin,
        "committee": committee_secretary.user,
        "branch": secretary.user,
        "group_leader": leader.user,
        "member": member.user,
        "auditor": auditor,
        "other_branch": other_secretary.user,
    }
    for user in users.values():
        user.set_password(PASSWORD)
        user.must_change_password = False
        user.save()
    return College(committee, branch, group, other, secretary, member, other_member, users)


# --- Browser journeys (Playwright driving Debian's Chromium; no browser download) -------------

CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    configured = os.environ.get("DANGJIAN_CHROMIUM")
    candidates = [configured] if configured else CHROMIUM_CANDIDATES
    return next((path for path in candidates if path and Path(path).exists()), None)


def pytest_collection_modifyitems(config, items):
    if chromium_path() is not None:
        return
    if os.environ.get("DANGJIAN_REQUIRE_BROWSER"):
        raise pytest.UsageError("Browser tests must run here, but no Chromium was found (install Debian's chromium).")
    skip = pytest.mark.skip(reason="no Chromium found: install Debian's chromium to run the browser journeys")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": CHROMIUM_ARGS}


# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between browser steps are safe because the live server runs in its own thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
