"""parse_feed on hand-written RSS, Atom and JSON Feed documents; scenario 8 (charsets)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from broadsheet.errors import FeedParseError
from broadsheet.sources import parse_feed

RSS20 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Harbour Ledger</title>
    <link>https://ledger.example/</link>
    <description>Shipping and port news</description>
    <item>
      <title>Crane operators vote to end the dock strike</title>
      <link>https://ledger.example/2026/11/crane-vote</link>
      <guid isPermaLink="false">ledger-4411</guid>
      <pubDate>Fri, 27 Nov 2026 18:30:00 +0100</pubDate>
      <dc:creator>Mara Quist</dc:creator>
      <description>Union members backed the deal by a wide margin.</description>
      <content:encoded><![CDATA[<p>Union members backed the deal.</p>
        <p>Ships resume loading on Monday.</p>]]></content:encoded>
    </item>
    <item>
      <title>Toll on the northern canal rises 4%</title>
      <link>/2026/11/canal-toll</link>
      <pubDate>not a date at all</pubDate>
    </item>
  </channel>
</rss>
"""

RSS10 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://grain.example/">
    <title>Grain Desk</title>
    <link>https://grain.example/</link>
    <items><rdf:Seq><rdf:li resource="https://grain.example/wheat"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://grain.example/wheat">
    <title>Wheat futures slip after rain</title>
    <link>https://grain.example/wheat</link>
    <dc:date>2026-11-26T07:15:00Z</dc:date>
  </item>
</rdf:RDF>
"""

RSS091 = """<?xml version="1.0"?>
<rss version="0.91"><channel><title>Old Wire</title><link>http://old.example/</link>
<item><title>Telegraph lines restored</title><link>http://old.example/1</link></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Metals Morning</title>
  <link href="https://metals.example/"/>
  <updated>2026-11-28T06:00:00Z</updated>
  <entry>
    <title type="html">Copper &amp;amp; zinc at two-year highs</title>
    <id>tag:metals.example,2026:copper-zinc</id>
    <link rel="alternate" href="https://metals.example/copper-zinc"/>
    <published>2026-11-28T05:45:00-05:00</published>
    <updated>2026-11-28T06:10:00Z</updated>
    <author><name>Ivo Brand</name></author>
    <summary>Smelter outages tightened supply.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Smelter outages in two
      provinces tightened supply.</p><script>alert(1)</script></div></content>
  </entry>
  <entry>
    <title>Only an update date</title>
    <id>urn:uuid:5b1c9a0e-0000-4000-8000-000000000001</id>
    <updated>2026-11-27T12:00:00+02:00</updated>
    <content type="text">Plain &lt;text&gt; content</content>
  </entry>
