"""Quoted words as a journalist cites them, built from the exact offsets of each quoted part.

The stored offsets keep pointing at the article (the page and the scorer need them); this is
the text a reader copies: narration between the parts left out and marked with an ellipsis, a
comma that handed over to the attribution turned into a full stop, nested quotations in single
curly marks and no stray marks. The outer marks are the page's to add.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

ELLIPSIS = " … "
_DOUBLE_OPEN = "“„«"
_DOUBLE_CLOSE = "”»"
_DOUBLE = _DOUBLE_OPEN + _DOUBLE_CLOSE + '"'
_SINGLE = "‘’'"
_MARKS = _DOUBLE + _SINGLE
_WHITESPACE = re.compile(r"\s+")
# Punctuation that may follow a closing mark and still leave the quotation whole ("…it”,").
_TRAILING_PUNCTUATION = ".,;:!?…"
_TRAILING_COMMA = re.compile(r",\s*(’?)$")  # "ballot," and "called it ‘a sham,’"
_ONLY_MARKS_AND_SPACE = re.compile(rf"[\s{_MARKS}]*")


def cited_text(article: str, parts: Sequence[tuple[int, int]]) -> str:
    """The words of one quote, its parts joined as a journalist would cite them.

    Parts separated by nothing but space and quotation marks (paragraphs of one running
    quotation) are joined with a space, since no words were left out; parts with narration
    between them are joined with an ellipsis.
    """
    pieces = [_clean_part(article[start:end]) for start, end in parts]
    cited = ""
    for index, piece in enumerate(pieces):
        if not piece:
            continue
        if cited:
            gap = article[parts[index - 1][1] : parts[index][0]]
            if _ONLY_MARKS_AND_SPACE.fullmatch(gap):
                cited += " "
            else:
                cited = _TRAILING_COMMA.sub(r"\1", cited) + ELLIPSIS
        cited += piece
    # the comma handed over to "she said"; cited alone, the words end there
    return _TRAILING_COMMA.sub(r".\1", cited)


def cited_reported(article: str, span: tuple[int, int]) -> str:
    """Reported content as it reads after "X said that …": the clause as written, one sentence.

    A leading "that" goes (the page writes "said that"), the first letter is not capitalised
    (the clause goes on a sentence), and it ends with a full stop unless it already ends one.
    """
    content = _WHITESPACE.sub(" ", article[span[0] : span[1]]).strip()
    content = re.sub(r"^that\s+", "", content)  # "That was fine" is a sentence of its own
    content = content.rstrip(",;: ")
    if content and content.rstrip(_MARKS)[-1:] not in {".", "!", "?", "…"}:
        content += "."
    return content


def _clean_part(raw: str) -> str:
    """One quoted part: whitespace collapsed, its own and stray marks dropped, nesting in ‘ ’."""
    text = _WHITESPACE.sub(" ", raw).strip()
    while True:
        stripped = _strip_outer_pair(text)
        if stripped == text:
            break
        text = stripped
    text = _normalise_double(text)
    text = _normalise_single(text)
    return text.strip()


def _strip_outer_pair(text: str) -> str:
    """Drop the marks that enclose the whole part (the part came with its own marks).

    The edges decide: inside, a straight single mark may be an apostrophe ("the voters'
    mood"), so pairing could not say which mark closes the outer one.
    """
    closing = len(text.rstrip(_TRAILING_PUNCTUATION)) - 1
    for family in (_DOUBLE, _SINGLE):
        encloses = closing > 0 and text[0] in family and text[closing] in family
        if encloses and _opens(" ", text[1]) and not _opens(text[closing - 1], " "):
            inner = (text[1:closing] + text[closing + 1 :]).strip()
            if not _pair(inner, family).open_left:  # not "‘a’ and ‘b’", two inner quotations
                return inner
    return text


def _normalise_double(text: str) -> str:
    """Nested double quotations become ‘ ’; a double mark without a partner is dropped."""
    marks = _pair(text, _DOUBLE)
    chars = list(text)
    for opening, closing in marks.pairs:
        chars[opening], chars[closing] = "‘", "’"
    for position in marks.open_left + marks.close_left:
        chars[position] = ""
    return "".join(chars)


def _normalise_single(text: str) -> str:
    """Paired single marks become curly; apostrophes stay; stray marks at either edge go.

    A closing mark after a letter with no partner is an apostrophe ("voters’") and an opening
    one inside the text too ("the ’90s" written with the wrong mark); both are left alone.
    """
    marks = _pair(text, _SINGLE)
    chars = list(text)
    for opening, closing in marks.pairs:
        chars[opening], chars[closing] = "‘", "’"
    last = len(text) - 1
    for position in marks.open_left + marks.close_left:
        at_edge = position == 0 or (position == last and not text[position - 1].isalnum())
        if at_edge:
            chars[position] = ""
    return "".join(chars)


@dataclass
class _Marks:
    pairs: list[tuple[int, int]] = field(default_factory=list)
    open_left: list[int] = field(default_factory=list)
    close_left: list[int] = field(default_factory=list)


def _pair(text: str, family: str) -> _Marks:
    """Quotation marks of one family paired innermost first, and those left without a partner.

    Curly marks say which way they face; a straight mark opens after a space, a dash or another
    mark and closes otherwise. A mark between two letters is an apostrophe ("don't", "O’Neill").
    """
    found = _Marks()
    for position, char in enumerate(text):
        if char not in family:
            continue
        before = text[position - 1] if position else " "
        after = text[position + 1] if position + 1 < len(text) else " "
        if before.isalnum() and after.isalnum():
            continue
        if char in "‘“„«" or (char in "'\"" and _opens(before, after)):
            found.open_left.append(position)
        elif found.open_left:
            found.pairs.append((found.open_left.pop(), position))
        else:
            found.close_left.append(position)
    return found


def _opens(before: str, after: str) -> bool:
    return (before.isspace() or before in "([—–-" + _MARKS) and not after.isspace()
