"""The chain for one item and for a batch: document → article → annotations → store → index.

A ``Pipeline`` owns the long-lived parts (store, index, fetcher, enricher) and is the only
place that strings the stages together. Each stage is a plain function call on typed
values. A failure in one item is recorded and the batch goes on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..config import Settings
from ..errors import BroadsheetError, EnrichmentError, ExtractionError
from ..models import Annotations, Article, Document, SaveResult, StoredArticle

if TYPE_CHECKING:
    from ..fetch import Fetcher
    from ..search import IndexFollower, SearchBackend
    from ..store import Store

__all__ = ["BatchReport", "IngestOutcome", "Pipeline", "open_pipeline", "read_document"]

log = logging.getLogger(__name__)

OutcomeStatus = Literal["new", "unchanged", "new_version", "duplicate", "deleted", "failed"]
Progress = Callable[[int, int | None, str], None]  # (done, total or None, label)


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What happened to one document."""

    uri: str
    status: OutcomeStatus
    article_id: int | None = None
    headline: str | None = None
    error: str | None = None
    enriched: bool = False


@dataclass(slots=True)
class BatchReport:
    """Counts for a batch, and the failures with their reasons."""

    counts: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)
    outcomes: list[IngestOutcome] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, outcome: IngestOutcome) -> None:
        self.counts[outcome.status] = self.counts.get(outcome.status, 0) + 1
        self.outcomes.append(outcome)
        if outcome.status == "failed":
            self.failures.append((outcome.uri, outcome.error or "unknown error"))

    def fail(self, uri: str, error: str) -> None:
        self.add(IngestOutcome(uri=uri, status="failed", error=error))

    def merge(self, other: BatchReport) -> None:
        """Add another batch's counts, outcomes and failures to this one."""
        for key, n in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + n
        self.outcomes.extend(other.outcomes)
        self.failures.extend(other.failures)
        self.seconds += other.seconds

    def to_json(self) -> dict[str, object]:
        return {
            "counts": dict(self.counts),
            "failures": [{"uri": u, "error": e} for u, e in self.failures],
            "seconds": round(self.seconds, 3),
        }

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Pipeline:
    """Store, search index, fetcher and enricher, and the chain that joins them.

    Built by ``open_pipeline`` (which owns what it opens) or by the application service
    (which passes in the parts it owns and shares with the interfaces). ``on_write`` is called
    after each write to the store (the service's follow loop uses it to wake at once).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        store: Store,
        index: SearchBackend,
        follower: IndexFollower,
        enrich: bool | None = None,
        enricher: Any = None,
        on_write: Callable[[], None] | None = None,
        owns: bool = False,
    ) -> None:
        self.settings = settings
        self.store = store
        self.index = index
        self.follower = follower
        self._owns = owns
        self._on_write = on_write
        self._enrich = settings.enrich.enabled if enrich is None else enrich
        self._enricher: Any = enricher
        self._lazy_lock = threading.Lock()  # guards the lazily built fetcher and enricher
        self._analyze_lock = threading.Lock()
        self._index_lock = threading.Lock()
        self._fetcher: Fetcher | None = None
        self._unindexed = 0  # writes since the index last caught up with the store

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        self.flush()
        if self._fetcher is not None:
            self._fetcher.close()
            self._fetcher = None
        if self._owns:
            self.follower.close()
            self.index.close()  # releases the writer for the next process
            self.store.close()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def fetcher(self) -> Fetcher:
        """The one HTTP client (its per-host caps only hold if every thread shares it)."""
        with self._lazy_lock:
            if self._fetcher is None:
                from ..fetch import Fetcher

                self._fetcher = Fetcher(self.settings.fetch)
            return self._fetcher

    @property
    def enricher(self) -> Any:
        with self._lazy_lock:
            if self._enricher is None:
                from ..enrich import Enricher

                self._enricher = Enricher(model=self.settings.enrich.model)
            return self._enricher

    # ------------------------------------------------------------------ one item

    def ingest_document(
        self, doc: Document, *, source_id: int | None = None, guid: str | None = None
    ) -> IngestOutcome:
        """Extract, enrich, store and index one document. Never raises for bad input."""
        try:
            article, identity = read_document(doc, guid=guid)
        except ExtractionError as exc:
            return IngestOutcome(uri=doc.uri, status="failed", error=f"extraction: {exc}")
        except Exception as exc:  # a parser bug must not kill a batch
            log.exception("extraction crashed on %s", doc.uri)
            return IngestOutcome(uri=doc.uri, status="failed", error=f"extraction crashed: {exc!r}")
        return self.ingest_article(
            article, source_id=source_id, guid=identity, first_seen_at=doc.fetched_at
        )

    def ingest_article(
        self,
        article: Article,
        *,
        source_id: int | None = None,
        guid: str | None = None,
        first_seen_at: datetime | None = None,
        annotations: Annotations | None = None,
    ) -> IngestOutcome:
        """Store and index one article; annotate it, unless ``annotations`` made elsewhere
        (a bulk job) come with it. Never raises for bad input."""
        uri = article.canonical_url or article.url or (article.headline or "?")
        try:
            saved: SaveResult = self.store.save_article(
                article, source_id=source_id, first_seen_at=first_seen_at, guid=guid
            )
        except BroadsheetError as exc:
            return IngestOutcome(uri=uri, status="failed", error=f"store: {exc}")
        if saved.status not in ("new", "new_version") or saved.article_id is None:
            return IngestOutcome(
                uri=uri, status=saved.status, article_id=saved.article_id, headline=article.headline
            )
        if annotations is not None:
            self.store.save_annotations(saved.article_id, annotations)
            enriched = True
        else:
            _, enriched = self._annotate(saved.article_id, article.body)
        self._mark_written()
        return IngestOutcome(
            uri=uri,
            status=saved.status,
            article_id=saved.article_id,
            headline=article.headline,
            enriched=enriched,
        )

    def _annotate(self, article_id: int, body: str) -> tuple[Annotations | None, bool]:
        if not self._enrich:
            return None, False
        try:
            enricher = self.enricher
            with self._analyze_lock:  # one parse at a time: spaCy pipelines are not thread-safe
                annotations: Annotations = enricher.analyze(body)
        except Exception as exc:  # the article is kept and marked, never lost
            message = str(exc) if isinstance(exc, EnrichmentError) else repr(exc)
            log.warning("enrichment failed for article %s: %s", article_id, message)
            self.store.mark_enrich_failed(article_id, message)
            return None, False
        self.store.save_annotations(article_id, annotations)
        return annotations, True

    def enrich_articles(
        self, ids: Iterable[int] | None = None, *, progress: Progress | None = None
    ) -> BatchReport:
        """(Re)annotate stored articles; the index is updated to match."""
        report = BatchReport()
        started = time.perf_counter()
        targets = list(ids) if ids is not None else None
        total = len(targets) if targets is not None else self.store.count_articles()
        articles: Iterator[StoredArticle] = (
            iter(self.store.get_articles(targets))
            if targets is not None
            else self.store.iter_articles()
        )
        batch: list[StoredArticle] = []
        done = 0

        def run(chunk: list[StoredArticle]) -> None:
            nonlocal done
            try:
                results = list(self.enricher.analyze_many([a.body for a in chunk]))
            except Exception:
                results = []
            for position, art in enumerate(chunk):
                if position < len(results):
                    self.store.save_annotations(art.id, results[position])
                    self._mark_written()
                    report.add(
                        IngestOutcome(
                            uri=str(art.id), status="new_version", article_id=art.id, enriched=True
                        )
                    )
                else:
                    _, ok = self._annotate(art.id, art.body)
                    if ok:
                        self._mark_written()
                        report.add(
                            IngestOutcome(
                                uri=str(art.id),
                                status="new_version",
                                article_id=art.id,
                                enriched=True,
                            )
                        )
                    else:
                        report.fail(str(art.id), "enrichment failed")
                done += 1
            if progress:
                progress(done, total, "enriching")

        for art in articles:
            batch.append(art)
            if len(batch) >= 32:
                run(batch)
                batch = []
        if batch:
            run(batch)
        self._end_run()
        report.seconds = time.perf_counter() - started
        return report

    # ------------------------------------------------------------------ index

    def _mark_written(self) -> None:
        if self._on_write is not None:
            self._on_write()
        with self._index_lock:
            self._unindexed += 1
            if self._unindexed >= 500:
                self._flush_locked()

    def flush(self) -> None:
        """Make everything stored so far searchable (or leave it to the process that is
        following the store: ``search.follower``)."""
        with self._index_lock:
            self._flush_locked()

    def _end_run(self) -> None:
        """A run's end: everything searchable, and the parse's peak memory given back (a
        process that lives on, ``serve`` or a worker, holds its model between runs, not
        the peak of the last batch)."""
        self.flush()
        release = getattr(self._enricher, "release_memory", None)
        if callable(release):
            release()

    def _flush_locked(self) -> None:
        # the index follows the store's change log: one mechanism for new stories, crash
        # recovery and other processes' writes alike
        if not self._unindexed:
            return
        self._unindexed = 0
        try:
            self.follower.catch_up()
        except Exception as exc:
            log.warning("indexing failed (%s); it will catch up from the store", exc)

    def delete_article(self, article_id: int) -> None:
        self.store.delete_article(article_id)
        self._mark_written()
        self.flush()

    # ------------------------------------------------------------------ batches

    def _batch(self) -> AbstractContextManager[None]:
        """Group the store's writes of a bulk job into few transactions where the store can
        (PostgreSQL: ``PostgresDatabase.batch``, one commit per batch instead of per story).
        Not while enriching: a batch holds the write lock between its writes, and a story's
        analysis between its save and its annotations would keep other writers waiting."""
        batch = getattr(self.store, "batch", None)
        return batch() if batch is not None and not self._enrich else nullcontext()

    def ingest_path(self, path: Path, *, progress: Progress | None = None) -> BatchReport:
        """Ingest a file or a folder (HTML, text dumps, WARC), one document at a time."""
        from ..sources import count_documents, iter_documents

        report = BatchReport()
        started = time.perf_counter()
        total = count_documents(path)

        def on_error(where: str, exc: Exception) -> None:
            report.fail(where, str(exc) or repr(exc))

        with self._batch():
            for doc in iter_documents(path, on_error=on_error):
                report.add(self.ingest_document(doc))
                if progress:
                    progress(report.total, max(total, report.total), doc.uri)
        self._end_run()
        report.seconds = time.perf_counter() - started
        return report

    def ingest_documents(
        self, docs: Iterable[Document], *, progress: Progress | None = None
    ) -> BatchReport:
        report = BatchReport()
        started = time.perf_counter()
        with self._batch():
            for doc in docs:
                report.add(self.ingest_document(doc))
                if progress:
                    progress(report.total, None, doc.uri)
        self._end_run()
        report.seconds = time.perf_counter() - started
        return report


def read_document(doc: Document, *, guid: str | None = None) -> tuple[Article, str | None]:
    """The article in ``doc`` and the identity it is stored under (``ExtractionError`` when it
    has none): a web document by its URL and feed guid; a local file by its path, so edited
    text becomes a new version. The same for ``ingest`` and bulk jobs (``batch``)."""
    from dataclasses import replace

    from ..extract import extract_document

    article = extract_document(doc)
    is_web = doc.uri.startswith(("http://", "https://"))
    if article.url is None and is_web:
        article = replace(article, url=doc.uri)
    identity = guid or doc.guid or (None if is_web else f"file:{Path(doc.uri).resolve()}")
    return article, identity


def open_pipeline(
    settings: Settings, *, enrich: bool | None = None, continuous: bool = False
) -> Pipeline:
    """A pipeline that opens (and on ``close`` closes) its own store and search index.

    ``continuous``: this process keeps the index caught up for others while it runs
    (``search.follower``); otherwise it catches the index up after its own writes.
    """
    from ..search import IndexFollower, open_search
    from ..store import open_store

    settings.home.mkdir(parents=True, exist_ok=True)
    store = open_store(settings.database)
    try:
        index = open_search(settings)
    except BaseException:
        store.close()
        raise
    lock_dir = settings.index_dir if settings.search.backend == "tantivy" else settings.home
    follower = IndexFollower(index, store, lock_dir, continuous=continuous)
    pipe = Pipeline(settings, store=store, index=index, follower=follower, enrich=enrich, owns=True)
    try:  # what others stored while nobody indexed, when the writer is free now
        follower.catch_up(wait=0)
    except Exception as exc:  # a damaged index is rebuilt by the next catch-up
        log.warning("search index not caught up (%s); the store stays the record", exc)
    return pipe


def utcnow() -> datetime:
    return datetime.now(UTC)
