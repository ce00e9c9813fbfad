"""Filling and keeping the archive: ingest, delete, reindex, enrich, export; and reading
files without storing them (the measurement contract's ``extract`` and ``analyze``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..models import CUE_CLASSES
from ..pipeline import BatchReport
from .files import FileRow, analyze_files, extract_files, input_files
from .news import NewsTasks
from .views import ArticleView, StoreCopyView

__all__ = ["ArchiveTasks", "FileRow", "input_files"]

Progress = Callable[[int, int | None, str], None]


class ArchiveTasks(NewsTasks):
    def ingest(
        self, targets: Iterable[str | Path], *, progress: Progress | None = None
    ) -> BatchReport:
        """Take in files, folders, WARC archives or URLs once (no subscription). Bad items
        are reported in the batch's failures; the batch always finishes."""
        from ..pipeline import ingest_url

        total = BatchReport()
        pipe = self.pipeline
        for target in targets:
            text = str(target)
            if text.startswith(("http://", "https://")):
                report = ingest_url(pipe, text)
            else:
                path = Path(text).expanduser()
                if not path.exists():  # reported once, with the batch's other failures
                    total.fail(text, "no such file or folder")
                    continue
                report = pipe.ingest_path(path, progress=progress)
            total.merge(report)
        pipe.flush()
        return total

    def delete(self, article_ids: Iterable[int]) -> list[int]:
        """Delete stories; they never come back when their source is fetched again."""
        done = []
        for article_id in article_ids:
            self.pipeline.delete_article(article_id)
            done.append(article_id)
        return done

    def reindex(self, *, progress: Callable[[int, int], None] | None = None) -> int:
        """Rebuild the search index from the store (the store is the record)."""
        try:
            return self.search_backend.rebuild(self.store, progress=progress)
        finally:
            if not self.follower.continuous:
                self.search_backend.release()

    def migrate_store(
        self, target: str, *, progress: Callable[[int, int, str], None] | None = None
    ) -> StoreCopyView:
        """Copy this archive, every table, to another store (a postgresql:// URL or a SQLite
        file) and check the row counts; a re-run replaces an earlier copy."""
        from ..store.copy import copy_store

        report = copy_store(self.store, target, progress)
        return StoreCopyView(report.source, report.target, report.replaced, dict(report.counts))

    def enrich_stored(
        self, article_ids: Iterable[int] | None = None, *, progress: Progress | None = None
    ) -> BatchReport:
        """(Re)annotate stored articles (every one when ``article_ids`` is None)."""
        return self.pipeline.enrich_articles(
            None if article_ids is None else list(article_ids), progress=progress
        )

    def export(self, query: str, *, limit: int = 10_000) -> Iterator[ArticleView]:
        """The stories matching ``query`` (``*`` for everything), read in full."""
        if query.strip() in ("*", ""):
            ids: list[int] = []
            for art in self.store.iter_articles():
                if len(ids) >= limit:
                    break
                ids.append(art.id)
        else:
            ids = [h.id for h in self.search(query, limit=limit).hits]
        for article_id in ids:
            yield self.read(article_id, cue_classes=CUE_CLASSES)  # an export keeps every quote

    # ------------------------------------------------------------------ files, unstored

    def extract_files(self, path: Path) -> Iterator[FileRow]:
        """The article read out of each page or text dump under ``path``."""
        return extract_files(path)

    def analyze_files(
        self, path: Path, *, plain: bool = False, batch_size: int = 16
    ) -> Iterator[FileRow]:
        """Extract (or with ``plain``, take each ``.txt`` as it is) and annotate each file;
        offsets index into ``articleBody`` (``files.analyze_files`` with this service's
        enricher)."""
        return analyze_files(path, self.enricher, plain=plain, batch_size=batch_size)
