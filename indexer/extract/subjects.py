"""Where the speaker sits relative to a cue: before it, after it, or opening the sentence."""

from __future__ import annotations

import re

from indexer.extract.lang.en.clauses import SIDE_PARTICIPLES, VERBISH
from indexer.extract.lang.en.cues import AUXILIARIES, CUE_WORDS
from indexer.extract.lang.en.nouns import (
    DETERMINERS,
    DOCUMENT_NOUNS,
    GROUP_NOUNS,
    NAME_CONNECTORS,
    OPENERS,
    ORG_WORDS,
    PLACE_WORDS,
    PREPOSITIONS,
    ROLE_NOUNS,
    STOP_CAPITALS,
    TIME_WORDS,
)
from indexer.extract.lang.en.people import (
    FAMILY_NOUNS,
    FEMALE_NAMES,
    FEMALE_NOUNS,
    MALE_NAMES,
    MALE_NOUNS,
    PERSON_TITLES,
    SUBJECT_PRONOUNS,
    TITLE_WORDS,
)
from indexer.extract.lang.en.states import STATE_ABBREVIATIONS
from indexer.extract.mentions import Mention, name_mention, noun_phrase, pronoun_mention
from indexer.extract.tokens import Token, contracted, is_name_token, name_start


def subject_before(tokens: list[Token], cue_index: int) -> Mention | None:
    """The speaker mention right before a cue: "Zelensky said", "a White House spokesman told"."""
    j = _skip_adverbials(tokens, cue_index - 1)
    if j >= 1 and tokens[j].text == "," and tokens[j - 1].text == ")":
        j -= 1  # 'Sen. Ann Li (R-Ohio), said'
    if j >= 0 and tokens[j].text == ")":
        k = j - 1
        while k >= 0 and tokens[k].text != "(" and j - k < 12:
            k -= 1
        if k >= 1 and tokens[k].text == "(":
            j = k - 1
    if j < 0:
        return None
    # apposition: "Dmitry Peskov, the Kremlin spokesman, said"
    if tokens[j].text == "," and j > 0:
        k = j - 1
        while k >= 0 and tokens[k].text not in {",", "(", "“", "”", '"', ";", ":"}:
            k -= 1
        inner = tokens[k + 1 : j]
        if k >= 1 and len(inner) == 1 and inner[0].text.isdigit():
            return _np_ending_at(tokens, k - 1)  # 'Ann Li, 58, said'
        if k >= 1 and tokens[k].text == "," and _party_tag(inner):
            mention = _np_ending_at(tokens, k - 1)  # 'Rep. Ann Li, R-Ohio, said'
            if mention is not None and mention.kind == "name":
                tag = "".join(t.text for t in inner)
                mention.description = " ".join(filter(None, [mention.description, tag]))
            return mention
        if (
            inner
            and len(inner) <= 5
            and all(is_name_token(t) or t.lower in NAME_CONNECTORS for t in inner)
        ):
            mention = noun_phrase(tokens, k + 1, j - 1)
            if mention is not None and tokens[k].text == "," and _is_place(mention.name):
                # 'Ann Li, in Columbus, Ohio, said': the place is no speaker, but the name
                # before a participle clause ending in it is ('Li, speaking in Dover, Del.,')
                return _before_side_clause(tokens, k)
            if mention is not None and mention.kind == "name":
                before = tokens[max(0, k - 6) : k] if k >= 0 else []
                if before and before[-1].lower in ROLE_NOUNS | TITLE_WORDS:
                    mention.description = mention.description or " ".join(t.text for t in before)
                return mention
        if k >= 1 and tokens[k].text == "," and tokens[k + 1].lower == "including":
            return _head_before_including(tokens, k - 1)
        if k >= 1 and tokens[k].text == ",":
            appos = tokens[k + 1 : j]
            if appos and _side_participle(appos[0]):
                mention = _chain_head(tokens, k)  # 'Ann Li, opening the new museum, said'
                return mention if mention is not None and mention.kind == "name" else None
            if appos and appos[0].lower in APPOSITIVE_OPENERS | TITLE_WORDS:
                mention = _chain_head(tokens, k)
                if mention and mention.kind == "name":
                    desc = " ".join(t.text for t in appos)
                    if appos[0].lower not in {"who", "whose", "which"}:
                        mention.description = mention.description or desc
                    return mention
        return None
    mention = _np_ending_at(tokens, j)
    if mention is None or mention.kind != "name" or tokens[cue_index].lower.endswith("ing"):
        return mention  # 'footage of Li saying …': a participle's own subject
    return _unless_object_of_preposition(tokens, mention, j)


