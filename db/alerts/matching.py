"""Which alerts new quotes match: one multi-search per batch of new quotes, not a search per
alert per quote.

New quotes are queued (`alert_outbox`) in the transaction that stores them. Once the index
has taken them, a batch is claimed (`FOR UPDATE SKIP LOCKED`, so matchers share the work),
every alert with a live webhook whose filters some quote of the batch may pass runs its own
search restricted to the batch's id range, all in one Meilisearch multi-search request per
100 alerts, and each match becomes a queued delivery in the same
transaction that forgets the batch. A failure rolls it all back and the batch is matched
again later, so no new quote is lost or matched twice.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from db.alerts import repository
from db.alerts.service import alert_data, match_key, payload, quote_data
from db.alerts.signing import new_message_id
from db.index_sync.documents import documents
from db.models import Alert
from db.search_index import QuoteDocument, SearchIndex, SearchQuery, day_ts
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
        docs = {d["id"]: d for d in documents(session, quote_ids)} if alerts else {}
        searches = _searches(alerts, parse, list(docs.values()))
        matches = _matches(index, searches, sorted(docs), batch) if searches else {}
        queued = _queue(session, alerts, matches, docs, base_url)
        repository.forget_new_quotes(session, [queue_id for queue_id, _ in claimed])
    return MatchResult(len(quote_ids), queued)


def _searches(
    alerts: Sequence[Alert], parse: ParseQuery, docs: Sequence[QuoteDocument]
) -> list[tuple[Alert, SearchQuery]]:
    """The alerts worth a search for these quotes: those whose filters some quote may pass
    (a speaker watched who said nothing in the batch costs no search)."""
    batch = _Batch(docs)
    searches = []
    for alert in alerts:
        try:
            query = parse(alert.query)
        except Exception as exc:  # a stored search this version refuses: skip it, say why
            log.warning("alert %d: its search %r is refused: %s", alert.id, alert.query, exc)
            continue
        if any(may_pass(query, doc) for doc in batch.candidates(query)):
            searches.append((alert, query))
    return searches


def _loose(value: object) -> str:
    """A value compared at least as loosely as Meilisearch compares filter strings (case,
    accents and spacing ignored), so the pre-check below never drops a real match."""
    decomposed = unicodedata.normalize("NFKD", str(value))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


class _Batch:
    """The batch's quotes, found by any of their speaker's keys (loosely)."""

    def __init__(self, docs: Sequence[QuoteDocument]):
        self.docs = docs
        self.by_speaker: dict[str, list[QuoteDocument]] = {}
        for doc in docs:
            for key in {_loose(k) for k in [*doc["speaker_keys"], doc["speaker"] or ""]}:
                self.by_speaker.setdefault(key, []).append(doc)

    def candidates(self, query: SearchQuery) -> Iterator[QuoteDocument]:
        """The quotes that may pass the speaker filter (all of them without one)."""
        if not query.speakers:
            yield from self.docs
            return
        for value in query.speakers:
            yield from self.by_speaker.get(_loose(value), [])


def may_pass(query: SearchQuery, doc: QuoteDocument) -> bool:
    """Whether a quote found by `_Batch.candidates` may pass the search's other filters
    (`SearchQuery.filters`), judged no more strictly than Meilisearch: False only when it
    certainly cannot. The words are left to the search itself."""
    if query.outlets and _loose(doc["outlet"] or "") not in {_loose(v) for v in query.outlets}:
        return False
    if query.types and doc["type"] not in query.types:
        return False
    if query.years and doc["year"] not in query.years:
        return False
    said = doc["said_ts"]
    if query.date_from and (said is None or said < day_ts(query.date_from)):
        return False
    return not (query.date_to and (said is None or said > day_ts(query.date_to)))


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
    session: Session,
    alerts: Sequence[Alert],
    matches: dict[int, list[int]],
    docs: dict[int, QuoteDocument],
    base_url: str,
) -> int:
    if not matches:
        return 0
    by_id = {alert.id: alert for alert in alerts}
    rows = []
    for alert_id, ids in matches.items():
        data_alert = alert_data(by_id[alert_id], base_url)
        for quote_id in sorted(ids):
            doc = docs[quote_id]
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
