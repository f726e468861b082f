"""Words of a quote as compared, each mapped back to where it stands in the original text.

Quotes reach OnRecord as each outlet typed them: curly or straight quotes and apostrophes,
hyphens or dashes, "U.S." or "US", accents or not, odd spacing. None of that changes what was
said, so a claim is compared with a stored quote word by word on folded words: case, accents,
apostrophes and punctuation gone, hyphenated words split. Each word keeps its character span
in the text it came from, so a diff computed on folded words can be shown on the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A word: letters or digits, joined by inner apostrophes and full stops ("don't", "U.S",
# "3.5") and by commas between digits ("1,000"). Hyphens and dashes separate words.
_WORD = re.compile(r"[^\W_]+(?:(?:['’‘ʼ.]|(?<=\d),(?=\d))[^\W_]+)*")
_INNER_MARKS = re.compile(r"['’‘ʼ.,]")
# An elision in a claim: "…", "...", ". . .", optionally in brackets: "[…]", "(...)".
ELLIPSIS = re.compile(r"[\[(]?\s*(?:…|\.(?:\s?\.){2,})\s*[\])]?")


def fold_word(word: str) -> str:
    """The compared form of one word: case-folded, accents and inner marks dropped."""
    if word.isascii():  # no accents to drop: the same result, several times faster
        return _INNER_MARKS.sub("", word).lower()
    decomposed = unicodedata.normalize("NFKD", _INNER_MARKS.sub("", word).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Words:
    """The folded words of a text and, for each, its (start, end) character span in `text`."""

    text: str
    folded: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]

    def __len__(self) -> int:
        return len(self.folded)

    def source(self, first: int, stop: int) -> str:
        """The original text of words first..stop-1, punctuation between them included."""
        if first >= stop:
            return ""
        return self.text[self.spans[first][0] : self.spans[stop - 1][1]]

    def char_range(self, first: int, stop: int) -> tuple[int, int]:
        """Character offsets of words first..stop-1; an empty range sits right after word
        `first - 1` (before the first word when `first` is 0)."""
        if first < stop:
            return self.spans[first][0], self.spans[stop - 1][1]
        if first > 0:
            return self.spans[first - 1][1], self.spans[first - 1][1]
        at = self.spans[0][0] if self.spans else 0
        return at, at


def words(text: str) -> Words:
    """Split a text into compared words, keeping each word's span in `text`."""
    matches = list(_WORD.finditer(text))
    return Words(
        text=text,
        folded=tuple(fold_word(m.group()) for m in matches),
        spans=tuple(m.span() for m in matches),
    )


def claim_segments(claim: str) -> tuple[Words, list[range]]:
    """The claim's words and the runs of them between elisions ("…", "..."), empty runs left out.

    Each run must appear in the original in order; an elision skips any number of its words.
    Raises ValueError when the claim has no words at all (empty, blank or punctuation only).
    """
    claim_words = words(claim)
    if not claim_words.folded:
        raise ValueError(f"the claim has no words to verify: {claim!r}")
    cuts = [m.start() for m in ELLIPSIS.finditer(claim)]
    segments: list[range] = []
    first = 0
    for cut in [*cuts, len(claim) + 1]:
        stop = first
        while stop < len(claim_words) and claim_words.spans[stop][0] < cut:
            stop += 1
        if stop > first:
            segments.append(range(first, stop))
        first = stop
    return claim_words, segments
