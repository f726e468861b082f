"""Which speaker names from different articles are one person (pure name logic)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from db.speakers.matching import (
    Gender,
    consistent_alias,
    org_key,
    parse_person,
    person_match_score,
    pronoun_gender,
    same_person,
    slug_base,
    surname_key,
    unique_slug,
)


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
        ("Joseph R. Biden Jr.", "Joseph Biden Jr."),
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
        ("Ivana Stroud", "Ivanka Stroud"),  # a letter added is another name
        ("Dorian Kell Jr.", "Dorian Kell"),  # father and son
        ("Dorian Kell III", "Dorian Kell Jr."),
        ("Mr. Venn", "Mrs. Venn"),
        ("Jon Petrak", "Joan Petrak"),
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


@dataclass
class Stored:
    name: str
    gender: str | None = None


def test_an_honorific_never_joins_a_record_of_the_other_gender() -> None:
    marla = Stored("Marla Venn", Gender.female)
    assert same_person("Mr. Venn", [marla]) is None
    assert same_person("Mrs. Venn", [marla]) is marla


def test_a_bare_surname_picks_the_one_consistent_person() -> None:
    bill, hilde = Stored("Bram Dollery", Gender.male), Stored("Hilde Dollery", Gender.female)
    assert same_person("Dollery", [bill, hilde]) is None  # two people: kept apart
    assert same_person("Mrs. Dollery", [bill, hilde]) is hilde
    assert same_person("Dollery", [bill, hilde], pronoun_gender("she")) is hilde
    assert same_person("Mr. Dollery", [bill, hilde]) is bill


def test_a_bare_surname_joins_the_only_person_with_it() -> None:
    barrow = Stored("Tobias Barrow", Gender.male)
    assert same_person("Barrow", [barrow]) is barrow
    assert same_person("Mr. Barrow", [barrow]) is barrow


def test_a_full_name_joins_a_surname_record_only_when_no_other_person_has_it() -> None:
    surname_only = Stored("Quill")
    assert same_person("Ada Quill", [surname_only]) is surname_only
    assert same_person("Ada Quill", [surname_only, Stored("Rufus Quill")]) is None


def test_father_and_son_stay_apart() -> None:
    father, son = Stored("Dorian Kell"), Stored("Dorian Kell Jr.")
    assert same_person("Dorian Kell Jr.", [father, son]) is son
    assert same_person("Dorian Kell", [father, son]) is father
    assert same_person("Kell", [son]) is son  # the only Kell known
    assert same_person("Kell", [father, son]) is None
    assert same_person("Kell Jr.", [father, son]) is son


def test_aliases_must_name_the_same_person() -> None:
    assert consistent_alias("Mrs. Venn", "Marla Venn", Gender.female)
    assert consistent_alias("Venn", "Marla Venn", Gender.female)
    assert not consistent_alias("Mr. Venn", "Marla Venn", Gender.female)
    assert not consistent_alias("Otto Venn", "Marla Venn", None)
    assert consistent_alias("Kell", "Dorian Kell Jr.", None)
    assert not consistent_alias("Dorian Kell", "Dorian Kell Jr.", None)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Владимир Путин", "vladimir-putin"),
        ("Κυριάκος Μητσοτάκης", "kyriakos-mitsotakis"),
        ("Jorge Castañeda", "jorge-castaneda"),
        ("\u200b\u0301", ""),  # nothing to transliterate: the id is used
    ],
)
def test_slugs_transliterate_any_script(name: str, slug: str) -> None:
    assert slug_base(name) == slug


def test_slugs_take_a_number_when_taken() -> None:
    assert unique_slug("ivo-rask", []) == "ivo-rask"
    assert unique_slug("ivo-rask", ["ivo-rask", "ivo-rask-2"]) == "ivo-rask-3"
