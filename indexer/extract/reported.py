"""Reported speech: 'X said (that) …', '…, X said.', 'According to X, …'."""

from __future__ import annotations

import re

from indexer.extract.clause_subjects import (
    clause_initial_subject,
    coordinate_subject,
    fronted_subject,
    relative_subject,
)
from indexer.extract.cue import (
    according_to,
    cue_indices,
    finite_cue,
    is_quote_token,
    passive_cue,
    strip_span,
)
from indexer.extract.lang.en.clauses import (
    ADDRESSEE_NOUNS,
    ADDRESSEE_PRONOUNS,
    BARE_CLAUSE_CUES,
    CLAUSE_JOINERS,
    CLAUSE_OPENERS,
    CONTRACTED_OPENERS,
    FRONTED_SUBORDINATORS,
    NOT_CLAUSE_OPENERS,
    PASSIVE_AUXILIARIES,
    REPORTING_OBJECTS,
    TAIL_SUBORDINATORS,
    VERBISH,
)
from indexer.extract.lang.en.cues import (
    CLAUSE_PARTICIPLES,
    CUE_PARTICLES,
    CUE_WORDS,
    INDIRECT_CUES,
    INTENT_CUES,
    NOT_CUE_PARTICLES,
    OBJECT_CUES,
    PARTICIPLE_CUES,
    PARTICIPLE_LEMMAS,
    PARTICLE_ONLY_CUES,
    SPEECH_CUES,
    THAT_ONLY_CUES,
)
from indexer.extract.lang.en.nouns import PREPOSITIONS, TIME_WORDS
from indexer.extract.model import Article, Attribution, Found
from indexer.extract.rules import ACCORDING_TO, CUE_AFTER, CUE_BEFORE, PARTICIPLE
from indexer.extract.subjects import (
    participle_subject,
    subject_after,
    subject_before,
)
from indexer.extract.text import Sentence
from indexer.extract.tokens import Token, is_name_token


def reported_in_sentence(art: Article, s: Sentence, tokens: list[Token]) -> list[Found]:
    """Reported speech: 'X said (that) …', '…, X said.', 'According to X, …', 'X plans to …'.

    A sentence may hold several ('X said … but Y argued that …'); they must not overlap.
    """
    if len(tokens) < 5:
        return []
    found = _according_to_clause(art, s, tokens)
    if found:
        return [found]
    candidates: list[Found] = []
    for ci in cue_indices(tokens, INDIRECT_CUES | INTENT_CUES | THAT_ONLY_CUES | OBJECT_CUES):
        found = _cue_at_end(art, s, tokens, ci) or _cue_with_complement(art, s, tokens, ci)
        if found:
            candidates.append(found)
    for pi in (
        i for i, t in enumerate(tokens) if t.lower in PARTICIPLE_CUES | PARTICIPLE_LEMMAS.keys()
    ):
        found = _participle_clause(art, s, tokens, pi)
        if found:
            candidates.append(found)
    found = _no_comment(art, s, tokens)
    if found:
        candidates.append(found)
    chosen: list[Found] = []
    for found in sorted(candidates, key=lambda f: _preference(art, f), reverse=True):
        if all(found.end <= c.start or found.start >= c.end for c in chosen):
            chosen.append(found)
    return sorted(chosen, key=lambda f: f.start)


def reported_before_quotation(
    art: Article, s: Sentence, tokens: list[Token], quoted: list[Found]
) -> list[Found]:
    """'Ann Li said the port would close, adding, "…"': reported speech in the frame before a
    sentence's first quotation, when the quotation's own attribution leaves that frame out."""
    first_q = next(i for i, t in enumerate(tokens) if is_quote_token(t))
    if any(f.start < tokens[first_q].start for f in quoted):
        return []
    k = first_q
    while k > 0 and tokens[k - 1].text in {",", ":", ";", "-", "—", "–"}:
        k -= 1
    if k < 6 or not _hands_on(tokens, k - 1):
        return []
    head = Sentence(s.start, tokens[k - 1].end, s.paragraph, s.index)
    found = [
        f for f in reported_in_sentence(art, head, tokens[:k]) if f.attribution.rule != CUE_AFTER
    ]
    for f in found:
        f.sentence = s
    return found


