"""What other sites embed: the framable quote card, oEmbed 1.0 and the widget script."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api import errors
from api.deps import RowId, SessionDep
from api.errors import APIError
from api.headers import cached
from api.labels import LABELS_FILE, Labels, Lang
from api.schemas import OEmbed
from api.services.embeds import (
    EmbedQuote,
    Theme,
    embed_html,
    embed_size,
    embed_src,
    quote_id_from_url,
)
from api.services.quotes import quote_out
from api.web import EMBED_CSP, STATIC_DIR, page
from db.articles import repository as article_repo
from db.vocabulary import QuoteType

router = APIRouter()

EMBED_MAX_AGE = 300  # a quote can change: caches revalidate with the ETag after this
WIDGET_MAX_AGE = 300


@router.get("/embed/quotes/{quote_id}", response_class=HTMLResponse, include_in_schema=False)
def embed_quote(
    quote_id: RowId,
    request: Request,
    session: SessionDep,
    theme: Annotated[Theme, Query()] = Theme.auto,
    lang: Annotated[Lang, Query(description="The language of the card's labels.")] = Lang.en,
) -> Response:
    """A self-contained quote card for an iframe: the only page other sites may frame. Its
    one script (embed.js, our own) tells the framing page how tall the card is."""
    quote = article_repo.get_quote(session, quote_id)
    if quote is None:
        raise APIError(404, f"There is no quote {quote_id}.")
    context = {
        "quote": quote_out(session, quote),
        "permalink": str(request.url_for("quote_page", quote_id=quote_id)),
        "theme": theme.value,
        "labels": Labels(lang),
        "script_url": str(request.url_for("embed_script")),
    }
    return cached(request, page(request, "embed_quote.html", context, csp=EMBED_CSP), EMBED_MAX_AGE)


@router.get(
    "/oembed",
    response_model=OEmbed,
    tags=["embeds"],
    responses=errors.responses(404, 422, 501, 503),
)
def oembed(
    request: Request,
    session: SessionDep,
    url: Annotated[str, Query(max_length=2000, description="A quote permalink.")],
    format: Annotated[Literal["json", "xml"], Query()] = "json",
    maxwidth: Annotated[int | None, Query(ge=1)] = None,
    maxheight: Annotated[int | None, Query(ge=1)] = None,
    theme: Annotated[Theme, Query(description="The card's colours.")] = Theme.auto,
    lang: Annotated[
        Lang, Query(description="The language of the labels around the quote (not the quote).")
    ] = Lang.en,
    dnt: Annotated[
        bool, Query(description="Do not track: the plain blockquote, no script or iframe.")
    ] = False,
) -> Response:
    """oEmbed 1.0 for quote permalinks: a `rich` blockquote of the quote, readable with no
    script, that embed.js upgrades to the resizing card iframe. `maxwidth` and `maxheight`
    are never exceeded."""
    if format == "xml":
        raise APIError(501, "Only format=json is supported.", code="not_implemented")
    quote_id = quote_id_from_url(url)
    quote = article_repo.get_quote(session, quote_id) if quote_id is not None else None
    if quote is None:
        raise APIError(404, "That URL is not a quote on this site.")
    out = quote_out(session, quote)
    labels = Labels(lang)
    speaker = out.speaker.name if out.speaker else labels["unattributed"]
    paraphrase = out.type == QuoteType.indirect
    shown = EmbedQuote(
        id=out.id,
        words=out.cited,
        is_paraphrase=paraphrase,
        speaker=speaker,
        said_on=labels.date(out.said_on),
        outlet=out.article.outlet or "",
        permalink=str(request.url_for("quote_page", quote_id=out.id)),
        lang=lang.value,
        link_label=labels["on_onrecord"],
        statement=str(labels.statement(out.id, out.statement) or ""),
    )
    kind = labels["paraphrase" if paraphrase else "quote"]
    caption = f"{speaker}, {shown.said_on} · {shown.outlet} · {kind} · OnRecord"
    caption += f" {shown.statement}" if shown.statement else ""  # its own line, under them
    width, height = embed_size(maxwidth, maxheight, shown.words, caption)
    src = embed_src(str(request.url_for("embed_quote", quote_id=out.id)), theme, lang)
    script = None if dnt else str(request.url_for("embed_script"))
    title = labels.title(speaker, paraphrase)
    body = OEmbed(
        title=title,
        author_name=speaker,
        provider_url=str(request.base_url),
        width=width,
        height=height,
        html=embed_html(shown, src, script, width, maxheight),
    )
    return cached(request, JSONResponse(body.model_dump(mode="json")), EMBED_MAX_AGE)


@router.get("/widget.js", include_in_schema=False)
def widget_script(request: Request) -> Response:
    """The <onrecord-quotes> web component; any site may load it. The labels of every
    language (api/labels.json) are put into it here, so it needs no second request."""
    return _script(request, "widget.js", labels=True)


@router.get("/embed.js", include_in_schema=False)
def embed_script(request: Request) -> Response:
    """Upgrades oEmbed blockquotes to card iframes on any site, and inside the card reports
    its height to the framing page."""
    return _script(request, "embed.js")


def _script(request: Request, name: str, labels: bool = False) -> Response:
    body = (STATIC_DIR / name).read_bytes()
    if labels:
        body = body.replace(b"{} /* labels.json */", LABELS_FILE.read_bytes().strip(), 1)
    script = Response(
        body,
        media_type="text/javascript; charset=utf-8",
        headers={"Access-Control-Allow-Origin": "*"},
    )
    return cached(request, script, WIDGET_MAX_AGE)
