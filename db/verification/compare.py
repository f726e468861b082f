"""Is a claimed quote the same words as a stored one, and which words differ (pure).

Alignment is word level. Each folded word (see `normalise`) is given one character of a
private alphabet, so a word list becomes a string and rapidfuzz's C++ routines do the work:
`str.find` for verbatim runs, `fuzz.partial_ratio_alignment` to find where a fragment sits in a
long quote, `Levenshtein.distance` to settle the window's exact edges and
`Levenshtein.opcodes` for the diff. rapidfuzz rather than `difflib.SequenceMatcher`: its
opcodes are a minimal edit script (SequenceMatcher matches longest blocks first, so a common
word such as "the" can pair with one thousands of words away and turn a one-word change into
a diff across the whole quote), and it is already a dependency and fast enough for
5,000-word originals.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal, cast

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq, Levenshtein

from db.verification.normalise import Words, claim_segments, words

ELISION = "…"
# The alphabet words are encoded in starts past the Basic Multilingual Plane, so no surrogate
# code point is ever produced and a million distinct words fit.
_FIRST_CODE_POINT = 0x10000
# How far the edges of a window may move from where partial_ratio anchored it: enough for the
# words an altered claim adds or drops, bounded so very long claims stay fast.
_MAX_EDGE_SLACK = 8


class Kind(enum.StrEnum):
    verbatim = "verbatim"
    altered = "altered"
    unrelated = "unrelated"


# What the claim did to the original's words: "insert" names words only the claim has,
# "delete" original words the claim left out (claimed "…" when it says so), "replace" original
# words the claim changed into others. A Literal, not a StrEnum: a member named "replace"
# would hide str.replace.
Op = Literal["equal", "insert", "delete", "replace"]


@dataclass(frozen=True)
class DiffOp:
    """One step of the word diff; `start`/`end` locate it in the original's characters.

    `claimed` and `original` are the texts as written (punctuation between words included).
    An insertion has an empty range where the claimed words would go. A delete whose
    `claimed` is "…" is an elision the claim marked, not an alteration.
    """

    op: Op
    claimed: str
    original: str
    start: int
    end: int

    @property
    def elided(self) -> bool:
        return self.op == "delete" and self.claimed == ELISION


@dataclass(frozen=True)
class Comparison:
    """How a claim compares with one original, over the original's best-aligned region.

    `edits` counts changed, added and dropped words (elided ones not counted); `start`/`end`
    are the character offsets of the aligned region in the original.
    """

    kind: Kind
    similarity: float
    diff: tuple[DiffOp, ...]
    edits: int
    start: int
    end: int


def allowed_edits(claim_words: int) -> int:
    """Most word edits a claim may carry and still count as an altered form of the original.

    Misquotes change, add or drop a few words: a third of the claim's words up to three, or a
    quarter for long claims. So "we will win" (3 words) tolerates one edit, 9- to 15-word
    claims three, a 40-word claim ten, and one- and two-word claims must be verbatim. Below
    this bound at least two thirds of the claim's words stand in the original in order, which
    text that was never said (even narration around the quote, which shares its topic words)
    does not reach.
    """
    return max(min(3, claim_words // 3), claim_words // 4)


def compare(claim: str, original: str) -> Comparison:
    """Compare a claimed quote with a stored one; a claim may be a fragment, "…" skips words.

    Raises ValueError when the claim has no words.
    """
    claim_words, segments = claim_segments(claim)
    original_words = words(original)
    claim_code, original_code = _encode(claim_words, original_words)
    limit = allowed_edits(len(claim_words))
    slack = max(1, min(limit, _MAX_EDGE_SLACK))

    windows: list[tuple[range, int, int]] = []  # (claim segment, window start, window stop)
    edits = 0
    position = 0
    for segment in segments:
        start, stop, distance = _best_window(
            claim_code[segment.start : segment.stop], original_code, position, slack
        )
        windows.append((segment, start, stop))
        edits += distance
        position = stop

    aligned = sum(stop - start for _, start, stop in windows)
    if edits == 0:
        kind, similarity = Kind.verbatim, 1.0
    else:
        kind = Kind.altered if edits <= limit else Kind.unrelated
        similarity = max(0.0, 1.0 - edits / max(len(claim_words), aligned))
    first, last = windows[0][1], windows[-1][2]
    start_char, end_char = original_words.char_range(first, last)
    return Comparison(
        kind=kind,
        similarity=round(similarity, 4),
        diff=tuple(_diff(claim_words, original_words, claim_code, original_code, windows)),
        edits=edits,
        start=start_char,
        end=end_char,
    )


def word_match_ratio(first: Words, second: Words) -> float:
    """How much of two whole texts is the same words in the same order: twice the longest
    common word subsequence over both lengths (1.0 the same words; one word changed in ten:
    0.9). Symmetric, unlike `compare`, which lets a claim be a fragment of the original."""
    if not first.folded or not second.folded:
        return 0.0
    a, b = _encode(first, second)
    return 2 * LCSseq.similarity(a, b) / (len(a) + len(b))


def _encode(*texts: Words) -> list[str]:
    """Each text as a string with one character per word, equal words sharing a character."""
    alphabet: dict[str, str] = {}
    return [
        "".join(
            alphabet.setdefault(word, chr(_FIRST_CODE_POINT + len(alphabet)))
            for word in text.folded
        )
        for text in texts
    ]


def _best_window(segment: str, original: str, position: int, slack: int) -> tuple[int, int, int]:
    """The window of original[position:] closest to the segment: (start, stop, word edits).

    An exact occurrence wins at once. Otherwise partial_ratio anchors a segment-long window and
    every window whose edges lie within `slack` words of it is scored by edit distance. Ties
    go to the window sharing the most words with the segment ("in spring" against "in the
    spring" drops "the" rather than replacing it with "spring"), then to the one whose length
    is nearest the segment's (a changed word reads as one replacement), then to the earliest.
    """
    found = original.find(segment, position)
    if found >= 0:
        return found, found + len(segment), 0
    rest = original[position:]
    if len(segment) >= len(rest):
        anchor_start, anchor_stop = 0, len(rest)
    else:
        alignment = fuzz.partial_ratio_alignment(segment, rest)
        if alignment is None:  # only when a score_cutoff is given; kept for the type checker
            raise AssertionError("partial_ratio_alignment returned no alignment")
        anchor_start, anchor_stop = alignment.dest_start, alignment.dest_end
    best = (len(segment) + len(rest) + 1, 0, 0, 0, 0)  # (edits, -shared, gap, start, stop)
    for start in range(max(0, anchor_start - slack), min(len(rest), anchor_start + slack) + 1):
        low = max(start, anchor_stop - slack)
        for stop in range(low, min(len(rest), anchor_stop + slack) + 1):
            window = rest[start:stop]
            edits = Levenshtein.distance(window, segment, score_cutoff=best[0])
            if edits > best[0]:
                continue
            shared = LCSseq.similarity(window, segment)
            best = min(best, (edits, -shared, abs(len(window) - len(segment)), start, stop))
    edits, _, _, start, stop = best
    return position + start, position + stop, edits


def _diff(
    claim: Words,
    original: Words,
    claim_code: str,
    original_code: str,
    windows: list[tuple[range, int, int]],
) -> list[DiffOp]:
    """The word diff over the aligned windows, with a "…" delete for words between them."""
    ops: list[DiffOp] = []
    previous_stop: int | None = None
    for segment, start, stop in windows:
        if previous_stop is not None and start > previous_stop:
            begin, end = original.char_range(previous_stop, start)
            ops.append(DiffOp("delete", ELISION, original.source(previous_stop, start), begin, end))
        previous_stop = stop
        # From the original to the claim, so "insert" names words the claim added.
        for step in Levenshtein.opcodes(
            original_code[start:stop], claim_code[segment.start : segment.stop]
        ):
            o_first, o_stop = start + step.src_start, start + step.src_end
            c_first, c_stop = segment.start + step.dest_start, segment.start + step.dest_end
            begin, end = original.char_range(o_first, o_stop)
            ops.append(
                DiffOp(
                    cast(Op, step.tag),
                    claim.source(c_first, c_stop),
                    original.source(o_first, o_stop),
                    begin,
                    end,
                )
            )
    return ops
