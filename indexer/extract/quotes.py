"""Find attributed quotes: direct, mixed and reported speech, sentence by sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from indexer.extract.coref import Entity, EntityRegistry
from indexer.extract.cues import (
    CUE_WORDS,
    INDIRECT_CUES,
    INTENT_CUES,
    NOMINAL_CUES,
    PARTICIPLE_CUES,
    SPEECH_CUES,
    THAT_ONLY_CUES,
)
from indexer.extract.dates import date_said
from indexer.extract.rules import (
    ACCORDING_TO,
    CONTINUATION,
    CUE_AFTER,
    CUE_BEFORE,
    DASH,
    DESCRIPTION,
    INHERITED,
    NAME,
    PARTICIPLE,
    PRONOUN,
    ROLE,
    SUBJECT_VERB,
    UNRESOLVED,
    VERB_AFTER,
    rule_name,
)
from indexer.extract.speakers import (
    DETERMINERS,
    Mention,
    Token,
    is_name_token,
    name_mention,
    names_in,
    sentence_subject,
    subject_after,
    subject_before,
    tokenize,
)
from indexer.extract.text import (
    QUOTE_CHARS,
    QuotedSpan,
    Sentence,
    paragraphs,
    quoted_spans,
    sentences,
)

CONTEXT_CHARS = 700
_TRAILING = " \t.,;:"


@dataclass
class ExtractedQuote:
    """One attributed quote, offsets into the article text; a `db.records.QuoteDraft`."""

    text: str
    type: str
    start: int
    end: int
    speaker: str | None
    mention: str | None
    mention_start: int | None
    mention_end: int | None
    cue: str | None
    context: str
    said_on: date | None
    confidence: float
    speaker_kind: str | None = None  # person | org | unknown | nominal | group
    speaker_aliases: tuple[str, ...] = ()
    speaker_description: str | None = None
    # which cue pattern and which resolution path produced it: '<type>_<pattern>:<resolution>'
    rule: str = ""
    # exact offsets of each quoted part inside its marks (direct/mixed), or the reported content
    parts: tuple[tuple[int, int], ...] = ()

    def as_eval_record(self, doc: str) -> dict:
        return {
            "doc": doc,
            "start": self.start,
            "end": self.end,
            "speaker": self.speaker,
            "speaker_start": self.mention_start,
            "speaker_end": self.mention_end,
            "type": self.type,
            "rule": self.rule,
        }


@dataclass
class _Attribution:
    mention: Mention | None
    cue: str | None
    entity: Entity | None = None
    confidence: float = 0.9
    rule: str = CUE_AFTER  # the cue pattern (see `rules`); the resolution path is added later


@dataclass
class _Found:
    start: int
    end: int
    type: str
    attribution: _Attribution
    sentence: Sentence
    continuation: bool = False  # a quotation with no cue of its own, said by the previous speaker
    last_sentence: Sentence | None = None


class _Article:
    def __init__(self, text: str, published: date | None):
        self.text = text
        self.published = published
        self.paras = paragraphs(text)
        self.quotes = quoted_spans(text, self.paras)
        self.sentences = sentences(text, self.paras, self.quotes)
        self.registry = EntityRegistry()

    def quotes_in(self, sentence: Sentence) -> list[QuotedSpan]:
        return [q for q in self.quotes if q.start >= sentence.start and q.start < sentence.end]

    def frame_tokens(self, sentence: Sentence, quotes: list[QuotedSpan]) -> list[Token]:
        """Tokens of the sentence outside quotation marks, plus a marker token per quotation."""
        tokens: list[Token] = []
        pos = sentence.start
        for q in quotes:
            tokens += tokenize(self.text, pos, q.start)
            tokens.append(Token("\u201cQ\u201d", q.start, min(q.end, sentence.end)))
            pos = q.end
        if pos < sentence.end:
            tokens += tokenize(self.text, pos, sentence.end)
        return tokens


def _is_quote_token(tok: Token) -> bool:
    return tok.text == "\u201cQ\u201d"


def _cue_indices(tokens: list[Token], cues: set[str]) -> list[int]:
    """Cue verbs are lower-case inside a sentence ("the United States" holds no cue "states"),
    except in a Title Case headline ("Rubio Says …")."""
    words = [t for t in tokens if t.text.isalpha()]
    title_case = len(words) > 2 and sum(t.capitalized for t in words) >= 0.6 * len(words)
    return [
        i
        for i, t in enumerate(tokens)
        if CUE_WORDS.get(t.lower) in cues and (i == 0 or title_case or not t.capitalized)
    ]


def _according_to(tokens: list[Token]) -> tuple[int, Mention] | None:
    for i in range(len(tokens) - 2):
        if tokens[i].lower == "according" and tokens[i + 1].lower == "to":
            mention = subject_after(tokens, i + 1) or _source_phrase(tokens, i + 2)
            if mention is not None:
                return i, mention
    return None


_PHRASE_STOPS = {",", ".", ";", ":", "(", ")", "!", "?", "who", "which", "that", "and"}


def _source_phrase(tokens: list[Token], i: int) -> Mention | None:
    """'according to recent polling', '… to three people briefed on the talks': an unnamed
    source, kept as a description (it resolves to no one)."""
    j = i
    while j < len(tokens) and j - i < 12 and tokens[j].lower not in _PHRASE_STOPS:
        j += 1
    words = tokens[i:j]
    if not words or not any(t.text.isalpha() for t in words) or _is_quote_token(words[0]):
        return None
    text = " ".join(t.text for t in words)
    kind = "group" if words[-1].lower.endswith("s") else "nominal"
    return Mention(
        text, words[0].start, words[-1].end, kind, definite=words[0].lower in {"the", "this"}
    )


def _attribution_near(tokens: list[Token], lo: int, hi: int, placed: str) -> _Attribution | None:
    """A speaker + cue inside tokens[lo:hi] (a frame stretch with no quotation in it); `placed`
    names where that stretch lies relative to the quotation (CUE_BEFORE or CUE_AFTER)."""
    for ci in _cue_indices(tokens[lo:hi], SPEECH_CUES):
        cue_i = lo + ci
        mention = subject_before(tokens[lo : cue_i + 1], ci)
        if mention is None:
            mention = subject_after(tokens[:hi], cue_i)
        if mention is not None:
            return _Attribution(mention, tokens[cue_i].text, rule=placed)
    found = _according_to(tokens[lo:hi])
    if found:
        return _Attribution(found[1], "according to", confidence=0.85, rule=ACCORDING_TO)
    return None


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    while start < end and text[start] in " \t,:;":
        start += 1
    return start, end


def _quote_is_scare(text: str, q: QuotedSpan) -> bool:
    words = len(text[q.start : q.end].split())
    return words <= 3


def _find_in_sentence(art: _Article, s: Sentence, previous: _Found | None) -> list[_Found]:
    quotes = art.quotes_in(s)
    tokens = art.frame_tokens(s, quotes)
    text = art.text
    if not quotes:
        return _indirect(art, s, tokens)

    q_positions = [i for i, t in enumerate(tokens) if _is_quote_token(t)]
    first_q, last_q = q_positions[0], q_positions[-1]
    before = tokens[:first_q]
    after = tokens[last_q + 1 :]
    lead_is_quote = not before
    # "…," he said, "…": direct, the cue between the quotations or after them
    if lead_is_quote:
        attribution = _attribution_near(tokens, 0, len(tokens), CUE_AFTER) or _verb_after_quote(
            tokens, last_q
        )
        if (
            attribution is None
            and previous
            and previous.type == "direct"
            and (previous.sentence.paragraph >= s.paragraph - 1)
            and not [t for t in after if t.text not in {".", ",", "!", "?"}]
        ):
            attribution = _Attribution(
                previous.attribution.mention,
                None,
                previous.attribution.entity,
                confidence=0.75,
                rule=CONTINUATION,
            )
            return [_Found(quotes[0].start, quotes[-1].end, "direct", attribution, s, True)]
        if attribution is None:
            attribution = _dash_attribution(tokens, last_q)
        if attribution is None:
            return []
        end = (
            quotes[-1].end
            if not after or all(t.text in ".,!?" for t in after)
            else _last_quote_end(quotes, tokens, q_positions)
        )
        return [_Found(quotes[0].start, end, "direct", attribution, s)]

    # 'Zelensky said: "…"' / 'Zelensky said, "…"' : cue and colon or comma right before
    lead = before[-1].text if before else ""
    attribution = _attribution_near(tokens, 0, first_q, CUE_BEFORE)
    if attribution and lead in {":", ","} and _cue_indices(before, SPEECH_CUES):
        return [_Found(quotes[0].start, quotes[-1].end, "direct", attribution, s)]

    # participle: 'Trump attacked Clinton, saying, "…"' / 'saying anybody who … "…"'
    participle = next((i for i in range(first_q) if tokens[i].lower in PARTICIPLE_CUES), None)
    if attribution is None and participle is not None:
        subject = sentence_subject(tokens, participle)
        if subject is not None:
            attribution = _Attribution(
                subject, tokens[participle].text, confidence=0.8, rule=PARTICIPLE
            )
            if lead in {":", ","} and participle >= first_q - 2:
                return [_Found(quotes[0].start, quotes[-1].end, "direct", attribution, s)]

    # mixed: the quotation sits inside reported speech
    if attribution is None:
        attribution = _subject_attribution(tokens, first_q, art.registry)
    if attribution is None:
        attribution = _attribution_near(tokens, last_q + 1, len(tokens), CUE_AFTER)
    if attribution is None:
        return []
    if all(_quote_is_scare(text, q) for q in quotes) and attribution.cue is None:
        return []
    start = _content_start(tokens, attribution, first_q)
    if attribution.cue == "according to" and tokens[0].lower == "according":
        comma = next((k for k, t in enumerate(tokens[:first_q]) if t.text == ","), None)
        if comma is not None:
            start = tokens[comma + 1].start
    start, end = _strip_span(text, start, max(quotes[-1].end, _clause_end(tokens, last_q)))
    return [_Found(start, end, "mixed", attribution, s)]


_NOT_SPEECH = {
    "is",
    "was",
    "has",
    "does",
    "goes",
    "gets",
    "seems",
    "looks",
    "needs",
    "wants",
    "remains",
    "means",
    "includes",
    "makes",
    "takes",
    "comes",
    "lives",
    "works",
}


def _verb_after_quote(tokens: list[Token], last_q: int) -> _Attribution | None:
    """'"…," he surmised.' — any past-tense or -s verb right after the speaker that follows a
    quotation closing with a comma is its cue, lexicon or not."""
    k = last_q + 1
    if k < len(tokens) and tokens[k].text == ",":
        k += 1
    for end in range(k, min(len(tokens) - 1, k + 4)):
        verb = tokens[end + 1]
        low = verb.lower
        if (
            verb.text.islower()
            and low not in _NOT_SPEECH
            and (low.endswith("ed") or (low.endswith("s") and not low.endswith("ss")))
        ):
            mention = subject_before(tokens[: end + 2], end + 1)
            if mention is not None and mention.start == tokens[k].start:
                return _Attribution(mention, verb.text, confidence=0.8, rule=VERB_AFTER)
    return None


def _dash_attribution(tokens: list[Token], last_q: int) -> _Attribution | None:
    """'"…" ― Jorge Falcon': a name after a dash that follows the quotation."""
    k = last_q + 1
    if k < len(tokens) and tokens[k].text in {"―", "—", "–", "-"}:
        mention = subject_after(tokens, k)
        if mention is not None and mention.kind == "name":
            return _Attribution(mention, tokens[k].text, confidence=0.85, rule=DASH)
    return None


def _last_quote_end(quotes: list[QuotedSpan], tokens: list[Token], q_positions: list[int]) -> int:
    return quotes[-1].end


def _clause_end(tokens: list[Token], from_index: int) -> int:
    end = tokens[from_index].end
    for t in tokens[from_index + 1 :]:
        if t.text in {",", ";"} and CUE_WORDS.get(_peek_word(tokens, t)) in SPEECH_CUES:
            break
        end = t.end
    return end


def _peek_word(tokens: list[Token], tok: Token) -> str:
    i = tokens.index(tok)
    for t in tokens[i + 1 : i + 5]:
        if t.lower in CUE_WORDS:
            return t.lower
    return ""


def _subject_attribution(
    tokens: list[Token], limit: int, registry: EntityRegistry
) -> _Attribution | None:
    """The subject and main verb of a clause holding a quotation: 'Putin directed … "…"'."""
    for ci in _cue_indices(tokens[:limit], set(CUE_WORDS.values())):
        mention = subject_before(tokens, ci)
        if mention is not None:
            return _Attribution(mention, tokens[ci].text, confidence=0.8, rule=CUE_BEFORE)
    # any verb: 'Moore thanked him for "…"', 'Trump mocked Rubio for "…"'
    subject = sentence_subject(tokens, limit)
    if subject is None or subject.kind not in {"name", "pronoun"}:
        return None
    lone_capital = subject.kind == "name" and " " not in subject.text
    if lone_capital and not registry.knows(subject.name or ""):
        return None  # 'Protesters carried …': a capitalised first word is not a name
    after = next((i for i, t in enumerate(tokens) if t.start >= subject.end), None)
    if after is None or after >= limit:
        return None
    verb = tokens[after]
    low = verb.lower
    if verb.text.islower() and low not in _NOT_SPEECH and low.endswith("ed"):
        return _Attribution(subject, verb.text, confidence=0.65, rule=SUBJECT_VERB)
    return None


def _content_start(tokens: list[Token], attribution: _Attribution, first_q: int) -> int:
    cue_positions = [i for i, t in enumerate(tokens[:first_q]) if t.text == attribution.cue]
    if not cue_positions:
        return tokens[first_q].start
    i = cue_positions[-1] + 1
    that = next((k for k in range(i, min(first_q, i + 10)) if tokens[k].lower == "that"), None)
    if that is not None:
        return tokens[that + 1].start if that + 1 < len(tokens) else tokens[first_q].start
    return tokens[i].start if i < len(tokens) else tokens[first_q].start


_REPORTING_OBJECTS = {
    "reporters",
    "journalists",
    "interview",
    "statement",
    "radio",
    "television",
    "tv",
    "the",
    "a",
    "to",
    "in",
    "on",
    "at",
}


def _indirect(art: _Article, s: Sentence, tokens: list[Token]) -> list[_Found]:
    """Reported speech: 'X said (that) …', '…, X said.', 'According to X, …', 'X plans to …'.

    A sentence may hold several ('X said … but Y argued that …'); they must not overlap.
    """
    if len(tokens) < 5:
        return []
    found = _according_to_clause(art, s, tokens)
    if found:
        return [found]
    candidates: list[_Found] = []
    for ci in _cue_indices(tokens, INDIRECT_CUES | INTENT_CUES | THAT_ONLY_CUES):
        found = _cue_at_end(art, s, tokens, ci) or _cue_with_complement(art, s, tokens, ci)
        if found:
            candidates.append(found)
    for pi in (i for i, t in enumerate(tokens) if t.lower in PARTICIPLE_CUES):
        found = _participle_clause(art, s, tokens, pi)
        if found:
            candidates.append(found)
    chosen: list[_Found] = []
    for found in sorted(candidates, key=lambda f: -f.attribution.confidence):
        if all(found.end <= c.start or found.start >= c.end for c in chosen):
            chosen.append(found)
    return sorted(chosen, key=lambda f: f.start)


def _according_to_clause(art: _Article, s: Sentence, tokens: list[Token]) -> _Found | None:
    found = _according_to(tokens)
    if not found:
        return None
    i, mention = found
    attribution = _Attribution(mention, "according to", confidence=0.7, rule=ACCORDING_TO)
    if i == 0:
        comma = next((k for k, t in enumerate(tokens) if t.text == ","), None)
        if comma is not None and comma < len(tokens) - 3:
            start, end = _strip_span(art.text, tokens[comma + 1].start, s.end)
            return _Found(start, end, "indirect", attribution, s)
    elif i > 3 and tokens[i - 1].text == ",":
        after = [t for t in tokens if t.start >= mention.end]
        span_end = tokens[i - 1].start
        if len(after) > 4 and after[0].text == ",":  # '…, according to X, the rest.'
            span_end = s.end
        start, end = _strip_span(art.text, s.start, span_end)
        return _Found(start, end, "indirect", attribution, s)
    return None


def _cue_at_end(art: _Article, s: Sentence, tokens: list[Token], ci: int) -> _Found | None:
    """The cue after the content: '…, X said.', '…, said X, a professor.', '…, X said, adding
    …', and the parenthetical '…, officials said, was aimed at …' (content on both sides)."""
    tok = tokens[ci]
    if ci < 4 or CUE_WORDS.get(tok.lower) not in INDIRECT_CUES:
        return None
    inverted = tokens[ci - 1].text == "," and CUE_WORDS.get(tok.lower) in {"say", "add", "write"}
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
    if any(_is_quote_token(t) for t in tokens[:k]):
        return None  # a quotation: the direct-quote rules own it
    tail = tokens[after:] if after is not None else []
    span_end = tokens[k].start
    if all(t.text in ".!?" for t in tail):
        pass
    elif tail[0].text == ",":
        rest = [t for t in tail[1:] if t.text not in ".!?"]
        parenthetical = not inverted and len(rest) >= 4 and rest[0].lower not in PARTICIPLE_CUES
        if parenthetical:
            span_end = s.end
    elif not (
        CUE_WORDS.get(tok.lower) in {"tell", "write", "say"}
        and len(tail) <= 6
        and all(t.text in ".!?" or t.capitalized or t.lower in _REPORTING_OBJECTS for t in tail)
    ):
        return None
    start, end = _strip_span(art.text, s.start, span_end)
    attribution = _Attribution(mention, tok.text, confidence=0.7, rule=CUE_AFTER)
    return _Found(start, end, "indirect", attribution, s)


