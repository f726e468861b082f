"""When two speaker names from different articles are the same person (pure, no SQL).

Names arrive from the extractor already without titles ("President Zelensky" → "Zelensky"),
but spelled as each outlet spells them: "Zelensky", "Zelenskyy", "Zelenskiy", "Volodymyr
Zelensky", "Donald J. Trump". A person is keyed by a folded surname (transliteration endings,
doubled letters and accents folded away) and told apart by everything else a name says:

- given names: equal once folded, one the other's initial or prefix ("J." / "John",
  "Chris" / "Christopher"), or one letter apart in a long name ("Volodimir" / "Volodymyr") —
  never "Ivana" / "Ivanka" or "Joe" / "Hunter";
- generational suffixes: "Donald Trump Jr." is never "Donald Trump" (a bare surname without
  one may be either);
- gender, from an honorific ("Mr. Obama" is never Michelle Obama) or what the text calls them.

A bare surname is one person only when exactly one stored person it is consistent with has it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Protocol, TypeVar

from anyascii import anyascii
from rapidfuzz import fuzz
from rapidfuzz.distance import Hamming

from db.vocabulary import PERSON_LIKE

_SUFFIXES = {"jr": "jr", "sr": "sr", "ii": "ii", "iii": "iii", "iv": "iv"}
_SUFFIXES |= {"2nd": "ii", "3rd": "iii"}
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
SURNAME_SIMILARITY = 90  # only when the given names agree as well
MIN_LETTERS_FOR_A_TYPO = 5  # "Volodimir" / "Volodymyr" may differ by a letter, "Ivana" / "Ivan" not


class Gender(StrEnum):
    male = "m"
    female = "f"


_HONORIFIC_GENDER = {
    "mr": Gender.male,
    "sir": Gender.male,
    "mrs": Gender.female,
    "ms": Gender.female,
    "miss": Gender.female,
    "dame": Gender.female,
}
_PRONOUN_GENDER = {
    "he": Gender.male,
    "him": Gender.male,
    "his": Gender.male,
    "she": Gender.female,
    "her": Gender.female,
    "hers": Gender.female,
}


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
    suffix: str | None = None  # "jr", "iii": a different generation, a different person
    gender: Gender | None = None  # from an honorific in the name ("Mr. King")

    @property
    def full(self) -> bool:
        return self.given is not None


def surname_key(surname: str) -> str:
    folded = _squeeze(fold(surname))
    stem = _ENDING.sub("", folded)
    return (stem + "i") if stem != folded and len(stem) >= 3 else folded


def _word_key(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", word.lower())


@lru_cache(maxsize=65536)  # pure, and stored speakers are parsed again at every match
def parse_person(name: str) -> PersonName | None:
    """Split a person's name into given names, a surname key and a suffix; None if nothing
    is left (or the name is a group's)."""
    words = [w for w in re.split(r"[\s,]+", name.strip()) if w]
    gender = None
    while words and fold(words[0]) in _HONORIFICS and len(words) > 1:
        gender = gender or _HONORIFIC_GENDER.get(fold(words[0]))
        words = words[1:]
    suffix = None
    while len(words) > 1 and _word_key(words[-1]) in _SUFFIXES:
        suffix = suffix or _SUFFIXES[_word_key(words[-1])]
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
        suffix=suffix,
        gender=gender,
    )


def name_gender(name: str) -> Gender | None:
    """The gender an honorific in a name gives ("Mrs. Clinton"), if any."""
    person = parse_person(name)
    return person.gender if person else None


def pronoun_gender(mention: str | None) -> Gender | None:
    """The gender a pronoun mention gives ("she" said …), if any."""
    return _PRONOUN_GENDER.get((mention or "").strip().lower())


def agreed_gender(evidence: Iterable[Gender | None]) -> Gender | None:
    """One gender when every piece of evidence that says one agrees; None when none or two."""
    said = {g for g in evidence if g is not None}
    return said.pop() if len(said) == 1 else None


def compatible_gender(a: Gender | str | None, b: Gender | str | None) -> bool:
    return a is None or b is None or a == b


def org_key(name: str) -> str:
    """ "The Kremlin" and "Kremlin" are one organisation."""
    return fold(re.sub(r"^(?:the)\s+", "", name.strip(), flags=re.IGNORECASE))


