"""Statements: the same words of one speaker reported by several outlets are one statement,
grouped when the outbox is drained, shown on hits and pages, and kept current through
corrections (the index follows: `check` stays clean).

Every name and sentence here is made up for the tests.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import time
import unicodedata
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text

from api.schemas import StatementRef
from db.articles import service as article_service
from db.corrections import service as corrections
from db.corrections.service import NewSpeaker
from db.index_sync import drift
from db.index_sync.service import drain_outbox
from db.models import Article, Quote, QuoteStatement, Statement
from db.records import ArticleIn
from db.search_index import SearchQuery
from db.speakers.service import SpeakerCache
from db.statements.fingerprints import fingerprints, folded_words, shingle_hash
from db.verification.normalise import fold_word, words
from db.vocabulary import Distinct
from indexer.extract import extract_quotes
from tests.conftest import API_KEY
from tests.test_storage import search

WORDS = "The northern rail line will reopen before the winter storms close the pass again"
ONE_CHANGED = WORDS.replace("winter", "autumn")


def story(speaker: str, said: str, outlet: str) -> str:
    """An article quoting `said`; each outlet's own last line keeps the texts apart (the
    same text twice is one article)."""
    return f'"{said}," {speaker} said on Monday.\nThe council met. {outlet} filed this.\n'


def store(factory, index, url: str, outlet: str, day: date, speaker: str, said: str) -> None:
    body = story(speaker, said, outlet)
    article = ArticleIn(title="Rail", text=body, url=url, outlet=outlet, published_at=day)
    article_service.store_and_index(factory, index, article, extract_quotes(body))


def statement_with(factory, fragment: str) -> Statement:
    """The statement of the one quote whose cited words hold `fragment`."""
    with factory() as session:
        [statement] = session.scalars(
            select(Statement)
            .join(QuoteStatement, QuoteStatement.statement_id == Statement.id)
            .join(Quote, Quote.id == QuoteStatement.quote_id)
            .where(Quote.cited.contains(fragment))
            .distinct()
        ).all()
    return statement


def assert_clean(factory, index) -> None:
    report = drift.check_drift(factory, index)
    assert report.clean, report


def hits(index, **query) -> list[dict]:
    return search(index, SearchQuery(q="rail", **query))["hits"]


def test_fingerprints_survive_one_changed_word() -> None:
    for said in (WORDS, " ".join(WORDS.split()[:10]), " ".join(WORDS.split()[:11])):
        changed = said.split()
        changed[len(changed) // 2] = "meanwhile"
        assert fingerprints(words(said).folded) & fingerprints(words(" ".join(changed)).folded)
    assert fingerprints(words("We will win").folded) == fingerprints(words("we WILL win!").folded)
    assert not fingerprints(words(WORDS).folded) & fingerprints(words("Taxes will rise").folded)


def test_two_outlets_one_statement_first_reported_earlier(stores) -> None:
    factory, index = stores
    # the later report is stored first: the first report goes by date, not by storage order
    store(factory, index, "https://b.example/1", "Valley Gazette", date(2024, 5, 3),
          "Mayor Ilse Varnes", WORDS)  # fmt: skip
    store(factory, index, "https://a.example/1", "Coastal Tribune", date(2024, 5, 1),
          "Mayor Ilse Varnes", WORDS)  # fmt: skip
    statement = statement_with(factory, "winter storms")
    with factory() as session:
        quote_ids = sorted(session.scalars(select(Quote.id)))
        members = sorted(session.scalars(select(QuoteStatement.quote_id)))
        first = session.get(Quote, statement.first_quote_id)
    assert len(quote_ids) == 2 and members == quote_ids
    assert statement.id == quote_ids[0] and statement.reports == 2 and statement.outlets == 2
    assert statement.first_outlet == "Coastal Tribune" and statement.first_on == date(2024, 5, 1)
    assert first is not None and first.id == quote_ids[1]  # the one stored second

    found = hits(index)
    assert len(found) == 2
    for doc in found:  # every report's document carries the statement, current
        ref = StatementRef.from_document(doc)
        assert ref is not None and ref.id == statement.id and ref.reports == 2
        assert ref.first_reported.outlet == "Coastal Tribune"
    assert_clean(factory, index)

    [one] = hits(index, distinct=Distinct.statement)
    assert one["statement_id"] == statement.id
    assert search(index, SearchQuery(q="rail", distinct=Distinct.statement))["totalHits"] == 1
    assert len(hits(index)) == 2  # without distinct, both


def test_same_words_other_speaker_is_another_statement(stores) -> None:
    factory, index = stores
    store(factory, index, "https://a.example/2", "Coastal Tribune", date(2024, 5, 1),
          "Mayor Ilse Varnes", WORDS)  # fmt: skip
    store(factory, index, "https://b.example/2", "Valley Gazette", date(2024, 5, 2),
          "Senator Piet Holloway", WORDS)  # fmt: skip
    with factory() as session:
        statements = session.scalars(select(Statement)).all()
    assert len(statements) == 2 and {s.reports for s in statements} == {1}
    assert len(hits(index, distinct=Distinct.statement)) == 2
    assert_clean(factory, index)


def test_one_word_changed_is_the_same_statement(stores) -> None:
    factory, index = stores
    store(factory, index, "https://a.example/3", "Coastal Tribune", date(2024, 5, 1),
          "Mayor Ilse Varnes", WORDS)  # fmt: skip
    store(factory, index, "https://b.example/3", "Valley Gazette", date(2024, 5, 2),
          "Mayor Ilse Varnes", ONE_CHANGED)  # fmt: skip
    store(factory, index, "https://c.example/3", "Metro Wire", date(2024, 5, 2),
          "Mayor Ilse Varnes", "Taxes on ferry tickets will not rise this year")  # fmt: skip
    rail = statement_with(factory, "northern rail line")  # both reports, one statement
    assert rail.reports == 2 and rail.outlets == 2
    taxes = statement_with(factory, "Taxes on ferry")
    assert taxes.id != rail.id and taxes.reports == 1
    assert_clean(factory, index)


def test_corrections_regroup_and_the_index_follows(stores) -> None:
    factory, index = stores
    for n, (outlet, day) in enumerate(
        [("Coastal Tribune", 1), ("Valley Gazette", 2), ("Metro Wire", 3)]
    ):
        store(factory, index, f"https://x.example/{n}", outlet, date(2024, 5, day),
              "Mayor Ilse Varnes", WORDS)  # fmt: skip
    with factory() as session:
        first, second, third = sorted(session.scalars(select(Quote.id)))

    # the first report goes to another speaker: it leaves, the other two stay one statement
    corrections.reassign_quote(
        factory, index, first, NewSpeaker("Piet Holloway"), "the recording says so", "desk"
    )
    with factory() as session:
        of = {
            q: s
            for q, s in session.execute(
                select(QuoteStatement.quote_id, QuoteStatement.statement_id)
            )
        }
        rest = session.get(Statement, of[second])
        alone = session.get(Statement, of[first])
    assert of[second] == of[third] == second and of[first] == first
    assert rest is not None and rest.reports == 2 and rest.first_outlet == "Valley Gazette"
    assert alone is not None and alone.reports == 1
    assert_clean(factory, index)

    corrections.reject_quote(factory, index, third, "a headline", "desk")
    with factory() as session:
        rest = session.get(Statement, second)
        assert rest is not None and rest.reports == 1
        assert (
            session.scalar(select(QuoteStatement).where(QuoteStatement.quote_id == third)) is None
        )
    assert_clean(factory, index)

    # the article of the lone report deleted: its statement goes with it
    with factory() as session:
        article_id = session.scalar(select(Quote.article_id).where(Quote.id == first))
    assert article_id is not None
    article_service.delete_article(factory, index, article_id)
    with factory() as session:
        assert session.get(Statement, first) is None
    assert_clean(factory, index)


def test_api_and_pages_show_the_first_report(api: httpx.Client) -> None:
    reports = [("Valley Gazette", "2024-05-03"), ("Coastal Tribune", "2024-05-01"),
               ("Metro Wire", "2024-05-04")]  # fmt: skip
    for n, (outlet, day) in enumerate(reports):
        body = {
            "url": f"https://y.example/{n}",
            "title": "Rail",
            "outlet": outlet,
            "published_at": day,
            "text": story("Mayor Ilse Varnes", WORDS, outlet),
        }
        assert api.post("/v1/articles", json=body, headers={"X-API-Key": API_KEY}).is_success
    found: list[dict] = []
    for _ in range(100):  # the worker groups and indexes them moments after
        found = api.get("/v1/search", params={"q": "rail"}).json()["hits"]
        if len(found) == 3 and all((h["statement"] or {}).get("reports") == 3 for h in found):
            break
        time.sleep(0.1)
    statement = found[0]["statement"]
    assert statement["outlets"] == 3
    assert statement["first_reported"]["outlet"] == "Coastal Tribune"
    assert statement["first_reported"]["on"] == "2024-05-01"

    one = api.get("/v1/search", params={"q": "rail", "distinct": "statement"}).json()
    assert len(one["hits"]) == 1 and one["total"] == 1
    assert api.get("/v1/search", params={"distinct": "speaker"}).status_code in (400, 422)

    page = api.get("/", params={"q": "rail"}).text
    assert page.count("First reported") == 3 and "then in 2 outlets" in page
    assert "Coastal Tribune" in page and 'name="distinct"' in page
    assert (
        api.get("/", params={"q": "rail", "distinct": "statement"}).text.count('class="card"') == 1
    )
    later = next(h for h in found if h["article"]["outlet"] == "Metro Wire")
    permalink = api.get(f"/quotes/{later['id']}").text
    assert "First reported</a> by Coastal Tribune" in permalink
    assert "then in 2 outlets" in permalink
    quote = api.get(f"/v1/quotes/{later['id']}").json()
    assert quote["statement"]["id"] == statement["id"]


def reported(api: httpx.Client, reports: list[tuple[str, str]], said: str = WORDS) -> list[dict]:
    """Store one article per (outlet, day) quoting `said`; the hits once the worker has
    grouped and indexed them all."""
    for n, (outlet, day) in enumerate(reports):
        body = {
            "url": f"https://{outlet.split()[0].lower()}.example/{n}",
            "title": "Rail",
            "outlet": outlet,
            "published_at": day,
            "text": story("Mayor Ilse Varnes", said, outlet) + f"Filed on {day}.\n",
        }
        assert api.post("/v1/articles", json=body, headers={"X-API-Key": API_KEY}).is_success
    deadline = time.monotonic() + 30
    while True:
        found = api.get("/v1/search", params={"q": said.split()[1]}).json()["hits"]
        if len(found) == len(reports) and all(
            (h["statement"] or {}).get("reports") == len(reports) for h in found
        ):
            return found
        assert time.monotonic() < deadline, "the reports were never grouped and indexed"
        time.sleep(0.1)


THREE = [("Valley Gazette", "2024-05-03"), ("Coastal Tribune", "2024-05-01"),
         ("Metro Wire", "2024-05-04")]  # fmt: skip


def test_every_card_shows_the_first_report(api: httpx.Client) -> None:
    """The embed card, oEmbed's blockquote, the speaker and article pages and the CSV say
    what the search card says, in the embed's language where it has one."""
    found = reported(api, THREE)
    later = next(h for h in found if h["article"]["outlet"] == "Metro Wire")
    first = next(h for h in found if h["article"]["outlet"] == "Coastal Tribune")
    line = 'by Coastal Tribune on <time datetime="2024-05-01">1 May 2024</time>, then in 2 outlets'

    card = api.get(f"/embed/quotes/{later['id']}").text
    link = f'<a href="/quotes/{first["id"]}" target="_blank" rel="noopener">First reported</a>'
    assert f'<p class="statement">{link} {line}</p>' in card
    own = api.get(f"/embed/quotes/{first['id']}").text  # the first report links nowhere
    assert f'<p class="statement">First reported {line}</p>' in own
    french = api.get(f"/embed/quotes/{later['id']}", params={"lang": "fr"}).text
    assert ">Rapporté d’abord</a> par Coastal Tribune le <time" in french
    assert "1 mai 2024</time>, puis dans 2 autres médias" in french

    permalink = f"{str(api.base_url).rstrip('/')}/quotes/{later['id']}"
    html = api.get("/oembed", params={"url": permalink, "lang": "de"}).json()["html"]
    assert (
        "<p>Zuerst berichtet von Coastal Tribune am 1. Mai 2024, danach in 2 weiteren Medien"
        "</p></blockquote>"
    ) in html

    slug = later["speaker"]["slug"]
    timeline = api.get(f"/speakers/{slug}").text
    assert timeline.count('<p class="statement">') == 3
    assert timeline.count(f'<a href="/quotes/{first["id"]}">First reported</a> {line}') == 2
    within = api.get(f"/speakers/{slug}", params={"q": "rail"}).text
    assert within.count('<p class="statement">') == 6  # the matches, then the timeline
    article = api.get(f"/articles/{later['article']['id']}").text
    assert f'<a href="/quotes/{first["id"]}">First reported</a> {line}' in article
    detail = api.get(f"/v1/speakers/{later['speaker']['id']}").json()
    assert {q["statement"]["first_reported"]["quote_id"] for q in detail["recent_quotes"]} == {
        first["id"]
    }

    rows = list(csv.DictReader(io.StringIO(api.get("/v1/search.csv", params={"q": "rail"}).text)))
    row = next(r for r in rows if r["id"] == str(later["id"]))
    assert row["statement"] == "First reported by Coastal Tribune on 1 May 2024, then in 2 outlets"
    assert row["statement_id"] == str(later["statement"]["id"])
    assert (row["statement_reports"], row["statement_outlets"]) == ("3", "3")
    assert (row["first_reported_outlet"], row["first_reported_on"]) == (
        "Coastal Tribune",
        "2024-05-01",
    )
    assert row["first_reported_permalink"].endswith(f"/quotes/{first['id']}")


