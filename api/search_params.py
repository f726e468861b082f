"""A search as URL parameters: the one table that parses the URL, builds the index query and
writes the URL back for the pages' links.

Each field of `SearchParams` is named as in `SearchQuery` and aliased as in the URL, so the
API, the CSV export and the search page accept exactly the same parameters, and a link keeps
exactly what was parsed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, get_origin
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field, ValidationError, field_validator

from api.deps import SearcherDep
from api.errors import APIError
from api.pagination import BadCursor, decode_cursor
from api.schemas import Facet, SearchIn, SortOrder
from api.security import limit_search
from api.services.search import MAX_PER_PAGE, MAX_RESULT_WINDOW
from db.records import MAX_FILTER_VALUE_BYTES, filterable
from db.search_index import QUOTE_WORDS, SearchQuery
from db.vocabulary import Distinct, QuoteType, SearchMode

MAX_Q = 500
MAX_FILTER_VALUES = 20

# The search page's own flag (results only, for live search). Accepted everywhere, so a
# page's URL also works against the API.
PAGE_ONLY_PARAMS = frozenset({"partial"})
# The CSV export's own flag (a byte-order mark for spreadsheets), likewise accepted everywhere.
EXPORT_ONLY_PARAMS = frozenset({"bom"})

# Not carried by the pages' links: each link sets its own page; the page offers no choice of
# page size or facets.
_NOT_IN_LINKS = frozenset({"page", "per_page", "facets", "after"})

UrlParams = list[tuple[str, str]]


class SearchParams(BaseModel):
    """The search's URL parameters: names, types, limits and documentation, once."""

    q: str = Field(default="", max_length=MAX_Q, description="Words to find.")
    speakers: list[str] = Field(
        default=[],
        alias="speaker",
        description="Speaker: a name, alias, slug or id; repeat for OR.",
    )
    outlets: list[str] = Field(default=[], alias="outlet", description="Outlet; repeat for OR.")
    types: list[QuoteType] = Field(
        default=[], alias="type", description="Quote type; repeat for OR."
    )
    years: list[Annotated[int, Field(ge=1, le=9999)]] = Field(
        default=[], alias="year", description="Year said; repeat for OR."
    )
    date_from: date | None = Field(default=None, alias="from", description="Said on or after.")
    date_to: date | None = Field(default=None, alias="to", description="Said on or before.")
    sort: SortOrder | None = Field(
        default=None, description="relevance (default with q), date, -date (newest first)"
    )
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=20, ge=1, le=MAX_PER_PAGE)
    facets: list[str] = Field(
        default=[],
        alias="facet",
        description=f"Facet counts to return ({', '.join(Facet)}); default all.",
    )
    search_in: SearchIn = Field(
        default=SearchIn.all,
        alias="in",
        description="Where the words are looked for: all (quote, speaker, context, title) "
        "or quote (the quote's own words only).",
    )
    mode: SearchMode = Field(
        default=SearchMode.keyword,
        description="keyword (the words), semantic (the meaning: quotes that say the same in "
        "other words) or hybrid (both, merged).",
    )
    distinct: Distinct | None = Field(
        default=None,
        description="statement: one hit per statement (the same words of one speaker "
        "reported by many outlets), its best-ranked report; `total` and facets count "
        "statements.",
    )
    after: str | None = Field(
        default=None,
        max_length=200,
        description="A `next_cursor` from a previous answer: the hits after it, in date order, "
        "beyond the 10,000 that pages reach.",
    )

    @field_validator("q")
    @classmethod
    def _strip(cls, q: str) -> str:
        return q.strip()

    @classmethod
    def url_names(cls) -> frozenset[str]:
        """Every parameter name a search URL may hold."""
        return frozenset(f.alias or name for name, f in cls.model_fields.items())

    def refusal(self) -> str | None:
        """Why this search is refused (a 400), or None.

        Facet names are checked here rather than by type, so that a wrong one is a 400 that
        lists the known ones, like the other refusals.
        """
        bad_facets = sorted(set(self.facets) - set(Facet))
        if bad_facets:
            return f"unknown facet(s) {', '.join(bad_facets)}; known: {', '.join(Facet)}"
        for name, values in (
            ("speaker", self.speakers),
            ("outlet", self.outlets),
            ("year", self.years),
        ):
            if len(values) > MAX_FILTER_VALUES:
                return f"at most {MAX_FILTER_VALUES} {name} values"
            if any(isinstance(v, str) and not filterable(v) for v in values):
                return (
                    f"a {name} value is too long to filter by: at most "
                    f"{MAX_FILTER_VALUE_BYTES} bytes (fewer for accented letters)"
                )
        if self.page * self.per_page > MAX_RESULT_WINDOW:
            return (
                f"results beyond the first {MAX_RESULT_WINDOW} cannot be paged to; "
                "narrow the search with filters"
            )
        if self.date_from and self.date_to and self.date_from > self.date_to:
            return "`from` is after `to`"
        return self._cursor_refusal()

    def _cursor_refusal(self) -> str | None:
        if self.after is None:
            return None
        try:
            decode_cursor(self.after)
        except BadCursor as exc:
            return str(exc)
        if self.sort == SortOrder.relevance or (self.sort is None and self.q):
            return "`after` follows date order: add sort=-date (newest first) or sort=date"
        if self.page != 1:
            return "`after` replaces `page`: give one or the other"
        return None

    def query(self) -> SearchQuery:
        """The index query; all facets are counted unless some were named."""
        return SearchQuery(
            q=self.q,
            speakers=self.speakers,
            outlets=self.outlets,
            types=self.types,
            years=self.years,
            date_from=self.date_from,
            date_to=self.date_to,
            sort=self.sort,
            page=self.page,
            per_page=self.per_page,
            facets=[Facet(f) for f in dict.fromkeys(self.facets)] or list(Facet),
            after=decode_cursor(self.after) if self.after else None,
            search_on=[QUOTE_WORDS] if self.search_in == SearchIn.quote else [],
            mode=self.mode,
            distinct=self.distinct,
        )

    def link_params(self) -> UrlParams:
        """The search as URL parameters for links: in field order, without defaults, page,
        page size, facets or the relevance sort."""
        values = self.model_dump(
            mode="json", by_alias=True, exclude_defaults=True, exclude=set(_NOT_IN_LINKS)
        )
        if values.get("sort") == SortOrder.relevance:
            del values["sort"]
        return [
            (name, str(item))
            for name, value in values.items()
            for item in (value if isinstance(value, list) else [value])
        ]


