"""Fingerprints of a quote's words: winnowed hashes of its 5-word shingles (pure).

Two reports of one statement share long runs of words even when an outlet changed one or
dropped a few. Hashing every run of SHINGLE words and keeping, in each window of WINDOW
consecutive hashes, the smallest (winnowing, Schleimer et al. 2003) keeps about a third of
them and still guarantees that any run of SHINGLE + WINDOW - 1 = 8 words two quotes share
yields a fingerprint both have. Shorter quotes keep every shingle, so a one-word change in
a quote of 10 to 15 words (whose longest unchanged run may be under 8 words) still shares
one; a quote under SHINGLE words is one shingle.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from db.verification.normalise import _INNER_MARKS, _WORD, fold_word

SHINGLE = 5
WINDOW = 4
# Quotes with fewer shingles than this keep them all: up to 15 words (one changed word in
# 16 or more always leaves an unchanged run of 8, which winnowing is sure to catch).
KEEP_ALL_BELOW = 12


def folded_words(text: str) -> tuple[str, ...]:
    """`db.verification.normalise.words(text).folded`, without the spans grouping never
    reads: when the words are ASCII once their inner marks are gone (nearly every English
    quote), one substitution and one lower() over them all instead of one per word."""
    found = _WORD.findall(text)
    joined = _INNER_MARKS.sub("", " ".join(found))
    if joined.isascii():
        return tuple(joined.lower().split(" ")) if found else ()
    return tuple(fold_word(word) for word in found)


def shingle_hash(words: Sequence[str]) -> int:
    """A stable signed 64-bit hash of a run of folded words (a PostgreSQL BIGINT)."""
    digest = hashlib.blake2b("\x1f".join(words).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def fingerprints(words: Sequence[str]) -> set[int]:
    """The fingerprints of a quote's folded words (`db.verification.normalise.words`)."""
    if not words:
        return set()
    if len(words) <= SHINGLE:
        return {shingle_hash(words)}
    hashes = [shingle_hash(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]
    if len(hashes) < KEEP_ALL_BELOW:
        return set(hashes)
    return {min(hashes[i : i + WINDOW]) for i in range(len(hashes) - WINDOW + 1)}
