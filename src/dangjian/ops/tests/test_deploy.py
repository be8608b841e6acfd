"""The deployment files (deploy/, Containerfile) agree with the application they deploy.

- deploy/env.example, the documented production environment, passes `dangjian check --deploy` with
  warnings counted as failures, and names every variable the settings read;
- nginx accepts a little more than the largest request the application accepts, and passes the
  headers the documented settings read;
- the systemd units and the container image run commands, with options, that `dangjian` has;
- `serve --no-collectstatic` serves without collecting; the deploy checks warn of a shared database
  with a generated key and of a proxy named for HTTPS without a trusted address.
"""

import http.server
import re
import runpy
import shlex
import subprocess
import sys
import threading

import pytest
from django.core.management import get_commands, load_command_class

from dangjian.care import files as care_files
from dangjian.evaluation import rules as evaluation_rules
from dangjian.notices import rules as notices_rules
from dangjian.ops import checks
from dangjian.ops.management.commands import serve
from dangjian.ops.tests.deploy_env import ENV_EXAMPLE, ROOT, documented_environment, read_env_file
from dangjian.study.services.activities import PHOTO_MAX_BYTES

DEPLOY = ROOT / "deploy"
MIB = 1024 * 1024


def test_the_documented_environment_passes_the_deploy_checks(tmp_path):
    documented, _ = read_env_file(ENV_EXAMPLE)
    # The documented values themselves must say what a production site needs.
    assert documented["DANGJIAN_SECURE_COOKIES"] == "true"
    assert documented["DANGJIAN_PROXY_SSL_HEADER"] == "X-Forwarded-Proto"
    assert documented["DANGJIAN_TRUSTED_PROXIES"]
    assert documented["DATABASE_URL"].startswith("postgresql://")
    assert documented["REDIS_URL"].startswith("redis://")
    # What each installation fills in (key, folders) is the test's own. The database is an empty one
    # in memory (the checks that read its tables stay silent), so nothing connects anywhere.
    env = documented_environment(tmp_path, database_url="sqlite://:memory:")
    result = subprocess.run(  # noqa: S603 - this interpreter, our own command
        [sys.executable, "-m", "dangjian.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
    assert (tmp_path / "static").is_dir()  # the settings' folders were the test's, not the documented ones


def environment_names() -> set[str]:
    """Every environment variable the settings, the data folder and `serve` read."""
    sources = [
        ROOT / "src/dangjian/config/settings.py",
        ROOT / "src/dangjian/core/env.py",
        ROOT / "src/dangjian/ops/management/commands/serve.py",
    ]
    pattern = re.compile(r"""env_(?:str|bool|int|list)\(\s*"([A-Z][A-Z0-9_]*)\"""")
    return {name for source in sources for name in pattern.findall(source.read_text())}


def test_the_documented_environment_names_every_variable():
    values, mentioned = read_env_file(ENV_EXAMPLE)
    names = environment_names()
    assert {"DANGJIAN_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DANGJIAN_WORKERS"} <= names
    assert names - set(values) - mentioned == set()
    assert set(values) | mentioned <= names  # nothing documented that nothing reads


def nginx_size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()  # type: ignore[union-attr]
    return int(number) * {"": 1, "k": 1024, "m": MIB, "g": 1024 * MIB}[unit.lower()]


def test_nginx_accepts_a_little_more_than_the_largest_upload(settings):
    nginx = (DEPLOY / "nginx.conf").read_text()
    (limit,) = re.findall(r"^\s*client_max_body_size\s+(\S+);", nginx, re.MULTILINE)
    documented, _ = read_env_file(ENV_EXAMPLE)
    largest = max(
        int(documented.get("DANGJIAN_LIBRARY_MAX_BYTES", settings.DANGJIAN_LIBRARY_MAX_BYTES)),
        int(documented.get("DANGJIAN_IMPORT_MAX_BYTES", settings.DANGJIAN_IMPORT_MAX_BYTES)),
        notices_rules.MAX_ATTACHMENTS * notices_rules.MAX_ATTACHMENT_BYTES,
        care_files.MAX_ATTACHMENTS * care_files.MAX_ATTACHMENT_BYTES,
        evaluation_rules.EVIDENCE_MAX_BYTES,
        PHOTO_MAX_BYTES,
    )
    # Above it by room for the form around the files, so the application answers with its own message;
    # not so far above that nginx stops bounding what reaches the application.
    assert largest + MIB <= nginx_size(limit) <= largest + 16 * MIB


def test_nginx_passes_the_headers_the_documented_settings_read():
    nginx = (DEPLOY / "nginx.conf").read_text()
    documented, _ = read_env_file(ENV_EXAMPLE)
    headers = dict(re.findall(r"^\s*proxy_set_header\s+(\S+)\s+(.+);", nginx, re.MULTILINE))
    assert headers[documented["DANGJIAN_PROXY_SSL_HEADER"]] == "$scheme"
    assert headers[documented["DANGJIAN_CLIENT_IP_HEADER"]] == "$proxy_add_x_forwarded_for"
    assert headers["Host"] == "$host"
    # The upstream's servers are the app processes the systemd target starts, on the loopback address
    # that DANGJIAN_TRUSTED_PROXIES trusts.
    servers = re.findall(r"^\s*server\s+127\.0\.0\.1:(\d+)", nginx, re.MULTILINE)
    target = (DEPLOY / "systemd/dangjian.target").read_text()
    assert sorted(servers) == sorted(re.findall(r"dangjian@(\d+)\.service", target))
    assert "127.0.0.1" in documented["DANGJIAN_TRUSTED_PROXIES"].split(",")
    (upstream_idle,) = re.findall(r"^\s+keepalive_timeout\s+(\d+)s;\n}", nginx, re.MULTILINE)
    documented_idle = int(documented.get("DANGJIAN_IDLE_TIMEOUT", serve.DEFAULT_IDLE_TIMEOUT))
    assert int(upstream_idle) < documented_idle  # nginx lets an idle connection go before the app does
    timeouts = re.findall(r"proxy_read_timeout\s+(\d+)s;", nginx)
    assert len(timeouts) == 2
    assert int(max(timeouts, key=int)) > 60  # longer only for the uploads read while the request waits


def dangjian_commands() -> list[list[str]]:
    """Each `dangjian …` command line of the systemd units and of the container image."""
    units = "\n".join(unit.read_text() for unit in sorted((DEPLOY / "systemd").glob("*.service")))
    containerfile = (ROOT / "Containerfile").read_text()
    return [
        *(
            shlex.split(match[2].replace("%i", "8001"))
            for match in re.finditer(r"^Exec\w+=-?(\S+/dangjian)\s+(.*)$", units, re.MULTILINE)
        ),
        *(
            shlex.split(match[1].replace('", "', " ").strip('"'))
            for match in re.finditer(r'^CMD \["dangjian", (.*)\]$', containerfile, re.MULTILINE)
        ),
        *(
            shlex.split(match[1])
            for match in re.finditer(r"^\s+dangjian (collectstatic [^\\\n]*)", containerfile, re.MULTILINE)
        ),
    ]


def test_units_and_image_run_real_commands_with_real_options(db_queue):
    lines = dangjian_commands()
    names = [line[0] for line in lines]
    assert {"serve", "worker", "daily", "collectstatic"} <= set(names), names
    commands = get_commands()
    for name, *arguments in lines:
        assert name in commands, name
        command = load_command_class(commands[name], name)
        command.create_parser("dangjian", name).parse_args(arguments)  # exits on an unknown option


def test_units_run_as_a_dedicated_user_restart_always_and_read_the_environment_file():
    for unit in (DEPLOY / "systemd").glob("*.service"):
        text = unit.read_text()
        assert "User=dangjian" in text
        assert "Restart=always" in text
        assert "EnvironmentFile=/etc/dangjian/dangjian.env" in text


def test_the_image_is_built_from_the_lock_file_and_runs_as_a_user():
    containerfile = (ROOT / "Containerfile").read_text()
    assert re.search(r"^COPY pyproject.toml uv.lock ", containerfile, re.MULTILINE)
    syncs = re.findall(r"uv sync ([^\n]*)", containerfile)
    assert syncs
    assert all("--frozen" in sync and "--no-dev" in sync for sync in syncs)
    assert re.findall(r"^FROM (\S+)", containerfile, re.MULTILINE) == ["${PYTHON_IMAGE}", "${PYTHON_IMAGE}"]
    assert "ARG PYTHON_IMAGE=python:3.13-slim" in containerfile
    (user,) = re.findall(r"^USER (\S+)$", containerfile, re.MULTILINE)
    assert user not in {"root", "0"}
    assert "COPY deploy/healthcheck.py /opt/dangjian/healthcheck.py" in containerfile
    assert re.search(r'^\s+CMD \["python", "/opt/dangjian/healthcheck.py"\]$', containerfile, re.MULTILINE)


def test_the_two_ignore_files_leave_out_the_same_paths():
    def rules(name: str) -> list[str]:
        return [line for line in (ROOT / name).read_text().splitlines() if line and not line.startswith("#")]

    assert rules(".containerignore") == rules(".dockerignore")
    assert ".venv" in rules(".containerignore")


class _Recorder(http.server.BaseHTTPRequestHandler):
    status = 200
    seen: list[dict[str, str]] = []

    def do_GET(self):  # noqa: N802 - the standard library's name
        type(self).seen.append({"path": self.path, **dict(self.headers.items())})
        self.send_response(type(self).status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.parametrize(("status", "code"), [(200, 0), (301, 1), (400, 1)])
def test_the_container_health_check_asks_as_the_proxy_would(monkeypatch, status, code):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.status, _Recorder.seen = status, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("DANGJIAN_HEALTHCHECK_PORT", str(server.server_address[1]))
    monkeypatch.setenv("DANGJIAN_ALLOWED_HOSTS", "dj.example.edu.cn,other.example.edu.cn")
    monkeypatch.setenv("DANGJIAN_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    try:
        with pytest.raises(SystemExit) as exited:
            runpy.run_path(str(DEPLOY / "healthcheck.py"), run_name="__main__")
    finally:
        server.shutdown()
        server.server_close()
    assert exited.value.code == code
    (request,) = _Recorder.seen
    assert request["Host"] == "dj.example.edu.cn"
    assert request["X-Forwarded-Proto"] == "https"
    from django.urls import reverse

    assert request["path"] == reverse("accounts:login")


class _NoSupervisor:
    def __init__(self, **kwargs):
        pass

    def request_stop(self, *args):
        pass

    def run(self) -> int:
        return 0


@pytest.mark.parametrize("no_collectstatic", [False, True])
def test_serve_collects_the_static_files_unless_told_not_to(monkeypatch, no_collectstatic):
    called = []
    monkeypatch.setattr(serve, "call_command", lambda name, **options: called.append(name))
    monkeypatch.setattr(serve, "Supervisor", _NoSupervisor)
    monkeypatch.setattr(serve.signal, "signal", lambda *args: None)
    serve.Command().handle(host="127.0.0.1", port=8001, workers=1, no_worker=True, no_collectstatic=no_collectstatic)
    assert called == ([] if no_collectstatic else ["collectstatic"])


@pytest.mark.parametrize(
    ("shared", "key", "proxy_header", "trusted", "expected"),
    [
        (False, None, None, [], []),
        (True, None, None, [], ["ops.W006"]),
        (True, "k" * 50, None, [], []),
        (False, None, ("HTTP_X_FORWARDED_PROTO", "https"), [], ["ops.W007"]),
        (False, None, ("HTTP_X_FORWARDED_PROTO", "https"), ["127.0.0.1"], []),
        (True, None, ("HTTP_X_FORWARDED_PROTO", "https"), [], ["ops.W006", "ops.W007"]),
    ],
)
def test_deploy_check_warns_of_settings_that_fit_one_machine_only(
    monkeypatch, settings, shared, key, proxy_header, trusted, expected
):
    monkeypatch.setattr(checks, "_shared_database", lambda: shared)
    if key:
        monkeypatch.setenv("DANGJIAN_SECRET_KEY", key)
    else:
        monkeypatch.delenv("DANGJIAN_SECRET_KEY", raising=False)
    settings.SECURE_PROXY_SSL_HEADER = proxy_header
    settings.DANGJIAN_TRUSTED_PROXIES = trusted
    assert [warning.id for warning in checks.deploy_settings_check()] == expected
