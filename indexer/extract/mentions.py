"""Speaker mentions: names with their titles split off, pronouns, role nouns, groups."""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.extract.lang.en.nouns import (
    DETERMINERS,
    GROUP_NOUNS,
    NAME_CONNECTORS,
    ORG_WORDS,
    PLACE_WORDS,
    POLITICAL_ADJECTIVES,
    ROLE_NOUNS,
    STOP_CAPITALS,
)
from indexer.extract.lang.en.people import (
    ADDRESSED_OFFICES,
    COURTESY_TITLES,
    FEMALE_NAMES,
    FEMALE_NOUNS,
    FEMALE_TITLES,
    I_DEMONYMS,
    MALE_NAMES,
    MALE_NOUNS,
    MALE_TITLES,
    NOT_DEMONYMS,
    PERSON_TITLES,
    PRONOUNS,
    TITLE_WORDS,
)
from indexer.extract.lang.en.states import PARTY_LETTERS, STATE_ABBREVIATIONS
from indexer.extract.tokens import Token, is_name_token, tokenize


@dataclass
class Mention:
    """A span of text that names, describes or stands for a speaker."""

    text: str
    start: int
    end: int
    kind: str  # name | pronoun | nominal | group
    name: str | None = None  # the name without titles, for kind == name
    description: str | None = None  # titles or apposition: "Ukrainian President"
    gender: str | None = None
    definite: bool = True

    @property
    def head(self) -> str:
        return self.text.split()[-1].lower().strip(".,")


def name_mention(tokens: list[Token], first: int, last: int) -> Mention | None:
    """Build a name mention from tokens[first..last], splitting leading titles off the name."""
    while first <= last and tokens[first].bare in STOP_CAPITALS:
        first += 1
    if first > last:
        return None
    words = tokens[first : last + 1]
    split = 0
    for i, word in enumerate(words[:-1]):
        if word.bare in PERSON_TITLES or _describes(word):
            split = i + 1  # "Massachusetts Sen. Elizabeth Warren": the name follows the title
    while split < len(words) - 1 and (
        words[split].bare in TITLE_WORDS or _is_demonym(words[split].text)
    ):
        split += 1
    while split < len(words) - 2 and words[split].lower == "of" and words[split + 1].capitalized:
        split += 2  # 'Secretary of State Ann Li', 'Secretary of Homeland Security Ann Li'
        while split < len(words) - 1 and words[split].bare in TITLE_WORDS:
            split += 1
    if split == 0:
        split = _title_before_given_name(words)
    split = max(split, _title_before_two_names(words))
    if all(w.bare in TITLE_WORDS for w in words[split:]) and not _surname_after_courtesy(
        words, split
    ):
        split = 0  # "White House", "Mr. President": the whole phrase is the name
    elif split and _organisation_of_titles(words):
        split = 0  # 'the State Department', 'the Republican National Committee'
    name_words = [w for w in words[split:] if w.text not in {"'s", "’s"}]
    if not name_words:
        return None
    if len(name_words) == 1 and (
        name_words[0].bare in POLITICAL_ADJECTIVES or _is_demonym(name_words[0].text)
    ):
        return None  # 'Republican', 'Russian': an adjective, not a name
    name = re.sub(r"[’']s$", "", " ".join(w.text for w in name_words))
    if name != " ".join(w.text for w in name_words):  # possessive: "Russia's"
        final = words[-1]
        words = [*words[:-1], Token(final.text[:-2], final.start, final.end - 2)]
    titles = {w.bare for w in words[:split]}
    gender = None
    given = name_words[0].bare if len(name_words) > 1 else ""
    if titles & FEMALE_TITLES or (given in FEMALE_NAMES and not titles & MALE_TITLES):
        gender = "f"
    elif titles & MALE_TITLES or given in MALE_NAMES:
        gender = "m"
    description = " ".join(w.text for w in words[:split]) or None
    if description and description.lower().rstrip(".") in {"mr", "mrs", "ms", "dr", "miss"}:
        description = None
    return Mention(
        text=" ".join(w.text for w in words),
        start=words[0].start,
        end=words[-1].end,
        kind="name",
        name=name,
        description=description,
        gender=gender,
    )


