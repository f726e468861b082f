"""Quote verification core: word comparison, diffs on the original text, verdicts (pure).

Every sentence here is invented for these tests.
"""

from __future__ import annotations

import time

import pytest

from db.verification import (
    Candidate,
    Kind,
    Verdict,
    allowed_edits,
    compare,
    verdict,
    words,
)

ORIGINAL = (
    "We will rebuild the harbour bridge before the winter storms arrive, and nobody in this "
    "town should doubt it for a single moment."
)
OTHER = "The orchestra will tour four coastal cities next autumn, ticket prices unchanged."


def changes(claim: str, original: str = ORIGINAL) -> list[tuple[str, str, str]]:
    """The diff's non-equal steps as (op, claimed, original)."""
    return [(d.op, d.claimed, d.original) for d in compare(claim, original).diff if d.op != "equal"]


# ---- normalisation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Don’t STOP now", ("dont", "stop", "now")),
        ("don't stop now", ("dont", "stop", "now")),
        (
            "a well-known — and well‐loved — café",
            ("a", "well", "known", "and", "well", "loved", "cafe"),
        ),
        ("the U.S. and the US", ("the", "us", "and", "the", "us")),
        ("1,000 people, 3.5 per cent", ("1000", "people", "35", "per", "cent")),
        ("  spaced\tout\n\nwords  ", ("spaced", "out", "words")),
        ("“Quoted,” ‘nested’ «guillemets»", ("quoted", "nested", "guillemets")),
        ("", ()),
    ],
)
def test_words_fold_case_quotes_dashes_punctuation(text: str, folded: tuple[str, ...]) -> None:
    assert words(text).folded == folded


def test_words_keep_spans_into_the_original() -> None:
    text = "“Frankly,” she said — it’s over."
    parsed = words(text)
    assert [text[a:b] for a, b in parsed.spans] == ["Frankly", "she", "said", "it’s", "over"]
    assert parsed.source(1, 4) == "she said — it’s"


# ---- compare: verbatim ------------------------------------------------------------------


@pytest.mark.parametrize(
    "claim",
    [
        ORIGINAL,
        "we will rebuild the harbour bridge",  # a fragment from the start
        "nobody in this town should doubt it",  # a fragment from the middle
        "for a single moment",  # the end
        "WE WILL REBUILD THE HARBOUR BRIDGE",
        "“We will rebuild the harbour bridge before the winter storms arrive”",
        "We will rebuild the harbour bridge before the winter-storms arrive",
        "storms arrive — and nobody in this town",
        "storms arrive... and nobody in this town",
        "We   will\nrebuild   the harbour bridge",
        "we will rebuild the harbour bridge … for a single moment",
        "we will rebuild ... winter storms ... single moment",
        "We will rebuild the harbour bridge [...] nobody in this town should doubt it",
        "… nobody in this town should doubt it …",
        "We will rebuild the harbour bridge before . . . the winter storms arrive",
    ],
)
def test_verbatim_fragments_and_variants(claim: str) -> None:
    result = compare(claim, ORIGINAL)
    assert result.kind is Kind.verbatim
    assert result.similarity == 1.0
    assert result.edits == 0
    assert all(d.op == "equal" or d.elided for d in result.diff)


def test_curly_apostrophes_and_accents_are_the_same_word() -> None:
    assert (
        compare("it’s the Café Élysée’s turn", "It's the cafe Elysee's turn.").kind is Kind.verbatim
    )


def test_ellipsis_diff_marks_the_skipped_words_as_elided() -> None:
    result = compare("We will rebuild … before the winter storms arrive", ORIGINAL)
    assert result.kind is Kind.verbatim
    elided = [d for d in result.diff if d.elided]
    assert [(d.op, d.claimed, d.original) for d in elided] == [
        ("delete", "…", "the harbour bridge")
    ]
    assert ORIGINAL[elided[0].start : elided[0].end] == "the harbour bridge"


def test_ellipsis_segments_must_keep_their_order() -> None:
    result = compare("for a single moment … we will rebuild the harbour bridge", ORIGINAL)
    assert result.kind is not Kind.verbatim