def _cue_with_complement(art: _Article, s: Sentence, tokens: list[Token], ci: int) -> _Found | None:
    """'X said (that) …', 'X plans to …', 'X called for …'."""
    tok = tokens[ci]
    lemma = CUE_WORDS[tok.lower]
    mention = (
        subject_before(tokens, ci)
        or _coordinate_subject(tokens, ci)
        or _relative_subject(art, s, tokens, ci)
        or _clause_initial_subject(tokens, ci)
        or _fronted_subject(tokens, ci)
    )
    if mention is None:
        return None
    if lemma == "call" and ci + 1 < len(tokens) and tokens[ci + 1].lower == "for":
        start_i, has_that = ci + 2, False
    else:
        start_i, has_that = _complement_start(tokens, ci)
        if start_i is None:
            return None
        intent = lemma in INTENT_CUES and tokens[start_i].lower == "to"
        that_next = has_that and start_i == ci + 2
        bare_clause = lemma in _BARE_CLAUSE_CUES and not has_that
        if lemma not in INDIRECT_CUES and not that_next and not intent and not bare_clause:
            return None
    if start_i >= len(tokens) - 2:
        return None
    start, end = _strip_span(art.text, tokens[start_i].start, _clause_stop(tokens, start_i, s))
    if end - start < 12:
        return None
    confidence = 0.7 if has_that else 0.6
    if mention.kind in {"nominal", "group"} and not mention.definite:
        confidence -= 0.1
    attribution = _Attribution(mention, tok.text, confidence=confidence, rule=CUE_BEFORE)
    return _Found(start, end, "indirect", attribution, s)