def _organisation_of_titles(words: list[Token]) -> bool:
    """'State Department', 'Republican National Committee': words that can be titles ('State'
    of 'Secretary of State', 'National') before a capitalised organisation word name the
    organisation as a whole; they describe no person, and the last word alone names nothing."""
    head = words[-1]
    if not head.capitalized or head.bare not in ORG_WORDS:
        return False
    return all(
        w.capitalized
        and w.bare not in PERSON_TITLES
        and (w.bare in TITLE_WORDS or _is_demonym(w.text))
        for w in words[:-1]
    )


def _surname_after_courtesy(words: list[Token], split: int) -> bool:
    """'Mr. King', 'Ms. Bishop': one title word right after an honorific that only ever
    precedes a surname is that surname, not a title ('Mr. President' stays a title)."""
    return (
        split == len(words) - 1
        and split > 0
        and words[split - 1].bare in COURTESY_TITLES
        and words[split].bare not in ADDRESSED_OFFICES
    )


def _title_before_given_name(words: list[Token]) -> int:
    """Where a person's name starts after a run of capitalised titles that a given name ends
    ('Acme Executive Director Ann Li'): the index of the given name, or 0."""
    for i in range(len(words) - 2, 0, -1):
        if words[i].bare in MALE_NAMES | FEMALE_NAMES and words[i - 1].bare in TITLE_WORDS:
            return i
    return 0


def _title_before_two_names(words: list[Token]) -> int:
    """'Acme Party Research Director Ann Li': a capitalised title word after other capitalised
    words, with exactly two plain name words after it, ends a description; the two are the
    name. 0 when the words do not have that shape."""
    if len(words) < 4:
        return 0
    title, first, last = words[-3], words[-2], words[-1]
    if title.bare not in TITLE_WORDS or not title.capitalized:
        return 0
    if any(w.bare in TITLE_WORDS | ORG_WORDS | PLACE_WORDS for w in (first, last)):
        return 0
    if not all(re.fullmatch(r"[A-Z][a-z’'\-]+", w.text) for w in (first, last)):
        return 0
    return len(words) - 2


def _describes(word: Token) -> bool:
    """A word that ends a description in front of a name, never part of it: a lower-case role
    ('Acme researcher Ann Li', 'campaign manager'), a possessive ('Fox's'), '-born', or a
    hyphenated title ('Secretary-Treasurer')."""
    low = word.lower
    if word.text.islower() and (word.bare in ROLE_NOUNS or word.bare in TITLE_WORDS):
        return True
    if re.search(r"[’']s$", word.text) or low.endswith("-born"):
        return True
    parts = word.bare.split("-")
    return len(parts) > 1 and all(part in TITLE_WORDS | PERSON_TITLES for part in parts)


def _is_demonym(word: str) -> bool:
    if word.lower() in I_DEMONYMS:
        return True
    if word.lower().endswith("man") and word.lower() != "german":
        return False  # Norman, Truman, Coleman
    return bool(re.match(r"[A-Z][a-z]+(?:an|ian|ese|ish|ic)$", word)) and (
        word.lower() not in NOT_DEMONYMS
    )


