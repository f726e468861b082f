"""Quotations: direct quotes and quoted fragments inside reported speech (mixed)."""

from __future__ import annotations

from indexer.extract.clause_subjects import relative_subject
from indexer.extract.coref import EntityRegistry
from indexer.extract.cue import (
    according_to,
    attribution_near,
    cue_indices,
    finite_cue,
    is_quote_token,
    passive_cue,
    strip_span,
)
from indexer.extract.lang.en.clauses import NOT_SPEECH, VERBISH
from indexer.extract.lang.en.cues import CUE_WORDS, PARTICIPLE_CUES, SPEECH_CUES
from indexer.extract.lang.en.nouns import DOCUMENT_NOUNS, PREPOSITIONS, WORDS_NOUNS
from indexer.extract.mentions import Mention
from indexer.extract.model import Article, Attribution, Found
from indexer.extract.reported import reported_in_sentence
from indexer.extract.rules import (
    ACCORDING_TO,
    COLON,
    CUE_AFTER,
    CUE_BEFORE,
    DASH,
    PARTICIPLE,
    SUBJECT_VERB,
    VERB_AFTER,
)
from indexer.extract.subjects import (
    participle_subject,
    sentence_subject,
    subject_after,
    subject_before,
)
from indexer.extract.text import QuotedSpan, Sentence
from indexer.extract.tokens import Token, is_name_token


def _quote_is_scare(text: str, q: QuotedSpan) -> bool:
    words = len(text[q.start : q.end].split())
    return words <= 3


def quotations_in_sentence(
    art: Article, s: Sentence, quotes: list[QuotedSpan], tokens: list[Token], previous: Found | None
) -> list[Found]:
    """The attributed quotations of a sentence that holds some: direct or mixed."""
    text = art.text

    q_positions = [i for i, t in enumerate(tokens) if is_quote_token(t)]
    first_q, last_q = q_positions[0], q_positions[-1]
    opener = _titled_opener(text, tokens, quotes, first_q)
    if opener is not None:  # 'On "Face the Nation," Ryan said …': the title is no quotation
        rest = [q for q in quotes if q.start > tokens[opener].start]
        if not rest:
            return reported_in_sentence(art, s, tokens[opener + 1 :])
        return quotations_in_sentence(art, s, rest, tokens[opener + 1 :], previous)
    before = tokens[:first_q]
    after = tokens[last_q + 1 :]
    lead_is_quote = not before
    # "…," he said, "…": direct, the cue between the quotations or after them
    if lead_is_quote:
        attribution = attribution_near(tokens, 0, len(tokens), CUE_AFTER) or _verb_after_quote(
            tokens, last_q
        )
        if attribution is None and art.colon is not None:
            attribution = art.colon  # 'Name continued:' then the quotation
        last_quoted = previous and (previous.last_sentence or previous.sentence).index
        if (
            attribution is None
            and previous
            and previous.type == "direct"
            and last_quoted == s.index - 1  # nothing said by anyone else in between
            and not [t for t in after if t.text not in {".", ",", "!", "?"}]
        ):
            # a quotation running on from the previous one, in its paragraph or the next
            attribution = previous.attribution
            return [Found(quotes[0].start, quotes[-1].end, "direct", attribution, s, True)]
        if (
            attribution is None
            and previous is not None
            and _runs_on_from_fragment(previous, s)
            and not [t for t in after if t.text not in {".", ",", "!", "?"}]
        ):
            # 'She chose it because "…," she said. "…"': a quotation of its own, same speaker
            return [Found(quotes[0].start, quotes[-1].end, "direct", previous.attribution, s)]
        if attribution is None:
            attribution = _dash_attribution(tokens, last_q)
        if attribution is None:
            return []
        end = quotes[-1].end
        return _split_at_participle(art, s, tokens, quotes, attribution) or [
            Found(quotes[0].start, end, "direct", attribution, s)
        ]

    # 'Zelensky said: "…"' / 'Zelensky said, "…"' : cue and colon or comma right before
    lead = before[-1].text if before else ""
    headed = _name_after_dash(before) if lead == ":" else None
    if headed is None and lead == ":":
        owner = _owner_of_words(before)  # 'Abedin's reply: "…"'
        headed = Attribution(owner, ":", rule=COLON) if owner is not None else None
    if headed is not None:
        return [Found(quotes[0].start, quotes[-1].end, "direct", headed, s)]
    if lead in {":", ","} and cue_indices(before, SPEECH_CUES):
        nearest = attribution_near(tokens, 0, first_q, CUE_BEFORE, nearest=True)
        if nearest:
            return [Found(quotes[0].start, quotes[-1].end, "direct", nearest, s)]
    attribution = attribution_near(tokens, 0, first_q, CUE_BEFORE) or _relative_attribution(
        art, s, tokens, first_q
    )
    if attribution is not None and _a_crowd(attribution.mention):
        found = according_to(tokens[last_q + 1 :])
        if found is not None:  # 'Most voters say …, according to an Acme poll': the poll
            attribution = Attribution(found[1], "according to", rule=ACCORDING_TO)

    # participle: 'Trump attacked Clinton, saying, "…"' / 'saying anybody who … "…"'
    participle = next((i for i in range(first_q) if tokens[i].lower in PARTICIPLE_CUES), None)
    if attribution is None and participle is not None:
        subject = participle_subject(tokens, participle)
        if subject is not None:
            attribution = Attribution(subject, tokens[participle].text, rule=PARTICIPLE)
            if lead in {":", ","} and participle >= first_q - 2:
                return [Found(quotes[0].start, quotes[-1].end, "direct", attribution, s)]

    # mixed: the quotation sits inside reported speech
    if attribution is None:
        attribution = _subject_attribution(tokens, first_q, art.registry)
    if attribution is None:
        attribution = attribution_near(tokens, last_q + 1, len(tokens), CUE_AFTER)
    if attribution is None:
        return []
    if all(_quote_is_scare(text, q) for q in quotes) and attribution.cue is None:
        return []
    start = _content_start(tokens, attribution, first_q)
    if attribution.cue == "according to" and tokens[0].lower == "according":
        comma = next((k for k, t in enumerate(tokens[:first_q]) if t.text == ","), None)
        if comma is not None:
            start = tokens[comma + 1].start
    start, end = strip_span(text, start, max(quotes[-1].end, _clause_end(tokens, last_q)))
    return (
        _split_at_participle_before(art, s, tokens, start, end, first_q, attribution)
        or _split_at_second_cue(art, s, tokens, start, end, attribution)
        or [Found(start, end, "mixed", attribution, s)]
    )


