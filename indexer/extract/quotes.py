"""The extractor as stages: sentences → cues and content → speaker mention → resolution."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from datetime import date

from indexer.extract.assemble import attributable, to_quote
from indexer.extract.coref import OWNED_ORGANISATIONS, Entity
from indexer.extract.direct import colon_attribution, quotations_in_sentence
from indexer.extract.lang.en.cues import AUXILIARIES, CUE_WORDS
from indexer.extract.lang.en.nouns import (
    ANONYMOUS_NOUNS,
    DETERMINERS,
    DOCUMENT_NOUNS,
    GROUP_NOUNS,
    ORG_WORDS,
    PLACE_WORDS,
    PREPOSITIONS,
    ROLE_NOUNS,
    SPEAKING_THINGS,
)
from indexer.extract.lang.en.people import FAMILY_NOUNS, FEMALE_NOUNS, MALE_NOUNS, TITLE_WORDS
from indexer.extract.mentions import Mention, names_in
from indexer.extract.model import Article, ExtractedQuote, Found
from indexer.extract.reported import reported_before_quotation, reported_in_sentence
from indexer.extract.subjects import (
    QUANTIFIERS,
    coordinated_names,
    role_subject,
    sentence_subject,
)
from indexer.extract.text import Sentence
from indexer.extract.tokens import Token, is_name_token
from indexer.extract.transcript import transcript_lines


def extract(text: str, published: date | None = None) -> list[ExtractedQuote]:
    """Sentence by sentence: register names, mark the subject in focus, find cues with their
    content and speaker mention (direct.py, reported.py), resolve the mention (coref.py)."""
    art = Article(text, published)
    found_all: list[tuple[Found, Entity | None]] = []
    previous: Found | None = None
    document: tuple[int, Entity | None] | None = None  # the latest document that spoke
    lines = transcript_lines(art)  # in text order, one per paragraph: found by bisection
    line_starts, line_ends = [f.start for f in lines], [f.end for f in lines]
    for s in art.sentences:
        quotes = art.quotes_in(s)
        tokens = art.frame_tokens(s, quotes)
        art.registry.gender_hint = _pronoun_gender(_before_first_name(tokens))
        owner = _opening_person(art, tokens)  # the latest person named in this sentence
        for name in names_in(text, s.start, s.end):
            if not art.in_quotation(name.start):
                _kin_of(text[s.start : name.start], name, owner)
                named = art.registry.observe(name, s.index, subject=False)
                if named.kind == "person" and " " in named.name:
                    owner = named
                if named.mentions == 1:
                    before = text[s.start : name.start].lower().split()
                    named.first_in_clause = any(w in CUE_WORDS for w in before) and (
                        "that" in before
                    )
                    named.introduced = bool(_APPOSITIVE.match(text, name.end))
        _mark_subject(art, s, tokens)
        _note_documents(art, s, tokens)
        turns = lines[bisect_right(line_ends, s.start) : bisect_left(line_starts, s.end)]
        if turns:
            found_here = [f for f in turns if s.start <= f.sentence.start < s.end]
        elif quotes:
            found_here = quotations_in_sentence(art, s, quotes, tokens, previous)
            found_here = reported_before_quotation(art, s, tokens, found_here) + found_here
        else:
            found_here = reported_in_sentence(art, s, tokens)
        art.colon = colon_attribution(tokens) if not quotes else None
        for found in found_here:
            if found.continuation and previous:
                previous.end = found.end  # '"A," X said. "B."' is one attribution, and so is
                previous.last_sentence = s  # a quotation paragraph right after it
                continue
            entity = found.attribution.entity
            mention = found.attribution.mention
            if entity is None and mention is not None:
                if document is not None and _it_after_document(mention, document, s.index):
                    entity = document[1]  # 'The ad cites … It says …': the ad, no one else
                else:
                    entity = art.registry.resolve(mention, s.index)
            if (
                mention is not None
                and mention.kind == "nominal"
                and mention.head in SPEAKING_THINGS
            ):
                document = (s.index, entity)
            if entity is not None:
                art.registry.spoke(entity, s.index, mention.start if mention else s.start)
            if mention is not None:
                found.attribution.group = _coordinated_group(art, s, mention)
            found.attribution.entity = entity
            found_all.append((found, entity))
            previous = found
        inanimate = _document_subject(tokens)
        if inanimate is not None and (document is None or document[0] < s.index):
            # 'The ad then shows …': an 'it' in the next sentence is the ad
            document = (s.index, art.registry.resolve(inanimate, s.index))
    _named_after(art, found_all)
    return [to_quote(art, f, e) for f, e in found_all if attributable(f, e)]


def _it_after_document(
    mention: Mention, document: tuple[int, Entity | None], sentence: int
) -> bool:
    """'The report says … It also finds …': an 'it' speaking in the sentence after a document
    spoke (or in the same one) is that document, whoever its author is (or no one)."""
    return mention.kind == "pronoun" and mention.gender == "n" and sentence - document[0] <= 1


def _document_subject(tokens: list[Token]) -> Mention | None:
    """'The ad then references …', 'The new Acme report finds …': a definite document opening
    the sentence, right before its verb, is its subject."""
    if not tokens or tokens[0].lower not in {"the", "this"}:
        return None
    for k in range(1, min(len(tokens) - 1, 4)):
        tok = tokens[k]
        if not tok.text.isalpha():
            return None
        if tok.lower in SPEAKING_THINGS:
            after = tokens[k + 1]
            if not (after.text.isalpha() and after.text.islower()) or after.lower in _NOT_VERBS:
                return None
            text = " ".join(t.text for t in tokens[: k + 1])
            return Mention(text, tokens[0].start, tok.end, "nominal")
    return None


_NOT_VERBS = PREPOSITIONS | {"and", "or", "that", "which", "who", "whose"}


_AHEAD = 2  # sentences after a lede's description that may name its holder
_HEADING_CHARS = 80  # a paragraph no longer than this before a lede is a headline or a stamp


def _named_after(art: Article, found_all: list[tuple[Found, Entity | None]]) -> None:
    """'A spokeswoman for the mayor says … / Ann Li spoke to reporters …': a news lede opens
    with an indefinite or possessive person description that names no one ('Acme's campaign
    manager says') and names the holder later: the person first named in full in the next two
    sentences, if shown to be a person and their gender agrees. A lede opens the text or
    follows a headline or time stamp."""
    for n, (found, entity) in enumerate(found_all):
        mention = found.attribution.mention
        if entity is not None or mention is None or not _lede_description(art, found, mention):
            continue
        head = _description_head([w.lower().strip(".,") for w in mention.text.split()])
        gender = mention.gender or _noun_gender(head)
        index = found.sentence.index
        named = [
            e
            for e in art.registry.entities
            if e.kind == "person"
            and " " in e.name
            and (e.gender or e.roles)  # shown to be a person, not 'San Jose'
            and index < e.first_sentence <= index + _AHEAD
            and e.gender in (None, gender or e.gender)
        ]
        if named:
            holder = min(named, key=lambda e: e.first_at)
            found.attribution.entity = holder
            found_all[n] = (found, holder)


def _lede_description(art: Article, found: Found, mention: Mention) -> bool:
    if mention.kind not in {"nominal", "group"} or mention.definite or found.attribution.group:
        return False
    if art.text[found.sentence.start : mention.start].strip():
        return False  # only a description opening its sentence
    number = found.sentence.paragraph
    if art.paras[number].start != found.sentence.start:
        return False  # and its paragraph,
    if number > 0 and art.paras[number - 1].end - art.paras[number - 1].start > _HEADING_CHARS:
        return False  # right after a headline or a time stamp ('2:45 p.m.'), or opening the text
    words = [w.lower().strip(".,") for w in mention.text.split()]
    if words[0] in {"one", "another"} or words[0] in QUANTIFIERS:
        return False
    head = _description_head(words)
    if head in DOCUMENT_NOUNS or head in OWNED_ORGANISATIONS or head in ANONYMOUS_NOUNS:
        return False  # 'a new poll', 'Li's campaign', 'a source': no one named later
    return head in ROLE_NOUNS | TITLE_WORDS


def _description_head(words: list[str]) -> str:
    """'a spokeswoman for the mayor' is a spokeswoman: the word before a preposition."""
    cut = next((k for k, w in enumerate(words) if k and w in PREPOSITIONS), len(words))
    return words[cut - 1]


def _noun_gender(noun: str) -> str | None:
    return "f" if noun in FEMALE_NOUNS else "m" if noun in MALE_NOUNS else None


def _coordinated_group(art: Article, s: Sentence, mention: Mention) -> str | None:
    """'Ann Li and Tom Ong said …' is said by both: the group's name, each person by the
    name the article files them under ('Li and Ong' after both were named in full)."""
    names = coordinated_names(art.text, s.start, mention)
    if names is None:
        return None
    shown = []
    for name in names:
        entity = art.registry.lookup(name)
        shown.append(art.registry.display_name(entity) if entity is not None else name)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _note_documents(art: Article, s: Sentence, tokens: list[Token]) -> None:
    """Who each document named in the sentence is by, for a later bare 'the book said': the
    owner before 's ('Li's letter'; none for 'the paper's editorial'), the name right after
    'by' ('a web video by Acme'), else the sentence's subject named before it ('Li wrote a
    memoir')."""
    for i, tok in enumerate(tokens):
        if i == 0 or tok.lower not in DOCUMENT_NOUNS:
            continue
        owner = _possessive_before(tokens, i)
        if owner is not None:
            author = art.registry.lookup(owner) if owner[:1].isupper() else None
        elif i + 1 < len(tokens) and tokens[i + 1].lower == "by":
            author = _name_after(art, s, tokens[i + 1].end)
        else:
            author = art.registry.subject_of(s.index, tok.start)
        if author is not None:
            art.registry.document_seen(tok.lower, author, s.index)


def _possessive_before(tokens: list[Token], i: int) -> str | None:
    """The owner word of a possessive within three words before tokens[i] ('Li’s new'), if any."""
    for j in range(i - 1, max(-1, i - 4), -1):
        owner = _POSSESSIVE_WORD.fullmatch(tokens[j].text)
        if owner is not None:
            return owner.group(1)
        if not tokens[j].text.isalpha():
            return None
    return None


_POSSESSIVE_WORD = re.compile(r"([\w-]+)[’']s")


def _name_after(art: Article, s: Sentence, at: int) -> Entity | None:
    """The entity named right after offset `at` ('by the Acme Group'), if any."""
    for m in names_in(art.text, at, s.end):
        if m.start - at <= 6 and m.name is not None:
            return art.registry.lookup(m.name)
        break
    return None


def _opening_person(art: Article, tokens: list[Token]) -> Entity | None:
    """The known person a sentence opens with ('Li prevented …'), if any."""
    if not tokens or not is_name_token(tokens[0]):
        return None
    entity = art.registry.lookup(tokens[0].text)
    return entity if entity is not None and entity.kind == "person" else None


def _kin_of(before: str, name: Mention, owner: Entity | None) -> None:
    """'Li prevented his first wife, Ana, from …': a lone given name set off after 'his/her
    (…) wife' takes the surname of the person named before it in the sentence."""
    match = _KIN_APPOSITIVE.search(before)
    if match is None or owner is None or name.name is None or " " in name.name:
        return
    if match.group(2).lower() not in FAMILY_NOUNS:
        return
    gender = "m" if match.group(1).lower() == "his" else "f"
    if owner.gender not in (None, gender):
        return
    name.name = f"{name.name} {owner.surname}"
    if name.gender is None:
        name.gender = _kin_gender_of(match.group(2).lower())


def _kin_gender_of(noun: str) -> str | None:
    return "f" if noun in FEMALE_NOUNS else "m" if noun in MALE_NOUNS else None


_KIN_APPOSITIVE = re.compile(r"\b(his|her)\s+(?:[a-z-]+\s+)?([a-z]+),\s*$", re.IGNORECASE)


def _mark_subject(art: Article, s: Sentence, tokens: list[Token]) -> None:
    """The sentence's subject becomes the entity in focus for later pronouns: a name or a known
    surname opening it (after an opening adverbial), or "he"/"she" continuing the focus."""
    group = _group_subject(tokens)
    if group is not None:
        art.registry.observe_group(group, s.index)
        return
    owned = _organisation_subject(tokens)
    if owned is not None:
        art.registry.observe(owned, s.index, subject=True)
        return
    subject = sentence_subject(tokens, min(len(tokens), 12))
    if subject is not None and subject.kind == "pronoun" and subject.gender in ("m", "f"):
        entity = art.registry.resolve(subject, s.index)
        if entity is not None:
            art.registry.focus_on(entity, s.index, subject.start)
        return
    role = role_subject(tokens, min(len(tokens), 12)) if subject is None else None
    if role is not None and role.kind == "nominal" and role.definite:
        entity = art.registry.resolve(role, s.index)
        if entity is not None and entity.kind == "person":
            art.registry.focus_on(entity, s.index, role.start)  # 'the president appeared …'
            return
    if subject is not None and subject.kind == "name" and subject.name:
        single = " " not in subject.name and not subject.description and not subject.gender
        if not single or art.registry.known(subject.name):
            entity = art.registry.observe(subject, s.index, subject=True)
            if entity.kind == "person" and not entity.gender:
                entity.gender = _gender_in_clause(art, s, tokens)
            return
    head = min(s.end, s.start + 80)
    for m in names_in(art.text, s.start, head):
        if m.start - s.start >= 40 or art.in_quotation(m.start):
            continue
        before = art.text[s.start : m.start].split()
        if any(word.lower() in CUE_WORDS or word.lower() == "that" for word in before):
            return  # 'Wines believes that the Clinton campaign …': Clinton is in the clause
        if before and before[-1].lower() in PREPOSITIONS:
            continue  # 'During a CNN town hall, Name …': CNN is no subject
        if _inside_as_phrase(art.text, before, m):
            continue  # 'As Li's deputy, the engineer …': Li is inside the fronted phrase
        art.registry.observe(m, s.index, subject=True)
        return


def _inside_as_phrase(text: str, before: list[str], m: Mention) -> bool:
    """'As Li's deputy, …', 'As a longtime aide to Li, …': a name inside a fronted 'as'
    phrase that describes the subject is not the subject ('As Li spoke, …' is a clause)."""
    if not before or before[0].lower() != "as" or any(w.endswith(",") for w in before):
        return False
    described = len(before) > 1 and before[1].lower() in {"a", "an", "the"}
    return described or bool(_POSSESSIVE_AFTER.match(text, m.end))


_POSSESSIVE_AFTER = re.compile(r"[’']s?\s")


def _group_subject(tokens: list[Token]) -> Mention | None:
    """A plural group opening the sentence as its subject ('Several Democrats cautioned …',
    'Nuclear experts have said …'): the antecedent 'they' looks for."""
    for k, tok in enumerate(tokens[:5]):
        if tok.lower in GROUP_NOUNS and tok.lower.endswith("s"):
            if any(not t.text.isalpha() or t.lower in AUXILIARIES for t in tokens[:k]):
                return None
            if k + 1 < len(tokens) and tokens[k + 1].lower in {"'s", "’s", "of", "'", "’"}:
                return None
            words: list[Token] = []
            if not tok.capitalized:  # 'nuclear experts'; 'Democrats' is a name on its own
                for t in reversed(tokens[:k]):
                    if t.lower in DETERMINERS or t.lower in _NOT_MODIFIERS or t.capitalized:
                        break
                    words.insert(0, t)
            first = words[0] if words else tok
            name = " ".join(t.text for t in [*words, tok])
            return Mention(name, first.start, tok.end, "name", name=name)
        if tok.lower not in DETERMINERS and not tok.text.isalpha():
            return None
    return None


def _organisation_subject(tokens: list[Token]) -> Mention | None:
    """'Donald Trump’s campaign is defending …', 'The Clinton campaign said …': the
    organisation a name owns opens the sentence and is in focus ('It’s denouncing …')."""
    k = 1 if tokens and tokens[0].lower == "the" else 0
    first = k
    while k < len(tokens) and k - first < 4 and is_name_token(tokens[k]):
        k += 1
    if k == first or k >= len(tokens):
        return None
    last = tokens[k - 1]
    owner = re.sub(r"[’']s$", "", last.text)
    if k < len(tokens) and tokens[k].text in {"'s", "’s"}:
        k += 1
        owner = last.text
    noun = tokens[k]
    if noun.lower not in OWNED_ORGANISATIONS:
        return None
    name = f"{owner.split()[-1]} {noun.lower}"
    return Mention(name, tokens[first].start, noun.end, "name", name=name)


# An appositive introducing a person: 'Ann Li, a nurse', ', president of the …'.
_APPOSITIVE = re.compile(r",\s+(?:the|a|an|[a-z]+ (?:of|at|for|with))\s")

_NOT_MODIFIERS = {"of", "and", "but", "yet", "so", "or", "still", "now", "then", "also"}


def _gender_in_clause(art: Article, s: Sentence, tokens: list[Token]) -> str | None:
    """'Ann Li visited the port after she was released': when the subject is the only name in
    its sentence, the he/she (his/her) after it gives its gender."""
    people = [m for m in names_in(art.text, s.start, s.end) if _may_be_person(art.text, m)]
    if len(people) != 1:
        return None
    return _pronoun_gender(tokens)


def _may_be_person(text: str, m: Mention) -> bool:
    """Not an organisation or place, nor a name modifying one ('the Ann Li administration')."""
    words = {w.lower().strip(".") for w in (m.name or "").split()}
    following = text[m.end : m.end + 30].split()
    head = re.sub(r"[’']s?$", "", following[0].lower().strip(".,;:")) if following else ""
    return not words & (ORG_WORDS | PLACE_WORDS) and head not in ORG_WORDS


def _before_first_name(tokens: list[Token]) -> list[Token]:
    """The words of a sentence before its first capitalised name (the first word aside):
    'In her memoir, Voss wrote …' — a he/she there is about the name that follows."""
    first = next((k for k, t in enumerate(tokens) if k > 0 and is_name_token(t)), len(tokens))
    return tokens[:first]


def _pronoun_gender(tokens: list[Token]) -> str | None:
    """The one gender of the he/she (his/her) words in a sentence's own words, if only one."""
    found = {_GENDERED.get(t.lower) for t in tokens} - {None}
    return found.pop() if len(found) == 1 else None


_GENDERED = {
    "he": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
}
