"""Tokens: words and punctuation with their offsets into the article text."""

from __future__ import annotations

import re
from bisect import bisect_left

from indexer.extract.lang.en.nouns import STOP_CAPITALS
from indexer.extract.lang.en.people import FEMALE_NAMES, MALE_NAMES, STOP_SURNAMES

GIVEN_NAMES = frozenset(FEMALE_NAMES | MALE_NAMES)
_STOP_SURNAME_TEXTS = tuple(word.capitalize() for word in sorted(STOP_SURNAMES))

TOKEN = re.compile(
    r"(?:Mr|Mrs|Ms|Dr|Gen|Sen|Sens|Rep|Reps|Del|Gov|Lt|Col|Sgt|Capt|Jr|Sr|Prof|Rev|Adm|Maj|Cmdr|St)\."
    r"|(?:[A-Z]\.){2,}|[A-Z]\.(?=\s+[A-Z])|\w+(?:[’'\-.&]\w+)*|[^\w\s]"
)


class Token:
    """A word or punctuation mark and its offsets. Immutable; its lowercase form is computed
    once (rules read it hundreds of thousands of times per corpus) and whether it can be part
    of a name is memoised on first use."""

    __slots__ = ("_name", "end", "lower", "start", "text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.lower = text.lower()
        self._name: bool | None = None

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.end})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Token):
            return NotImplemented
        return (self.start, self.end, self.text) == (other.start, other.end, other.text)

    def __hash__(self) -> int:
        return hash((self.text, self.start, self.end))

    @property
    def bare(self) -> str:
        return self.lower.rstrip(".")

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    end = len(text) if end is None else end
    tokens = [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text, start, end)]
    for word in _STOP_SURNAME_TEXTS:  # rare: 'May', 'Will', 'March' (str.find is cheap)
        at = text.find(word, start, end)
        while at != -1:
            k = bisect_left(tokens, at, key=_start)
            if (
                0 < k < len(tokens)
                and tokens[k].text == word
                and tokens[k - 1].lower in GIVEN_NAMES
            ):
                tokens[k]._name = True  # 'Theresa May', 'George Will': a surname here
            at = text.find(word, at + 1, end)
    return tokens


def _start(tok: Token) -> int:
    return tok.start


def contracted(tok: Token) -> str:
    """The word before a contraction: 'he' for "He’s", "they" for "They're"."""
    return _APOSTROPHE.split(tok.lower, maxsplit=1)[0]


def is_name_token(tok: Token) -> bool:
    name = tok._name
    if name is None:
        name = tok._name = _is_name_token(tok)
    return name


def name_start(tokens: list[Token], k: int) -> int:
    """The index of the first of the run of name tokens that ends at tokens[k]."""
    while k > 0 and is_name_token(tokens[k - 1]):
        k -= 1
    return k


def _is_name_token(tok: Token) -> bool:
    if not tok.capitalized or tok.bare in STOP_CAPITALS or contracted(tok) in STOP_CAPITALS:
        return False
    return _NAME_WORD.match(tok.text) is not None


_APOSTROPHE = re.compile(r"[’']")
_NAME_WORD = re.compile(r"[A-Z][\w’'\-.&]*$")