def test_a_statement_reported_once_shows_no_line(api: httpx.Client) -> None:
    """Alone, a quote is its own first report: no card says so; the CSV still gives its
    statement's columns (one report, one outlet)."""
    [alone] = reported(api, [("Coastal Tribune", "2024-05-01")])
    assert alone["statement"]["reports"] == 1
    permalink = f"{str(api.base_url).rstrip('/')}/quotes/{alone['id']}"
    pages = [
        api.get("/", params={"q": "rail"}).text,
        api.get(f"/quotes/{alone['id']}").text,
        api.get(f"/embed/quotes/{alone['id']}").text,
        api.get(f"/speakers/{alone['speaker']['slug']}").text,
        api.get(f"/articles/{alone['article']['id']}").text,
        api.get("/oembed", params={"url": permalink}).json()["html"],
    ]
    for page in pages:
        assert 'class="statement"' not in page and "First reported" not in page
    [row] = csv.DictReader(io.StringIO(api.get("/v1/search.csv", params={"q": "rail"}).text))
    assert row["statement"] == "" and row["statement_id"] == str(alone["id"])
    assert (row["statement_reports"], row["first_reported_outlet"]) == ("1", "Coastal Tribune")


def test_one_outlet_reporting_twice_says_how_often(api: httpx.Client) -> None:
    found = reported(api, [("Coastal Tribune", "2024-05-01"), ("Coastal Tribune", "2024-05-02")])
    later = max(found, key=lambda h: h["article"]["published_at"])
    assert ", reported 2 times</p>" in api.get(f"/quotes/{later['id']}").text
    card = api.get(f"/embed/quotes/{later['id']}", params={"lang": "fr"}).text
    assert ", rapporté 2 fois</p>" in card


