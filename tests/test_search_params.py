"""The one mapping between search URLs and index queries: parse, query, write back."""

from __future__ import annotations

from datetime import date

from api.schemas import Facet, QuoteType, SortOrder
from api.search_params import PAGE_ONLY_PARAMS, SearchParams, search_url
from db.search_index import FACETS


def parse(**values: object) -> SearchParams:
    return SearchParams.model_validate(values)


def test_url_names_are_the_aliases() -> None:
    assert SearchParams.url_names() == {
        "q",
        "speaker",
        "outlet",
        "type",
        "year",
        "from",
        "to",
        "sort",
        "page",
        "per_page",
        "facet",
        "in",
        "mode",
        "after",
        "distinct",
    }
    assert not PAGE_ONLY_PARAMS & SearchParams.url_names()


def test_parsed_search_becomes_the_index_query() -> None:
    params = parse(
        q="  ferry fares ",
        speaker=["Ada Vale", "Bo Lind"],
        type=["direct"],
        year=["2024"],
        **{"from": "2024-01-02", "to": "2024-03-04"},
        sort="-date",
        page="2",
        per_page="5",
        facet=["year", "speaker", "year"],
    )
    query = params.query()
    assert query.q == "ferry fares"
    assert list(query.speakers) == ["Ada Vale", "Bo Lind"]
    assert list(query.types) == [QuoteType.direct]
    assert list(query.years) == [2024]
    assert (query.date_from, query.date_to) == (date(2024, 1, 2), date(2024, 3, 4))
    assert query.sort == "-date"
    assert (query.page, query.per_page) == (2, 5)
    assert list(query.facets) == ["year", "speaker"]
    assert list(parse().query().facets) == list(Facet)


def test_links_keep_the_filters_in_order_without_defaults_paging_or_facets() -> None:
    params = parse(
        q="bridge",
        year=["2023"],
        speaker=["Ada Vale"],
        **{"to": "2024-05-06"},
        sort="date",
        page="3",
        per_page="50",
        facet=["outlet"],
    )
    assert params.link_params() == [
        ("q", "bridge"),
        ("speaker", "Ada Vale"),
        ("year", "2023"),
        ("to", "2024-05-06"),
        ("sort", "date"),
    ]
    assert parse(q="x", sort=SortOrder.relevance.value).link_params() == [("q", "x")]
    assert parse().link_params() == []


def test_link_params_parse_back_to_the_same_search() -> None:
    params = parse(q="tolls", outlet=["The Ledger"], type=["mixed", "indirect"])
    again = SearchParams.model_validate(
        {name: [v for n, v in params.link_params() if n == name] for name in ("outlet", "type")}
        | {"q": "tolls"}
    )
    assert again.query() == params.query()


def test_refusals() -> None:
    assert "unknown facet(s) secret" in (parse(facet=["secret"]).refusal() or "")
    assert parse(speaker=[str(i) for i in range(21)]).refusal() == "at most 20 speaker values"
    assert "beyond the first 10000" in (parse(page="101", per_page="100").refusal() or "")
    assert parse(**{"from": "2024-02-01", "to": "2024-01-01"}).refusal() == "`from` is after `to`"
    assert parse(page="100", per_page="100").refusal() is None


def test_search_url_toggles_a_value_and_sets_the_page() -> None:
    links = [("q", "a b"), ("speaker", "Ada Vale")]
    assert search_url("/", links, toggle=("speaker", "Ada Vale")) == "/?q=a+b"
    assert search_url("/", links, toggle=("type", "direct"), page=2) == (
        "/?q=a+b&speaker=Ada+Vale&type=direct&page=2"
    )
    assert search_url("/", [], page=1) == "/"


def test_facets_are_the_index_facets() -> None:
    assert [facet.value for facet in Facet] == list(FACETS)
