"""The English check: extraction is English-only, so ingest warns once about articles that
look clearly not English and the article (API and page) says so; nothing is refused."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from db.language import MIN_WORDS, check_english
from onrecord.cli.ingest import not_english_warning
from tests.conftest import API_KEY, run_cli

# Invented texts: a French and a German news paragraph, an English one.
FRENCH = (
    "Le maire de la ville a déclaré jeudi que le port rouvrirait au printemps, malgré les "
    "retards du chantier qui inquiètent les pêcheurs depuis des mois. « Nous tiendrons parole "
    "», a-t-il dit devant les habitants réunis à la mairie, ajoutant que les travaux seraient "
    "financés par la région et que les bateaux pourraient reprendre la mer dès le mois de mai."
)
GERMAN = (
    "Die Bürgermeisterin kündigte am Donnerstag an, dass der Hafen im Frühjahr wieder öffnen "
    "werde, obwohl die Bauarbeiten seit Monaten hinter dem Zeitplan liegen. „Wir halten Wort“, "
    "sagte sie vor den Einwohnern im Rathaus und fügte hinzu, dass das Land die Arbeiten "
    "bezahle und die Fischer ihre Boote schon im Mai wieder auslaufen lassen könnten."
)
ENGLISH = (
    "The mayor said on Thursday that the harbour would reopen in the spring, despite the "
    'delays that have worried the fishermen for months. "We will keep our word," she told '
    "residents at the town hall, adding that the region would pay for the work and that the "
    "boats could go back to sea as early as May, when the new quay is finished."
)
RUSSIAN = "Мэр заявил в четверг, что порт откроется весной, несмотря на задержки. " * 6


@pytest.mark.parametrize("text", [FRENCH, GERMAN, RUSSIAN])
def test_other_languages_are_clearly_not_english(text: str) -> None:
    check = check_english(text)
    assert check.words >= MIN_WORDS and check.english_share < 0.1 and not check.looks_english


def test_english_and_short_texts_pass() -> None:
    assert check_english(ENGLISH).english_share > 0.3 and check_english(ENGLISH).looks_english
    assert check_english("Le port rouvrira.").looks_english  # too short to judge
    assert check_english("").looks_english


def test_the_warning_is_one_line_naming_a_few() -> None:
    assert not_english_warning(["a.txt"]).startswith("1 article looks clearly not English")
    many = not_english_warning([f"{n}.txt" for n in range(8)])
    assert many.startswith("8 articles look") and many.endswith("4.txt and 3 more")


def test_ingest_stores_a_french_article_and_warns_once(settings, tmp_path: Path) -> None:
    (tmp_path / "fr1.txt").write_text("Le port\n" + FRENCH)
    (tmp_path / "fr2.txt").write_text("Der Hafen\n" + GERMAN)
    (tmp_path / "en.txt").write_text("The harbour\n" + ENGLISH)
    run = run_cli(settings, "ingest", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert "3 new" in run.stdout
    assert run.stderr.count("clearly not English") == 1
    assert "2 articles look clearly not English" in run.stderr
    assert "fr1.txt" in run.stderr and "fr2.txt" in run.stderr and "en.txt" not in run.stderr


def test_the_article_says_it_does_not_look_english(api: httpx.Client) -> None:
    article = {"title": "Le port", "text": FRENCH, "url": "https://example.org/le-port"}
    created = api.post("/v1/articles", json=article, headers={"X-API-Key": API_KEY})
    assert created.status_code == 201, created.text
    language = created.json()["language"]
    assert language["looks_english"] is False and language["english_share"] < 0.1
    fetched = api.get(f"/v1/articles/{created.json()['id']}").json()
    assert fetched["language"] == language
    page = api.get(f"/articles/{created.json()['id']}", headers={"Accept": "text/html"}).text
    assert "This article does not look English" in page
    english = {"title": "Harbour", "text": ENGLISH, "url": "https://example.org/harbour"}
    stored = api.post("/v1/articles", json=english, headers={"X-API-Key": API_KEY}).json()
    assert stored["language"]["looks_english"] is True
    assert "does not look English" not in api.get(f"/articles/{stored['id']}").text