# Prepositions whose object, right before a cue, is no speaker ('by' names an author: 'a video
# by Acme says'; 'like' names members; 'after', 'since' … also open clauses: 'after Li said').
_PHRASE_PREPOSITIONS = PREPOSITIONS - {"by", "like", "to", "after", "before", "since"}


_FINDINGS = {"research", "findings", "data", "figures"}


def _document_before(tokens: list[Token], k: int) -> bool:
    """A document noun in the phrase before tokens[k] ('a letter from', 'research conducted
    for', 'a study by Acme and the University of Norland at'): what follows is its source."""
    for h in range(k - 1, max(-1, k - 12), -1):
        if tokens[h].text in _PHRASE_BOUNDARIES or tokens[h].lower in CUE_WORDS:
            return False
        if tokens[h].lower in DOCUMENT_NOUNS | _FINDINGS:
            return True
    return False


def _unless_object_of_preposition(tokens: list[Token], mention: Mention, j: int) -> Mention | None:
    """A name ending at a cue that is the object of a preposition ('voters in Florida', 'the
    mayor of Norland') modifies the subject before it and is no speaker (None). It still is
    as the source of a document ('a letter from Acme warns'), as an owner ('Li's claim'), or
    as the rest of a name ('Citizens for Tax Justice says')."""
    if _POSSESSIVE_END.search(tokens[j].text) or tokens[j].text in {"'s", "’s"}:
        return mention
    first = _index_at(tokens, mention.start)
    k = first - 1
    if k >= 0 and tokens[k].lower in DETERMINERS:
        k -= 1
    k = _before_conjunct(tokens, k)  # 'at the Urban Institute and Brookings Institution'
    if k < 1 or tokens[k].lower not in _PHRASE_PREPOSITIONS or not tokens[k].text.islower():
        return mention  # 'DEADLY ISTANBUL BLAST Turkish President …': a headline's capitals
    if _document_before(tokens, k):
        return mention  # 'a study that appeared in the Norland Journal found'
    head = tokens[k - 1]
    if tokens[k].lower in {"for", "against"} and is_name_token(head):
        return noun_phrase(tokens, name_start(tokens, k - 1), j)
    if is_name_token(head):
        owner = _np_ending_at(tokens, k - 1)  # 'The Tax Policy Center at the Urban Institute'
        if owner is not None and owner.kind == "name" and _org_name(owner.name):
            return owner
    return _modified_group(tokens, j)  # 'the majority of Americans', else no speaker here


def _org_name(name: str | None) -> bool:
    return bool({w.lower().strip(".") for w in (name or "").split()} & ORG_WORDS)


def _before_conjunct(tokens: list[Token], k: int) -> int:
    """When tokens[k] is the 'and' joining a name to one before it, the index before that
    first name (and its determiner); else k."""
    if k < 2 or tokens[k].lower != "and" or not is_name_token(tokens[k - 1]):
        return k
    h = name_start(tokens, k - 1) - 1
    if h >= 0 and tokens[h].lower in DETERMINERS:
        h -= 1
    return h


def _before_side_clause(tokens: list[Token], k: int) -> Mention | None:
    """The name before a participle clause that ends at the comma tokens[k], if any."""
    c = k - 1
    while c >= 0 and tokens[c].text not in {",", "(", "“", "”", '"', ";", ":"}:
        c -= 1
    if c < 1 or tokens[c].text != "," or not _side_participle(tokens[c + 1]):
        return None
    mention = _chain_head(tokens, c)
    return mention if mention is not None and mention.kind == "name" else None


def _side_participle(tok: Token) -> bool:
    """A participle opening a side clause between a speaker and the cue: 'speaking at a rally',
    'asked about the plan' ('including' names members and is handled apart)."""
    if not tok.text.isalpha() or not tok.text.islower() or tok.lower == "including":
        return False
    return tok.lower.endswith("ing") or tok.lower in SIDE_PARTICIPLES


