"""The archive: ingest, top, search, read, export, delete, reindex."""

from __future__ import annotations

import csv
import io
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .app import Context, cli, emit_json, handle_errors, open_index, pass_ctx, progress_bar
from .exit_codes import ExitCode
from .render import (
    article_record,
    context_around,
    highlight_snippet,
    plain_snippet,
    plural,
    quote_sentence,
    sentence_around,
)


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


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
    from ..pipeline import BatchReport, ingest_url

    total = BatchReport()
    with ctx.pipeline() as pipe:
        for target in targets:
            if target.startswith(("http://", "https://")):
                report = ingest_url(pipe, target)
            else:
                path = Path(target)
                if not path.exists():  # reported once, with the batch's other failures
                    total.fail(target, "no such file or folder")
                    continue
                with progress_bar(ctx, f"ingesting {path.name}", None) as update:
                    report = pipe.ingest_path(path, progress=update)
            for key, n in report.counts.items():
                total.counts[key] = total.counts.get(key, 0) + n
            total.failures.extend(report.failures)
    counts = ", ".join(f"{n} {k}" for k, n in sorted(total.counts.items())) or "nothing"
    ctx.out.print(f"ingested: {counts}")
    for uri, error in total.failures[:20]:
        ctx.out.print(f"  [red]failed[/] {uri}: {error}")
    if len(total.failures) > 20:
        ctx.out.print(f"  … and {len(total.failures) - 20} more failures")
    if total.failures:
        sys.exit(int(ExitCode.PARTIAL))


@cli.command()
@click.argument("query", required=False, default="")
@click.option("--limit", "-n", type=int, default=20, show_default=True)
@pass_ctx
@handle_errors
def top(ctx: Context, query: str, limit: int) -> None:
    """The latest stories, newest first (by publication time); optionally only those
    matching QUERY, e.g. `top 'source:"Meridian Wire"'` or `top topic:central-banks`."""
    from ..search import parse_query

    hits = open_index(ctx).search(parse_query(query), limit=limit, sort="newest").hits
    table = Table(title=f"Top stories{f' — {query}' if query else ''}")
    table.add_column("id", no_wrap=True, style="dim")
    table.add_column("time", no_wrap=True)
    # a narrow terminal gives the headline the room: the source goes under it
    wide = ctx.out.width >= 110
    if wide:
        table.add_column("source", max_width=20)
    table.add_column("headline" if wide else "headline / source", overflow="fold", ratio=1)
    for h in hits:
        headline = Text(h.headline or "(no headline)")
        if not wide and h.source:
            headline.append("\n" + h.source, style="cyan")
        row: list[str | Text] = [str(h.article_id), _date(h.published_at or h.first_seen_at)]
        row += [h.source or "", headline] if wide else [headline]
        table.add_row(*row)
    if not hits:
        ctx.out.print("No stories yet. Try `broadsheet demo`, `add URL` or `ingest PATH`.")
        return
    ctx.out.print(table)


@cli.command()
@click.argument("query")
@click.option("--limit", "-n", type=int, default=None, help="Results to show (default 20).")
@click.option(
    "--sort", type=click.Choice(["relevance", "newest"]), default="relevance", show_default=True
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True
)
@pass_ctx
@handle_errors
def search(ctx: Context, query: str, limit: int | None, sort: str, fmt: str) -> None:
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
    from ..search import SortOrder, parse_query

    parsed = parse_query(query)
    index = open_index(ctx)
    order: SortOrder = "newest" if sort == "newest" else "relevance"
    results = index.search(parsed, limit=limit or ctx.settings.search.default_limit, sort=order)
    if fmt == "jsonl":
        for hit in results.hits:
            emit_json(
                {
                    "id": hit.article_id,
                    "score": hit.score,
                    "headline": hit.headline,
                    "source": hit.source,
                    "published_at": hit.published_at.isoformat() if hit.published_at else None,
                    "snippet": plain_snippet(hit.snippet or ""),
                }
            )
        return
    if not results.hits:
        ctx.out.print(f"no stories match [bold]{query}[/]")
        return
    ctx.out.print(f"[dim]{plural(results.total, 'matching story', 'matching stories')}[/]")
    for hit in results.hits:
        title = Text(f"{hit.article_id}  ", style="dim")
        title.append(hit.headline or "(no headline)", style="bold")
        meta = f"{hit.source or ''}  {_date(hit.published_at or hit.first_seen_at)}"
        ctx.out.print(title)
        ctx.out.print(Text(meta, style="cyan"))
        if hit.snippet:
            ctx.out.print(highlight_snippet(hit.snippet))
        ctx.out.print()