def _fronted_subject(tokens: list[Token], ci: int) -> Mention | None:
    """'Yin Myint May, 60, a doctor, said …' / 'Mr. Trump, in an interview, said …': the name
    opening the sentence, set off by commas from the cue."""
    if ci < 4 or tokens[ci - 1].text != ",":
        return None
    first_comma = next(k for k, t in enumerate(tokens) if t.text == ",")
    if first_comma >= ci - 1 or ci - first_comma > 40:
        return None
    if any(_is_quote_token(t) or t.lower in CUE_WORDS for t in tokens[first_comma : ci - 1]):
        return None
    mention = sentence_subject(tokens, first_comma)
    if mention is None or mention.end != tokens[first_comma].start:
        return None
    return mention


def _participle_clause(art: _Article, s: Sentence, tokens: list[Token], pi: int) -> _Found | None:
    """'He pitched himself to voters, telling them that …': the main subject said it."""
    start_i = None
    for k in range(pi + 1, min(len(tokens), pi + 6)):
        if tokens[k].lower == "that":
            start_i = k + 1
            break
    if start_i is None and pi + 1 < len(tokens) and tokens[pi].lower == "saying":
        start_i = pi + 1
    if start_i is None or start_i >= len(tokens) - 2:
        return None
    mention = sentence_subject(tokens, pi)
    if mention is None:
        return None
    start, end = _strip_span(art.text, tokens[start_i].start, _clause_stop(tokens, start_i, s))
    if end - start < 12:
        return None
    attribution = _Attribution(mention, tokens[pi].text, confidence=0.6, rule=PARTICIPLE)
    return _Found(start, end, "indirect", attribution, s)


