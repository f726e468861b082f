"""Read articles from .txt, .html and .jsonl files, folders and stdin.

Every problem becomes a `SourceError` naming the file (and line) so that one bad input never
stops a batch and is never half-stored.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from db.records import ArticleIn

SUFFIXES = {".txt", ".html", ".htm", ".jsonl"}


@dataclass
class SourceArticle:
    origin: str  # "path" or "path:line", for messages
    doc: str  # file stem, the document name used by `onrecord extract`
    article: ArticleIn
    offset: int = 0  # where article.text starts in the file's text (for extract offsets)


@dataclass
class SourceError:
    origin: str
    message: str


@dataclass
class Overrides:
    outlet: str | None = None
    published_at: date | None = None
    url: str | None = None
    title: str | None = None
    meta_from_name: bool = False  # outlet and date from names like outlet_YYYY-MM-DD_slug.txt

    def apply(self, fields: dict, doc: str = "") -> dict:
        if self.meta_from_name:
            named = meta_from_name(doc)
            fields = {**fields, **{k: v for k, v in named.items() if fields.get(k) is None}}
        for key in ("outlet", "published_at", "url", "title"):
            value = getattr(self, key)
            if value is not None:
                fields[key] = value
        return fields


_META_NAME = re.compile(r"^(?P<outlet>[^_]+)_(?P<date>\d{4}-\d{2}-\d{2})_")


def meta_from_name(doc: str) -> dict:
    """Outlet and publication date from a document named `outlet_YYYY-MM-DD_slug`, else none."""
    match = _META_NAME.match(doc)
    if not match:
        return {}
    return {"outlet": match["outlet"], "published_at": match["date"]}


def expand_paths(paths: list[str]) -> Iterator[Path | str]:
    """Files in the order given; folders expand to their article files, sorted."""
    for raw in paths:
        if raw == "-":
            yield "-"
            continue
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
            )
        else:
            yield path


def read_articles(
    paths: list[str], overrides: Overrides | None = None, max_bytes: int = 5_000_000
) -> Iterator[SourceArticle | SourceError]:
    overrides = overrides or Overrides()
    for item in expand_paths(paths):
        if item == "-":
            yield from _read_stdin(overrides, max_bytes)
            continue
        assert isinstance(item, Path)
        origin = str(item)
        if not item.exists():
            yield SourceError(origin, "no such file or folder")
            continue
        suffix = item.suffix.lower()
        if suffix not in SUFFIXES:
            yield SourceError(
                origin, f"unsupported file type {suffix or '(none)'}; use .txt, .html or .jsonl"
            )
            continue
        try:
            size = item.stat().st_size
            if size > max_bytes and suffix != ".jsonl":
                yield SourceError(
                    origin,
                    f"file is {size:,} bytes, over the {max_bytes:,}-byte "
                    "limit (ONRECORD_MAX_ARTICLE_BYTES)",
                )
                continue
            raw = item.read_bytes() if suffix != ".jsonl" else b""
        except OSError as exc:
            yield SourceError(origin, f"cannot read: {exc.strerror or exc}")
            continue
        if suffix == ".jsonl":
            yield from _read_jsonl_file(item, overrides, max_bytes)
            continue
        text = _decode(raw, origin)
        if isinstance(text, SourceError):
            yield text
            continue
        yield _parse(text, suffix, origin, item.stem, overrides)


def _decode(raw: bytes, origin: str) -> str | SourceError:
    if b"\0" in raw[:8192]:
        return SourceError(origin, "binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return SourceError(origin, f"not UTF-8 text (bad byte at offset {exc.start})")


def _parse(
    text: str, suffix: str, origin: str, doc: str, overrides: Overrides
) -> SourceArticle | SourceError:
    if suffix in {".html", ".htm"}:
        return article_from_html(text, origin, doc, overrides)
    return _from_txt(text, origin, doc, overrides)


def _build(
    origin: str, doc: str, fields: dict, overrides: Overrides, offset: int = 0
) -> SourceArticle | SourceError:
    try:
        fields = {"source": doc or None, "source_offset": offset, **fields}
        article = ArticleIn(**overrides.apply(fields, doc))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'article'}: {err['msg']}"
            for err in exc.errors()
        )
        return SourceError(origin, problems)
    return SourceArticle(origin, doc, article, offset)


def _from_txt(
    text: str, origin: str, doc: str, overrides: Overrides
) -> SourceArticle | SourceError:
    """First line is the headline, the rest the body."""
    if not text.strip():
        return SourceError(origin, "empty file")
    headline, _, body = text.partition("\n")
    if not body.strip():
        return SourceError(origin, "no article text after the headline (first line)")
    return _build(
        origin, doc, {"title": headline.strip(), "text": body}, overrides, offset=len(headline) + 1
    )


def article_from_html(
    html: str, origin: str, doc: str, overrides: Overrides
) -> SourceArticle | SourceError:
    import trafilatura

    extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if extracted is None:
        data: dict = {}
    else:  # a Document, or already a dict in older trafilatura
        data = extracted if isinstance(extracted, dict) else extracted.as_dict()
    text = (data.get("text") or "").strip()
    if not text:
        return SourceError(origin, "no article text found in the HTML")
    title = (data.get("title") or "").strip()
    first, _, rest = text.partition("\n")
    if title and first.strip() == title and rest.strip():
        text = rest  # trafilatura repeats the headline as the first line
    fields = {
        "title": title or first[:200],
        "text": text,
        "author": data.get("author"),
        "outlet": data.get("sitename"),
        "url": data.get("url"),
        "published_at": data.get("date"),
    }
    return _build(origin, doc, fields, overrides)


def _jsonl_line(
    line: str, origin: str, doc: str, overrides: Overrides
) -> SourceArticle | SourceError:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return SourceError(origin, f"not valid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(obj, dict):
        return SourceError(origin, "expected a JSON object with title and text")
    known = {"url", "title", "text", "outlet", "published_at", "author"}
    fields = {k: v for k, v in obj.items() if k in known}
    return _build(origin, doc, fields, overrides)


def _read_jsonl_file(
    path: Path, overrides: Overrides, max_bytes: int
) -> Iterator[SourceArticle | SourceError]:
    """One article per line, streamed; a bad line is reported with its number."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield SourceError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        for number, raw in enumerate(handle, 1):
            origin = f"{path}:{number}"
            if not raw.strip():
                continue
            if len(raw) > max_bytes:
                yield SourceError(
                    origin, f"line is {len(raw):,} bytes, over the {max_bytes:,}-byte limit"
                )
                continue
            line = _decode(raw, origin)
            if isinstance(line, SourceError):
                yield line
                continue
            yield _jsonl_line(line, origin, f"{path.stem}-{number}", overrides)


def _read_stdin(overrides: Overrides, max_bytes: int) -> Iterator[SourceArticle | SourceError]:
    raw = sys.stdin.buffer.read(max_bytes + 1)
    text = _decode(raw[:max_bytes], "<stdin>")
    if isinstance(text, SourceError):
        yield text
        return
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and all(line.lstrip().startswith("{") for line in lines):
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield _jsonl_line(line, f"<stdin>:{number}", f"stdin-{number}", overrides)
        return
    if len(raw) > max_bytes:
        yield SourceError("<stdin>", f"input is over the {max_bytes:,}-byte limit")
        return
    suffix = ".html" if text.lstrip()[:1] == "<" else ".txt"
    yield _parse(text, suffix, "<stdin>", "stdin", overrides)
