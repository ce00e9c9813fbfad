"""Bulk reading of web archives as a Spark job (after Common Crawl's ``cc-pyspark``).

The driver lists the WARC files and cuts each into ``shards`` tasks (task k of a file keeps
the records whose number is k modulo the shards), so one large archive still spreads over
every core. Each task streams its records through the same code as ``broadsheet ingest``
(``sources.iter_documents`` → ``pipeline.read_document`` → ``enrich``), loading the model
once per executor process, and writes its own Parquet part of every table (``tables``)
atomically, so a retried task replaces its part rather than adding to it. The driver only
collects counts, and the tables replace the output folder's only when every task is done.
The output is read back into a store with ``Service.load_batch``.

Runs wherever PySpark runs: ``local[N]`` on one machine, or a standalone cluster by its
master URL (``spark://host:7077``; every worker needs Broadsheet installed).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import BroadsheetError, ConfigError
from .tables import TABLES, annotation_rows, article_row

__all__ = ["BatchTask", "TaskResult", "input_archives", "plan_tasks", "run_spark_batch", "run_task"]

# one executor process reads many tasks: the model is loaded once per process
_ENRICHERS: dict[str, Any] = {}


@dataclass(frozen=True, slots=True)
class BatchTask:
    file: str
    shard: int
    shards: int

    @property
    def part(self) -> str:
        digest = hashlib.sha1(self.file.encode()).hexdigest()[:12]
        return f"part-{digest}-{self.shard:04d}-of-{self.shards:04d}"


@dataclass(slots=True)
class TaskResult:
    task: BatchTask
    documents: int = 0
    articles: int = 0
    failed: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def input_archives(paths: Iterable[Path]) -> list[Path]:
    """The WARC files named, or found under the folders named, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and p.name.endswith((".warc", ".warc.gz"))
            )
        elif path.is_file():
            found.append(path)
        else:
            raise ConfigError(f"no such file or folder: {path}")
    return found


def plan_tasks(files: Sequence[Path], partitions: int) -> list[BatchTask]:
    """At least ``partitions`` tasks in all: each file cut into equal shards."""
    if not files:
        return []
    shards = max(1, -(-partitions // len(files)))
    return [BatchTask(str(f.resolve()), k, shards) for f in files for k in range(shards)]


def _enricher(model: str) -> Any:
    if model not in _ENRICHERS:
        from ..enrich import Enricher

        _ENRICHERS[model] = Enricher(model=model)
    return _ENRICHERS[model]


def run_task(task: BatchTask, out: str, *, enrich: bool, model: str) -> TaskResult:
    """Read one task's records, write its Parquet parts; never raises for a bad record."""
    from ..errors import ExtractionError
    from ..pipeline import read_document
    from ..sources import iter_documents

    result = TaskResult(task)
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}

    def on_error(where: str, exc: Exception) -> None:
        result.errors.append(f"{where}: {exc}")

    enricher = _enricher(model) if enrich else None
    for number, doc in enumerate(iter_documents(Path(task.file), on_error=on_error)):
        if number % task.shards != task.shard:
            continue
        result.documents += 1
        key = f"{task.file}:{number}"
        try:
            article, identity = read_document(doc)
        except (ExtractionError, BroadsheetError) as exc:
            tables["articles"].append(
                article_row(key, task.file, number, doc, None, None, None, error=str(exc))
            )
            result.failed += 1
            continue
        except Exception as exc:  # a parser bug must not kill the job
            tables["articles"].append(
                article_row(key, task.file, number, doc, None, None, None, error=repr(exc))
            )
            result.failed += 1
            continue
        annotations, enrich_error = None, None
        if enricher is not None:
            try:
                annotations = enricher.analyze(article.body)
            except Exception as exc:  # the article is kept, marked as not annotated
                enrich_error = str(exc) or repr(exc)
        tables["articles"].append(
            article_row(
                key,
                task.file,
                number,
                doc,
                article,
                identity,
                annotations,
                enrich_error=enrich_error,
            )
        )
        if annotations is not None:
            for name, rows in annotation_rows(key, annotations).items():
                tables[name].extend(rows)
        result.articles += 1
    for name, rows in tables.items():
        result.rows[name] = len(rows)
        _write_part(Path(out) / name, task.part, rows, TABLES[name])
    return result


def _write_part(folder: Path, part: str, rows: list[dict[str, Any]], schema: pa.Schema) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{part}.parquet"
    partial = folder / f".{part}.parquet.partial"
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), partial)
    os.replace(partial, final)  # a retried task replaces its part, never adds a second


def run_spark_batch(
    files: Sequence[Path],
    out: Path,
    *,
    master: str = "local[2]",
    partitions: int | None = None,
    enrich: bool = True,
    model: str = "en_core_web_sm",
    say: Callable[[str], None] = lambda line: None,
) -> list[TaskResult]:
    """Run the job over ``files`` on the Spark ``master``; the tables go to ``out``."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - pyspark is a dependency
        raise ConfigError(f"Spark is not installed: {exc}") from exc

    out.mkdir(parents=True, exist_ok=True)
    local = master.startswith("local")
    cores = partitions or _cores(master)
    tasks = plan_tasks(files, cores)
    if not tasks:
        return []
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName("broadsheet-batch")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.task.maxFailures", "4")
        .config("spark.python.worker.reuse", "true")
    )
    if local:  # stay on loopback: no other host needs to reach the driver
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    say(f"{len(tasks)} tasks over {len(files)} archives on {master}")
    # the job writes beside the output and replaces it only when every task is done: a
    # failed job leaves the previous tables whole, a new one never mixes with them
    staging = out / f".staging-{uuid.uuid4().hex}"
    target = str(staging.resolve())
    try:
        results: list[TaskResult] = (
            spark.sparkContext.parallelize(tasks, len(tasks))
            .map(lambda task: run_task(task, target, enrich=enrich, model=model))
            .collect()
        )
        for name in TABLES:
            shutil.rmtree(out / name, ignore_errors=True)
            os.replace(staging / name, out / name)
    finally:
        spark.stop()
        shutil.rmtree(staging, ignore_errors=True)
    return results


def _cores(master: str) -> int:
    if master.startswith("local[") and master.endswith("]"):
        inner = master[6:-1]
        if inner == "*":
            return os.cpu_count() or 1
        if inner.isdigit():
            return max(1, int(inner))
    return max(2, os.cpu_count() or 1)
