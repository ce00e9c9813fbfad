"""The search contract (``broadsheet.search.contract.SearchBackend``) on every backend, over a
store of every backend: the index follows the store's change log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from broadsheet.errors import QuerySyntaxError
from broadsheet.models import Annotations, Article, Entity, Paragraph, Quote, TickerMention
from broadsheet.search import HIGHLIGHT_END, HIGHLIGHT_START, SearchBackend
from broadsheet.store import Store

T0 = datetime(2022, 3, 1, 8, 0, tzinfo=UTC)
NOW = datetime(2022, 3, 20, tzinfo=UTC)

STORIES = [
    # headline, body, days after T0, people, tickers
    (
        "Harbour council approves quay",
        "The harbour council approved a plan to widen the northern quay on Monday. "
        "Mayor Ines Carvalho said the work would start in spring.",
        0,
        ("Ines Carvalho",),
        (),
    ),
    (
        "Grain exports climb at Tamsby",
        "Grain exports from the port of Tamsby rose 8 percent in March, the harbour board said.",
        3,
        (),
        (),
    ),
    (
        "Lumen Foods profit beats forecasts",
        "Lumen Foods said quarterly profit rose 14 percent, Odile Ferrand told analysts. "
        "Shares of Lumen rose in late trading.",
        6,
        ("Odile Ferrand",),
        ("LMNF",),
    ),
    (
        "Ferry fares frozen for summer",
        "The ferry company froze fares for the summer season, its chairman Odile Ferrand said.",
        9,
        ("Odile Ferrand",),
        (),
    ),
]


@pytest.fixture
def indexed(
    backend_store: Store, search_factory: Callable[[Store], SearchBackend]
) -> tuple[Store, SearchBackend, list[int]]:
    ids = []
    for n, (headline, body, days, people, tickers) in enumerate(STORIES):
        saved = backend_store.save_article(
            Article(
                paragraphs=(Paragraph(body),),
                headline=headline,
                url=f"https://news.example/{n}",
                published_at=T0 + timedelta(days=days),
            )
        )
        assert saved.article_id is not None
        ids.append(saved.article_id)
        backend_store.save_annotations(
            saved.article_id,
            Annotations(
                entities=tuple(
                    Entity(body.index(p), body.index(p) + len(p), "PERSON", p, p) for p in people
                ),
                tickers=tuple(TickerMention(0, 5, t, "Lumen Foods", 0.9) for t in tickers),
                quotes=(Quote((0, 20), None, None, people[0], "indirect"),) if people else (),
                topics=("economy",) if n % 2 else ("transport",),
            ),
        )
    backend = search_factory(backend_store)
    assert backend.catch_up(backend_store) > 0
    return backend_store, backend, ids


def test_catch_up_follows_the_change_log(indexed: tuple[Store, SearchBackend, list[int]]) -> None:
    store, backend, ids = indexed
    assert backend.last_seq == store.max_seq()
    assert backend.count() == len(STORIES)
    assert backend.catch_up(store) == 0  # nothing new
    store.delete_article(ids[1])
    store.add_source("https://x.example/", "feed")
    src = store.list_sources()[0]
    store.update_source(src.id, last_error="timeout")  # an event about a source: ignored
    assert backend.catch_up(store) == 2
    assert backend.count() == len(STORIES) - 1
    assert backend.search("tamsby").total == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("harbour", [0, 1]),
        ('"quarterly profit"', [2]),
        ("fares OR quay", [0, 3]),
        ("harbour -grain", [0]),
        ("headline:ferry", [3]),
        ("person:Ferrand", [2, 3]),
        ('person:"Odile Ferrand" topic:transport', [2]),
        ("ticker:LMNF", [2]),
        ("by:Carvalho", [0]),
        ("since:2022-03-05", [2, 3]),
        ("until:2022-03-05", [0, 1]),
        ("*", [0, 1, 2, 3]),
    ],
)
def test_the_query_language(
    indexed: tuple[Store, SearchBackend, list[int]], query: str, expected: list[int]
) -> None:
    _, backend, ids = indexed
    found = {h.article_id for h in backend.search(query, limit=50, now=NOW).hits}
    assert found == {ids[i] for i in expected}


def test_sorting_paging_and_snippets(indexed: tuple[Store, SearchBackend, list[int]]) -> None:
    _, backend, ids = indexed
    newest = backend.search("*", sort="newest", limit=50)
    assert [h.article_id for h in newest.hits] == list(reversed(ids))
    assert newest.total == 4
    page = backend.search("*", sort="newest", limit=2, offset=2)
    assert [h.article_id for h in page.hits] == [ids[1], ids[0]] and page.total == 4
    hit = backend.search("grain", limit=5).hits[0]
    assert hit.article_id == ids[1] and hit.score > 0
    assert f"{HIGHLIGHT_START}Grain{HIGHLIGHT_END}" in hit.snippet
    assert hit.headline == "Grain exports climb at Tamsby" and hit.story_id is not None
    assert hit.published_at == T0 + timedelta(days=3)
    with pytest.raises(QuerySyntaxError):
        backend.search('"unclosed')


def test_rebuild_matches_catch_up(indexed: tuple[Store, SearchBackend, list[int]]) -> None:
    store, backend, _ = indexed
    before = {h.article_id for h in backend.search("*", limit=50).hits}
    assert backend.rebuild(store) == len(STORIES)
    assert {h.article_id for h in backend.search("*", limit=50).hits} == before
    assert backend.last_seq == store.max_seq()
    backend.release()  # giving up the writer keeps reading
    assert backend.search("harbour").total == 2
    assert backend.refresh() == store.max_seq()