def _split_at_participle_before(
    art: Article,
    s: Sentence,
    tokens: list[Token],
    start: int,
    end: int,
    first_q: int,
    said: Attribution,
) -> list[Found]:
    """'Li said the plan was dead, telling reporters that "…"': the reported clause ends at
    the participle, whose own content (with the quotation) is a second attribution."""
    k = next(
        (
            k
            for k in range(1, first_q - 1)
            if start < tokens[k].start
            and tokens[k].text == ","
            and tokens[k + 1].lower in PARTICIPLE_CUES
        ),
        None,
    )
    if k is None or said.mention is None or tokens[k - 1].end - start < 12:
        return []
    pi = k + 1
    that = next((j for j in range(pi + 1, min(first_q, pi + 6)) if tokens[j].lower == "that"), None)
    b = that + 1 if that is not None else pi + 1
    while b < first_q and tokens[b].text in {",", ":"}:
        b += 1
    if that is None and b != first_q and tokens[pi].lower not in {"saying", "adding", "writing"}:
        return []
    second = Attribution(said.mention, tokens[pi].text, rule=PARTICIPLE)
    lo, hi = strip_span(art.text, start, tokens[k - 1].end)
    first = Found(lo, hi, "indirect", said, s)
    lo, hi = strip_span(art.text, tokens[b].start, end)
    return [first, Found(lo, hi, "mixed", second, s)]


