"""Fault test with the real server: idle keep-alive clients must not keep a new client waiting.

Granian is started with the command line `dangjian serve` builds, few threads, on a free port of
127.0.0.1. It serves a static file (WhiteNoise, from the apps' folders), so no database is needed.
The time a new client waits is measured by bench/keepalive.py; here the bound is generous.
"""

import http.client
import os
import signal
import socket
import subprocess
import time

import pytest

from dangjian.ops.management.commands.serve import granian_argv

STATIC = "/static/django_htmx/htmx-2.min.js"
THREADS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, *, timeout: float) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", STATIC, headers={"Connection": "close"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dangjian.config.test_settings",
        "DANGJIAN_DATA_DIR": str(tmp_path),
        "DANGJIAN_STATIC_FROM_APPS": "1",
    }
    argv = granian_argv(host="127.0.0.1", port=port, workers=1, threads=THREADS)
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [*argv[:-1], "--log-level", "error", argv[-1]], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(port, timeout=2) == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def test_idle_keep_alive_and_silent_connections_do_not_block_a_new_client(server):
    port = server
    idle: list = []
    try:
        for _ in range(THREADS * 3):  # kept alive after one request each, then idle
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", STATIC)
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            idle.append(connection)
        # Connected, never a byte sent.
        idle.extend(socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(THREADS * 2))

        started = time.monotonic()
        assert get(port, timeout=10) == 200
        assert time.monotonic() - started < 10
    finally:
        for connection in idle:
            connection.close()