def _head_before_including(tokens: list[Token], j: int) -> Mention | None:
    """'Six newspapers in Ohio, including the Norland Herald, said': the group before
    'including' speaks, never one member of it, nor the place that modifies it."""
    mention = _np_ending_at(tokens, j)
    if mention is None:
        return None
    first = _index_at(tokens, mention.start)
    if first >= 2 and tokens[first - 1].lower in PREPOSITIONS:
        return _np_ending_at(tokens, first - 2) or mention
    return mention


def _is_place(name: str | None) -> bool:
    """A place word ('Ohio', 'County') or a state's abbreviation ('N.C.', 'Del.')."""
    words = {w.lower().strip(".") for w in (name or "").split()}
    return bool(words & PLACE_WORDS) or (name or "").lower().rstrip(".") in STATE_ABBREVIATIONS


def _chain_head(tokens: list[Token], k: int) -> Mention | None:
    """The name an appositive after tokens[k] (a comma) describes. A name that is the object
    of a preposition sits inside an earlier appositive ('Ann Li, the mayor of Norland, a port
    town, said'): the chain is followed back to the name that opens it."""
    mention = _np_ending_at(tokens, _before_parenthesis(tokens, k - 1))
    for _ in range(3):
        if mention is None or mention.kind != "name":
            return mention
        first = next(n for n, t in enumerate(tokens) if t.start >= mention.start)
        f = first - 1
        if f >= 0 and tokens[f].lower == "the":
            f -= 1
        if f < 0 or tokens[f].lower not in PREPOSITIONS:
            return mention
        p = f
        while p >= 0 and tokens[p].text != ",":
            p -= 1
        if p < 1 or tokens[p + 1].lower not in APPOSITIVE_OPENERS | TITLE_WORDS:
            return mention
        mention = _np_ending_at(tokens, p - 1)
    return mention


_PARTY_TAG = re.compile(r"[RDI]-[A-Z][\w.]*\.?$")


def _party_tag(inner: list[Token]) -> bool:
    """'R-Ky.', 'D-N.Y.': a party and state set off by commas after a name."""
    return bool(inner) and _PARTY_TAG.match("".join(t.text for t in inner)) is not None


def _before_parenthesis(tokens: list[Token], j: int) -> int:
    """The index before a parenthesis ending at tokens[j] ('Ann Li (D-Ohio)'), else j."""
    if j < 1 or tokens[j].text != ")":
        return j
    k = j - 1
    while k > 0 and tokens[k].text != "(" and j - k < 12:
        k -= 1
    return k - 1 if tokens[k].text == "(" and k >= 1 else j


# Words that stand for a number of people: 'most of them', 'some say'.
QUANTIFIERS = {
    "most",
    "many",
    "some",
    "all",
    "none",
    "both",
    "several",
    "few",
    "others",
    "one",
    "each",
    "half",
    "majority",
    "number",
}

_ADVERBS = {"now", "also", "then", "still", "again", "too", "already", "later", "once", "since"}

APPOSITIVE_OPENERS = {"the", "a", "an", "who", "whose", "which"}


def _skip_adverbials(tokens: list[Token], j: int) -> int:
    """Step back over auxiliaries, -ly adverbs and time phrases ('just this month')."""
    while j >= 0:
        low = tokens[j].lower
        if (low in AUXILIARIES and not is_name_token(tokens[j])) or (
            low.endswith("ly") and tokens[j].text.islower()
        ):
            j -= 1
        elif low in _ADVERBS and tokens[j].text.islower():
            j -= 1  # 'Clinton now says', 'The campaign also said'
        elif low in TIME_WORDS and j >= 1 and tokens[j - 1].lower in TIME_WORDS:
            j -= 1  # 'on Wednesday morning': on to 'on Wednesday'
        elif (
            low in TIME_WORDS
            and j >= 1
            and tokens[j - 1].lower
            in {
                "this",
                "last",
                "next",
                "on",
                "that",
                "each",
                "every",
                "earlier",
                "later",
            }
        ):
            j -= 2
        else:
            return j
    return j


