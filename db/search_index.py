"""The Meilisearch quote index: its settings, its document, safe filters, writes and search.

Meilisearch answers a write with a task and the client returns failed tasks without raising,
so every write here waits for its task (or hands it back to be waited on) and raises
`SearchIndexError` when it did not succeed.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, TypeVar

import meilisearch
import orjson
import requests
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchError,
)
from meilisearch.models.task import TaskInfo

from db.records import HIGHLIGHT_POST, HIGHLIGHT_PRE
from db.vocabulary import Distinct, QuoteType, SearchMode

if TYPE_CHECKING:
    import aiohttp
    import numpy as np

    from db.embeddings import Embedder
    from db.embeddings.rest import RestEmbedder

FACETS = ("speaker", "outlet", "type", "year")
QUOTE_WORDS = "cited"  # the attribute holding the quote's own words (what `in=quote` searches)

INDEX_SETTINGS = {
    # Order is ranking weight: the quote itself first, then who said it, then where. The
    # words as cited, not the source span: narration between parts is no part of the quote.
    # `context` (the paragraph around the quote, 3.6x the quote's length) is shown, not
    # searched: it doubled indexing time, and its words matched quotes that do not say them;
    # quotes about a topic their words do not name are what search by meaning finds.
    "searchableAttributes": [QUOTE_WORDS, "speaker", "speaker_aliases", "article_title"],
    # Only what filters use: each filterable attribute costs indexing time (`id` for deletes).
    # `statement_id` for `distinct` (one hit per statement), which needs it filterable.
    "filterableAttributes": [
        "id",
        "speaker",
        "speaker_keys",
        "outlet",
        "type",
        "year",
        "said_ts",
        "statement_id",
    ],
    # `id` breaks date ties, so date order is total and a cursor can resume it exactly.
    "sortableAttributes": ["said_ts", "id"],
    # Ties in relevance go to the surer attribution.
    "rankingRules": [
        "words",
        "typo",
        "proximity",
        "attribute",
        "sort",
        "exactness",
        "confidence:desc",
    ],
    "faceting": {"maxValuesPerFacet": 100, "sortFacetValuesBy": {"*": "count"}},
    "pagination": {"maxTotalHits": 10000},
    "proximityPrecision": "byAttribute",
}


# The document attribute each `distinct` choice keeps one hit of.
DISTINCT_ATTRIBUTES = {Distinct.statement: "statement_id"}

# How much of a search's ranking meaning decides, by mode (Meilisearch's `semanticRatio`).
SEMANTIC_RATIO = {SearchMode.hybrid: 0.5, SearchMode.semantic: 1.0}
# Query vectors kept by the API process: a search is often asked again with the same words
# (the next page, a facet clicked, the mode switched, the claim verified again), and the
# model's run is most of what a hybrid search costs. 1.5 KB each (float32).
QUERY_VECTOR_CACHE = 1024
# A query vector up to this many characters (about ten words: a search box's) is computed on
# the event loop itself: its model run, ~2 ms of CPU and mostly a fixed cost, is cheaper than
# the hop to a worker thread and back, which costs a loaded machine several milliseconds (two
# wake-ups to be scheduled). A longer text (a pasted paragraph: up to 256 tokens, tens of
# milliseconds) goes to a thread, so it never holds other requests up.
INLINE_EMBED_CHARS = 64
# By meaning alone every quote has some similarity: hits below this ranking score
# (Meilisearch's (1 + cosine) / 2, so cosine 0.3) are left out rather than listed as matches.
SEMANTIC_MIN_SCORE = 0.65
# Batches a rebuild leaves queued in Meilisearch, which merges queued additions into larger
# indexing runs; each is a payload file on Meilisearch's disk, none is held here.
REBUILD_BATCHES_IN_FLIGHT = 8


# The names our embedders have in the index settings (db.embeddings' EMBEDDER_NAME and
# REST_EMBEDDER_NAME; not imported, so that commands with embeddings off load no numpy).
LOCAL_EMBEDDER = "minilm"
KNOWN_EMBEDDERS = (LOCAL_EMBEDDER, "external")


def index_settings(embedder: Embedder | None, remote: RestEmbedder | None = None) -> dict:
    """INDEX_SETTINGS, with the embedder when one is configured: the local model's, whose
    vectors documents bring (`_vectors`, Meilisearch never computes them), or an external
    one that Meilisearch calls for documents and queries alike. The other one is removed
    (null): an index keeping the local model's `userProvided` embedder refuses every
    document without its vector, so switching to `rest` would stop indexing. Without one
    the embedders are left as they are (a command run with embeddings off must not take
    search by meaning away from the servers sharing the index)."""
    if remote is None and embedder is None:
        return INDEX_SETTINGS
    embedders: dict[str, dict | None] = dict.fromkeys(KNOWN_EMBEDDERS)
    if remote is not None:
        embedders[remote.name] = remote.index_settings()
    elif embedder is not None:
        embedders[embedder.name] = {"source": "userProvided", "dimensions": embedder.dimensions}
    return {**INDEX_SETTINGS, "embedders": embedders}


class SearchIndexError(RuntimeError):
    """Meilisearch refused a write, failed a task or could not be reached."""


class DocumentsRefused(SearchIndexError):
    """Meilisearch refused the documents themselves (an `invalid_request`: a vector of the
    wrong dimensions, a bad id, too large a payload), not for want of reaching it: sent again
    as they are, they fail again."""


def _refuses_documents(error: object) -> bool:
    """Whether a task's or answer's error (Meilisearch's {"code", "type", ...}) blames the
    request itself rather than Meilisearch's state."""
    return isinstance(error, dict) and error.get("type") == "invalid_request"


def escape_filter_value(value: str) -> str:
    """Quote a user value for a Meilisearch filter so it can only ever be a literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def day_ts(day: date) -> int:
    """A day as the Unix time of its midnight UTC: how documents and filters compare dates."""
    return (day.toordinal() - _EPOCH_ORDINAL) * 86_400


class QuoteDocument(TypedDict):
    """A quote as the index holds it: everything a hit shows, so search never touches SQL.

    Written by `db.index_sync.documents`, read by the API's search; the keys are the
    attributes INDEX_SETTINGS names.
    """

    id: int
    text: str  # the exact source span (narration between parts included)
    cited: str  # the words as a journalist cites them: what hits show, highlight and find
    type: QuoteType
    speaker_id: int | None
    speaker: str | None
    speaker_slug: str | None
    speaker_aliases: list[str]
    speaker_keys: list[str]  # what `speaker=` may name: id, slug, name, aliases, surname, old slugs
    mention: str | None  # the evidence: the words the attribution rests on, as written,
    cue: str | None
    rule: str | None  # and the rule that resolved them ('direct_cue_after:pronoun')
    context: str
    confidence: float
    said_on: str | None  # ISO date: said, else published
    said_ts: int | None  # `day_ts(said_on)`, for date filters and sorting
    year: int | None
    article_id: int
    article_title: str
    article_url: str | None
    outlet: str | None
    published_at: str | None  # ISO date
    # the statement (db/statements): near-identical quotes of the speaker in other articles;
    # None until the quote is grouped (the drain does it before indexing)
    statement_id: int | None
    statement_reports: int | None  # its quotes
    statement_outlets: int | None  # their distinct outlets
    first_quote_id: int | None  # its first report: the quote, its outlet and day (ISO)
    first_outlet: str | None
    first_on: str | None
    # `db.index_sync.documents.DOCUMENT_DIGEST` of the row it was made of: what `onrecord
    # check` compares with PostgreSQL's; never displayed in hits
    digest: str
    # {embedder name: the cited words' unit vector, or None}: only when an embedder is
    # configured; Meilisearch keeps it out of the documents it returns
    _vectors: NotRequired[dict[str, list[float] | None]]


class QuoteHit(QuoteDocument, total=False):
    """A search hit: the document, with the highlighted copy Meilisearch adds."""

    _formatted: dict[str, str]


# What hits show: every attribute of the document but its digest (which the documents API,
# `SearchIndex.digests`, still returns: displayedAttributes only shapes search results).
INDEX_SETTINGS["displayedAttributes"] = [k for k in QuoteDocument.__annotations__ if k != "digest"]


@dataclass(frozen=True)
class SearchCursor:
    """Where a date-ordered walk stopped: the last hit's `said_ts` (None: undated) and id."""

    said_ts: int | None
    id: int

    def filter(self, descending: bool) -> str:
        """Hits after this one: by said_ts either way, then by id ascending (the order quotes
        were stored, so an article's quotes keep their text order); undated hits come last."""
        later, undated = ("<" if descending else ">"), "(said_ts IS NULL OR said_ts NOT EXISTS)"
        if self.said_ts is None:
            return f"{undated} AND id > {int(self.id)}"
        ts, id_ = int(self.said_ts), int(self.id)
        return f"said_ts {later} {ts} OR (said_ts = {ts} AND id > {id_}) OR {undated}"


@dataclass
class SearchQuery:
    """A validated search: facet filters are OR within a facet and AND across facets."""

    q: str = ""
    speakers: Sequence[str] = ()
    outlets: Sequence[str] = ()
    types: Sequence[str] = ()
    years: Sequence[int] = ()
    date_from: date | None = None
    date_to: date | None = None
    sort: str | None = None  # "date" | "-date" | None (relevance; newest first without q)
    page: int = 1
    per_page: int = 20
    facets: Sequence[str] = field(default_factory=lambda: list(FACETS))
    after: SearchCursor | None = None  # resume a date-ordered walk after this hit
    search_on: Sequence[str] = ()  # attributes the words are looked for in (default: all)
    mode: SearchMode = SearchMode.keyword
    vector: Sequence[float] | None = None  # the query's vector (hybrid and semantic modes)
    embedder: str | None = None  # the index's embedder (without a vector: it embeds the words)
    distinct: Distinct | None = None  # one hit per statement (its best-ranked quote)

    def date_order(self) -> str | None:
        """The date direction, "asc" or "desc", when hits are in date order; None: relevance."""
        if self.sort == "date":
            return "asc"
        if self.sort == "-date" or (self.sort is None and not self.q):
            return "desc"
        return None

    def filters(self) -> list[str | list[str]]:
        clauses: list[str | list[str]] = []
        if self.speakers:  # a name, alias, slug or id (`speaker_keys`; `speaker`: older documents)
            clauses.append(
                [
                    f"{attribute} = {escape_filter_value(v)}"
                    for v in self.speakers
                    for attribute in ("speaker_keys", "speaker")
                ]
            )
        for attribute, values in (
            ("outlet", self.outlets),
            ("type", self.types),
        ):
            if values:
                clauses.append([f"{attribute} = {escape_filter_value(v)}" for v in values])
        if self.years:
            clauses.append([f"year = {int(y)}" for y in self.years])
        if self.date_from:
            clauses.append(f"said_ts >= {day_ts(self.date_from)}")
        if self.date_to:
            clauses.append(f"said_ts <= {day_ts(self.date_to)}")
        if self.after is not None:
            clauses.append(self.after.filter(descending=self.date_order() != "asc"))
        return clauses

    def params(self) -> dict:
        params: dict = {
            "filter": self.filters(),
            "facets": list(self.facets),
            "page": self.page,
            "hitsPerPage": self.per_page,
            "attributesToHighlight": ["cited"],
            "highlightPreTag": HIGHLIGHT_PRE,
            "highlightPostTag": HIGHLIGHT_POST,
        }
        order = self.date_order()
        if order:
            params["sort"] = [f"said_ts:{order}", "id:asc"]
        if self.search_on:
            params["attributesToSearchOn"] = list(self.search_on)
        if self.distinct is not None:
            params["distinct"] = DISTINCT_ATTRIBUTES[self.distinct]
        if self.mode != SearchMode.keyword and self.embedder:
            if self.vector is not None:
                params["vector"] = list(self.vector)
            params["hybrid"] = {
                "embedder": self.embedder,
                "semanticRatio": SEMANTIC_RATIO[self.mode],
            }
            if self.mode == SearchMode.semantic:
                params["rankingScoreThreshold"] = SEMANTIC_MIN_SCORE
        return params


_T = TypeVar("_T")


_UNORDERED_SETTINGS = frozenset({"filterableAttributes", "sortableAttributes"})
REDACTED = "..."  # how Meilisearch ends a secret it answers with: its first letters at most, X's


def shown_as(secret: str, shown: str) -> bool:
    """Whether Meilisearch's redacted `shown` (an embedder's `apiKey` as the settings answer
    it: up to a few first letters, then X's and "...") may be `secret`. A new key is told
    from the applied one only when those first letters differ."""
    if not shown.endswith(REDACTED):
        return secret == shown
    return secret.startswith(shown.removesuffix(REDACTED).rstrip("X"))


def settings_applied(wanted: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    """Whether the index's `current` settings already hold every `wanted` value (Meilisearch
    answers with its defaults too, with attribute sets in an order of its own and with the
    embedders' keys redacted)."""
    for key, value in wanted.items():
        have = current.get(key)
        if key == "apiKey" and isinstance(value, str) and isinstance(have, str):
            if not shown_as(value, have):
                return False
        elif key in _UNORDERED_SETTINGS:
            if sorted(map(str, value)) != sorted(map(str, have or ())):
                return False
        elif isinstance(value, Mapping):
            if not isinstance(have, Mapping) or not settings_applied(value, have):
                return False
        elif value != have:
            return False
    return True


class TaskState(StrEnum):
    succeeded = "succeeded"
    failed = "failed"  # failed or canceled: send again
    refused = "refused"  # failed for its documents (`DocumentsRefused`): find which
    running = "running"  # enqueued or processing
    lost = "lost"  # unknown to this Meilisearch: send again


@dataclass(frozen=True)
class TaskOutcome:
    state: TaskState
    error: str | None = None


class SearchIndex:
    """One quote index (and its rebuild twin) in one Meilisearch."""

    def __init__(
        self,
        url: str,
        api_key: str | None,
        index_name: str,
        timeout: float = 30,
        task_timeout: float = 300,
        embedder: Embedder | None = None,
        remote: RestEmbedder | None = None,
    ):
        # identity encoding: Meilisearch's gzip path adds tens of milliseconds per response
        self.client = meilisearch.Client(
            url,
            api_key,
            timeout=timeout,  # type: ignore[arg-type]  # requests takes float seconds
            custom_headers={"Accept-Encoding": "identity"},
        )
        self.name = index_name
        self.task_timeout = task_timeout
        self.embedder = embedder  # the local model that gives documents and queries vectors
        self.remote = remote  # or the external embedder Meilisearch calls; neither: off

    @property
    def stored_vectors(self) -> str | None:
        """With embeddings off, the embedder whose vectors documents still carry: the ones
        PostgreSQL holds, null where none (`db.index_sync.documents`), computing none. An
        index that keeps the local model's `userProvided` embedder (a process with the model
        made it; off leaves it, so switching back needs no recomputing) refuses a new document
        without its entry there (`null` opts out; it would also drop a replaced document's
        vector, hence the stored one), and a rebuild needs them all; an index without that
        embedder keeps the entries unused until one is added, which then takes them."""
        return LOCAL_EMBEDDER if self.embedder is None and self.remote is None else None

    @property
    def embedder_name(self) -> str | None:
        """The name of the index's embedder (searches by meaning give it); None: off."""
        if self.remote is not None:
            return self.remote.name
        return self.embedder.name if self.embedder is not None else None

    def with_timeout(self, seconds: float) -> SearchIndex:
        """The same index, whose requests and task waits give up after `seconds` (a caller
        that must answer soon leaves the work to the outbox instead)."""
        config = self.client.config
        return SearchIndex(
            config.url,
            config.api_key,
            self.name,
            seconds,
            seconds,
            embedder=self.embedder,
            remote=self.remote,
        )

    @property
    def index(self) -> meilisearch.index.Index:
        return self.client.index(self.name)

    def healthy(self) -> bool:
        try:
            return self.client.is_healthy()
        except Exception:
            return False

    def wait(self, task: TaskInfo | int, timeout_s: float | None = None) -> None:
        """Until Meilisearch has processed the task (a `TaskInfo` or its uid); raises
        `SearchIndexError` unless it succeeded."""
        uid = task if isinstance(task, int) else task.task_uid
        timeout_ms = int((timeout_s or self.task_timeout) * 1000)
        try:
            result = self.client.wait_for_task(uid, timeout_in_ms=timeout_ms)
        except (MeilisearchError, requests.RequestException) as exc:
            raise SearchIndexError(f"Meilisearch did not confirm task {uid}: {exc}") from exc
        if result.status != "succeeded":
            refused = result.status == "failed" and _refuses_documents(result.error)
            raise (DocumentsRefused if refused else SearchIndexError)(
                f"Meilisearch task {result.uid} ({result.type}) {result.status}: {result.error}"
            )

    def task_outcomes(self, uids: Sequence[int]) -> dict[int, TaskOutcome]:
        """Where Meilisearch is with these tasks, asked in one request without waiting. A uid
        it does not know (its data was replaced since) is `lost`."""
        if not uids:
            return {}
        wanted = sorted(set(uids))
        answer = self._call(
            self.client.get_tasks, {"uids": [str(uid) for uid in wanted], "limit": len(wanted)}
        )
        outcomes = dict.fromkeys(wanted, TaskOutcome(TaskState.lost, "Meilisearch lost the task"))
        for task in answer.results:
            if task.status == "succeeded":
                outcomes[task.uid] = TaskOutcome(TaskState.succeeded)
            elif task.status in ("failed", "canceled"):
                error = f"Meilisearch task {task.uid} ({task.type}) {task.status}: {task.error}"
                refused = task.status == "failed" and _refuses_documents(task.error)
                state = TaskState.refused if refused else TaskState.failed
                outcomes[task.uid] = TaskOutcome(state, error)
            else:
                outcomes[task.uid] = TaskOutcome(TaskState.running)
        return outcomes

    def _call(
        self,
        fn: Callable[..., _T],
        *args: Any,
        _bad: type[SearchIndexError] = SearchIndexError,
        **kwargs: Any,
    ) -> _T:
        """`fn` with Meilisearch's errors as `SearchIndexError`; a request Meilisearch finds
        invalid (too large a payload, say) as `_bad`."""
        try:
            return fn(*args, **kwargs)
        except MeilisearchApiError as exc:
            bad = _bad if _refuses_documents({"type": exc.type}) else SearchIndexError
            raise bad(f"Meilisearch refused the request: {exc}") from exc
        except (MeilisearchError, requests.RequestException) as exc:  # timeouts, resets too
            raise SearchIndexError(f"Meilisearch unreachable: {exc}") from exc

    def ensure(self, name: str | None = None, embedders: Mapping[str, dict] | None = None) -> None:
        """Create the index if needed and apply the settings (idempotent); `embedders`: those
        to set when this process configures none (a rebuild keeps the live index's)."""
        name = name or self.name
        try:
            self.client.get_index(name)
        except MeilisearchApiError as exc:
            if exc.code != "index_not_found":
                raise SearchIndexError(str(exc)) from exc
            self.wait(self._call(self.client.create_index, name, {"primaryKey": "id"}))
        except (MeilisearchError, requests.RequestException) as exc:
            raise SearchIndexError(f"Meilisearch unreachable: {exc}") from exc
        settings = index_settings(self.embedder, self.remote)
        if embedders and "embedders" not in settings:
            settings = {**settings, "embedders": dict(embedders)}
        paths = self.client.config.paths
        current = self._call(self.client.http.get, f"{paths.index}/{name}/{paths.setting}")
        if not settings_applied(settings, current):  # a settings task costs a command ~0.1 s
            # the raw request: the client's update_settings cannot send an embedder as null
            answer = self._call(
                self.client.http.patch, f"{paths.index}/{name}/{paths.setting}", settings
            )
            self.wait(TaskInfo(**answer))

    def submit(
        self, documents: Sequence[QuoteDocument], removed_ids: Sequence[int]
    ) -> list[TaskInfo]:
        """Send these documents and removals without waiting; `wait` on each task returned."""
        tasks = []
        if documents:
            tasks.append(self._add_documents(self.name, documents))
        for start in range(0, len(removed_ids), 1000):
            chunk = ", ".join(str(int(i)) for i in removed_ids[start : start + 1000])
            tasks.append(self._call(self.index.delete_documents, filter=f"id IN [{chunk}]"))
        return tasks

    def _add_documents(self, name: str, documents: Sequence[QuoteDocument]) -> TaskInfo:
        """Add or replace these documents of index `name`, the body serialized by orjson: the
        client's json.dumps took longer than PostgreSQL to read them."""
        path = f"indexes/{name}/documents?primaryKey=id"
        body = orjson.dumps(list(documents))
        return TaskInfo(**self._call(self.client.http.post, path, body, _bad=DocumentsRefused))

    def search_many(self, bodies: Sequence[dict]) -> list[list[dict]]:
        """Several searches of this index in one request (multi-search), each body a search's
        parameters; the hits of each, in order. No index yet: no hits."""
        if not bodies:
            return []
        queries = [{"indexUid": self.name, **body} for body in bodies]
        try:
            answer = self.client.multi_search(queries)
        except MeilisearchApiError as exc:
            if exc.code == "index_not_found":
                return [[] for _ in bodies]
            raise SearchIndexError(f"Meilisearch refused the request: {exc}") from exc
        except (MeilisearchError, requests.RequestException) as exc:
            raise SearchIndexError(f"Meilisearch unreachable: {exc}") from exc
        return [list(result.get("hits", [])) for result in answer["results"]]

    def search_key(self) -> str | None:
        """A key that may only search this index, created with the master key on first use."""
        if self.client.config.api_key is None:
            return None  # a Meilisearch without a master key has no keys at all
        description = f"onrecord search-only key for index {self.name}"
        keys = self._call(self.client.get_keys, {"limit": 1000})
        for key in keys.results:
            if key.description == description and key.expires_at is None:
                return key.key
        created = self._call(
            self.client.create_key,
            {
                "description": description,
                "actions": ["search"],
                "indexes": [self.name],
                "expiresAt": None,
            },
        )
        return created.key

    def documents(
        self, after: int = 0, upto: int | None = None, page_size: int = 5000
    ) -> Iterator[dict]:
        """The documents with `after < id <= upto` (no upper bound for None; by default every
        document); none when the index does not exist yet."""
        where = f"id > {int(after)}" + ("" if upto is None else f" AND id <= {int(upto)}")
        offset = 0
        while True:
            try:
                page = self.index.get_documents(
                    {"offset": offset, "limit": page_size, "filter": where}
                )
            except MeilisearchApiError as exc:
                if exc.code == "index_not_found":
                    return
                raise SearchIndexError(f"Meilisearch refused the request: {exc}") from exc
            except (MeilisearchError, requests.RequestException) as exc:
                raise SearchIndexError(f"Meilisearch unreachable: {exc}") from exc
            for document in page.results:
                yield dict(document)
            if len(page.results) < page_size:
                return
            offset += page_size

    def digests(
        self, after: int, upto: int | None = None, page_size: int = 10_000
    ) -> Iterator[tuple[int, str | None]]:
        """The id and digest of each document with `after < id <= upto` (no upper bound for
        None), none when the index does not exist yet; a document written before digests
        has None."""
        where = f"id > {int(after)}" + ("" if upto is None else f" AND id <= {int(upto)}")
        path = f"indexes/{self.name}/documents/fetch"
        fields = ["id", "digest"]
        offset = 0
        while True:
            body = {"offset": offset, "limit": page_size, "filter": where, "fields": fields}
            try:
                page = self._call(self.client.http.post, path, body)
            except SearchIndexError as exc:
                if "index_not_found" in str(exc):
                    return
                raise
            for document in page["results"]:
                yield int(document["id"]), document.get("digest")
            if len(page["results"]) < page_size:
                return
            offset += page_size

    def unembedded_count(self) -> int:
        """How many documents have no vector of any embedder (index statistics: cheap). No
        index yet: none."""
        try:
            stats = self._call(self.client.http.get, f"indexes/{self.name}/stats")
        except SearchIndexError as exc:
            if "index_not_found" in str(exc):
                return 0
            raise
        return int(stats["numberOfDocuments"]) - int(stats.get("numberOfEmbeddedDocuments", 0))

    def ids_without_vector(self, embedder: str, page_size: int = 5000) -> Iterator[int]:
        """The ids of the documents that have no vector of `embedder`, in id order (a walk of
        every document's id and vectors: run it when `unembedded_count` says some lack one)."""
        offset = 0
        while True:
            body = {
                "offset": offset,
                "limit": page_size,
                "fields": ["id"],
                "retrieveVectors": True,
                "sort": ["id:asc"],
            }
            page = self._call(self.client.http.post, f"indexes/{self.name}/documents/fetch", body)
            for document in page["results"]:
                vectors = (document.get("_vectors") or {}).get(embedder)
                if not (isinstance(vectors, dict) and vectors.get("embeddings")):
                    yield int(document["id"])
            if len(page["results"]) < page_size:
                return
            offset += page_size

    def _kept_embedders(self) -> dict[str, dict]:
        """With embeddings off, what a rebuild keeps of the live index's embedders: the local
        model's, whose vectors the documents bring (`stored_vectors`), so a reindex with
        embeddings off takes search by meaning from no one. (An external embedder cannot be
        copied: Meilisearch redacts its key.)"""
        if self.stored_vectors is None:
            return {}
        try:
            current = self._call(self.client.http.get, f"indexes/{self.name}/settings/embedders")
        except SearchIndexError as exc:
            if "index_not_found" in str(exc):
                return {}
            raise
        local = (current or {}).get(self.stored_vectors) or {}
        if local.get("source") != "userProvided":
            return {}
        return {self.stored_vectors: {"source": "userProvided", "dimensions": local["dimensions"]}}

    def rebuild(self, batches: Iterable[Sequence[QuoteDocument]]) -> int:
        """Fill a fresh index and swap it in, so searches never see an empty or partial index."""
        fresh = f"{self.name}_rebuild_{int(time.time())}"
        self.ensure(fresh, self._kept_embedders())
        total = 0
        in_flight: deque[TaskInfo] = deque()
        try:
            for documents in batches:  # the next batch is read while Meilisearch indexes
                if documents:
                    task = self._add_documents(fresh, documents)
                    in_flight.append(task)
                total += len(documents)
                while len(in_flight) > REBUILD_BATCHES_IN_FLIGHT:
                    self.wait(in_flight.popleft())
            while in_flight:
                self.wait(in_flight.popleft())
            try:
                self.client.get_index(self.name)
            except MeilisearchApiError:
                self.ensure()
            self.wait(self._call(self.client.swap_indexes, [{"indexes": [self.name, fresh]}]))
        finally:
            self._call(self.client.delete_index, fresh)
        return total


class AsyncSearcher:
    """The API's read path: one shared aiohttp session with keep-alive, a search-only key,
    identity encoding (Meilisearch's gzip path costs tens of milliseconds), orjson both ways.

    aiohttp rather than httpx here: its C parser costs a fraction of httpx's per request,
    which is most of what the API adds to a search (benchmarks/search.py)."""

    def __init__(
        self,
        index: SearchIndex,
        timeout: float = 10.0,
        vector_cache: int = QUERY_VECTOR_CACHE,
        inline_embed_chars: int = INLINE_EMBED_CHARS,
    ):
        self.index = index
        self.timeout = timeout
        self.inline_embed_chars = inline_embed_chars  # longer queries are embedded in a thread
        self._session: aiohttp.ClientSession | None = None
        self.vector_cache = vector_cache  # most query vectors kept, least recently used out
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._url = f"{index.client.config.url.rstrip('/')}/indexes/{index.name}/search"

    async def open(self) -> None:
        """Create the session with the search-only key (made with the master key, once), so
        the API's searches never hold more than they need. (aiohttp is imported here: only
        the API uses it, and commands should not pay for loading it.)"""
        import aiohttp
        import anyio.to_thread

        try:
            key = await anyio.to_thread.run_sync(self.index.search_key)
        except SearchIndexError:
            raise
        except Exception as exc:  # the client raises its own errors for a bad master key
            raise SearchIndexError(f"cannot get a search key: {exc}") from exc
        headers = {"Accept-Encoding": "identity", "Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self._session = aiohttp.ClientSession(
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            connector=aiohttp.TCPConnector(limit=64),
            json_serialize=lambda value: orjson.dumps(value).decode(),
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def semantic(self) -> bool:
        """Whether searches may go by meaning (an embedder is configured)."""
        return self.index.embedder_name is not None

    async def embed(self, text: str) -> list[float]:
        """The vector of a query: a recent one's again, else computed now — on the event loop
        when the query is short (`INLINE_EMBED_CHARS`), else in a thread (the model releases
        the GIL, so other requests go on). Only when `semantic`."""
        import anyio.to_thread

        embedder = self.index.embedder
        assert embedder is not None, "no embedder: check `semantic` first"
        vector = self._vectors.get(text)
        if vector is not None:
            self._vectors.move_to_end(text)
        else:
            if len(text) <= self.inline_embed_chars:
                vector = embedder.embed_one(text)
            else:
                vector = await anyio.to_thread.run_sync(embedder.embed_one, text)
            if self.vector_cache > 0:
                self._vectors[text] = vector
                while len(self._vectors) > self.vector_cache:
                    self._vectors.popitem(last=False)
        return vector.tolist()

    async def with_vector(self, query: SearchQuery) -> SearchQuery:
        """The query with its vector when it searches by meaning (computed once: a search
        made of several requests embeds its words once); with an external embedder, with
        that embedder's name only (Meilisearch embeds the words). Raises SearchIndexError
        when no embedder is configured."""
        if query.mode == SearchMode.keyword or not query.q or query.embedder is not None:
            return query
        name = self.index.embedder_name
        if name is None:
            raise SearchIndexError("search by meaning needs an embedder (embeddings are off)")
        if self.index.embedder is None:
            return replace(query, embedder=name)
        return replace(query, vector=await self.embed(query.q), embedder=name)

    async def search(self, query: SearchQuery) -> dict:
        import aiohttp

        if self._session is None:
            await self.open()
        assert self._session is not None
        query = await self.with_vector(query)
        body = orjson.dumps({"q": query.q, **query.params()})
        try:
            async with self._session.post(self._url, data=body) as response:
                content = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SearchIndexError(f"Meilisearch unreachable: {exc!r}") from exc
        if status == 404 or (
            status == 400 and b"invalid_search_attributes_to_search_on" in content
        ):
            # no index yet, or no document has the attribute searched on: nothing can match
            return {"hits": [], "totalHits": 0, "totalPages": 0, "facetDistribution": {}}
        if status in (401, 403):  # the key was deleted: make a new one next time
            await self.close()
        if status != 200:
            raise SearchIndexError(f"Meilisearch answered {status}: {content[:500]!r}")
        return orjson.loads(content)

    async def search_many(self, bodies: Sequence[dict]) -> list[list[dict]]:
        """Several searches of this index in one request (Meilisearch's multi-search), each
        body a search's parameters; the hits of each, in order. No index yet: no hits."""
        if self._session is None:
            await self.open()
        assert self._session is not None
        url = f"{self.index.client.config.url.rstrip('/')}/multi-search"
        body = orjson.dumps({"queries": [{"indexUid": self.index.name, **b} for b in bodies]})
        try:
            async with self._session.post(url, data=body) as response:
                content = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SearchIndexError(f"Meilisearch unreachable: {exc!r}") from exc
        if status in (400, 404) and (
            b"index_not_found" in content or b"invalid_search_attributes_to_search_on" in content
        ):
            return [[] for _ in bodies]
        if status in (401, 403):
            await self.close()
        if status != 200:
            raise SearchIndexError(f"Meilisearch answered {status}: {content[:500]!r}")
        return [result.get("hits", []) for result in orjson.loads(content)["results"]]
