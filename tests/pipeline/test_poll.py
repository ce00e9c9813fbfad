"""Subscribing and polling against a real publisher on loopback, through the real pipeline."""

from __future__ import annotations

from pathlib import Path

from broadsheet.config import Settings
from broadsheet.pipeline import add_source, open_pipeline, poll_due

from ..publisher import Publisher
from .conftest import page, rss

PARAS = [
    "The harbour authority of Port Wexley said on Tuesday that container volumes rose 12 percent "
    "in May from a year earlier, the fastest pace since the terminal opened.",
    "“We have not seen traffic like this in a decade,” said Marta Lindqvist, the authority's "
    "director of operations, adding that two new cranes would arrive in September.",
    "Shipping lines have added weekly calls at the port as trade with northern Europe recovers, "
    "according to figures published by the authority.",
]


def _story(n: int) -> list[str]:
    return [p.replace("Port Wexley", f"Port Wexley {n}") for p in PARAS]


def test_add_feed_one_get_then_conditional_polls(settings: Settings, publisher: Publisher) -> None:
    base = publisher.base
    items = [(f"g{i}", f"Harbour story {i}", f"/story/{i}.html") for i in range(3)]
    publisher.static("/feed.xml", rss(base, items), "application/rss+xml", etag='"v1"')
    for _, title, path in items:
        publisher.static(path, page(title, _story(int(path[7]))), "text/html; charset=utf-8")
    with open_pipeline(settings, enrich=False) as pipe:
        sources = add_source(pipe, f"{base}/feed.xml")
        assert [s.kind for s in sources] == ["feed"]
        assert sum(1 for p, _ in publisher.hits if p == "/feed.xml") == 1  # one GET when added
        assert pipe.store.count_articles() == 3
        assert sources[0].etag == '"v1"'
        for _ in range(20):
            outcomes = poll_due(pipe, force=True)
            assert [o.status for o in outcomes] == ["not-modified"]
        feed_statuses = [s for p, s in publisher.hits if p == "/feed.xml"][1:]
        assert feed_statuses.count(304) / len(feed_statuses) >= 0.95
        assert pipe.store.count_articles() == 3
        hits = pipe.index.search("container volumes").hits if pipe.index else []
        assert len(hits) == 3


def test_broken_sources_never_stop_the_batch(settings: Settings, publisher: Publisher) -> None:
    base = publisher.base
    publisher.static(
        "/good.xml", rss(base, [("a", "Good story", "/a.html")]), "application/rss+xml"
    )
    publisher.static("/a.html", page("Good story", _story(1)), "text/html")
    publisher.static("/garbage.xml", b"\x00\x01 this is not a feed <<<", "application/rss+xml")
    publisher.routes["/down.xml"] = lambda h: (500, {"Content-Type": "text/plain"}, b"oops")
    with open_pipeline(settings, enrich=False) as pipe:
        for path in ("/good.xml", "/garbage.xml", "/down.xml"):
            pipe.store.add_source(f"{base}{path}", "feed")
        outcomes = {o.url.rsplit("/", 1)[1]: o for o in poll_due(pipe)}
        assert outcomes["good.xml"].status == "ok" and outcomes["good.xml"].new == 1
        assert outcomes["garbage.xml"].status == "error"
        assert outcomes["down.xml"].status == "error"
        by_url = {s.url.rsplit("/", 1)[1]: s for s in pipe.store.list_sources()}
        assert by_url["down.xml"].last_error and "500" in by_url["down.xml"].last_error
        assert by_url["down.xml"].error_count == 1
        assert by_url["garbage.xml"].last_error
        # failing sources are not due again at once: backoff scheduled them later
        last = by_url["down.xml"].last_fetch_at
        assert last is not None
        assert pipe.store.due_sources(last) == []


def test_broken_parse_never_overwrites_good_entries(
    settings: Settings, publisher: Publisher
) -> None:
    base = publisher.base
    publisher.static(
        "/feed.xml", rss(base, [("a", "Harbour story", "/a.html")]), "application/rss+xml"
    )
    publisher.static("/a.html", page("Harbour story", _story(1)), "text/html")
    with open_pipeline(settings, enrich=False) as pipe:
        add_source(pipe, f"{base}/feed.xml")
        (before,) = list(pipe.store.iter_articles())
        # the feed breaks (truncated mid-item) and the page now serves junk
        publisher.static(
            "/feed.xml", rss(base, [("a", "Harbour story", "/a.html")])[:150], "application/rss+xml"
        )
        publisher.static("/a.html", b"<html><body></body></html>", "text/html")
        poll_due(pipe, force=True)
        (after,) = list(pipe.store.iter_articles())
        assert (after.id, after.version, after.body) == (before.id, before.version, before.body)


def test_page_that_advertises_a_feed_subscribes_to_the_feed(
    settings: Settings, publisher: Publisher
) -> None:
    base = publisher.base
    publisher.static(
        "/",
        (
            b"<html><head><link rel='alternate' type='application/rss+xml' "
            b"href='/feed.xml'></head><body>Home</body></html>"
        ),
        "text/html",
    )
    publisher.static("/feed.xml", rss(base, []), "application/rss+xml")
    with open_pipeline(settings, enrich=False) as pipe:
        (source,) = add_source(pipe, f"{base}/")
        assert source.kind == "feed" and source.url == f"{base}/feed.xml"


def test_loopback_is_refused_without_the_allowlist(tmp_path: Path, publisher: Publisher) -> None:
    from broadsheet.config import load_settings
    from broadsheet.errors import BlockedURLError

    publisher.static("/feed.xml", rss(publisher.base, []), "application/rss+xml")
    strict = load_settings(None, {"home": tmp_path / "strict"})
    with open_pipeline(strict, enrich=False) as pipe:
        try:
            add_source(pipe, f"{publisher.base}/feed.xml")
        except BlockedURLError:
            pass
        else:
            raise AssertionError("a loopback feed was fetched without being allowed")
    assert publisher.hits == []


def _atom(base: str, updated: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Harbour desk</title><id>{base}/atom</id><updated>{updated}</updated>"
        f"<entry><title>Harbour story</title><id>tag:harbour,2008:1</id>"
        f'<link href="{base}/a.html"/><published>2008-06-03T14:00:00Z</published>'
        f"<updated>{updated}</updated></entry></feed>"
    ).encode()


def test_an_entry_updated_in_the_feed_becomes_a_new_version(
    settings: Settings, publisher: Publisher
) -> None:
    base = publisher.base
    publisher.static("/atom.xml", _atom(base, "2008-06-03T14:00:00Z"), "application/atom+xml")
    publisher.static("/a.html", page("Harbour story", _story(1)), "text/html")
    with open_pipeline(settings, enrich=False) as pipe:
        add_source(pipe, f"{base}/atom.xml")
        poll_due(pipe, force=True)  # nothing changed: the page is not fetched again
        assert sum(1 for p, _ in publisher.hits if p == "/a.html") == 1
        corrected = [*_story(1)[:2], "Correction: an earlier version misstated the volumes."]
        publisher.static("/a.html", page("Harbour story", corrected), "text/html")
        publisher.static("/atom.xml", _atom(base, "2099-01-01T00:00:00Z"), "application/atom+xml")
        poll_due(pipe, force=True)
        (art,) = list(pipe.store.iter_articles())
        assert art.version == 2 and "Correction" in art.body