@cli.command()
@click.argument("article_id", type=int)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_ctx
@handle_errors
def read(ctx: Context, article_id: int, fmt: str) -> None:
    """Read one stored story, with its entities, quotes and facts and their sentences."""
    from ..store import open_store

    store = open_store(ctx.settings.database)
    try:
        art = store.get_article(article_id)
        ann = store.get_annotations(article_id)
        versions = store.article_versions(article_id)
    finally:
        store.close()
    if fmt == "json":
        rec = article_record(art, ann)
        rec["quotes"] = [
            {
                "speaker": q.speaker,
                "kind": q.kind,
                "text": art.body[q.content[0] : q.content[1]],
                "title": q.speaker_title,
                "affiliation": q.speaker_affiliation,
                "sentence": quote_sentence(art.body, q),
            }
            for q in ann.quotes
        ]
        rec["facts"] = [
            {
                "text": f.text,
                "value": f.value,
                "unit": f.unit,
                "measure": f.measure,
                "period": f.period,
                "subject": f.subject,
            }
            for f in ann.facts
        ]
        emit_json(rec)
        return
    head = Text(art.headline or "(no headline)", style="bold")
    meta = " · ".join(
        x
        for x in (
            art.source_name,
            art.byline,
            _date(art.published_at) if art.published_at else None,
            f"seen {_date(art.first_seen_at)}",
            f"version {art.version} of {len(versions) or 1}",
            f"story #{art.story_id}" if art.story_id else None,
            art.canonical_url or art.url,
        )
        if x
    )
    ctx.out.print(Panel(Text.assemble(head, "\n", (meta, "cyan"))))
    for image in art.images:
        bits = [b for b in (image.title, image.caption, image.credit) if b]
        if bits:
            ctx.out.print(Text("▣ " + " — ".join(bits), style="italic dim"))
    for para in art.body.split("\n\n"):
        style = "bold underline" if para in art.sections else ""
        ctx.out.print(Text(para, style=style))
        ctx.out.print()
    if art.enrich_status and art.enrich_status != "ok":
        ctx.out.print(f"[yellow]enrichment failed:[/] {art.enrich_status}")
    _print_annotations(ctx, art.body, ann)


def _print_annotations(ctx: Context, body: str, ann: Any) -> None:
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
                etype, name, str(len(mentions)), context_around(body, first.start, first.end)
            )
        ctx.out.print(table)
    if ann.tickers:
        by_ticker: dict[str, list[Any]] = {}
        for t in ann.tickers:
            by_ticker.setdefault(t.ticker, []).append(t)
        ctx.out.print(
            "Tickers: "
            + ", ".join(
                f"{ticker} ({found[0].company}, relevance {max(t.relevance for t in found):.2f}"
                f"{f', {len(found)} mentions' if len(found) > 1 else ''})"
                for ticker, found in by_ticker.items()
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
            said = Text(body[q.content[0] : q.content[1]])
            sentence = quote_sentence(body, q)
            if sentence:
                said.append("\n" + sentence, style="dim")
            table.add_row(who, q.kind, said)
        ctx.out.print(table)
    if ann.facts:
        ctx.out.print(Text("Figures", style="bold"))
        for f in ann.facts:
            what = ", ".join(x for x in (f.measure, f.period, f.subject) if x)
            line = Text("  • ")
            line.append(f.text or str(f.value), style="bold")
            line.append(f"  {what}" if what else "")
            ctx.out.print(line)
            ctx.out.print(Text(f"    {sentence_around(body, f.start, f.end, 240)}", style="dim"))
    if ann.topics:
        ctx.out.print(f"Topics: {', '.join(ann.topics)}   Tone: {ann.tone:+.2f}")


@cli.command()
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "parquet"]),
    default="jsonl",
    show_default=True,
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (required for parquet; default stdout).",
)
@click.option("--limit", type=int, default=10_000, show_default=True)
@pass_ctx
@handle_errors
def export(ctx: Context, query: str, fmt: str, out: Path | None, limit: int) -> None:
    """Export the stories matching QUERY (use '*' for everything)."""
    from ..search import parse_query
    from ..store import open_store

    store = open_store(ctx.settings.database)
    try:
        if query.strip() in ("*", ""):
            arts = list(store.iter_articles())[:limit]
        else:
            hits = open_index(ctx).search(parse_query(query), limit=limit).hits
            arts = store.get_articles([h.article_id for h in hits])
        records = [article_record(a, store.get_annotations(a.id)) for a in arts]
    finally:
        store.close()
    if fmt == "parquet":
        if out is None:
            raise click.UsageError("--format parquet needs --out FILE")
        import pandas as pd

        pd.DataFrame.from_records(records).to_parquet(out, index=False)
    elif fmt == "csv":
        buffer = io.StringIO()
        fields = list(records[0]) if records else ["id", "headline"]
        writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for rec in records:
            writer.writerow(
                {k: ("; ".join(v) if isinstance(v, list) else v) for k, v in rec.items()}
            )
        _write(out, buffer.getvalue())
    else:
        import json

        _write(out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    ctx.err.print(f"exported {len(records)} stories" + (f" to {out}" if out else ""))


def _write(out: Path | None, text: str) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, "utf-8")


@cli.command()
@click.argument("article_ids", type=int, nargs=-1, required=True)
@pass_ctx
@handle_errors
def delete(ctx: Context, article_ids: tuple[int, ...]) -> None:
    """Delete stories; they will not come back when their source is fetched again."""
    with ctx.pipeline() as pipe:
        for article_id in article_ids:
            pipe.delete_article(article_id)
            ctx.out.print(f"deleted {article_id}")


@cli.command()
@pass_ctx
@handle_errors
def reindex(ctx: Context) -> None:
    """Rebuild the search index from the store (the store is the record)."""
    from ..search import SearchIndex
    from ..store import open_store

    store = open_store(ctx.settings.database)
    index = SearchIndex(ctx.settings.index_dir)  # a damaged index is started afresh here
    try:
        with progress_bar(ctx, "reindexing", store.count_articles()) as update:
            n = index.rebuild(store, progress=lambda done, total: update(done, total))
    finally:
        index.close()
        store.close()
    ctx.out.print(f"indexed {n} stories")