def _relative_subject(art: _Article, s: Sentence, tokens: list[Token], ci: int) -> Mention | None:
    """'…, who said …': the relative pronoun stands for the name before it."""
    j = ci - 1
    while j >= 0 and tokens[j].lower in {"has", "have", "had", "also", "later", "then"}:
        j -= 1
    if j < 1 or tokens[j].lower not in {"who", "which", "that"}:
        return None
    if tokens[j].lower == "that" and tokens[j - 1].text != ",":
        return None
    for k in range(j - 1, max(-1, j - 8), -1):
        if is_name_token(tokens[k]):
            end = k
            while k - 1 >= 0 and is_name_token(tokens[k - 1]):
                k -= 1
            named = name_mention(tokens, k, end)
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
    return None


def _clause_initial_subject(tokens: list[Token], ci: int) -> Mention | None:
    """A longer subject noun phrase opening the sentence: 'Political observers in Virginia say'."""
    if ci < 2 or ci > 10:
        return None
    span = tokens[:ci]
    if any(t.text in {",", ";", ":"} or _is_quote_token(t) for t in span):
        return None
    if any(t.lower in _VERBISH for t in span):
        return None
    head = span[-1]
    if not head.text.isalpha() or head.lower in DETERMINERS:
        return None
    text = " ".join(t.text for t in span)
    return Mention(text, span[0].start, span[-1].end, "group", definite=False)


