"""A small process supervisor: the web server and the background worker as children of `dangjian serve`.

The server is the main child: when it exits, the supervisor stops the worker and exits with the
server's status. The worker is restarted whenever it exits, after a delay that doubles with each
quick exit (1 s, 2 s, 4 s … up to a minute) and starts again at 1 s once a worker has run for a
minute, so a worker that cannot start (the database is down) does not spin.

SIGINT and SIGTERM sent to the supervisor are passed on once to each child, which then has
`stop_timeout` seconds to finish (the worker finishes its current task) before it is killed. The
children run in a process group of their own, so Ctrl+C in a terminal reaches them only through
the supervisor: a second signal straight from the terminal would make the worker abandon its task.

Everything that touches the operating system (starting a child, the clock, sleeping) is passed in,
so the logic is tested with fake children.
"""

import contextlib
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

logger = logging.getLogger(__name__)


class Child(Protocol):
    """What the supervisor needs of a child process (`subprocess.Popen` fits)."""

    pid: int

    def poll(self) -> int | None: ...

    def send_signal(self, sig: int) -> None: ...

    def wait(self, timeout: float | None = None) -> int: ...

    def kill(self) -> None: ...


@dataclass
class Backoff:
    """The delay before restarting a worker: doubling on quick exits, reset after a stable run."""

    first: float = 1.0
    ceiling: float = 60.0
    stable_after: float = 60.0
    _next: float = field(default=0.0, init=False)

    def after_exit(self, ran_for: float) -> float:
        if ran_for >= self.stable_after or self._next == 0.0:
            self._next = self.first
        else:
            self._next = min(self._next * 2, self.ceiling)
        return self._next


@dataclass
class Supervisor:
    start_server: Callable[[], Child]
    start_worker: Callable[[], Child] | None  # None: no worker (`serve --no-worker`)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    backoff: Backoff = field(default_factory=Backoff)
    stop_timeout: float = 30.0
    poll_every: float = 0.5

    server: Child | None = field(default=None, init=False)
    worker: Child | None = field(default=None, init=False)
    worker_started_at: float = field(default=0.0, init=False)
    restart_at: float | None = field(default=None, init=False)  # when the next worker starts, if it is down
    restarts: int = field(default=0, init=False)
    stop_signal: int | None = field(default=None, init=False)

    def request_stop(self, signum: int, frame=None) -> None:
        """Signal handler: stop both children at the next step."""
        self.stop_signal = signum

    def start(self) -> None:
        self.server = self.start_server()
        if self.start_worker is not None:
            self._start_worker()

    def _start_worker(self) -> None:
        if self.start_worker is None:
            return
        self.worker = self.start_worker()
        self.worker_started_at = self.clock()
        self.restart_at = None

    def step(self) -> bool:
        """Check the children once; False when the supervisor should stop."""
        if self.stop_signal is not None:
            return False
        if self.server is None or self.server.poll() is not None:
            logger.error("the web server exited with status %s", self.server and self.server.poll())
            return False
        if self.start_worker is None:
            return True
        now = self.clock()
        if self.worker is not None and (status := self.worker.poll()) is not None:
            delay = self.backoff.after_exit(now - self.worker_started_at)
            logger.error("the background worker exited with status %s; restarting it in %.0f s", status, delay)
            self.worker = None
            self.restart_at = now + delay
        if self.worker is None and self.restart_at is not None and now >= self.restart_at:
            self._start_worker()
            self.restarts += 1
        return True

    def stop(self) -> None:
        """Pass the stop signal on to each running child, wait for it, kill it if it will not stop."""
        sig = self.stop_signal or signal.SIGTERM
        children = [child for child in (self.worker, self.server) if child is not None and child.poll() is None]
        for child in children:
            with contextlib.suppress(ProcessLookupError):  # it has just exited
                child.send_signal(sig)
        deadline = self.clock() + self.stop_timeout
        for child in children:
            try:
                child.wait(timeout=max(0.0, deadline - self.clock()))
            except Exception:  # subprocess.TimeoutExpired: it did not stop in time
                logger.warning("process %s did not stop in time; killing it", child.pid)
                child.kill()
                child.wait()

    def run(self) -> int:
        """Start both children, watch them until a signal or the server's exit, stop both; the exit status."""
        self.start()
        try:
            while self.step():
                self.sleep(self.poll_every)
        finally:
            self.stop()
        if self.stop_signal is not None or self.server is None:
            return 0
        return self.server.poll() or 0