def names_in(text: str, start: int, end: int) -> list[Mention]:
    """Every capitalised name in a stretch of text (for the entity registry)."""
    tokens = tokenize(text, start, end)
    found, i = [], 0
    while i < len(tokens):
        if is_name_token(tokens[i]) or (
            tokens[i].bare in TITLE_WORDS
            and tokens[i].capitalized
            and i + 1 < len(tokens)
            and is_name_token(tokens[i + 1])
        ):
            j = i
            while j + 1 < len(tokens) and (
                is_name_token(tokens[j + 1])
                or (
                    tokens[j + 1].lower in NAME_CONNECTORS
                    and j + 2 < len(tokens)
                    and is_name_token(tokens[j + 2])
                )
                or _organisation_goes_on(tokens, j)
            ):
                j += 1
            mention = name_mention(tokens, i, j)
            tag = party_tag(tokens, j + 1)
            if mention is not None and tag is not None:
                mention.description = " ".join(filter(None, [mention.description, tag]))
                j += 3  # '(R-Fla.)' describes the name; it is none
            if mention is not None and mention.gender is None:
                mention.gender = _kin_gender(tokens, i)
            if (mention and not (i == 0 or tokens[i - 1].text in '.!?"“”')) or (
                mention and (j > i or mention.description)
            ):
                found.append(mention)
            i = j + 1
        else:
            i += 1
    return found


def _organisation_goes_on(tokens: list[Token], j: int) -> bool:
    """'the Commission on Public Debates', 'the Center for Fair Taxes': an organisation word
    and 'on'/'for' lead on to the rest of one name, not to a second name."""
    return (
        j + 2 < len(tokens)
        and tokens[j].bare in ORG_WORDS
        and tokens[j].capitalized
        and tokens[j + 1].lower in {"on", "for"}
        and is_name_token(tokens[j + 2])
    )


def _kin_gender(tokens: list[Token], i: int) -> str | None:
    """'her husband, Tom Li': a gendered noun set off right before a name is its gender."""
    if i < 2 or tokens[i - 1].text != ",":
        return None
    noun = tokens[i - 2].lower
    if noun in FEMALE_NOUNS:
        return "f"
    return "m" if noun in MALE_NOUNS else None


_PARTY_NOUNS = {"republican", "democrat"}


def party_tag(tokens: list[Token], k: int) -> str | None:
    """'(R-Fla.)' after a name: the party and state it stands for ('Republican Florida')."""
    if k + 1 >= len(tokens) or tokens[k].text != "(":
        return None
    match = re.fullmatch(r"([RDI])-([A-Za-z.]+)", tokens[k + 1].text)
    if match is None:
        return None
    state = STATE_ABBREVIATIONS.get(match.group(2).lower().rstrip("."))
    return " ".join(filter(None, [PARTY_LETTERS[match.group(1).lower()], state]))


def pronoun_mention(tok: Token) -> Mention:
    word = re.split(r"[’']", tok.lower, maxsplit=1)[0]  # "He’s" is 'he'
    return Mention(tok.text, tok.start, tok.end, "pronoun", gender=PRONOUNS[word])


def noun_phrase(tokens: list[Token], i: int, j: int) -> Mention | None:
    if tokens[j].bare in _PARTY_NOUNS and i > 0 and tokens[i - 1].lower == "the":
        i -= 1  # 'the Ohio Republican': the article belongs to the description
    words = tokens[i : j + 1]
    text = " ".join(w.text for w in words)
    start, end = words[0].start, words[-1].end
    first = words[0].lower
    content = words[1:] if first in DETERMINERS else words
    if not content:
        return None
    head = content[-1]
    # 'the Ohio Republican' describes one person; it is no name
    party_member = first in {"the", "a", "an"} and head.bare in _PARTY_NOUNS
    if not party_member and (
        (head.capitalized and head.bare not in TITLE_WORDS | ROLE_NOUNS)
        or (head.capitalized and all(w.capitalized for w in content) and first not in DETERMINERS)
    ):
        idx = tokens.index(content[0])
        mention = name_mention(tokens, idx, idx + len(content) - 1)
        if mention is None:
            return None
        if first in DETERMINERS:
            mention.text, mention.start = text, start
        return mention
    kind = "group" if head.lower in GROUP_NOUNS and head.lower.endswith("s") else "nominal"
    gender = "f" if head.lower in FEMALE_TITLES else "m" if head.lower in MALE_TITLES else None
    return Mention(
        text,
        start,
        end,
        kind,
        gender=gender,
        definite=first in {"the", "his", "her", "their", "its", "this", "that"},
    )