def test_matched_region_is_located_in_the_original() -> None:
    result = compare("the winter storms arrive and nobody", ORIGINAL)
    assert ORIGINAL[result.start : result.end] == "the winter storms arrive, and nobody"


# ---- compare: altered -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        (  # one word substituted
            "We will rebuild the harbour bridge after the winter storms arrive",
            [("replace", "after", "before")],
        ),
        (  # two words substituted, apart
            "We will demolish the harbour bridge before the summer storms arrive",
            [("replace", "demolish", "rebuild"), ("replace", "summer", "winter")],
        ),
        (  # three words substituted
            "We will demolish the harbour tunnel before the summer storms arrive",
            [
                ("replace", "demolish", "rebuild"),
                ("replace", "tunnel", "bridge"),
                ("replace", "summer", "winter"),
            ],
        ),
        (  # one word inserted
            "We will never rebuild the harbour bridge before the winter storms arrive",
            [("insert", "never", "")],
        ),
        (  # two words inserted together
            "nobody in this town should ever really doubt it for a single moment",
            [("insert", "ever really", "")],
        ),
        (  # one word dropped
            "We will rebuild the bridge before the winter storms arrive",
            [("delete", "", "harbour")],
        ),
        (  # two words dropped apart
            "We will rebuild the bridge before winter storms arrive and nobody in this town",
            [("delete", "", "harbour"), ("delete", "", "the")],
        ),
        (  # a change, an insertion and a drop
            "We shall rebuild the harbour bridge before the storms arrive and surely nobody in "
            "this town",
            [("replace", "shall", "will"), ("delete", "", "winter"), ("insert", "surely", "")],
        ),
    ],
)
def test_altered_diff_shows_exactly_the_changed_words(
    claim: str, expected: list[tuple[str, str, str]]
) -> None:
    result = compare(claim, ORIGINAL)
    assert result.kind is Kind.altered
    assert 0.5 < result.similarity < 1.0
    assert result.edits == sum(max(len(c.split()), len(o.split())) for _, c, o in expected)
    assert changes(claim) == expected


def test_diff_offsets_point_at_the_original_words() -> None:
    result = compare("We will rebuild the harbour tunnel before the winter storms arrive", ORIGINAL)
    (replaced,) = [d for d in result.diff if d.op == "replace"]
    assert ORIGINAL[replaced.start : replaced.end] == "bridge"
    for step in result.diff:
        if step.op != "insert":
            assert ORIGINAL[step.start : step.end] == step.original


def test_diff_keeps_the_claims_own_spelling() -> None:
    result = compare("“We will REBUILD the harbour tunnel”", ORIGINAL)
    assert [(d.op, d.claimed, d.original) for d in result.diff] == [
        ("equal", "We will REBUILD the harbour", "We will rebuild the harbour"),
        ("replace", "tunnel", "bridge"),
    ]


def test_insertion_sits_between_the_original_words() -> None:
    result = compare("the harbour bridge surely before the winter storms", ORIGINAL)
    (inserted,) = [d for d in result.diff if d.op == "insert"]
    assert inserted.start == inserted.end == ORIGINAL.index("bridge") + len("bridge")


def test_fragment_is_aligned_to_its_window_not_the_whole_quote() -> None:
    long_original = f"{OTHER} {ORIGINAL} {OTHER}"
    result = compare("nobody in this village should doubt it", long_original)
    assert result.kind is Kind.altered
    assert result.similarity == pytest.approx(6 / 7, abs=1e-3)
    assert [(d.op, d.claimed, d.original) for d in result.diff if d.op != "equal"] == [
        ("replace", "village", "town")
    ]


def test_altered_segments_around_an_ellipsis() -> None:
    claim = "We will rebuild the harbour tunnel … nobody in this town should doubt it"
    result = compare(claim, ORIGINAL)
    assert result.kind is Kind.altered
    assert [(d.op, d.claimed) for d in result.diff if d.op != "equal"] == [
        ("replace", "tunnel"),
        ("delete", "…"),
    ]


def test_claim_longer_than_the_original_by_a_few_words_is_altered() -> None:
    original = "The ferry timetable stays the same all through the year"
    result = compare("Honestly, the ferry timetable stays the same all through the year", original)
    assert result.kind is Kind.altered
    assert changes(
        "Honestly, the ferry timetable stays the same all through the year", original
    ) == [("insert", "Honestly", "")]


