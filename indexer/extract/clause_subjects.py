"""Subjects of reported-speech cues that stand away from the cue: fronted, relative, coordinate."""

from __future__ import annotations

import re

from indexer.extract.cue import is_quote_token
from indexer.extract.lang.en.clauses import VERBISH
from indexer.extract.lang.en.cues import CUE_WORDS
from indexer.extract.lang.en.nouns import (
    DETERMINERS,
    GROUP_NOUNS,
    ORG_WORDS,
    PLACE_WORDS,
    POLITICAL_ADJECTIVES,
    PREPOSITIONS,
    ROLE_NOUNS,
)
from indexer.extract.lang.en.people import TITLE_WORDS
from indexer.extract.mentions import Mention, name_mention, pronoun_mention
from indexer.extract.model import Article
from indexer.extract.subjects import sentence_subject, subject_before
from indexer.extract.text import Sentence
from indexer.extract.tokens import Token, is_name_token, name_start


def fronted_subject(tokens: list[Token], ci: int) -> Mention | None:
    """'Yin Myint May, 60, a doctor, said …' / 'Mr. Trump, in an interview, said …': the name
    opening the sentence, set off by commas from the cue."""
    if ci < 4 or tokens[ci - 1].text != ",":
        return None
    first_comma = next(k for k, t in enumerate(tokens) if t.text == ",")
    if first_comma >= ci - 1 or ci - first_comma > 40:
        return None
    if any(is_quote_token(t) or t.lower in CUE_WORDS for t in tokens[first_comma : ci - 1]):
        return None
    mention = sentence_subject(tokens, first_comma)
    if mention is None or mention.end != tokens[first_comma].start:
        return None
    return mention


def relative_subject(art: Article, s: Sentence, tokens: list[Token], ci: int) -> Mention | None:
    """'…, who said …': the relative pronoun stands for the name before it."""
    j = ci - 1
    while j >= 0 and tokens[j].lower in {"has", "have", "had", "also", "later", "then"}:
        j -= 1
    if j < 1 or tokens[j].lower not in {"who", "which", "that"}:
        return None
    if tokens[j].lower == "that" and tokens[j - 1].text != ",":
        return None
    person = tokens[j].lower == "who" and tokens[j - 1].text == ","  # 'Name, the …, who'
    reach = 25 if person else 8
    k = j - 1
    while k > max(-1, j - reach):
        if is_name_token(tokens[k]):
            end, k = k, name_start(tokens, k)
            named = name_mention(tokens, k, end)
            if person and named is not None and _not_the_person(tokens, k, named):
                k -= 1  # 'Ann Li, the ranking member on the Harbour Committee, who said'
                continue
            if named is not None:
                rel = tokens[j]
                return Mention(
                    rel.text,
                    rel.start,
                    rel.end,
                    "name",
                    name=named.name,
                    description=named.description,
                    gender=named.gender,
                )
        k -= 1
    return None


def _not_the_person(tokens: list[Token], k: int, named: Mention) -> bool:
    """A name 'who' cannot stand for: an organisation or place, or the object of a
    preposition inside an appositive ('of Norland', 'on the Senate Harbour Committee')."""
    words = {w.lower().strip(".") for w in (named.name or "").split()}
    if words & (ORG_WORDS | PLACE_WORDS):
        return True
    if named.gender or named.description:
        return False  # 'Secretary of State Ann Li': a person after all
    before = k - 1
    if before >= 0 and tokens[before].lower == "the":
        before -= 1
    if before < 0 or tokens[before].lower not in {"of", "on", "at", "for", "from", "in", "with"}:
        return False
    if before >= 1 and is_name_token(tokens[before - 1]):
        return True  # 'Ann Li of Norland, who': the place modifies the person
    # inside an appositive only: 'Ann Li, the ranking member on the Harbour Committee, who'
    return any(
        tokens[m].text == "," and tokens[m + 1].lower in {"the", "a", "an"}
        for m in range(max(0, before - 12), before)
    )


def clause_initial_subject(tokens: list[Token], ci: int) -> Mention | None:
    """A longer subject noun phrase opening the sentence: 'Political observers in Virginia say'."""
    if ci < 2 or ci > 10:
        return None
    span = tokens[:ci]
    if any(t.text in {",", ";", ":"} or is_quote_token(t) for t in span):
        return None
    if any(t.lower in VERBISH or _CONTRACTED_IS.fullmatch(t.lower) for t in span):
        return None  # "Then there’s Cleveland and …": a clause, not a subject
    if span[0].lower in PREPOSITIONS or not span[0].text[:1].isalnum():
        return None  # 'In swing states', '(Having said …': no subject opens with these
    lead = _subject_before_verb(span) or _role_before_verb(span)
    if lead is not None:
        return lead
    head = span[-1]
    if not head.text.isalpha() or head.lower in DETERMINERS:
        return None
    text = " ".join(t.text for t in span)
    if span[0].lower == "the" and not head.lower.endswith("s"):
        # 'The bank said': one definite holder the article named before, not a crowd
        return Mention(text, span[0].start, span[-1].end, "nominal", definite=True)
    return Mention(text, span[0].start, span[-1].end, "group", definite=False)


