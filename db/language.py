"""Does a text look English? Extraction is English-only, so an article in another language
finds few or no quotes; this cheap check (the share of its words that are common English
function words) lets ingest warn and the article say so. It never blocks anything.

In English prose about 40-50 % of the words are such function words; in French, German,
Spanish or any non-Latin script a few percent at most (shared spellings like "a", "in",
"die" or "on" keep it above zero).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ENGLISH_FUNCTION_WORDS = frozenset(
    """
    a about after all also an and any are as at be been before but by can could did do does
    for from had has have he her him his how i if in into is it its just last more most my
    new no not now of on one only or other our out over said says she so some than that the
    their them then there these they this those to up was we were what when where which who
    will with would you your
    """.split()
)
MIN_WORDS = 40  # fewer words than this say too little to judge
ENGLISH_SHARE = 0.15  # below this share a text is "clearly not English"

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True)
class LanguageCheck:
    words: int
    english_share: float  # the share of the words that are English function words

    @property
    def looks_english(self) -> bool:
        """False only for a text long enough to judge and clearly not English."""
        return self.words < MIN_WORDS or self.english_share >= ENGLISH_SHARE


def check_english(text: str) -> LanguageCheck:
    words = _WORD.findall(text)
    if not words:
        return LanguageCheck(0, 0.0)
    common = sum(1 for word in words if word.lower() in ENGLISH_FUNCTION_WORDS)
    return LanguageCheck(len(words), round(common / len(words), 3))
