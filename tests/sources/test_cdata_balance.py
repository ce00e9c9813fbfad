"""An unclosed CDATA section parses without complaint in feedparser but swallows the items
after it: it must be reported as a problem, so the pipeline never trusts that parse."""

from __future__ import annotations

from broadsheet.sources import parse_feed

ITEM = (
    "<item><title>Story {n}</title><guid>g{n}</guid><link>https://x.example/{n}</link>"
    "<description><![CDATA[<p>Body of story {n}, long enough to matter.</p>]]></description>"
    "</item>"
)


def _feed(items: str) -> bytes:
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
    ).encode()


def test_balanced_feed_has_no_problems() -> None:
    feed = parse_feed(_feed("".join(ITEM.format(n=n) for n in range(3))))
    assert feed.problems == () and len(feed.entries) == 3


def test_unclosed_cdata_is_a_problem() -> None:
    items = "".join(ITEM.format(n=n) for n in range(3)).replace("]]>", "", 1)
    feed = parse_feed(_feed(items))
    assert any("CDATA" in p for p in feed.problems)
