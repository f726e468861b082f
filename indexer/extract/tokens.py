"""Tokens: words and punctuation with their offsets into the article text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.extract.lang.en.nouns import STOP_CAPITALS

TOKEN = re.compile(
    r"(?:Mr|Mrs|Ms|Dr|Gen|Sen|Sens|Rep|Reps|Del|Gov|Lt|Col|Sgt|Capt|Jr|Sr|Prof|Rev|Adm|Maj|Cmdr|St)\."
    r"|(?:[A-Z]\.){2,}|[A-Z]\.(?=\s+[A-Z])|\w+(?:[’'\-.&]\w+)*|[^\w\s]"
)


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def bare(self) -> str:
        return self.text.lower().rstrip(".")

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    end = len(text) if end is None else end
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text, start, end)]


def contracted(tok: Token) -> str:
    """The word before a contraction: 'he' for "He’s", "they" for "They're"."""
    return re.split(r"[’']", tok.lower, maxsplit=1)[0]


def is_name_token(tok: Token) -> bool:
    if not tok.capitalized or tok.bare in STOP_CAPITALS or contracted(tok) in STOP_CAPITALS:
        return False
    return bool(re.match(r"[A-Z][\w’'\-.&]*$", tok.text))
