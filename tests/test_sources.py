"""Reading articles: each format, and clear refusals for bad input."""

from __future__ import annotations

import json
from pathlib import Path

from indexer.formats import SourceFormat
from indexer.sources import Overrides, SourceArticle, SourceError, read_articles

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "articles"


def read(*paths: Path | str, **overrides) -> list[SourceArticle | SourceError]:
    return list(read_articles([str(p) for p in paths], Overrides(**overrides)))


def test_txt_first_line_is_the_headline() -> None:
    [item] = read(SAMPLES / "harbor-bridge.txt")
    assert isinstance(item, SourceArticle)
    assert item.article.title == "Council approves harbor bridge after marathon session"
    assert item.article.text.startswith("Northport city council")
    file_text = (SAMPLES / "harbor-bridge.txt").read_text()
    assert file_text[item.offset : item.offset + 20] == item.article.text[:20]


def test_html_text_title_author_date_outlet() -> None:
    [item] = read(SAMPLES / "museum.html")
    assert isinstance(item, SourceArticle), item
    article = item.article
    assert article.title == "Museum returns carved panels to island"
    assert article.author == "Lena Frost"
    assert article.outlet == "Coastal Herald"
    assert str(article.published_at) == "2025-09-20"
    assert "never ours to keep" in article.text
    assert "Advertisement" not in article.text and "<script" not in article.text


def test_jsonl_one_article_per_line() -> None:
    items = read(SAMPLES / "wire.jsonl")
    assert [type(i) for i in items] == [SourceArticle, SourceArticle]
    assert items[0].article.url == "https://example.org/news/solar-farm-vote"
    assert items[0].origin.endswith("wire.jsonl:1")


def test_bad_jsonl_line_is_reported_with_its_number_and_the_rest_goes_on(tmp_path: Path) -> None:
    good = {"title": "A", "text": "Body of A."}
    path = tmp_path / "batch.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(good),
                "{not json",
                json.dumps({"title": "no text"}),
                json.dumps({**good, "title": "B"}),
            ]
        )
        + "\n"
    )
    items = read(path)
    assert [type(i).__name__ for i in items] == [
        "SourceArticle",
        "SourceError",
        "SourceError",
        "SourceArticle",
    ]
    assert items[1].origin.endswith("batch.jsonl:2") and "not valid JSON" in items[1].message
    assert items[2].origin.endswith("batch.jsonl:3") and "text" in items[2].message


def test_folder_expands_to_article_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Headline\nBody.")
    (tmp_path / "notes.md").write_text("ignored")
    assert [type(i) for i in read(tmp_path)] == [SourceArticle]


def test_overrides_apply_to_every_article() -> None:
    [item] = read(SAMPLES / "harbor-bridge.txt", outlet="Northport Post")
    assert item.article.outlet == "Northport Post"


def test_refusals_name_the_file(tmp_path: Path) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Titre\nCaf\xe9 cr\xe8me".encode("latin-1"))
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    headline_only = tmp_path / "headline.txt"
    headline_only.write_text("Only a headline\n")
    unknown = tmp_path / "doc.pdf"
    unknown.write_bytes(b"%PDF")
    items = read(binary, latin, empty, headline_only, unknown, tmp_path / "missing.txt")
    assert all(isinstance(i, SourceError) for i in items)
    messages = {Path(i.origin).name: i.message for i in items}
    assert "binary" in messages["photo.txt"]
    assert "UTF-8" in messages["latin.txt"]
    assert "empty" in messages["empty.txt"]
    assert "headline" in messages["headline.txt"]
    assert "unsupported" in messages["doc.pdf"]
    assert "no such file" in messages["missing.txt"]


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Headline\n" + "word " * 1000)
    [item] = list(read_articles([str(big)], Overrides(), max_bytes=1000))
    assert isinstance(item, SourceError) and "limit" in item.message


def test_html_scripts_styles_and_handlers_never_reach_the_text(tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(
        "<html><head><title>Port news</title><script>steal(document.cookie)</script>"
        "<style>body{display:none}</style></head><body><article>"
        '<p onclick="evil()">"We sail at dawn," said captain Ivo Rask on Monday morning.</p>'
        "<script>alert('x')</script><iframe src=\"https://evil.example\"></iframe>"
        "<p>The harbour was busy all week, with ferries and cargo ships queueing.</p>"
        "</article></body></html>"
    )
    [item] = list(read_articles([str(page)], Overrides()))
    assert not isinstance(item, SourceError), item
    text = item.article.text
    assert "We sail at dawn" in text
    for hostile in ("steal(", "alert(", "evil()", "display:none", "<", "iframe"):
        assert hostile not in text


def test_outlet_and_date_from_the_file_name(tmp_path: Path) -> None:
    named = tmp_path / "harbour-news_2024-03-06_port-reopens.txt"
    named.write_text("Port reopens\nThe port is open.\n", encoding="utf-8")
    plain = tmp_path / "port.txt"
    plain.write_text("Port reopens\nThe port is open.\n", encoding="utf-8")
    first, second = read(named, plain, meta_from_name=True)
    assert isinstance(first, SourceArticle) and isinstance(second, SourceArticle)
    assert (first.article.outlet, str(first.article.published_at)) == ("harbour-news", "2024-03-06")
    assert (first.article.source, first.article.source_offset) == (
        named.stem,
        len("Port reopens\n"),
    )
    assert second.article.outlet is None and second.article.published_at is None
    [overridden] = read(named, meta_from_name=True, outlet="Wire")
    assert isinstance(overridden, SourceArticle) and overridden.article.outlet == "Wire"


def test_every_read_is_bounded(tmp_path: Path) -> None:
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")  # st_size 0, endless content
    [item] = list(read_articles([str(zero)], Overrides(), max_bytes=1000))
    assert isinstance(item, SourceError) and "limit" in item.message
    batch = tmp_path / "batch.jsonl"
    good = json.dumps({"title": "A", "text": "Body of A."})
    huge = json.dumps({"title": "B", "text": "word " * 2000})
    batch.write_text(f"{good}\n{huge}\n{good}")
    items = list(read_articles([str(batch)], Overrides(), max_bytes=1000))
    assert [type(i).__name__ for i in items] == ["SourceArticle", "SourceError", "SourceArticle"]
    assert items[1].origin.endswith("batch.jsonl:2") and "limit" in items[1].message


def test_the_format_given_overrides_the_extension(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text(json.dumps({"title": "A", "text": "Body of A."}) + "\n{broken\n")
    first, second = read_articles([str(notes)], Overrides(), source_format=SourceFormat.jsonl)
    assert isinstance(first, SourceArticle) and first.article.title == "A"
    assert isinstance(second, SourceError) and second.origin.endswith("notes.txt:2")