def _hands_on(tokens: list[Token], k: int) -> bool:
    """The frame before a quotation ends in a participle ('…, adding:') or a second cue of the
    same subject ('… and then said,'): the quotation is a new attribution, the frame before
    it may hold one of its own."""
    last = tokens[k]
    if last.lower in PARTICIPLE_CUES:
        return True
    return last.lower in CUE_WORDS and tokens[k - 1].lower in {"and", "then", "but", "also"}


_REFUSALS = {"declined", "declines", "refused", "refuses"}
_NO_REPLY = {"respond", "return", "reply"}


_CONTRACTION = re.compile(r"[’'](?:s|re|ll|d|ve)$")


def _no_comment(art: Article, s: Sentence, tokens: list[Token]) -> Found | None:
    """'Ann Li declined to comment', 'The campaign did not respond to a request for comment':
    a refusal to speak is attributed to its subject, the refusal being the content."""
    for i, tok in enumerate(tokens[:-2]):
        if tok.lower in _REFUSALS and tokens[i + 1].lower == "to":
            last = i + 2 if tokens[i + 2].lower == "comment" else None
        elif tok.lower in _NO_REPLY and i >= 1 and tokens[i - 1].lower in {"not", "immediately"}:
            last = next(
                (k for k in range(i + 1, min(i + 8, len(tokens))) if tokens[k].lower == "comment"),
                None,
            )
        else:
            continue
        if last is None:
            return None
        verb = i if tok.lower in _REFUSALS else _aux_before(tokens, i)
        mention = subject_before(tokens, verb)
        if mention is None:
            return None
        first = i + 1
        start, end = strip_span(art.text, tokens[first].start, tokens[last].end)
        return Found(start, end, "indirect", Attribution(mention, tok.text, rule=CUE_BEFORE), s)
    return None


def _aux_before(tokens: list[Token], i: int) -> int:
    """The index of 'did' in 'did not (immediately) respond'."""
    k = i - 1
    while k > 0 and tokens[k].lower in {"not", "immediately", "also"}:
        k -= 1
    return k


def _preference(art: Article, found: Found) -> tuple[bool, bool, int]:
    """Of overlapping readings, prefer a cue after its content or before a 'that' clause, then
    a definite or named speaker over 'some experts', then the reading that holds the other
    ('Li had told them that …, the source added': the source said all of it)."""
    mention = found.attribution.mention
    end = found.start  # the words before the content, without copying the text before it
    while end > 0 and art.text[end - 1].isspace():
        end -= 1
    after_that = art.text[max(end - 8, 0) : end].lower().endswith("that")
    vague = mention is not None and mention.kind in {"nominal", "group"} and not mention.definite
    return (found.attribution.rule == CUE_AFTER or after_that, not vague, found.end - found.start)


def _according_to_clause(art: Article, s: Sentence, tokens: list[Token]) -> Found | None:
    found = according_to(tokens)
    if not found:
        return None
    i, mention = found
    attribution = Attribution(mention, "according to", rule=ACCORDING_TO)
    if i == 0:
        comma = next((k for k, t in enumerate(tokens) if t.text == ","), None)
        if comma is not None and comma < len(tokens) - 3:
            start, end = strip_span(art.text, tokens[comma + 1].start, s.end)
            return Found(start, end, "indirect", attribution, s)
    elif i > 3 and tokens[i - 1].text in {",", "—", "–", "--"}:
        after = [t for t in tokens if t.start >= mention.end]
        span_end = tokens[i - 1].start
        if len(after) > 4 and after[0].text == ",":  # '…, according to X, the rest.'
            span_end = s.end
        start, end = strip_span(art.text, s.start, span_end)
        return Found(start, end, "indirect", attribution, s)
    return None


