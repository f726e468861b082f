"""A background loop that keeps going: rounds on a thread of its own, woken early by `wake`,
and a supervisor that starts the loop again should it end before `stop`.

The index worker and the alert worker are both one: a round that fails in any way is the
round's business (logged, retried after a backoff); the supervisor only covers what escapes
a round all the same (a bug, a `SystemExit` in a thread).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkerHealth:
    """What the readiness probe reports of a worker."""

    alive: bool
    restarts: int  # times the supervisor started the loop again
    last_error: str | None  # the last failed round's reason, None once a round succeeds

    @property
    def status(self) -> str:
        if not self.alive:
            return "stopped"
        return f"retrying: {self.last_error}" if self.last_error else "ok"


class SupervisedLoop:
    """Subclasses give `round(delay)`: do one round, return the pause before the next and
    whether work was left (then the next round starts at once). While `last_error` is set
    the pause is a backoff that wakes do not cut short."""

    def __init__(self, name: str, interval: float, log: logging.Logger):
        self.name = name
        self.interval = interval
        self.log = log
        self.restarts = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._loop: threading.Thread | None = None
        self._supervisor = threading.Thread(
            target=self._supervise, name=f"{name}-supervisor", daemon=True
        )

    def start(self) -> None:
        self._supervisor.start()

    @property
    def started(self) -> bool:
        return self._supervisor.ident is not None

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._wake.set()
        self._supervisor.join(timeout)

    def wake(self) -> None:
        """Work now rather than at the next tick. A wake arriving during a round makes the
        next round start right after it."""
        self._wake.set()

    def health(self) -> WorkerHealth:
        alive = self._loop is not None and self._loop.is_alive() and not self._stop.is_set()
        return WorkerHealth(alive, self.restarts, self.last_error)

    def round(self, delay: float) -> tuple[float, bool]:
        raise NotImplementedError

    def _supervise(self) -> None:
        """Run the loop in a thread of its own and start it again whenever it ends before the
        worker is stopped."""
        while not self._stop.is_set():
            self._loop = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._loop.start()
            self._loop.join()
            if self._stop.is_set():
                break
            self.restarts += 1
            self.log.error("%s: loop ended unexpectedly; restart %d", self.name, self.restarts)
            self._stop.wait(self.interval)

    def _run(self) -> None:
        delay = self.interval
        while not self._stop.is_set():
            self._wake.clear()  # a wake from here on (a commit this round may miss) counts
            delay, busy = self.round(delay)
            if self.last_error:  # backing off: wakes do not hurry a failing round
                self._stop.wait(delay)
            elif not busy:
                self._wake.wait(delay)

    def failed(self, delay: float, reason: str, ceiling: float) -> float:
        """Record a failed round; the pause before the next, doubling up to `ceiling`."""
        self.last_error = reason
        return min(max(delay * 2, self.interval), ceiling)