_VERBISH = {
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "do",
    "does",
    "did",
    "will",
    "would",
    "can",
    "could",
    "should",
    "may",
    "might",
    "must",
    "not",
    "if",
    "when",
    "while",
    "because",
    "although",
    "though",
    "as",
    "than",
    "that",
    "which",
    "who",
    "it",
    "there",
    "this",
}


def _clause_stop(tokens: list[Token], start_i: int, s: Sentence) -> int:
    """Reported clauses end at the sentence end or at ', but <subject> <cue>'."""
    for k in range(start_i + 1, len(tokens) - 2):
        if (
            tokens[k].text in {",", ";"}
            and tokens[k + 1].lower in {"but", "while", "and"}
            and any(t.lower in CUE_WORDS for t in tokens[k + 2 : k + 7])
        ):
            return tokens[k].start
    return s.end


def _coordinate_subject(tokens: list[Token], ci: int) -> Mention | None:
    """'Putin has not ruled it out but has emphasized that …': the subject of the first verb."""
    j = ci - 1
    while j >= 0 and tokens[j].lower in {"has", "have", "had", "also", "later", "then", "was"}:
        j -= 1
    if j < 1 or tokens[j].lower not in {"and", "but"}:
        return None
    for k in range(0, min(j, 6)):
        mention = subject_before(tokens, k + 1) if k + 1 < j else None
        if mention is not None and mention.start == tokens[0].start:
            return mention
    return None


