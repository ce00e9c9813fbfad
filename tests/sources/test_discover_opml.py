"""Feed discovery in HTML pages, and OPML reading/writing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broadsheet.errors import SourceError
from broadsheet.models import Source
from broadsheet.sources import OpmlOutline, discover_feeds, read_opml, write_opml

# --------------------------------------------------------------------------- discovery

PAGE = """<!DOCTYPE html>
<html><head>
  <title>Port Authority News</title>
  <link rel="stylesheet" href="/site.css">
  <link rel="alternate" type="application/rss+xml" title="All news" href="/rss/all.xml">
  <link rel="Alternate" type="application/atom+xml; charset=utf-8" href="atom">
  <link rel="alternate" type="application/feed+json" href="https://cdn.example/feed.json">
  <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
  <link rel="alternate" type="application/rss+xml" href="/rss/all.xml">
  <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
</head><body>
  <a href="/blog/feed/">Blog feed</a>
</body></html>
"""


def test_link_alternates_first_resolved_and_deduplicated() -> None:
    assert discover_feeds(PAGE, "https://port.example/news/today") == [
        "https://port.example/rss/all.xml",
        "https://port.example/news/atom",
        "https://cdn.example/feed.json",
    ]


def test_base_href_is_honoured() -> None:
    page = (
        '<html><head><base href="https://static.example/s/">'
        '<link rel="alternate" type="application/atom+xml" href="a.xml"></head></html>'
    )
    assert discover_feeds(page.encode(), "https://www.example/") == [
        "https://static.example/s/a.xml"
    ]


@pytest.mark.parametrize(
    ("anchors", "expected"),
    [
        ('<a href="/feed/">x</a>', ["https://site.example/feed/"]),
        ('<a href="/news/rss.xml">x</a>', ["https://site.example/news/rss.xml"]),
        ('<a href="https://other.example/index.atom">x</a>', ["https://other.example/index.atom"]),
        ('<a href="/syndication">RSS</a>', ["https://site.example/syndication"]),
        ('<a href="feed://site.example/rss">x</a>', ["http://site.example/rss"]),
        ('<a href="/about">About</a><a href="/feedback">Feedback</a>', []),
        ('<a href="mailto:rss@site.example">rss</a>', []),
    ],
)
def test_anchor_heuristics(anchors: str, expected: list[str]) -> None:
    page = f"<html><body>{anchors}</body></html>"
    assert discover_feeds(page, "https://site.example/") == expected


@pytest.mark.parametrize("page", ["", b"", "   ", b"\x00\xff\xfe", "<html>"])
def test_empty_or_junk_pages_give_nothing(page: str | bytes) -> None:
    assert discover_feeds(page, "https://site.example/") == []


def test_generic_xml_alternates_come_after_specific_ones() -> None:
    page = """<head><link rel="alternate" type="text/xml" href="/old.xml">
    <link rel="alternate" type="application/rss+xml" href="/new.rss"></head>"""
    assert discover_feeds(page, "https://s.example/") == [
        "https://s.example/new.rss",
        "https://s.example/old.xml",
    ]


# --------------------------------------------------------------------------- OPML

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My reading</title></head>
  <body>
    <outline text="Markets">
      <outline text="Metals Morning" type="rss" xmlUrl="https://metals.example/feed"
               htmlUrl="https://metals.example/"/>
      <outline title="Rates" text="ignored when a title exists">
        <outline text="Rates Radio" type="rss" xmlUrl="https://rates.example/feed.json"/>
      </outline>
    </outline>
    <outline text="Harbour Ledger" type="rss" xmlUrl="https://ledger.example/rss?a=1&amp;b=2"/>
    <outline text="Tagged" xmlUrl="https://tagged.example/rss" category="/World/Europe,/Other"/>
    <outline text="Duplicate" xmlUrl="https://metals.example/feed"/>
    <outline text="Just a link" type="link" url="https://page.example/"/>
  </body>
</opml>
"""


def test_read_opml_with_categories() -> None:
    assert read_opml(OPML) == [
        OpmlOutline(
            "https://metals.example/feed", "Metals Morning", "https://metals.example/", "Markets"
        ),
        OpmlOutline("https://rates.example/feed.json", "Rates Radio", None, "Markets/Rates"),
        OpmlOutline("https://ledger.example/rss?a=1&b=2", "Harbour Ledger", None, None),
        OpmlOutline("https://tagged.example/rss", "Tagged", None, "World/Europe"),
    ]


def test_opml_round_trip() -> None:
    now = datetime(2026, 11, 29, tzinfo=UTC)
    sources = [
        Source(
            1, "https://metals.example/feed", "feed", title="Metals <Morning> & Co", added_at=now
        ),
        Source(2, "https://ledger.example/rss?a=1&b=2", "feed"),
        Source(3, "https://page.example/story", "page", title="A page"),
    ]
    text = write_opml(sources, title="Desk & friends")
    assert text.startswith("<?xml")
    assert "<title>Desk &amp; friends</title>" in text
    outlines = read_opml(text.encode("utf-8"))
    assert [(o.url, o.title) for o in outlines] == [
        ("https://metals.example/feed", "Metals <Morning> & Co"),
        ("https://ledger.example/rss?a=1&b=2", "https://ledger.example/rss?a=1&b=2"),
    ]
    assert 'url="https://page.example/story"' in text  # pages are kept as link outlines


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not an OPML"),
        (b"<html><body/></html>", "root element"),
        (b"<opml version='2.0'><head/></opml>", "no <body>"),
        (b"just text", "not an OPML"),
    ],
)
def test_bad_opml(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        read_opml(data)


def test_sloppy_opml_is_recovered() -> None:
    data = b'<opml><body><outline text="A & B" xmlUrl="https://ab.example/?x=1&y=2"/></body></opml>'
    outlines = read_opml(data)
    assert [o.url for o in outlines] == ["https://ab.example/?x=1&y=2"]
