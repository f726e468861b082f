"""The background drainer `onrecord serve` runs: outbox → Meilisearch, retrying with backoff.

It makes quotes searchable without anyone typing a command once Meilisearch is back, and keeps
going across PostgreSQL and Meilisearch outages, stalls and bugs: a round that fails in any
way is logged and retried later, and a supervisor starts the drain loop again should it end
all the same. Several API processes may each run one; the drain lock lets only one work at a
time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.index_sync.service import drain_outbox
from db.search_index import SearchIndex
from db.supervised import SupervisedLoop, WorkerHealth

__all__ = ["IndexWorker", "WorkerHealth"]

log = logging.getLogger("onrecord.index_worker")

MAX_BACKOFF = 30.0


class IndexWorker(SupervisedLoop):
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
        super().__init__("index-worker", interval, log)
        self.factory = factory
        self.on_indexed = on_indexed
        self.index = index
        self.batch_size = batch_size

    def round(self, delay: float) -> tuple[float, bool]:
        return self.run_once(delay), False

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
        if result.refused:
            log.warning(
                "index worker: Meilisearch refused the documents of %d quotes, set aside "
                "(`onrecord check` lists them)",
                result.refused,
            )
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
        return self.failed(delay, reason, MAX_BACKOFF)
