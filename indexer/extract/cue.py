"""Cue stage: speech verbs and "according to" in a sentence frame, with the speaker beside them."""

from __future__ import annotations

import re

from indexer.extract.lang.en.clauses import (
    FINITE_AUXILIARIES,
    IRREGULAR_PARTICIPLES,
    PASSIVE_AUXILIARIES,
)
from indexer.extract.lang.en.cues import CLAUSE_PARTICIPLES, CUE_WORDS, NOUN_MARKERS, SPEECH_CUES
from indexer.extract.lang.en.nouns import DOCUMENT_NOUNS, PHRASE_STOPS
from indexer.extract.mentions import Mention
from indexer.extract.model import TRAILING, Attribution
from indexer.extract.rules import ACCORDING_TO
from indexer.extract.subjects import sentence_subject, subject_after, subject_before
from indexer.extract.tokens import Token


def is_quote_token(tok: Token) -> bool:
    return tok.text == "\u201cQ\u201d"


def cue_indices(tokens: list[Token], cues: set[str]) -> list[int]:
    """Cue verbs are lower-case inside a sentence ("the United States" holds no cue "states"),
    except in a Title Case headline ("Rubio Says …")."""
    words = [t for t in tokens if t.text.isalpha()]
    title_case = len(words) > 2 and sum(t.capitalized for t in words) >= 0.6 * len(words)
    return [
        i
        for i, t in enumerate(tokens)
        if CUE_WORDS.get(t.lower) in cues
        and (i == 0 or title_case or not t.capitalized)
        and not (i > 0 and _a_noun(tokens, i))
    ]


def _a_noun(tokens: list[Token], i: int) -> bool:
    """A determiner or possessive makes a cue word a noun ('the claims', 'Obama's remarks'); a
    possessive one is still a cue before 'that': 'Ann Li's claim that …' is her attribution."""
    before = tokens[i - 1]
    if before.lower in NOUN_MARKERS:
        return True
    possessive = re.search(r"\w[’']s$", before.text) is not None
    return possessive and not (i + 1 < len(tokens) and tokens[i + 1].lower == "that")


def according_to(tokens: list[Token]) -> tuple[int, Mention] | None:
    for i in range(len(tokens) - 2):
        if tokens[i].lower == "according" and tokens[i + 1].lower == "to":
            mention = (
                _document_author(tokens, i + 2)
                or subject_after(tokens, i + 1)
                or _source_phrase(tokens, i + 2)
            )
            if mention is not None:
                return i, mention
    return None


_POSSESSIVE_PRONOUNS = {"his": "m", "her": "f", "their": "p", "its": "n"}
# What a person's own words are kept in: 'according to her account'.
_OWN_WORDS = {"account", "remarks", "comments", "testimony", "book", "memoir", "website", "plan"}


def _document_author(tokens: list[Token], i: int) -> Mention | None:
    """'according to a memo filed by Ann Li', '… to a poll released Friday by Acme Research',
    '… to her account': a document speaks for the one who wrote it, when the text says who."""
    if i < len(tokens) and tokens[i].lower in _POSSESSIVE_PRONOUNS:
        if i + 1 < len(tokens) and tokens[i + 1].lower in DOCUMENT_NOUNS | _OWN_WORDS:
            tok = tokens[i]
            return Mention(
                tok.text, tok.start, tok.end, "pronoun", gender=_POSSESSIVE_PRONOUNS[tok.lower]
            )
        return None
    doc = next(
        (j for j in range(i, min(i + 6, len(tokens))) if tokens[j].lower in DOCUMENT_NOUNS), None
    )
    if doc is None:
        return None
    for j in range(doc + 1, min(doc + 10, len(tokens) - 1)):
        if tokens[j].text in PHRASE_STOPS or tokens[j].lower in {"that", "which", "who"}:
            return None
        if tokens[j].lower in {"by", "from"}:
            return subject_after(tokens, j)
    return None


def _source_phrase(tokens: list[Token], i: int) -> Mention | None:
    """'according to recent polling', '… to three people briefed on the talks': an unnamed
    source, kept as a description (it resolves to no one)."""
    j = i
    while j < len(tokens) and j - i < 12 and tokens[j].lower not in PHRASE_STOPS:
        j += 1
    words = tokens[i:j]
    if not words or not any(t.text.isalpha() for t in words) or is_quote_token(words[0]):
        return None
    text = " ".join(t.text for t in words)
    kind = "group" if words[-1].lower.endswith("s") else "nominal"
    return Mention(
        text, words[0].start, words[-1].end, kind, definite=words[0].lower in {"the", "this"}
    )


