"""The supervisor of `dangjian serve`, with fake children and a fake clock; then once with real processes."""

import signal
import subprocess
import sys
import time

import pytest

from dangjian.core.supervisor import Backoff, Supervisor


class FakeChild:
    def __init__(self, name: str, pid: int):
        self.name = name
        self.pid = pid
        self.status: int | None = None
        self.signals: list[int] = []
        self.killed = False
        self.ignores_signals = False

    def poll(self):
        return self.status

    def send_signal(self, sig):
        self.signals.append(sig)
        if not self.ignores_signals:
            self.status = -sig

    def wait(self, timeout=None):
        if self.status is None:
            raise subprocess.TimeoutExpired(self.name, timeout)
        return self.status

    def kill(self):
        self.killed = True
        self.status = -signal.SIGKILL


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


@pytest.fixture
def world():
    clock = Clock()
    started: dict[str, list[FakeChild]] = {"server": [], "worker": []}

    def starter(name):
        def start():
            child = FakeChild(name, len(started["server"]) + len(started["worker"]) + 100)
            started[name].append(child)
            return child

        return start

    supervisor = Supervisor(
        start_server=starter("server"), start_worker=starter("worker"), clock=clock, sleep=clock.sleep
    )
    return supervisor, clock, started


def test_a_worker_that_exits_is_restarted_with_a_growing_delay(world):
    supervisor, clock, started = world
    supervisor.start()
    delays = []
    for _ in range(4):
        started["worker"][-1].status = 1  # the worker dies at once
        dead_at = clock.now
        count = len(started["worker"])
        while len(started["worker"]) == count:
            assert supervisor.step()
            clock.sleep(0.5)
        delays.append(clock.now - dead_at)
    assert delays[0] <= 1.5
    assert delays == sorted(delays)
    assert delays[-1] >= 8
    assert supervisor.restarts == 4
    assert started["server"][0].poll() is None  # the server was left alone


def test_the_delay_starts_again_after_a_stable_run():
    backoff = Backoff()
    assert [backoff.after_exit(1) for _ in range(8)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert backoff.after_exit(120) == 1


def test_a_signal_stops_both_children_with_that_signal(world):
    supervisor, clock, started = world
    supervisor.start()
    assert supervisor.step()
    supervisor.request_stop(signal.SIGINT)
    assert not supervisor.step()
    supervisor.stop()
    assert started["server"][0].signals == [signal.SIGINT]
    assert started["worker"][0].signals == [signal.SIGINT]


def test_a_child_that_will_not_stop_is_killed(world):
    supervisor, clock, started = world
    supervisor.start()
    started["worker"][0].ignores_signals = True
    supervisor.request_stop(signal.SIGTERM)
    supervisor.stop()
    assert started["worker"][0].killed
    assert not started["server"][0].killed


def test_when_the_server_exits_the_worker_is_stopped_and_its_status_returned(world):
    supervisor, clock, started = world
    supervisor.start()
    started["server"][0].status = 3
    assert not supervisor.step()
    supervisor.stop()
    assert started["worker"][0].signals == [signal.SIGTERM]
    assert supervisor.server.poll() == 3


def test_run_returns_the_server_status():
    clock = Clock()
    server = FakeChild("server", 1)
    server.status = 2  # it fails at once (the port is taken)
    worker = FakeChild("worker", 2)
    supervisor = Supervisor(start_server=lambda: server, start_worker=lambda: worker, clock=clock, sleep=clock.sleep)
    assert supervisor.run() == 2
    assert worker.signals == [signal.SIGTERM]


def test_without_a_worker_only_the_server_runs():
    clock = Clock()
    server = FakeChild("server", 1)
    supervisor = Supervisor(start_server=lambda: server, start_worker=None, clock=clock, sleep=clock.sleep)
    supervisor.start()
    for _ in range(3):
        assert supervisor.step()
    assert supervisor.worker is None


def test_a_killed_worker_process_is_restarted_for_real():
    """Real processes: the worker (a sleeping Python) is killed, a new one starts, SIGTERM stops both."""
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    supervisor = Supervisor(
        start_server=lambda: subprocess.Popen(sleeper),  # noqa: S603
        start_worker=lambda: subprocess.Popen(sleeper),  # noqa: S603
        poll_every=0.05,
        stop_timeout=5,
    )
    supervisor.start()
    try:
        first = supervisor.worker
        first.kill()
        deadline = time.monotonic() + 10
        while supervisor.restarts == 0 and time.monotonic() < deadline:
            assert supervisor.step()
            time.sleep(0.05)
        assert supervisor.restarts == 1
        assert supervisor.worker is not None
        assert supervisor.worker.pid != first.pid
        assert supervisor.worker.poll() is None
    finally:
        supervisor.request_stop(signal.SIGTERM)
        supervisor.stop()
    assert supervisor.worker.poll() is not None
    assert supervisor.server.poll() is not None