def _cue_at_end(art: Article, s: Sentence, tokens: list[Token], ci: int) -> Found | None:
    """The cue after the content: '…, X said.', '…, said X, a professor.', '…, X said, adding
    …', and the parenthetical '…, officials said, was aimed at …' (content on both sides)."""
    tok = tokens[ci]
    if ci < 4 or CUE_WORDS.get(tok.lower) not in INDIRECT_CUES:
        return None
    inverted = tokens[ci - 1].text == "," and CUE_WORDS.get(tok.lower) in SPEECH_CUES
    mention = subject_after(tokens, ci) if inverted else None
    if mention is not None and mention.kind != "pronoun":
        k, after = ci - 1, next((i for i, t in enumerate(tokens) if t.start >= mention.end), None)
    else:
        mention = subject_before(tokens, ci)
        if mention is None:
            return None
        k = next((i for i in range(ci - 1, 0, -1) if tokens[i].end <= mention.start), 0)
        while k > 0 and tokens[k].text != ",":
            k -= 1
        after = ci + 1
    if k <= 2 or tokens[k].text != ",":
        return None
    if any(is_quote_token(t) for t in tokens[:k]):
        return None  # a quotation: the direct-quote rules own it
    if _only_adverbial(tokens[:k]):
        return None  # 'In an interview with the Herald, Li said …': no content before the cue
    tail = tokens[after:] if after is not None else []
    span_end = tokens[k].start
    ends_sentence = all(t.text in ".!?" for t in tail)
    if not ends_sentence and tail[0].text == ",":
        rest = [t for t in tail[1:] if t.text not in ".!?"]
        parenthetical = not inverted and len(rest) >= 4 and rest[0].lower not in PARTICIPLE_CUES
        if parenthetical:
            span_end = s.end
    elif (
        not ends_sentence
        and not (
            CUE_WORDS.get(tok.lower) in {"tell", "write", "say"}
            and len(tail) <= 6
            and all(t.text in ".!?" or t.capitalized or t.lower in REPORTING_OBJECTS for t in tail)
        )
        and (inverted or not _adverbial_tail(tail))
    ):
        return None
    start, end = strip_span(art.text, s.start, span_end)
    attribution = Attribution(mention, tok.text, rule=CUE_AFTER)
    return Found(start, end, "indirect", attribution, s)


def _adverbial_tail(tail: list[Token]) -> bool:
    """'… said on Friday in an interview with the Herald.', '… said Friday afternoon, as
    they …': after the cue only where and when it was said, up to the end or to a comma
    that hangs a participle or a subordinate clause on the sentence."""
    first = tail[0]
    if first.lower not in PREPOSITIONS | TIME_WORDS and not first.capitalized:
        return False
    for n, t in enumerate(tail):
        if t.text in ".!?":
            return n == len(tail) - 1
        if t.text == ",":
            rest = tail[n + 1 : n + 2]
            return bool(rest) and rest[0].lower in CLAUSE_PARTICIPLES | TAIL_SUBORDINATORS
        if t.lower in VERBISH or t.lower in CUE_WORDS or is_quote_token(t):
            return False
        if t.text.islower() and t.lower.endswith("ed") and t.lower not in PREPOSITIONS:
            return False
    return True


def _only_adverbial(head: list[Token]) -> bool:
    """A stretch that opens with a preposition and holds no verb: where or when, not what."""
    if not head or head[0].lower not in PREPOSITIONS:
        return False
    return not any(
        t.lower in VERBISH - {"as", "that", "it", "this"}
        or (t.text.islower() and t.lower.endswith(("ed", "es")))
        for t in head
    )


def _cue_with_complement(art: Article, s: Sentence, tokens: list[Token], ci: int) -> Found | None:
    """'X said (that) …', 'X plans to …', 'X called for …'."""
    tok = tokens[ci]
    lemma = CUE_WORDS[tok.lower]
    if ci + 1 < len(tokens) and tokens[ci + 1].lower in NOT_CUE_PARTICLES.get(lemma, ()):
        return None  # 'called in to the show': no words of hers follow
    if passive_cue(tokens, ci):
        return None  # 'Li was declared the winner by …': the subject is what was said
    mention = (
        subject_before(tokens, ci)
        or coordinate_subject(tokens, ci)
        or relative_subject(art, s, tokens, ci)
        or clause_initial_subject(tokens, ci)
        or fronted_subject(tokens, ci)
    )
    if mention is None:
        return None
    complement, has_that = _complement_start(tokens, ci)
    if complement is not None and complement >= len(tokens) - 1:
        return None
    if complement is None:
        complement = _object_start(tokens, ci)
        if complement is None:
            return None
    else:
        intent = lemma in INTENT_CUES and tokens[complement].lower == "to"
        that_next = has_that and complement == ci + 2
        bare_clause = lemma in BARE_CLAUSE_CUES and not has_that
        if lemma not in INDIRECT_CUES and not that_next and not intent and not bare_clause:
            complement = _object_start(tokens, ci)
            if complement is None:
                return None
    start_i = complement
    if start_i >= len(tokens) - 2:
        return None
    start, end = strip_span(art.text, tokens[start_i].start, _clause_stop(tokens, start_i, s))
    if end - start < 12:
        return None
    attribution = Attribution(mention, tok.text, rule=CUE_BEFORE)
    return Found(start, end, "indirect", attribution, s)


