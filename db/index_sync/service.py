"""Carrying PostgreSQL's quotes to Meilisearch: draining the outbox and rebuilding the index.

Every change to a quote is written to PostgreSQL together with an outbox event in one
transaction; `drain_outbox` carries the events to Meilisearch and deletes them only once
Meilisearch confirms the write, so nothing is lost when Meilisearch is down. A drain that
does not wait for the confirmation (`confirm_later`: a command that stored one article need
not sit out Meilisearch's indexing) leaves its events holding their task uids; the next drain
settles them: deleted once their tasks succeeded, sent again if they failed or were lost.
Meilisearch fails a whole task (and the tasks it batched with it) for one document it refuses;
such a batch is sent again in halves until each refused document stands alone, and only its
quote's events are set aside (`refused`), so one bad document cannot hold up the rest.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from meilisearch.models.task import TaskInfo
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.index_sync import outbox
from db.index_sync.documents import documents, iter_quote_id_batches
from db.search_index import (
    DocumentsRefused,
    QuoteDocument,
    SearchIndex,
    SearchIndexError,
    TaskState,
)
from db.session import transaction
from db.statements.grouping import group_quotes

BATCHES_IN_FLIGHT = 4


@dataclass
class SyncResult:
    indexed: int = 0  # documents written
    deleted: int = 0  # documents removed
    pending: int = 0  # quotes still waiting after this drain, not sent
    awaiting: int = 0  # quotes sent, their confirmation left to a later drain (confirm_later)
    refused: int = 0  # quotes whose document Meilisearch refused, set aside by this drain
    error: str | None = None


def drain_outbox(
    factory: sessionmaker[Session],
    index: SearchIndex,
    batch_size: int = 1000,
    wait: bool = True,
    on_batch: Callable[[int], None] | None = None,
    lock_timeout: float | None = None,
    confirm_later: bool = False,
) -> SyncResult:
    """Carry waiting changes to Meilisearch, oldest first, until none are left or one fails.

    Each round is one transaction holding the drain lock: up to BATCHES_IN_FLIGHT batches are
    read (the current state of each changed quote) and sent without waiting, so Meilisearch
    indexes one while the next is prepared; then each batch's events are deleted only once
    its task succeeded. A failure keeps the events and counts the attempt. With a
    `lock_timeout`, a drainer still busy after that many seconds (say, stuck on a stalled
    Meilisearch) is left to finish: the events wait for it. Events sent earlier without
    waiting are settled first (waiting for their tasks, unless `confirm_later`); with
    `confirm_later` this drain's own batches are sent and left for a later one to confirm.
    """
    result = SyncResult()
    settle = True  # with `confirm_later`, only what earlier drains sent: this one's is left
    while result.error is None:
        try:
            if not _drain_round(
                factory,
                index,
                batch_size,
                wait,
                lock_timeout,
                result,
                on_batch,
                confirm_later,
                settle,
            ):
                break
            settle = not confirm_later
        except OperationalError as exc:
            if not outbox.is_lock_timeout(exc):
                raise
            break  # another drainer holds the lock; it or the worker takes these events
    with factory() as session:
        result.pending, result.awaiting = outbox.count_unsent_and_sent(session)
    return result


def _drain_round(
    factory: sessionmaker[Session],
    index: SearchIndex,
    batch_size: int,
    wait: bool,
    lock_timeout: float | None,
    result: SyncResult,
    on_batch: Callable[[int], None] | None,
    confirm_later: bool,
    settle: bool,
) -> bool:
    """One round in one transaction, counted into `result`; False when there was nothing to
    do or another drainer is at work. `settle`: first settle the events sent without waiting."""
    with transaction(factory) as session:
        if not outbox.lock_outbox(session, wait, lock_timeout):
            return False
        settled = settle and _settle_sent(session, index, not confirm_later, result)
        sent, unsent = _send_round(session, index, batch_size, result)
        if not sent and unsent is None:
            return settled
        if unsent is not None:
            event_ids, result.error = unsent
            outbox.fail_events(session, event_ids, result.error)
        if confirm_later:
            for batch in sent:
                outbox.mark_sent(session, batch.event_ids, [task.task_uid for task in batch.tasks])
            return True
        for batch in sent:
            try:
                for task in batch.tasks:
                    index.wait(task)
            except DocumentsRefused as exc:
                _set_aside_refused(session, index, batch.events, str(exc), result)
                continue
            except SearchIndexError as exc:
                outbox.fail_events(session, batch.event_ids, str(exc))
                result.error = result.error or str(exc)
                continue
            outbox.finish_events(session, batch.event_ids)
            outbox.clear_refused(session, batch.quote_ids)
            result.indexed += batch.documents
            result.deleted += batch.removed
            if on_batch:
                on_batch(batch.documents + batch.removed)
    return True


def settle_sent(factory: sessionmaker[Session], index: SearchIndex) -> SyncResult:
    """Wait for the changes earlier drains sent without waiting, and settle them (confirmed or
    queued again), sending nothing new: what `check` does before it compares the stores."""
    result = SyncResult()
    with transaction(factory) as session:
        outbox.lock_outbox(session, wait=True)
        _settle_sent(session, index, True, result)
    return result


def _settle_sent(session: Session, index: SearchIndex, wait: bool, result: SyncResult) -> bool:
    """Settle the events earlier drains sent without waiting: delete those whose tasks all
    succeeded, queue again those whose tasks failed or were lost, leave those still being
    indexed (with `wait`, wait for them first). True when some event was settled."""
    sent = outbox.sent_events(session)
    if not sent:
        return False
    uids = sorted({uid for _, _, task_uids in sent for uid in task_uids})
    try:
        if wait:
            for uid in uids:
                with suppress(SearchIndexError):  # failed or lost: the outcomes below say so
                    index.wait(uid)
        outcomes = index.task_outcomes(uids)
    except SearchIndexError as exc:
        result.error = result.error or str(exc)
        return False
    confirmed: list[int] = []
    confirmed_quotes: set[int] = set()
    again: dict[str, list[int]] = {}
    refused: dict[str, list[tuple[int, int]]] = {}
    for event_id, quote_id, task_uids in sent:
        states = [outcomes[uid] for uid in task_uids]
        if bad := next((o for o in states if o.state == TaskState.refused), None):
            refused.setdefault(bad.error or "Meilisearch refused", []).append((event_id, quote_id))
        elif failure := next(
            (o for o in states if o.state in (TaskState.failed, TaskState.lost)), None
        ):
            again.setdefault(failure.error or "Meilisearch task failed", []).append(event_id)
        elif all(o.state == TaskState.succeeded for o in states):
            confirmed.append(event_id)
            confirmed_quotes.add(quote_id)
    if confirmed:
        outbox.finish_events(session, confirmed)
        outbox.clear_refused(session, sorted(confirmed_quotes))
        result.indexed += len(confirmed_quotes)
    for error, event_ids in again.items():
        outbox.resend_events(session, event_ids, error)
    for error, events in refused.items():
        _set_aside_refused(session, index, events, error, result)
    return bool(confirmed or again or refused)


def _set_aside_refused(
    session: Session,
    index: SearchIndex,
    events: list[tuple[int, int]],
    error: str,
    result: SyncResult,
) -> None:
    """A batch of (event id, quote id) whose task Meilisearch failed for a document it refused
    (that fails every document of the task, and of the tasks Meilisearch batched with it):
    send it again alone, then in halves, waiting for each, until each refused document stands
    alone; those quotes' events are set aside with the reason, every other change is taken."""
    outbox.resend_events(session, [event_id for event_id, _ in events], error)
    by_quote: dict[int, list[int]] = {}
    for event_id, quote_id in events:
        by_quote.setdefault(quote_id, []).append(event_id)
    _send_alone(session, index, sorted(by_quote), by_quote, result)


