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
from typing import BinaryIO

from pydantic import ValidationError

from db.records import ArticleIn
from indexer.formats import SourceFormat

_FORMAT_OF_SUFFIX = {
    ".jsonl": SourceFormat.jsonl,
    ".txt": SourceFormat.txt,
    ".html": SourceFormat.html,
    ".htm": SourceFormat.html,
}


URL_SCHEMES = ("http://", "https://")


def is_url(argument: str) -> bool:
    """An `onrecord ingest` argument naming a web page rather than a file."""
    return argument.lower().startswith(URL_SCHEMES)


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
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _FORMAT_OF_SUFFIX
            )
        else:
            yield path


def read_articles(
    paths: list[str],
    overrides: Overrides | None = None,
    max_bytes: int = 5_000_000,
    source_format: SourceFormat | None = None,
) -> Iterator[SourceArticle | SourceError]:
    """Articles of every input in order; `source_format` overrides file extensions and is
    required for stdin (`-`). JSON Lines are streamed line by line, every read is bounded."""
    overrides = overrides or Overrides()
    for item in expand_paths(paths):
        if item == "-":
            if source_format is None:
                yield SourceError(
                    "<stdin>", "the format of stdin must be given (jsonl, txt or html)"
                )
            else:
                yield from _read_stream(
                    sys.stdin.buffer, "<stdin>", "stdin", source_format, overrides, max_bytes
                )
            continue
        assert isinstance(item, Path)
        origin = str(item)
        if not item.exists():
            yield SourceError(origin, "no such file or folder")
            continue
        suffix = item.suffix.lower()
        fmt = source_format or _FORMAT_OF_SUFFIX.get(suffix)
        if fmt is None:
            yield SourceError(
                origin, f"unsupported file type {suffix or '(none)'}; use .txt, .html or .jsonl"
            )
            continue
        try:
            handle = item.open("rb")
        except OSError as exc:
            yield SourceError(origin, f"cannot read: {exc.strerror or exc}")
            continue
        with handle:
            yield from _read_stream(handle, origin, item.stem, fmt, overrides, max_bytes)


def _read_stream(
    handle: BinaryIO,
    origin: str,
    doc: str,
    fmt: SourceFormat,
    overrides: Overrides,
    max_bytes: int,
) -> Iterator[SourceArticle | SourceError]:
    """One input: JSON Lines a line at a time, a text or HTML article read up to the cap."""
    if fmt == SourceFormat.jsonl:
        yield from _read_jsonl(handle, origin, doc, overrides, max_bytes)
        return
    try:
        raw = handle.read(max_bytes + 1)  # bounded: a device or a pipe never fills memory
    except OSError as exc:
        yield SourceError(origin, f"cannot read: {exc.strerror or exc}")
        return
    if len(raw) > max_bytes:
        yield SourceError(
            origin, f"input is over the {max_bytes:,}-byte limit (ONRECORD_MAX_ARTICLE_BYTES)"
        )
        return
    text = _decode(raw, origin)
    if isinstance(text, SourceError):
        yield text
        return
    yield _parse(text, fmt, origin, doc, overrides)


def _decode(raw: bytes, origin: str) -> str | SourceError:
    if b"\0" in raw[:8192]:
        return SourceError(origin, "binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return SourceError(origin, f"not UTF-8 text (bad byte at offset {exc.start})")


def _parse(
    text: str, fmt: SourceFormat, origin: str, doc: str, overrides: Overrides
) -> SourceArticle | SourceError:
    if fmt == SourceFormat.html:
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


def _bounded_lines(handle: BinaryIO, max_bytes: int) -> Iterator[bytes | int]:
    """Lines of a stream, each read at most `max_bytes` at a time; a longer line is skipped
    without being held and given as its length instead."""
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        if len(line) <= max_bytes or line.endswith(b"\n"):
            yield line
            continue
        length = len(line)
        while line and not line.endswith(b"\n"):
            line = handle.readline(1 << 20)
            length += len(line)
        yield length


def _read_jsonl(
    handle: BinaryIO, origin: str, doc: str, overrides: Overrides, max_bytes: int
) -> Iterator[SourceArticle | SourceError]:
    """One article per line, streamed; a bad line is reported with its number."""
    try:
        for number, raw in enumerate(_bounded_lines(handle, max_bytes), 1):
            where = f"{origin}:{number}"
            if isinstance(raw, int) or len(raw.rstrip(b"\r\n")) > max_bytes:
                size = raw if isinstance(raw, int) else len(raw)
                yield SourceError(
                    where, f"line is {size:,} bytes or more, over the {max_bytes:,}-byte limit"
                )
                continue
            if not raw.strip():
                continue
            line = _decode(raw, where)
            if isinstance(line, SourceError):
                yield line
                continue
            yield _jsonl_line(line, where, f"{doc}-{number}", overrides)
    except OSError as exc:
        yield SourceError(origin, f"cannot read: {exc.strerror or exc}")
