"""What each job stage does with one job: plain synchronous calls into the pipeline's parts,
returning the jobs for the next stage (the runner publishes them, then acknowledges).

Every write is idempotent: the store's ``save_article`` is keyed by URL and guid (the same
article again is "unchanged"), annotations overwrite, a source's poll bookkeeping is a set
of fields. So a job done twice — redelivered after a worker died before its ack — changes
nothing the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..errors import BroadsheetError, EnrichmentError, ExtractionError, FetchError, NotFoundError
from ..models import Document
from .jobs import (
    JobError,
    Outgoing,
    Result,
    article_from_json,
    article_to_json,
    document_from_json,
    document_to_json,
    field,
    job_id,
    optional,
)

if TYPE_CHECKING:
    from ..pipeline import Pipeline

__all__ = ["Stage", "make_stage"]

log = logging.getLogger(__name__)

Stage = Callable[[dict[str, Any]], Result]


def _now() -> datetime:
    return datetime.now(UTC)


class Stages:
    """The four job stages over one pipeline (store, fetcher, enricher, settings).

    ``max_payload``: the largest message the server takes; a page too big to travel is read
    where it was fetched, and its article travels instead.
    """

    def __init__(self, pipeline: Pipeline, *, enrich: bool, max_payload: int) -> None:
        self.pipeline = pipeline
        self.enrich = enrich
        self.max_payload = max_payload

    # ------------------------------------------------------------------ fetch

    def fetch(self, job: dict[str, Any]) -> Result:
        kind = field(job, "kind", str)
        if kind == "source":
            return self._poll(field(job, "source_id", int))
        if kind == "url":
            return Result(self._url(field(job, "url", str)))
        if kind == "page":
            return Result(self._page(job))
        raise JobError(f"unknown fetch job kind {kind!r}")

    def _poll(self, source_id: int) -> Result:
        from ..pipeline import entries_to_read, record_failure, record_success
        from ..sources import parse_feed

        pipe = self.pipeline
        try:
            source = pipe.store.get_source(source_id)
        except NotFoundError:
            return Result([])  # unsubscribed since the job was published
        if source.paused:
            return Result([])
        try:
            result = pipe.fetcher.fetch(
                source.url, etag=source.etag, last_modified=source.last_modified
            )
            if result.status == 304:
                record_success(pipe, source, result)
                return Result([])
            fetched_at = _now()
            if source.kind == "page":
                doc = Document(
                    uri=result.url,
                    body=result.body,
                    media_type=result.media_type or "text/html",
                    fetched_at=fetched_at,
                    charset=result.charset,
                )
                out = [self._extract_job(doc, source.id, source.url)]
            else:
                feed = parse_feed(result.body, url=result.url, charset=result.charset)
                if not feed.entries and feed.problems:
                    raise BroadsheetError("; ".join(feed.problems[:3]))
                entries, _ = entries_to_read(pipe, source, feed)
                out = self._entry_jobs(entries, source.url, source.id, fetched_at)
        except (BroadsheetError, OSError, ValueError) as exc:
            # the source's failure, recorded with its backoff (as ``poll`` does): done
            record_failure(pipe, source, exc)
            return Result([])
        # the feed's validators are kept once its entries' jobs are safe in the stream
        return Result(out, lambda: record_success(pipe, source, result))

    def _url(self, url: str) -> list[Outgoing]:
        from ..pipeline import looks_like_feed
        from ..sources import parse_feed

        result = self.pipeline.fetcher.fetch(url)  # a FetchError is retried, then dead
        fetched_at = _now()
        if not looks_like_feed(result):
            doc = Document(
                uri=result.url,
                body=result.body,
                media_type=result.media_type or "text/html",
                fetched_at=fetched_at,
                charset=result.charset,
            )
            return [self._extract_job(doc, None, None)]
        try:
            feed = parse_feed(result.body, url=result.url, charset=result.charset)
        except BroadsheetError as exc:
            raise JobError(f"{url}: {exc}") from exc
        return self._entry_jobs(list(feed.entries), url, None, fetched_at)

    def _entry_jobs(
        self, entries: list[Any], feed_url: str, source_id: int | None, fetched_at: datetime
    ) -> list[Outgoing]:
        from ..sources import entry_document

        out: list[Outgoing] = []
        fetch_pages = self.pipeline.settings.poll.fetch_articles
        for entry in entries:
            key = entry.guid or entry.link
            fallback = entry_document(entry, feed_url=feed_url, fetched_at=fetched_at)
            if fetch_pages and entry.link:
                job = {
                    "kind": "page",
                    "url": entry.link,
                    "guid": key,
                    "source_id": source_id,
                    "title": entry.title,
                    "published_at": entry.published_at.isoformat() if entry.published_at else None,
                    "author": entry.author,
                    "fetched_at": fetched_at.isoformat(),
                    "fallback": document_to_json(fallback) if fallback is not None else None,
                }
                out.append(Outgoing("fetch", job, job_id("page", source_id, key, entry.link)))
            elif fallback is not None:
                out.append(self._extract_job(fallback, source_id, key))
            else:
                log.info("entry %s has neither a page nor content", key)
        return out

    def _page(self, job: dict[str, Any]) -> list[Outgoing]:
        url = field(job, "url", str)
        guid = optional(job, "guid", str)
        source_id = optional(job, "source_id", int)
        fallback = job.get("fallback")
        fallback_doc = document_from_json(fallback) if fallback is not None else None
        published = optional(job, "published_at", str)
        try:
            page = self.pipeline.fetcher.fetch(url)
        except FetchError as exc:
            if fallback_doc is None:
                raise  # retried, then dead-lettered with the error
            log.info("entry page %s failed (%s); using the feed's content", url, exc)
            return [self._extract_job(fallback_doc, source_id, guid)]
        doc = Document(
            uri=page.url,
            body=page.body,
            media_type=page.media_type or "text/html",
            fetched_at=_now(),
            charset=page.charset,
            title=optional(job, "title", str),
            published_at=datetime.fromisoformat(published) if published else None,
            author=optional(job, "author", str),
            guid=guid,
        )
        return [self._extract_job(doc, source_id, guid)]

    def _extract_job(self, doc: Document, source_id: int | None, guid: str | None) -> Outgoing:
        doc_json = document_to_json(doc)
        if len(doc_json["body"]) + 4096 > self.max_payload:
            # too big to travel: read it here, and send the (much smaller) article on
            return self._store_job(doc, source_id, guid)
        payload = {"doc": doc_json, "source_id": source_id, "guid": guid}
        return Outgoing("extract", payload, job_id("extract", doc.uri, guid, doc_json))

    # ------------------------------------------------------------------ extract

    def extract(self, job: dict[str, Any]) -> Result:
        doc = document_from_json(job.get("doc"))
        source_id, guid = optional(job, "source_id", int), optional(job, "guid", str)
        return Result([self._store_job(doc, source_id, guid)])

    def _store_job(self, doc: Document, source_id: int | None, guid: str | None) -> Outgoing:
        from ..pipeline import read_document

        try:
            article, identity = read_document(doc, guid=guid)
        except ExtractionError as exc:
            raise JobError(f"extraction: {exc}") from exc
        payload = {
            "article": article_to_json(article),
            "source_id": source_id,
            "guid": identity,
            "first_seen_at": doc.fetched_at.isoformat(),
        }
        return Outgoing("store", payload, job_id("store", payload))

    # ------------------------------------------------------------------ store

    def store(self, job: dict[str, Any]) -> Result:
        article = article_from_json(job.get("article"))
        first_seen = optional(job, "first_seen_at", str)
        try:
            saved = self.pipeline.store.save_article(
                article,
                source_id=optional(job, "source_id", int),
                first_seen_at=datetime.fromisoformat(first_seen) if first_seen else None,
                guid=optional(job, "guid", str),
            )
        except NotFoundError as exc:  # its source was removed meanwhile
            raise JobError(f"store: {exc}") from exc
        if not self.enrich or saved.article_id is None:
            return Result([])
        if saved.status not in ("new", "new_version"):
            return Result([])
        stored = self.pipeline.store.get_article(saved.article_id)
        payload = {"article_id": stored.id, "version": stored.version}
        return Result([Outgoing("enrich", payload, job_id("enrich", stored.id, stored.version))])

    # ------------------------------------------------------------------ enrich

    def enrich_job(self, job: dict[str, Any]) -> Result:
        article_id = field(job, "article_id", int)
        version = field(job, "version", int)
        store = self.pipeline.store
        try:
            article = store.get_article(article_id)
        except NotFoundError:
            return Result([])  # deleted since
        if article.version != version:
            return Result([])  # a newer version has a job of its own
        try:
            annotations = self.pipeline.enricher.analyze(article.body)
        except Exception as exc:  # the article is kept and marked, never lost
            message = str(exc) if isinstance(exc, EnrichmentError) else repr(exc)
            store.mark_enrich_failed(article_id, message)
            return Result([])
        store.save_annotations(article_id, annotations)
        return Result([])


def make_stage(stages: Stages, name: str) -> Stage:
    handlers: dict[str, Stage] = {
        "fetch": stages.fetch,
        "extract": stages.extract,
        "store": stages.store,
        "enrich": stages.enrich_job,
    }
    return handlers[name]