def _send_alone(
    session: Session,
    index: SearchIndex,
    quote_ids: list[int],
    by_quote: dict[int, list[int]],
    result: SyncResult,
) -> None:
    event_ids = [event_id for quote_id in quote_ids for event_id in by_quote[quote_id]]
    docs, gone = _changes(session, index, quote_ids)
    try:
        for task in index.submit(docs, gone):
            index.wait(task)
    except DocumentsRefused as exc:
        if len(quote_ids) == 1:
            outbox.refuse_events(session, event_ids, str(exc))
            result.refused += 1
            return
        middle = len(quote_ids) // 2
        _send_alone(session, index, quote_ids[:middle], by_quote, result)
        _send_alone(session, index, quote_ids[middle:], by_quote, result)
        return
    except SearchIndexError as exc:
        outbox.fail_events(session, event_ids, str(exc))
        result.error = result.error or str(exc)
        return
    outbox.finish_events(session, event_ids)
    outbox.clear_refused(session, quote_ids)
    result.indexed += len(docs)
    result.deleted += len(gone)


@dataclass
class _SentBatch:
    events: list[tuple[int, int]]  # (event id, quote id)
    tasks: list[TaskInfo]
    documents: int
    removed: int

    @property
    def event_ids(self) -> list[int]:
        return [event_id for event_id, _ in self.events]

    @property
    def quote_ids(self) -> list[int]:
        return sorted({quote_id for _, quote_id in self.events})


