"""The archive: ingest, top, search, read, export, delete, reindex, enrich."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..models import CUE_CLASSES
from ..textsafe import neutralise_formula
from .app import Context, cli, emit_json, format_option, handle_errors, pass_ctx, progress_bar
from .exit_codes import ExitCode
from .render import clean, clean_json, context_around, highlight_snippet, plural, styled, when

if TYPE_CHECKING:
    from ..service import ArticleView


@cli.command()
@click.argument("targets", nargs=-1, required=True)
@pass_ctx
@handle_errors
def ingest(ctx: Context, targets: tuple[str, ...]) -> None:
    """Take in files, folders, WARC archives or URLs once (no subscription).

    Folders are walked in sorted order: .html/.htm/.html.gz pages, .txt page dumps,
    .warc/.warc.gz archives. A URL is fetched: a feed's entries or a single page.
    Bad items are reported and skipped; the batch always finishes.
    """
    with ctx.service() as svc, progress_bar(ctx, "ingesting", None) as update:
        report = svc.ingest(targets, progress=update)
    counts = ", ".join(f"{n} {k}" for k, n in sorted(report.counts.items()) if k != "failed")
    failed = len(report.failures)
    ctx.out.print(f"ingested: {counts or 'nothing'}" + (f", {failed} failed" if failed else ""))
    for uri, error in report.failures[:20]:
        line = Text("  failed ", style="red")
        line.append(f"{clean(uri)}: {clean(error)}")
        ctx.out.print(line)
    if failed > 20:
        ctx.out.print(f"  … and {failed - 20} more failures")
    if failed:
        sys.exit(int(ExitCode.PARTIAL))


@cli.command()
@click.argument("query", required=False, default="")
@click.option("--limit", "-n", type=int, default=20, show_default=True)
@format_option("table", "jsonl")
@pass_ctx
@handle_errors
def top(ctx: Context, query: str, limit: int, fmt: str) -> None:
    """Top stories now, one row per story with the number of outlets carrying it; ranked by
    recency and by how many outlets carry it. Optionally only stories matching QUERY, e.g.
    `top 'source:"Meridian Wire"'` or `top topic:central-banks`."""
    with ctx.service() as svc:
        clusters = svc.top(query, limit=limit)
    if fmt == "jsonl":
        for cluster in clusters:
            emit_json(cluster.to_json())
        return
    if not clusters:
        ctx.out.print("No stories yet. Try `broadsheet demo`, `add URL` or `ingest PATH`.")
        return
    table = Table(title=f"Top stories{f' — {clean(query)}' if query else ''}")
    table.add_column("id", no_wrap=True, style="dim")
    table.add_column("time", no_wrap=True)
    # a narrow terminal gives the headline the room: the sources go under it
    wide = ctx.out.width >= 110
    if wide:
        table.add_column("source", max_width=24)
    table.add_column("headline" if wide else "headline / source", overflow="fold", ratio=1)
    for cluster in clusters:
        lead = cluster.lead
        sources = cluster.sources
        carried = clean(lead.source) if len(sources) <= 1 else f"{len(sources)} sources"
        headline = styled(lead.headline or "(no headline)")
        if not wide:
            headline.append("\n" + (carried or ""), style="cyan")
        row: list[str | Text] = [str(lead.id), when(lead.when)]
        row += [styled(carried), headline] if wide else [headline]
        table.add_row(*row)
    ctx.out.print(table)


@cli.command()
@click.argument("query")
@click.option("--limit", "-n", type=int, default=None, help="Results to show (default 20).")
@click.option(
    "--sort", type=click.Choice(["relevance", "newest"]), default="relevance", show_default=True
)
@click.option("--cursor", help="Continue from where a previous page ended (its next_cursor).")
@format_option("table", "jsonl")
@pass_ctx
@handle_errors
def search(
    ctx: Context, query: str, limit: int | None, sort: str, cursor: str | None, fmt: str
) -> None:
    """Search everything taken in.

    \b
    Query language:
      words and "exact phrases"     AND, OR, NOT (or -word), ( )
      headline:word  source:name  lang:en
      since:2010-01-01  until:2010-06-30  since:7d (also 24h, 2w, today)
      person: org: place: ticker: topic: quote: by:   (from enrichment)
      names match whole or by whole words: person:Merkel  by:Glaser
    Example: by:"Bonnie Glaser" topic:diplomacy since:2010-01-01
    """
    with ctx.service() as svc:
        page = svc.search(
            query, limit=limit, sort="newest" if sort == "newest" else "relevance", cursor=cursor
        )
    if fmt == "jsonl":
        for hit in page.hits:
            emit_json(hit.to_json())
        return
    if not page.hits:
        ctx.out.print(Text("no stories match ").append(clean(query), style="bold"))
        return
    noun = "matching story" if page.total == 1 and page.total_exact else "matching stories"
    ctx.out.print(f"{page.total_text} {noun}", style="dim")
    for hit in page.hits:
        title = Text(f"{hit.id}  ", style="dim")
        title.append(clean(hit.headline) or "(no headline)", style="bold")
        ctx.out.print(title)
        dated = when(hit.published_at) if hit.published_at else f"seen {when(hit.first_seen_at)}"
        ctx.out.print(styled(f"{hit.source or ''}  {dated}", "cyan"))
        if hit.snippet:
            ctx.out.print(highlight_snippet(hit.snippet))
        ctx.out.print()
    if page.next_cursor:
        ctx.out.print(f"more: --cursor {page.next_cursor}", style="dim")


@cli.command()
@click.argument("article_id", type=int)
@format_option("text", "json")
@click.option(
    "--all-quotes",
    is_flag=True,
    help="Show every attribution (thoughts, beliefs, actions), not only what was said or written.",
)
@pass_ctx
@handle_errors
def read(ctx: Context, article_id: int, fmt: str, all_quotes: bool) -> None:
    """Read one stored story, with its entities, quotes and facts and their sentences, its
    versions and the same story from other outlets. Quotes are what was said or written
    unless --all-quotes."""
    with ctx.service() as svc:
        view = svc.read(article_id, cue_classes=CUE_CLASSES if all_quotes else None)
    if fmt == "json":
        emit_json(view.to_json())
        return
    _print_article(ctx, view)


def _print_article(ctx: Context, view: ArticleView) -> None:
    art = view.article
    head = styled(art.headline or "(no headline)", "bold")
    meta = " · ".join(
        x
        for x in (
            art.source_name,
            art.byline,
            when(art.published_at) if art.published_at else None,
            f"seen {when(art.first_seen_at)}",
            f"version {art.version} of {len(view.versions) or 1}",
            f"story #{art.story_id}" if art.story_id else None,
            art.canonical_url or art.url,
        )
        if x
    )
    ctx.out.print(Panel(Text.assemble(head, "\n", (clean(meta), "cyan"))))
    for image in art.images:
        bits = [b for b in (image.title, image.caption, image.credit) if b]
        if bits:
            ctx.out.print(styled("▣ " + " — ".join(bits), "italic dim"))
    for para in art.body.split("\n\n"):
        ctx.out.print(styled(para, "bold underline" if para in art.sections else ""))
        ctx.out.print()
    if art.enrich_status and art.enrich_status != "ok":
        ctx.out.print(Text("enrichment failed: ", style="yellow").append(clean(art.enrich_status)))
    _print_annotations(ctx, view)
    if view.others:
        ctx.out.print(Text("The same story elsewhere", style="bold"))
        for other in view.others:
            line = Text(f"  {other.id}  ", style="dim")
            line.append(clean(other.source) or "?", style="cyan")
            line.append("  " + clean(other.headline))
            ctx.out.print(line)


def _print_annotations(ctx: Context, view: ArticleView) -> None:
    from ..service import Sentences

    body, ann = view.article.body, view.annotations
    sentences = Sentences(body)
    if ann.entities:
        table = Table(title="Who and what", show_lines=False)
        table.add_column("type", no_wrap=True, min_width=6)
        table.add_column("name", overflow="fold", min_width=14)
        table.add_column("n", justify="right", min_width=2)
        table.add_column("first mention", overflow="fold")
        seen: dict[tuple[str, str], list[Any]] = {}
        for e in ann.entities:
            seen.setdefault((e.type, e.name), []).append(e)
        order = {"PERSON": 0, "ORG": 1, "PLACE": 2}
        for (etype, name), mentions in sorted(
            seen.items(), key=lambda kv: (order.get(kv[0][0], 3), kv[0][1])
        ):
            first = mentions[0]
            table.add_row(
                etype,
                styled(name),
                str(len(mentions)),
                context_around(body, first.start, first.end),
            )
        ctx.out.print(table)
    if ann.tickers:
        by_ticker: dict[str, list[Any]] = {}
        for t in ann.tickers:
            by_ticker.setdefault(t.ticker, []).append(t)
        ctx.out.print(
            styled(
                "Tickers: "
                + ", ".join(
                    f"{ticker} ({found[0].company}, relevance "
                    f"{max(t.relevance for t in found):.2f}"
                    f"{f', {len(found)} mentions' if len(found) > 1 else ''})"
                    for ticker, found in by_ticker.items()
                )
            )
        )
    if ann.quotes:
        table = Table(title="Quotes (the words; below them, the sentence that says who said them)")
        for col in ("speaker", "kind", "said"):
            table.add_column(col, overflow="fold")
        for q in ann.quotes:
            who = q.speaker or "(unattributed)"
            if q.speaker_title or q.speaker_affiliation:
                who += "\n" + ", ".join(x for x in (q.speaker_title, q.speaker_affiliation) if x)
            said = styled(body[q.content[0] : q.content[1]])
            sentence = sentences.of_quote(q)
            if sentence:
                said.append("\n" + clean(sentence), style="dim")
            kind = q.kind if q.cue_class == "speech" else f"{q.kind}\n{q.cue_class}"
            table.add_row(styled(who), kind, said)
        ctx.out.print(table)
    if ann.facts:
        ctx.out.print(Text("Figures", style="bold"))
        for f in ann.facts:
            what = ", ".join(x for x in (f.measure, f.period, f.subject) if x)
            line = Text("  • ")
            line.append(clean(f.text or str(f.value)), style="bold")
            line.append(clean(f"  {what}" if what else ""))
            ctx.out.print(line)
            ctx.out.print(styled(f"    {sentences.around(f.start, f.end, 240)}", "dim"))
    if ann.topics:
        ctx.out.print(f"Topics: {', '.join(ann.topics)}   Tone: {ann.tone:+.2f}")


@cli.command()
@click.argument("query")
@format_option("jsonl", "csv", "parquet")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (required for parquet; default stdout).",
)
@click.option("--limit", type=int, default=10_000, show_default=True)
@pass_ctx
@handle_errors
def export(ctx: Context, query: str, fmt: str, out: Path | None, limit: int) -> None:
    """Export the stories matching QUERY (use '*' for everything).

    JSON Lines carry each story in full, annotations included (as `read --format json`);
    CSV and Parquet carry one flat row per story, with people, organizations, places and
    tickers as lists. CSV cells that a spreadsheet would run as a formula are neutralised.
    """
    if fmt == "parquet" and out is None:
        raise click.UsageError("--format parquet needs --out FILE")
    count = 0
    with ctx.service() as svc:
        views = svc.export(query, limit=limit)
        if fmt == "jsonl":
            with _opened(out) as handle:
                for view in views:
                    record = clean_json(view.to_json())
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                    count += 1
        else:
            rows = [clean_json(view.to_row()) for view in views]
            count = len(rows)
            if fmt == "parquet":
                import pandas as pd

                assert out is not None
                pd.DataFrame.from_records(rows).to_parquet(out, index=False)
            else:
                with _opened(out) as handle:
                    _write_csv(handle, rows)
    ctx.err.print(f"exported {plural(count, 'story', 'stories')}" + (f" to {out}" if out else ""))


class _opened:
    """A file to write, or standard output (left open)."""

    def __init__(self, out: Path | None) -> None:
        self._out = out
        self._handle: Any = None

    def __enter__(self) -> Any:
        self._handle = sys.stdout if self._out is None else self._out.open("w", encoding="utf-8")
        return self._handle

    def __exit__(self, *exc: object) -> None:
        if self._out is not None:
            self._handle.close()


def _cell(value: object) -> object:
    """Strings that a spreadsheet would run as a formula are neutralised; numbers stay."""
    return neutralise_formula(value) if isinstance(value, str) else value


def _write_csv(handle: Any, rows: list[dict[str, Any]]) -> None:
    buffer = io.StringIO()
    fields = list(rows[0]) if rows else ["id", "headline"]
    writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for rec in rows:
        writer.writerow(
            {k: _cell("; ".join(v) if isinstance(v, list) else v) for k, v in rec.items()}
        )
    handle.write(buffer.getvalue())


@cli.command()
@click.argument("article_ids", type=int, nargs=-1, required=True)
@pass_ctx
@handle_errors
def delete(ctx: Context, article_ids: tuple[int, ...]) -> None:
    """Delete stories; they will not come back when their source is fetched again."""
    with ctx.service() as svc:
        for article_id in svc.delete(article_ids):
            ctx.out.print(f"deleted {article_id}")


@cli.command()
@pass_ctx
@handle_errors
def reindex(ctx: Context) -> None:
    """Rebuild the search index from the store (the store is the record)."""
    with ctx.service() as svc:
        total = svc.store.count_articles()
        with progress_bar(ctx, "reindexing", total) as update:
            n = svc.reindex(progress=lambda done, total: update(done, total))
    ctx.out.print(f"indexed {plural(n, 'story', 'stories')}")


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
    with ctx.service() as svc:
        total = svc.store.count_articles() if everything else len(article_ids)
        with progress_bar(ctx, "enriching", total) as update:
            report = svc.enrich_stored(None if everything else article_ids, progress=update)
    rate = report.total / report.seconds if report.seconds else 0.0
    ctx.out.print(
        f"annotated {plural(report.total - len(report.failures), 'story', 'stories')} "
        f"({rate:.1f}/s), {len(report.failures)} failed"
    )
