"""Fixtures shared by every test: a small college with one account per role."""

import copy
import datetime
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db.models.signals import post_migrate
from hypothesis import settings as hypothesis_settings

from dangjian.accounts import services as account_services
from dangjian.accounts.models import Role, User
from dangjian.accounts.system import system_actor
from dangjian.accounts.tests.factories import UserFactory
from dangjian.core.tests.migrations import migrate  # noqa: F401 - a fixture for the data-migration tests
from dangjian.members.models import Member
from dangjian.members.tests.factories import MemberFactory
from dangjian.orgs import services as org_services
from dangjian.orgs.models import Organisation
from dangjian.orgs.tests.factories import OrganisationFactory

PASSWORD = "test-password-123"  # noqa: S105

# Property tests check what holds, not how fast: on a busy machine running the suite in parallel, a
# generated case can pass Hypothesis's default 200 ms deadline and fail a correct rule.
hypothesis_settings.register_profile("dangjian", deadline=None)
hypothesis_settings.load_profile("dangjian")


def _statutory_days_after_a_flush(sender, using, **kwargs) -> None:
    """A test that commits ends with a flush, which empties the working-day calendar its data migration
    filled; Django then sends post_migrate, and the statutory days go back, so every later test on the
    same process sees the calendar a real database has (tests only: production keeps an admin's edits)."""
    import importlib

    from django.apps import apps

    from dangjian.core.models import CalendarDay

    if sender.label != "core" or CalendarDay.objects.using(using).exists():
        return
    importlib.import_module("dangjian.core.migrations.0003_statutory_holidays").load(apps, None)


post_migrate.connect(_statutory_days_after_a_flush, dispatch_uid="dangjian-statutory-days-after-flush")


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


def build_college() -> College:
    """Create the small college: a committee, two branches, a group and one account per role."""
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
        actor=system_actor(), org=committee, member=committee_secretary, position="secretary", since=start
    )
    org_services.officer_appoint(actor=system_actor(), org=branch, member=secretary, position="secretary", since=start)
    org_services.officer_appoint(actor=system_actor(), org=group, member=leader, position="group_leader", since=start)
    org_services.officer_appoint(
        actor=system_actor(), org=other, member=other_secretary, position="secretary", since=start
    )

    admin = UserFactory(username="admin")
    account_services.role_grant(actor=system_actor(), user=admin, role=Role.ADMIN, since=start)
    auditor = UserFactory(username="auditor")
    account_services.role_grant(actor=system_actor(), user=auditor, role=Role.AUDITOR, org=committee, since=start)

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


# --- One college per test process -----------------------------------------------------------------
#
# Most tests only need the college to be there. Building it takes about 170 queries, so it is built
# once and kept in a transaction that stays open around the tests that use it, the way Django's
# TestCase keeps `setUpTestData`: each test runs in a savepoint inside that transaction and is rolled
# back to it, and gets its own deep copy of the Python objects. Tests that commit (transactional
# ones, the live server's) and database tests without the college must not see it, so the
# transaction is rolled back before such a test and the college is built again, once, for the next
# test that wants it. pytest-django runs the transactional tests after the others, so this happens
# about once per process.


def _is_transactional(item: pytest.Item) -> bool:
    """Whether pytest-django gives the test a TransactionTestCase (the same rule as its own)."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    names = getattr(item, "fixturenames", ())
    return any(name in names for name in ("transactional_db", "live_server", "django_db_reset_sequences"))


def _uses_database(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return item.get_closest_marker("django_db") is not None or "db" in names or _is_transactional(item)


class SharedCollege:
    """The college built once inside an open transaction, while tests that may see it run."""

    def __init__(self, blocker) -> None:
        self.blocker = blocker
        self.atomic = None
        self.connection = None
        self.college: College | None = None

    def open(self) -> None:
        from django.db import transaction

        with self.blocker.unblock():
            self.connection = transaction.get_connection()
            atomic = transaction.atomic()
            atomic._from_testcase = True  # let the services' durable blocks nest in it, as in TestCase
            atomic.__enter__()
            try:
                self.college = build_college()
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
            self.atomic = atomic

    def close(self) -> None:
        from django.db import transaction

        if self.atomic is None:
            return
        atomic, connection = self.atomic, self.connection
        self.atomic = self.connection = self.college = None
        with self.blocker.unblock():
            if transaction.get_connection() is connection:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
            else:
                # Playwright's sync API runs the tests in a context of its own, where Django has
                # connection objects of its own; once it has stopped (at the end of the session),
                # the transaction opened under it is out of `atomic`'s reach. Closing the
                # connection ends it (an in-memory SQLite database goes with the process).
                connection.close()


_shared: SharedCollege | None = None
_current: pytest.Item | None = None


def _wants_shared_college(item: pytest.Item) -> bool:
    return "college" in getattr(item, "fixturenames", ()) and not _is_transactional(item)


@pytest.fixture(scope="session")
def _shared_college(django_db_setup, django_db_blocker):
    """The holder of the shared college; a session fixture, so it is set up before any test's `db`."""
    global _shared
    _shared = SharedCollege(django_db_blocker)
    if _current is not None and _wants_shared_college(_current):
        _shared.open()
    yield _shared
    _shared.close()
    _shared = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Before the test's own fixtures: its `db` savepoint must open inside the shared transaction,
    # and a test that commits or expects an empty database must start outside it.
    global _current
    _current = item
    if _shared is None:
        return
    if _wants_shared_college(item):
        if _shared.atomic is None:
            _shared.open()
    elif _uses_database(item):
        _shared.close()


@pytest.fixture
def college(_shared_college: SharedCollege, db) -> College:
    if _shared_college.college is None:  # a test that commits: its own college, flushed after it
        return build_college()
    return copy.deepcopy(_shared_college.college)


# --- Parallel runs ---------------------------------------------------------------------------------
#
# `addopts` asks pytest-xdist for `-n auto`; this decides what "auto" means. The whole suite (or a
# folder of it) runs on one process per CPU; a run of single files or tests stays in this process,
# where xdist's start-up (a process and a test database per worker) costs more than it saves.
# PYTEST_XDIST_AUTO_NUM_WORKERS or an explicit `-n N` still decide when given.


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own implementation reads it
    if config.getoption("collectonly"):
        return 0
    if config.args_source == pytest.Config.ArgsSource.ARGS and not any(
        Path(arg.split("::")[0]).is_dir() for arg in config.args
    ):
        return 0
    return None  # one per CPU


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's, and before it drops a PostgreSQL test database, it ends what is still connected.

    The live server answers each browser connection on a daemon thread; a keep-alive connection the
    browser had not closed can leave such a thread, and its database session, alive after the server
    stopped, and PostgreSQL then refuses to drop the database ("being accessed by other users").
    Every test process has a database of its own, so whatever else is connected to it is a leftover
    of this process.
    """
    yield
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        connections.close_all()
