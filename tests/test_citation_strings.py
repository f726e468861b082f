"""Citation strings and evidence lines as the pages print them, on invented quotes."""

from __future__ import annotations

import pytest

from api.citations import ap_date, citation, citations
from api.schemas import ArticleRef, Evidence, Resolution, SearchHit, SpeakerRef
from db.vocabulary import CitationStyle
from indexer.extract.rules import RESOLUTIONS

ARTICLE = ArticleRef(id=1, title="Harbour", url=None, outlet="Quay Daily", published_at=None)


def hit(cited: str, type_: str = "direct", rule: str = "direct_cue_after:name", **kw) -> SearchHit:
    speaker = kw.get("speaker", "Anna Kovacs")
    mention = kw.get("mention", speaker)
    return SearchHit(
        id=1,
        text=cited,
        cited=cited,
        type=type_,
        speaker=SpeakerRef(id=1, name=speaker) if speaker else None,
        article=ARTICLE,
        said_on="2024-05-06",
        context="",
        confidence=0.9,
        low_confidence=False,
        highlight=cited,
        evidence=Evidence.of(rule, mention, "said", speaker),
    )


def test_resolutions_are_the_extractors() -> None:
    assert [r.value for r in Resolution] == list(RESOLUTIONS)


@pytest.mark.parametrize(
    ("cited", "expected"),
    [
        ("We are ready.", "“We are ready,” Anna Kovacs said on 6 May 2024 (Quay Daily)."),
        ("Who pays for it?", "“Who pays for it?” Anna Kovacs said on 6 May 2024 (Quay Daily)."),
        ("a good start", "“a good start,” Anna Kovacs said on 6 May 2024 (Quay Daily)."),
        (
            "It is done. … He called it ‘a sham.’",
            "“It is done. … He called it ‘a sham,’” Anna Kovacs said on 6 May 2024 (Quay Daily).",
        ),
        ("the voters’ mood.", "“the voters’ mood,” Anna Kovacs said on 6 May 2024 (Quay Daily)."),
    ],
)
def test_a_quote_is_cited_in_one_pair_of_curly_marks(cited: str, expected: str) -> None:
    assert citation(hit(cited)) == expected


def test_a_paraphrase_reads_said_that_or_is_not_cited() -> None:
    reported = "reported_cue_before:name"
    assert citation(hit("the dredging would finish by April.", "indirect", reported)) == (
        "Anna Kovacs said on 6 May 2024 that the dredging would finish by April (Quay Daily)."
    )
    assert citation(hit("we would win.", "indirect", reported)) is None  # "said that we …"
    unnamed = hit(
        "the port would close.",
        "indirect",
        "reported_cue_before:description",
        speaker="senior official",
        mention="A senior official",
    )
    assert citation(unnamed) == (
        "A senior official said on 6 May 2024 that the port would close (Quay Daily)."
    )
    assert unnamed.evidence.attributed_from == "‘A senior official said’, an unnamed source"
    assert unnamed.evidence.explanation == "unnamed source"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2024-05-06", "May 6, 2024"),
        ("2024-09-04", "Sept. 4, 2024"),
        ("2023-12-31", "Dec. 31, 2023"),
    ],
)
def test_ap_dates_abbreviate_long_months_only(day: str, expected: str) -> None:
    assert ap_date(day) == expected


def test_each_style_cites_the_same_words() -> None:
    link = "https://quotes.example/quotes/1"
    said = hit("We are ready.")
    assert citation(said, CitationStyle.ap) == (
        "“We are ready,” Anna Kovacs said May 6, 2024, according to Quay Daily."
    )
    assert citation(said, CitationStyle.link, link) == (
        f"“We are ready,” Anna Kovacs said on 6 May 2024 (Quay Daily). {link}"
    )
    reported = hit("the port would close.", "indirect", "reported_cue_before:name")
    assert citation(reported, CitationStyle.ap) == (
        "Anna Kovacs said May 6, 2024, that the port would close, according to Quay Daily."
    )
    undated = hit("We are ready.").model_copy(update={"said_on": None})
    assert citation(undated, CitationStyle.ap) == (
        "“We are ready,” Anna Kovacs said, according to Quay Daily."
    )
    every = citations(said, link)
    assert every is not None
    assert (every.plain, every.ap) == (citation(said), citation(said, CitationStyle.ap))
    assert citations(hit("we would win.", "indirect", "reported_cue_before:name"), link) is None


@pytest.mark.parametrize(
    ("rule", "mention", "line", "explanation"),
    [
        ("direct_cue_after:name", "Kovacs", "‘Kovacs said’, resolved to Anna Kovacs", None),
        ("direct_cue_after:pronoun", "she", "‘she said’, resolved to Anna Kovacs", None),
        (
            "direct_cue_after:role",
            "the mayor",
            "‘the mayor said’, resolved to Anna Kovacs",
            "role “the mayor” resolved to Anna Kovacs",
        ),
        (None, "Kovacs", "‘Kovacs said’, resolved to Anna Kovacs", "not recorded"),
    ],
)
def test_evidence_line(rule: str | None, mention: str, line: str, explanation: str | None) -> None:
    evidence = Evidence.of(rule, mention, "said", "Anna Kovacs")
    assert evidence.attributed_from == line
    if explanation:
        assert evidence.explanation == explanation
