"""The issue's "done when" for editors, in a real browser (Playwright driving Debian's
Chromium): an editor signs in, fixes a misattributed quote and splits a record that mixes two
people; the fixes survive `onrecord ingest` of the same articles again; a reader's flag
reaches the editors' queue.

Every name and sentence here is made up for the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from db.api_keys.service import Scope
from tests.conftest import run_cli
from tests.test_browser import CHROMIUM, sync_api  # skips here too when Chromium is absent
from tests.test_security import make_key

FERRIES = (
    "Ferry talks stall\n\n"
    "The ferry talks stalled on Monday.\n"
    '"The ferries will run on time," said Mara Lind, the harbour master.\n'
    '"We need more berths," Tomas Brek said on Tuesday.\n'
)
WAIT = 30_000  # ms: generous, for a loaded machine
NETS = 'Nets\n\n"The nets are empty this spring," Brek said.\n'  # another Brek, unnamed


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def ingest(settings, folder: Path) -> None:
    for name, url, day in (
        ("ferries.txt", "https://example.org/ferry-talks", "2024-03-04"),
        ("nets.txt", "https://example.org/nets", "2024-03-05"),
    ):
        done = run_cli(
            settings, "ingest", str(folder / name), "--url", url, "--date", day, "--wait"
        )
        assert done.returncode == 0, done.stderr


def hit_id(api: httpx.Client, words: str) -> int:
    [hit] = api.get("/v1/search", params={"q": words, "in": "quote"}).json()["hits"]
    return hit["id"]


def total(api: httpx.Client, speaker: str) -> int:
    return api.get("/v1/search", params={"speaker": speaker}).json()["total"]


def test_an_editor_fixes_records_in_the_browser_and_a_flag_reaches_the_queue(
    api: httpx.Client, settings, chromium, tmp_path: Path
) -> None:
    (tmp_path / "ferries.txt").write_text(FERRIES)
    (tmp_path / "nets.txt").write_text(NETS)
    ingest(settings, tmp_path)
    assert total(api, "Tomas Brek") == 2  # his quote and the unnamed Brek's: one mixed record
    assert total(api, "Mara Lind") == 1
    ferries, nets, berths = (hit_id(api, w) for w in ("ferries", "nets", "berths"))
    base = str(api.base_url).rstrip("/")
    expect = sync_api.expect
    expect.set_options(timeout=WAIT)  # each fix drains to the index before its page returns

    editor = chromium.new_context()
    page = editor.new_page()
    page.set_default_timeout(WAIT)
    page.goto(f"{base}/quotes/{ferries}")
    assert page.locator("text=Correct this quote").count() == 0  # not signed in yet
    page.get_by_role("link", name="Editor sign-in").click()  # the readers' footer link
    page.get_by_label("API key").fill(make_key(settings, Scope.edit))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/quotes/{ferries}")
    [cookie] = editor.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    # the misattributed quote: Tomas Brek said it, not Mara Lind
    page.get_by_label("Stored speaker (name, slug or id)").fill("Tomas Brek")
    page.get_by_label("Why reassign").fill("the recording has Brek saying it")
    page.get_by_role("button", name="Reassign").click()
    expect(page.locator(".byline .speaker")).to_have_text("Tomas Brek")
    expect(page.locator("#corrections")).to_contain_text("attributed to Tomas Brek (was Mara Lind)")

    # the mixed record: the nets quote is another Brek's
    page.goto(f"{base}/speakers/tomas-brek")
    page.get_by_label(re.compile("The nets are empty")).check()
    page.locator("#split-new").fill("Oda Brek")
    page.get_by_label("Why split").fill("the nets quote is the fisher Oda Brek")
    page.get_by_role("button", name="Move the ticked quotes").click()
    expect(page).to_have_url(re.compile(r"/speakers/tomas-brek#corrections$"))
    expect(page.locator("#corrections")).to_contain_text("moved from Tomas Brek to Oda Brek")
    page.goto(f"{base}/speakers/oda-brek")
    expect(page.locator(".timeline li")).to_have_count(1)
    expect(page.locator(".timeline")).to_contain_text("The nets are empty")

    # the same articles again: the corrections hold, the index agrees with PostgreSQL
    ingest(settings, tmp_path)
    assert run_cli(settings, "check").returncode == 0
    assert hit_id(api, "ferries") == ferries and hit_id(api, "nets") == nets
    assert (total(api, "Tomas Brek"), total(api, "Mara Lind"), total(api, "Oda Brek")) == (2, 0, 1)
    page.goto(f"{base}/quotes/{ferries}")
    expect(page.locator(".byline .speaker")).to_have_text("Tomas Brek")

    # a reader (no account) flags a quote; it reaches the editors' queue
    reader = chromium.new_context()
    card = reader.new_page()
    card.set_default_timeout(WAIT)
    card.goto(f"{base}/?q=berths")  # from the search results' card
    card.get_by_role("link", name="Report wrong attribution").first.click()
    expect(card).to_have_url(f"{base}/quotes/{berths}?report=1#flag")
    card.get_by_label("What is wrong?").select_option("wrong_speaker")
    card.get_by_label("Note (optional)").fill("that was the deputy mayor")
    card.get_by_role("button", name="Report wrong attribution").click()
    expect(card.get_by_role("status")).to_contain_text("an editor will look at this quote")
    assert reader.cookies() == []
    reader.close()

    page.goto(f"{base}/?q=berths")  # the header of any public page leads to the queue
    page.get_by_role("navigation", name="Editor").get_by_role("link", name="Flags").click()
    expect(page.locator("#flag-summary")).to_contain_text("1 open flag on 1 quote")
    expect(page.locator(".flagged")).to_contain_text("that was the deputy mayor")
    page.get_by_role("link", name=f"Quote {berths}").click()
    expect(page).to_have_url(f"{base}/quotes/{berths}")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{base}/")
    assert editor.cookies() == []
    page.goto(f"{base}/editor/flags")
    expect(page).to_have_url(re.compile(r"/editor/sign-in\?next="))
    editor.close()
