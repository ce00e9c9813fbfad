"""Subscribing to sources and polling them: the scheduler.

``add_source`` works out what a URL is (a feed, a page that advertises feeds, or a single
page). ``poll_due`` polls every due source once, concurrently, with conditional GET; a
failing source records its error and its next attempt (exponential backoff, capped at
24 h) and never stops the batch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..errors import BroadsheetError, FeedParseError, FetchError, HTTPStatusError, SourceError
from ..models import Document, FeedEntry, FetchResult, ParsedFeed, Source
from .ingest import BatchReport, IngestOutcome, Pipeline

__all__ = [
    "PollOutcome",
    "add_source",
    "entries_to_read",
    "entry_to_document",
    "ingest_url",
    "looks_like_feed",
    "poll_due",
    "poll_source",
    "record_failure",
    "record_success",
    "watch",
]

log = logging.getLogger(__name__)

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
)
# Feed discovery reads the page and the feeds it advertises (two levels), never what those
# advertise in turn: a page advertising itself, or fresh pages at every level, costs at most
# 1 + MAX_ADVERTISED requests.
MAX_ADVERTISED = 3


@dataclass(frozen=True, slots=True)
class PollOutcome:
    source_id: int
    url: str
    status: str  # "ok", "not-modified", "error"
    new: int = 0
    seen: int = 0
    failed: int = 0
    error: str | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def _looks_like_feed(result: FetchResult) -> bool:
    head = result.body[:512].lstrip().lower()
    if result.media_type in FEED_TYPES and not head.startswith((b"<!doctype html", b"<html")):
        return True
    return head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")) or (
        head.startswith(b"{") and b"jsonfeed.org" in result.body[:2048]
    )


def add_source(pipeline: Pipeline, url: str, *, title: str | None = None) -> list[Source]:
    """Subscribe to URL: a feed as it is; a page's advertised feeds; else the page itself.

    Makes exactly one GET for a feed URL (RELIABILITY 11: one GET when a feed is added),
    keeping its validators so the first poll can be conditional. A page's advertised URLs
    (at most 3, the page itself excluded) are subscribed when they are feeds and never
    followed further; :class:`SourceError` when none of them is.
    """
    from ..sources import discover_feeds, parse_feed

    existing = pipeline.store.find_source(url)
    if existing is not None:
        return [existing]
    result = pipeline.fetcher.fetch(url)
    if _looks_like_feed(result):
        feed = parse_feed(result.body, url=result.url, charset=result.charset)
        return [_subscribe_feed(pipeline, url, result, title or feed.title, feed)]
    advertised = [f for f in discover_feeds(result.body, result.url) if f not in (url, result.url)]
    if advertised:
        return _add_advertised(pipeline, url, advertised[:MAX_ADVERTISED])
    source = pipeline.store.add_source(url, "page", title)
    doc = Document(
        uri=result.url,
        body=result.body,
        media_type=result.media_type or "text/html",
        fetched_at=_now(),
        charset=result.charset,
    )
    pipeline.ingest_document(doc, source_id=source.id, guid=url)
    pipeline.flush()
    _record_success(pipeline, source, result)
    return [pipeline.store.get_source(source.id)]


def _subscribe_feed(
    pipeline: Pipeline, url: str, result: FetchResult, title: str | None, feed: ParsedFeed
) -> Source:
    source = pipeline.store.add_source(url, "feed", title)
    _ingest_feed(pipeline, source, result, feed)
    _record_success(pipeline, source, result)
    return pipeline.store.get_source(source.id)


def _add_advertised(pipeline: Pipeline, page: str, urls: list[str]) -> list[Source]:
    """Subscribe to the feeds a page advertises; those that are not feeds are not followed."""
    from ..sources import parse_feed

    added: list[Source] = []
    problems: list[str] = []
    for url in urls:
        existing = pipeline.store.find_source(url)
        if existing is not None:
            added.append(existing)
            continue
        try:
            result = pipeline.fetcher.fetch(url)
            if not _looks_like_feed(result):
                problems.append(f"{url} is not a feed")
                continue
            feed = parse_feed(result.body, url=result.url, charset=result.charset)
        except BroadsheetError as exc:
            problems.append(str(exc))
            continue
        added.append(_subscribe_feed(pipeline, url, result, feed.title, feed))
    if not added:
        why = "; ".join(problems)
        raise SourceError(
            f"{page}: no feed found: it advertises {len(urls)} feed URL(s) and none is a feed "
            f"(discovery reads the page and what it advertises, no further): {why}"
        )
    return added


def _record_success(pipeline: Pipeline, source: Source, result: FetchResult) -> None:
    from ..fetch import next_poll_delay

    now = _now()
    delay = next_poll_delay(
        0, interval=pipeline.settings.poll.interval, cap=pipeline.settings.poll.max_backoff
    )
    fields: dict[str, object] = dict(
        last_fetch_at=now,
        last_success_at=now,
        last_error=None,
        error_count=0,
        next_poll_at=now + timedelta(seconds=delay),
    )
    if result.status != 304:
        fields["etag"] = result.etag
        fields["last_modified"] = result.last_modified
    pipeline.store.update_source(source.id, **fields)


def _record_failure(pipeline: Pipeline, source: Source, error: BaseException) -> None:
    from ..fetch import next_poll_delay

    now = _now()
    count = source.error_count + 1
    retry_after = error.retry_after if isinstance(error, HTTPStatusError) else None
    delay = next_poll_delay(
        count,
        interval=pipeline.settings.poll.interval,
        cap=pipeline.settings.poll.max_backoff,
        retry_after=retry_after,
    )
    pipeline.store.update_source(
        source.id,
        last_fetch_at=now,
        last_error=str(error) or repr(error),
        error_count=count,
        next_poll_at=now + timedelta(seconds=delay),
    )


def entry_to_document(
    pipeline: Pipeline,
    entry: FeedEntry,
    *,
    feed_url: str,
    fetched_at: datetime,
    fetch_page: bool = True,
) -> Document | None:
    """A feed entry as a document to read: its page (fetched, with the entry's title, time
    and author as hints), else the entry's own content; None when it has neither."""
    from ..sources import entry_document

    key = entry.guid or entry.link
    if fetch_page and entry.link:
        try:
            page = pipeline.fetcher.fetch(entry.link)
            return Document(
                uri=page.url,
                body=page.body,
                media_type=page.media_type or "text/html",
                fetched_at=fetched_at,
                charset=page.charset,
                title=entry.title,
                published_at=entry.published_at,
                author=entry.author,
                guid=key,
            )
        except FetchError as exc:
            log.info("entry page %s failed (%s); using the feed's content", entry.link, exc)
        except Exception as exc:  # a fetcher bug on one page must not fail the whole source
            log.warning("entry page %s crashed (%r); using the feed's content", entry.link, exc)
    return entry_document(entry, feed_url=feed_url, fetched_at=fetched_at)