def _split_at_second_cue(
    art: Article, s: Sentence, tokens: list[Token], start: int, end: int, said: Attribution
) -> list[Found]:
    """'Li called it "a con" and urged voters to "look away"': a second cue verb of the same
    subject after 'and' opens a second attribution; each keeps its own quoted words."""
    k = next(
        (
            k
            for k, t in enumerate(tokens[:-3])
            if start < t.start < end and t.lower in {"and", "but"} and finite_cue(tokens, k + 1)
        ),
        None,
    )
    if k is None or said.mention is None:
        return []
    c = k + 1
    while tokens[c].lower in {"also", "then", "later", "has", "have", "had"}:
        c += 1
    b = c + 1
    if c + 2 < len(tokens) and tokens[c + 1].lower == "that" and tokens[c + 2].lower not in VERBISH:
        b = c + 2  # 'and said that the …', but 'and said that was …' keeps its 'that'
    first_end = tokens[k - 1].end
    if b >= len(tokens) or tokens[b].start >= end or first_end - start < 8:
        return []
    second = Attribution(said.mention, tokens[c].text, rule=CUE_BEFORE)
    found = []
    for lo, hi, who in ((start, first_end, said), (tokens[b].start, end, second)):
        lo, hi = strip_span(art.text, lo, hi)
        quoted = any(lo <= q.start < hi for q in art.quotes)
        found.append(Found(lo, hi, "mixed" if quoted else "indirect", who, s))
    return found


def _titled_opener(
    text: str, tokens: list[Token], quotes: list[QuotedSpan], first_q: int
) -> int | None:
    """The comma closing an opening adverbial that holds only short quoted titles ('On
    Tuesday's episode of "The Morning Show,"', 'In an interview on CBS's "Face the Nation,"'),
    or None: the sentence proper, with its cue and quotations, starts after it."""
    if not tokens or tokens[0].lower not in PREPOSITIONS or first_q > 12:
        return None
    quoted = text[tokens[first_q].start : tokens[first_q].end]
    comma = first_q if quoted.rstrip("\"”'’ ").endswith(",") else None  # 'of "Face the Nation,"'
    for k in range(first_q + 1, min(len(tokens), first_q + 3)):
        if comma is None and tokens[k].text == ",":
            comma = k
    if comma is None or comma + 4 >= len(tokens):
        return None
    if any(t.lower in CUE_WORDS for t in tokens[:comma]):
        return None
    titles = [q for q in quotes if q.start < tokens[comma].end]
    if not titles or not all(_quote_is_scare(text, q) for q in titles):
        return None
    return comma


def _split_at_participle(
    art: Article, s: Sentence, tokens: list[Token], quotes: list[QuotedSpan], said: Attribution
) -> list[Found]:
    """'"…," she said, adding, "…"' / '…, adding that …': the participle after the cue opens
    a second attribution of the same speaker (a quotation, or reported speech after it)."""
    first_q = next(i for i, t in enumerate(tokens) if is_quote_token(t))
    pi = next(
        (
            i
            for i in range(first_q + 2, len(tokens) - 1)
            if tokens[i].lower in PARTICIPLE_CUES and tokens[i - 1].text in {",", "before", "later"}
        ),
        None,
    )
    if pi is None or said.mention is None:
        return []
    cut = tokens[pi].start
    head = [q for q in quotes if q.start < cut]
    rest = [q for q in quotes if q.start > cut]
    if not head:
        return []
    first = Found(head[0].start, head[-1].end, "direct", said, s)
    second = Attribution(said.mention, tokens[pi].text, rule=PARTICIPLE)
    k = pi + 1
    while k < len(tokens) and tokens[k].text in {",", ":", "that", "later", "then"}:
        k += 1
    if rest and k < len(tokens) and is_quote_token(tokens[k]):
        return [first, Found(rest[0].start, rest[-1].end, "direct", second, s)]
    if k >= len(tokens) - 3 or not tokens[k].text[:1].isalnum():
        return []
    start, end = strip_span(art.text, tokens[k].start, s.end)
    return [first, Found(start, end, "mixed" if rest else "indirect", second, s)]


def _runs_on_from_fragment(previous: Found, s: Sentence) -> bool:
    """The sentence before, in the same paragraph, ended on a quoted fragment with its cue
    after it ('… because "…," she said.'): a quotation alone in this sentence is hers."""
    return (
        previous.type == "mixed"
        and previous.attribution.rule == CUE_AFTER
        and previous.sentence.index == s.index - 1
        and previous.sentence.paragraph == s.paragraph
    )