# The widget's browser, reduced to what widget.js touches: elements are plain objects whose
# text the harness prints, one line per card, with the links' targets.
WIDGET_HARNESS = """
class FakeNode {
  constructor(tag) { this.tag = tag; this.children = []; this.dataset = {}; }
  append(...nodes) { this.children.push(...nodes); }
  replaceChildren(...nodes) { this.children = nodes; }
  get firstChild() { return this.children[0]; }
}
globalThis.document = {
  currentScript: { src: "http://onrecord.test/widget.js" },
  createElement: (tag) => new FakeNode(tag),
  createTextNode: (text) => ({ text }),
};
globalThis.window = { location: { origin: "http://host.test" } };
globalThis.HTMLElement = class {
  constructor() { this.children = []; this.dataset = {}; }
  getAttribute(name) { return name === "lang" ? LANG : null; }
  attachShadow() { return (this.shadowRoot = new FakeNode("#shadow")); }
  get isConnected() { return true; }
};
let Widget;
globalThis.customElements = { get: () => undefined, define: (name, cls) => { Widget = cls; } };
globalThis.fetch = async () => ({ ok: true, json: async () => BODY });
const text = (node) =>
  "text" in node ? node.text : (node.textContent || "") + node.children.map(text).join("");
const find = (node, tag) =>
  node.tag === tag ? [node] : (node.children || []).flatMap((c) => find(c, tag));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run widget.js")
def test_the_widget_shows_the_first_report_in_its_language(
    api: httpx.Client, tmp_path: Path
) -> None:
    found = reported(api, THREE)
    first = next(h for h in found if h["article"]["outlet"] == "Coastal Tribune")
    body = api.get("/v1/search", params={"q": "rail", "sort": "date"}).json()
    lines = {}
    for lang in ("en", "de"):
        script = tmp_path / f"widget-{lang}.js"
        script.write_text(
            f"const LANG = {json.dumps(lang)}, BODY = {json.dumps(body)};\n"
            + WIDGET_HARNESS
            + api.get("/widget.js").text
            + "\n(async () => { const w = new Widget(); await w.render();"
            " for (const card of find(w.shadowRoot, 'figure'))"
            " console.log(JSON.stringify([text(card.children.at(-1)),"
            " find(card.children.at(-1), 'a').map((a) => a.href)])); })();\n"
        )
        out = subprocess.run(["node", str(script)], capture_output=True, text=True, check=True)
        lines[lang] = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(lines["en"]) == 3
    by_id = dict(zip([h["id"] for h in body["hits"]], lines["en"], strict=True))
    link = f"http://onrecord.test/quotes/{first['id']}"
    assert by_id[first["id"]] == [
        "First reported by Coastal Tribune on 1 May 2024, then in 2 outlets",
        [],
    ]
    later = next(h["id"] for h in body["hits"] if h["id"] != first["id"])
    assert by_id[later][1] == [link]
    assert {line for line, _ in lines["de"]} == {
        "Zuerst berichtet von Coastal Tribune am 1. Mai 2024, danach in 2 weiteren Medien"
    }


def test_fingerprint_statistics_are_taken_once_the_table_fills(stores) -> None:
    """A new fingerprint table's statistics say it is empty: the planner would scan it once
    per fingerprint of a batch, so grouping takes them afresh after its first write."""
    factory, index = stores
    store(factory, index, "https://a.example/9", "Coastal Tribune", date(2024, 5, 1),
          "Mayor Ilse Varnes", WORDS)  # fmt: skip
    with factory() as session:
        believed = session.scalar(
            text("SELECT reltuples FROM pg_class WHERE oid = 'quote_fingerprint'::regclass")
        )
    assert believed is not None and believed >= 1


def test_ascii_words_fold_as_accented_ones_do() -> None:
    for word in ("Don't", "U.S", "1,000", "WINTER", "o'Neill", "3.5"):
        decomposed = unicodedata.normalize("NFKD", word.replace("'", "").replace(".", ""))
        slow = "".join(c for c in decomposed.replace(",", "").casefold())
        assert fold_word(word) == slow
    assert fold_word("Café") == "cafe" and fold_word("Zoë’s") == "zoes"


VARNES, HOLLOWAY = "Mayor Ilse Varnes", "Senator Piet Holloway"
LONG = (
    "We asked the ferry company for a timetable that works for nurses and for pupils and it "
    "has finally sent us one we can accept"
)
# (label, speaker, cited words): a fixed set of our own sentences, and the statements the
# grouping has always made of them (see test_the_groups_of_a_fixed_set_stay_the_same).
REPORTS = [
    ("rail-1", VARNES, WORDS),
    ("rail-2", VARNES, WORDS),
    ("rail-changed", VARNES, ONE_CHANGED),  # one word in 15: the same statement
    ("rail-fragment", VARNES, " ".join(WORDS.split()[:8])),  # a fragment is not
    ("rail-holloway", HOLLOWAY, WORDS),  # the same words, another speaker
    ("ferry-1", VARNES, LONG),
    ("ferry-2", VARNES, LONG.replace("nurses", "doctors").replace("finally", "now")),
    ("ferry-3", VARNES, LONG.replace("pupils and it has", "pupils, and it has")),
    (
        "ferry-far",
        VARNES,
        LONG.replace("company", "board").replace("timetable", "plan").replace("accept", "sign"),
    ),  # 22 words in 25 as in ferry-1 and -3 (0.88), fewer as in -2: a statement of its own
    ("win-1", VARNES, "We will win this vote"),
    ("win-2", VARNES, "we WILL win this vote!"),
    ("win-not", VARNES, "We will not win this vote"),  # 5 words in 6: under 0.9
    ("cafe-1", HOLLOWAY, "Café owners on the quay won’t get their permits back before June"),
    ("cafe-2", HOLLOWAY, "Cafe owners on the Quay won't get their permits back before June"),
    ("taxes", HOLLOWAY, "Taxes on ferry tickets will not rise this year"),
]
GROUPS = {
    frozenset({"rail-1", "rail-2", "rail-changed"}),
    frozenset({"ferry-1", "ferry-2", "ferry-3"}),
    frozenset({"win-1", "win-2"}),
    frozenset({"cafe-1", "cafe-2"}),
    frozenset({"ferry-far"}),
    frozenset({"rail-fragment"}),
    frozenset({"rail-holloway"}),
    frozenset({"win-not"}),
    frozenset({"taxes"}),
}


def test_folded_words_are_the_verifiers_folded_words() -> None:
    """Grouping folds without spans; the words must be exactly the verifier's."""
    samples = [said for _, _, said in REPORTS] + [
        "", "…", "U.S. aid: 1,000 tonnes, 3.5 % more", "Zoë’s naïve CAFÉ — l’État",
        "Straße ΣΊΣΥΦΟΣ İstanbul ﬁne ½ ﷺ", "don’t-stop o'Neill’s ‘quote’ ʼok",
    ]  # fmt: skip
    for sample in samples:
        assert folded_words(sample) == words(sample).folded, sample


