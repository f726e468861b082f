"""The picture a shared permalink shows (Open Graph `og:image`): the quote on a card, as PNG.

Rendered with Pillow in DejaVu (Debian's fonts-dejavu, present on most Linux hosts) or, when
no DejaVu file is found, the TrueType face Pillow carries inside its own package, so a host
without fonts still renders. Rendering costs tens of milliseconds: images are kept in a small
in-process cache keyed by what they show, so an unchanged quote is drawn once.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from threading import Lock

from PIL import Image, ImageDraw, ImageFont

from api.citations import long_date
from api.schemas import QuoteOut
from db.vocabulary import QuoteType

WIDTH, HEIGHT = 1200, 630  # the size Facebook, LinkedIn, Mastodon and X crop least
MARGIN = 72
INK, MUTED, ACCENT, PAPER = "#1b1b1b", "#4a4a4a", "#1a4f8b", "#ffffff"
RENDERER = "1"  # bump when the drawing changes: cached images and ETags follow
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)
CACHE_SIZE = 256

FontFace = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class QuoteCard:
    """What the image shows: everything that, changed, makes it another image."""

    words: str
    paraphrase: bool
    speaker: str
    byline: str  # "said on 4 May 2024 · Quay Daily"

    def digest(self) -> str:
        parts = (RENDERER, self.words, str(self.paraphrase), self.speaker, self.byline)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def card_of(quote: QuoteOut) -> QuoteCard:
    """What the permalink's image shows; a paraphrase says so (its words are the reporter's)."""
    paraphrase = quote.type == QuoteType.indirect
    when = f"said on {long_date(quote.said_on)}" if quote.said_on else ""
    source = quote.article.outlet or quote.article.title
    kind = "paraphrase" if paraphrase else ""
    return QuoteCard(
        words=quote.cited,
        paraphrase=paraphrase,
        speaker=quote.speaker.name if quote.speaker else "Unattributed",
        byline=" · ".join(part for part in (kind, when, source) if part),
    )


@cache
def _font_file(name: str) -> Path | None:
    return next((d / name for d in FONT_DIRS if (d / name).is_file()), None)


def _font(names: tuple[str, ...], size: int) -> FontFace:
    """The first DejaVu face found among `names`, else Pillow's own face at that size."""
    for name in names:
        path = _font_file(name)
        if path is not None:
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: FontFace, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and draw.textlength(trial, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


def _fit(draw: ImageDraw.ImageDraw, text: str, italic: bool, width: int, height: int):
    """The largest quote size (56 → 28 px) whose wrapped lines fit; else 28 px, cut with …"""
    faces = ("DejaVuSerif-Italic.ttf", "DejaVuSerif.ttf") if italic else ("DejaVuSerif.ttf",)
    for size in range(56, 27, -4):
        font = _font(faces, size)
        lines = _wrap(draw, text, font, width)
        if len(lines) * size * 1.3 <= height:
            return font, size, lines
    keep = int(height // (size * 1.3))
    cut = lines[:keep]
    cut[-1] = cut[-1].rstrip(" ,.;:") + " …"
    return font, size, cut


def render(card: QuoteCard) -> bytes:
    """The card as PNG bytes, 1200 × 630."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 16, HEIGHT), fill=ACCENT)
    text_width = WIDTH - 2 * MARGIN
    words = card.words if card.paraphrase else f"“{card.words}”"
    font, size, lines = _fit(draw, words, card.paraphrase, text_width, HEIGHT - 2 * MARGIN - 130)
    y = MARGIN
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=INK)
        y += int(size * 1.3)
    bold = _font(("DejaVuSans-Bold.ttf",), 34)
    regular = _font(("DejaVuSans.ttf",), 26)
    foot = HEIGHT - MARGIN - 80
    draw.text((MARGIN, foot), card.speaker, font=bold, fill=INK)
    draw.text((MARGIN, foot + 46), card.byline, font=regular, fill=MUTED)
    brand = _font(("DejaVuSans-Bold.ttf",), 26)
    label = "OnRecord"
    draw.text(
        (WIDTH - MARGIN - draw.textlength(label, font=brand), foot + 46),
        label,
        font=brand,
        fill=ACCENT,
    )
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


class ImageCache:
    """The last CACHE_SIZE images drawn, by digest (thread-safe: routes render in a pool)."""

    def __init__(self, size: int = CACHE_SIZE):
        self._size = size
        self._images: OrderedDict[str, bytes] = OrderedDict()
        self._lock = Lock()
        self.renders = 0  # how many images were drawn, not served from the cache

    def get(self, card: QuoteCard) -> tuple[str, bytes]:
        """The card's digest and PNG, drawn only when not cached."""
        key = card.digest()
        with self._lock:
            if key in self._images:
                self._images.move_to_end(key)
                return key, self._images[key]
        png = render(card)
        with self._lock:
            self.renders += 1
            self._images[key] = png
            while len(self._images) > self._size:
                self._images.popitem(last=False)
        return key, png


IMAGES = ImageCache()
