"""The job queue that schedules polls: procrastinate, on the PostgreSQL OnRecord already uses.

Every `tick` seconds a periodic job is deferred (once per moment, however many workers run;
its queueing lock keeps at most one waiting). The worker that runs it claims due feeds in SQL
(`db.feeds.service.claim_due`: due, not held by anyone, taken with SKIP LOCKED and held by a
lease) one at a time on each of a few poller threads until the next tick, each waking when
the next feed falls due, so a feed is polled at its interval. Workers that
run tick jobs at the same moment claim disjoint feeds, so a feed is fetched once however many
workers there are, and a backlog is shared between them. `FeedWorker` runs procrastinate's
worker on an event loop of its own thread, beside the API in `onrecord serve` or alone in
`onrecord worker`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

import procrastinate
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from db.records import Extractor
from db.supervised import WorkerHealth
from indexer.fetch import Fetcher
from indexer.polling.poll import POLLERS, PollReport, poll_due

log = logging.getLogger("onrecord.feeds")

QUEUE = "feeds"
TICK_TASK = "onrecord.feeds.tick"
RESTART_DELAY = 5.0  # seconds before a worker that stopped on an error starts again
TICK_MARGIN = 0.2  # a tick's pollers end this much before the next tick's job is deferred


def libpq_url(database_url: str) -> str:
    """The SQLAlchemy URL (`postgresql+psycopg://…`) as psycopg itself takes it."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(False)


def feed_jobs(
    database_url: str,
    factory: sessionmaker[Session],
    fetcher: Fetcher,
    extract: Extractor,
    on_stored: Callable[[], None],
    tick: int = 5,
) -> procrastinate.App:
    """The procrastinate app with the periodic feed task, bound to these stores and fetcher.
    `on_stored` is called after a poll that stored articles: it wakes the index worker, which
    makes their quotes searchable and wakes the alert worker in turn."""
    connector = procrastinate.PsycopgConnector(
        conninfo=libpq_url(database_url), min_size=1, max_size=4
    )
    app = procrastinate.App(connector=connector)

    @app.periodic(cron=f"* * * * * */{tick}", periodic_id="due-feeds")
    @app.task(name=TICK_TASK, queue=QUEUE, queueing_lock=TICK_TASK, pass_context=False)
    def poll_due_feeds(timestamp: int) -> None:
        # until the next tick: a feed falling due meanwhile is polled then, not a tick later
        until = timestamp + tick - TICK_MARGIN
        poll_due(factory, fetcher, extract, pollers=POLLERS, on_report=after_poll, until=until)

    def after_poll(report: PollReport) -> None:
        log.info("feed poll: %s", report.line())
        if report.new or report.updated:  # searchable now, not at the index worker's tick
            on_stored()

    return app


class FeedWorker:
    """procrastinate's worker on its own thread and event loop; started again after an error
    (PostgreSQL gone) until stopped."""

    def __init__(self, app: procrastinate.App, concurrency: int = 2, name: str = "feeds"):
        self.app = app
        self.concurrency = concurrency
        self.name = name
        self.last_error: str | None = None  # why the worker last stopped; None once it runs
        self.restarts = 0
        self._foreground = False  # procrastinate handles SIGINT/SIGTERM, and they end the run
        self._stop = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._run, name=f"{name}-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def alive(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def health(self) -> WorkerHealth:
        """What /readyz reports: a worker starting again after an error says why."""
        return WorkerHealth(self.alive(), self.restarts, self.last_error)

    def stop(self, timeout: float = 15) -> None:
        """Cancel the run and wait for it; stopping again does nothing more (its loop is gone)."""
        if not self._stop.is_set():
            self._stop.set()
            loop, task = self._loop, self._task
            if loop is not None and task is not None and not loop.is_closed():
                loop.call_soon_threadsafe(task.cancel)
        if self._thread.is_alive():
            self._thread.join(timeout)

    def run_forever(self) -> None:
        """Work in the main thread until SIGINT (Ctrl-C) or SIGTERM: the jobs under way
        finish first (up to 10 s)."""
        self._foreground = True
        self._run()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                asyncio.run(self._work())
                if self._foreground:
                    break  # a signal ended the worker
            except Exception as exc:
                self.last_error = f"{type(exc).__name__}: {exc}"
                self.restarts += 1
                log.warning("feed worker stopped: %s; starting again", self.last_error)
                self._stop.wait(RESTART_DELAY)

    async def _work(self) -> None:
        self._loop = asyncio.get_running_loop()
        async with self.app.open_async():
            self.last_error = None  # connected again
            self._task = asyncio.ensure_future(
                self.app.run_worker_async(
                    queues=[QUEUE],
                    name=self.name,
                    concurrency=self.concurrency,
                    install_signal_handlers=self._foreground,
                    delete_jobs="successful",
                    shutdown_graceful_timeout=10,
                    fetch_job_polling_interval=1.0,
                )
            )
            if self._stop.is_set():
                self._task.cancel()
            self.last_error = None
            try:
                await self._task
            except asyncio.CancelledError:
                if not self._stop.is_set():
                    raise
