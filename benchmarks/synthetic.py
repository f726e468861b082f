"""Deterministic synthetic news articles with attributed quotes, for benchmarks.

Same seed, same articles: speakers and outlets follow Zipf-like distributions (a few are
quoted very often, most rarely), dates spread over ten years, and each article mixes direct
quotes, "he added" follow-ups and reported speech the extractor attributes.

    python benchmarks/synthetic.py --articles 125000 --out /tmp/synthetic.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

GIVEN = (
    "Anna Ben Carla David Elena Farid Greta Hugo Ines Jonas Karin Luis Maria Nikolai Olga Pablo "
    "Quentin Rosa Samir Tanja Ugo Vera Walter Ximena Yusuf Zofia Amir Bettina Cyril Dagny Emil "
    "Fatima Gustav Helga Ivan Julia Kenji Lena Marek Nadia Oskar Petra Rashid Sofia Tomas Ulla "
    "Viktor Wanda Yara Zoltan Agnes Bruno Chiara Dmitri Eva Felix Gloria Henrik Irena Jakob"
).split()
SURNAMES = (
    "Abbott Berger Castillo Dimitrov Eriksen Fontaine Garcia Hoffmann Ivanova Jansen Kowalski "
    "Lindqvist Moreau Nakamura Okafor Petrov Quiroga Rossi Schmidt Tanaka Ulrich Varga Weber Xu "
    "Yilmaz Zielinski Andersen Brennan Costa Delgado Engel Fischer Gallo Haas Iqbal Jovanovic "
    "Keller Lorenz Mendes Novak Olsen Pereira Quinn Romero Santos Torres Urban Vogel Wagner "
    "Young Zamora Albrecht Bauer Conti Dahl Ebert Falk Gruber Horvat Ito Janssen Kaya Lund"
).split()
SYLLABLES = "berg son stad ova ski man ez ini ardt ley".split()
ROLES = (
    "minister|finance minister|mayor|senator|governor|spokesperson|economist|professor|"
    "union leader|chief executive|analyst|ambassador|prosecutor|judge|coach|general"
).split("|")
OUTLETS = [
    "Daily Ledger",
    "Harbour News",
    "The Courier",
    "Metro Wire",
    "Evening Post",
    "City Herald",
    "Northern Times",
    "Valley Gazette",
    "The Observer Desk",
    "Capital Report",
    "Island Post",
    "Morning Star Review",
    "Coastal Tribune",
    "Riverside Journal",
    "Plains Dispatch",
    "Mountain Echo",
    "The Bulletin",
    "Union Record",
    "Market Watchers",
    "Global Briefing",
]
WORDS = (
    "budget vote election reform tax border trade deal talks ceasefire inflation rates jobs "
    "housing rent prices energy gas oil power grid climate flood storm drought harvest farmers "
    "hospital doctors nurses patients vaccine schools teachers students tuition police court "
    "trial verdict appeal prison crime fraud bank loans debt growth recession exports imports "
    "tariffs factory workers strike wages union contract pension retirement healthcare "
    "insurance transport trains buses airport flights port ferry bridge road tunnel water "
    "pipeline refinery mine steel cars batteries chips software data privacy security army "
    "troops missiles sanctions embassy treaty summit parliament coalition opposition party "
    "campaign poll voters turnout ballot recount protest march rally crowd stadium league "
    "season match final coach players fans tickets museum festival film music book prize "
    "science research study data survey report plan strategy policy law bill amendment "
    "committee hearing inquiry scandal resignation leadership future people country city region "
    "community families children elderly business investors markets shares profits"
).split()
VERBS = (
    "will protect|cannot accept|must fix|will not tolerate|need|are building|have"
    "delivered|reject|welcome|expect|will defend|are reviewing|support|oppose|will cut|"
    "will raise|promised to deliver|fear|will lose|hope to see"
).split("|")
OPENERS = ["We", "They", "I", "This government", "Our city", "The country", "Nobody", "Everyone"]
FOLLOW = ["added", "said", "continued", "warned", "insisted"]


def _zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


class Generator:
    def __init__(self, seed: int = 7, speakers: int = 5000):
        self.random = random.Random(seed)
        # real archives have thousands of surnames: extend the list with syllable compounds
        compounds = [a + b.lower() for a, b in itertools.product(SURNAMES[:40], SYLLABLES)]
        surnames = SURNAMES + compounds
        pool = [(g, s) for g, s in itertools.product(GIVEN, surnames)]
        self.random.shuffle(pool)
        self.people = [
            (f"{g} {s}", self.random.choice(ROLES), self.random.random() < 0.5)
            for g, s in pool[:speakers]
        ]
        self.people_weights = _zipf_weights(len(self.people), 1.0)
        self.outlet_weights = _zipf_weights(len(OUTLETS), 0.9)
        self.word_weights = _zipf_weights(len(WORDS), 0.8)

    def _phrase(self, low: int = 4, high: int = 12) -> str:
        words = self.random.choices(WORDS, self.word_weights, k=self.random.randint(low, high))
        return " ".join(words)

    def _claim(self) -> str:
        verb = self.random.choice(VERBS)
        return f"{self.random.choice(OPENERS)} {verb} the {self._phrase()}"

    def _paragraphs(self, published: date) -> list[str]:
        chosen = self.random.choices(self.people, self.people_weights, k=3)
        paragraphs = [f"The {self._phrase(3, 6)} dominated the week in the {self._phrase(2, 3)}."]
        for name, role, female in chosen:
            surname = name.split()[-1]
            pronoun = "she" if female else "he"
            day = (published - timedelta(days=self.random.randint(0, 3))).strftime("%A")
            paragraphs += [
                f'"{self._claim()}," {role} {name} said on {day}.',
                f'"{self._claim()}. {self._claim()}," {pronoun} {self.random.choice(FOLLOW)}.',
                f"{surname} said that the {self._phrase()} would {self._phrase(3, 6)}.",
            ]
            if self.random.random() < 0.3:
                paragraphs.append(f"Critics pointed to the {self._phrase()} as evidence.")
        return paragraphs

    def articles(self, count: int) -> Iterator[dict]:
        start = date(2015, 1, 1)
        for n in range(count):
            published = start + timedelta(days=self.random.randint(0, 3650))
            outlet = self.random.choices(OUTLETS, self.outlet_weights)[0]
            slug = outlet.lower().replace(" ", "-")
            yield {
                "url": f"https://{slug}.example/{published:%Y/%m}/story-{n}",
                "title": f"{self._phrase(3, 7).capitalize()} ({n})",
                "outlet": outlet,
                "published_at": published.isoformat(),
                "text": "\n".join(self._paragraphs(published)),
            }


def long_article(quotes: int, seed: int = 7, speakers: int = 5000) -> str:
    """One article of about `quotes` attributed quotes (a live blog, a transcript dump): the
    paragraphs of many ordinary articles run together under one headline."""
    generator = Generator(seed, speakers)
    published = date(2022, 4, 23)
    paragraphs: list[str] = []
    while len(paragraphs) < quotes * 1.1:  # ~9 quotes per 10 paragraphs
        paragraphs += generator._paragraphs(published)
    return "Live: the week in review\n" + "\n".join(paragraphs)


def write_jsonl(path: Path, count: int, seed: int = 7) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for article in Generator(seed).articles(count):
            handle.write(json.dumps(article, ensure_ascii=False) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="a .jsonl file (default: stdout)")
    args = parser.parse_args()
    if args.out:
        write_jsonl(args.out, args.articles, args.seed)
    else:
        for article in Generator(args.seed).articles(args.articles):
            sys.stdout.write(json.dumps(article, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