def test_claim_far_longer_than_the_original_is_unrelated() -> None:
    original = "The ferry timetable stays the same"
    claim = "The ferry timetable stays the same, the mayor told a packed hall on Tuesday evening"
    assert compare(claim, original).kind is Kind.unrelated


def test_truncated_claim_is_a_verbatim_fragment() -> None:
    assert compare("We will rebuild the harbour bridge before the", ORIGINAL).kind is Kind.verbatim
    assert compare("We will rebuild the harbour bridge before…", ORIGINAL).kind is Kind.verbatim


# ---- compare: unrelated and thresholds --------------------------------------------------


@pytest.mark.parametrize(
    "claim",
    [
        OTHER,
        "The council refused to comment on the harbour accounts",
        "We will rebuild the harbour bridge",  # verbatim, but against another quote below
    ],
)
def test_unrelated_sentences(claim: str) -> None:
    result = compare(claim, OTHER if claim != OTHER else ORIGINAL)
    assert result.kind is Kind.unrelated
    assert result.similarity < 0.5


def test_four_edits_in_a_twelve_word_claim_are_too_many() -> None:
    claim = "We must repair the city bridge before the autumn storms arrive"  # 4 changed of 11
    assert compare(claim, ORIGINAL).kind is Kind.unrelated


@pytest.mark.parametrize(
    ("claim_words", "allowed"),
    [(1, 0), (2, 0), (3, 1), (6, 2), (9, 3), (15, 3), (20, 5), (40, 10)],
)
def test_allowed_edits_scale_with_the_claim(claim_words: int, allowed: int) -> None:
    assert allowed_edits(claim_words) == allowed


def test_short_claims_must_be_verbatim() -> None:
    assert compare("harbour tunnel", ORIGINAL).kind is Kind.unrelated
    assert compare("harbour bridge", ORIGINAL).kind is Kind.verbatim


@pytest.mark.parametrize("claim", ["", "   ", "\n\t", "…", "“ — ”", "..."])
def test_claim_without_words_is_refused(claim: str) -> None:
    with pytest.raises(ValueError, match="no words"):
        compare(claim, ORIGINAL)
    with pytest.raises(ValueError, match="no words"):
        verdict(claim, None, [])


def test_empty_original_is_unrelated() -> None:
    result = compare("we will rebuild the bridge", "")
    assert result.kind is Kind.unrelated
    assert result.similarity == 0.0
    assert [d.op for d in result.diff] == ["insert"]


def _long_original(n_words: int) -> str:
    vocabulary = [
        "harbour",
        "bridge",
        "winter",
        "storm",
        "council",
        "ferry",
        "mayor",
        "river",
        "bank",
        "vote",
        "road",
    ]
    return " ".join(f"{vocabulary[i % len(vocabulary)]}{i % 397}" for i in range(n_words))


def test_five_thousand_word_original_is_fast() -> None:
    original = _long_original(5000)
    middle = original.split()[2400:2430]
    altered = " ".join([*middle[:10], "suddenly", *middle[10:20], *middle[21:]])
    started = time.perf_counter()
    verbatim_result = compare(" ".join(middle), original)
    altered_result = compare(altered, original)
    unrelated_result = compare(ORIGINAL, original)
    elapsed = time.perf_counter() - started
    assert verbatim_result.kind is Kind.verbatim
    assert altered_result.kind is Kind.altered
    assert altered_result.edits == 2
    assert unrelated_result.kind is Kind.unrelated
    assert elapsed < 1.0  # a sanity bound; real speed is measured in benchmarks


# ---- verdict ----------------------------------------------------------------------------

MARSH = Candidate(1, ORIGINAL, "Elena Marsh", ("Mayor Marsh",))
QUILL = Candidate(2, OTHER, "Tobias Quill")


def test_verdict_verbatim_by_the_claimed_speaker() -> None:
    result = verdict("we will rebuild the harbour bridge", "Elena Marsh", [QUILL, MARSH])
    assert result.verdict is Verdict.verbatim
    assert [m.candidate.id for m in result.matches] == [1, 2]
    assert result.matches[0].speaker_matches is True


