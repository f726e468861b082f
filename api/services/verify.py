"""Verifying a claim for the API and the page: the verdict as typed matches, one pasteable
line, and the original with the claim's changes marked."""

from __future__ import annotations

import html
from typing import Any

from markupsafe import Markup

from api.citations import long_date, with_links
from api.schemas import ArticleRef, DiffStep, FirstReport, VerifyMatch, VerifyResult
from api.services.search import QuoteUrl, hit_from_document
from db.search_index import AsyncSearcher
from db.verification import Verdict
from db.verification.service import VerifiedMatch, verify_claim

DEFAULT_MATCHES = 5
MAX_MATCHES = 20
MAX_CLAIM = 2000
MAX_SPEAKER = 200


async def verify(
    searcher: AsyncSearcher, claim: str, speaker: str | None, limit: int, quote_url: QuoteUrl
) -> VerifyResult:
    """The verdict on a claim. Raises ValueError when the claim has no words."""
    verified = await verify_claim(searcher, claim, speaker or None, limit)
    matches = [_match(m, quote_url) for m in verified.matches]
    verification = verified.verification
    return VerifyResult(
        verdict=verification.verdict,
        summary=summary(verification.verdict, matches, speaker, verification.said_by),
        said_by=verification.said_by,
        matches=matches,
        paraphrase_checked=verified.paraphrase_checked,
    )


def _match(verified: VerifiedMatch, quote_url: QuoteUrl) -> VerifyMatch:
    hit = hit_from_document(verified.document)
    with_links(hit, quote_url(hit.id))
    comparison = verified.match.comparison
    first = verified.first_reported
    return VerifyMatch(
        quote=hit,
        similarity=comparison.similarity,
        edits=comparison.edits,
        near_verbatim=verified.match.near_verbatim,
        speaker_matches=verified.match.speaker_matches,
        diff=[
            DiffStep(
                op=op.op,
                claimed=op.claimed,
                original=op.original,
                start=op.start,
                end=op.end,
                elided=op.elided,
            )
            for op in comparison.diff
        ],
        first_reported=FirstReport(
            quote_id=first["id"], article=_article(first), said_on=first.get("said_on")
        ),
        outlets=verified.outlets,
    )


def _article(document: dict[str, Any]) -> ArticleRef:
    return ArticleRef(
        id=document["article_id"],
        title=document["article_title"],
        url=document.get("article_url"),
        outlet=document.get("outlet"),
        published_at=document.get("published_at"),
    )


def summary(
    found: Verdict, matches: list[VerifyMatch], claimed: str | None, said_by: str | None
) -> str:
    """The verdict in one line: who said it, when and where it was first reported."""
    if found is Verdict.not_found or not matches:
        return "Not found: no stored quote has these words."
    best = matches[0]
    who = best.quote.speaker.name if best.quote.speaker else "an unnamed speaker"
    first = best.first_reported
    when = f" on {long_date(first.said_on)}" if first.said_on else ""
    where = f" ({first.article.outlet})" if first.article.outlet else ""
    if found is Verdict.verbatim:
        return f"Verbatim: {who} said this{when}{where}."
    if found is Verdict.altered:
        words = "word differs" if best.edits == 1 else "words differ"
        return f"Altered: {best.edits} {words} from what {who} said{when}{where}."
    if found is Verdict.misattributed:
        return f"Misattributed: these words were said by {said_by or who}, not {claimed}."
    return f"Paraphrase: {who} said something with this meaning{when}{where}."


def marked(match: VerifyMatch) -> Markup:
    """The original's cited words as HTML: escaped, words the claim dropped or changed in
    <del>, words it added or put in their place in <ins>, words it cut with '…' in <s>."""
    text = match.quote.cited
    parts: list[str] = []
    at = 0
    for step in match.diff:
        parts.append(html.escape(text[at : step.start]))
        original = html.escape(text[step.start : step.end])
        claimed = html.escape(step.claimed)
        if step.elided:
            parts.append(f'<s class="elided" title="cut by the claim">{original}</s>')
        elif step.op == "equal":
            parts.append(original)
        elif step.op == "delete":
            parts.append(f"<del>{original}</del>")
        elif step.op == "insert":
            parts.append(f"<ins>{claimed}</ins>")
        else:
            parts.append(f"<del>{original}</del> <ins>{claimed}</ins>")
        at = max(at, step.end)
    parts.append(html.escape(text[at:]))
    return Markup("".join(parts))  # every piece is escaped above