def _send_round(
    session: Session, index: SearchIndex, batch_size: int, result: SyncResult
) -> tuple[list[_SentBatch], tuple[list[int], str] | None]:
    """Read and send up to BATCHES_IN_FLIGHT batches; the first that cannot be sent stops it
    (one Meilisearch refuses as it arrives, too large say, is set aside by halves at once)."""
    sent: list[_SentBatch] = []
    after = 0
    for _ in range(BATCHES_IN_FLIGHT):
        events = outbox.outbox_batch(session, batch_size, after)
        if not events:
            break
        after = events[-1][0]
        event_ids = [event_id for event_id, _ in events]
        quote_ids = sorted({quote_id for _, quote_id in events})
        # statements first, so these documents carry theirs; the quotes whose statement
        # changed with them are queued behind this batch
        outbox.enqueue(session, group_quotes(session, quote_ids))
        docs, gone = _changes(session, index, quote_ids)
        try:
            tasks = index.submit(docs, gone)
        except DocumentsRefused as exc:
            _set_aside_refused(session, index, events, str(exc), result)
            continue
        except SearchIndexError as exc:
            return sent, (event_ids, str(exc))
        sent.append(_SentBatch(events, tasks, len(docs), len(gone)))
    return sent, None


def _changes(
    session: Session, index: SearchIndex, quote_ids: list[int]
) -> tuple[list[QuoteDocument], list[int]]:
    """What the index must take for these quotes: the documents of those still stored, and
    the ids of those gone."""
    docs = documents(session, quote_ids, index.embedder, stored_vectors=index.stored_vectors)
    return docs, sorted(set(quote_ids) - {d["id"] for d in docs})


def group_waiting(session: Session, batch_size: int) -> None:
    """Group the quotes of every waiting outbox event (and of the events that queues), so
    an index rebuilt without draining them still shows current statements."""
    after = 0
    while events := outbox.outbox_batch(session, batch_size, after):
        after = events[-1][0]
        outbox.enqueue(session, group_quotes(session, sorted({q for _, q in events})))


@contextmanager
def _fewer_collections(first_generation: int = 50_000) -> Iterator[None]:
    """Python's cyclic collector with a larger first generation: a batch's 10,000 documents
    (dicts without cycles) set off hundreds of collections that scanned them again, a third
    of the rebuild's own CPU. A command's process only: the thresholds are process-wide."""
    before = gc.get_threshold()
    gc.set_threshold(first_generation, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def rebuild_index(
    factory: sessionmaker[Session],
    index: SearchIndex,
    batch_size: int = 1000,
    on_batch: Callable[[int], None] | None = None,
    on_embedded: Callable[[int], None] | None = None,
) -> int:
    """Rebuild the whole index from PostgreSQL into a fresh index and swap it in.

    Searches keep using the old index until the swap. The drain lock is taken first, then
    one repeatable-read transaction reads every quote from a single snapshot (no drainer can
    have changed the outbox since) and forgets exactly the outbox events that snapshot saw;
    changes committed meanwhile wait and are drained after. Writers are never blocked: their
    own drains give up on the lock and leave their events pending. Should anything fail, the
    transaction rolls back and every event stays queued, so the index (old or new) catches up.
    With an embedder, quotes without a vector get theirs first (`on_embedded` counts them).
    """
    if index.embedder is not None:  # first, in short transactions of their own
        from db.index_sync.vectors import embed_missing

        embed_missing(factory, index.embedder, on_batch=on_embedded)
    engine = factory.kw["bind"]
    with engine.connect() as connection, outbox.drain_lock_held(connection):
        with factory(bind=connection) as session, session.begin():
            group_waiting(session, batch_size)  # the events the snapshot will drop
        snapshot = connection.execution_options(isolation_level="REPEATABLE READ")
        with factory(bind=snapshot) as session, session.begin():

            def batches() -> Iterator[list[QuoteDocument]]:
                for ids in iter_quote_id_batches(session, batch_size):
                    # quotes stored since embed_missing: computed, not kept (a snapshot)
                    yield documents(
                        session,
                        ids,
                        index.embedder,
                        store=False,
                        stored_vectors=index.stored_vectors,
                    )
                    if on_batch:
                        on_batch(len(ids))

            with _fewer_collections():
                total = index.rebuild(batches())
            outbox.drop_visible_events(session)
    return total