def _participle_clause(art: Article, s: Sentence, tokens: list[Token], pi: int) -> Found | None:
    """'He pitched himself to voters, telling them that …': the main subject said it."""
    start_i = None
    for k in range(pi + 1, min(len(tokens), pi + 6)):
        if tokens[k].lower == "that":
            start_i = k + 1
            break
    if start_i is None and pi + 1 < len(tokens) and tokens[pi].lower == "saying":
        start_i = pi + 1
    if start_i is None and pi > 2 and tokens[pi - 1].text == ",":
        start_i = _participle_object(tokens, pi)
    if start_i is None or start_i >= len(tokens) - 2:
        return None
    mention = participle_subject(tokens, pi)
    if mention is None:
        return None
    start, end = strip_span(art.text, tokens[start_i].start, _clause_stop(tokens, start_i, s))
    if end - start < 12:
        return None
    attribution = Attribution(mention, tokens[pi].text, rule=PARTICIPLE)
    return Found(start, end, "indirect", attribution, s)


def _participle_object(tokens: list[Token], pi: int) -> int | None:
    """'…, citing the figure', '…, calling for a recount', '…, promising to act', '…, telling
    reporters the vote …': what a participle after a comma attributes to the main subject."""
    lemma = PARTICIPLE_LEMMAS.get(tokens[pi].lower)
    if lemma is None or pi + 2 >= len(tokens):
        return None
    if lemma == "tell":
        return _after_addressee(tokens, pi)
    if lemma in INTENT_CUES and tokens[pi + 1].lower == "to":
        return pi + 1
    if lemma not in OBJECT_CUES:
        return None
    start_i = pi + 1
    if tokens[start_i].lower in CUE_PARTICLES.get(lemma, ()):
        start_i += 1
    elif lemma in PARTICLE_ONLY_CUES:
        return None
    return start_i if tokens[start_i].text[:1].isalnum() else None


def _after_addressee(tokens: list[Token], ci: int) -> int | None:
    """'told him the plan was dead', 'told POLITICO he had …', 'told reporters the vote …':
    the reported clause after the one told (a pronoun, a name or a short noun phrase)."""
    k = ci + 1
    if tokens[k].lower in ADDRESSEE_PRONOUNS:
        k += 1
    else:
        if tokens[k].lower in {"the", "a", "an"}:
            k += 1
        first = k
        while (
            k < len(tokens)
            and k - first < 5
            and (is_name_token(tokens[k]) or tokens[k].lower in ADDRESSEE_NOUNS)
        ):
            k += 1
        if k == first:
            return None
    if k + 2 >= len(tokens):
        return None
    nxt = tokens[k]
    word = re.split(r"[’']", nxt.lower)[0]
    if word in CLAUSE_OPENERS or (nxt.capitalized and word not in NOT_CLAUSE_OPENERS):
        return k
    return None


def _object_start(tokens: list[Token], ci: int) -> int | None:
    """Where the object of a stance verb begins ('cited the figure', 'called for a recount'),
    or None: in the passive ('was criticized for') the subject is not the one who spoke."""
    if CUE_WORDS[tokens[ci].lower] not in OBJECT_CUES or ci + 2 >= len(tokens):
        return None
    if tokens[ci - 1].lower in PASSIVE_AUXILIARIES:
        return None
    lemma, start_i = CUE_WORDS[tokens[ci].lower], ci + 1
    if tokens[start_i].lower in CUE_PARTICLES.get(lemma, ()):
        start_i += 1
    elif lemma in PARTICLE_ONLY_CUES:
        return None
    first = tokens[start_i]
    if not first.text[:1].isalnum() and not is_quote_token(first):
        return None
    return start_i


