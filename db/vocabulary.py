"""The words the stores, the index and the API share, each defined once.

StrEnums: a member is its string value, so documents, JSON and SQL see the same strings.
"""

from __future__ import annotations

from enum import StrEnum


class QuoteType(StrEnum):
    direct = "direct"  # the words in quotation marks
    mixed = "mixed"  # a quoted fragment inside reported speech
    indirect = "indirect"  # reported speech: "X said that …"


class SpeakerKind(StrEnum):
    person = "person"
    org = "org"
    unknown = "unknown"  # a lone capitalised word: "Zelensky" or "Russia"
    nominal = "nominal"  # an unnamed source: "a senior official"
    group = "group"  # "officials", "Oversight Committee Republicans"


# Kinds matched across articles as people (by surname key and given names).
PERSON_LIKE = frozenset({SpeakerKind.person, SpeakerKind.unknown})


class StoreStatus(StrEnum):
    """What storing an article did."""

    new = "new"
    unchanged = "unchanged"
    updated = "updated"


class Scope(StrEnum):
    """What an API key may do."""

    read = "read"  # search with the key's own rate limit
    write = "write"  # add and delete articles
    edit = "edit"  # correct quotes and speakers, read the flag queue
    alerts = "alerts"  # save searches as alerts (Atom feeds, webhooks) owned by the key
    admin = "admin"  # everything, including index administration


class EmbeddingsMode(StrEnum):
    """Where quote and query vectors come from (`ONRECORD_EMBEDDINGS`)."""

    off = "off"  # keyword search only: no model loaded, no vectors stored or sent
    local = "local"  # all-MiniLM-L6-v2 in this process (db/embeddings)
    rest = "rest"  # an HTTP embedding service that Meilisearch calls (db/embeddings/rest.py)


class SearchMode(StrEnum):
    """How a search matches: by its words, by meaning, or both merged."""

    keyword = "keyword"
    hybrid = "hybrid"
    semantic = "semantic"


class Distinct(StrEnum):
    """What a search keeps one hit of: `statement`, the same words reported by many outlets."""

    statement = "statement"


class WebhookEvent(StrEnum):
    """What a webhook delivery says happened (its payload's `type`)."""

    quote_matched = "quote.matched"  # a new quote matches the alert's search
    test = "alert.test"  # "send test event"


class DeliveryStatus(StrEnum):
    """Where a webhook delivery stands."""

    pending = "pending"  # waiting for its next attempt
    delivered = "delivered"  # a 2xx answer
    failed = "failed"  # given up: retried for the whole window, or its endpoint was disabled


class CitationStyle(StrEnum):
    """How a quote is cited: what "Copy citation" offers and the API's `citations` hold."""

    plain = "plain"  # “…,” Anna Kovacs said on 4 May 2024 (Quay Daily).
    ap = "ap"  # “…,” Anna Kovacs said May 4, 2024, according to Quay Daily.
    link = "link"  # plain, then the quote's permalink
