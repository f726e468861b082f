"""Verify a claim against the index: retrieve candidate quotes, judge them, find first reports.

Candidates come from Meilisearch alone (no SQL), in one multi-search request: keyword
searches on the claim's words that tolerate changed words (`matchingStrategy: "last"` drops
words from the end until something matches, and hits are ranked by how many words they
share), one per run of words between elisions and per ten words of a long run (Meilisearch
reads only the first ten words of a query), each also in reverse order, plus the same words
among the claimed speaker's quotes, so a misquote of them is found even when others said
similar words more often.

With an embedder configured, one more search in the same request looks for the quotes
closest in meaning to the claim (by its vector alone); their cosine similarity is each
candidate's semantic score, which the paraphrase verdict rests on. Without one no candidate
has a score and the paraphrase verdict is never reached: `VerifiedClaim.paraphrase_checked`
says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from db.search_index import QUOTE_WORDS, AsyncSearcher, escape_filter_value
from db.verification.normalise import claim_segments
from db.verification.verdict import Candidate, Match, Verification, verdict

CANDIDATES_PER_SEARCH = 20
QUERY_WORDS = 10  # Meilisearch ignores a query's words past the tenth
MAX_SEARCHES = 4  # word windows searched for one claim, each both ways (plus the speaker's)


@dataclass(frozen=True)
class VerifiedMatch:
    """A candidate as judged, with its index document and the first report of its words.

    `first_reported` is the earliest document among the candidates that carry the claimed
    words (verbatim or altered) from the same speaker; `outlets` counts their distinct outlets.
    A candidate that does not carry the words is its own first report.
    """

    match: Match
    document: dict[str, Any]
    first_reported: dict[str, Any]
    outlets: int


@dataclass(frozen=True)
class VerifiedClaim:
    verification: Verification
    matches: tuple[VerifiedMatch, ...]
    paraphrase_checked: bool = False


def candidate_searches(claim: str, speaker: str | None) -> list[dict]:
    """The search bodies that retrieve a claim's candidates. Raises ValueError without words."""
    claim_words, segments = claim_segments(claim)
    runs = sorted(segments, key=len, reverse=True)  # the longest run first: the surest words
    windows: list[tuple[str, ...]] = []
    for run in runs:
        folded = claim_words.folded[run.start : run.stop]
        for start in range(0, max(1, len(folded) - QUERY_WORDS // 2), QUERY_WORDS):
            windows.append(folded[start : start + QUERY_WORDS])
    windows = list(dict.fromkeys(windows))[:MAX_SEARCHES]
    # "last" never drops a query's first word, so a changed first word would find nothing:
    # each window is searched in reverse too (ranking counts shared words, not their order).
    queries = [" ".join(w) for window in windows for w in (window, window[::-1])]
    base = {
        "matchingStrategy": "last",
        "attributesToSearchOn": [QUOTE_WORDS],
        "limit": CANDIDATES_PER_SEARCH,
    }
    searches = [{"q": q, **base} for q in dict.fromkeys(queries)]
    if speaker and speaker.strip():
        names = list(dict.fromkeys([speaker.strip(), speaker.split()[-1]]))
        speaker_filter = [
            f"{attribute} = {escape_filter_value(name)}"
            for name in names
            for attribute in ("speaker_keys", "speaker")
        ]
        searches += [{"q": q, **base, "filter": [speaker_filter]} for q in queries[:2]]
    return searches


def semantic_search(claim: str, vector: list[float] | None, embedder: str) -> dict:
    """The search body for the quotes closest in meaning to the claim, with their scores
    (without a vector, the embedder is an external one that Meilisearch calls)."""
    body = {
        "q": claim,
        "hybrid": {"embedder": embedder, "semanticRatio": 1.0},
        "limit": CANDIDATES_PER_SEARCH,
        "showRankingScore": True,
    }
    return body if vector is None else {**body, "vector": vector}


async def verify_claim(
    searcher: AsyncSearcher, claim: str, speaker: str | None, limit: int
) -> VerifiedClaim:
    """The verdict on a claim and its `limit` best matches. Raises ValueError without words."""
    searches = candidate_searches(claim, speaker)
    embedder = searcher.index.embedder_name
    if embedder is not None:
        vector = await searcher.embed(claim) if searcher.index.embedder is not None else None
        searches.append(semantic_search(claim, vector, embedder))
    results = await searcher.search_many(searches)
    documents: dict[int, dict[str, Any]] = {}
    for hits in results:
        for document in hits:
            documents.setdefault(document["id"], document)
    scores: dict[int, float] = {}
    if embedder is not None:  # Meilisearch's semantic ranking score is (1 + cosine) / 2
        scores = {d["id"]: 2 * float(d["_rankingScore"]) - 1 for d in results[-1]}
    candidates = (_candidate(d, scores.get(d["id"])) for d in documents.values())
    verification = verdict(claim, speaker, candidates)
    shown = verification.matches[:limit]
    return VerifiedClaim(
        verification=verification,
        matches=tuple(
            VerifiedMatch(m, documents[m.candidate.id], *first_report(m, verification, documents))
            for m in shown
        ),
        paraphrase_checked=embedder is not None,
    )


def first_report(
    match: Match, verification: Verification, documents: dict[int, dict[str, Any]]
) -> tuple[dict[str, Any], int]:
    """The earliest report of the match's words by its speaker, and how many outlets carry
    them: among the near-verbatim matches of the same speaker (the same statement, reported
    again); first by the article's date (else the day said), then the order quotes were
    stored: as statements order their reports, so the verdict and the cards name one outlet."""
    document = documents[match.candidate.id]
    if not match.near_verbatim or document.get("speaker_id") is None:
        return document, 1
    same = [
        documents[m.candidate.id]
        for m in verification.matches
        if m.near_verbatim and documents[m.candidate.id].get("speaker_id") == document["speaker_id"]
    ]
    first = min(same, key=_report_order)
    outlets = {d.get("outlet") or f"article {d['article_id']}" for d in same}
    return first, len(outlets)


def _report_order(document: dict[str, Any]) -> tuple[str, int]:
    day = document.get("published_at") or document.get("said_on") or "9999-12-31"
    return day, document["id"]


def _candidate(document: dict[str, Any], semantic_score: float | None) -> Candidate:
    return Candidate(
        id=document["id"],
        text=document.get(QUOTE_WORDS) or document["text"],
        speaker_name=document.get("speaker"),
        speaker_aliases=tuple(_strings(document.get("speaker_aliases"))),
        semantic_score=semantic_score,
    )


def _strings(values: Sequence[Any] | None) -> list[str]:
    return [v for v in values or () if isinstance(v, str)]