# Cues that take a clause without "that": 'he said the talks were over'.
_BARE_CLAUSE_CUES = {
    "show",
    "find",
    "say",
    "add",
    "claim",
    "argue",
    "insist",
    "believe",
    "think",
    "explain",
    "note",
    "write",
    "predict",
    "suggest",
    "acknowledge",
    "admit",
    "concede",
    "confirm",
    "feel",
    "state",
    "declare",
    "estimate",
    "assert",
    "contend",
    "maintain",
    "warn",
    "announce",
    "reiterate",
    "stress",
    "emphasize",
    "tweet",
    "post",
    "report",
    "complain",
    "agree",
    "recall",
    "allege",
}


def _complement_start(tokens: list[Token], ci: int) -> tuple[int | None, bool]:
    """Where the reported clause after a cue begins (and whether "that" opened it)."""
    if ci + 1 >= len(tokens):
        return None, False
    for k in range(ci + 1, min(len(tokens), ci + 9)):
        if tokens[k].lower == "that":
            return k + 1, True
        if tokens[k].text in {".", ";"} or _is_quote_token(tokens[k]):
            break
    nxt = tokens[ci + 1]
    if CUE_WORDS.get(tokens[ci].lower) in INTENT_CUES and nxt.lower == "to":
        return ci + 1, False
    nxt_i = ci + 2 if nxt.text == "," and ci + 2 < len(tokens) else ci + 1
    nxt = tokens[nxt_i]
    if CUE_WORDS.get(tokens[ci].lower) not in _BARE_CLAUSE_CUES:
        return None, False
    word = re.split(r"[’']", nxt.lower)[0]
    if word in _CLAUSE_OPENERS or (nxt.capitalized and word not in _NOT_CLAUSE_OPENERS):
        return nxt_i, False
    if nxt.text.isalpha() and nxt.text.islower() and word not in _NOT_CLAUSE_OPENERS:
        return nxt_i, False  # 'said closed primaries deny …'
    return None, False