def ingest_url(pipeline: Pipeline, url: str) -> BatchReport:
    """Take in one URL once, without subscribing: a feed's entries, or a single page."""
    from ..sources import parse_feed

    report = BatchReport()
    try:
        result = pipeline.fetcher.fetch(url)
        fetched_at = _now()
        if not _looks_like_feed(result):
            page = Document(
                uri=result.url,
                body=result.body,
                media_type=result.media_type or "text/html",
                fetched_at=fetched_at,
                charset=result.charset,
            )
            report.add(pipeline.ingest_document(page))
            return report
        feed = parse_feed(result.body, url=result.url, charset=result.charset)
    except BroadsheetError as exc:
        report.fail(url, str(exc))
        return report
    except Exception as exc:  # any crash is this URL's failure, never the batch's
        log.exception("ingesting %s crashed", url)
        report.fail(url, f"crashed: {exc!r}")
        return report
    for entry in feed.entries:
        doc = entry_to_document(
            pipeline,
            entry,
            feed_url=url,
            fetched_at=fetched_at,
            fetch_page=pipeline.settings.poll.fetch_articles,
        )
        if doc is None:
            report.fail(entry.link or entry.guid or url, "entry has neither a page nor content")
            continue
        report.add(pipeline.ingest_document(doc, guid=entry.guid or entry.link))
    return report


def entries_to_read(
    pipeline: Pipeline, source: Source, feed: ParsedFeed
) -> tuple[list[FeedEntry], int]:
    """The entries of a polled feed that are to be read (new ones, and known ones whose text
    may have changed: see ``_ingest_feed``), and how many were skipped as unchanged. The
    stage workers use it to turn a poll into jobs."""
    wanted: list[FeedEntry] = []
    skipped = 0
    for entry in feed.entries:
        key = entry.guid or entry.link
        fetch_page = bool(pipeline.settings.poll.fetch_articles and entry.link)
        if key and pipeline.store.seen_guid(source.id, key):
            recheck = (not fetch_page and not feed.problems) or _updated_since(entry, source)
            if not recheck:
                skipped += 1
                continue
        wanted.append(entry)
    return wanted, skipped


# the scheduler's bookkeeping, for the stage workers (``broadsheet.workers``)
looks_like_feed = _looks_like_feed
record_success = _record_success
record_failure = _record_failure