def slug_base(name: str) -> str:
    """A page URL part for a name in any script, transliterated: "Владимир Путин" →
    vladimir-putin; empty when nothing transliterates (the caller falls back to the id).
    Only a label: records are never found by it, and `unique_slug` adds a suffix on clashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", anyascii(name).lower()).strip("-")
    return slug[:200].rstrip("-")


def unique_slug(base: str, taken: Iterable[str]) -> str:
    """`base`, else `base-2`, `base-3`, … : the first one not taken."""
    used = set(taken)
    if base not in used:
        return base
    number = 2
    while f"{base}-{number}" in used:
        number += 1
    return f"{base}-{number}"


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
    x, y = a.given, b.given
    if len(x) == 1 or len(y) == 1:  # "J. Smith" vs "John Smith"
        return x[0] == y[0]
    if x == y or x.startswith(y) or y.startswith(x):  # "Chris" / "Christopher"
        return True
    return (
        len(x) == len(y) >= MIN_LETTERS_FOR_A_TYPO and Hamming.distance(x, y) <= 1
    )  # a letter spelt otherwise, never one added: "Ivana" is not "Ivanka"


def _same_generation(a: PersonName, b: PersonName) -> bool:
    """Full names name one generation only with the same suffix ("Dorian Kell" is not "Dorian
    Kell Jr."); a bare surname without one says nothing of it."""
    says_generation = (a.full or a.suffix is not None, b.full or b.suffix is not None)
    return a.suffix == b.suffix or not all(says_generation)


def person_match_score(a: PersonName, b: PersonName) -> float:
    """0 when the two names cannot be one person; higher the surer (100 for the same name)."""
    if not _same_generation(a, b) or not compatible_gender(a.gender, b.gender):
        return 0.0
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
    @property
    def gender(self) -> str | None: ...


N = TypeVar("N", bound=Named)


def same_person(name: str, candidates: Sequence[N], gender: Gender | None = None) -> N | None:
    """The one candidate this person's name can only be, or None when none or several could be.

    `gender` is what the article says of this person besides the name (a pronoun); a
    candidate whose known gender differs is never it. A full name picks the clearly best
    full-named candidate, else the one surname-only record when no other person has the
    surname; a bare surname joins only when exactly one candidate is consistent with it
    ("Biden" stays apart while Joe and Hunter Biden both exist; "Mrs. Clinton" joins Hillary
    Clinton, not Bill).
    """
    person = parse_person(name)
    if person is None:
        return None
    gender = person.gender or gender
    scored: list[tuple[float, bool, N]] = []
    same_surname_people = 0
    for candidate in candidates:
        other = parse_person(candidate.name)
        if other is None:
            continue
        if other.surname_key == person.surname_key and other.full:
            same_surname_people += 1
        if not compatible_gender(gender, candidate.gender):
            continue
        score = person_match_score(person, other)
        if score > 0:
            scored.append((score, other.full, candidate))
    if not scored:
        return None
    if person.full:
        full = sorted((s for s in scored if s[1]), key=lambda s: -s[0])
        if full:
            if len(full) == 1 or full[0][0] - full[1][0] >= 5:
                return full[0][2]
            return None  # two people it could be: keep this one apart
        surname_only = [s for s in scored if not s[1]]
        if len(surname_only) == 1 and same_surname_people == 0:
            return surname_only[0][2]
        return None
    full = [s for s in scored if s[1]]
    if len(full) == 1:
        return full[0][2]
    return scored[0][2] if len(scored) == 1 else None


def consistent_alias(alias: str, name: str, gender: str | None) -> bool:
    """Whether `alias` can name the person called `name` (of known `gender`): same surname and
    generation, agreeing given names and honorific. Aliases that fail are another person's
    name the article's resolution mixed in ("Mr. Obama" on Michelle Obama)."""
    a, b = parse_person(alias), parse_person(name)
    if a is None or b is None:
        return False
    return (
        a.surname_key == b.surname_key
        and _same_generation(a, b)
        and given_names_agree(a, b)
        and compatible_gender(a.gender, gender)
        and compatible_gender(a.gender, b.gender)
    )


def speaker_keys(
    speaker_id: int | None,
    slug: str | None,
    name: str | None,
    kind: str | None,
    names: Iterable[str],
    old_ids: Iterable[int],
) -> list[str]:
    """Every value a `speaker=` filter may give for this record: its id, slug, name, other
    names (aliases, slugs merged into it), the surname of a person, and ids merged into it."""
    if speaker_id is None or name is None:
        return []
    keys = [str(speaker_id), slug or "", name, *names, *(str(i) for i in old_ids)]
    person = parse_person(name) if kind in PERSON_LIKE else None
    if person is not None and person.full:
        words = [w for w in re.split(r"[\s,]+", name.strip()) if w]
        while len(words) > 1 and _word_key(words[-1]) in _SUFFIXES:
            words.pop()
        keys.append(words[-1])  # "Zelensky" names Volodymyr Zelensky (and any other Zelensky)
    return [k for k in dict.fromkeys(keys) if k]


class Suggestable(Named, Protocol):
    @property
    def id(self) -> int: ...


S = TypeVar("S", bound=Suggestable)


def might_be_same(name: str, gender: str | None, candidates: Sequence[S]) -> list[S]:
    """The matcher's near misses for a record: other records whose names it could not keep
    apart but would not join either — one a bare surname ("Biden" beside Joe Biden), an
    initial or a shorter given name ("J. Smith", "Chris Smith"), a surname spelt otherwise
    with the same given name — most alike first. Never a name of another generation, another
    gender or disagreeing given names ("Ivana" and "Ivanka Trump" are two people)."""
    person = parse_person(name)
    if person is None:
        return []
    gender = person.gender or gender
    scored: list[tuple[float, S]] = []
    for candidate in candidates:
        other = parse_person(candidate.name)
        if other is None or not compatible_gender(gender, candidate.gender):
            continue
        score = person_match_score(person, other)
        if score > 0:
            scored.append((score, candidate))
    return [c for _, c in sorted(scored, key=lambda s: (-s[0], s[1].id))]


def keeps_first(first: str, first_quotes: int, second: str, second_quotes: int) -> bool:
    """Which of two records of one person a merge keeps: the one with a full name, else the
    more quoted one (the first on a tie)."""
    full = [(p is not None and p.full) for p in (parse_person(first), parse_person(second))]
    if full[0] != full[1]:
        return full[0]
    return first_quotes >= second_quotes
