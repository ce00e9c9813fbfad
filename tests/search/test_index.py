"""The tantivy index over the hand-written corpus: fields, operators, dates, snippets, upkeep."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadsheet.errors import QuerySyntaxError
from broadsheet.search import HIGHLIGHT_END, HIGHLIGHT_START, SearchIndex, parse_query

from .conftest import IDS, ITEMS, KEYS, NOW, PAIRS, keys_of, stored_of

S, E = HIGHLIGHT_START, HIGHLIGHT_END

CASES: list[tuple[str, set[str]]] = [
    # words, phrases, headline and body
    ("oil", {"oil", "covid"}),
    ("OIL", {"oil", "covid"}),
    ("oil prices", {"oil"}),
    ('"interest rates"', {"rates"}),
    ("interest rates", {"rates", "savers"}),
    ('"rates interest"', {"savers"}),
    ("covid-19", {"covid"}),
    ('"covid 19"', {"covid"}),
    ("U.S.", {"phone"}),
    ("zürich", {"taux"}),
    ("ZÜRICH", {"taux"}),
    ("intérêt", {"taux"}),
    ("headline:oil", {"oil"}),
    ("headline:port", {"strike1", "strike2", "ships"}),
    ("body:port", {"strike1", "strike2"}),
    ('headline:"port strike"', {"strike1", "strike2"}),
    ("quote:march", {"phone"}),
    ('quote:"stay high"', {"rates"}),
    ("quote:inflation", set()),  # said by the governor, but not inside a quote
    # keyword fields
    ('source:"morning courier"', {"oil", "savers", "strike2"}),
    ("source:MORNING", {"oil", "savers", "strike2"}),  # a word of the name
    ("source:MORN", set()),  # but not part of a word
    ('source:"courier morning"', set()),  # nor words out of order
    ("source:harbourledger", {"rates"}),  # a word of the web site
    ("source:ledger", {"rates", "gas", "strike1"}),
    ("source:harbourledger.example", {"rates"}),  # the web site counts too
    ("source:www.harbourledger.example", {"rates"}),
    ("lang:fr", {"taux"}),
    ('person:"lena marsh"', {"rates"}),
    ("person:marsh", {"rates"}),  # a surname
    ("person:LENA", {"rates"}),
    ("person:mars", set()),
    ('person:"marsh lena"', set()),
    ('person:"lena marsh tom"', set()),  # runs stay inside one name
    ("person:nair OR person:reyes", {"phone", "rates"}),
    ("person:marsh -person:reyes", set()),
    ('org:"Acme Corp."', {"phone"}),
    ("org:acme", {"phone"}),
    ('org:"acme corp"', {"phone"}),  # words, whatever the punctuation
    ("org:corp.", {"phone"}),
    ("org:kestrel", {"rates"}),
    ("org:acm", set()),
    ("place:jose", {"phone"}),
    ('place:"SAN jose"', {"phone"}),
    ("place:zurich", set()),  # words are compared as written: ü is not u
    ("place:rotterdam", {"oil"}),
    ("ticker:acme", {"phone"}),
    ("topic:labour", {"strike1", "strike2", "ships"}),
    ('by:"tom reyes"', {"rates"}),
    ("by:reyes", {"rates"}),
    ("by:Nair", {"phone"}),
    ("by:rey", set()),
    ("by:marsh", set()),  # named, but not quoted
    ("ticker:acm", set()),  # ticker, topic and lang compare whole values only
    ("topic:labou", set()),
    ("lang:f", set()),
    ('by:"priya nair" OR by:"tom reyes"', {"rates", "phone"}),
    # NOT, OR, parentheses
    ("gas", {"oil", "gas"}),
    ("gas -oil", {"gas"}),
    ("gas NOT oil", {"gas"}),
    ("oil OR gas", {"oil", "gas", "covid"}),
    ("(oil OR gas) prices", {"oil"}),
    ("oil OR gas prices", {"oil"}),
    ("oil OR (gas towns)", {"oil", "covid", "gas"}),
    ("-oil -gas topic:energy", set()),
    ("topic:energy -(oil OR mayor)", set()),
    ("topic:economy -lang:fr -savers", {"rates"}),
    ("NOT topic:labour NOT topic:economy", {"oil", "gas", "phone", "covid"}),
    ("port AND (strike OR ships) -deal", {"strike1", "ships"}),
    # dates: published, else first seen; until includes the day named
    ("since:2010-05-04 until:2010-06", {"oil", "gas"}),
    ("until:2010-05-03", {"rates", "taux"}),
    ("since:2011 until:2011", {"phone"}),  # no published date: first seen 2011-01-10
    ("banque since:2010-05-03T12:00Z until:2010", {"taux"}),
    ("bank since:2010-05-03T12:00Z", {"savers"}),
    ("bank since:2010-05-03T09:00Z until:2010-05-03T09:00Z", {"rates"}),
    # relative dates with NOW = 2024-03-10 12:00 UTC
    ("port since:yesterday", {"strike2", "ships"}),
    ("port since:today", {"ships"}),
    ("port until:yesterday", {"strike1", "strike2"}),
    ("port since:7d", {"strike2", "ships"}),
    ("port since:24h", {"strike2", "ships"}),
    ("port since:2w", {"strike1", "strike2", "ships"}),
    ("since:1d until:now", {"strike2", "ships"}),
    # the empty query is everything; tantivy's own syntax means nothing special here
    ("", {item.key for item in ITEMS}),
    ("+oil", {"oil", "covid"}),
    ("oil^2", set()),  # the phrase "oil 2"
    ("oil~2", set()),
    ("[oil TO gas]", set()),
    ("gas*", {"oil", "gas"}),
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[c[0] or "<empty>" for c in CASES])
def test_search(corpus_index: SearchIndex, query: str, expected: set[str]) -> None:
    assert keys_of(corpus_index, query) == expected


def test_malformed_query_raises(corpus_index: SearchIndex) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        corpus_index.search("oil AND (gas")
    assert info.value.position == 8


def test_headline_match_ranks_first(corpus_index: SearchIndex) -> None:
    hits = corpus_index.search("oil", now=NOW).hits
    assert [KEYS[h.article_id] for h in hits] == ["oil", "covid"]
    assert hits[0].score > hits[1].score > 0


def test_newest_first_and_paging(corpus_index: SearchIndex) -> None:
    everything = corpus_index.search("", sort="newest", limit=100)
    dates = [h.published_at or h.first_seen_at for h in everything.hits]
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    assert KEYS[everything.hits[0].article_id] == "ships"
    pages = [corpus_index.search("", sort="newest", limit=3, offset=o) for o in (0, 3, 6, 9)]
    assert all(p.total == len(ITEMS) for p in pages)
    assert [h.article_id for p in pages for h in p.hits] == [h.article_id for h in everything.hits]
    assert corpus_index.search("oil", limit=0).hits == []
    assert corpus_index.search("oil", limit=0).total == 2
    with pytest.raises(ValueError):
        corpus_index.search("oil", sort="oldest")  # type: ignore[arg-type]


def test_hit_fields(corpus_index: SearchIndex) -> None:
    (hit,) = corpus_index.search('person:"Priya Nair"').hits
    assert hit.article_id == IDS["phone"]
    assert hit.headline == "Tech maker Acme unveils a new phone"
    assert hit.source == "Valley Herald"
    assert hit.published_at is None
    assert hit.first_seen_at == datetime(2011, 1, 10, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("query", "snippet_has", "snippet_lacks"),
    [
        ("inflation", [f"said {S}inflation{E} remained"], []),
        ('"interest rates"', [f"{S}interest{E} {S}rates{E}"], []),
        ("zürich", [f"{S}Zürich{E} et"], []),
        ("covid-19", [f"{S}COVID{E}-{S}19{E}"], []),
        ("quarter OR governor", [f"{S}quarter{E}", f"{S}Governor{E}"], []),
        ("strike -deal", [], [S]),  # "strike" is only in the headline: the lead, unmarked
        ("topic:health", ["Hospitals across the region"], [S]),
        ("gas -families", [f"{S}Gas{E} prices"], []),
        ("oil -(gas OR crude)", [f"the {S}oil{E} of"], [f"{S}gas", f"{S}crude"]),
    ],
)
def test_snippets(
    corpus_index: SearchIndex, query: str, snippet_has: list[str], snippet_lacks: list[str]
) -> None:
    hits = corpus_index.search(query, now=NOW).hits
    assert hits
    snippet = hits[0].snippet
    for piece in snippet_has:
        assert piece in snippet
    for piece in snippet_lacks:
        assert piece not in snippet
    assert snippet.count(S) == snippet.count(E)


def test_long_body_snippet_is_a_window_around_the_match(tmp_path: Path) -> None:
    filler = " ".join(f"word{n}" for n in range(400))
    body = f"{filler} the harbour pilots went on strike today. {filler}"
    article = stored_of(ITEMS[0], 1)
    article = type(article)(**{**{f: getattr(article, f) for f in article.__slots__}, "body": body})
    with SearchIndex(tmp_path / "ix") as index:
        index.index_articles([(article, None)])
        index.commit()
        snippet = index.search("pilots").hits[0].snippet
        assert f"{S}pilots{E}" in snippet
        assert len(snippet) < 300
        lead = index.search("headline:bank").hits[0].snippet
        assert lead.startswith("word0 word1") and lead.endswith("…") and len(lead) < 210


def test_upsert_replaces_and_delete_removes() -> None:
    index = SearchIndex(None)  # in memory
    rates, annotations = PAIRS[0]
    index.index_articles([(rates, annotations)])
    index.commit()
    assert index.count() == 1
    changed = type(rates)(**{**{f: getattr(rates, f) for f in rates.__slots__},
                             "body": "The bank cut rates instead.", "version": 2})  # fmt: skip
    index.index_articles([(changed, None)])
    index.index_articles([(changed, None)])
    index.commit()
    assert index.count() == 1
    assert index.search("inflation").total == 0
    assert index.search("cut").total == 1
    assert index.search('person:"lena marsh"').total == 0  # the new annotations (none) won
    index.delete([rates.id, 999_999])
    index.commit()
    assert index.count() == 0
    assert index.search("").total == 0


def test_writes_are_invisible_until_commit(tmp_path: Path) -> None:
    with SearchIndex(tmp_path / "ix") as index:
        index.index_articles(PAIRS[:2])
        assert index.search("oil").total == 0
        index.commit()
        assert index.search("oil").total == 1


def test_index_and_last_seq_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    with SearchIndex(path) as index:
        assert index.last_seq == 0
        index.index_articles(PAIRS)
        index.commit()
    state = json.loads((path / "broadsheet-search.json").read_text())
    assert state["last_seq"] == 0
    with SearchIndex(path) as again:
        assert again.count() == len(PAIRS)
        assert keys_of(again, "oil") == {"oil", "covid"}


def test_an_index_of_another_layout_is_started_over(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    with SearchIndex(path) as index:
        index.index_articles(PAIRS)
        index.commit()
    (path / "broadsheet-search.json").write_text(json.dumps({"schema": 0, "last_seq": 77}))
    with SearchIndex(path) as index:
        assert index.count() == 0
        assert index.last_seq == 0  # so catch_up re-reads the whole store


def test_a_parsed_tree_is_accepted(corpus_index: SearchIndex) -> None:
    tree = parse_query("gas -oil")
    assert {KEYS[h.article_id] for h in corpus_index.search(tree).hits} == {"gas"}


def test_processes_opening_one_fresh_index_at_once_all_open_it(tmp_path: Path) -> None:
    # the workers of one home (extract, store, index) start together on a fresh index: each
    # claims it by writing its state file, and none may trip over another's temporary file
    errors: list[BaseException] = []
    for round_ in range(15):
        start = threading.Barrier(4)

        def open_it(
            home: Path = tmp_path / f"index-{round_}", start: threading.Barrier = start
        ) -> None:
            try:
                start.wait()
                SearchIndex(home)
            except Exception as exc:  # reported below, with the others
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