def test_fingerprints_keep_their_stored_values() -> None:
    """Stored fingerprints are compared with new ones: the hash may never change."""
    assert shingle_hash(("we", "will", "win")) == -729786043015297058
    assert sorted(fingerprints(folded_words(WORDS))) == [
        -7436615930350177816, -6610304236683482227, -5227508424547384624,
        -5031548760003504574, -3949268671212163604, 1098906700687702148,
        1735268780664973353, 2334142457586939688, 6656052609214818745, 8845582460299140465,
    ]  # fmt: skip


def test_the_groups_of_a_fixed_set_stay_the_same(stores) -> None:
    """Half the reports grouped one drain each (joining stored statements), the other half
    in one drain together (grouped with each other): the same statements either way."""
    factory, index = stores
    articles = []
    for n, (label, speaker, said) in enumerate(REPORTS):
        body = story(speaker, said, f"Outlet {n}") + f"Label {label}.\n"
        article = ArticleIn(
            title=label,
            text=body,
            url=f"https://{label}.example/",
            outlet=f"Outlet {n % 5}",
            published_at=date(2024, 5, 1 + n),
        )
        articles.append((article, extract_quotes(body)))
    for article, quotes in articles[::2]:
        article_service.store_and_index(factory, index, article, quotes)
    article_service.store_articles(factory, articles[1::2], SpeakerCache())
    drain_outbox(factory, index)
    with factory() as session:
        rows = session.execute(
            select(Article.title, QuoteStatement.statement_id, Statement)
            .join(Quote, Quote.article_id == Article.id)
            .join(QuoteStatement, QuoteStatement.quote_id == Quote.id)
            .join(Statement, Statement.id == QuoteStatement.statement_id)
        ).all()
        first_titles = dict(session.execute(select(Quote.id, Article.title).join(Article)).all())
    assert len(rows) == len(REPORTS)  # one quote an article, every one grouped
    members: dict[int, set[str]] = {}
    for label, statement_id, _ in rows:
        members.setdefault(statement_id, set()).add(label)
    assert {frozenset(m) for m in members.values()} == GROUPS
    for label, _, statement in rows:
        group = next(g for g in GROUPS if label in g)
        n = min(i for i, (name, _, _) in enumerate(REPORTS) if name in group)
        assert statement.reports == len(group)
        assert statement.outlets == len({i % 5 for i, r in enumerate(REPORTS) if r[0] in group})
        assert first_titles[statement.first_quote_id] == REPORTS[n][0]  # the earliest date
        assert statement.first_on == date(2024, 5, 1 + n)
        assert statement.first_outlet == f"Outlet {n % 5}"
    assert_clean(factory, index)
