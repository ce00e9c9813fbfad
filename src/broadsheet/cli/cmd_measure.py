"""The measurement contract: extract, analyze, bench (see docs/BENCHMARKS.md)."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .app import (
    Context,
    cli,
    emit_json,
    format_option,
    handle_errors,
    pass_ctx,
    print_report,
    progress_bar,
)
from .exit_codes import ExitCode
from .render import styled

if TYPE_CHECKING:
    from ..service import FileRow


@cli.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@format_option("jsonl")
@pass_ctx
@handle_errors
def extract(ctx: Context, path: Path, fmt: str) -> None:
    """Read the article out of each page or text dump (JSON Lines, one per file).

    Fields: id, headline, byline, published_at, images, sections, articleBody.
    """
    # the service's file reader, without opening the service: reading files touches no
    # archive, and this way the command imports no store, search index or accounts
    from ..service.files import extract_files

    failed = 0
    for item in _each(extract_files(path), path):
        if item.error is not None:
            failed += 1
            ctx.err.print(styled(f"{item.path}: {item.error}", "red"))
            item.row["error"] = item.error
        emit_json(item.row)
    if failed:
        sys.exit(int(ExitCode.PARTIAL))


@cli.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--plain",
    is_flag=True,
    help="Take each .txt file as clean article text, as it is (no extraction).",
)
@format_option("jsonl")
@click.option("--batch-size", type=int, default=16, show_default=True)
@pass_ctx
@handle_errors
def analyze(ctx: Context, path: Path, plain: bool, fmt: str, batch_size: int) -> None:
    """Extract and annotate: entities, quotes with speakers, facts, topics (JSON Lines).

    Offsets index into articleBody (with --plain: into the file's text exactly as read).
    Each annotation also carries its text and the sentence behind it.
    """
    # the enricher and the file reader, without opening the service: analysing files
    # touches no archive, and this way the command imports no store, search index,
    # accounts or alerts (as ``extract``); spaCy without its command line (≈ 0.24 s CPU)
    from .spacy_import import import_spacy

    import_spacy()
    from ..enrich import Enricher
    from ..service.files import analyze_files

    enricher = Enricher(model=ctx.settings.enrich.model)
    # the model and tables live until the command ends: kept out of the collector's full
    # passes, which walked them each time (≈ 55 ms a pass; gen-2 time over the 100
    # news900 articles 0.116 -> 0.056 s)
    gc.freeze()
    rows = analyze_files(path, enricher, plain=plain, batch_size=batch_size)
    for item in _each(rows, path):
        if item.error is not None:
            ctx.err.print(styled(f"{item.path}: {item.error}", "red"))
            continue
        emit_json(item.row)


def _each(rows: Iterable[FileRow], path: Path) -> Iterator[FileRow]:
    """The rows, or a usage error when ``path`` holds no file to read."""
    empty = True
    for item in rows:
        empty = False
        yield item
    if empty:
        raise click.UsageError(f"no .html, .htm, .html.gz or .txt files in {path}")


@cli.group()
def bench() -> None:
    """Benchmarks: extraction quality and speed, search latency."""


@bench.command("extract")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--ground-truth",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Gold file (default: DIRECTORY/ground-truth.json).",
)
@format_option("table", "json")
@pass_ctx
@handle_errors
def bench_extract(ctx: Context, directory: Path, ground_truth: Path | None, fmt: str) -> None:
    """Score Broadsheet's extraction against trafilatura (fast) in the same run."""
    from ..bench.extract import run_extract_bench

    gold = ground_truth or (directory / "ground-truth.json")
    report = run_extract_bench(directory, gold if gold.exists() else None)
    data = json.loads(report.to_json())
    print_report(ctx, data, fmt)


@bench.command("entities")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--anchor/--no-anchor",
    default=True,
    show_default=True,
    help="Also score spaCy's own entities from the same parse.",
)
@format_option("table", "json")
@pass_ctx
@handle_errors
def bench_entities(ctx: Context, file: Path, anchor: bool, fmt: str) -> None:
    """Score entities on a CoNLL-2003-format FILE: PER, ORG, LOC as PERSON, ORG, PLACE.

    Exact spans, micro-averaged; documents split at -DOCSTART- (or before datelines).
    """
    from ..bench.entities import run_entities_bench

    data = json.loads(run_entities_bench(file, anchor=anchor).to_json())
    print_report(ctx, data, fmt)


@bench.command("enrich")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--rounds", type=int, default=3, show_default=True, help="Runs; medians reported.")
@click.option(
    "--cpu",
    type=int,
    default=0,
    show_default=True,
    help="Pin each run to this core with taskset (-1: do not pin).",
)
@format_option("table", "json")
@pass_ctx
@handle_errors
def bench_enrich(ctx: Context, directory: Path, rounds: int, cpu: int, fmt: str) -> None:
    """Time `analyze DIRECTORY --plain` as a whole process, model load included.

    Reports articles/s by wall and by CPU time (median of the rounds).
    """
    from ..bench.enrich import run_enrich_bench

    report = run_enrich_bench(directory, rounds=rounds, cpu=None if cpu < 0 else cpu)
    data = json.loads(report.to_json())
    print_report(ctx, data, fmt)


@bench.command("metadata")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--gold",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Gold metadata file (default: DIRECTORY/metadata.json).",
)
@click.option("--rounds", type=int, default=3, show_default=True, help="Timed rounds (median).")
@click.option("--misses", is_flag=True, help="List every wrong answer (JSON output only).")
@format_option("table", "json")
@pass_ctx
@handle_errors
def bench_metadata(
    ctx: Context, directory: Path, gold: Path | None, rounds: int, misses: bool, fmt: str
) -> None:
    """Score headline, byline and date against trafilatura's metadata in the same run."""
    from ..bench.metadata import run_metadata_bench

    report = run_metadata_bench(directory, gold, rounds=rounds)
    data = json.loads(report.to_json(with_misses=misses))
    print_report(ctx, data, fmt)


@bench.command("search")
@click.option("--articles", type=int, default=100_000, show_default=True)
@click.option("--queries", type=int, default=200, show_default=True, help="Queries per class.")
@click.option("--seed", type=int, default=7, show_default=True)
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to build the corpus (default: a temporary directory).",
)
@click.option(
    "--backend",
    type=click.Choice(["tantivy", "postgres-rum", "postgres-gin"]),
    default="tantivy",
    show_default=True,
    help="The search backend timed (PostgreSQL: ranked with RUM, or GIN and ts_rank).",
)
@click.option(
    "--postgres",
    "postgres_url",
    metavar="URL",
    help="An empty PostgreSQL database for the postgres backends (postgresql://...).",
)
@format_option("table", "json")
@pass_ctx
@handle_errors
def bench_search(
    ctx: Context,
    articles: int,
    queries: int,
    seed: int,
    workdir: Path | None,
    backend: str,
    postgres_url: str | None,
    fmt: str,
) -> None:
    """Build a reproducible synthetic corpus of N articles and time the query classes."""
    if backend != "tantivy" and not postgres_url:
        raise click.UsageError(f"--backend {backend} needs --postgres URL (an empty database)")
    import tempfile

    from ..bench.search import run_search_bench

    with tempfile.TemporaryDirectory(prefix="broadsheet-bench-") as tmp:
        where = workdir or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        with progress_bar(ctx, f"indexing {articles:,} articles", articles) as update:
            result = run_search_bench(
                articles,
                workdir=where,
                seed=seed,
                queries_per_class=queries,
                progress=lambda done, total: update(done, total),
                backend=backend,
                postgres_url=postgres_url,
            )
    print_report(ctx, result, fmt)