def test_verdict_altered_by_the_claimed_speaker() -> None:
    result = verdict("we will rebuild the harbour tunnel before winter", "elena marsh", [MARSH])
    assert result.verdict is Verdict.altered
    assert [(d.op, d.claimed) for d in result.matches[0].comparison.diff if d.op != "equal"] == [
        ("replace", "tunnel"),
        ("delete", ""),
    ]


@pytest.mark.parametrize(
    "speaker",
    ["Elena Marsh", "ELENA MARSH", "Eléna Marsh", "Marsh", "Mayor Marsh", "mayor marsh", None, ""],
)
def test_speaker_by_name_alias_accents_or_unique_surname(speaker: str | None) -> None:
    result = verdict("we will rebuild the harbour bridge", speaker, [MARSH, QUILL])
    assert result.verdict is Verdict.verbatim


@pytest.mark.parametrize(
    "claim",
    ["we will rebuild the harbour bridge", "we will rebuild the harbour tunnel before winter"],
)
def test_words_said_by_someone_else_are_misattributed(claim: str) -> None:
    result = verdict(claim, "Tobias Quill", [QUILL, MARSH])
    assert result.verdict is Verdict.misattributed
    assert result.said_by == "Elena Marsh"
    assert result.matches[0].candidate.id == 1
    assert result.matches[0].speaker_matches is False


def test_surname_shared_by_two_speakers_does_not_make_a_misattribution() -> None:
    brother = Candidate(3, "The ferry timetable stays the same all year", "Paul Marsh")
    result = verdict("we will rebuild the harbour bridge", "Marsh", [MARSH, brother])
    assert result.verdict is Verdict.verbatim
    assert result.matches[0].speaker_matches is None


def test_surname_of_a_different_person_is_misattributed() -> None:
    result = verdict("we will rebuild the harbour bridge", "Paul Marsh", [MARSH])
    assert result.verdict is Verdict.misattributed


def test_transliterated_full_name_is_the_same_speaker() -> None:
    quote = Candidate(4, ORIGINAL, "Oleksandr Kovalenky")
    assert verdict(ORIGINAL, "Oleksandr Kovalenkyy", [quote]).verdict is Verdict.verbatim


def test_claimed_speakers_own_altered_words_beat_anothers_verbatim() -> None:
    echo = Candidate(
        5, "We will rebuild the harbour tunnel before the winter storms arrive", "Tobias Quill"
    )
    result = verdict(
        "we will rebuild the harbour tunnel before the winter", "Elena Marsh", [echo, MARSH]
    )
    assert result.verdict is Verdict.altered
    assert [m.candidate.id for m in result.matches] == [1, 5]


def test_verbatim_ranks_before_altered() -> None:
    altered = Candidate(6, ORIGINAL.replace("bridge", "tunnel"), "Elena Marsh")
    result = verdict("the harbour bridge before the winter storms", None, [altered, MARSH])
    assert result.verdict is Verdict.verbatim
    assert [m.candidate.id for m in result.matches] == [1, 6]


def test_paraphrase_when_meaning_matches_but_words_do_not() -> None:
    meaning = Candidate(7, ORIGINAL, "Elena Marsh", semantic_score=0.82)
    loose = Candidate(8, OTHER, "Tobias Quill", semantic_score=0.41)
    claim = "The crossing over the port will be back up before bad weather comes"
    result = verdict(claim, "Elena Marsh", [loose, meaning], paraphrase_threshold=0.7)
    assert result.verdict is Verdict.paraphrase
    assert [m.candidate.id for m in result.matches] == [7, 8]
    assert verdict(claim, None, [loose, meaning], paraphrase_threshold=0.9).verdict is (
        Verdict.not_found
    )


def test_not_found_still_returns_the_closest_candidates() -> None:
    claim = "The harbour accounts were never audited by anyone in this town"
    result = verdict(claim, "Elena Marsh", [QUILL, MARSH])
    assert result.verdict is Verdict.not_found
    assert [m.candidate.id for m in result.matches] == [1, 2]
    assert result.matches[0].comparison.similarity > result.matches[1].comparison.similarity
    assert verdict(claim, None, []).matches == ()
