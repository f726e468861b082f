"""Paragraphs, quoted spans and sentences, all as character offsets into the article text."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate

from indexer.extract.lang.en.nouns import HEADING_LABELS

OPEN_QUOTES = "“„«"
CLOSE_QUOTES = "”»"
QUOTE_CHARS = set('"“”„«»')  # the scorer's notion of a direct quote

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "sen",
    "rep",
    "gov",
    "govs",
    "sens",
    "reps",
    "gen",
    "lt",
    "col",
    "sgt",
    "capt",
    "st",
    "jr",
    "sr",
    "inc",
    "co",
    "corp",
    "ltd",
    "vs",
    "no",
    "jan",
    "feb",
    "mar",
    "apr",
    "aug",
    "sept",
    "sep",
    "oct",
    "nov",
    "dec",
    "u.s",
    "u.n",
    "u.k",
    "d.c",
    "a.m",
    "p.m",
    "e.g",
    "i.e",
    "prof",
    "rev",
    "ft",
    "mt",
    "atty",
    "supt",
    "messrs",
    "adm",
    "cmdr",
    "maj",
    "pres",
    "sec",
    "del",
}
# Quotation marks: curly, guillemets, straight, and the doubled apostrophes some archives use.
_QUOTE_MARK = re.compile(r"''|``|[\"“”„«»]")
_SENTENCE_END = re.compile(r"[.!?]+(?:''|[\"”’')\]])*(?=\s+(?:''|``|[\"“‘(\[])?[A-Z0-9])")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class QuotedSpan:
    """A quotation from its opening to its closing mark (both included)."""

    start: int
    end: int
    paragraph: int
    closed: bool = True


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int
    index: int


def paragraphs(text: str) -> list[Span]:
    spans, pos = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            spans.append(Span(pos + lead, pos + lead + len(stripped)))
        pos += len(line) + 1
    return spans


def quoted_spans(text: str, paras: list[Span]) -> list[QuotedSpan]:
    """Pair quotation marks paragraph by paragraph; straight quotes toggle, curly ones nest.

    A quotation left open at the end of a paragraph whose next paragraph opens with a quotation
    mark runs on (the newspaper convention for multi-paragraph quotes) and is joined to it.
    """
    found: list[QuotedSpan] = []
    for number, para in enumerate(paras):
        open_at = None
        for mark in _QUOTE_MARK.finditer(text, para.start, para.end):
            ch, pos = mark.group(), mark.start()
            straight = ch in {'"', "''", "``"}
            # a closing mark that opens a paragraph is a typo for an opening one
            stray_open = ch in CLOSE_QUOTES and pos == para.start
            if open_at is None and (ch in OPEN_QUOTES or straight or stray_open):
                open_at = pos
            elif open_at is not None and (ch in CLOSE_QUOTES or straight):
                found.append(QuotedSpan(open_at, mark.end(), number))
                open_at = None
        if open_at is not None:
            found.append(QuotedSpan(open_at, para.end, number, closed=False))
    return _join_runs(text, found, paras)


def _join_runs(text: str, spans: list[QuotedSpan], paras: list[Span]) -> list[QuotedSpan]:
    joined: list[QuotedSpan] = []
    for span in spans:
        if joined:
            prev = joined[-1]
            next_para_starts_quote = (
                not prev.closed
                and span.paragraph == prev.paragraph + 1
                and span.start == paras[span.paragraph].start
            )
            if next_para_starts_quote:
                joined[-1] = QuotedSpan(prev.start, span.end, prev.paragraph, span.closed)
                continue
        joined.append(span)
    return [s for s in joined if s.end - s.start > 2]


def sentences(text: str, paras: list[Span], quotes: list[QuotedSpan]) -> list[Sentence]:
    """Split paragraphs into sentences, never inside a quotation; a quotation that runs over
    paragraphs makes one unit of the sentences it spans, so its closing cue is found."""
    starts = [q.start for q in quotes]  # in text order: bisection keeps this linear
    ends_so_far = list(accumulate((q.end for q in quotes), max))
    spans: list[tuple[int, int, int]] = []
    for number, para in enumerate(paras):
        start = para.start
        kicker = _kicker_end(text, para)
        if kicker is not None:
            spans.append((start, kicker, number))  # 'THE BORROWING Back when he …'
            start = kicker + 1
        for match in _SENTENCE_END.finditer(text, start, para.end):
            cut = match.end()
            opened = bisect_left(starts, cut)  # the quotations opening before the cut
            if opened and ends_so_far[opened - 1] > cut:
                continue
            if _ends_with_abbreviation(text, start, match.start()):
                continue
            spans.append((start, cut, number))
            start = cut
            while start < para.end and text[start].isspace():
                start += 1
        if start < para.end:
            spans.append((start, para.end, number))
    joined = _join_quotations(_join_attribution_tails(text, spans), quotes)
    return [Sentence(a, b, p, i) for i, (a, b, p) in enumerate(joined)]


# Run-in headings opening a paragraph: words in capitals before the first words of the
# sentence ('THE BORROWING Back when …'), or a label and a colon ('CLARIFICATION: The …').
_CAPS_RUN = re.compile(r"((?:[A-Z][A-Z’'\-]*[A-Z] )*[A-Z][A-Z’'\-]*[A-Z])(:?) (?=[A-Z][a-z])")


def _kicker_end(text: str, para: Span) -> int | None:
    """Where a run-in heading ends (the offset of the space after it), if the paragraph opens
    with one: two or more words in capitals, or one of seven letters or more, right before a
    capitalised word; or a heading label and a colon. A name in capitals before a colon is a
    transcript's speaker and stays ('PENCE: Well, …')."""
    match = _CAPS_RUN.match(text, para.start, para.end)
    if match is None:
        return None
    words = match.group(1).split()
    if match.group(2):
        return match.end(2) if match.group(1) in HEADING_LABELS else None
    if len(words) < 2 and len(words[0]) < 7:
        return None
    return match.end(1)


