"""`dangjian serve`: collect the static files, then serve the WSGI application with granian.

`serve` stays running as a small supervisor (`dangjian.core.supervisor`) with two children: granian
(`python -m granian` of the same interpreter) and, unless `--no-worker` is given, one background
worker (`dangjian worker`: Django's tasks kept in the database, e.g. reading a long PDF into pages,
and the nightly jobs of `dangjian.ops.daily`, which `serve` puts in its queue). A worker that
exits for any reason is started again, after a delay that grows while it keeps failing; SIGINT and
SIGTERM stop both children; when granian itself exits, `serve` stops the worker and exits too. A
deployment may run its workers separately and pass `--no-worker` (then it schedules the nightly jobs
with `dangjian daily --schedule`, or runs `dangjian daily` from cron). WhiteNoise serves the
collected static files from inside the application. Collecting them (and compressing each ahead of
time) takes tens of seconds; a deployment with several server processes collects them once per
upgrade (`dangjian collectstatic`, or at a container image's build) and starts each process with
`--no-collectstatic`, so that a restart is quick and no two processes write the same files at once
(docs/deploy.md).

How granian is configured, and why (the defaults suit one 2-core machine; each is an environment
variable, see README "Configuration"):

- Workers: `--workers` or DANGJIAN_WORKERS (default 1, right for SQLite, which has one writer).
- Threads: DANGJIAN_THREADS per worker (default 2 × cores + 1, granian's own ceiling for WSGI).
  Each request runs on one of them from its first byte of body to its last byte of response.
- Connections: DANGJIAN_MAX_CONNECTIONS per worker (granian's "backpressure", default 256). Granian
  counts a *connection*, not a request, against this limit for as long as the connection is open,
  idle keep-alive time included. With the limit equal to the thread count, five browsers holding a
  kept-alive connection were enough to leave every other client waiting. Open connections cost
  granian almost nothing (no thread): requests beyond the busy threads queue inside granian and are
  answered in turn, so the limit is set well above the thread count and bounds only memory.
- Idle timeout: DANGJIAN_IDLE_TIMEOUT seconds (default 15, at most 60; granian's
  `--http1-header-read-timeout`). It bounds both how long a client may take to send a request's
  headers and how long a kept-alive connection may sit idle between requests, so slow or idle
  clients give their connection back. Keep-alive itself stays on: it spares a page's dozen static
  files a new connection each.
- Limits that remain: a connection that never sends a byte is not timed out by granian, and a
  request body sent slowly holds its thread while the application reads it. A site open to the
  internet should therefore sit behind a reverse proxy that buffers request bodies and times out
  silent clients (nginx does both by default); see README "Deploying".
"""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connections
from django.utils.translation import gettext as _

from dangjian.core.env import env_int
from dangjian.core.supervisor import Supervisor
from dangjian.ops.backup.nightly import schedule_backup
from dangjian.ops.daily import schedule_daily

WSGI_APPLICATION = "dangjian.config.wsgi:application"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_CONNECTIONS = 256
DEFAULT_IDLE_TIMEOUT = 15  # seconds
MAX_IDLE_TIMEOUT = 60  # granian accepts at most 60 000 ms


def default_threads() -> int:
    """Threads per worker: granian's own ceiling for WSGI (2 × cores + 1) unless DANGJIAN_THREADS says."""
    return env_int("DANGJIAN_THREADS", (os.cpu_count() or 1) * 2 + 1)


def granian_argv(
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    idle_timeout: int = DEFAULT_IDLE_TIMEOUT,
) -> list[str]:
    """The command line that serves dangjian with granian in WSGI mode (see the module's notes)."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        # Open connections per worker, idle ones included: far above the threads, so kept-alive
        # connections cannot take every slot; requests beyond the threads queue in granian.
        "--backpressure",
        str(max(max_connections, threads)),
        "--http1-keep-alive",
        # Headers must arrive, and an idle kept-alive connection must send its next request, in time.
        "--http1-header-read-timeout",
        str(idle_timeout * 1000),
        "--respawn-failed-workers",
        "--no-ws",
        WSGI_APPLICATION,
    ]


def worker_argv() -> list[str]:
    """The command line of the background worker that `serve` supervises."""
    return [sys.executable, "-m", "dangjian.cli", "worker"]


class Command(BaseCommand):
    help = "Serve dangjian with granian (WSGI) after collecting the static files."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=DEFAULT_HOST, help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="Port to listen on (default 8000).")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Worker processes (default: the DANGJIAN_WORKERS environment variable, else 1).",
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start a background task worker beside the server."
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Serve the static files collected before (by `dangjian collectstatic`) without collecting them again.",
        )

    def handle(
        self,
        *args,
        host: str,
        port: int,
        workers: int | None,
        no_worker: bool = False,
        no_collectstatic: bool = False,
        **options,
    ):
        workers = workers if workers is not None else env_int("DANGJIAN_WORKERS", 1)
        if workers < 1:
            raise CommandError(_("The number of workers must be at least 1."))
        if not 0 < port < 65536:
            raise CommandError(_("The port must be between 1 and 65535."))
        max_connections = env_int("DANGJIAN_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS)
        if max_connections < 1:
            raise CommandError(_("DANGJIAN_MAX_CONNECTIONS must be at least 1."))
        idle_timeout = env_int("DANGJIAN_IDLE_TIMEOUT", DEFAULT_IDLE_TIMEOUT)
        if not 1 <= idle_timeout <= MAX_IDLE_TIMEOUT:
            raise CommandError(_("DANGJIAN_IDLE_TIMEOUT must be between 1 and 60 seconds."))
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(
            _("Serving dangjian at http://%(host)s:%(port)d/ with %(workers)d worker(s); press Ctrl+C to stop.")
            % {"host": host, "port": port, "workers": workers}
        )
        self.stdout.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        if not no_worker:
            schedule_daily()  # the nightly jobs (overdue needs, the early warning) run on the worker below
            schedule_backup()  # and the nightly backup, when DANGJIAN_BACKUP_NIGHTLY is on
        connections.close_all()
        # The served application must use the same data folder even if it was given relative
        # to the current directory, and the same settings.
        env = {
            **os.environ,
            "DANGJIAN_DATA_DIR": str(settings.DATA_DIR),
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "dangjian.config.settings"),
        }
        server = granian_argv(
            host=host,
            port=port,
            workers=workers,
            threads=default_threads(),
            max_connections=max_connections,
            idle_timeout=idle_timeout,
        )
        supervisor = Supervisor(
            start_server=lambda: start_child(server, env),
            start_worker=None if no_worker else (lambda: start_child(worker_argv(), env)),
        )
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, supervisor.request_stop)
        status = supervisor.run()
        if status:
            raise CommandError(_("The web server stopped with status %(status)s.") % {"status": status})


def start_child(argv: list[str], env: dict[str, str]) -> subprocess.Popen:
    """Start a child in a process group of its own: signals reach it only through the supervisor."""
    return subprocess.Popen(argv, env=env, process_group=0)  # noqa: S603 - our own interpreter and arguments