def subject_after(tokens: list[Token], cue_index: int) -> Mention | None:
    """The speaker after an inverted cue: "…," said Mr. Obama / said the Kremlin spokesman."""
    i = cue_index + 1
    if i >= len(tokens) or tokens[i].lower == "that":
        return None  # 'saying that Norland officials should …': the clause's subject, no speaker
    if tokens[i].lower in SUBJECT_PRONOUNS:
        return pronoun_mention(tokens[i])
    k = i
    while (
        k < len(tokens)
        and k - i < 5
        and _description_word(tokens[k].text)
        and tokens[k].lower not in DETERMINERS | PREPOSITIONS | {"that"}
    ):
        k += 1
    if k > i and k < len(tokens) and is_name_token(tokens[k]):
        end = k
        while end + 1 < len(tokens) and is_name_token(tokens[end + 1]):
            end += 1
        mention = name_mention(tokens, k, end)
        if mention is not None:
            mention.description = " ".join(t.text for t in tokens[i:k])
            return mention
    j = i
    if tokens[j].lower in DETERMINERS:
        j += 1
    while j < len(tokens):
        if (
            tokens[j].bare in STOP_CAPITALS
            and tokens[j].lower not in DETERMINERS
            and not is_name_token(tokens[j])
        ):
            break
        if (
            tokens[j].capitalized
            or tokens[j].lower in TITLE_WORDS
            or tokens[j].lower in ROLE_NOUNS
            or tokens[j].text == "-"
            or tokens[j].lower in NAME_CONNECTORS
        ):
            j += 1
        elif j > i and (role := _role_before_name(tokens, j)) is not None:
            j = role + 1  # 'Acme University political scientist Ann Li': on to the name
        else:
            break
    if j == i or (j == i + 1 and tokens[i].lower in DETERMINERS):
        return None
    if _POSSESSIVE_END.search(tokens[j - 1].text) and j < len(tokens) and tokens[j].text.isalpha():
        return None  # 'said the GOP's goal was …': the owner of the clause's subject
    return noun_phrase(tokens, i, j - 1)


_POSSESSIVE_END = re.compile(r"\w[’']s$")


def _description_word(text: str) -> bool:
    """A word of a description before a name: 'longtime', 'self-described', '9/11 widow'."""
    if text == "/" or text.isdigit():
        return True
    return text.islower() and text.replace("-", "").isalpha()


def _role_before_name(tokens: list[Token], j: int) -> int | None:
    """The index of a lower-case role noun within three modifiers of tokens[j] that a name
    follows ('political scientist Ann Li'), or None."""
    for r in range(j, min(j + 3, len(tokens) - 1)):
        word = tokens[r]
        if not (word.text.isalpha() and word.text.islower()) or word.lower in DETERMINERS:
            return None
        if word.lower in ROLE_NOUNS and is_name_token(tokens[r + 1]):
            return r
    return None


def _np_ending_at(tokens: list[Token], j: int) -> Mention | None:
    tok = tokens[j]
    if tok.lower in SUBJECT_PRONOUNS:
        return pronoun_mention(tok)
    if tok.text in {"'s", "’s"}:
        return None
    if is_name_token(tok) or (tok.bare in TITLE_WORDS and tok.capitalized):
        i = j
        while i - 1 >= 0 and (
            is_name_token(tokens[i - 1])
            or tokens[i - 1].lower in NAME_CONNECTORS
            or (tokens[i - 1].bare in TITLE_WORDS and tokens[i - 1].capitalized)
        ):
            i -= 1
        # "the Kremlin", "the White House": keep the article off the name, note it is definite
        return _name_before_of(tokens, i, j) or noun_phrase(tokens, i, j)
    if tok.lower in ROLE_NOUNS or tok.lower in GROUP_NOUNS or tok.lower.rstrip("s") in ROLE_NOUNS:
        i = j
        limit = max(0, j - 6)
        while i - 1 >= limit and tokens[i - 1].text not in _PHRASE_BOUNDARIES:
            low = tokens[i - 1].lower
            if (
                low in CUE_WORDS
                or low in PREPOSITIONS
                or low
                in {
                    "that",
                    "and",
                    "but",
                    "who",
                    "which",
                    "as",
                    "how",
                    "what",
                    "why",
                    "whether",
                }
            ):
                break  # 'how experts say': the wh-word opens the clause, it is no modifier
            i -= 1
            if tokens[i].lower in DETERMINERS:
                break
        if tokens[i].lower not in DETERMINERS:
            i = _coordinated_role(tokens, i)
        if _after_role_and_preposition(tokens, i):
            group = _modified_group(tokens, j)  # 'a narrator in the Acme ad asks': the narrator
            if group is not None:
                return group
        return noun_phrase(tokens, i, j)
    return _modified_group(tokens, j) or _quantifier(tokens, j)


