"""Which alerts new quotes match: one multi-search per batch of new quotes, not a search per
alert per quote.

New quotes are queued (`alert_outbox`) in the transaction that stores them. Once the index
has taken them, a batch is claimed (`FOR UPDATE SKIP LOCKED`, so matchers share the work),
every alert with a live webhook runs its own search restricted to the batch's id range in
one Meilisearch multi-search request, and each match becomes a queued delivery in the same
transaction that forgets the batch. A failure rolls it all back and the batch is matched
again later, so no new quote is lost or matched twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from db.alerts import repository
from db.alerts.service import alert_data, match_key, payload, quote_data
from db.alerts.signing import new_message_id
from db.index_sync.documents import documents
from db.models import Alert
from db.search_index import SearchIndex, SearchQuery
from db.session import transaction
from db.vocabulary import WebhookEvent

log = logging.getLogger("onrecord.alerts")

ParseQuery = Callable[[str], SearchQuery]  # an alert's stored query string to its search

MATCH_BATCH = 1000  # new quotes per round, and the widest id range one search covers
ALERTS_PER_REQUEST = 100  # searches per multi-search request


@dataclass
class MatchResult:
    quotes: int = 0  # new quotes matched against the alerts
    deliveries: int = 0  # deliveries queued


def match_new_quotes(
    factory: sessionmaker[Session],
    index: SearchIndex,
    parse: ParseQuery,
    base_url: str,
    batch: int = MATCH_BATCH,
) -> MatchResult:
    """Match one batch of indexed new quotes against every alert with a live webhook."""
    with transaction(factory) as session:
        claimed = repository.claim_indexed_new_quotes(session, batch)
        if not claimed:
            return MatchResult()
        quote_ids = sorted({quote_id for _, quote_id in claimed})
        alerts = repository.live_webhook_alerts(session)
        matches = _matches(index, _searches(alerts, parse), quote_ids, batch) if alerts else {}
        queued = _queue(session, alerts, matches, base_url)
        repository.forget_new_quotes(session, [queue_id for queue_id, _ in claimed])
    return MatchResult(len(quote_ids), queued)


def _searches(alerts: Sequence[Alert], parse: ParseQuery) -> list[tuple[Alert, SearchQuery]]:
    searches = []
    for alert in alerts:
        try:
            searches.append((alert, parse(alert.query)))
        except Exception as exc:  # a stored search this version refuses: skip it, say why
            log.warning("alert %d: its search %r is refused: %s", alert.id, alert.query, exc)
    return searches


def _windows(ids: Sequence[int], span: int) -> Iterator[list[int]]:
    """The sorted ids in runs whose range is under `span` wide (one search each)."""
    run: list[int] = []
    for quote_id in ids:
        if run and quote_id - run[0] >= span:
            yield run
            run = []
        run.append(quote_id)
    if run:
        yield run


def match_body(query: SearchQuery, first: int, last: int) -> dict:
    """The alert's search over quotes `first..last` only: its words and filters, ids back."""
    body: dict = {
        "q": query.q,
        "filter": [*query.filters(), f"id >= {int(first)} AND id <= {int(last)}"],
        "limit": int(last) - int(first) + 1,
        "attributesToRetrieve": ["id"],
    }
    if query.search_on:
        body["attributesToSearchOn"] = list(query.search_on)
    return body


def _matches(
    index: SearchIndex,
    searches: list[tuple[Alert, SearchQuery]],
    quote_ids: list[int],
    span: int,
) -> dict[int, list[int]]:
    """Alert id → the batch's quote ids its search finds."""
    matches: dict[int, list[int]] = {}
    for window in _windows(quote_ids, span):
        wanted = set(window)
        for start in range(0, len(searches), ALERTS_PER_REQUEST):
            chunk = searches[start : start + ALERTS_PER_REQUEST]
            bodies = [match_body(query, window[0], window[-1]) for _, query in chunk]
            for (alert, _), hits in zip(chunk, index.search_many(bodies), strict=True):
                found = [hit["id"] for hit in hits if hit["id"] in wanted]
                if found:
                    matches.setdefault(alert.id, []).extend(found)
    return matches


def _queue(
    session: Session, alerts: Sequence[Alert], matches: dict[int, list[int]], base_url: str
) -> int:
    if not matches:
        return 0
    docs = {
        d["id"]: d for d in documents(session, sorted({i for ids in matches.values() for i in ids}))
    }
    by_id = {alert.id: alert for alert in alerts}
    rows = []
    for alert_id, ids in matches.items():
        data_alert = alert_data(by_id[alert_id], base_url)
        for quote_id in sorted(ids):
            doc = docs.get(quote_id)
            if doc is None:  # deleted since it was indexed
                continue
            data = {"alert": data_alert, "quote": quote_data(doc, base_url)}
            rows.append(
                {
                    "alert_id": alert_id,
                    "message_id": new_message_id(),
                    "event": WebhookEvent.quote_matched,
                    "quote_id": quote_id,
                    "match_key": match_key(doc),
                    "payload": payload(WebhookEvent.quote_matched, data),
                }
            )
    return repository.add_deliveries(session, rows)
