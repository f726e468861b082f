"""Quote verification on real text: claims made from a PolNeAR split's stored quotes.

    python benchmarks/verify.py [--split dev] [--per-kind 200] [--seed 7] [--embeddings off]

Starts private PostgreSQL and Meilisearch in a throwaway folder, runs `onrecord ingest
SPLIT/text --meta-from-name`, then makes claims from the stored quotes (cited words of at
least ten words, with a speaker): exact fragments, fragments with 1-3 words substituted,
inserted or dropped, a quote's start and end joined by "…", a fragment under another
speaker's name, narration sentences of the articles that no quote contains (never said),
and the paraphrases written by hand in `paraphrases.jsonl` beside this file (only our own
words and where each original is: the article file's stem and the quote's offsets in it).
Each claim goes through `verify_claim` (the service behind /v1/verify) and the benchmark
prints, per kind, top-1 retrieval (the top match holds the source words verbatim) and
verdict accuracy, and the latency percentiles; with embeddings on (the default) also the
verdict accuracy at other paraphrase thresholds, to choose `PARAPHRASE_THRESHOLD`. Nothing
of the split is written anywhere but the throwaway folder.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


from instance import REPO, throwaway_instance

from db.embeddings import local_embedder
from db.search_index import AsyncSearcher, SearchIndex
from db.settings import Settings
from db.verification import Kind, Verdict, compare, words
from db.verification.service import VerifiedClaim, verify_claim

SHARED = REPO.parent / "shared"
EXPECTED = {
    "exact": Verdict.verbatim,
    "ellipsis": Verdict.verbatim,
    "altered": Verdict.altered,
    "swapped": Verdict.misattributed,
    "never_said": Verdict.not_found,
    "paraphrase": Verdict.paraphrase,
}
PARAPHRASES = Path(__file__).resolve().parent / "paraphrases.jsonl"
THRESHOLDS = (0.5, 0.55, 0.6, 0.62, 0.64, 0.66, 0.68, 0.7, 0.72, 0.75)
MIN_WORDS = 10
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]")
_SPEECH = re.compile(r"[\"“”]|\b(?:said|says|told|according|added|stated|wrote)\b", re.I)


class Claim:
    def __init__(self, kind: str, text: str, speaker: str | None, source: str | None):
        self.kind, self.text, self.speaker, self.source = kind, text, speaker, source


def fragment(rng: random.Random, text: str, low: int, high: int) -> tuple[str, list[str]]:
    """A run of low..high words of `text`, as written, and its words."""
    spans = words(text).spans
    size = rng.randint(low, min(high, len(spans)))
    first = rng.randint(0, len(spans) - size)
    chosen = text[spans[first][0] : spans[first + size - 1][1]]
    return chosen, [text[a:b] for a, b in spans[first : first + size]]


def altered(rng: random.Random, tokens: list[str], vocabulary: list[str]) -> str:
    """The words with up to 3 substituted, inserted or dropped (inner ones: a changed edge
    would be a shorter fragment), and at least one."""
    tokens = list(tokens)
    original = list(tokens)
    for _ in range(rng.randint(1, 3)):
        action = rng.choice(("substitute", "insert", "drop"))
        at = rng.randrange(len(tokens))
        word = rng.choice(vocabulary)
        if action == "substitute" and word != tokens[at].casefold():
            tokens[at] = word
        elif action == "insert" and at > 0:
            tokens.insert(at, word)
        elif action == "drop" and 0 < at < len(tokens) - 1:  # a dropped edge is a fragment
            del tokens[at]
    if tokens == original:
        return altered(rng, original, vocabulary)
    return " ".join(tokens)


def make_claims(rng: random.Random, docs: list[dict], texts: list[str], per_kind: int) -> list:
    quotes = [d for d in docs if d.get("speaker") and len(words(d["cited"])) >= MIN_WORDS]
    vocabulary = sorted({w for d in quotes for w in words(d["cited"]).folded if len(w) > 3})
    speakers = sorted({d["speaker"] for d in quotes})
    claims = []
    for _ in range(per_kind):
        doc = rng.choice(quotes)
        text, _tokens = fragment(rng, doc["cited"], 6, 16)
        claims.append(Claim("exact", text, doc["speaker"], text))
        doc = rng.choice(quotes)
        text, tokens = fragment(rng, doc["cited"], MIN_WORDS, 16)
        claims.append(Claim("altered", altered(rng, tokens, vocabulary), doc["speaker"], text))
        doc = rng.choice(quotes)
        spans = words(doc["cited"]).spans
        head, tail = rng.randint(3, 6), rng.randint(3, 6)
        if len(spans) >= head + tail + 2:
            cited = doc["cited"]
            start = cited[spans[0][0] : spans[head - 1][1]]
            end = cited[spans[-tail][0] : spans[-1][1]]
            claims.append(Claim("ellipsis", f"{start} … {end}", doc["speaker"], start))
        doc = rng.choice(quotes)
        text, _tokens = fragment(rng, doc["cited"], 8, 16)
        others = [s for s in speakers if s.split()[-1] != doc["speaker"].split()[-1]]
        claims.append(Claim("swapped", text, rng.choice(others), text))
    # Never said: narration sharing no run of six words with any stored quote (reported
    # speech by a cue verb the filter misses is a quote, not narration).
    quoted = {gram for d in docs for gram in _grams(words(d["cited"]).folded)}
    narration = [
        s.strip()
        for t in texts
        for s in _SENTENCE.findall(t)
        if 10 <= len(s.split()) <= 30
        and not _SPEECH.search(s)
        and quoted.isdisjoint(_grams(words(s).folded))
    ]
    for text in rng.sample(narration, min(per_kind, len(narration))):
        claims.append(Claim("never_said", text, None, None))
    return claims


def paraphrase_claims(docs: list[dict], split: Path) -> list[Claim]:
    """The hand-written paraphrases, each with its original's cited words as the source (the
    stored quote whose exact span is the file's text at the given offsets). They were written
    for dev: on another split there are none, and its claims hold no paraphrases."""
    by_span = {(d["article_title"], d["text"]): d for d in docs}
    claims = []
    for line in PARAPHRASES.read_text().splitlines():
        item = json.loads(line)
        path = split / "text" / f"{item['doc']}.txt"
        if not path.exists():
            continue
        text = path.read_text()
        title = text.split("\n", 1)[0].strip()
        original = by_span.get((title, text[item["start"] : item["end"]]))
        if original is None:
            print(f"no stored quote at {item['doc']} {item['start']}-{item['end']}: skipped")
            continue
        claims.append(Claim("paraphrase", item["claim"], original["speaker"], original["cited"]))
    return claims


def verdict_at(result: VerifiedClaim, threshold: float) -> Verdict:
    """The verdict the claim would get with another paraphrase threshold."""
    found = result.verification.verdict
    if found not in (Verdict.paraphrase, Verdict.not_found):
        return found
    scores = [m.candidate.semantic_score or 0.0 for m in result.verification.matches]
    return Verdict.paraphrase if max(scores, default=0.0) >= threshold else Verdict.not_found


def _grams(folded: tuple[str, ...], size: int = 6) -> set[tuple[str, ...]]:
    return {folded[i : i + size] for i in range(len(folded) - size + 1)}


async def run(index: SearchIndex, claims: list[Claim], show_misses: int) -> None:
    searcher = AsyncSearcher(index)
    verdicts: dict[str, list[bool]] = defaultdict(list)
    retrieved: dict[str, list[bool]] = defaultdict(list)
    latencies = []
    swept: dict[float, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    try:
        for claim in claims:
            started = time.perf_counter()
            result = await verify_claim(searcher, claim.text, claim.speaker, 5)
            latencies.append(time.perf_counter() - started)
            right = result.verification.verdict is EXPECTED[claim.kind]
            verdicts[claim.kind].append(right)
            if result.paraphrase_checked:
                for threshold in THRESHOLDS:
                    at = verdict_at(result, threshold) is EXPECTED[claim.kind]
                    swept[threshold][claim.kind].append(at)
            if not right and show_misses > 0:
                show_misses -= 1
                print(f"MISS {claim.kind}: {claim.text!r} (source {claim.source!r}) ->")
                for m in result.matches[:2]:
                    c = m.match.comparison
                    print(f"   {result.verification.verdict} {c.kind} {c.edits} {c.similarity}")
                    print(f"   {m.match.candidate.speaker_name}: {m.match.candidate.text!r}")
            if claim.source is not None:
                top = result.matches[0].match.candidate.text if result.matches else ""
                # a paraphrase's original is found when the top match is that quote's words
                # (or the same words reported elsewhere)
                wanted = (
                    (Kind.verbatim, Kind.altered)
                    if claim.kind == "paraphrase"
                    else (Kind.verbatim,)
                )
                found = bool(top) and compare(claim.source, top).kind in wanted
                retrieved[claim.kind].append(found)
    finally:
        await searcher.close()
    for kind in EXPECTED:
        got = verdicts[kind]
        if not got:
            continue
        line = f"{kind:11} n={len(got):4}  verdict {sum(got) / len(got):.3f}"
        if retrieved[kind]:
            line += f"  top-1 retrieval {sum(retrieved[kind]) / len(retrieved[kind]):.3f}"
        print(line)
    every = [v for got in verdicts.values() for v in got]
    print(f"overall     n={len(every):4}  verdict {sum(every) / len(every):.3f}")
    for threshold, by_kind in swept.items():
        every = [v for got in by_kind.values() for v in got]
        para, never = by_kind["paraphrase"], by_kind["never_said"]
        print(
            f"  paraphrase threshold {threshold:.2f}: overall verdict {sum(every) / len(every):.3f}"
            f", paraphrase {sum(para) / max(1, len(para)):.3f}"
            f", never_said {sum(never) / max(1, len(never)):.3f}"
        )
    ms = sorted(1000 * t for t in latencies)
    print(f"latency p50 {statistics.median(ms):.1f} ms, p95 {ms[int(0.95 * (len(ms) - 1))]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--per-kind", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show-misses", type=int, default=0, help="print up to N misses")
    parser.add_argument("--embeddings", choices=("local", "off"), default="local")
    args = parser.parse_args()
    split = SHARED / "polnear" / args.split
    if not split.exists():
        raise SystemExit(f"{split} is absent")
    with throwaway_instance("onrecord-verify-") as instance:
        instance.env["ONRECORD_EMBEDDINGS"] = args.embeddings
        started = time.perf_counter()
        ingested = instance.onrecord("ingest", str(split / "text"), "--meta-from-name", "--wait")
        print(
            ingested.strip(),
            f"({time.perf_counter() - started:.1f} s, embeddings {args.embeddings})",
        )
        embedder = local_embedder() if args.embeddings == "local" else None
        index = SearchIndex(
            instance.meili_url, instance.meili_key, Settings().meili_index, embedder=embedder
        )
        docs = list(index.documents())
        texts = [p.read_text() for p in sorted((split / "text").glob("*.txt"))]
        claims = make_claims(random.Random(args.seed), docs, texts, args.per_kind)
        claims += paraphrase_claims(docs, split)
        asyncio.run(run(index, claims, args.show_misses))


if __name__ == "__main__":
    main()
