"""The demo wire, end to end on a short replay: stories arrive over loopback, are fetched,
extracted (HTML and text dumps), enriched, stored, clustered, indexed, and sit on charts."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from broadsheet.config import Settings
from broadsheet.demo.newswire import ANALYSTS, ECONOMISTS, generate_wire
from broadsheet.demo.run import DemoReport, run_demo


def test_wire_is_deterministic_and_multi_outlet() -> None:
    a = generate_wire(date(2008, 1, 1), date(2008, 12, 31), seed=3, max_events=10)
    b = generate_wire(date(2008, 1, 1), date(2008, 12, 31), seed=3, max_events=10)
    assert [(s.id, s.headline, s.paragraphs) for s in a] == [
        (s.id, s.headline, s.paragraphs) for s in b
    ]
    per_event = Counter(s.event_key for s in a)
    assert min(per_event.values()) >= 2  # every event is reported by several outlets
    assert {s.outlet.style for s in a} == {"html", "text"}


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, DemoReport]:
    from broadsheet.config import load_settings

    home = tmp_path_factory.mktemp("demo")
    settings = load_settings(None, {"home": home})
    report = run_demo(
        settings,
        start=date(2008, 1, 1),
        end=date(2008, 3, 31),
        seed=5,
        steps=3,
        max_events=5,
        enrich=True,
        say=lambda _line: None,
    )
    return settings, report


def test_stories_arrive_over_the_replay(replayed: tuple[Settings, DemoReport]) -> None:
    _settings, report = replayed
    assert report.stories_published == report.articles_stored  # each story once, none lost
    assert report.new_per_step[0] > 0 and sum(report.new_per_step[1:]) > 0  # arrived later too
    assert report.not_modified == report.sources  # nothing new: every feed answered 304


def test_stored_stories_are_read_like_an_analyst(replayed: tuple[Settings, DemoReport]) -> None:
    from broadsheet.search import SearchIndex
    from broadsheet.store import open_store

    settings, _ = replayed
    store = open_store(settings.database)
    try:
        articles = list(store.iter_articles())
        wire = {
            s.headline
            for s in generate_wire(date(2008, 1, 1), date(2008, 3, 31), seed=5, max_events=5)
        }
        assert {a.headline for a in articles} == wire  # HTML pages and text dumps alike
        for art in articles:
            assert "cookie" not in art.body.lower() and "Subscribe" not in art.body
        clusters = Counter(a.story_id for a in articles)
        assert max(clusters.values()) >= 2  # outlets' reports of one event join one story
        names = {n for n, *_ in ANALYSTS + ECONOMISTS}
        speakers = {q.speaker for a in articles for q in store.get_annotations(a.id).quotes}
        assert speakers & names
        kinds = {q.kind for a in articles for q in store.get_annotations(a.id).quotes}
        assert {"direct", "indirect"} <= kinds
        assert any(store.get_annotations(a.id).facts for a in articles)
    finally:
        store.close()
    index = SearchIndex(settings.index_dir)
    assert index.search('"federal funds rate"').total >= 2
    assert index.search("ticker:AAPL OR ticker:GOOG OR ticker:MSFT OR ticker:IBM").total >= 1


def test_prices_and_markers_for_charts(replayed: tuple[Settings, DemoReport]) -> None:
    from broadsheet.store import open_store

    settings, _ = replayed
    store = open_store(settings.database)
    try:
        assert len(store.get_bars("AAPL", "2008-01-01", "2008-12-31")) > 200
        tagged = [
            t
            for tk in ("AAPL", "GOOG", "MSFT", "IBM")
            for t in store.articles_for_ticker(tk, None, None)
        ]
        assert tagged
    finally:
        store.close()