def _join_quotations(
    spans: list[tuple[int, int, int]], quotes: list[QuotedSpan]
) -> list[tuple[int, int, int]]:
    """One span for the sentences a quotation opens and closes in. Spans are disjoint and in
    order, so each quotation's first and last span are found by bisection, and the runs to
    join (overlapping runs are one) are joined in one pass."""
    span_starts = [a for a, _, _ in spans]
    runs: list[list[int]] = []
    for q in quotes:
        first = bisect_right(span_starts, q.start) - 1
        last = bisect_left(span_starts, q.end) - 1
        if first < 0 or q.start >= spans[first][1] or last < 0 or q.end > spans[last][1]:
            continue
        if last <= first:
            continue
        if runs and first <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], last)
        else:
            runs.append([first, last])
    joined: list[tuple[int, int, int]] = []
    pos = 0
    for first, last in runs:
        joined += spans[pos:first]
        joined.append((spans[first][0], spans[last][1], spans[last][2]))
        pos = last + 1
    return joined + spans[pos:]


_TAIL_SUBJECT_FIRST = re.compile(
    r"\s*(?:(?:[A-Z][\w.’'\-]*\s+){1,4}|(?:he|she|they|it|we|I)\s+)([a-z]+)\b"
)
_TAIL_CUE_FIRST = re.compile(r"\s*([a-z]+)\s+(?:[A-Z]|the\b|a\b|an\b)")


def _is_attribution_tail(tail: str) -> bool:
    from indexer.extract.lang.en.cues import CUE_WORDS

    match = _TAIL_SUBJECT_FIRST.match(tail) or _TAIL_CUE_FIRST.match(tail)
    if match is None or match.group(1) not in CUE_WORDS:
        return False
    rest = tail[match.end(1) :].strip()
    # 'Bush said on Friday.' is a tail; 'Li plans to visit the port on Sunday, …' is a sentence
    return not re.match(r"(?:to|that)\b", rest)


def _join_attribution_tails(
    text: str, spans: list[tuple[int, int, int]]
) -> list[tuple[int, int, int]]:
    """'"… Really?" Bush said.' is one sentence: join a short attribution to the quotation it
    follows when the split fell right after the closing mark."""
    joined: list[tuple[int, int, int]] = []
    for span in spans:
        if joined:
            prev = joined[-1]
            tail = text[span[0] : span[1]]
            if (
                prev[2] == span[2]
                and text[prev[1] - 1] in "\"”»'"
                and len(tail) < 90
                and not _QUOTE_MARK.search(tail)  # 'He writes that "…"' has words of its own
                and _is_attribution_tail(tail)
            ):
                joined[-1] = (prev[0], span[1], prev[2])
                continue
        joined.append(span)
    return joined


def _ends_with_abbreviation(text: str, sentence_start: int, dot: int) -> bool:
    word = re.search(r"([A-Za-z.]+)$", text[sentence_start:dot])
    if not word:
        return False
    token = word.group(1).lower().rstrip(".")
    initials = re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", word.group(1).rstrip("."))
    if initials:
        return True  # 'G.K. Butterfield': initials before a name
    return token in _ABBREVIATIONS or (len(token) == 1 and text[dot - 1].isupper())