def _after_role_and_preposition(tokens: list[Token], i: int) -> bool:
    """A phrase starting at tokens[i] follows a role or group noun and a preposition ('a
    narrator in', 'officials at'): it is that noun's modifier, not the subject."""
    k = i - 1
    if k < 1 or tokens[k].lower not in _MODIFIER_PREPOSITIONS or not tokens[k].text.islower():
        return False
    head = tokens[k - 1].lower
    return head in ROLE_NOUNS or head in GROUP_NOUNS or head.rstrip("s") in ROLE_NOUNS


_MODIFIER_PREPOSITIONS = {"in", "at", "on", "for", "with", "from", "of"}


# Adjectives between a group noun and its preposition: 'officials familiar with the talks'.
_POSTMODIFIERS = {"familiar", "close", "briefed", "involved", "knowledgeable", "loyal", "allied"}


def _modified_group(tokens: list[Token], j: int) -> Mention | None:
    """'Experts on North Korea said', 'attorneys for the family said', 'most of them said': a
    group, role or quantity with a prepositional phrase after it, ending at tokens[j]."""
    if not tokens[j].text.isalpha() or tokens[j].lower in VERBISH | _NUMBERS:
        return None  # 'the mother of three said': a role, for the resolver
    for p in range(j, max(0, j - 9), -1):
        t = tokens[p]
        if t.text in _PHRASE_BOUNDARIES or t.lower in CUE_WORDS or t.lower in AUXILIARIES:
            return None
        if t.lower in {"who", "which", "that", "but", "or"} or t.text.endswith("ed"):
            return None
        if t.lower not in {"on", "for", "of", "from", "in", "at", "with"} or p < 1:
            continue
        h = p - 1 if tokens[p - 1].lower not in _POSTMODIFIERS or p < 2 else p - 2
        head = tokens[h].lower
        if head in QUANTIFIERS and t.lower == "of":
            first = h - 1 if h >= 1 and tokens[h - 1].lower in DETERMINERS else h
            adjective = h >= 2 and tokens[h - 1].text.isalpha() and tokens[h - 1].text.islower()
            if first == h and adjective and tokens[h - 2].lower in DETERMINERS:
                first = h - 2  # 'the vast majority of Americans'
            kind = "group"
        elif head in GROUP_NOUNS or head.rstrip("s") in ROLE_NOUNS:
            inner = _np_ending_at(tokens, h)
            if inner is None:
                return None
            first = _index_at(tokens, inner.start)
            kind = inner.kind if inner.kind in {"group", "nominal"} else "nominal"
        else:
            return None
        if not _opens_a_subject(tokens, first):
            return None  # 'to target voters in swing states', 'with Democrats from …'
        words = tokens[first : j + 1]
        return Mention(
            " ".join(w.text for w in words),
            words[0].start,
            words[-1].end,
            kind,
            definite=words[0].lower in {"the", "his", "her", "their", "its"},
        )
    return None


def _quantifier(tokens: list[Token], j: int) -> Mention | None:
    """'Some say …', '…, and many said …': a quantity standing alone as the subject."""
    tok = tokens[j]
    if tok.lower not in QUANTIFIERS - {"one", "each"}:
        return None
    if j > 0 and tokens[j - 1].text not in _PHRASE_BOUNDARIES | {"but", "while"}:
        return None
    return Mention(tok.text, tok.start, tok.end, "group", definite=False)


