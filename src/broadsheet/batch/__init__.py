"""Bulk reading of archives: a Spark job over WARC files that extracts and annotates every
page with the same code as ``broadsheet ingest``, writing Parquet tables (``tables``) that
``Service.load_batch`` stores through the same idempotent writes."""

from __future__ import annotations

from .spark import BatchTask, TaskResult, input_archives, plan_tasks, run_spark_batch, run_task
from .tables import (
    ANNOTATION_TABLES,
    ARTICLE_SCHEMA,
    TABLES,
    annotation_rows,
    annotations_from_rows,
    article_from_row,
    article_row,
)

__all__ = [
    "ANNOTATION_TABLES",
    "ARTICLE_SCHEMA",
    "TABLES",
    "BatchTask",
    "TaskResult",
    "annotation_rows",
    "annotations_from_rows",
    "article_from_row",
    "article_row",
    "input_archives",
    "plan_tasks",
    "run_spark_batch",
    "run_task",
]
