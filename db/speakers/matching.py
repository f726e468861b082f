"""When two speaker names from different articles are the same person (pure, no SQL).

Names arrive from the extractor already without titles ("President Zelensky" → "Zelensky"),
but spelled as each outlet spells them: "Zelensky", "Zelenskyy", "Zelenskiy", "Volodymyr
Zelensky", "Donald J. Trump". A person is keyed by a folded surname (transliteration endings,
doubled letters and accents folded away) and told apart by given names compared with rapidfuzz,
so "Joe Biden" and "Hunter Biden" stay two people while "Volodymyr Zelenskyy" joins "Volodymyr
Zelensky".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, TypeVar

from rapidfuzz import fuzz

from db.vocabulary import PERSON_LIKE

_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_PARTICLES = {"de", "da", "di", "del", "la", "le", "van", "von", "der", "al", "el", "bin", "ibn"}
# Last words that make a name a group, not a person: "Oversight Committee Republicans".
_GROUP_WORDS = {
    "republican",
    "republicans",
    "democrat",
    "democrats",
    "independents",
    "conservatives",
    "liberals",
    "progressives",
    "americans",
    "voters",
    "officials",
    "committee",
    "county",
    "states",
}
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "president", "prof"}
# Transliteration endings that name the same sound: Zelensky / Zelenskyy / Zelenskiy / Zelenskii
_ENDING = re.compile(r"(?:iy|yy|ii|ij|yi|y|i)$")
GIVEN_NAME_SIMILARITY = 80  # Volodymyr ~ Volodimir, but Joe !~ Hunter
SURNAME_SIMILARITY = 90  # only when the given names agree as well


def fold(text: str) -> str:
    """Lower-case ASCII letters only: accents, punctuation and spaces dropped."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_text.lower())


def _squeeze(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


@dataclass(frozen=True)
class PersonName:
    given: str | None  # folded first given name, or None for a surname alone
    initials: str  # first letters of every given and middle name
    surname_key: str

    @property
    def full(self) -> bool:
        return self.given is not None


def surname_key(surname: str) -> str:
    folded = _squeeze(fold(surname))
    stem = _ENDING.sub("", folded)
    return (stem + "i") if stem != folded and len(stem) >= 3 else folded


@lru_cache(maxsize=65536)  # pure, and stored speakers are parsed again at every match
def parse_person(name: str) -> PersonName | None:
    """Split a person's name into given names and a surname key; None if nothing is left."""
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    while words and fold(words[0]) in _HONORIFICS and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and fold(words[-1]) in _SUFFIXES:
        words = words[:-1]
    if not words or fold(words[-1]) in _GROUP_WORDS:
        return None
    key = surname_key(words[-1])
    if not key:
        return None
    given_words = [
        _squeeze(fold(w)).replace("y", "i")
        for w in words[:-1]
        if fold(w) and fold(w) not in _PARTICLES  # "De Blasio" is a surname alone
    ]
    full_given = [w for w in given_words if len(w) > 1]
    return PersonName(
        given=full_given[0] if full_given else (given_words[0] if given_words else None),
        initials="".join(w[0] for w in given_words),
        surname_key=key,
    )


def org_key(name: str) -> str:
    """ "The Kremlin" and "Kremlin" are one organisation."""
    return fold(re.sub(r"^(?:the)\s+", "", name.strip(), flags=re.IGNORECASE))


def slugify(name: str) -> str:
    """A speaker's unique key and page URL part: "Volodymyr Zelensky" → volodymyr-zelensky."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "speaker"


def name_key(name: str, kind: str) -> str:
    """The indexed lookup key of a speaker: the surname key of a person, else the org key."""
    if kind in PERSON_LIKE:
        person = parse_person(name)
        if person is not None:
            return person.surname_key
    return org_key(name)


def given_names_agree(a: PersonName, b: PersonName) -> bool:
    if a.given is None or b.given is None:
        return True
    if len(a.given) == 1 or len(b.given) == 1:  # "J. Smith" vs "John Smith"
        return a.given[0] == b.given[0]
    return fuzz.ratio(a.given, b.given) >= GIVEN_NAME_SIMILARITY


def person_match_score(a: PersonName, b: PersonName) -> float:
    """0 when the two names cannot be one person; higher the surer (100 for the same name)."""
    if a.surname_key == b.surname_key:
        surname_score = 100.0
    elif a.full and b.full:
        surname_score = fuzz.ratio(a.surname_key, b.surname_key)
        if surname_score < SURNAME_SIMILARITY:
            return 0.0
    else:
        return 0.0  # a surname alone must match exactly: Johnson is not Johnston
    if not given_names_agree(a, b):
        return 0.0
    if a.given and b.given:
        return (surname_score + fuzz.ratio(a.given, b.given)) / 2
    return surname_score * 0.9  # one side is a surname alone: likely, not certain


class Named(Protocol):
    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=Named)


def same_person(name: str, candidates: Sequence[N]) -> N | None:
    """The one candidate this person's name can only be, or None when none or several could be.

    A full name picks the clearly best full-named candidate, else the one surname-only record;
    a bare surname joins only when exactly one candidate has it ("Biden" stays apart while Joe
    and Hunter Biden both exist).
    """
    person = parse_person(name)
    if person is None:
        return None
    scored: list[tuple[float, bool, N]] = []
    for candidate in candidates:
        other = parse_person(candidate.name)
        score = person_match_score(person, other) if other else 0.0
        if score > 0:
            scored.append((score, other is not None and other.full, candidate))
    if not scored:
        return None
    if person.full:
        full = sorted((s for s in scored if s[1]), key=lambda s: -s[0])
        if full:
            if len(full) == 1 or full[0][0] - full[1][0] >= 5:
                return full[0][2]
            return None  # two people it could be: keep this one apart
        surname_only = [s for s in scored if not s[1]]
        return surname_only[0][2] if len(surname_only) == 1 else None
    return scored[0][2] if len(scored) == 1 else None
