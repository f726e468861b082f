"""Transcript lines: 'PENCE: Well, look, …' — a speaker's name in capitals and a colon opening
a paragraph of an interview or debate transcript; the rest of the paragraph is what was said."""

from __future__ import annotations

import re
from bisect import bisect_right

from indexer.extract.lang.en.nouns import HEADING_LABELS
from indexer.extract.mentions import Mention
from indexer.extract.model import Article, Attribution, Found
from indexer.extract.rules import TRANSCRIPT
from indexer.extract.text import Sentence

_WORD = r"(?:M[Cc]|O['’])?[A-Z][A-Z.'’\-]*[A-Z]\.?"
_LABEL = re.compile(rf"[\"“]?({_WORD}(?: {_WORD}){{0,3}}):\s+")


def transcript_lines(art: Article) -> list[Found]:
    """Every paragraph opening with 'NAME:' in capitals, when the article holds at least two
    (a transcript has turns) or the label is a full name ('JAKE TAPPER:')."""
    labelled = []
    for number, para in enumerate(art.paras):
        match = _LABEL.match(art.text, para.start, para.end)
        if match and match.end() < para.end and match.group(1) not in HEADING_LABELS:
            labelled.append((number, match))
    found = []
    sentence_ends = [s.end for s in art.sentences]
    for number, match in labelled:
        para = art.paras[number]
        label = match.group(1)
        name = " ".join(word.capitalize() for word in label.split())
        if len(labelled) < 2 and " " not in name:
            continue
        index = art.sentences[bisect_right(sentence_ends, para.start)].index
        sentence = Sentence(para.start, para.end, number, index)
        mention = Mention(label, match.start(1), match.end(1), "name", name=name)
        attribution = Attribution(mention, ":", rule=TRANSCRIPT)
        found.append(Found(match.end(), para.end, "direct", attribution, sentence))
    return found
