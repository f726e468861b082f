"""The alert worker `onrecord serve` runs beside the index worker: match new quotes against
alerts, then send the webhook deliveries that are due, round after round.

Like the index worker, a round that fails in any way is logged and tried again later, and a
supervisor starts the loop again should it end. Several API processes may each run one:
matching claims batches and sending claims deliveries with `FOR UPDATE SKIP LOCKED`, so no
two workers send the same delivery at once.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.alerts import delivery
from db.alerts.delivery import RetryPolicy, WebhookClient
from db.alerts.matching import MATCH_BATCH, ParseQuery, match_new_quotes
from db.search_index import SearchIndex, SearchIndexError
from db.supervised import SupervisedLoop

log = logging.getLogger("onrecord.alert_worker")

MAX_BACKOFF = 30.0
SENDERS = 8  # deliveries sent at once (a slow receiver holds one sender, not the round)


class AlertWorker(SupervisedLoop):
    def __init__(
        self,
        factory: sessionmaker[Session],
        index: SearchIndex,
        client: WebhookClient,
        parse: ParseQuery,
        base_url: str,
        policy: RetryPolicy,
        interval: float = 1.0,
    ):
        super().__init__("alert-worker", interval, log)
        self.factory = factory
        self.index = index
        self.client = client
        self.parse = parse
        self.base_url = base_url.rstrip("/")
        self.policy = policy
        self._senders = ThreadPoolExecutor(SENDERS, thread_name_prefix="webhook-sender")

    def stop(self, timeout: float = 10) -> None:
        super().stop(timeout)
        self._senders.shutdown(wait=False, cancel_futures=True)

    def round(self, delay: float) -> tuple[float, bool]:
        return self.run_once(delay)

    def run_once(self, delay: float = 1.0) -> tuple[float, bool]:
        """One round: a batch of new quotes matched, then the due deliveries sent. Returns
        the pause before the next (doubling while failing) and whether work was left."""
        try:
            matched = match_new_quotes(
                self.factory, self.index, self.parse, self.base_url, MATCH_BATCH
            )
            sent = self.send_due()
        except SQLAlchemyError as exc:
            return self._failed(delay, f"database unavailable: {str(exc).splitlines()[0]}"), False
        except SearchIndexError as exc:
            return self._failed(delay, f"new quotes wait to be matched: {exc}"), False
        except Exception as exc:
            log.exception("alert worker: round failed")
            return self._failed(delay, f"{type(exc).__name__}: {exc}"), False
        self.last_error = None
        if matched.deliveries:
            log.info(
                "alert worker: %d new quotes matched, %d deliveries queued",
                matched.quotes,
                matched.deliveries,
            )
        return self.interval, matched.quotes >= MATCH_BATCH or sent >= SENDERS * 4

    def send_due(self) -> int:
        """Claim the due deliveries (up to a few per sender) and send them concurrently."""
        due = delivery.claim(self.factory, SENDERS * 4, self.policy)
        if not due:
            return 0
        results = self._senders.map(lambda d: delivery.send(self.client, d), due)
        for claimed, result in zip(due, results, strict=True):
            status = delivery.record(self.factory, claimed, result, self.policy)
            if not result.ok:
                log.warning(
                    "alert worker: delivery %s to alert %d failed (attempt %d, now %s): %s",
                    claimed.message_id,
                    claimed.alert_id,
                    claimed.attempt,
                    status,
                    result.error,
                )
        return len(due)

    def _failed(self, delay: float, reason: str) -> float:
        log.warning("alert worker: %s", reason)
        return self.failed(delay, reason, MAX_BACKOFF)
