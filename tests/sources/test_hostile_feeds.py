"""Issue 13 on feeds: inputs that froze, crashed or spoofed parse_feed, and their fixes."""

from __future__ import annotations

import contextlib
import json

import pytest

from broadsheet.errors import FeedParseError, SourceError
from broadsheet.sources import parse_feed, read_opml
from broadsheet.sources.xmltext import MAX_DECLARATIONS, screen_doctype_entities

from ..hang_guard import cpu_seconds, finishes

ITEM = "<item><title>Kept item</title><link>https://safe.example/1</link></item>"
RSS = f'<rss version="2.0"><channel><title>Wire</title>{ITEM}</channel></rss>'
ESCAPE = "\x1b]0;pwned\x07"


def test_issue13_1_sixty_empty_comments_before_a_feed() -> None:
    """The HTML sniff backtracked exponentially: 24 comments took 10 s, 60 would take ages."""
    body = ("<!---->" * 60 + RSS).encode()
    feed, cpu = cpu_seconds(lambda: parse_feed(body))
    assert cpu < 0.5  # the issue's bound, in CPU seconds of the parsing thread
    assert [e.title for e in feed.entries] == ["Kept item"]


@pytest.mark.parametrize("comment", ["<!---->", "<!-- x -->\n", "<!---- -- -->"])
def test_issue13_1_comments_before_a_page_still_mean_a_page(comment: str) -> None:
    body = (comment * 60 + "<!DOCTYPE html><html><body><p>Home</p></body></html>").encode()
    with pytest.raises(FeedParseError, match="HTML page"):
        finishes(lambda: parse_feed(body))


@pytest.mark.parametrize(
    "subset",
    [
        "<!ENTITY a SYSTEM " * 20_000,  # every declaration scanned to the end: 43 s
        "<!ENTITY a SYSTEM" + " " * 50_000,  # [^>]*\s*> over a run of spaces: 3 s
        '<!ENTITY a "' * 50_000,
        "<!ENTITY a 'b'>" * 50_000,
        "[" * 1_000_000,
    ],
    ids=["system-repeated", "system-spaces", "open-quotes", "many-declarations", "brackets"],
)
def test_issue13_1_doctype_screening_reads_each_character_once(subset: str) -> None:
    document = f"<?xml version='1.0'?><!DOCTYPE rss [{subset}]>{RSS}"
    screened, _problems, kept = finishes(lambda: screen_doctype_entities(document))
    assert len(kept) <= 1
    assert len(screened) <= len(document)
    with contextlib.suppress(FeedParseError):  # an unterminated DOCTYPE leaves no feed
        finishes(lambda: parse_feed(document.encode()))


def test_issue13_1_only_the_first_declarations_are_read() -> None:
    subset = "".join(f'<!ENTITY e{i} SYSTEM "x">' for i in range(MAX_DECLARATIONS * 3))
    _screened, problems, kept = screen_doctype_entities(f"<!DOCTYPE rss [{subset}]><rss/>")
    assert kept == frozenset()
    assert f"{MAX_DECLARATIONS * 3} external" in problems[0]  # all counted, none expanded


def test_issue13_5_feed_and_entry_titles_lose_control_characters() -> None:
    body = (
        f'<rss version="2.0"><channel><title>Wire{ESCAPE}</title>'
        f"<item><title>Head{ESCAPE}line\x00\x9b</title><description>Sum\x1b[2Jmary</description>"
        "</item></channel></rss>"
    ).encode()
    feed = parse_feed(body)
    assert feed.title == "Wire]0;pwned"
    (entry,) = feed.entries
    assert entry.title is not None and entry.summary is not None
    assert "\x1b" not in entry.title + entry.summary and "\x07" not in entry.title


def test_issue13_5_json_feed_fields_lose_control_characters() -> None:
    feed = parse_feed(
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": f"Desk{ESCAPE}",
                "items": [
                    {
                        "id": "1",
                        "title": f"Copper{ESCAPE} rally",
                        "content_text": "Body\x1b[31m text\x85.",
                        "authors": [{"name": f"Ann{ESCAPE}"}],
                    }
                ],
            }
        ).encode()
    )
    (entry,) = feed.entries
    values = [feed.title, entry.title, entry.content_html, entry.author]
    assert all(v is not None and "\x1b" not in v and "\x07" not in v for v in values)
    assert entry.title == "Copper]0;pwned rally"


def test_issue13_12_html_titles_are_decoded_once() -> None:
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">Metals &amp;amp; mining'
        b'</title><entry><id>1</id><title type="html">Copper &amp;amp; zinc &lt;b&gt;up&lt;/b&gt;'
        b"</title></entry></feed>"
    )
    feed = parse_feed(body)
    assert feed.title == "Metals & mining"
    assert feed.entries[0].title == "Copper & zinc up"


def test_issue13_1_opml_with_a_hostile_doctype_finishes() -> None:
    subset = "<!ENTITY a SYSTEM " * 20_000
    document = f'<!DOCTYPE opml [{subset}]><opml><body><outline xmlUrl="https://a.example/f"/>'
    with pytest.raises(SourceError, match="not an OPML file"):  # the DOCTYPE never ends
        finishes(lambda: read_opml(document.encode()))