def _clause_stop(tokens: list[Token], start_i: int, s: Sentence) -> int:
    """Reported clauses end at the sentence end, at ', but <subject> <cue>', or where a
    participle cue hangs a second attribution on the same speaker ('X said …, arguing that
    …'), or at the comma closing a subordinate clause the sentence opens with ('As Li talked
    about jobs, Ong said …'); 'referring to' only says what the clause was about, and stays
    in it."""
    fronted = tokens[0].lower in FRONTED_SUBORDINATORS and not any(
        t.text == "," for t in tokens[1:start_i]
    )
    for k in range(start_i + 1, len(tokens) - 1):
        if fronted and tokens[k].text == ",":
            return tokens[k].start
        if tokens[k].text in {",", ";"} and (
            (
                tokens[k + 1].lower in CLAUSE_JOINERS
                and any(t.lower in CUE_WORDS for t in tokens[k + 2 : k + 7])
            )
            or tokens[k + 1].lower in CLAUSE_PARTICIPLES
        ):
            return tokens[k].start
        if tokens[k].text == ";":
            return tokens[k].start  # '… would raise $1 trillion; the Tax Foundation puts …'
        if tokens[k].lower in {"and", "but"} and finite_cue(tokens, k + 1):
            return tokens[k - 1].end if tokens[k - 1].text == "," else tokens[k].start
        if tokens[k].lower in {"and", "but"} and _wh_clause_with_cue(tokens, k + 1):
            return tokens[k].start  # 'what Li says it would do and how experts say it …'
    return s.end


_WH_WORDS = {"how", "what", "why", "whether", "where", "when"}


def _wh_clause_with_cue(tokens: list[Token], k: int) -> bool:
    """tokens[k:] open a wh-clause whose own subject and cue follow ('how experts say', 'what
    the mayor claims'): a second speaker, whose words the first one's do not run on into."""
    if k >= len(tokens) or tokens[k].lower not in _WH_WORDS:
        return False
    for j in range(k + 2, min(k + 5, len(tokens))):
        tok = tokens[j]
        if not tok.text.isalpha():
            return False
        if tok.text.islower() and CUE_WORDS.get(tok.lower) in INDIRECT_CUES:
            return tokens[j - 1].lower not in {"to", "not"}
    return False


def _complement_start(tokens: list[Token], ci: int) -> tuple[int | None, bool]:
    """Where the reported clause after a cue begins (and whether "that" opened it)."""
    if ci + 1 >= len(tokens):
        return None, False
    for k in range(ci + 1, min(len(tokens), ci + 9)):
        if tokens[k].lower == "that" and k + 1 < len(tokens) and tokens[k + 1].text[:1].isalnum():
            return k + 1, True  # not 'could change that.': a demonstrative ends no cue
        if tokens[k].text in {".", ";"} or is_quote_token(tokens[k]):
            break
    nxt = tokens[ci + 1]
    if CUE_WORDS.get(tokens[ci].lower) in INTENT_CUES and nxt.lower == "to":
        return ci + 1, False
    if CUE_WORDS.get(tokens[ci].lower) == "tell":
        return _after_addressee(tokens, ci), False
    nxt_i = ci + 2 if nxt.text == "," and ci + 2 < len(tokens) else ci + 1
    nxt = tokens[nxt_i]
    if CUE_WORDS.get(tokens[ci].lower) not in BARE_CLAUSE_CUES:
        return None, False
    word = re.split(r"[’']", nxt.lower)[0]
    if word in CLAUSE_OPENERS or (nxt.capitalized and word not in NOT_CLAUSE_OPENERS):
        return nxt_i, False
    if word in CONTRACTED_OPENERS and _CONTRACTION.search(nxt.lower):
        return nxt_i, False  # 'said that’s what …', 'says what’s needed …'
    if nxt.text.isalpha() and nxt.text.islower() and word not in NOT_CLAUSE_OPENERS:
        return nxt_i, False  # 'said closed primaries deny …'
    return None, False
