"""Typed vocabularies and response bodies at the API's boundary: what clients can rely on."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from db.corrections.flags import FlagReason
from db.corrections.service import CorrectionAction, describe
from db.language import check_english
from db.models import Article, Correction, Quote, Speaker, Statement
from db.records import LOW_CONFIDENCE
from db.verification.verdict import Verdict
from db.vocabulary import QuoteType, SpeakerKind, StoreStatus

# Vocabularies only the API has (quote types come from db.vocabulary, one definition).


class Facet(StrEnum):
    """What search results can be counted by (the index's facet attributes)."""

    speaker = "speaker"
    outlet = "outlet"
    type = "type"
    year = "year"


class SortOrder(StrEnum):
    """relevance (the default with words to find), date (oldest first), -date (newest first)."""

    relevance = "relevance"
    oldest = "date"
    newest = "-date"


class Resolution(StrEnum):
    """How the words next to the cue became a speaker: the part of a quote's rule after ':'.

    The extractor's names (indexer/extract/rules.py RESOLUTIONS; a test keeps them equal)."""

    name = "name"  # the mention is a name ("Ms. Marsh", "the Kremlin")
    pronoun = "pronoun"  # "he"/"she"/"they" resolved to a named speaker
    role = "role"  # a role noun ("the senator") resolved to a named speaker
    description = "description"  # an unnamed source, kept as described ("a senior official")
    unresolved = "unresolved"  # words with no one they could refer to


class Evidence(BaseModel):
    """What an attribution rests on: the words as written, the rule, and how it was resolved."""

    mention: str | None = Field(description="The words naming the speaker: 'he', 'Zelensky'.")
    cue: str | None = Field(description="The speech verb or phrase: 'said', 'according to'.")
    rule: str | None = Field(
        description="'<type>_<pattern>:<resolution>', e.g. 'direct_cue_after:pronoun'; "
        "null for quotes stored before rules were recorded."
    )
    resolution: Resolution | None
    explanation: str | None = Field(
        description="How the speaker was found: 'pronoun “he” resolved to Volodymyr Zelensky'."
    )
    attributed_from: str | None = Field(
        description="The card's line: '‘he said’, resolved to Volodymyr Zelensky'."
    )

    @classmethod
    def of(
        cls, rule: str | None, mention: str | None, cue: str | None, speaker: str | None
    ) -> Evidence:
        resolution = _resolution_of(rule)
        return cls(
            mention=mention,
            cue=cue,
            rule=rule,
            resolution=resolution,
            explanation=_explanation(resolution, mention, speaker),
            attributed_from=_attributed_from(resolution, mention, cue, speaker),
        )


def _resolution_of(rule: str | None) -> Resolution | None:
    path = (rule or "").rpartition(":")[2]
    return Resolution(path) if path in Resolution.__members__ else None


def _explanation(resolution: Resolution | None, mention: str | None, speaker: str | None) -> str:
    if resolution is None:
        return "not recorded"
    if resolution in (Resolution.description, Resolution.unresolved) or not speaker:
        return "unnamed source" if resolution == Resolution.description else "unresolved"
    if resolution == Resolution.name and mention == speaker:
        return "named"
    return f"{resolution.value} “{mention}” resolved to {speaker}"


def _attributed_from(
    resolution: Resolution | None, mention: str | None, cue: str | None, speaker: str | None
) -> str | None:
    """‘he said’, then who that is (the cue's position is not stored: mention first)."""
    words = " ".join(w for w in (mention, cue) if w)
    if not words:
        return None
    line = f"‘{words}’"
    if resolution == Resolution.description:
        return f"{line}, an unnamed source"
    if resolution == Resolution.unresolved or not speaker:
        return f"{line}, unresolved"
    return line if speaker == mention else f"{line}, resolved to {speaker}"


class SearchIn(StrEnum):
    """Where the words of a search are looked for."""

    all = "all"
    quote = "quote"


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, machine-readable: not_found, rate_limited, …")
    message: str = Field(description="For people: what went wrong and what to do.")


class ErrorResponse(BaseModel):
    """Every error the API answers, whatever its status."""

    error: ErrorDetail


class SpeakerRef(BaseModel):
    id: int
    name: str
    slug: str | None = Field(default=None, description="For the page /speakers/{slug}.")

    @classmethod
    def of(cls, speaker: Speaker) -> SpeakerRef:
        return cls(id=speaker.id, name=speaker.name, slug=speaker.slug)


class ArticleRef(BaseModel):
    id: int
    title: str
    url: str | None
    outlet: str | None
    published_at: date | None

    @classmethod
    def of(cls, article: Article) -> ArticleRef:
        return cls(
            id=article.id,
            title=article.title,
            url=article.url,
            outlet=article.outlet,
            published_at=article.published_at,
        )


class StatementFirst(BaseModel):
    quote_id: int = Field(description="The earliest quote of the statement.")
    outlet: str | None
    on: date | None = Field(description="Its article's date (else the day it was said).")


class StatementRef(BaseModel):
    """The statement a quote belongs to: the same words of the same speaker reported in
    other articles (near-identical: at least 0.9 of the words match, in order)."""

    id: int = Field(description="The statement; `distinct=statement` keeps one hit of each.")
    reports: int = Field(description="Quotes that report it (this one included).")
    outlets: int = Field(description="Distinct outlets among them.")
    first_reported: StatementFirst

    @classmethod
    def of(cls, statement: Statement) -> StatementRef:
        return cls(
            id=statement.id,
            reports=statement.reports,
            outlets=statement.outlets,
            first_reported=StatementFirst(
                quote_id=statement.first_quote_id,
                outlet=statement.first_outlet,
                on=statement.first_on,
            ),
        )

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> StatementRef | None:
        """From a search document's statement fields; None before the quote is grouped."""
        if doc.get("statement_id") is None or doc.get("first_quote_id") is None:
            return None
        return cls(
            id=doc["statement_id"],
            reports=doc.get("statement_reports") or 1,
            outlets=doc.get("statement_outlets") or 1,
            first_reported=StatementFirst(
                quote_id=doc["first_quote_id"],
                outlet=doc.get("first_outlet"),
                on=doc.get("first_on"),
            ),
        )


class QuoteOut(BaseModel):
    id: int
    text: str = Field(description="The exact source span: article text from `start` to `end`.")
    cited: str = Field(
        description="The words as a journalist cites them: quoted parts joined with ' … ', "
        "narration left out (reported speech: the clause as written after 'said that')."
    )
    parts: list[tuple[int, int]] = Field(
        description="Offsets of each quoted part inside its marks (reported speech: its content)."
    )
    type: QuoteType
    speaker: SpeakerRef | None
    mention: str | None = Field(description="The words the attribution rests on: 'he', 'Zelensky'.")
    article: ArticleRef
    said_on: date | None
    context: str
    cue: str | None
    confidence: float
    low_confidence: bool = Field(description="Attribution below the confidence threshold.")
    start: int = Field(description="Offset of the quote in the article text.")
    end: int
    evidence: Evidence
    statement: StatementRef | None = Field(
        default=None, description="The statement, as on search hits; null until grouped."
    )

    @classmethod
    def of(cls, quote: Quote) -> QuoteOut:
        speaker = quote.speaker.name if quote.speaker else None
        return cls(
            id=quote.id,
            text=quote.text,
            cited=quote.cited,
            parts=[(start, end) for start, end in quote.parts],
            type=QuoteType(quote.type.value),
            speaker=SpeakerRef.of(quote.speaker) if quote.speaker else None,
            mention=quote.mention,
            article=ArticleRef.of(quote.article),
            said_on=quote.said_on,
            context=quote.context,
            cue=quote.cue,
            confidence=quote.confidence,
            low_confidence=quote.confidence < LOW_CONFIDENCE,
            start=quote.start,
            end=quote.end,
            evidence=Evidence.of(quote.rule, quote.mention, quote.cue, speaker),
        )


class Citations(BaseModel):
    """The quote cited in each style "Copy citation" offers."""

    plain: str = Field(description="“…,” Anna Kovacs said on 4 May 2024 (Quay Daily).")
    ap: str = Field(description="AP style: “…,” Anna Kovacs said May 4, 2024, according to …")
    link: str = Field(description="The plain citation followed by the quote's permalink.")


class SearchHit(BaseModel):
    id: int
    text: str = Field(description="The exact source span.")
    cited: str = Field(description="The words as a journalist cites them (what is searched).")
    type: QuoteType
    speaker: SpeakerRef | None
    article: ArticleRef
    said_on: date | None
    context: str
    confidence: float
    low_confidence: bool
    highlight: str = Field(
        description="The cited words as HTML: escaped text with <mark> around matches."
    )
    evidence: Evidence
    statement: StatementRef | None = Field(
        default=None,
        description="The statement: first report and how many outlets carried the same "
        "words; null until the quote is grouped (moments after it is stored).",
    )
    permalink: str = Field(default="", description="The quote's page (absolute URL).")
    citation: str | None = Field(
        default=None,
        description="The quote as a journalist would cite it (`citations.plain`); null when "
        "no grammatical citation can be formed.",
    )
    citations: Citations | None = Field(
        default=None, description="The citation in every style; null when `citation` is."
    )


class SearchResult(BaseModel):
    hits: list[SearchHit]
    total: int = Field(
        description="Hits matching (after the cursor, with `after`); counted up to 10,000."
    )
    total_exact: bool = Field(
        default=True, description="False when `total` is the 10,000 cap: at least that many."
    )
    page: int
    per_page: int
    facets: dict[str, dict[str, int]]
    next_cursor: str | None = Field(
        default=None,
        description="Pass as `after` for the hits that follow (date order only; no 10,000 cap).",
    )


class SpeakerSummary(BaseModel):
    id: int
    name: str
    slug: str
    aliases: list[str]
    description: str | None
    quote_count: int

    @classmethod
    def of(cls, speaker: Speaker, quote_count: int) -> SpeakerSummary:
        return cls(
            id=speaker.id,
            name=speaker.name,
            slug=speaker.slug,
            aliases=list(speaker.aliases or []),
            description=speaker.description,
            quote_count=quote_count,
        )


class SpeakerDetail(SpeakerSummary):
    recent_quotes: list[QuoteOut]


class ArticleLanguage(BaseModel):
    """Whether the text looks English: extraction is English-only, so one that does not may
    have few or no quotes. A cheap check (the share of common English function words)."""

    looks_english: bool = Field(
        description="False when the text is long enough to judge and clearly not English."
    )
    english_share: float = Field(
        description="The share of its words that are common English function words "
        "(English prose: about 0.3-0.5; other languages: under 0.1)."
    )

    @classmethod
    def of(cls, text: str) -> ArticleLanguage:
        check = check_english(text)
        return cls(looks_english=check.looks_english, english_share=check.english_share)


class ArticleOut(ArticleRef):
    author: str | None
    text: str
    language: ArticleLanguage
    quotes: list[QuoteOut]

    @classmethod
    def of(cls, article: Article) -> ArticleOut:
        """The article with its quotes in text order (as its relationship loads them)."""
        return cls(
            **ArticleRef.of(article).model_dump(),
            author=article.author,
            text=article.text,
            language=ArticleLanguage.of(article.text),
            quotes=[QuoteOut.of(q) for q in article.quotes],
        )


class ArticleStored(ArticleOut):
    status: StoreStatus
    pending_index: int = Field(
        description="Quote changes waiting for the search index (0: everything is searchable)."
    )


class ArticleDeleted(BaseModel):
    id: int
    quotes_removed: int
    pending_index: int = Field(description="Quote changes still waiting for the search index.")


class IndexStatus(BaseModel):
    articles: int
    quotes: int
    speakers: int
    pending: int = Field(description="Quotes whose change waits in the outbox.")
    last_error: str | None = Field(description="The latest index failure still waiting.")
    refused: int = Field(
        default=0,
        description="Quotes whose document Meilisearch refused, set aside (not searchable "
        "until they change or `onrecord check --repair`).",
    )
    refused_reason: str | None = Field(default=None, description="Why, the latest refusal.")


class Health(BaseModel):
    status: str
    checks: dict[str, str] = {}
    index_backlog: int | None = Field(
        default=None, description="Quote changes waiting for the search index."
    )


class OEmbed(BaseModel):
    """An oEmbed 1.0 `rich` response."""

    version: Literal["1.0"] = "1.0"
    type: Literal["rich"] = "rich"
    title: str
    author_name: str
    provider_name: str = "OnRecord"
    provider_url: str
    html: str
    width: int
    height: int
    cache_age: int = 3600


# --- editors' corrections and readers' flags ------------------------------------------------


class QuoteCorrectionAction(StrEnum):
    """What an editor can do to one quote (speakers: PATCH and split)."""

    reassign = "reassign"
    reject = "reject"
    redate = "redate"


class QuoteCorrectionIn(BaseModel):
    """reassign: `speaker` (id, slug or exact name) or `new_speaker`; redate: `said_on`."""

    action: QuoteCorrectionAction
    speaker: str | None = Field(default=None, max_length=300)
    new_speaker: str | None = Field(default=None, max_length=300)
    speaker_kind: SpeakerKind = SpeakerKind.person
    said_on: date | None = Field(default=None, ge=date(1000, 1, 1), le=date(2999, 12, 31))
    reason: str = Field(min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _fields_for_action(self) -> QuoteCorrectionIn:
        if self.action == QuoteCorrectionAction.reassign and (
            (self.speaker is None) == (self.new_speaker is None)
        ):
            raise ValueError("reassign takes exactly one of speaker or new_speaker")
        if self.action == QuoteCorrectionAction.redate and self.said_on is None:
            raise ValueError("redate takes said_on")
        return self


class SpeakerEditIn(BaseModel):
    """Fields left out stay as they are; `aliases` replaces the whole list."""

    name: str | None = Field(default=None, min_length=1, max_length=300)
    aliases: list[str] | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    reason: str = Field(min_length=1, max_length=2000)


class SpeakerSplitIn(BaseModel):
    """The quotes that move, to an existing record (`speaker`) or a new one (`new_speaker`)."""

    quote_ids: list[int] = Field(min_length=1, max_length=10_000)
    speaker: str | None = Field(default=None, max_length=300)
    new_speaker: str | None = Field(default=None, max_length=300)
    speaker_kind: SpeakerKind = SpeakerKind.person
    reason: str = Field(min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _one_target(self) -> SpeakerSplitIn:
        if (self.speaker is None) == (self.new_speaker is None):
            raise ValueError("split takes exactly one of speaker or new_speaker")
        return self


class SpeakerMergeIn(BaseModel):
    """Another record of the same person, folded into this one."""

    other: str = Field(min_length=1, max_length=300, description="Id, slug or exact name.")
    reason: str = Field(min_length=1, max_length=2000)


class CorrectionOut(BaseModel):
    id: int
    action: CorrectionAction
    summary: str = Field(description="What the editor changed, in words.")
    quote_ids: list[int] = Field(description="The corrected quotes' current ids.")
    speaker_id: int | None
    before: dict[str, Any]
    after: dict[str, Any]
    reason: str
    editor: str
    created_at: datetime
    reverted_at: datetime | None
    reverted_by: str | None
    pending_index: int = Field(default=0, description="Quote changes waiting for the index.")

    @classmethod
    def of(cls, correction: Correction, pending_index: int = 0) -> CorrectionOut:
        return cls(
            id=correction.id,
            action=CorrectionAction(correction.action),
            summary=describe(correction),
            quote_ids=[cq.quote_id for cq in correction.quotes],
            speaker_id=correction.speaker_id,
            before=correction.before,
            after=correction.after,
            reason=correction.reason,
            editor=correction.editor,
            created_at=correction.created_at,
            reverted_at=correction.reverted_at,
            reverted_by=correction.reverted_by,
            pending_index=pending_index,
        )


class FlagIn(BaseModel):
    reason: FlagReason
    note: str | None = Field(default=None, max_length=1000)


class FlagStored(BaseModel):
    id: int
    quote_id: int


class FlaggedQuoteOut(BaseModel):
    quote_id: int
    count: int = Field(description="Open flags on this quote.")
    reasons: dict[str, int]
    notes: list[str]
    last_at: datetime | None
    quote: QuoteOut | None


class FlagQueueOut(BaseModel):
    open: int = Field(description="Open flags in all.")
    quotes: list[FlaggedQuoteOut]


class DiffStep(BaseModel):
    """One step of the word diff from the original to the claim."""

    op: Literal["equal", "insert", "delete", "replace"] = Field(
        description="insert: words only the claim has; delete: original words it left out "
        "('…' in `claimed` when the claim marked the cut); replace: words it changed."
    )
    claimed: str
    original: str
    start: int = Field(description="Where `original` starts in the quote's `cited` words.")
    end: int
    elided: bool = Field(description="A cut the claim marked with '…': not an alteration.")


class FirstReport(BaseModel):
    quote_id: int
    article: ArticleRef
    said_on: date | None


class VerifyMatch(BaseModel):
    quote: SearchHit
    similarity: float = Field(description="1.0 for the same words; less per word changed.")
    edits: int = Field(description="Words the claim changed, added or dropped ('…' cuts aside).")
    near_verbatim: bool = Field(description="Verbatim or altered: the claim's words, or nearly.")
    speaker_matches: bool | None = Field(
        description="Whether the quote's speaker is the claimed one; null when no speaker was "
        "claimed or a claimed surname fits several speakers."
    )
    diff: list[DiffStep]
    first_reported: FirstReport = Field(
        description="The earliest report of these words by this speaker among the candidates."
    )
    outlets: int = Field(description="Distinct outlets that reported these words by this speaker.")


class VerifyResult(BaseModel):
    verdict: Verdict
    summary: str = Field(description="The verdict in one line a journalist can paste.")
    said_by: str | None = Field(description="Who said misattributed words.")
    matches: list[VerifyMatch] = Field(description="Best first; the closest ones when not found.")
    paraphrase_checked: bool = Field(
        description="False: no embedder is configured, so paraphrases cannot be detected and "
        "a paraphrased claim reads as not found."
    )


class FeedIn(BaseModel):
    """A feed to follow."""

    url: str = Field(max_length=2000, description="The RSS or Atom feed's http(s) URL.")
    outlet: str | None = Field(default=None, max_length=200, description="Outlet of its articles.")
    every: str | None = Field(
        default=None,
        max_length=20,
        description="How often to poll: 90s, 15m, 1h30m, 1d (default: the server's setting).",
    )


class FeedOut(BaseModel):
    """A followed feed and its health."""

    id: int
    url: str
    outlet: str | None
    title: str | None = Field(description="The feed's own title, once polled.")
    every: str = Field(description="The polling interval, e.g. 15m.")
    interval_seconds: int
    status: Literal["new", "ok", "failing", "polling"]
    next_poll_at: datetime
    last_polled_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None = Field(description="Why the latest polls failed; null once one works.")
    last_error_at: datetime | None
    failures: int = Field(description="Failed polls in a row.")
    items_seen: int = Field(description="Entries seen in the feed.")
    articles_stored: int = Field(description="Articles its polls stored new or updated.")


class FeedList(BaseModel):
    feeds: list[FeedOut]


class FeedsDue(BaseModel):
    due: int = Field(description="Feeds a worker will poll at its next look (within seconds).")


class AlertIn(BaseModel):
    """A search to watch, saved under a name; optionally a webhook to POST its new quotes."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="What the alert is called.")
    search: str = Field(
        max_length=4000,
        description="The search, as a search page or API URL or its query string "
        "(`q=bridge&speaker=Elena Marsh&type=direct`): the same parameters /v1/search takes.",
    )
    webhook_url: str | None = Field(
        default=None,
        max_length=2000,
        description="http(s) URL new matching quotes are POSTed to (Standard Webhooks).",
    )


class AlertPatch(BaseModel):
    """Change what is given; `webhook_url: null` removes the webhook."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    search: str | None = Field(default=None, max_length=4000)
    webhook_url: str | None = Field(default=None, max_length=2000)
    webhook_enabled: bool | None = Field(
        default=None,
        description="true enables a disabled webhook again; false disables it.",
    )


class WebhookOut(BaseModel):
    url: str
    enabled: bool
    disabled_at: datetime | None
    disabled_reason: str | None = Field(description="Why it was disabled, in words.")
    failing_since: datetime | None = Field(
        description="Since when every delivery attempt failed; null after a success."
    )


class AlertOut(BaseModel):
    id: int
    name: str
    search: str = Field(description="The search's canonical query string.")
    search_url: str = Field(description="The search page of this search (absolute).")
    feed_url: str = Field(
        description="The alert's Atom feed; readers add `?token=` (given when the alert was "
        "made or its token renewed) or send the owner's key."
    )
    webhook: WebhookOut | None
    created_at: datetime


class AlertCreated(AlertOut):
    feed_subscribe_url: str = Field(
        description="The Atom feed URL with its token, for a feed reader: shown this once."
    )
    webhook_secret: str | None = Field(
        description="The `whsec_` signing secret of the webhook: shown this once."
    )


class AlertList(BaseModel):
    alerts: list[AlertOut]


class FeedTokenOut(BaseModel):
    feed_subscribe_url: str = Field(description="The new feed URL with its token: shown once.")


class WebhookSecretOut(BaseModel):
    webhook_secret: str = Field(description="The new `whsec_` signing secret: shown once.")


class DeliveryAttemptOut(BaseModel):
    attempt: int
    attempted_at: datetime
    status_code: int | None = Field(description="The receiver's status; null: no answer.")
    latency_ms: float
    error: str | None


class DeliveryOut(BaseModel):
    id: int
    message_id: str = Field(description="The `webhook-id` header, the same on every retry.")
    event: str
    quote_id: int | None
    status: str = Field(description="pending, delivered or failed (given up).")
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None = Field(description="While pending: the next try.")
    finished_at: datetime | None
    last_status_code: int | None
    last_latency_ms: float | None
    last_error: str | None
    attempt_log: list[DeliveryAttemptOut]


class DeliveryList(BaseModel):
    deliveries: list[DeliveryOut] = Field(description="Newest first.")
