"""The extractor's records: the quote it returns and the drafts its stages pass along."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from indexer.extract.coref import Entity, EntityRegistry
from indexer.extract.mentions import Mention
from indexer.extract.rules import CUE_AFTER
from indexer.extract.text import QuotedSpan, Sentence, paragraphs, quoted_spans, sentences
from indexer.extract.tokens import Token, tokenize

CONTEXT_CHARS = 700

TRAILING = " \t.,;:"


@dataclass
class ExtractedQuote:
    """One attributed quote, offsets into the article text; a `db.records.QuoteDraft`."""

    text: str
    type: str
    start: int
    end: int
    speaker: str | None
    mention: str | None
    mention_start: int | None
    mention_end: int | None
    cue: str | None
    context: str
    said_on: date | None
    confidence: float
    speaker_kind: str | None = None  # person | org | unknown | nominal | group
    speaker_aliases: tuple[str, ...] = ()
    speaker_description: str | None = None
    # which cue pattern and which resolution path produced it: '<type>_<pattern>:<resolution>'
    rule: str = ""
    # exact offsets of each quoted part inside its marks (direct/mixed), or the reported content
    parts: tuple[tuple[int, int], ...] = ()
    # the words as a journalist cites them (`citation.py`): parts joined, or the reported clause
    cited: str = ""

    def as_eval_record(self, doc: str) -> dict:
        return {
            "doc": doc,
            "start": self.start,
            "end": self.end,
            "speaker": self.speaker,
            "speaker_start": self.mention_start,
            "speaker_end": self.mention_end,
            "type": self.type,
            "rule": self.rule,
            "confidence": self.confidence,
        }


@dataclass
class Attribution:
    mention: Mention | None
    cue: str | None
    entity: Entity | None = None
    rule: str = CUE_AFTER  # the cue pattern (see `rules`); the resolution path is added later
    group: str | None = None  # 'Ann Li and Tom Ong': coordinated speakers, no one person


@dataclass
class Found:
    start: int
    end: int
    type: str
    attribution: Attribution
    sentence: Sentence
    continuation: bool = False  # no cue of its own: it runs on from the previous quotation
    last_sentence: Sentence | None = None


class Article:
    def __init__(self, text: str, published: date | None):
        self.text = text
        self.published = published
        self.paras = paragraphs(text)
        self.quotes = quoted_spans(text, self.paras)  # in text order, never overlapping
        self._quote_starts = [q.start for q in self.quotes]
        self._quote_ends_so_far = list(accumulate((q.end for q in self.quotes), max))
        self.sentences = sentences(text, self.paras, self.quotes)
        self.registry = EntityRegistry()
        # 'Name said:' / 'Name's reply:' closing the previous sentence, waiting for its quotation
        self.colon: Attribution | None = None

    def quotes_in(self, sentence: Sentence) -> list[QuotedSpan]:
        return self.quotes_starting_in(sentence.start, sentence.end)

    def quotes_starting_in(self, start: int, end: int) -> list[QuotedSpan]:
        """The quotations opening in [start, end), found by bisection: an article with
        thousands of quotations must not scan them all for every sentence."""
        starts = self._quote_starts
        return self.quotes[bisect_left(starts, start) : bisect_left(starts, end)]

    def in_quotation(self, pos: int) -> bool:
        """Whether a quotation covers the offset (opens at or before it, closes after it)."""
        k = bisect_right(self._quote_starts, pos)
        return k > 0 and self._quote_ends_so_far[k - 1] > pos

    def frame_tokens(self, sentence: Sentence, quotes: list[QuotedSpan]) -> list[Token]:
        """Tokens of the sentence outside quotation marks, plus a marker token per quotation."""
        tokens: list[Token] = []
        pos = sentence.start
        for q in quotes:
            tokens += tokenize(self.text, pos, q.start)
            tokens.append(Token("\u201cQ\u201d", q.start, min(q.end, sentence.end)))
            pos = q.end
        if pos < sentence.end:
            tokens += tokenize(self.text, pos, sentence.end)
        return tokens