def _opens_a_subject(tokens: list[Token], first: int) -> bool:
    """A phrase starting at tokens[first] can be a subject: it opens the sentence or follows
    a comma or a conjunction, not a verb or a preposition."""
    if first == 0:
        return True
    before = tokens[first - 1]
    return before.text in _PHRASE_BOUNDARIES or before.lower in _SUBJECT_OPENERS


_NUMBERS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}

_SUBJECT_OPENERS = {
    "and",
    "but",
    "while",
    "that",
    "when",
    "as",
    "because",
    "although",
    "though",
    "if",
    "since",
    "so",
    "yet",
    "still",
    "now",
}


def _coordinated_role(tokens: list[Token], i: int) -> int:
    """'the Florida senator and Republican candidate': two roles joined by 'and' under one
    determiner are one person; the phrase runs back to that determiner. A second determiner
    ('the senator and the governor') makes two people, and the phrase stays as it was."""
    if i < 3 or tokens[i - 1].lower != "and" or tokens[i - 2].lower not in ROLE_NOUNS:
        return i
    k = i - 2
    while k - 1 >= max(0, i - 8) and tokens[k - 1].text not in _PHRASE_BOUNDARIES:
        k -= 1
        if tokens[k].lower in DETERMINERS:
            return k
        if tokens[k].lower in CUE_WORDS or tokens[k].lower in PREPOSITIONS:
            return i
    return i


# Participles whose agent received a document, never wrote it: '… obtained by the Herald'.
_RECEIVED = {"obtained", "reviewed", "seen", "received", "acquired", "intercepted"}


def _name_before_of(tokens: list[Token], i: int, j: int) -> Mention | None:
    """A name tokens[i..j] after 'of/at/from (the)': 'Ann Li of the Acme Institute said' is
    said by the person before it; 'the Department of Justice said' by the whole organisation."""
    k = i - 1
    if k >= 0 and tokens[k].lower == "the":
        k -= 1
    if k >= 2 and tokens[k].lower == "by" and tokens[k - 1].lower in _RECEIVED:
        return _np_ending_at(tokens, k - 2)  # 'a letter from Acme obtained by the Herald'
    if k < 1 or tokens[k].lower not in {"of", "on", "at", "from", "for", "with"}:
        return None
    role = tokens[k - 1]
    if (
        tokens[k].lower == "for"
        and role.text.islower()
        and role.lower in ROLE_NOUNS | TITLE_WORDS
        and role.lower not in {"campaign", "committee", "party"}
    ):  # 'a spokeswoman for Ann Li says': the spokeswoman speaks, for Ann Li
        phrase = _np_ending_at(tokens, k - 1)
        if phrase is not None and phrase.kind != "name":
            phrase.text = " ".join(t.text for t in tokens[_index_at(tokens, phrase.start) : j + 1])
            phrase.end = tokens[j].end
            return phrase
    if not is_name_token(tokens[k - 1]):
        return None
    before = _np_ending_at(tokens, k - 1)
    if before is None or before.kind != "name" or not before.name:
        return None
    words = [w.lower().strip(".") for w in before.name.split()]
    first = next(n for n, t in enumerate(tokens) if t.start == before.start)
    if words[-1] in ORG_WORDS and tokens[k].lower in {"of", "on", "for"}:
        # 'Bank of America', 'Department of Justice', 'the Commission on Public Debates',
        # 'the Center for Fair Taxes': one organisation, never its last words alone
        return noun_phrase(tokens, first, j)
    if tokens[k].lower == "on":
        return None
    if all(w in TITLE_WORDS for w in words) and tokens[k].lower == "of":
        return noun_phrase(tokens, first, j)  # 'Secretary of State Ann Li': a title, a name
    if (len(words) < 2 and not before.gender) or set(words) & (ORG_WORDS | PLACE_WORDS):
        return None
    return before


def _participial_opener(tokens: list[Token]) -> bool:
    """'Speaking at a rally, …', 'Chastened by the polls, …': a participle opens the sentence
    and its subject comes after the comma."""
    first = tokens[0]
    return (
        len(tokens) > 2
        and len(first.text) >= 6
        and first.lower.endswith(("ing", "ed"))
        and first.lower not in MALE_NAMES | FEMALE_NAMES
        and tokens[1].text.islower()
        and tokens[1].lower not in CUE_WORDS
    )


