"""Issue 13: a fuzz target for each parser that reads fetched bytes, fed with the shapes that
break parsers -- a piece of syntax repeated thousands of times (the shape of every freeze
in the issue) and deep nesting -- as well as hypothesis' own random data.

Each input must end in the parser's own error or a result, within 2 CPU seconds of its
thread (tests/hang_guard.py: a loaded machine does not inflate them) and within the memory
cap of scenario 6 (50 MiB of peak growth). Parsers: feeds (RSS, Atom, JSON Feed), HTML
extraction and charset sniffing, feed discovery, text dumps, WARC archives, OPML and the
query language.
"""

from __future__ import annotations

import contextlib
import gzip
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from broadsheet.errors import BroadsheetError, ExtractionError, QuerySyntaxError, SourceError
from broadsheet.extract import decode_html, extract_html
from broadsheet.extract.textdump import extract_textdump
from broadsheet.search import parse_query
from broadsheet.sources import discover_feeds, iter_documents, parse_feed, read_opml

from .hang_guard import cpu_seconds

SECONDS = 2.0  # RELIABILITY scenario 10: no input over 2 s
MiB = 1024 * 1024
MEMORY_CAP = 50 * MiB  # RELIABILITY scenario 6
TREE_BYTES = 40  # an HTML tree may cost this much memory per byte of markup on top
FUZZ = settings(
    max_examples=25,
    deadline=None,  # bounded in CPU seconds below, not in wall time
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

FEED_PIECES = [
    "<!---->",
    "<!-- x -->",
    "<!--",
    "-->",
    "<?xml ",
    "<?xml version='1.0'?>",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE rss [",
    "<!ENTITY a SYSTEM ",
    "<!ENTITY a '",
    "<!ENTITY % p ",
    "]>",
    "&",
    "&#",
    "&#x",
    "&amp;",
    "&nbsp;",
    "&a;",
    "<rss>",
    "<channel>",
    "<item>",
    "<title>",
    "<entry>",
    "<feed xmlns='http://www.w3.org/2005/Atom'>",
    "<html>",
    "<meta ",
    "<",
    ">",
    '"',
    "'",
    "[",
    " ",
    "\n",
    "\x00",
    "\x1b",
    "é",
    '{"items": [',
    "{",
    "[",
]
HTML_PIECES = [
    "<div>",
    "<p>",
    "<a href=x>x</a>",
    "<span>",
    "<table><tr><td>",
    "<figure><img src=x>",
    "<figcaption>Photo: AP/",
    "<blockquote class='twitter-tweet'>",
    "<meta ",
    "<meta charset",
    "<meta charset=",
    "<!---->",
    "<script type='application/ld+json'>[",
    "<h1>",
    "<title> - ",
    "<br>",
    "By ",
    "Photo: ",
    "AP/ ",
    "<",
    "&",
    " ",
    "\n",
    "\x01",
    "\x1b[31m",
]
TEXT_PIECES = [
    "a\n",
    "\n",
    " ",
    "By ",
    "By Jane Roe\n",
    "Photo: ",
    "AP/",
    ")",
    ".",
    "[ ",
    "comments ",
    "Share this\n",
    "+1 ",
    "© ",
    "- ",
    "The council said on Tuesday that work went on. ",
    "\x1b",
]
QUERY_PIECES = ["(", ")", "NOT ", "-", '"', "a:", "since:", "headline:", "AND ", "OR ", "x ", " "]
OPML_PIECES = [
    "<outline text='a'>",
    "<outline xmlUrl='https://a.example/f'/>",
    "<!ENTITY a SYSTEM ",
    "&",
    "<!DOCTYPE opml [",
    "<body>",
    "<!---->",
    "<",
    "'",
    " ",
]
WARC_LINES = [b"X-Header: value\r\n", b"X-Long: " + b"a" * 1000, b"\r\n", b"WARC/1.0\r\n", b" "]


@st.composite
def repeated(draw: st.DrawFn, pieces: list[str], most: int = 20_000) -> str:
    """One piece of syntax repeated up to ``most`` times, between random pieces."""
    piece = draw(st.sampled_from(pieces))
    count = draw(st.integers(1, most))
    before = "".join(draw(st.lists(st.sampled_from(pieces), max_size=5)))
    after = "".join(draw(st.lists(st.sampled_from(pieces), max_size=5)))
    return before + piece * count + after


@st.composite
def nested(draw: st.DrawFn, openers: list[str], closers: list[str], inner: str) -> str:
    """Deep nesting: up to 5,000 levels of openers, some text, maybe the closers."""
    depth = draw(st.integers(1, 5_000))
    index = draw(st.integers(0, len(openers) - 1))
    close = closers[index] * depth if draw(st.booleans()) else ""
    return openers[index] * depth + inner + close


def _run(
    call: Callable[[], object], expected: tuple[type[BaseException], ...], tree_of: int = 0
) -> None:
    """Run one parse; ``tree_of`` is the size of markup it builds a tree from, if it does."""
    status = Path("/proc/self/status")
    measure = status.exists()
    if measure:
        with contextlib.suppress(OSError):
            Path("/proc/self/clear_refs").write_text("5")

    def field(name: str) -> int:
        for line in status.read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
        return 0

    before = field("VmRSS") if measure else 0

    def guarded() -> None:
        with contextlib.suppress(*expected):
            call()

    _, cpu = cpu_seconds(guarded)
    assert cpu < SECONDS, f"{cpu:.2f} CPU seconds"
    if measure:
        growth = field("VmHWM") - before
        cap = MEMORY_CAP + TREE_BYTES * tree_of
        assert growth < cap, f"peak RSS grew {growth / MiB:.0f} MiB"


FEEDS = st.one_of(
    repeated(FEED_PIECES),
    nested(["<item>", "<div>", "<![CDATA[", "["], ["</item>", "</div>", "]]>", "]"], "x"),
    st.binary(max_size=4000).map(lambda b: b.decode("latin-1")),
)


@FUZZ
@given(FEEDS, st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_fuzz_feeds(document: str, codec: str) -> None:
    body = document.encode(codec, errors="replace")
    _run(lambda: parse_feed(body, url="http://fuzz.example/f"), (SourceError,))


@FUZZ
@given(st.one_of(repeated(FEED_PIECES), nested(['{"a":['], ["]}"], "1")))
def test_fuzz_json_feeds(document: str) -> None:
    body = ('{"version": "https://jsonfeed.org/version/1.1", "items": [' + document).encode()
    _run(lambda: parse_feed(body), (SourceError,))


PAGES = st.one_of(
    repeated(HTML_PIECES),
    nested(["<div>", "<span>", "<table><tr><td>", "<ul><li>", "<b>"], ["</div>"] * 5, "<p>x</p>"),
)


@FUZZ
@given(PAGES)
def test_fuzz_html_extraction(page: str) -> None:
    body = page.encode()
    _run(lambda: extract_html(body, url="https://fuzz.example/a"), (ExtractionError,), len(body))


@FUZZ
@given(PAGES)
def test_fuzz_charset_sniffing_and_discovery(page: str) -> None:
    body = page.encode()
    _run(lambda: decode_html(body), ())
    _run(lambda: discover_feeds(body, "https://fuzz.example/"), (), len(body))


@FUZZ
@given(st.one_of(repeated(TEXT_PIECES), st.text(max_size=3000)))
# 18,000 short lines: the trees that score them once held a node per line and tree at once
# (175 MiB); they now walk a few hundred lines at a time
@example("Share this\n" * 18_000)
def test_fuzz_text_dumps(text: str) -> None:
    _run(lambda: extract_textdump(text), (ExtractionError,))


@FUZZ
@given(
    st.one_of(
        repeated(OPML_PIECES),
        nested(["<outline text='a'>"], ["</outline>"], "<outline xmlUrl='https://a.example/f'/>"),
    )
)
def test_fuzz_opml(body: str) -> None:
    document = f"<?xml version='1.0'?><opml version='2.0'><body>{body}</body></opml>"
    _run(lambda: read_opml(document.encode()), (SourceError,))


@FUZZ
@given(st.one_of(repeated(QUERY_PIECES, 3_000), st.text(max_size=300)))
def test_fuzz_query_language(query: str) -> None:
    _run(lambda: parse_query(query), (QuerySyntaxError,))


@FUZZ
@given(st.sampled_from(WARC_LINES), st.integers(1, 200_000), st.booleans())
def test_fuzz_warc_headers(line: bytes, count: int, compress: bool) -> None:
    record = b"WARC/1.0\r\nWARC-Type: response\r\n" + line * count + b"\r\n\r\n"
    data = gzip.compress(record) if compress else record
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("fuzz.warc.gz" if compress else "fuzz.warc")
        path.write_bytes(data)
        errors: list[BaseException] = []
        _run(lambda: list(iter_documents(path, on_error=lambda w, e: errors.append(e))), ())
        assert all(isinstance(e, BroadsheetError) for e in errors)


@pytest.mark.parametrize(
    ("parse", "document"),
    [
        (lambda d: parse_feed(d.encode()), "<!---->" * 60 + "<rss><channel></channel></rss>"),
        (lambda d: parse_feed(d.encode()), "<!DOCTYPE rss [" + "<!ENTITY a SYSTEM " * 20_000),
        (lambda d: decode_html(d.encode()), "<meta " * (64 * 1024 // 6)),
        (lambda d: extract_textdump(d), "[" + " " * 100_000 + "comments"),
        (lambda d: parse_query(d), "(" * 3000 + "a"),
        (lambda d: extract_html(d.encode()), "<p>" + "<a href=x>x</a>" * 100_000),
    ],
    ids=["comments", "entities", "meta", "comment-marker", "query", "links"],
)
def test_the_issue_inputs_stay_in_bounds(parse: Callable[[str], object], document: str) -> None:
    _run(lambda: parse(document), (BroadsheetError,), len(document))