_CONTRACTED_IS = re.compile(r"(?:there|it|that|here|what)[’']s")


def _subject_before_verb(span: list[Token]) -> Mention | None:
    """'She then peppered him with attacks', 'Ann Li unveiled plans': the words before the
    cue are a clause, not a noun phrase; its subject is the pronoun or the name opening it,
    cut where the verb (past tense for a name, after any adverb) begins."""
    pronoun = span[0].lower in {"he", "she"}
    k = 1 if pronoun else 0
    while not pronoun and k < len(span) and is_name_token(span[k]):
        k += 1
    if k == 0 or k >= len(span):
        return None
    v = k
    while v < len(span) - 1 and (span[v].lower in _ADVERBS or span[v].lower.endswith("ly")):
        v += 1
    verb = span[v]
    if not (verb.text.isalpha() and verb.text.islower()):
        return None
    if pronoun:
        return pronoun_mention(span[0])
    return name_mention(span, 0, k - 1) if verb.lower.endswith("ed") else None


_ADVERBS = {"then", "also", "now", "later", "again", "once", "soon"}


def _role_before_verb(span: list[Token]) -> Mention | None:
    """'The Republican nominee continues to insist': a definite role opening the words before
    the cue, then a present- or past-tense verb, is the subject, cut before the verb."""
    if len(span) < 3 or span[0].lower != "the":
        return None
    for h in range(1, min(len(span) - 1, 5)):
        if not span[h].text.isalpha():
            return None
        verb = span[h + 1]
        if span[h].bare not in ROLE_NOUNS or _noun(verb):
            continue
        if verb.text.isalpha() and verb.text.islower() and verb.lower.endswith(("s", "ed")):
            head = span[: h + 1]
            text = " ".join(t.text for t in head)
            return Mention(text, head[0].start, head[-1].end, "nominal", definite=True)
        return None
    return None


def _noun(tok: Token) -> bool:
    return tok.bare in ROLE_NOUNS | GROUP_NOUNS or tok.bare.removesuffix("s") in ROLE_NOUNS


def coordinate_subject(tokens: list[Token], ci: int) -> Mention | None:
    """'Putin has not ruled it out but has emphasized that …': the subject of the first verb."""
    j = ci - 1
    while j >= 0 and tokens[j].lower in {"has", "have", "had", "also", "later", "then", "was"}:
        j -= 1
    if j < 1 or tokens[j].lower not in {"and", "but"}:
        return None
    if _inside_side_clause(tokens, j):
        return None  # '… the businessman who lacks experience and has attacked …'
    for k in range(min(j, 8) - 1, -1, -1):  # the longest phrase opening the sentence
        mention = subject_before(tokens, k + 1) if k + 1 < j else None
        if mention is not None and mention.start == tokens[0].start:
            return mention
        if mention is not None and mention.kind == "name" and _role_words_before(tokens, mention):
            return mention  # 'Republican nominee Ann Li, in particular, has … and called …'
    return None


def _inside_side_clause(tokens: list[Token], j: int) -> bool:
    """tokens[j] ('and') joins verbs inside a relative clause or a parenthesis still open
    there ('who lacks … and has attacked', '(they want … and suggest'): the verbs are the
    relative's or the parenthesis' subject's, not the sentence subject's."""
    for k in range(j - 1, 0, -1):
        tok = tokens[k]
        if tok.text in {",", ")", ";", ":"}:
            return False
        if tok.text == "(" or tok.lower in {"who", "which", "whom"}:
            return True
    return False


def _role_words_before(tokens: list[Token], mention: Mention) -> bool:
    """Only a role in front of a name that does not open the sentence ('Democratic candidate
    Ann Li'): lower-case or party words ending in a role noun, so the name is the subject."""
    before = [t for t in tokens if t.end <= mention.start]
    if not before or len(before) > 4 or before[-1].bare not in ROLE_NOUNS | TITLE_WORDS:
        return False
    return all(
        t.text.isalpha() and (t.text.islower() or t.bare in POLITICAL_ADJECTIVES) for t in before
    )
