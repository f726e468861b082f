"""Atom 1.0 (RFC 4287) feeds of search hits: one entry per quote, newest first.

Written with the standard library's ElementTree, which escapes every text and attribute, so
no quote, name or title can break the XML. Content is plain text (`type="text"`), which
readers show as written: nothing in it is HTML-escaped, or "&" would read "&amp;". Entry ids
are tag: URIs (RFC 4151) of the quote id, stable however often the feed is read; every URL
is absolute, from the public base URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from api.schemas import SearchHit
from api.web import long_date, statement_line, type_label
from db.records import http_url

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"
TAG_DATE = "2026"  # the tag: URIs' date: when the scheme was minted; never changes
UNDATED = datetime(1970, 1, 1, tzinfo=UTC)  # an entry of an article without any date
TITLE_WORDS = 120  # characters of the quote in an entry's title

ET.register_namespace("", ATOM_NS)


@dataclass(frozen=True)
class FeedInfo:
    """What a feed says about itself."""

    id: str  # a tag: URI
    title: str
    subtitle: str
    alternate: str  # the page the feed follows (the search page)
    self_url: str | None  # the feed's own URL, when it holds no secret


def tag_uri(base_url: str, specific: str) -> str:
    """`tag:host,2026:specific`: an id that is the same on every read of the feed."""
    host = urlsplit(base_url).hostname or "localhost"
    return f"tag:{host},{TAG_DATE}:{specific}"


def _when(day: date | None) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) if day else UNDATED


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _sub(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


def _title(hit: SearchHit, speaker: str) -> str:
    words = hit.cited if len(hit.cited) <= TITLE_WORDS else hit.cited[: TITLE_WORDS - 1] + "…"
    if type_label(hit.type) == "paraphrase":
        return f"{speaker} (paraphrase): {words}"
    return f"{speaker}: “{words}”"


def _content(hit: SearchHit, speaker: str) -> str:
    """The words, who said them where, and the cards' statement line when others reported
    the same words ("First reported by …, then in N outlets")."""
    said = f", said on {long_date(hit.said_on)}" if hit.said_on else ""
    source = hit.article.outlet or "source"
    statement = statement_line(hit)
    first = f"\n\n{statement}" if statement else ""
    return f"{hit.cited}\n\n— {speaker}{said} ({source}: {hit.article.title}){first}"


def _entry(feed: ET.Element, hit: SearchHit, base_url: str) -> None:
    speaker = hit.speaker.name if hit.speaker else "Unnamed source"
    entry = _sub(feed, "entry")
    _sub(entry, "id", tag_uri(base_url, f"quote:{hit.id}"))
    _sub(entry, "title", _title(hit, speaker), type="text")
    when = _stamp(_when(hit.said_on or hit.article.published_at))
    _sub(entry, "published", when)
    _sub(entry, "updated", when)
    author = _sub(entry, "author")
    _sub(author, "name", speaker)
    if hit.speaker and hit.speaker.slug:
        _sub(author, "uri", f"{base_url}/speakers/{hit.speaker.slug}")
    _sub(entry, "link", rel="alternate", type="text/html", href=hit.permalink)
    source = http_url(hit.article.url)
    if source:
        _sub(entry, "link", rel="related", type="text/html", href=source, title=hit.article.title)
    _sub(entry, "category", term=hit.type.value, label=type_label(hit.type))
    _sub(entry, "content", _content(hit, speaker), type="text")


def atom_feed(info: FeedInfo, hits: list[SearchHit], base_url: str) -> bytes:
    """The feed document; `updated` is the newest entry's (now when there is none)."""
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "id", info.id)
    _sub(feed, "title", info.title, type="text")
    _sub(feed, "subtitle", info.subtitle, type="text")
    dates = [_when(hit.said_on or hit.article.published_at) for hit in hits]
    _sub(feed, "updated", _stamp(max(dates) if dates else datetime.now(UTC)))
    _sub(feed, "link", rel="alternate", type="text/html", href=info.alternate)
    if info.self_url:
        _sub(feed, "link", rel="self", type=ATOM_TYPE, href=info.self_url)
    _sub(feed, "generator", "OnRecord", uri=f"{base_url}/")
    for hit in hits:
        _entry(feed, hit, base_url)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