def _ingest_feed(
    pipeline: Pipeline, source: Source, result: FetchResult, feed: ParsedFeed
) -> BatchReport:
    report = BatchReport()
    fetched_at = _now()
    for entry in feed.entries:
        key = entry.guid or entry.link
        fetch_page = bool(pipeline.settings.poll.fetch_articles and entry.link)
        if key and pipeline.store.seen_guid(source.id, key):
            # a known entry is read again only when that is cheap and safe: its text is in a
            # cleanly parsed feed (the store tells unchanged from corrected), or the feed
            # says it was updated; a broken parse never touches what is stored
            recheck = (not fetch_page and not feed.problems) or _updated_since(entry, source)
            if not recheck:
                report.add(IngestOutcome(uri=key, status="unchanged"))
                continue
        doc = entry_to_document(
            pipeline, entry, feed_url=source.url, fetched_at=fetched_at, fetch_page=fetch_page
        )
        if doc is None:
            report.fail(entry.link or key or "?", "entry has neither a fetchable page nor content")
            continue
        report.add(pipeline.ingest_document(doc, source_id=source.id, guid=key))
    pipeline.flush()
    return report


def _updated_since(entry: FeedEntry, source: Source) -> bool:
    """Whether the feed says an entry we already hold changed since our last good poll
    (then its page is fetched again, and changed text becomes a new version)."""
    if entry.updated_at is None or source.last_success_at is None:
        return False
    if entry.published_at is not None and entry.updated_at <= entry.published_at:
        return False
    return entry.updated_at > source.last_success_at


def poll_source(pipeline: Pipeline, source: Source) -> PollOutcome:
    """Poll one source once. Never raises for a bad source: its error is recorded."""
    from ..sources import parse_feed

    try:
        result = pipeline.fetcher.fetch(
            source.url, etag=source.etag, last_modified=source.last_modified
        )
        if result.status == 304:
            _record_success(pipeline, source, result)
            return PollOutcome(source.id, source.url, "not-modified")
        if source.kind == "page":
            doc = Document(
                uri=result.url,
                body=result.body,
                media_type=result.media_type or "text/html",
                fetched_at=_now(),
                charset=result.charset,
            )
            outcome = pipeline.ingest_document(doc, source_id=source.id, guid=source.url)
            pipeline.flush()
            _record_success(pipeline, source, result)
            new = int(outcome.status in ("new", "new_version"))
            return PollOutcome(source.id, source.url, "ok", new=new, seen=1 - new)
        feed = parse_feed(result.body, url=result.url, charset=result.charset)
        if not feed.entries and feed.problems:
            raise FeedParseError("; ".join(feed.problems[:3]))
        report = _ingest_feed(pipeline, source, result, feed)
        _record_success(pipeline, source, result)
        new = report.counts.get("new", 0) + report.counts.get("new_version", 0)
        return PollOutcome(
            source.id,
            source.url,
            "ok",
            new=new,
            seen=report.total - new - len(report.failures),
            failed=len(report.failures),
        )
    except (BroadsheetError, OSError, ValueError) as exc:
        _record_failure(pipeline, source, exc)
        return PollOutcome(source.id, source.url, "error", error=str(exc) or repr(exc))
    except Exception as exc:  # a bug or a hostile input we did not foresee: this source's error
        log.exception("polling %s crashed", source.url)
        error = BroadsheetError(f"{source.url}: crashed: {exc!r}")
        _record_failure(pipeline, source, error)
        return PollOutcome(source.id, source.url, "error", error=str(error))


def poll_due(
    pipeline: Pipeline,
    *,
    now: datetime | None = None,
    force: bool = False,
    progress: Callable[[int, int, PollOutcome], None] | None = None,
) -> list[PollOutcome]:
    """Poll every due source once (every unpaused source with ``force``), concurrently."""
    sources = (
        [s for s in pipeline.store.list_sources() if not s.paused]
        if force
        else pipeline.store.due_sources(now or _now())
    )
    outcomes: list[PollOutcome] = []
    lock = threading.Lock()
    workers = max(1, min(pipeline.settings.poll.workers, len(sources) or 1))

    def run(source: Source) -> PollOutcome:
        outcome = poll_source(pipeline, source)
        with lock:
            outcomes.append(outcome)
            if progress:
                progress(len(outcomes), len(sources), outcome)
        return outcome

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="poll") as pool:
        list(pool.map(run, sources))
    pipeline.flush()
    return outcomes


def watch(
    pipeline: Pipeline,
    *,
    stop: threading.Event | None = None,
    tick: float = 5.0,
    on_cycle: Callable[[list[PollOutcome]], None] | None = None,
) -> None:
    """Keep polling due sources until ``stop`` is set (or forever)."""
    stop = stop or threading.Event()
    while not stop.is_set():
        outcomes = poll_due(pipeline)
        if on_cycle and outcomes:
            on_cycle(outcomes)
        stop.wait(tick)
    time.sleep(0)
