"""The background drainer `onrecord serve` runs: outbox → Meilisearch, retrying with backoff.

It makes quotes searchable without anyone typing a command once Meilisearch is back, and keeps
going across PostgreSQL and Meilisearch outages, stalls and bugs: a round that fails in any
way is logged and retried later, and a supervisor starts the drain loop again should it end
all the same. Several API processes may each run one; the drain lock lets only one work at a
time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.index_sync.service import drain_outbox
from db.search_index import SearchIndex

log = logging.getLogger("onrecord.index_worker")

MAX_BACKOFF = 30.0


@dataclass(frozen=True)
class WorkerHealth:
    """What the readiness probe reports of the worker."""

    alive: bool
    restarts: int  # times the supervisor started the drain loop again
    last_error: str | None  # the last failed round's reason, None once a round succeeds

    @property
    def status(self) -> str:
        if not self.alive:
            return "stopped"
        return f"retrying: {self.last_error}" if self.last_error else "ok"


class IndexWorker:
    def __init__(
        self,
        factory: sessionmaker[Session],
        index: SearchIndex,
        batch_size: int = 1000,
        interval: float = 1.0,
        on_indexed: Callable[[], None] | None = None,
    ):
        """`on_indexed` is called after a round that indexed quotes (the alert worker is
        woken so, to match them at once)."""
        self.factory = factory
        self.on_indexed = on_indexed
        self.index = index
        self.batch_size = batch_size
        self.interval = interval
        self.restarts = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._loop: threading.Thread | None = None
        self._supervisor = threading.Thread(
            target=self._supervise, name="index-worker-supervisor", daemon=True
        )

    def start(self) -> None:
        self._supervisor.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._wake.set()
        self._supervisor.join(timeout)

    def wake(self) -> None:
        """Drain now rather than at the next tick: a writer just committed outbox events.
        Writes arriving during a round are taken together by the next one."""
        self._wake.set()

    def health(self) -> WorkerHealth:
        alive = self._loop is not None and self._loop.is_alive() and not self._stop.is_set()
        return WorkerHealth(alive, self.restarts, self.last_error)

    def _supervise(self) -> None:
        """Run the drain loop in a thread of its own and start it again whenever it ends
        before the worker is stopped."""
        while not self._stop.is_set():
            self._loop = threading.Thread(target=self._run, name="index-worker", daemon=True)
            self._loop.start()
            self._loop.join()
            if self._stop.is_set():
                break
            self.restarts += 1
            log.error("index worker: drain loop ended unexpectedly; restart %d", self.restarts)
            self._stop.wait(self.interval)

    def _run(self) -> None:
        delay = self.interval
        while not self._stop.is_set():
            self._wake.clear()  # a wake from here on (a commit this round may miss) counts
            delay = self.run_once(delay)
            if self.last_error:  # backing off: writes do not hurry a failing round
                self._stop.wait(delay)
            else:
                self._wake.wait(delay)

    def run_once(self, delay: float) -> float:
        """One drain; returns how long to wait before the next (doubling while failing).

        Nothing a round raises leaves this method: an outage, a stall or a bug is logged and
        the round is tried again later.
        """
        started = time.monotonic()
        try:
            result = drain_outbox(self.factory, self.index, self.batch_size, wait=False)
        except SQLAlchemyError as exc:
            reason = f"database unavailable: {str(exc).splitlines()[0]}"
            log.warning("index worker: %s", reason)
            return self._failed(delay, reason)
        except Exception as exc:
            log.exception("index worker: round failed")
            return self._failed(delay, f"{type(exc).__name__}: {exc}")
        if result.error:
            reason = f"{result.pending} quotes wait for the index: {result.error}"
            log.warning("index worker: %s", reason)
            return self._failed(delay, reason)
        self.last_error = None
        if result.indexed and self.on_indexed:
            self.on_indexed()
        if result.indexed or result.deleted:
            log.info(
                "index worker: indexed %d, removed %d, %d waiting in %.1f s",
                result.indexed,
                result.deleted,
                result.pending,
                time.monotonic() - started,
            )
        return self.interval

    def _failed(self, delay: float, reason: str) -> float:
        self.last_error = reason
        return min(max(delay * 2, self.interval), MAX_BACKOFF)
