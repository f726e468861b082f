"""The background drainer `onrecord serve` runs: outbox → Meilisearch, retrying with backoff.

It makes quotes searchable without anyone typing a command once Meilisearch is back, and keeps
going across PostgreSQL outages. Several API processes may each run one; the drain lock lets
only one work at a time.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.index_sync.service import drain_outbox
from db.search_index import SearchIndex

log = logging.getLogger("onrecord.index_worker")

MAX_BACKOFF = 30.0


class IndexWorker:
    def __init__(
        self,
        factory: sessionmaker[Session],
        index: SearchIndex,
        batch_size: int = 1000,
        interval: float = 1.0,
    ):
        self.factory = factory
        self.index = index
        self.batch_size = batch_size
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="index-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        delay = self.interval
        while not self._stop.is_set():
            delay = self.run_once(delay)
            self._stop.wait(delay)

    def run_once(self, delay: float) -> float:
        """One drain; returns how long to wait before the next (doubling while failing)."""
        try:
            result = drain_outbox(self.factory, self.index, self.batch_size, wait=False)
        except SQLAlchemyError as exc:
            log.warning("index worker: database unavailable: %s", str(exc).splitlines()[0])
            return min(max(delay * 2, self.interval), MAX_BACKOFF)
        if result.error:
            log.warning(
                "index worker: %d quotes wait for the index: %s", result.pending, result.error
            )
            return min(max(delay * 2, self.interval), MAX_BACKOFF)
        if result.indexed or result.deleted:
            log.info(
                "index worker: indexed %d, removed %d, %d waiting",
                result.indexed,
                result.deleted,
                result.pending,
            )
        return self.interval