</feed>
"""

JSON11 = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Rates Radio",
    "home_page_url": "https://rates.example/",
    "authors": [{"name": "Desk"}],
    "items": [
        {
            "id": "r-1",
            "url": "https://rates.example/r-1",
            "title": "Central bank holds at 3.25%",
            "content_html": "<p>The bank held rates.</p>",
            "date_published": "2026-11-25T14:00:00+01:00",
            "date_modified": "2026-11-25T15:00:00Z",
            "authors": [{"name": "Lena Okafor"}, {"name": "Tom Reyes"}],
        },
        {"id": 2, "content_text": "First paragraph.\n\nSecond <b>paragraph</b>."},
        {"id": "r-3", "title": "bad date", "date_published": "yesterday-ish"},
        "not an object",
    ],
}

JSON10 = {
    "version": "https://jsonfeed.org/version/1",
    "title": "Old JSON",
    "author": {"name": "Feed Author"},
    "items": [{"id": "a", "summary": "s", "date_published": "2026-01-02T03:04:05"}],
}


def test_rss20_fields() -> None:
    feed = parse_feed(RSS20.encode(), url="https://ledger.example/rss")
    assert (feed.title, feed.link, feed.format) == (
        "Harbour Ledger",
        "https://ledger.example/",
        "rss20",
    )
    first, second = feed.entries
    assert first.guid == "ledger-4411"
    assert first.link == "https://ledger.example/2026/11/crane-vote"
    assert first.title == "Crane operators vote to end the dock strike"
    assert first.published_at == datetime(2026, 11, 27, 17, 30, tzinfo=UTC)
    assert first.author == "Mara Quist"
    assert first.summary == "Union members backed the deal by a wide margin."
    assert first.content_html is not None and "Ships resume loading" in first.content_html
    assert second.link == "https://ledger.example/2026/11/canal-toll"  # resolved against the URL
    assert second.published_at is None
    assert second.content_html is None


def test_rss10_and_rss091() -> None:
    rdf = parse_feed(RSS10.encode())
    assert rdf.format == "rss10"
    assert rdf.entries[0].published_at == datetime(2026, 11, 26, 7, 15, tzinfo=UTC)
    old = parse_feed(RSS091.encode())
    assert old.format is not None and old.format.startswith("rss09")
    assert old.entries[0].title == "Telegraph lines restored"


def test_atom_fields() -> None:
    feed = parse_feed(ATOM.encode())
    assert feed.format == "atom10"
    first, second = feed.entries
    assert first.title == "Copper & zinc at two-year highs"  # the markup's text, decoded once
    assert first.guid == "tag:metals.example,2026:copper-zinc"
    assert first.published_at == datetime(2026, 11, 28, 10, 45, tzinfo=UTC)
    assert first.updated_at == datetime(2026, 11, 28, 6, 10, tzinfo=UTC)
    assert first.author == "Ivo Brand"
    assert first.content_html is not None and "Smelter outages" in first.content_html
    assert "<script" not in first.content_html  # feedparser's sanitizer ran
    assert second.published_at is None  # no invented dates...
    assert second.updated_at == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # ...but the real one
    assert second.content_html == "<p>Plain &lt;text&gt; content</p>"


def test_every_date_is_aware_utc() -> None:
    for document in (RSS20, RSS10, ATOM):
        for entry in parse_feed(document.encode()).entries:
            for value in (entry.published_at, entry.updated_at):
                assert value is None or value.utcoffset() is not None
                assert value is None or value.tzinfo == UTC


def test_json_feed_11() -> None:
    feed = parse_feed(json.dumps(JSON11).encode())
    assert (feed.title, feed.link, feed.format) == (
        "Rates Radio",
        "https://rates.example/",
        "json11",
    )
    assert len(feed.entries) == 3
    first, second, third = feed.entries
    assert first.published_at == datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
    assert first.updated_at == datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    assert first.author == "Lena Okafor, Tom Reyes"
    assert first.content_html == "<p>The bank held rates.</p>"
    assert second.guid == "2"
    assert second.author == "Desk"  # the feed's author stands in
    assert (
        second.content_html == "<p>First paragraph.</p><p>Second &lt;b&gt;paragraph&lt;/b&gt;.</p>"
    )
    assert third.published_at is None
    assert any("yesterday-ish" in p for p in feed.problems)
    assert any("item 3 is not an object" in p for p in feed.problems)


def test_json_feed_10_with_bom_and_naive_date() -> None:
    feed = parse_feed(b"\xef\xbb\xbf  " + json.dumps(JSON10).encode())
    assert feed.format == "json10"
    entry = feed.entries[0]
    assert entry.author == "Feed Author"
    assert entry.published_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert any("no time zone" in p for p in feed.problems)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"   \n\t", "empty"),
        (b"just some words", "not a feed"),
        (b"<!DOCTYPE html><html><head><title>Shop</title></head><body>hi</body></html>", "HTML"),
        (b"<html><body><p>no feed here</p></body></html>", "discover_feeds"),
        (b"<note><to>someone</to></note>", "not a feed"),
        (b'{"name": "not a feed"}', "not a JSON Feed"),
        (b"[1, 2, 3]", "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "not valid JSON"),
        (b"\x00\x01\x02\x03", "not a feed"),
    ],
)
def test_not_a_feed_raises(body: bytes, message: str) -> None:
    with pytest.raises(FeedParseError, match=message):
        parse_feed(body, url="https://site.example/x")


def test_ill_formed_feed_still_yields_entries_and_problems() -> None:
    broken = b"""<rss version="2.0"><channel><title>Half & half</title>
    <item><title>Unclosed &nbsp; entity and <b>tag</title><link>https://x.example/1</link></item>
    <item><title>Second</title></item>"""
    feed = parse_feed(broken)
    assert [e.title for e in feed.entries][1] == "Second"
    assert "Unclosed" in (feed.entries[0].title or "")
    assert feed.problems


def test_feedparser_never_opens_a_path_given_as_bytes(tmp_path: object) -> None:
    """feedparser.parse(bytes) would open() a file of that name; parse_feed must not."""
    with pytest.raises(FeedParseError):
        parse_feed(b"/etc/passwd")
    with pytest.raises(FeedParseError):
        parse_feed(b"/etc/hostname")


# --------------------------------------------------------------------------- scenario 8


def _rss(title: str, prolog: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return (
        f'{prolog}\n<rss version="2.0"><channel><title>{title}</title>'
        f"<item><title>{title}</title></item></channel></rss>"
    )


CP1252_TEXT = "“Smart” quotes — and a price of €5 in Zürich"
RUSSIAN = "Рынок акций вырос на три процента"
MIXED = "Café crème, naïve coöperation"


@pytest.mark.parametrize(
    ("body", "charset", "expected"),
    [
        # windows-1252 bytes under a prolog that claims UTF-8
        (_rss(CP1252_TEXT).encode("cp1252"), None, CP1252_TEXT),
        # ... or claims ISO-8859-1 (whose C1 range is really windows-1252 in the wild)
        (
            _rss(CP1252_TEXT, '<?xml version="1.0" encoding="iso-8859-1"?>').encode("cp1252"),
            None,
            CP1252_TEXT,
        ),
        # KOI8-R, declared in the prolog
        (_rss(RUSSIAN, '<?xml version="1.0" encoding="koi8-r"?>').encode("koi8-r"), None, RUSSIAN),
        # KOI8-R, declared only by HTTP
        (_rss(RUSSIAN, '<?xml version="1.0"?>').encode("koi8-r"), "koi8-r", RUSSIAN),
        # HTTP charset beats a wrong prolog
        (
            _rss(RUSSIAN, '<?xml version="1.0" encoding="utf-8"?>').encode("koi8-r"),
            "KOI8-R",
            RUSSIAN,
        ),
        # windows-1251 undeclared: enough text for statistics
        (_rss(RUSSIAN * 3, '<?xml version="1.0"?>').encode("cp1251"), None, RUSSIAN * 3),
        (_rss(RUSSIAN * 3, '<?xml version="1.0"?>').encode("koi8-r"), None, RUSSIAN * 3),
        (_rss(CP1252_TEXT * 4, "").encode("cp1252"), None, CP1252_TEXT * 4),
        # UTF-16 with and without a BOM
        (_rss(MIXED, '<?xml version="1.0" encoding="utf-16"?>').encode("utf-16"), None, MIXED),
        (
            _rss(MIXED, '<?xml version="1.0" encoding="utf-16"?>').encode("utf-16-le"),
            None,
            MIXED,
        ),
        # UTF-8 with a BOM and no prolog
        (b"\xef\xbb\xbf" + _rss(MIXED, "").encode("utf-8"), None, MIXED),
        # UTF-8 with the C1 forms of windows-1252 punctuation ("demoronize")
        (_rss("don\u0092t").encode("utf-8"), None, "don’t"),
    ],
    ids=[
        "cp1252-wrong-utf8-prolog",
        "cp1252-latin1-prolog",
        "koi8r-prolog",
        "koi8r-http",
        "http-beats-prolog",
        "cp1251-undeclared",
        "koi8r-undeclared",
        "cp1252-undeclared-long",
        "utf16-bom",
        "utf16le-no-bom",
        "utf8-bom",
        "c1-controls",
    ],
)
def test_scenario_8_text_is_the_expected_unicode(
    body: bytes, charset: str | None, expected: str
) -> None:
    feed = parse_feed(body, charset=charset)
    assert feed.title == expected
    assert feed.entries[0].title == expected


def test_scenario_8_invalid_utf8_keeps_the_valid_text() -> None:
    body = _rss(MIXED).encode("utf-8").replace("crème".encode(), b"cr\xe8me")  # one stray byte
    feed = parse_feed(body)
    assert feed.title == MIXED.replace("crème", "cr\ufffdme")
    assert any("invalid UTF-8" in p for p in feed.problems)


def test_scenario_8_override_is_reported() -> None:
    feed = parse_feed(_rss(CP1252_TEXT).encode("cp1252"))
    assert any("encoding override" in p for p in feed.problems)
