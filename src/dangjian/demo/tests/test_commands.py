import io

import pytest
from django.core.management import CommandError, call_command

from dangjian.accounts.models import User
from dangjian.accounts.tests.factories import UserFactory
from dangjian.core.models import AuditEvent
from dangjian.demo import generator
from dangjian.demo.library import load as library_load
from dangjian.members.models import Member
from dangjian.ops.management.commands import serve
from dangjian.orgs.models import Organisation
from dangjian.orgs.tests.factories import OrganisationFactory

SMALL = generator.Scale(committees=1, branches=8, members=60)


@pytest.fixture
def small_demo(monkeypatch):
    monkeypatch.setattr(generator, "DEMO_SCALE", SMALL)
    monkeypatch.setattr(library_load, "MATERIAL_LIMIT", 6)


class FakeChild:
    pid = 0

    def poll(self):
        return None


@pytest.fixture
def served(monkeypatch):
    """The children `serve` would supervise, as (argv, env) (recorded, not started)."""
    calls = []

    def start_only(self):
        self.start()
        return 0

    monkeypatch.setattr(serve.Supervisor, "run", start_only)
    monkeypatch.setattr(serve, "start_child", lambda argv, env: calls.append((argv, env)) or FakeChild())
    monkeypatch.setattr(serve.signal, "signal", lambda signum, handler: None)
    return calls


def granian_calls(calls):
    return [(argv, env) for argv, env in calls if argv[1:3] == ["-m", "granian"]]


def run_demo(*args) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


# One build serves the four steps below: building the demo is the slow part, and what each step
# checks is what a later run of the command does to an existing demo.
@pytest.mark.django_db
def test_demo_builds_once_resets_a_changed_password_and_serves(small_demo, served):
    output = run_demo("--no-serve")
    counts = (Organisation.objects.count(), Member.objects.count(), AuditEvent.objects.count())
    assert counts[1] >= 50
    for account in generator.DEMO_ACCOUNTS:
        assert account.username in output
    assert generator.DEMO_PASSWORD in output
    assert "哲学系教工党支部" in output
    assert served == []

    # Run again: nothing is built twice, the accounts are printed again.
    again = run_demo("--no-serve")
    assert (Organisation.objects.count(), Member.objects.count(), AuditEvent.objects.count()) == counts
    assert "demo-student" in again

    # A demo password someone changed is set back, so the printed accounts log in.
    user = User.objects.get(username="demo-branch")
    user.set_password("something-else-1")
    user.save()
    assert "demo-branch" in run_demo("--no-serve")
    user.refresh_from_db()
    assert user.check_password(generator.DEMO_PASSWORD)

    # Without --no-serve, the built demo is served on the address asked for.
    run_demo("--host", "127.0.0.2", "--port", "8123")
    [(argv, env)] = granian_calls(served)
    assert argv[1:5] == ["-m", "granian", "--interface", "wsgi"]
    assert argv[argv.index("--host") + 1] == "127.0.0.2"
    assert argv[argv.index("--port") + 1] == "8123"


@pytest.mark.django_db
@pytest.mark.parametrize("make", ["organisation", "account", "member"])
def test_demo_refuses_a_database_with_other_data(make, small_demo, served):
    if make == "organisation":
        OrganisationFactory(kind="committee", name="某学院党委", code="C01")
    elif make == "account":
        UserFactory(username="T100001")
    else:
        demo_org = OrganisationFactory(kind="committee", name="哲学与社会发展学院党委", code="DEMO-C01")
        branch = OrganisationFactory(parent=demo_org, name="支部", code="DEMO-C01-B01")
        member = Member.objects.create(
            name="张三", gender="male", birth_date="1980-01-01", category="faculty", joined_on="2000-01-01", org=branch
        )
        assert member.memberships.count() == 0  # entered behind the services' back: not demo data
    before = (Organisation.objects.count(), Member.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CommandError) as exc:
        run_demo("--no-serve")
    assert "demo" in str(exc.value).lower() or "演示" in str(exc.value)
    assert (Organisation.objects.count(), Member.objects.count(), AuditEvent.objects.count()) == before
    assert served == []


def test_serve_runs_granian_in_wsgi_mode(served, monkeypatch, settings):
    monkeypatch.setenv("DANGJIAN_WORKERS", "3")
    monkeypatch.setenv("DANGJIAN_THREADS", "7")
    out = io.StringIO()
    call_command("serve", "--port", "9001", stdout=out)
    [(argv, env)] = granian_calls(served)
    assert argv[-1] == "dangjian.config.wsgi:application"
    assert argv[argv.index("--interface") + 1] == "wsgi"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--blocking-threads") + 1] == "7"
    assert argv[argv.index("--host") + 1] == "127.0.0.1"
    assert env["DANGJIAN_DATA_DIR"] == str(settings.DATA_DIR)
    assert "http://127.0.0.1:9001/" in out.getvalue()

    assert (settings.STATIC_ROOT / "django_htmx" / "htmx-2.min.js").exists()  # collected


def test_serve_lets_idle_connections_neither_take_every_slot_nor_linger(served, monkeypatch):
    monkeypatch.setenv("DANGJIAN_THREADS", "5")
    call_command("serve", stdout=io.StringIO())
    [(argv, _env)] = granian_calls(served)
    # Granian counts open connections against --backpressure: far more than the threads.
    assert int(argv[argv.index("--backpressure") + 1]) >= 100
    assert argv[argv.index("--http1-header-read-timeout") + 1] == "15000"

    monkeypatch.setenv("DANGJIAN_MAX_CONNECTIONS", "64")
    monkeypatch.setenv("DANGJIAN_IDLE_TIMEOUT", "30")
    call_command("serve", "--no-worker", stdout=io.StringIO())
    argv = granian_calls(served)[-1][0]
    assert argv[argv.index("--backpressure") + 1] == "64"
    assert argv[argv.index("--http1-header-read-timeout") + 1] == "30000"


@pytest.mark.parametrize(
    ("name", "value"),
    [("DANGJIAN_IDLE_TIMEOUT", "0"), ("DANGJIAN_IDLE_TIMEOUT", "61"), ("DANGJIAN_MAX_CONNECTIONS", "0")],
)
def test_serve_refuses_settings_granian_would_refuse(served, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(CommandError):
        call_command("serve", stdout=io.StringIO())
    assert served == []


def test_serve_refuses_zero_workers(served):
    with pytest.raises(CommandError):
        call_command("serve", "--workers", "0")
    assert served == []


def test_serve_supervises_a_task_worker_unless_told_not_to(served):
    call_command("serve", "--port", "9002", stdout=io.StringIO())
    assert [argv[-1] for argv, _env in served] == ["dangjian.config.wsgi:application", "worker"]
    call_command("serve", "--port", "9003", "--no-worker", stdout=io.StringIO())
    assert len(served) == 3
