"""Fuzzing the source parsers: no exception but FeedParseError/SourceError, no input over 2 s."""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadsheet.errors import FeedParseError, SourceError
from broadsheet.models import ParsedFeed
from broadsheet.sources import discover_feeds, parse_feed, read_opml

FUZZ = settings(
    max_examples=150,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow],
)

FRAGMENTS = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<?xml version="1.0" encoding="koi8-r"?>',
    '<?xml version="1.0" encoding="bogus-enc"?>',
    '<rss version="2.0">',
    "</rss>",
    "<channel>",
    "</channel>",
    "<item>",
    "</item>",
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    "</feed>",
    "<entry>",
    "</entry>",
    "<title>",
    "</title>",
    "<link>http://x.example/a</link>",
    '<link href="/rel"/>',
    "<guid>g1</guid>",
    "<pubDate>Mon, 02 Jan 2026 10:00:00 GMT</pubDate>",
    "<pubDate>32 Foo 99999 99:99</pubDate>",
    "<updated>2026-13-45T99:00:00Z</updated>",
    "<description><![CDATA[<p>hi</p>",
    "]]>",
    "</description>",
    "&amp;",
    "&nbsp;",
    "&bogus;",
    "&#0;",
    "&#x110000;",
    "&",
    "<!DOCTYPE rss [",
    '<!ENTITY a "aaaa">',
    '<!ENTITY b "&a;&a;&a;">',
    '<!ENTITY % p SYSTEM "http://127.0.0.1:9/x">',
    "]>",
    "<!--",
    "-->",
    "<script>alert(1)</script>",
    "\x00",
    "\ufeff",
    "é",
    "\u2028",
    "<",
    ">",
    '"',
    "{",
    "}",
]


@st.composite
def xmlish(draw: st.DrawFn) -> bytes:
    pieces = draw(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=40))
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]))
    return "".join(pieces).encode(encoding, errors="replace")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def jsonish(draw: st.DrawFn) -> bytes:
    item = st.dictionaries(
        st.sampled_from(
            [
                "id",
                "url",
                "title",
                "content_html",
                "content_text",
                "summary",
                "date_published",
                "date_modified",
                "authors",
                "author",
                "external_url",
            ]
        ),
        json_values | st.sampled_from(["2026-01-01T00:00:00Z", "2026-99-01", "x"]),
        max_size=8,
    )
    feed = {
        "version": draw(
            st.sampled_from(
                ["https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1", 1, None]
            )
        ),
        "title": draw(json_values),
        "items": draw(st.lists(item, max_size=5) | json_values),
    }
    return json.dumps(feed).encode()


def _check(body: bytes) -> None:
    try:
        result = parse_feed(body, url="http://feeds.example/f")
    except FeedParseError:
        return
    assert isinstance(result, ParsedFeed)
    for entry in result.entries:
        for value in (entry.published_at, entry.updated_at):
            assert value is None or value.utcoffset() is not None


@FUZZ
@given(st.binary(max_size=2000))
def test_parse_feed_random_bytes(body: bytes) -> None:
    _check(body)


@FUZZ
@given(xmlish())
def test_parse_feed_xml_like(body: bytes) -> None:
    _check(body)


@FUZZ
@given(jsonish())
def test_parse_feed_json_like(body: bytes) -> None:
    _check(body)


@FUZZ
@given(xmlish())
def test_read_opml_fuzz(body: bytes) -> None:
    with contextlib.suppress(SourceError):
        read_opml(b"<opml><body>" + body + b"</body></opml>")


@FUZZ
@given(st.text(max_size=500) | xmlish())
def test_discover_feeds_fuzz(page: str | bytes) -> None:
    for url in discover_feeds(page, "https://site.example/a/"):
        assert url.startswith(("http://", "https://"))
