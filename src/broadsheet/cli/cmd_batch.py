"""Archives in bulk: `broadsheet batch` (Spark over WARC files)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.text import Text

from .app import Context, cli, handle_errors, pass_ctx, progress_bar
from .exit_codes import ExitCode
from .render import clean, styled

if TYPE_CHECKING:
    from ..config import Settings


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the Parquet tables: articles, entities, tickers, quotes, facts.",
)
@click.option(
    "--spark",
    "master",
    default="local[2]",
    show_default=True,
    help="Spark master: local[N] on this machine, or spark://HOST:7077 for a cluster.",
)
@click.option("--partitions", type=int, help="Tasks to cut the archives into (default: the cores).")
@click.option(
    "--store",
    "store_url",
    help="Also load the results into this store (a SQLite file or a postgresql:// URL) "
    "through the same idempotent writes as ingest.",
)
@pass_ctx
@handle_errors
def batch(
    ctx: Context,
    paths: tuple[Path, ...],
    out: Path,
    master: str,
    partitions: int | None,
    store_url: str | None,
) -> None:
    """Extract and annotate WARC archives in bulk as a Spark job.

    Each HTML response record goes through the same reading as `broadsheet ingest`; the
    results are written as Parquet tables (one row per article; one per entity, ticker,
    quote and fact, keyed by the article's `key`). With --store they are stored as well.

    \b
    Examples:
      broadsheet batch crawl/ --out tables/ --spark local[2]
      broadsheet batch a.warc.gz b.warc.gz --out t/ --spark spark://head:7077
      broadsheet batch crawl/ --out t/ --store ~/.local/share/broadsheet/broadsheet.db
    """
    with ctx.service() as svc:
        results = svc.run_batch(
            paths,
            out,
            master=master,
            partitions=partitions,
            say=lambda line: ctx.err.print(styled(line, "dim")),
        )
    documents = sum(r.documents for r in results)
    articles = sum(r.articles for r in results)
    failed = sum(r.failed for r in results)
    ctx.out.print(
        f"{documents} records read, {articles} articles, {failed} without an article; "
        f"tables in {out}"
    )
    for result in results:
        for error in result.errors[:5]:
            ctx.err.print(Text("  skipped ", style="yellow").append(clean(error)))
    if store_url is None:
        return
    settings = _store_settings(ctx.settings, store_url)
    from ..service import open_service

    with (
        open_service(settings, enrich=ctx.enrich) as target,
        progress_bar(ctx, "storing", articles + failed) as update,
    ):
        report = target.load_batch(out, progress=update)
    counts = ", ".join(f"{n} {k}" for k, n in sorted(report.counts.items()))
    ctx.out.print(f"stored in {clean(settings.database)}: {counts or 'nothing'}")
    if report.failures and len(report.failures) == report.total:
        sys.exit(int(ExitCode.PARTIAL))


def _store_settings(settings: Settings, store_url: str) -> Settings:
    """Settings for the store at ``store_url``: a SQLite file's folder is its home (its
    search index beside it, as in every home); a server store keeps this home's index."""
    from ..store import is_server_url

    if is_server_url(store_url) or Path(store_url).expanduser() == Path(settings.database):
        store = settings.store.model_copy(update={"url": store_url})
        return settings.model_copy(update={"store": store})
    home = Path(store_url).expanduser().resolve().parent
    return settings.model_copy(
        update={
            "home": home,
            "store": settings.store.model_copy(update={"url": str(Path(store_url).resolve())}),
            "search": settings.search.model_copy(update={"index_dir": home / "index"}),
        }
    )
