"""Who a mention refers to, within one article.

Entities are registered as their names appear, in reading order. "Zelensky" and "President
Zelensky" join "Volodymyr Zelensky" by surname (never across genders: "Mr. Obama" is not
Michelle Obama). "he"/"she" go to the person in focus: the latest subject or speaker whose
gender does not contradict the pronoun, preferring the current paragraph; with no compatible
candidate the pronoun stays unresolved. Role nouns ("the Ukrainian leader") go to a person whose
description holds the role word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from indexer.extract.lang.en.nouns import (
    DOCUMENT_KINDS,
    DOCUMENT_NOUNS,
    GROUP_NOUNS,
    ORG_WORDS,
    PLACE_WORDS,
    ROLE_NOUNS,
)
from indexer.extract.lang.en.people import FEMALE_NOUNS, GENERATIONAL_SUFFIXES, MALE_NOUNS
from indexer.extract.mentions import Mention


@dataclass
class Entity:
    name: str
    kind: str  # person | org | unknown (a lone capitalised word: "Zelensky" or "Russia")
    gender: str | None = None
    description: str | None = None
    aliases: list[str] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)  # words of every description seen with it
    last_seen: int = -1  # sentence index
    last_subject: int = -1
    last_spoke: int = -1
    focus_at: int = -1  # offset of the latest subject or speaker mention: later is more salient
    mentions: int = 0
    first_at: int = -1  # offset of the first mention: nothing before it can refer to it
    first_sentence: int = -1
    first_in_clause: bool = False  # first named inside a reported clause ('X said that Y …')
    introduced: bool = False  # first named with an appositive ('Ann Li, a nurse from …,')

    @property
    def focus(self) -> int:
        """The latest sentence where this entity was a subject or a speaker."""
        return max(self.last_subject, self.last_spoke)

    @property
    def surname(self) -> str:
        words = self.name.split()
        if len(words) > 2 and words[-1].lower().strip(".,") in GENERATIONAL_SUFFIXES:
            return words[-2].rstrip(",")  # 'John G. Roberts Jr.' is a Roberts
        return words[-1]

    def add_alias(self, alias: str) -> None:
        if alias and alias != self.name and alias not in self.aliases:
            self.aliases.append(alias)


# Organisation words that alone, capitalised, name the one organisation of the article they
# end ('the Times', 'the Committee'); not 'House', which is Congress's, not the White House.
_BARE_ORG_WORDS = ORG_WORDS - {"house"}


def _modifies_another_noun(text: str) -> bool:
    """'a narrator in the Acme ad': a phrase whose last noun sits after a preposition, so the
    head of the phrase is the word before it."""
    words = text.lower().split()
    return any(w in _HEAD_PREPOSITIONS for w in words[1:-1])


_HEAD_PREPOSITIONS = {"in", "at", "on", "for", "with", "from", "of"}


def _looks_like_org(name: str) -> bool:
    words = {w.lower().strip(".") for w in name.split()}
    return bool(words & (ORG_WORDS | PLACE_WORDS)) or name.isupper()


def _alias_words(entity: Entity) -> set[str]:
    """The bare surname is the alias of the bearer it was used for before."""
    return {alias.lower() for alias in entity.aliases if " " not in alias}


def _acronym_letters(name: str) -> str | None:
    """'IMF' or 'the I.R.S.' may stand for 'International Monetary Fund' / 'Internal Revenue
    Service': the letters of an all-capitals name that could be an acronym."""
    letters = name.replace(".", "")
    if " " in name or len(letters) < 2 or not letters.isalpha() or not letters.isupper():
        return None
    return letters


def _initials(name: str) -> str | None:
    """The acronym a name of two or more words would have ('of', 'the', … skipped)."""
    words = [w for w in name.split() if w.lower() not in _ACRONYM_SKIPS]
    return "".join(w[0] for w in words).upper() if len(words) >= 2 else None


_POSSESSIVE = re.compile(r"[’']s$")
_DOTTED_INITIALS = re.compile(r"(?:[A-Z]\.){2,}")
_ACRONYM_SKIPS = {"of", "and", "the", "for", "to", "on", "in", "&"}