def participle_subject(tokens: list[Token], pi: int) -> Mention | None:
    """Who speaks in a participle cue: 'with Ann Li calling it …' is Ann Li; otherwise the
    subject of the main clause ('Li attacked the plan, calling it …')."""
    if pi >= 2 and is_name_token(tokens[pi - 1]):
        k = pi - 1
        while k > 0 and (is_name_token(tokens[k - 1]) or tokens[k - 1].bare in TITLE_WORDS):
            k -= 1
        if k >= 1 and tokens[k - 1].lower == "with":
            return _np_ending_at(tokens, pi - 1)
    return sentence_subject(tokens, pi)


def _index_at(tokens: list[Token], start: int) -> int:
    return next(n for n, t in enumerate(tokens) if t.start == start)


_DASHES = {"—", "–", "--"}


def _after_dateline(tokens: list[Token]) -> int:
    """Where a sentence starts after a dateline ('NORLAND — Sen. Ann Li …', 'PARIS (AP) —'):
    the dateline is no subject."""
    for k, tok in enumerate(tokens[:8]):
        if tok.text in _DASHES:
            return k + 1 if k >= 1 else 0
        if not (tok.text.isupper() or tok.text in {",", ".", "(", ")"}):
            return 0
    return 0


def _main_clause_start(tokens: list[Token], limit: int) -> int | None:
    """Where the main clause begins: after a dateline, an opening adverbial or participial
    phrase and its comma, and a place set off after it ('Speaking in Salem, Ohio, …')."""
    start = _after_dateline(tokens)
    if start < len(tokens) and (
        tokens[start].lower in OPENERS or _participial_opener(tokens[start:])
    ):
        comma = next((k for k in range(start, limit) if tokens[k].text == ","), None)
        if comma is None:
            return None
        start = comma + 1
        place = start  # 'Speaking in Salem, New Hampshire, Trump …': past the place
        while place < limit and is_name_token(tokens[place]):
            place += 1
        if (
            start < place < limit
            and tokens[place].text == ","
            and _is_place(" ".join(t.text for t in tokens[start:place]))
        ):
            start = place + 1
    return start


def role_subject(tokens: list[Token], limit: int) -> Mention | None:
    """'In defeat, the president appeared cowed': a definite role noun opening the main
    clause, before its verb, is the sentence's subject."""
    start = _main_clause_start(tokens, limit)
    if start is None or start >= limit or tokens[start].lower != "the":
        return None
    for k in range(start + 1, min(limit, start + 4)):
        tok = tokens[k]
        if not tok.text.isalpha():
            return None
        if tok.lower in ROLE_NOUNS and k + 1 < len(tokens):
            after = tokens[k + 1]
            if after.text.isalpha() and after.text.islower() and after.lower not in _NOT_VERBS:
                return noun_phrase(tokens, start, k)
            return None
    return None


_NOT_VERBS = {"of", "and", "or", "for", "in", "at", "to", "who", "whose", "with", "on"}


def sentence_subject(tokens: list[Token], limit: int) -> Mention | None:
    """The subject of a sentence's main clause, for participle cues ('…, saying "…"')."""
    start = _main_clause_start(tokens, limit)
    if start is None or start >= limit:
        return None
    first = tokens[start]
    if contracted(first) in SUBJECT_PRONOUNS:  # 'He’s claiming …'
        return pronoun_mention(first)
    end = start
    if first.lower in DETERMINERS:
        end += 1
    while end < limit and (
        is_name_token(tokens[end])
        or tokens[end].lower in NAME_CONNECTORS
        or (tokens[end].bare in TITLE_WORDS and tokens[end].capitalized)
        or _title_of(tokens, end, limit)
    ):
        end += 1
    if end > start and is_name_token(tokens[end - 1]):
        if _POSSESSIVE_END.search(tokens[end - 1].text) and end < limit:
            appositive = _possessed_appositive(tokens, end, limit)
            if appositive is not None:
                return appositive
        return noun_phrase(tokens, start, end - 1)
    return None