async def search_params(
    request: Request,
    _limited: Annotated[None, Depends(limit_search)],
    params: Annotated[SearchParams, Query()],
    searcher: SearcherDep,
) -> SearchParams:
    """The validated search from the query string, shared by the API, CSV export and page.

    Unknown parameters and facet names are refused rather than ignored, so a typo such as
    `spekaer=` cannot silently return everything.
    """
    accepted = SearchParams.url_names() | PAGE_ONLY_PARAMS | EXPORT_ONLY_PARAMS
    unknown = sorted(set(request.query_params) - accepted)
    if unknown:
        raise APIError(400, f"unknown search parameter(s): {', '.join(unknown)}")
    refusal = params.refusal()
    if refusal:
        raise APIError(400, refusal)
    if params.mode != SearchMode.keyword and not searcher.semantic:
        raise APIError(
            400,
            "search by meaning is off on this server (ONRECORD_EMBEDDINGS=off): use mode=keyword",
        )
    return params


SearchParamsDep = Annotated[SearchParams, Depends(search_params)]


def search_url(
    path: str, params: UrlParams, toggle: tuple[str, str] | None = None, page: int | None = None
) -> str:
    """The URL of a search with one facet value toggled or the page changed."""
    params = list(params)
    if toggle:
        if toggle in params:
            params.remove(toggle)
        else:
            params.append(toggle)
    if page and page != 1:
        params.append(("page", str(page)))
    return f"{path}?{urlencode(params)}" if params else path


def _list_names() -> frozenset[str]:
    """The URL names that may repeat (list fields)."""
    return frozenset(
        f.alias or name
        for name, f in SearchParams.model_fields.items()
        if get_origin(f.annotation) is list
    )


def parse_search(search: str) -> SearchParams:
    """A search given as a URL or its query string (`q=bridge&speaker=X`, `/?q=…`,
    `https://host/v1/search?…`), checked exactly as a request's parameters are; `APIError`
    400 says what is wrong. Page-only and export-only flags are accepted and dropped."""
    query = urlsplit(search).query if "?" in search else search.lstrip("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    accepted = SearchParams.url_names() | PAGE_ONLY_PARAMS | EXPORT_ONLY_PARAMS
    unknown = sorted({name for name, _ in pairs} - accepted)
    if unknown:
        raise APIError(400, f"unknown search parameter(s): {', '.join(unknown)}")
    lists = _list_names()
    values: dict[str, str | list[str]] = {}
    for name, value in pairs:
        if name in PAGE_ONLY_PARAMS | EXPORT_ONLY_PARAMS:
            continue
        if name in lists:
            repeated = values.setdefault(name, [])
            assert isinstance(repeated, list)
            repeated.append(value)
        else:
            values[name] = value
    try:
        params = SearchParams.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise APIError(400, f"search parameter {where}: {error['msg']}") from None
    refusal = params.refusal()
    if refusal:
        raise APIError(400, refusal)
    return params


def canonical_query(params: SearchParams) -> str:
    """The search as the query string its links carry (no page, size, facets or cursor):
    the stored form of a saved search."""
    return urlencode(params.link_params())