def _gender_of_description(description: str | None) -> str | None:
    """'9/11 widow', 'her husband': a gendered noun in a description is gender evidence."""
    words = {w.lower().strip(".,'’") for w in (description or "").split()}
    if words & FEMALE_NOUNS and not words & MALE_NOUNS:
        return "f"
    if words & MALE_NOUNS and not words & FEMALE_NOUNS:
        return "m"
    return None


def _is_place(name: str) -> bool:
    return bool({w.lower().strip(".") for w in name.split()} & PLACE_WORDS)


def _newcomer(entity: Entity, sentence: int) -> bool:
    """A person introduced by full name in this sentence or the one before, who has not spoken
    yet: news prose introduces a speaker right before the quote ('…, said Ann Li, a nurse.
    "…," she said'), even in an object or appositive position."""
    return (
        entity.kind == "person"
        and " " in entity.name
        and bool(entity.gender or entity.roles)  # known to be a person, not 'Fort Pierce'
        and sentence - 1 <= entity.first_sentence <= sentence
        and entity.last_spoke < 0
        and not entity.first_in_clause
    )


_MISSPELT_MIN = 6  # shorter surnames one letter apart are often different names


def _one_edit(a: str, b: str) -> bool:
    """Whether two words differ by one inserted, dropped or changed letter (not the first)."""
    if a == b or abs(len(a) - len(b)) > 1 or a[:1] != b[:1]:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k in range(len(a)) if a[k] != b[k]), len(a))
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def _one_letter_less(word: str) -> set[str]:
    """The word and the word less one letter after the first: two words one edit apart
    (`_one_edit`) share one of these, so misspelt surnames are found by lookup."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(1, len(word))}


def _speaking_unknown(entity: Entity, persons: bool) -> bool:
    """A lone capitalised word that was named as a speaker ('McLenney said …') is a
    candidate for 'he'/'she' beside the known people: it may be a misspelt surname."""
    return (
        persons
        and entity.kind == "unknown"
        and entity.last_spoke >= 0
        and not _is_place(entity.name)
        and not _plural(entity.name)
    )


def _plain_name(name: str) -> str:
    """'C. Ann Li Jr.' → 'Ann Li': no generational suffix, no initial before a given name."""
    words = name.split()
    if len(words) > 2 and words[-1].lower().strip(".,") in GENERATIONAL_SUFFIXES:
        words = words[:-1]
        words[-1] = words[-1].rstrip(",")
    if len(words) > 2 and re.fullmatch(r"[A-Z]\.", words[0]) and len(words[1].rstrip(".")) > 1:
        words = words[1:]
    return " ".join(words)


def _plural(name: str) -> bool:
    return name.endswith("s") and not name.endswith("ss")


def _is_titled_name(text: str, name: str) -> bool:
    """'Sen. Ted Cruz' is an alias worth keeping; 'that Obama' or 'who' is not."""
    if not text.endswith(name):
        return False
    prefix = text[: -len(name)].split()
    return all(w[:1].isupper() and w.lower().strip(".") not in _NOT_TITLES for w in prefix)


_NOT_TITLES = {"like", "that", "who", "when", "as", "but", "and", "if", "with", "for", "by"}


_DOCUMENT_WINDOW = 8  # sentences a bare 'the report' may look back for the one named


class EntityRegistry:
    """The article's entities in order of registration, indexed by name, surname, name
    suffix, initials and the sentence last seen in: an article with thousands of quotes and
    speakers looks names up without scanning every entity (extraction stays linear)."""

    def __init__(self) -> None:
        self.entities: list[Entity] = []
        # the one gender of the he/she words in the sentence being read: which of a man and a
        # woman sharing a surname a bare 'Clinton' there is ('In her book, Clinton wrote …')
        self.gender_hint: str | None = None
        self._order: dict[int, int] = {}  # id(entity) → its place in `entities`
        self._keys: dict[int, list[tuple[dict[str, list[Entity]], str]]] = {}
        self._named: dict[str, list[Entity]] = {}  # lowered name
        self._surnamed: dict[str, list[Entity]] = {}  # lowered last word
        self._suffixed: dict[str, list[Entity]] = {}  # lowered name after each of its spaces
        self._initialled: dict[str, list[Entity]] = {}  # acronym of the name
        self._misspelt: dict[str, list[Entity]] = {}  # lowered surname less one letter
        self._plain: dict[str, list[Entity]] = {}  # the name as filed (`_plain_name`)
        self._focused_in: dict[int, list[Entity]] = {}  # sentence → its subjects and speakers
        self._latest_focus = -1
        self._documents: dict[str, list[tuple[int, Entity]]] = {}  # kind → (sentence, author)
        self._seen_in: dict[int, list[Entity]] = {}  # last_seen → entities (some moved on)
        self._latest_seen = -1

    def _add(self, entity: Entity) -> None:
        self._order[id(entity)] = len(self.entities)
        self.entities.append(entity)
        self._index(entity)

    def _rename(self, entity: Entity, name: str) -> None:
        for table, key in self._keys.pop(id(entity)):
            table[key].remove(entity)
        entity.name = name
        self._index(entity)

    def _index(self, entity: Entity) -> None:
        lowered = entity.name.lower()
        keys = [(self._named, lowered), (self._surnamed, entity.surname.lower())]
        keys += [(self._suffixed, lowered[i + 1 :]) for i, c in enumerate(lowered) if c == " "]
        initials = _initials(entity.name)
        if initials:
            keys.append((self._initialled, initials))
        keys += [(self._misspelt, key) for key in _one_letter_less(entity.surname.lower())]
        keys.append((self._plain, _plain_name(entity.name)))
        for table, key in keys:
            table.setdefault(key, []).append(entity)
        self._keys[id(entity)] = keys

    def _in_order(self, entities: list[Entity]) -> list[Entity]:
        return sorted(entities, key=lambda e: self._order[id(e)])

    def _seen(self, entity: Entity, sentence: int) -> None:
        if sentence > entity.last_seen:
            entity.last_seen = sentence
            self._seen_in.setdefault(sentence, []).append(entity)
            self._latest_seen = max(self._latest_seen, sentence)

    def _seen_since(self, sentence: int) -> list[Entity]:
        """The entities last seen in `sentence` or later, in order of registration."""
        return self._in_order(
            [
                e
                for seen in range(max(sentence, 0), self._latest_seen + 1)
                for e in self._seen_in.get(seen, ())
                if e.last_seen == seen
            ]
        )

    def focus_on(self, entity: Entity, sentence: int, at: int) -> None:
        """The entity was the subject of `sentence` (at offset `at`): it is in focus."""
        entity.last_subject = sentence
        entity.focus_at = max(entity.focus_at, at)
        self._focused(entity, sentence)

    def _focused(self, entity: Entity, sentence: int) -> None:
        self._focused_in.setdefault(sentence, []).append(entity)
        self._latest_focus = max(self._latest_focus, sentence)

    def subject_of(self, sentence: int, before: int) -> Entity | None:
        """The latest subject of `sentence` named before offset `before`, if any."""
        subjects = [
            e
            for e in self._focused_in.get(sentence, ())
            if e.last_subject == sentence and e.focus_at < before
        ]
        return max(subjects, key=lambda e: e.focus_at, default=None)

    def document_seen(self, noun: str, author: Entity, sentence: int) -> None:
        """A document named in `sentence` is by `author` ('Li wrote a memoir', 'a video by
        Acme'): a later bare 'the book said' speaks for them."""
        self._documents.setdefault(DOCUMENT_KINDS.get(noun, noun), []).append((sentence, author))

    def _latest_first(self) -> Iterator[Entity]:
        """Every entity, the latest seen first (registration order among equals)."""
        for seen in range(self._latest_seen, -1, -1):
            yield from self._in_order(
                [e for e in self._seen_in.get(seen, ()) if e.last_seen == seen]
            )

    def _by_name(self, name: str, gender: str | None = None) -> Entity | None:
        lowered = name.lower()
        if self._named.get(lowered):
            return self._in_order(self._named[lowered])[0]
        parts = name.split()
        letters = _acronym_letters(name)
        if letters is not None and self._initialled.get(letters):
            return self._in_order(self._initialled[letters])[-1]
        if len(parts) == 1:
            # a surname: the latest person of that surname
            matches = [
                e
                for e in self._in_order(self._surnamed.get(lowered, []))
                if e.kind != "org"
                and len(e.name.split()) > 1
                and e.surname.lower() == lowered
                and (gender is None or e.gender in (None, gender))  # Mr. Obama is not Michelle
            ]
            if not matches and name[:1].isupper() and len(lowered) >= _MISSPELT_MIN:
                near = {
                    id(e): e for k in _one_letter_less(lowered) for e in self._misspelt.get(k, ())
                }
                matches = [  # 'McLenney' for 'Tyresha McClenney': one letter out, one person
                    e
                    for e in near.values()
                    if e.kind == "person"
                    and len(e.name.split()) > 1
                    and (gender is None or e.gender in (None, gender))
                    and _one_edit(e.surname.lower(), lowered)
                ]
                if len(matches) != 1:
                    matches = []
            if not matches and lowered in _BARE_ORG_WORDS and name[:1].isupper():
                owners = [
                    e
                    for e in self._surnamed.get(lowered, [])
                    if e.kind == "org" and " " in e.name and e.surname.lower() == lowered
                ]
                if len(owners) == 1:
                    return owners[0]  # 'The Times' after 'The New York Times', the only Times
            hint = self.gender_hint
            hinted = [e for e in matches if e.gender in (None, hint)]
            if gender is None and hint and hinted and {e.gender for e in matches} >= {"m", "f"}:
                matches = hinted
            if matches:
                # the article's principal bearer of the surname: most mentioned, then latest
                return max(
                    matches, key=lambda e: (lowered in _alias_words(e), e.mentions, e.last_seen)
                )
        else:
            for entity in self._in_order(self._suffixed.get(lowered, [])):
                # 'Leo Butz' after 'Norbert Leo Butz'
                if (
                    entity.kind == "person"
                    and entity.name.lower().endswith(" " + lowered)
                    and (gender is None or entity.gender in (None, gender))
                ):
                    return entity
            # a fuller name for an entity known by surname only: upgrade it
            for entity in self._in_order(self._named.get(parts[-1].lower(), [])):
                if (
                    len(entity.name.split()) == 1
                    and entity.name.lower() == parts[-1].lower()
                    and entity.kind != "org"
                    and (gender is None or entity.gender in (None, gender))
                    # 'Republicans' are not all 'Oversight Committee Republicans'
                    and entity.name.lower() not in GROUP_NOUNS
                    and not {w.lower().strip(".") for w in parts} & ORG_WORDS
                ):
                    entity.add_alias(entity.name)
                    self._rename(entity, name)
                    entity.kind = "person"
                    return entity
        return None

    def knows(self, name: str) -> bool:
        """Whether a name was seen before as part of a fuller name (not just capitalised)."""
        entity = self._by_name(name)
        return entity is not None and (len(entity.name.split()) > 1 or entity.kind == "org")

    def lookup(self, name: str) -> Entity | None:
        """The entity a name (or a person's surname) stands for, if it was registered."""
        return self._by_name(name)

    def known(self, name: str) -> bool:
        """Whether a name (or a surname of a person) was registered before."""
        return self._by_name(name) is not None

    def observe(self, mention: Mention, sentence: int, subject: bool = False) -> Entity:
        """Register a name mention and return its entity."""
        assert mention.name is not None
        entity = self._by_name(mention.name, mention.gender)
        if entity is None:
            if _looks_like_org(mention.name):
                kind = "org"
            elif mention.description or mention.gender or len(mention.name.split()) > 1:
                kind = "person"
            else:
                kind = "unknown"
            name = mention.name
            if _DOTTED_INITIALS.fullmatch(name) and name not in {"U.S.", "U.K."}:
                name = name.replace(".", "")  # 'the F.B.I.' is the FBI
            entity = Entity(name, kind, first_at=mention.start, first_sentence=sentence)
            self._add(entity)
        elif entity.kind == "unknown" and (mention.gender or mention.description):
            entity.kind = "person"
        if entity.name.isupper() and not mention.name.isupper():
            self._rename(entity, mention.name)  # 'JAKE TAPPER:' in a transcript is Jake Tapper
            if entity.kind == "org" and not _looks_like_org(entity.name):
                entity.kind = "person" if " " in entity.name else "unknown"
        entity.add_alias(mention.name)
        titled = mention.text.removeprefix("the ").removeprefix("The ")
        if titled != mention.name and _is_titled_name(titled, mention.name):
            entity.add_alias(titled)
        gender = mention.gender or _gender_of_description(mention.description)
        if gender and not entity.gender:
            entity.gender = gender
        if mention.description:
            entity.description = entity.description or mention.description
            entity.roles |= _role_words(mention.description)
        self._seen(entity, sentence)
        entity.mentions += 1
        if subject:
            self.focus_on(entity, sentence, mention.start)
        return entity

    def observe_group(self, mention: Mention, sentence: int) -> Entity:
        """A plural group as a sentence's subject ('Several Democrats'): 'they' may follow."""
        entity = self.observe(mention, sentence, subject=True)
        if entity.kind == "unknown" or (entity.kind == "person" and not entity.gender):
            entity.kind = "group"
        return entity

    def resolve(self, mention: Mention, sentence: int) -> Entity | None:
        if mention.kind == "name":
            return self.observe(mention, sentence, subject=True)
        if mention.kind == "pronoun":
            if mention.gender in ("m", "f"):
                entity = self._salient(sentence, mention, persons=True)
                if entity is not None:
                    entity.gender = entity.gender or mention.gender
                    entity.kind = "person"
                return entity
            if mention.gender == "n":
                return self._salient(sentence, mention, persons=False)
            if mention.gender == "p":
                return self._salient(sentence, mention, persons=False, window=2)
            return None
        if mention.kind == "nominal" and mention.head in DOCUMENT_NOUNS:
            if _modifies_another_noun(mention.text):
                return None  # 'a narrator in the Acme ad' is the narrator, not the ad's author
            return self._author(mention, sentence)
        if mention.kind == "nominal" and mention.definite:
            return self._role(mention, sentence)
        return None

    def _salient(
        self,
        sentence: int,
        mention: Mention,
        persons: bool,
        window: int = 6,
        evidence: bool = False,
    ) -> Entity | None:
        """The entity in focus: latest subject or speaker, then latest mention, among those
        named before the mention whose kind and gender agree (an unknown gender agrees with
        any). 'She called Acme's plan …' never refers forward to Acme. With `evidence`, only
        entities shown to be people (a gender, a role, or words spoken) are candidates."""
        gender = mention.gender if persons else None

        def compatible(e: Entity, kinds: tuple[str, ...]) -> bool:
            if evidence and not (e.gender or e.roles or e.last_spoke >= 0):
                return False
            if persons:
                return e.kind in kinds and (gender is None or e.gender in (None, gender))
            return e.kind in kinds and e.gender is None

        recent = [
            e
            for e in self._seen_since(sentence - window)
            if e.first_at < mention.start
            and not (mention.gender == "p" and _is_place(e.name))  # 'they' is never a place
        ]
        wanted = (
            ("person",)
            if persons
            else ("org", "group")
            if gender is None and mention.gender == "p"
            else ("org",)
        )
        candidates = [e for e in recent if compatible(e, wanted) or _speaking_unknown(e, persons)]
        if not candidates:  # a lone capitalised word may be a person or an organisation,
            # but "he"/"she" only take one that was a subject or speaker ('Affairs' never is)
            candidates = [
                e
                for e in recent
                if compatible(e, ("unknown",))
                and (not persons or e.focus >= 0)
                and (mention.gender != "p" or _plural(e.name))  # 'they': 'Democrats'
            ]
        if mention.gender == "p":
            # 'they' stands for a group or organisation that was a subject or speaker, never
            # one named in passing ('reality TV', 'the EB-5 program')
            candidates = [e for e in candidates if e.focus >= max(0, sentence - window)]
        if not candidates:
            return None
        kind_wanted = "person" if persons else "org"
        if persons:
            newcomers = [e for e in candidates if _newcomer(e, sentence)]
            focused = [e for e in candidates if e.focus >= sentence - 1 and e not in newcomers]
            if len(newcomers) == 1 and (not focused or newcomers[0].introduced):
                return newcomers[0]

        def rank(e: Entity) -> tuple:
            in_focus = e.focus >= sentence - window
            focus = (e.focus, e.focus_at) if in_focus else (-1, -1)
            return (in_focus, focus, e.kind == kind_wanted, e.last_seen)

        return max(candidates, key=rank)

    def _author(self, mention: Mention, sentence: int) -> Entity | None:
        """'the IMF report', 'Mr. Holt's statement': a document speaks for the name on it; a
        bare 'the statement' names no one."""
        words = [w for w in mention.text.split()[:-1] if w[:1].isupper()]
        words = [w for w in words if w.lower() not in {"the", "a", "an", "this", "that"}]
        if not words:
            bare = mention.definite and not any(_POSSESSIVE.search(w) for w in mention.text.split())
            return self._document_before(mention, sentence) if bare else None
        name = re.sub(r"[’']s$", "", " ".join(words))
        author = Mention(name, mention.start, mention.end, "name", name=name)
        return self.observe(author, sentence, subject=True)

    def _document_before(self, mention: Mention, sentence: int) -> Entity | None:
        """'Mariano wrote a memoir … “…,” the book said': a bare definite document is the
        one last named in an earlier sentence nearby, and speaks for its author."""
        for seen, author in reversed(
            self._documents.get(DOCUMENT_KINDS.get(mention.head or "", mention.head or ""), [])
        ):
            if seen < sentence:
                return author if sentence - seen <= _DOCUMENT_WINDOW else None
        return None

    def _role(self, mention: Mention, sentence: int) -> Entity | None:
        """'the Indiana governor' → the person described as governor (preferring one whose
        description shares 'Indiana'); an organisation noun → the latest organisation of that
        name; a title alone → the person in focus. Roles joined by 'and' ('the Ohio senator
        and candidate') are tried in turn."""
        phrase = mention.text.split()
        if "and" in phrase[1:-1]:
            cut = phrase.index("and", 1)
            for part in (phrase[:cut], [phrase[0], *phrase[cut + 1 :]]):
                one = Mention(" ".join(part), mention.start, mention.end, "nominal")
                entity = self._role(one, sentence)
                if entity is not None:
                    return entity
            return None
        head = _PARTY_ALIASES.get(mention.head, _ROLE_ALIASES.get(mention.head, mention.head))
        modifiers = _role_words(" ".join(mention.text.split()[1:-1]))
        if head in _ORG_ROLES or head in _ORG_KINDS:
            owner = [w for w in mention.text.split()[1:-1] if w[:1].isupper()]
            if owner and head in OWNED_ORGANISATIONS:  # 'the Trump campaign' names its owner
                name = _POSSESSIVE.sub("", owner[-1]) + " " + head
                named = Mention(name, mention.start, mention.end, "name", name=name)
                return self.observe(named, sentence, subject=True)
            signs = _ORG_KINDS.get(head, {head})
            for entity in self._latest_first():
                if entity.first_at > mention.start:
                    continue
                words = {w.lower().strip(".,") for w in entity.name.split()}
                if entity.kind == "org" and head in entity.name.lower():
                    return entity
                if words & signs and (entity.kind == "org" or not entity.gender):
                    return entity  # 'the Norland Herald', whatever kind it was taken for
            return self._organisation_in_focus(mention, sentence)

        described = [
            e
            for e in self._seen_since(sentence - 30)
            if e.kind == "person" and head in e.roles and e.first_at < mention.start
        ]
        proper = _role_words(" ".join(w for w in mention.text.split()[1:-1] if w[:1].isupper()))
        places = modifiers & PLACE_WORDS
        if head in _PARTY_ALIASES.values() and places:
            # 'the Wisconsin Republican' is no Republican known for another state, or none
            described = [e for e in described if places & e.roles]
            if not described:
                return self._salient(sentence, mention, persons=True, window=4, evidence=True)
        if described:
            return max(
                described,
                key=lambda e: (len(modifiers & e.roles), e.focus, e.focus_at),
            )
        matching = [
            e
            for e in self._seen_since(sentence - 30)
            if e.kind == "person" and proper & e.roles and e.first_at < mention.start
        ]
        if head in _TITLE_ROLES and matching:  # 'the Republican nominee' → the one person
            # described as Republican, when no one was described as nominee
            best = max(len(proper & e.roles) for e in matching)
            matching = [e for e in matching if len(proper & e.roles) == best]
            if len(matching) == 1:
                return matching[0]
        if head in _TITLE_ROLES:  # 'the nominee' with no one so described: the person in
            # focus, among those the article showed to be people
            entity = self._salient(sentence, mention, persons=True, window=4, evidence=True)
            if entity is not None and _other_calling(entity):
                return None  # 'Ann Li, an analyst at …' is not 'the candidate'
            return entity
        return None

    def _organisation_in_focus(self, mention: Mention, sentence: int) -> Entity | None:
        """'Wells Fargo paid … The bank said': with no name that shows what it is, an
        organisation noun goes to the organisation that was the subject or speaker of this
        sentence or the one before, never a place or a person."""
        focused = {
            id(e): e
            for at in range(sentence - 1, self._latest_focus + 1)
            for e in self._focused_in.get(at, ())
        }
        candidates = [
            e
            for e in focused.values()
            if e.kind == "org"
            and e.first_at < mention.start
            and e.focus >= sentence - 1
            and not _is_place(e.name)
        ]
        return max(candidates, key=lambda e: (e.focus, e.focus_at), default=None)

    def display_name(self, entity: Entity) -> str:
        """The name a reader files a person under: 'C. Ann Li Jr.' is Ann Li, without the
        generational suffix unless a namesake in the article needs it, and without a leading
        initial before a full given name (the full form stays an alias)."""
        if entity.kind != "person":
            return entity.name
        name = _plain_name(entity.name)
        if name == entity.name:
            return name
        namesakes = [e for e in self._plain.get(name, ()) if e is not entity]
        return entity.name if namesakes else name

    def spoke(self, entity: Entity, sentence: int, at: int) -> None:
        entity.last_spoke = sentence
        entity.focus_at = max(entity.focus_at, at)
        self._focused(entity, sentence)
        self._seen(entity, sentence)


def names_a_holder(mention: Mention) -> bool:
    """'the governor', 'the newspaper': a definite role that stands for one named person or
    organisation of the article (left unresolved, it is not an unnamed source)."""
    if mention.kind != "nominal" or not mention.definite:
        return False
    head = _ROLE_ALIASES.get(mention.head, mention.head)
    return head in _TITLE_ROLES or head in _ORG_ROLES or head in _ORG_KINDS


def _other_calling(entity: Entity) -> bool:
    """Described by a calling that is no office ('an analyst at …'): not the holder of a
    title the article never gave them."""
    return bool(entity.roles & ROLE_NOUNS) and not entity.roles & _TITLE_ROLES


def _role_words(text: str) -> set[str]:
    """The words of a description or role phrase, abbreviations spelt out ('Gov.' is
    'governor', 'GOP' is 'republican'), so 'the GOP governor' meets 'Republican Gov.'."""
    words = (w.lower().strip(".,'’") for w in text.split())
    return {_PARTY_ALIASES.get(w, _ROLE_ALIASES.get(w, w)) for w in words}


_PARTY_ALIASES = {
    "gop": "republican",
    "republican": "republican",
    "dem": "democratic",
    "democrat": "democratic",
}

# Organisation nouns and the words in a name that show an organisation is one:
# 'the newspaper' is The Washington Post, 'the network' is NBC News.
_ORG_KINDS = {
    "newspaper": {"post", "times", "journal", "tribune", "herald", "gazette", "globe", "daily"},
    "paper": {"post", "times", "journal", "tribune", "herald", "gazette", "globe", "daily"},
    "network": {"news", "network", "cnn", "nbc", "abc", "cbs", "fox", "msnbc", "rt", "bbc", "tv"},
    "union": {"union", "workers", "federation", "teamsters"},
    "bank": {"bank", "fed", "reserve"},
}
_ORG_ROLES = {
    "kremlin",
    "campaign",
    "administration",
    "government",
    "ministry",
    "department",
    "agency",
    "company",
    "party",
    "committee",
    "court",
    "group",
    "firm",
    "foundation",
    "institute",
    "university",
    "association",
    "council",
    "commission",
    "board",
}
# Organisations a person's name owns: 'the Trump campaign', 'Obama's administration'.
OWNED_ORGANISATIONS = {"campaign", "administration", "government", "team", "office"}
# Roles that name one person in office or in the race: "the president", "the nominee".
_TITLE_ROLES = {
    "president",
    "leader",
    "candidate",
    "nominee",
    "senator",
    "governor",
    "minister",
    "secretary",
    "billionaire",
    "businessman",
    "mogul",
    "chancellor",
    "premier",
    "mayor",
    "representative",
}
# Abbreviated titles in descriptions ("Indiana Gov.") and the role nouns they stand for.
_ROLE_ALIASES = {
    "gov": "governor",
    "govs": "governor",
    "sens": "senator",
    "reps": "representative",
    "sen": "senator",
    "rep": "representative",
    "congressman": "representative",
    "congresswoman": "representative",
    "pres": "president",
    "gen": "general",
    "sec": "secretary",
}