def _possessed_appositive(tokens: list[Token], k: int, limit: int) -> Mention | None:
    """'Li's wife, Ana, is …': the name set off after the owner's noun is the subject, and a
    kin noun gives its gender (and usually the owner's surname)."""
    noun = tokens[k]
    if not (noun.text.isalpha() and noun.text.islower()) or k + 2 >= limit:
        return None
    if tokens[k + 1].text != ",":
        return None
    end = k + 2
    while end < limit and is_name_token(tokens[end]):
        end += 1
    if end == k + 2 or end >= len(tokens) or tokens[end].text != ",":
        return None
    mention = name_mention(tokens, k + 2, end - 1)
    if mention is None or mention.name is None:
        return None
    if mention.gender is None:
        female, male = noun.lower in FEMALE_NOUNS, noun.lower in MALE_NOUNS
        mention.gender = "f" if female else "m" if male else None
    owner = re.sub(r"[’']s$", "", tokens[k - 1].text)
    if noun.lower in FAMILY_NOUNS and " " not in mention.name and owner[:1].isupper():
        mention.name = f"{mention.name} {owner}"  # 'Li's wife, Ana' is Ana Li
    return mention


def _title_of(tokens: list[Token], k: int, limit: int) -> bool:
    """'of' inside a title before a name: 'Secretary of State Ann Li'."""
    return (
        tokens[k].lower == "of"
        and k >= 1
        and tokens[k - 1].bare in PERSON_TITLES
        and k + 2 < limit
        and is_name_token(tokens[k + 1])
        and is_name_token(tokens[k + 2])
    )


# Tokens a noun phrase never runs back over: punctuation and the quotation marker.
_PHRASE_BOUNDARIES = {",", ";", ":", "(", ")", "“", "”", '"', "\u201cQ\u201d"}


_CONJUNCT = (
    r"(?:(?:Mr|Mrs|Ms|Dr|Sen|Gov|Rep|Govs|Sens|Reps)\.\s+)?[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3}"
)
_CONJUNCTS_BEFORE = re.compile(rf"((?:{_CONJUNCT}\s*,\s*)*)({_CONJUNCT})\s*,?\s+and\s+$")
_CONJUNCTS_AFTER = re.compile(rf"^((?:\s*,\s*{_CONJUNCT})*)\s*,?\s+and\s+({_CONJUNCT})")
# Words before a coordination that show it is no sentence subject ('attacked Li and Ong').
_NOT_BEFORE_A_SUBJECT = {"that", "who", "which", "while", "as", "when", "after", "before", "if"}
_MAX_WORDS_BEFORE = 5  # 'Republican presidential hopefuls Ann Li and Tom Ong say'


def coordinated_names(text: str, start: int, mention: Mention) -> list[str] | None:
    """The names a speaker name is coordinated with as the subject ('Ann Li and Tom Ong said',
    'Li, Ong and Park have all argued'): the words are theirs together, no one person's.
    `start` is where the sentence begins. None when the name stands alone, when a
    coordinated name is an organisation's, or when the coordination
    follows a verb, preposition or clause word (it is then no subject)."""
    if mention.kind != "name" or mention.name is None:
        return None
    before = _CONJUNCTS_BEFORE.search(text, start, mention.start)
    if before is not None:
        names = [*_split_conjuncts(before.group(1)), before.group(2), mention.name]
        lead = text[start : before.start()]
    else:
        after = _CONJUNCTS_AFTER.match(text[mention.end : mention.end + 200])
        if after is None:
            return None
        names = [mention.name, *_split_conjuncts(after.group(1)), after.group(2)]
        lead = text[start : mention.start]
    words = [w.strip(",.").lower() for w in lead.split()]
    if len(words) > _MAX_WORDS_BEFORE or any(
        w in CUE_WORDS or w in PREPOSITIONS or w in _NOT_BEFORE_A_SUBJECT for w in words
    ):
        return None
    names = [_without_title(n) for n in names]
    if len(set(names)) < len(names) or any(
        not n or {w.lower().strip(".") for w in n.split()} & ORG_WORDS for n in names
    ):
        return None
    return names


def _split_conjuncts(run: str) -> list[str]:
    return [part.strip() for part in run.split(",") if part.strip()]


def _without_title(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLE_WORDS | PERSON_TITLES:
        words = words[1:]
    return " ".join(words)
