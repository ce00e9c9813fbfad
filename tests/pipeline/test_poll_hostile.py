"""Issue 13, items 2 and 3: a hostile source becomes that source's error, and feed discovery
is bounded, against a real publisher on loopback."""

from __future__ import annotations

import gzip

import pytest

from broadsheet.config import Settings
from broadsheet.errors import SourceError
from broadsheet.pipeline import add_source, open_pipeline, poll_due

from ..hang_guard import finishes
from ..publisher import Publisher
from .conftest import page, rss

STORY = [
    "The harbour authority of Port Wexley said on Tuesday that container volumes rose 12 "
    "percent in May from a year earlier, the fastest pace since the terminal opened.",
    "Shipping lines have added weekly calls at the port as trade with northern Europe "
    "recovers, according to figures published by the authority.",
]


def test_issue13_2_a_thousand_content_codings_are_one_sources_error(
    settings: Settings, publisher: Publisher
) -> None:
    base = publisher.base
    body = gzip.compress(rss(base, [("b", "Bomb", "/b.html")]))
    publisher.routes["/stacked.xml"] = lambda h: (
        200,
        {"Content-Type": "application/rss+xml", "Content-Encoding": ", ".join(["gzip"] * 1000)},
        body,
    )
    publisher.static("/good.xml", rss(base, [("a", "Good", "/a.html")]), "application/rss+xml")
    publisher.static("/a.html", page("Harbour volumes rise", STORY), "text/html")
    with open_pipeline(settings, enrich=False) as pipe:
        for path in ("/stacked.xml", "/good.xml"):
            pipe.store.add_source(f"{base}{path}", "feed")
        outcomes = {o.url.rsplit("/", 1)[1]: o for o in finishes(lambda: poll_due(pipe))}
        assert outcomes["stacked.xml"].status == "error"
        assert outcomes["good.xml"].status == "ok" and outcomes["good.xml"].new == 1
        by_url = {s.url.rsplit("/", 1)[1]: s for s in pipe.store.list_sources()}
        error = by_url["stacked.xml"].last_error or ""
        assert "1000 stacked Content-Encodings refused" in error
        assert "RecursionError" not in error
        assert by_url["stacked.xml"].error_count == 1
        assert by_url["good.xml"].last_error is None


def test_issue13_2_two_codings_still_decode(settings: Settings, publisher: Publisher) -> None:
    base = publisher.base
    body = gzip.compress(gzip.compress(rss(base, [("a", "Good", "/a.html")])))
    publisher.routes["/twice.xml"] = lambda h: (
        200,
        {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip, gzip"},
        body,
    )
    publisher.static("/a.html", page("Harbour volumes rise", STORY), "text/html")
    with open_pipeline(settings, enrich=False) as pipe:
        pipe.store.add_source(f"{base}/twice.xml", "feed")
        (outcome,) = poll_due(pipe)
        assert (outcome.status, outcome.new) == ("ok", 1)


def _advertising(path: str, targets: list[str]) -> bytes:
    links = "".join(
        f"<link rel='alternate' type='application/rss+xml' href='{t}'>" for t in targets
    )
    return f"<html><head>{links}</head><body><p>{path}</p></body></html>".encode()


def test_issue13_3_a_page_advertising_itself_and_fresh_pages(
    settings: Settings, publisher: Publisher
) -> None:
    """Every page advertises itself and two fresh pages: 3^n requests, or RecursionError."""
    for n in range(200):
        path = f"/p{n}"
        publisher.static(
            path, _advertising(path, [path, f"/p{2 * n + 1}", f"/p{2 * n + 2}"]), "text/html"
        )
    with open_pipeline(settings, enrich=False) as pipe:
        with pytest.raises(SourceError) as info:
            finishes(lambda: add_source(pipe, f"{publisher.base}/p0"))
        assert "no feed found" in str(info.value)
        assert f"{publisher.base}/p1 is not a feed" in str(info.value)
        assert len(publisher.hits) <= 4
        assert pipe.store.list_sources() == []  # nothing half-subscribed


def test_issue13_3_advertised_feeds_are_still_subscribed(
    settings: Settings, publisher: Publisher
) -> None:
    base = publisher.base
    publisher.static("/", _advertising("/", ["/", "/loop", "/feed.xml"]), "text/html")
    publisher.static("/loop", _advertising("/loop", ["/loop", "/"]), "text/html")
    publisher.static("/feed.xml", rss(base, []), "application/rss+xml")
    with open_pipeline(settings, enrich=False) as pipe:
        (source,) = add_source(pipe, f"{base}/")
        assert (source.kind, source.url) == ("feed", f"{base}/feed.xml")
        assert len(publisher.hits) == 3
