"""Resolution and output: from an attribution draft to an `ExtractedQuote`."""

from __future__ import annotations

from indexer.extract import dates
from indexer.extract.calibration import confidence_of
from indexer.extract.citation import cited_reported, cited_text
from indexer.extract.coref import Entity, names_a_holder
from indexer.extract.lang.en.cues import NOMINAL_CUES
from indexer.extract.model import CONTEXT_CHARS, Article, ExtractedQuote, Found
from indexer.extract.rules import (
    DESCRIPTION,
    NAME,
    PRONOUN,
    ROLE,
    UNRESOLVED,
    rule_name,
)
from indexer.extract.text import QUOTE_CHARS, Sentence


def _nominal_cue(text: str, s: Sentence) -> str | None:
    lowered = text[s.start : s.end].lower()
    return next((cue for cue in NOMINAL_CUES if cue in lowered), None)


def _context(art: Article, first: Sentence, last: Sentence) -> str:
    lo = max(0, first.index - 1)
    hi = min(len(art.sentences) - 1, last.index + 1)
    start, end = art.sentences[lo].start, art.sentences[hi].end
    if end - start > CONTEXT_CHARS:
        start, end = first.start, max(last.end, min(first.start + CONTEXT_CHARS, last.end))
    return art.text[start:end].strip()


def attributable(found: Found, entity: Entity | None) -> bool:
    mention = found.attribution.mention
    if mention is None:
        return False
    if entity is None and mention.kind == "pronoun":
        return False
    return found.end > found.start


def _speaker_name(art: Article, found: Found, entity: Entity | None) -> str | None:
    if found.attribution.group:
        return found.attribution.group
    if entity is not None:
        return art.registry.display_name(entity)
    mention = found.attribution.mention
    if mention is None:
        return None
    if mention.kind == "name":
        return mention.name
    words = mention.text.split()
    if words and words[0].lower() in {"a", "an", "the", "one", "another"}:
        words = words[1:]
    return " ".join(words) or None


def _aliases(art: Article, entity: Entity | None) -> tuple[str, ...]:
    """Every other name the speaker went by, the full form of a shortened name included."""
    if entity is None:
        return ()
    names = [entity.name, *entity.aliases]
    shown = art.registry.display_name(entity)
    return tuple(dict.fromkeys(n for n in names if n != shown))


def _speaker_kind(found: Found, entity: Entity | None) -> str | None:
    if found.attribution.group:
        return "group"
    if entity is not None:
        return entity.kind
    mention = found.attribution.mention
    if mention is None:
        return None
    return "unknown" if mention.kind == "name" else mention.kind


def to_quote(art: Article, found: Found, entity: Entity | None) -> ExtractedQuote:
    mention = found.attribution.mention
    kind = found.type
    span_text = art.text[found.start : found.end]
    if kind == "direct" and not any(c in QUOTE_CHARS for c in span_text):
        kind = "indirect"
    if (
        kind == "mixed"
        and span_text[:1] in QUOTE_CHARS
        and span_text.rstrip(".,")[-1:] in QUOTE_CHARS
        and sum(span_text.count(c) for c in QUOTE_CHARS) == 2
    ):
        kind = "direct"
    rule = rule_name(kind, found.attribution.rule, _resolution(found, entity))
    parts = _parts(art, found, kind)
    return ExtractedQuote(
        text=span_text,
        type=kind,
        start=found.start,
        end=found.end,
        speaker=_speaker_name(art, found, entity),
        mention=mention.text if mention else None,
        mention_start=mention.start if mention else None,
        mention_end=mention.end if mention else None,
        cue=found.attribution.cue or _nominal_cue(art.text, found.sentence),
        context=_context(art, found.sentence, found.last_sentence or found.sentence),
        said_on=dates.date_said_around(
            art.text,
            (found.sentence.start, (found.last_sentence or found.sentence).end),
            (found.start, found.end),
            art.published,
        )
        or art.published,
        confidence=confidence_of(rule),
        speaker_kind=_speaker_kind(found, entity),
        speaker_aliases=() if found.attribution.group else _aliases(art, entity),
        speaker_description=entity.description if entity and not found.attribution.group else None,
        rule=rule,
        parts=parts,
        cited=_cited(art, kind, parts),
    )


def _cited(art: Article, kind: str, parts: tuple[tuple[int, int], ...]) -> str:
    """The words as a journalist cites them: the reported clause, or the quoted parts joined."""
    if kind == "indirect":
        return cited_reported(art.text, parts[0])
    return cited_text(art.text, parts)


def _resolution(found: Found, entity: Entity | None) -> str:
    mention = found.attribution.mention
    if mention is None:
        return UNRESOLVED
    if mention.kind == "name":
        return NAME
    if mention.kind == "pronoun":
        return PRONOUN if entity is not None else UNRESOLVED
    if entity is not None:
        return ROLE
    return UNRESOLVED if names_a_holder(mention) else DESCRIPTION


def _parts(art: Article, found: Found, kind: str) -> tuple[tuple[int, int], ...]:
    """The quoted words inside their marks, in order, one part per paragraph of a quotation
    that runs on; the whole content for reported speech."""
    if kind == "indirect":
        return ((found.start, found.end),)
    parts: list[tuple[int, int]] = []
    for q in art.quotes_starting_in(found.start, found.end):
        end = min(q.end, found.end)
        if q.closed and end == q.end:
            end -= 2 if art.text[end - 2 : end] == "''" else 1
        pos = q.start
        for line in art.text[q.start : end].split("\n"):
            lo, hi = pos, pos + len(line)
            pos = hi + 1
            while lo < hi:
                step = 2 if art.text[lo : lo + 2] in {"``", "''"} else 1
                if step == 1 and art.text[lo] not in QUOTE_CHARS and not art.text[lo].isspace():
                    break
                lo += step
            while hi > lo and art.text[hi - 1].isspace():
                hi -= 1
            if hi > lo:
                parts.append((lo, hi))
    return tuple(parts)