def attribution_near(
    tokens: list[Token], lo: int, hi: int, placed: str, nearest: bool = False
) -> Attribution | None:
    """A speaker + cue inside tokens[lo:hi] (a frame stretch with no quotation in it); `placed`
    names where that stretch lies relative to the quotation (CUE_BEFORE or CUE_AFTER).
    `nearest` takes the last cue first ('When A noted …, B said, "…"'). The one after 'told'
    is the addressee, never the speaker."""
    cues = cue_indices(tokens[lo:hi], SPEECH_CUES)
    if nearest:
        cues.reverse()
    for ci in cues:
        cue_i = lo + ci
        if passive_cue(tokens, cue_i):
            continue  # 'ten were admitted as well as …': the subject said nothing
        mention = subject_before(tokens[lo : cue_i + 1], ci)
        if mention is None and CUE_WORDS[tokens[cue_i].lower] != "tell" and _inverts(tokens, cue_i):
            mention = subject_after(tokens[:hi], cue_i)
            if mention is not None and _opens_clause(tokens, mention):
                mention = None
        if mention is not None and _issued_document(tokens, mention):
            mention = sentence_subject(tokens[lo : cue_i + 1], ci) or mention
        if mention is not None:
            return Attribution(mention, tokens[cue_i].text, rule=placed)
    found = according_to(tokens[lo:hi])
    if found:
        return Attribution(found[1], "according to", rule=ACCORDING_TO)
    return None


def passive_cue(tokens: list[Token], cue_i: int) -> bool:
    """A cue participle after 'was'/'were'/'been' is passive: its subject is what was said or
    the one spoken to, not a speaker ('was quoted as saying' still names the speaker)."""
    k = cue_i - 1
    while k > 0 and tokens[k].text.islower() and tokens[k].lower.endswith("ly"):
        k -= 1  # 'were widely reported'
    if k < 0 or tokens[k].lower not in PASSIVE_AUXILIARIES:
        return False
    word = tokens[cue_i].lower
    return word != "quoted" and (word.endswith("ed") or word in IRREGULAR_PARTICIPLES)


def _opens_clause(tokens: list[Token], mention: Mention) -> bool:
    """'60 percent said Li was right': an auxiliary right after the name an inverted cue is
    followed by makes it the reported clause's subject, not the speaker ('…," said Li on
    Monday' and '…, said Li, a nurse' stay speakers). A pronoun there ('Li, in Ohio, said she
    was …') is left alone: it is most often the subject's own."""
    if mention.kind != "name":
        return False
    after = next((t for t in tokens if t.start >= mention.end), None)
    return after is not None and after.text in FINITE_AUXILIARIES


def _issued_document(tokens: list[Token], mention: Mention) -> bool:
    """'Ann Li issued a statement saying …': a document that is the object of a verb carries
    the words of that verb's subject."""
    if mention.kind != "nominal" or mention.head not in DOCUMENT_NOUNS:
        return False
    first = next((n for n, t in enumerate(tokens) if t.start == mention.start), 0)
    if first < 1 or tokens[first].lower not in {"a", "an", "the"}:
        return False
    verb = tokens[first - 1]
    return verb.text.isalpha() and verb.text.islower() and verb.lower.endswith("ed")


def _inverts(tokens: list[Token], cue_i: int) -> bool:
    """A cue can put its speaker after it ('…," said Ann Li', '…, says Li') only where no
    subject stands before it: 'The clip says Kaine …' names Kaine as its subject matter; and
    never a participle ('saying he was …' is the main subject's)."""
    if tokens[cue_i].lower.endswith("ing"):
        return False  # '…, saying he was "…"': a participle's speaker is the main subject
    if cue_i == 0:
        return True
    before = tokens[cue_i - 1]
    if before.lower in {"who", "which"}:
        return False  # '…, who says it is …': the relative pronoun is the subject
    return not (
        before.text.isalpha()
        and before.text.islower()
        and cue_i >= 2
        and tokens[cue_i - 2].lower in {"the", "a", "an", "this", "that", "its"}
    )


def finite_cue(tokens: list[Token], k: int) -> bool:
    """'… and said that …', '… but also insists …': a second cue verb sharing the subject
    (past or present tense: 'and say' after a noun is rarely a verb of the same speaker)."""
    while k < len(tokens) and tokens[k].lower in {"also", "then", "later", "has", "have", "had"}:
        k += 1  # '… and has called for …'
    if k >= len(tokens) or not tokens[k].text.islower():
        return False
    word = tokens[k].lower
    if word in CLAUSE_PARTICIPLES:
        return True  # '… and promising to …'
    return word in CUE_WORDS and word.endswith(("ed", "s", "id", "ld", "te"))


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in TRAILING:
        end -= 1
    while start < end and text[start] in " \t,:;":
        start += 1
    return start, end