def _a_crowd(mention: Mention | None) -> bool:
    """'Americans', 'most voters': people counted by a poll, not one speaker."""
    if mention is None:
        return False
    if mention.kind == "group":
        return True
    words = (mention.name or "").split()
    return mention.kind == "name" and len(words) == 1 and words[0].endswith(("ans", "ats", "ers"))


def _relative_attribution(
    art: Article, s: Sentence, tokens: list[Token], first_q: int
) -> Attribution | None:
    """'… from Ann Li, who says it is "a disaster"': the relative pronoun after a comma
    stands for the name before it ('Republicans who agree …' names a group, not a speaker)."""
    for ci in reversed(cue_indices(tokens[:first_q], SPEECH_CUES)):
        mention = relative_subject(art, s, tokens, ci)
        at = next((k for k, t in enumerate(tokens) if mention and t.start == mention.start), 0)
        if mention is not None and at >= 1 and tokens[at - 1].text == ",":
            return Attribution(mention, tokens[ci].text, rule=CUE_BEFORE)
    return None


def _verb_after_quote(tokens: list[Token], last_q: int) -> Attribution | None:
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
            and low not in NOT_SPEECH
            and (low.endswith("ed") or (low.endswith("s") and not low.endswith("ss")))
        ):
            mention = subject_before(tokens[: end + 2], end + 1)
            if mention is not None and mention.start == tokens[k].start:
                return Attribution(mention, verb.text, rule=VERB_AFTER)
    return None


def _dash_attribution(tokens: list[Token], last_q: int) -> Attribution | None:
    """'"…" ― Jorge Falcon': a name after a dash that follows the quotation."""
    k = last_q + 1
    if k < len(tokens) and tokens[k].text in {"―", "—", "–", "-"}:
        mention = subject_after(tokens, k)
        if mention is not None and mention.kind == "name":
            return Attribution(mention, tokens[k].text, rule=DASH)
    return None


def _clause_end(tokens: list[Token], from_index: int) -> int:
    """Where a mixed quotation's clause ends after its last quotation: at a comma or
    semicolon before another cue, or at 'and <cue verb>' ('… "a con" and encouraged …')."""
    end = tokens[from_index].end
    for k in range(from_index + 1, len(tokens)):
        t = tokens[k]
        if t.text in {",", ";"} and CUE_WORDS.get(_peek_word(tokens, t)) in SPEECH_CUES:
            break
        if t.lower in {"and", "but"} and finite_cue(tokens, k + 1):
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
) -> Attribution | None:
    """The subject and main verb of a clause holding a quotation: 'Putin directed … "…"'."""
    for ci in cue_indices(tokens[:limit], set(CUE_WORDS.values())):
        if passive_cue(tokens, ci):
            continue
        mention = subject_before(tokens, ci)
        if mention is not None:
            return Attribution(mention, tokens[ci].text, rule=CUE_BEFORE)
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
    if verb.text.islower() and low not in NOT_SPEECH and low.endswith("ed"):
        return Attribution(subject, verb.text, rule=SUBJECT_VERB)
    return None


def _a_verb(tok: Token) -> bool:
    """A word that is likely a finite verb inside the reported clause ('demand', 'is')."""
    low = tok.lower
    if low in VERBISH - {"that", "it", "this", "as", "if", "when", "while"}:
        return True
    return tok.text.islower() and low.endswith(("s", "ed")) and low not in PREPOSITIONS | {"has"}


def _content_start(tokens: list[Token], attribution: Attribution, first_q: int) -> int:
    cue_positions = [i for i, t in enumerate(tokens[:first_q]) if t.text == attribution.cue]
    if not cue_positions:
        return tokens[first_q].start
    i = cue_positions[-1] + 1
    that = next((k for k in range(i, min(first_q, i + 10)) if tokens[k].lower == "that"), None)
    if that is not None and any(_a_verb(t) for t in tokens[i:that]):
        that = None  # 'said the storms demand that …': 'that' belongs to the reported clause
    if that is not None:
        return tokens[that + 1].start if that + 1 < len(tokens) else tokens[first_q].start
    return tokens[i].start if i < len(tokens) else tokens[first_q].start


