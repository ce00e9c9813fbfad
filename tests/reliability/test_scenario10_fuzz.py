"""Scenario 10: fuzzing the chain parse → extract → store → index with hypothesis.

Random and malformed bytes go in as HTML pages, as text dumps and as feeds (``parse_feed`` then
``entry_document`` then ``Pipeline.ingest_document``), and as feeds over loopback through
``poll_source``. Passes when nothing raises (a failed item is an ``IngestOutcome`` with status
"failed", a bad feed is a ``FeedParseError`` or an error recorded on its source), no input
takes over 2 s (hypothesis' deadline), and the store's integrity and the index hold after.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from broadsheet.errors import FeedParseError
from broadsheet.models import Document
from broadsheet.pipeline import Pipeline, open_pipeline, poll_source
from broadsheet.sources import entry_document, parse_feed

from .helpers import Publisher, indexed_ids, make_settings, page, rss_feed, stored_ids, story

STATUSES = {"new", "unchanged", "new_version", "duplicate", "deleted", "failed"}
NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
DEADLINE = timedelta(seconds=2)

TAGS = [
    "html",
    "head",
    "body",
    "article",
    "p",
    "div",
    "h1",
    "title",
    "script",
    "style",
    "meta",
    "table",
    "td",
    "a",
    "br",
    "img",
    "nav",
    "footer",
    "![CDATA[",
    "!--",
    "?xml",
    "rss",
    "channel",
    "item",
    "feed",
    "entry",
    "content:encoded",
    "description",
    "guid",
]
PIECES = st.one_of(
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"<{t} charset='x-bogus' href=\"javascript:1\">"),
    st.sampled_from(["&amp;", "&nbsp;", "&#0;", "&#x110000;", "&bogus;", "]]>", "<", ">", "&"]),
    st.text(min_size=0, max_size=80),
    st.sampled_from(["\x00", "\ufeff", "\ud7ff", "\u202e", "\r\n", "\t" * 50]),
)
MARKUP = st.lists(PIECES, max_size=60).map("".join)
ENCODINGS = st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252", "koi8-r", "shift_jis"])


@st.composite
def encoded_markup(draw: st.DrawFn) -> bytes:
    text = draw(MARKUP)
    return text.encode(draw(ENCODINGS), errors="replace")


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with random bytes overwritten, cut out and inserted, and maybe truncated."""
    data = bytearray(original)
    for _ in range(draw(st.integers(0, 12))):
        where = draw(st.integers(0, max(0, len(data) - 1)))
        action = draw(st.sampled_from(["set", "cut", "insert"]))
        chunk = draw(st.binary(min_size=1, max_size=16))
        if action == "set":
            data[where : where + len(chunk)] = chunk
        elif action == "cut":
            del data[where : where + len(chunk)]
        else:
            data[where:where] = chunk
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


def _dump(n: int) -> bytes:
    """A page as a browser shows it without tags: menus and notices around the story."""
    headline, paragraphs = story(n)
    lines = [
        "Home",
        "Local",
        "Sport",
        "Sign in",
        headline,
        "By Staff Reporter",
        "5 March 2026",
        *paragraphs,
        "Share this story",
        "Related: ferry timetable",
        "We use cookies to improve your experience. Accept",
    ]
    return "\n".join(lines).encode()


DUMP = _dump(6)
HTML_INPUTS = st.one_of(
    st.binary(max_size=4000), encoded_markup(), mutated(page(3)), mutated(page(8))
)
TEXT_INPUTS = st.one_of(
    st.binary(max_size=4000),
    st.text(max_size=3000).map(lambda t: t.encode("utf-8", errors="surrogatepass")),
    mutated(DUMP),
)
FEED_INPUTS = st.one_of(
    st.binary(max_size=4000),
    encoded_markup(),
    mutated(rss_feed("http://feeds.example", [("a", 1), ("b", 2)], full_text=True)),
    mutated(
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", '
        b'"content_html": "<p>Short story about the ferry timetable change.</p>"}]}'
    ),
)


