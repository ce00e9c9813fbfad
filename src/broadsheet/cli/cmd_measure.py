"""The measurement contract: extract, analyze, bench (see docs/BENCHMARKS.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from ..errors import BroadsheetError
from ..models import Annotations, Document
from .app import Context, cli, emit_json, handle_errors, pass_ctx, progress_bar
from .exit_codes import ExitCode
from .render import plural

_SUFFIXES = (".html.gz", ".html", ".htm", ".txt")


def _input_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(_SUFFIXES))


def _read_document(path: Path) -> Document:
    import gzip

    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    media = "text/plain" if path.name.endswith(".txt") else "text/html"
    return Document(uri=str(path), body=raw, media_type=media, fetched_at=datetime.now(UTC))


def _rows(ctx: Context, path: Path) -> Iterator[tuple[Path, dict[str, Any] | None, str]]:
    from ..extract import article_to_row, doc_id_for, extract_document

    files = _input_files(path)
    if not files:
        raise click.UsageError(f"no .html, .htm, .html.gz or .txt files in {path}")
    for file in files:
        try:
            article = extract_document(_read_document(file))
        except BroadsheetError as exc:
            yield file, None, str(exc)
            continue
        yield file, article_to_row(doc_id_for(file), article), article.body


def _annotation_fields(ann: Annotations) -> dict[str, Any]:
    return {
        "entities": [
            {"start": e.start, "end": e.end, "type": e.type, "name": e.name} for e in ann.entities
        ],
        "quotes": [
            {
                "content": list(q.content),
                "source": list(q.source) if q.source else None,
                "cue": list(q.cue) if q.cue else None,
                "speaker": q.speaker,
                "kind": q.kind,
                "speaker_title": q.speaker_title,
                "speaker_affiliation": q.speaker_affiliation,
            }
            for q in ann.quotes
        ],
        "facts": [
            {
                "start": f.start,
                "end": f.end,
                "value": f.value,
                "unit": f.unit,
                "measure": f.measure,
                "period": f.period,
                "subject": f.subject,
            }
            for f in ann.facts
        ],
        "tickers": [
            {
                "start": t.start,
                "end": t.end,
                "ticker": t.ticker,
                "company": t.company,
                "relevance": t.relevance,
            }
            for t in ann.tickers
        ],
        "topics": list(ann.topics),
        "tone": ann.tone,
    }


@cli.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@pass_ctx
@handle_errors
def extract(ctx: Context, path: Path, fmt: str) -> None:
    """Read the article out of each page or text dump (JSON Lines, one per file).

    Fields: id, headline, byline, published_at, images, sections, articleBody.
    """
    failed = 0
    for file, row, error in _rows(ctx, path):
        if row is None:
            failed += 1
            ctx.err.print(f"[red]{file}[/]: {error}")
            from ..extract import doc_id_for

            row = {
                "id": doc_id_for(file),
                "headline": None,
                "byline": None,
                "published_at": None,
                "images": [],
                "sections": [],
                "articleBody": "",
                "error": error,
            }
        emit_json(row)
    if failed:
        sys.exit(int(ExitCode.PARTIAL))


@cli.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--plain",
    is_flag=True,
    help="Take each .txt file as clean article text, as it is (no extraction).",
)
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option("--batch-size", type=int, default=16, show_default=True)
@pass_ctx
@handle_errors
def analyze(ctx: Context, path: Path, plain: bool, fmt: str, batch_size: int) -> None:
    """Extract and annotate: entities, quotes with speakers, facts, topics (JSON Lines).

    Offsets index into articleBody (with --plain: into the file's text exactly as read).
    """
    from ..enrich import Enricher
    from ..extract import doc_id_for

    enricher = Enricher(model=ctx.settings.enrich.model)
    pending: list[tuple[dict[str, Any], str]] = []

    def flush() -> None:
        results = list(enricher.analyze_many([text for _, text in pending], batch_size=batch_size))
        for (row, _), ann in zip(pending, results, strict=True):
            row.update(_annotation_fields(ann))
            emit_json(row)
        pending.clear()

    if plain:
        files = [path] if path.is_file() else sorted(path.rglob("*.txt"))
        for file in files:
            text = file.read_text("utf-8")
            row: dict[str, Any] = {
                "id": doc_id_for(file),
                "headline": None,
                "byline": None,
                "published_at": None,
                "images": [],
                "sections": [],
                "articleBody": text,
            }
            pending.append((row, text))
            if len(pending) >= batch_size:
                flush()
    else:
        for file, extracted, error in _rows(ctx, path):
            if extracted is None:
                ctx.err.print(f"[red]{file}[/]: {error}")
                continue
            pending.append((extracted, str(extracted["articleBody"])))
            if len(pending) >= batch_size:
                flush()
    if pending:
        flush()


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
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@pass_ctx
@handle_errors
def bench_extract(ctx: Context, directory: Path, ground_truth: Path | None, fmt: str) -> None:
    """Score Broadsheet's extraction against trafilatura (fast) in the same run."""
    from ..extract.bench import run_extract_bench

    gold = ground_truth or (directory / "ground-truth.json")
    report = run_extract_bench(directory, gold if gold.exists() else None)
    data = json.loads(report.to_json())
    if fmt == "json":
        emit_json(data)
        return
    ctx.out.print_json(data=data)


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
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@pass_ctx
@handle_errors
def bench_search(
    ctx: Context, articles: int, queries: int, seed: int, workdir: Path | None, fmt: str
) -> None:
    """Build a reproducible synthetic corpus of N articles and time the query classes."""
    import tempfile

    from ..search.bench import run_search_bench

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
            )
    if fmt == "json":
        emit_json(result)
        return
    ctx.out.print_json(data=result)


@cli.command()
@click.option("--all", "everything", is_flag=True, help="Every stored article.")
@click.argument("article_ids", type=int, nargs=-1)
@pass_ctx
@handle_errors
def enrich(ctx: Context, everything: bool, article_ids: tuple[int, ...]) -> None:
    """(Re)annotate stored articles: entities, tickers, quotes, facts, topics."""
    if not everything and not article_ids:
        raise click.UsageError("name article ids, or --all")
    ctx.enrich = True
    with ctx.pipeline() as pipe:
        total = pipe.store.count_articles() if everything else len(article_ids)
        with progress_bar(ctx, "enriching", total) as update:
            report = pipe.enrich_articles(
                None if everything else list(article_ids), progress=update
            )
    rate = report.total / report.seconds if report.seconds else 0.0
    ctx.out.print(
        f"annotated {plural(report.total - len(report.failures), 'story', 'stories')} "
        f"({rate:.1f}/s), {len(report.failures)} failed"
    )
