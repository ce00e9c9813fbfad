"""PostgreSQL search finds the same stories as tantivy, on the same archive.

The archive: the hand-written corpus of ``conftest`` plus generated reports
(``tests/store/store_corpus``) with people, places, tickers, topics and quotes, stored in a
real PostgreSQL store; the tantivy index and the PostgreSQL backend both follow its change
log. A few hundred queries, generated from a fixed seed over every part of the query
language (words, phrases, fields, AND / OR / NOT / -, parentheses, keyword and name fields,
dates), must give the same set of story ids, the same totals, and the same order by date.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from broadsheet.errors import ConfigError, QuerySyntaxError
from broadsheet.models import Annotations, Article, Entity, Paragraph, Quote, TickerMention
from broadsheet.search import HIGHLIGHT_START, SearchIndex, parse_query, plain_snippet
from broadsheet.search.postgres import PostgresSearch
from broadsheet.store import Store, open_store
from tests.pg import fresh_database, unavailable
from tests.store.store_corpus import make_text

from .conftest import ITEMS, NOW, Item

PEOPLE = ["Lena Marsh", "Tom Reyes", "Ines Carvalho", "Odile Ferrand", "Jean-Claude Okafor"]
PLACES = ["Rotterdam", "San José", "Genève", "Tamsby", "Port Elin"]
TICKERS = ["ACME", "LMNF", "KSTR", "OILX"]
TOPICS = ["economy", "energy", "shipping", "labour", "markets"]
ORGS = ["Kestrel Partners", "Acme Corp", "Federal Reserve Bank of Tamsby", "Harbour Board"]


def _annotations(
    body: str,
    people: list[str],
    orgs: list[str],
    places: list[str],
    tickers: list[str],
    topics: list[str],
    quotes: list[tuple[str, str]],
) -> Annotations:
    entities = []
    for kind, names in (("PERSON", people), ("ORG", orgs), ("PLACE", places)):
        for name in names:
            start = max(body.find(name), 0)
            end = min(start + len(name), len(body))
            entities.append(Entity(start, end, kind, name, body[start:end]))  # type: ignore[arg-type]
    quoted = []
    for said, speaker in quotes:
        start = body.find(said)
        if start >= 0:
            quoted.append(Quote((start, start + len(said)), None, None, speaker, "direct"))
    return Annotations(
        entities=tuple(entities),
        tickers=tuple(TickerMention(0, 0, t, t.title(), 1.0) for t in tickers),
        quotes=tuple(quoted),
        topics=tuple(topics),
    )


def _store_item(store: Store, item: Item, n: int) -> None:
    article = Article(
        paragraphs=tuple(Paragraph(p) for p in item.body.split("\n\n")),
        headline=item.headline,
        url=item.url or f"https://{item.key}.example/{n}",
        published_at=item.published,
        language=item.lang,
        site_name=item.source,
    )
    saved = store.save_article(article, first_seen_at=item.first_seen)
    assert saved.article_id is not None
    body = store.get_article(saved.article_id).body
    store.save_annotations(
        saved.article_id,
        _annotations(
            body,
            list(item.people),
            list(item.orgs),
            list(item.places),
            list(item.tickers),
            list(item.topics),
            list(item.quotes),
        ),
    )


def _store_generated(store: Store, seed: int) -> None:
    rng = random.Random(seed)
    people = rng.sample(PEOPLE, rng.randint(0, 2))
    places = rng.sample(PLACES, rng.randint(0, 2))
    said = f"we expect {rng.choice(['higher', 'lower', 'steady'])} prices for {seed % 7} weeks"
    speaker = rng.choice(PEOPLE)
    body = f'{make_text(seed, 4)} {" and ".join(people + places)} met. "{said}," {speaker} said.'
    published = datetime(2010, 5, 1, tzinfo=UTC) + timedelta(hours=7 * seed)
    article = Article(
        paragraphs=(Paragraph(body),),
        headline=f"{rng.choice(['Oil', 'Gas', 'Port', 'Bank'])} report {seed} on rates",
        url=f"https://gen{seed % 3}.example/{seed}",
        published_at=None if seed % 5 == 0 else published,
        language=rng.choice(["en", "en-GB", "fr"]),
        site_name=rng.choice(["Morning Courier", "Harbour Ledger", None]),
    )
    saved = store.save_article(article, first_seen_at=published + timedelta(hours=1))
    assert saved.article_id is not None
    stored = store.get_article(saved.article_id).body
    store.save_annotations(
        saved.article_id,
        _annotations(
            stored,
            people,
            rng.sample(ORGS, rng.randint(0, 1)),
            places,
            rng.sample(TICKERS, rng.randint(0, 2)),
            rng.sample(TOPICS, rng.randint(0, 2)),
            [(said, speaker)],
        ),
    )


@pytest.fixture(scope="module", params=["rum", "gin"])
def both(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[SearchIndex, PostgresSearch]]:
    """The archive, indexed by tantivy and by PostgreSQL (ranking with RUM, then GIN)."""
    with fresh_database("bs_parity") as url:
        store = open_store(url)
        for n, item in enumerate(ITEMS):
            _store_item(store, item, n)
        for seed in range(1, 121):
            _store_generated(store, seed)
        path: Path = tmp_path_factory.mktemp("parity-index")
        tantivy = SearchIndex(path)
        tantivy.catch_up(store)
        try:
            postgres = PostgresSearch(url, method=request.param)
        except ConfigError as exc:  # no rum extension on this server
            unavailable(str(exc))
        assert postgres.method == request.param
        postgres.catch_up(store)
        assert tantivy.count() == postgres.count() == store.count_articles()
        yield tantivy, postgres
        postgres.close()
        tantivy.close()
        store.close()


WORDS = ["oil", "gas", "prices", "rates", "interest", "port", "strike", "the", "of", "a", "bank",
         "said", "Zürich", "covid", "19", "banque", "high", "steady", "report", "harbour",
         "council", "approved", "quay", "people", "were", "affected", "weeks", "expect",
         "marsh", "rotterdam", "d'intérêt", "Jean-Claude"]  # fmt: skip
FIELDED = ['source:"morning courier"', "source:harbourledger.example", "lang:fr", "lang:en",
           "topic:energy", "topic:economy", 'by:"tom reyes"', "quote:march", "quote:prices",
           'quote:"steady prices"', "ticker:ACME", "ticker:oilx", "place:rotterdam",
           "since:2010-05-04", "until:2010-05-03", "since:7d", "until:yesterday", "since:2011",
           "since:2010-06", "until:2010-07-15", "person:marsh", "person:LENA",
           'person:"marsh lena"', "person:okafor", 'person:"jean claude"', "by:reyes",
           "by:rey", "org:acme", 'org:"acme corp"', 'org:"federal reserve"', "org:tamsby",
           "place:jose", "place:san", 'place:"port elin"', "source:courier", "source:ledger",
           "source:example", "source:gen1.example", "topic:labou", "headline:report",
           'headline:"on rates"', "body:quay", 'body:"northern quay"', "headline:oil"]  # fmt: skip


def _atom(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(WORDS)
    if roll < 0.5:
        return '"' + " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 3))) + '"'
    if roll < 0.6:
        return f"{rng.choice(['headline', 'body', 'quote'])}:{rng.choice(WORDS)}"
    return rng.choice(FIELDED)


def _query(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(1, 3)):
        atom = f"({_query(rng, depth + 1)})" if depth < 2 and rng.random() < 0.25 else _atom(rng)
        if rng.random() < 0.2:
            atom = rng.choice(["-", "NOT "]) + atom
        parts.append(atom)
    out = parts[0]
    for part in parts[1:]:
        out += rng.choice([" ", " AND ", " OR "]) + part
    return out


def _queries(count: int = 400) -> list[str]:
    rng = random.Random(20261205)
    fixed = [*WORDS, *FIELDED, "", "the -the", "NOT NOT the", '"high for a while said tom"',
             "(gas OR oil) -(prices OR towns) since:2010", "person:tom -by:tom"]  # fmt: skip
    out = list(dict.fromkeys(fixed))
    while len(out) < count:
        q = _query(rng)
        try:
            parse_query(q, now=NOW)
        except QuerySyntaxError:
            continue
        out.append(q)
    return out


QUERIES = _queries()


def _everything(
    backend: SearchIndex | PostgresSearch, query: str, sort: str
) -> tuple[int, list[int]]:
    results = backend.search(query, limit=1000, now=NOW, sort=sort)  # type: ignore[arg-type]
    return results.total, [h.article_id for h in results.hits]


def test_a_few_hundred_queries_find_the_same_stories(
    both: tuple[SearchIndex, PostgresSearch],
) -> None:
    tantivy, postgres = both
    assert len(QUERIES) >= 400
    differ = []
    found_any = 0
    for query in QUERIES:
        t_total, t_ids = _everything(tantivy, query, "relevance")
        p_total, p_ids = _everything(postgres, query, "relevance")
        if t_total != p_total or set(t_ids) != set(p_ids):
            differ.append((query, t_total, p_total, sorted(set(t_ids) ^ set(p_ids))[:5]))
        found_any += bool(t_ids)
    assert differ == []
    # the queries are not all empty or all everything: they tell backends apart
    assert 100 < found_any < len(QUERIES)


def test_newest_first_gives_the_same_order(both: tuple[SearchIndex, PostgresSearch]) -> None:
    tantivy, postgres = both
    for query in QUERIES[:150]:
        t = tantivy.search(query, limit=1000, now=NOW, sort="newest")
        p = postgres.search(query, limit=1000, now=NOW, sort="newest")
        dates_t = [h.published_at or h.first_seen_at for h in t.hits]
        dates_p = [h.published_at or h.first_seen_at for h in p.hits]
        assert dates_p == dates_t, query


def test_paging_and_headline_ranking(both: tuple[SearchIndex, PostgresSearch]) -> None:
    _, postgres = both
    every = postgres.search("rates", limit=1000, now=NOW).hits
    assert len(every) > 10
    pages = [h.article_id for o in range(0, len(every), 7) for h in
             postgres.search("rates", limit=7, offset=o, now=NOW).hits]  # fmt: skip
    assert pages == [h.article_id for h in every]
    top = postgres.search("interest", limit=3, now=NOW).hits
    assert top and "interest" in (top[0].headline or "").lower()


def test_snippets_highlight_the_words_matched(both: tuple[SearchIndex, PostgresSearch]) -> None:
    _, postgres = both
    hits = postgres.search('"northern quay" -gas', limit=5, now=NOW).hits
    assert hits
    for hit in hits:
        assert HIGHLIGHT_START + "northern" in hit.snippet
        assert len(plain_snippet(hit.snippet)) <= 200
    lead = postgres.search("ticker:ACME", limit=1, now=NOW).hits[0]
    assert HIGHLIGHT_START not in lead.snippet and lead.snippet


def test_a_deleted_story_leaves_both(both: tuple[SearchIndex, PostgresSearch]) -> None:
    tantivy, postgres = both
    store = open_store(postgres.url)
    try:
        victim = postgres.search("quay", limit=1, now=NOW).hits[0].article_id
        store.delete_article(victim)
        edited = store.get_article(
            postgres.search("rotterdam", limit=1, now=NOW).hits[0].article_id
        )
        text = edited.body + " Dockers in Rotterdam walked out in protest."
        store.save_article(replace(Article(paragraphs=(Paragraph(text),)), headline=edited.headline,
                                   url=edited.url), first_seen_at=edited.first_seen_at)  # fmt: skip
        tantivy.catch_up(store)
        postgres.catch_up(store)
        for query in ("quay", "dockers", "rotterdam", '"walked out"'):
            assert _everything(postgres, query, "relevance")[1].sort() == \
                _everything(tantivy, query, "relevance")[1].sort()  # fmt: skip
            assert {h.article_id for h in postgres.search(query, limit=100, now=NOW).hits} == {
                h.article_id for h in tantivy.search(query, limit=100, now=NOW).hits
            }
        assert victim not in {h.article_id for h in postgres.search("quay", limit=100).hits}
    finally:
        store.close()


def test_a_capped_count_says_more_than(
    both: tuple[SearchIndex, PostgresSearch], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ranked by the RUM index, PostgreSQL stops counting at the cap: the total then says
    "more than N" (``total_exact`` False), and later pages still come."""
    from broadsheet.search.postgres import sql
    from broadsheet.service.views import SearchPage

    tantivy, postgres = both
    everything = tantivy.search("the", limit=1)
    assert everything.total > 12
    monkeypatch.setattr(sql, "COUNT_CAP", 8)
    first = postgres.search("the", limit=4)
    if postgres.method == "gin":  # ranked by ts_rank: every match is counted
        assert first.total_exact and first.total == everything.total
        return
    assert not first.total_exact and first.total == 8
    later = postgres.search("the", limit=4, offset=8)
    assert len(later.hits) == 4  # the cap does not end the pages
    rare = next(w for w in WORDS if 0 < tantivy.search(w, limit=1).total <= 8)
    assert postgres.search(rare, limit=4).total_exact  # no more than the cap: exact
    page = SearchPage(query="the", total=first.total, hits=[], total_exact=False)
    assert page.total_text == "more than 8" and page.to_json()["total_exact"] is False