@pytest.fixture
def pipe(home: Path) -> Iterator[Pipeline]:
    with open_pipeline(make_settings(home, fetch_articles=False), enrich=False) as pipeline:
        # the seeds are real articles (this also warms the extractors up)
        assert pipeline.ingest_document(_doc(page(1), "text/html", 0)).status == "new"
        assert pipeline.ingest_document(_doc(_dump(2), "text/plain", 1)).status == "new"
        yield pipeline
        pipeline.flush()
        assert pipeline.store.integrity_check() == []
        assert pipeline.index is not None
        assert indexed_ids(pipeline.index) == stored_ids(pipeline.store)


_counter = iter(range(2, 10**9))


def _doc(body: bytes, media_type: str, n: int | None = None) -> Document:
    n = next(_counter) if n is None else n
    suffix = "txt" if media_type == "text/plain" else "html"
    return Document(
        uri=f"http://fuzz.example/{n}.{suffix}",
        body=body,
        media_type=media_type,
        fetched_at=NOW,
        charset=None,
    )


def _check(outcome: object) -> None:
    status = getattr(outcome, "status", None)
    assert status in STATUSES, outcome
    if status == "failed":
        assert getattr(outcome, "error", None)


FUZZ = hsettings(
    max_examples=60,
    deadline=DEADLINE,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
SLOW_FUZZ = hsettings(FUZZ, max_examples=1500)


@pytest.mark.parametrize("profile", [FUZZ, pytest.param(SLOW_FUZZ, marks=pytest.mark.slow)])
def test_html_and_text_dumps(pipe: Pipeline, profile: hsettings) -> None:
    @profile
    @given(body=HTML_INPUTS, as_text=st.booleans())
    def check(body: bytes, as_text: bool) -> None:
        _check(pipe.ingest_document(_doc(body, "text/plain" if as_text else "text/html")))

    check()
    _check(pipe.ingest_document(_doc(b"", "text/plain")))

    @profile
    @given(body=TEXT_INPUTS)
    def check_text(body: bytes) -> None:
        _check(pipe.ingest_document(_doc(body, "text/plain")))

    check_text()


@pytest.mark.parametrize("profile", [FUZZ, pytest.param(SLOW_FUZZ, marks=pytest.mark.slow)])
def test_feeds_through_entry_documents(pipe: Pipeline, profile: hsettings) -> None:
    source = pipe.store.add_source("http://feeds.example/fuzz.xml", "feed")

    @profile
    @given(body=FEED_INPUTS, charset=st.none() | st.sampled_from(["utf-8", "latin-1", "bogus"]))
    def check(body: bytes, charset: str | None) -> None:
        try:
            feed = parse_feed(body, url="http://feeds.example/fuzz.xml", charset=charset)
        except FeedParseError:
            return  # not a feed at all: reported, never a crash
        for entry in feed.entries:
            doc = entry_document(entry, feed_url=source.url, fetched_at=NOW)
            if doc is not None:
                _check(pipe.ingest_document(doc, source_id=source.id, guid=entry.guid))

    check()


def test_feeds_over_loopback(pipe: Pipeline, publisher: Publisher) -> None:
    served: dict[str, bytes] = {"body": b""}
    publisher.routes["/fuzz.xml"] = lambda h: (
        200,
        {"Content-Type": "application/rss+xml"},
        served["body"],
    )
    source = pipe.store.add_source(f"{publisher.base}/fuzz.xml", "feed")

    @hsettings(FUZZ, max_examples=30)
    @given(body=FEED_INPUTS)
    def check(body: bytes) -> None:
        served["body"] = body
        outcome = poll_source(pipe, pipe.store.get_source(source.id))
        assert outcome.status in ("ok", "error", "not-modified")
        stored = pipe.store.get_source(source.id)
        assert (outcome.status == "error") == bool(stored.last_error)

    check()
