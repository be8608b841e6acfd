"""Idle and busy keep-alive clients against the real server: does a new client still get an answer?

Starts granian with the command line `dangjian serve` builds (the machine's default threads) on a
free port of 127.0.0.1, serving a static file, and measures, for the current settings and for the
old ones (at most as many connections as threads, granian's 30 s header timeout):

1. the wait of a new client while 3 × threads connections sit idle after one request each, and
   2 × threads more are open but silent (bounded: a client gives up after 40 s);
2. fairness: 20 keep-alive clients fetch the file in a loop for `--seconds`; requests per client
   (min, median, max) and the longest wait for a first answer.

    uv run python bench/keepalive.py [--seconds 10]
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT  # noqa: E402

STATIC = "/static/django_htmx/htmx-2.min.js"
GIVE_UP = 40.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(connection: http.client.HTTPConnection, close: bool = False) -> int:
    connection.request("GET", STATIC, headers={"Connection": "close"} if close else {})
    response = connection.getresponse()
    response.read()
    return response.status


def start_server(argv: list[str], folder: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dangjian.config.settings",
        "DANGJIAN_DATA_DIR": str(folder),
        "DANGJIAN_STATIC_FROM_APPS": "1",
        "DANGJIAN_LOG_LEVEL": "ERROR",
    }
    process = subprocess.Popen([*argv[:-1], "--log-level", "error", argv[-1]], env=env)  # noqa: S603
    port = int(argv[argv.index("--port") + 1])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if fetch(http.client.HTTPConnection("127.0.0.1", port, timeout=2), close=True) == 200:
                return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise SystemExit("the server did not start")


def stop_server(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def new_client_wait(port: int, threads: int) -> float:
    idle: list = []
    try:
        for _ in range(threads * 3):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=GIVE_UP)
            fetch(connection)
            idle.append(connection)
        idle += [socket.create_connection(("127.0.0.1", port)) for _ in range(threads * 2)]
        started = time.monotonic()
        try:
            fetch(http.client.HTTPConnection("127.0.0.1", port, timeout=GIVE_UP), close=True)
        except TimeoutError:
            return float("inf")
        return time.monotonic() - started
    finally:
        for connection in idle:
            connection.close()


def fairness(port: int, clients: int, seconds: float) -> dict:
    counts = [0] * clients
    first = [GIVE_UP] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=GIVE_UP)
        started = time.monotonic()
        try:
            while time.monotonic() < stop:
                fetch(connection)
                if counts[index] == 0:
                    first[index] = time.monotonic() - started
                counts[index] += 1
        except OSError:
            pass
        finally:
            connection.close()

    workers = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + GIVE_UP + 5)
    return {
        "clients": clients,
        "seconds": seconds,
        "requests per client (min / median / max)": [min(counts), statistics.median(counts), max(counts)],
        "clients served at least once": sum(1 for c in counts if c),
        "longest wait for a first answer (s)": round(max(first), 2),
    }


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--seconds", type=float, default=10.0, help="length of the fairness run")
    options.add_argument("--clients", type=int, default=20)
    args = options.parse_args()
    folder = OUT / "keepalive"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["DANGJIAN_DATA_DIR"] = str(folder)
    os.environ["DJANGO_SETTINGS_MODULE"] = "dangjian.config.settings"
    import django

    django.setup()
    from dangjian.ops.management.commands.serve import default_threads, granian_argv

    threads = default_threads()
    results = {"threads": threads, "load average at start": os.getloadavg()[0]}
    configurations = {
        "before (connections = threads, 30 s header timeout)": {"max_connections": threads, "idle_timeout": 30},
        "now (defaults)": {},
    }
    for name, settings in configurations.items():
        port = free_port()
        argv = granian_argv(host="127.0.0.1", port=port, workers=1, threads=threads, **settings)
        process = start_server(argv, folder)
        try:
            wait = new_client_wait(port, threads)
            results[name] = {
                "new client's wait with idle connections open (s)": "gave up after 40"
                if wait == float("inf")
                else round(wait, 3),
                "fairness": fairness(port, args.clients, args.seconds),
            }
        finally:
            stop_server(process)
        print(name, json.dumps(results[name], ensure_ascii=False), file=sys.stderr)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
