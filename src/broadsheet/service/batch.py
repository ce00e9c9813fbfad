"""Archives in bulk: a Spark job over WARC files (``broadsheet.batch``), and loading its
tables into a store through the same idempotent writes as ``ingest``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..pipeline import BatchReport, IngestOutcome
from .base import ServiceBase

if TYPE_CHECKING:
    from ..batch import TaskResult

__all__ = ["BatchTasks"]


class BatchTasks(ServiceBase):
    def run_batch(
        self,
        paths: Sequence[Path],
        out: Path,
        *,
        master: str = "local[2]",
        partitions: int | None = None,
        say: Callable[[str], None] = lambda line: None,
    ) -> list[TaskResult]:
        """Extract and annotate every HTML record of the WARC files (or folders of them) as a
        Spark job on ``master``; Parquet tables go to ``out``. Returns each task's result."""
        from ..batch import input_archives, run_spark_batch

        files = input_archives(paths)
        return list(
            run_spark_batch(
                files,
                out,
                master=master,
                partitions=partitions,
                enrich=self.enrich,
                model=self.settings.enrich.model,
                say=say,
            )
        )

    def load_batch(
        self, out: Path, *, progress: Callable[[int, int | None, str], None] | None = None
    ) -> BatchReport:
        """Store what a batch job wrote to ``out`` (articles in archive order, with the
        annotations the job made); re-loading stores nothing twice."""
        import pyarrow.dataset as ds

        from ..batch import ANNOTATION_TABLES, annotations_from_rows, article_from_row

        report = BatchReport()
        articles = ds.dataset(out / "articles", format="parquet").to_table()
        rows = sorted(articles.to_pylist(), key=lambda r: (r["source_file"], r["record"]))
        annotations: dict[str, dict[str, list[dict[str, object]]]] = {}
        for table in ANNOTATION_TABLES:
            folder = out / table
            if not folder.exists():
                continue
            for row in ds.dataset(folder, format="parquet").to_table().to_pylist():
                annotations.setdefault(str(row["key"]), {}).setdefault(table, []).append(row)
        pipe = self.pipeline
        for done, row in enumerate(rows, 1):
            if row["error"]:
                report.add(IngestOutcome(uri=row["uri"], status="failed", error=row["error"]))
            else:
                article = article_from_row(row)
                made = (
                    annotations_from_rows(row, annotations.get(row["key"], {}))
                    if row["enriched"]
                    else None
                )
                report.add(
                    pipe.ingest_article(
                        article,
                        guid=row["identity"],
                        first_seen_at=datetime.fromisoformat(row["fetched_at"]),
                        annotations=made,
                    )
                )
            if progress is not None:
                progress(done, len(rows), row["uri"])
        pipe.flush()
        return report