def _name_after_dash(before: list[Token]) -> Attribution | None:
    """'Pollsters agree - Ann Li: "…"': in a roundup a headline, a dash, then the name of the
    one quoted before the colon; the name speaks, not the subject of the headline."""
    dash = max((k for k, t in enumerate(before) if t.text in {"-", "–", "—"}), default=None)
    if dash is None or len(before) - dash > 6:
        return None
    name = before[dash + 1 : -1]
    if not name or not all(is_name_token(t) for t in name):
        return None
    mention = sentence_subject(name, len(name))
    if mention is None or mention.kind != "name":
        return None
    return Attribution(mention, ":", rule=COLON)


def colon_attribution(tokens: list[Token]) -> Attribution | None:
    """'Caddell continued:', 'The Times reports:', 'Name's reply:', 'Name, Outlet:' — a
    sentence ending in a colon that names who speaks in the quotation after it."""
    if len(tokens) < 2 or tokens[-1].text != ":" or any(is_quote_token(t) for t in tokens):
        return None
    found = attribution_near(tokens, 0, len(tokens) - 1, CUE_BEFORE)
    if found is not None:
        return Attribution(found.mention, found.cue, rule=COLON)
    owner = _owner_of_words(tokens)
    if owner is not None:
        return Attribution(owner, ":", rule=COLON)
    if len(tokens) > 8:
        return None
    subject = sentence_subject(tokens, len(tokens) - 1)
    if subject is None or subject.kind != "name":
        return None
    if subject.text.lower() in DOCUMENT_NOUNS | WORDS_NOUNS:
        return None  # 'Transcript as follows:', 'Statement:': a document, not who speaks
    return Attribution(subject, ":", rule=COLON)


def _owner_of_words(tokens: list[Token]) -> Mention | None:
    """'Abedin's reply:', 'Her response was:', 'More from Ann Li:': the words after the colon
    belong to the one named before a noun of speech, or after 'from'."""
    k = len(tokens) - 1  # the colon
    if k >= 2 and tokens[k - 1].lower in {"was", "is", "were"}:
        k -= 1
    noun = tokens[k - 1] if k >= 2 else None
    if noun is not None and noun.lower in WORDS_NOUNS:
        owner = tokens[k - 2]
        if owner.lower in _POSSESSIVE_GENDER:
            return Mention(
                owner.text,
                owner.start,
                owner.end,
                "pronoun",
                gender=_POSSESSIVE_GENDER[owner.lower],
            )
        if owner.text.endswith(("’s", "'s")) and is_name_token(owner):
            name = owner.text[:-2]
            first = k - 2
            while first > 0 and is_name_token(tokens[first - 1]) and first > k - 5:
                first -= 1
            words = [t.text for t in tokens[first : k - 2]] + [name]
            full = " ".join(words)
            return Mention(full, tokens[first].start, owner.end - 2, "name", name=full)
    commas = [n for n, t in enumerate(tokens[:k]) if t.text == ","]
    if len(commas) == 1 and 0 < commas[0] < 5 and k - commas[0] <= 5:
        names = [t for n, t in enumerate(tokens[:k]) if n != commas[0]]
        if all(is_name_token(t) or t.lower in {"the", "of"} for t in names):
            mention = sentence_subject(tokens[: commas[0]], commas[0])
            if mention is not None and mention.kind == "name":
                return mention  # 'Ann Li, Norland Post: "…"': a roundup of voices
    f = max((n for n, t in enumerate(tokens[:k]) if t.lower == "from"), default=None)
    if f is not None and f >= k - 5 and f + 1 < k:
        named = tokens[f + 1 : k]
        if all(is_name_token(t) for t in named):
            mention = sentence_subject(named, len(named))
            if mention is not None and mention.kind == "name":
                return mention
    return None


_POSSESSIVE_GENDER = {"his": "m", "her": "f", "their": "p"}