# After a bare cue these start an adverbial or an object, not the reported clause.
_NOT_CLAUSE_OPENERS = {
    "on",
    "in",
    "at",
    "to",
    "for",
    "during",
    "after",
    "before",
    "of",
    "with",
    "about",
    "by",
    "from",
    "so",
    "as",
    "nothing",
    "little",
    "much",
    "more",
    "yes",
    "goodbye",
    "hello",
    "something",
    "anything",
    "otherwise",
    "while",
    "when",
    "last",
    "next",
    "earlier",
    "later",
    "recently",
    "previously",
    "repeatedly",
    "publicly",
    "privately",
    "only",
    "again",
    "also",
    "then",
    "now",
    "today",
    "yesterday",
    "tonight",
    "simply",
    "flatly",
    "bluntly",
    "frankly",
    "candidly",
    "openly",
    "not",
    "and",
    "or",
    "but",
    "him",
    "her",
    "them",
    "me",
    "us",
    "himself",
    "herself",
    "themselves",
    "what",
    "how",
    "why",
    "whether",
    "where",
    "who",
}


# Words that open a reported clause after a bare cue: 'said he'd …', 'says the plan …'.
_CLAUSE_OPENERS = {
    "he",
    "she",
    "they",
    "we",
    "i",
    "it",
    "there",
    "the",
    "his",
    "her",
    "their",
    "this",
    "these",
    "those",
    "its",
    "our",
    "you",
    "a",
    "an",
    "no",
    "some",
    "all",
    "many",
    "most",
    "both",
    "every",
    "each",
    "any",
    "several",
    "nobody",
    "nothing",
    "everyone",
    "everything",
    "if",
    "once",
}


def _nominal_cue(text: str, s: Sentence) -> str | None:
    lowered = text[s.start : s.end].lower()
    return next((cue for cue in NOMINAL_CUES if cue in lowered), None)


def _context(art: _Article, first: Sentence, last: Sentence) -> str:
    lo = max(0, first.index - 1)
    hi = min(len(art.sentences) - 1, last.index + 1)
    start, end = art.sentences[lo].start, art.sentences[hi].end
    if end - start > CONTEXT_CHARS:
        start, end = first.start, max(last.end, min(first.start + CONTEXT_CHARS, last.end))
    return art.text[start:end].strip()


def extract(text: str, published: date | None = None) -> list[ExtractedQuote]:
    art = _Article(text, published)
    found_all: list[tuple[_Found, Entity | None]] = []
    previous: _Found | None = None
    for s in art.sentences:
        for mention in names_in(text, s.start, s.end):
            if not any(q.start <= mention.start < q.end for q in art.quotes):
                art.registry.observe(mention, s.index, subject=False)
        _mark_subject(art, s)
        for found in _find_in_sentence(art, s, previous):
            if found.continuation and previous and previous.sentence.paragraph == s.paragraph:
                previous.end = found.end  # '"A," X said. "B."' is one attribution
                previous.last_sentence = s
                continue
            entity = found.attribution.entity
            mention = found.attribution.mention
            if entity is None and mention is not None:
                entity = art.registry.resolve(mention, s.index)
            if entity is not None:
                art.registry.spoke(entity, s.index)
            found.attribution.entity = entity
            found_all.append((found, entity))
            previous = found
    return [_to_quote(art, f, e) for f, e in found_all if _attributable(f, e)]


def _mark_subject(art: _Article, s: Sentence) -> None:
    tokens = tokenize(art.text, s.start, min(s.end, s.start + 120))
    for m in names_in(art.text, s.start, min(s.end, s.start + 80))[:1]:
        if tokens and m.start - s.start < 40:
            art.registry.observe(m, s.index, subject=True)


