"""Which speaker names from different articles are one person (pure name logic)."""

from __future__ import annotations

import pytest

from db.speakers.matching import org_key, parse_person, person_match_score, surname_key


@pytest.mark.parametrize(
    "spelling", ["Zelensky", "Zelenskyy", "Zelenskiy", "Zelenskii", "ZELENSKY"]
)
def test_transliterations_share_a_surname_key(spelling: str) -> None:
    assert surname_key(spelling) == surname_key("Zelensky")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Volodymyr Zelensky", "Zelenskyy"),
        ("Volodymyr Zelensky", "Volodymyr Zelenskiy"),
        ("Volodymyr Zelensky", "Volodimir Zelensky"),
        ("Donald Trump", "Donald J. Trump"),
        ("Joseph R. Biden Jr.", "Joseph Biden"),
        ("Loretta E. Lynch", "Loretta Lynch"),
        ("J. Smith", "John Smith"),
        ("Jorge Castañeda", "Jorge Castaneda"),
        ("Bill de Blasio", "De Blasio"),
    ],
)
def test_same_person(a: str, b: str) -> None:
    assert person_match_score(parse_person(a), parse_person(b)) > 0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Joe Biden", "Hunter Biden"),
        ("Barack Obama", "Michelle Obama"),
        ("Boris Johnson", "Johnston"),  # a surname alone must match exactly
        ("Bill Clinton", "Hillary Clinton"),
        ("Vladimir Putin", "Volodymyr Zelensky"),
    ],
)
def test_different_people(a: str, b: str) -> None:
    assert person_match_score(parse_person(a), parse_person(b)) == 0


def test_exact_full_name_scores_above_a_surname_alone() -> None:
    full = parse_person("Volodymyr Zelensky")
    assert person_match_score(full, parse_person("Volodymyr Zelensky")) > person_match_score(
        full, parse_person("Zelensky")
    )


def test_groups_are_not_people() -> None:
    assert parse_person("Oversight Committee Republicans") is None


def test_organisations_ignore_a_leading_the() -> None:
    assert org_key("the Kremlin") == org_key("Kremlin") != org_key("Kremlin Press Office")
