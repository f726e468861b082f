"""Extraction for `POST /v1/articles`, in worker processes outside the API's interpreter.

Extraction is CPU work in Python: run in a request thread it holds the interpreter lock and
slows every search the event loop serves meanwhile. Worker processes (started in the
background when the API starts, so no POST waits for a spawn and an import) keep the API
responsive; a bound on the articles running or waiting turns a flood of huge posts into
503 + Retry-After instead of an ever longer queue.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date

from db.records import Extractor, QuoteDraft

log = logging.getLogger(__name__)


class ExtractionBusy(Exception):
    """Every worker is taken and the waiting line is full: try again shortly."""


class ExtractionPool:
    def __init__(self, extract: Extractor, workers: int, waiting: int):
        self._extract = extract
        self._workers = workers
        self._slots = threading.BoundedSemaphore(workers + waiting)
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def extract(self, text: str, published: date | None) -> Sequence[QuoteDraft]:
        """The article's quotes, extracted by a worker process; the calling thread waits.

        Raises ExtractionBusy when `workers + waiting` articles are already in hand. A worker
        that dies (killed, out of memory) costs only its own article: the pool is replaced.
        """
        if not self._slots.acquire(blocking=False):
            raise ExtractionBusy
        try:
            pool = self._executor()
            try:
                return pool.submit(self._extract, text, published).result()
            except BrokenProcessPool:
                self._discard(pool)
                raise
        finally:
            self._slots.release()

    def warm(self) -> None:
        """Start the workers and load the extractor in them now, without waiting: the
        first POST then costs what every other one does."""
        self._executor().submit(self._extract, "", None)

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("spawn")  # never fork a threaded server
                self._pool = ProcessPoolExecutor(self._workers, mp_context=context)
            return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        log.warning("an extraction worker died; starting new ones")
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers: idle ones would otherwise keep the server from exiting."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            workers = list(pool._processes.values())  # this pool's own, none of another's
            pool.shutdown(wait=False, cancel_futures=True)
            for worker in workers:
                worker.terminate()