def _attributable(found: _Found, entity: Entity | None) -> bool:
    mention = found.attribution.mention
    if mention is None:
        return False
    if entity is None and mention.kind == "pronoun":
        return False
    return found.end > found.start


def _speaker_name(found: _Found, entity: Entity | None) -> str | None:
    if entity is not None:
        return entity.name
    mention = found.attribution.mention
    if mention is None:
        return None
    if mention.kind == "name":
        return mention.name
    words = mention.text.split()
    if words and words[0].lower() in {"a", "an", "the", "one", "another"}:
        words = words[1:]
    return " ".join(words) or None


def _speaker_kind(found: _Found, entity: Entity | None) -> str | None:
    if entity is not None:
        return entity.kind
    mention = found.attribution.mention
    if mention is None:
        return None
    return "unknown" if mention.kind == "name" else mention.kind


def _to_quote(art: _Article, found: _Found, entity: Entity | None) -> ExtractedQuote:
    mention = found.attribution.mention
    sentence_text = art.text[found.sentence.start : found.sentence.end]
    frame = "".join(
        ch if not (found.start <= found.sentence.start + i < found.end) else " "
        for i, ch in enumerate(sentence_text)
    )
    confidence = found.attribution.confidence
    if mention is not None and mention.kind in {"nominal", "group"} and entity is None:
        confidence -= 0.25
    if mention is not None and mention.kind == "pronoun":
        confidence -= 0.1
    kind = found.type
    span_text = art.text[found.start : found.end]
    if kind == "direct" and not any(c in QUOTE_CHARS for c in span_text):
        kind = "indirect"
    if (
        kind == "mixed"
        and span_text[:1] in QUOTE_CHARS
        and span_text.rstrip(".,")[-1:] in QUOTE_CHARS
        and sum(span_text.count(c) for c in QUOTE_CHARS) == 2
    ):
        kind = "direct"
    return ExtractedQuote(
        text=span_text,
        type=kind,
        start=found.start,
        end=found.end,
        speaker=_speaker_name(found, entity),
        mention=mention.text if mention else None,
        mention_start=mention.start if mention else None,
        mention_end=mention.end if mention else None,
        cue=found.attribution.cue or _nominal_cue(art.text, found.sentence),
        context=_context(art, found.sentence, found.last_sentence or found.sentence),
        said_on=date_said(frame, art.published) or art.published,
        confidence=round(max(0.05, min(confidence, 0.99)), 2),
        speaker_kind=_speaker_kind(found, entity),
        speaker_aliases=tuple(entity.aliases) if entity else (),
        speaker_description=entity.description if entity else None,
        rule=rule_name(kind, found.attribution.rule, _resolution(found, entity)),
        parts=_parts(art, found, kind),
    )


def _resolution(found: _Found, entity: Entity | None) -> str:
    mention = found.attribution.mention
    if found.attribution.rule == CONTINUATION:
        return INHERITED
    if mention is None:
        return UNRESOLVED
    if mention.kind == "name":
        return NAME
    if mention.kind == "pronoun":
        return PRONOUN if entity is not None else UNRESOLVED
    return ROLE if entity is not None else DESCRIPTION


def _parts(art: _Article, found: _Found, kind: str) -> tuple[tuple[int, int], ...]:
    """The quoted words inside their marks, in order, one part per paragraph of a quotation
    that runs on; the whole content for reported speech."""
    if kind == "indirect":
        return ((found.start, found.end),)
    parts: list[tuple[int, int]] = []
    for q in art.quotes:
        if not (found.start <= q.start < found.end):
            continue
        end = min(q.end, found.end)
        if q.closed and end == q.end:
            end -= 2 if art.text[end - 2 : end] == "''" else 1
        pos = q.start
        for line in art.text[q.start : end].split("\n"):
            lo, hi = pos, pos + len(line)
            pos = hi + 1
            while lo < hi:
                step = 2 if art.text[lo : lo + 2] in {"``", "''"} else 1
                if step == 1 and art.text[lo] not in QUOTE_CHARS and not art.text[lo].isspace():
                    break
                lo += step
            while hi > lo and art.text[hi - 1].isspace():
                hi -= 1
            if hi > lo:
                parts.append((lo, hi))
    return tuple(parts)
