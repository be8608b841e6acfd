"""`dangjian serve`: collect the static files, then serve the WSGI application with granian.

Workers come from `--workers` or DANGJIAN_WORKERS (default 1, right for SQLite), threads per
worker from DANGJIAN_THREADS. The command replaces its own process with granian (`python -m granian` of the same
interpreter), so granian receives the signals directly and no Django process lingers beside it.
WhiteNoise serves the collected static files from inside the application.

Unless `--no-worker` is given, one background worker (`dangjian db_worker`: Django's tasks kept in
the database, e.g. reading a long PDF into pages) starts beside the server in the same process
group, so Ctrl+C stops both, and the nightly jobs (`dangjian.config.daily`) are put in its queue. A
deployment may run its workers separately and pass `--no-worker` (then it schedules them with
`dangjian daily --schedule`, or runs `dangjian daily` from cron).
"""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connections
from django.utils.translation import gettext as _

from dangjian.config.daily import schedule_daily
from dangjian.config.env import env_int

WSGI_APPLICATION = "dangjian.config.wsgi:application"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def default_threads() -> int:
    """Threads per worker: granian's own ceiling for WSGI (2 × cores + 1) unless DANGJIAN_THREADS says."""
    return env_int("DANGJIAN_THREADS", (os.cpu_count() or 1) * 2 + 1)


def granian_argv(*, host: str, port: int, workers: int, threads: int) -> list[str]:
    """The command line that serves dangjian with granian in WSGI mode."""
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
        # Requests beyond the worker's threads wait in the listen backlog, not in Python.
        "--blocking-threads",
        str(threads),
        "--backpressure",
        str(threads),
        "--respawn-failed-workers",
        "--no-ws",
        WSGI_APPLICATION,
    ]


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

    def handle(self, *args, host: str, port: int, workers: int | None, no_worker: bool = False, **options):
        workers = workers if workers is not None else env_int("DANGJIAN_WORKERS", 1)
        if workers < 1:
            raise CommandError(_("The number of workers must be at least 1."))
        if not 0 < port < 65536:
            raise CommandError(_("The port must be between 1 and 65535."))
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
        connections.close_all()
        # The served application must use the same data folder even if it was given relative
        # to the current directory, and the same settings.
        env = {
            **os.environ,
            "DANGJIAN_DATA_DIR": str(settings.DATA_DIR),
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "dangjian.config.settings"),
        }
        if not no_worker:
            # The worker outlives this Python image: execve keeps the process, so it stays our child.
            subprocess.Popen([sys.executable, "-m", "dangjian.cli", "db_worker"], env=env)  # noqa: S603
        argv = granian_argv(host=host, port=port, workers=workers, threads=default_threads())
        os.execve(argv[0], argv, env)  # noqa: S606 - replaces this process with the server
