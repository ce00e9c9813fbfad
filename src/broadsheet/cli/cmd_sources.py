"""Subscriptions: add, sources, import-opml, export-opml, poll."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table
from rich.text import Text

from ..errors import BroadsheetError
from .app import Context, cli, emit_json, handle_errors, pass_ctx
from .exit_codes import ExitCode
from .render import clean, styled, when

if TYPE_CHECKING:
    from ..service import PollReport, SourceView


def _sources_table(sources: list[SourceView]) -> Table:
    table = Table(title="Sources", show_lines=False)
    for col in ("id", "kind", "title / url", "last fetch", "next poll", "errors", "last error"):
        table.add_column(col, overflow="fold")
    for view in sources:
        s = view.source
        title = styled(s.title)
        title.append("\n" + clean(s.url), style="dim")
        if s.paused:
            title.append(" paused", style="yellow")
        table.add_row(
            str(s.id),
            s.kind,
            title,
            when(s.last_fetch_at),
            when(s.next_poll_at),
            str(s.error_count),
            styled(s.last_error, "red"),
        )
    return table


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--title", help="A title for the source (default: the feed's own).")
@pass_ctx
@handle_errors
def add(ctx: Context, urls: tuple[str, ...], title: str | None) -> None:
    """Subscribe to feeds or pages.

    A feed URL is added as it is; a web page that advertises feeds adds those feeds; any
    other page is added as a single page to re-check. New stories are ingested at once.
    """
    failed = 0
    with ctx.service() as svc:
        for url in urls:
            try:
                for view in svc.subscribe(url, title=title):
                    s = view.source
                    line = Text("added ", style="green")
                    line.append(f"#{s.id} {s.kind} {clean(s.title)} ")
                    line.append(clean(s.url), style="dim")
                    ctx.out.print(line)
            except BroadsheetError as exc:
                failed += 1
                line = Text("could not add ", style="red")
                line.append(f"{clean(url)}: {clean(str(exc))}")
                ctx.err.print(line)
    if failed:
        sys.exit(int(ExitCode.FETCH_FAILED if failed == len(urls) else ExitCode.PARTIAL))


@cli.group(invoke_without_command=True)
@click.pass_context
def sources(click_ctx: click.Context) -> None:
    """List subscriptions (with last error and next poll); pause, resume or remove them."""
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(sources_list)


@sources.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table")
@pass_ctx
@handle_errors
def sources_list(ctx: Context, fmt: str = "table") -> None:
    """List subscriptions."""
    with ctx.service() as svc:
        rows = svc.sources()
    if fmt == "jsonl":
        for view in rows:
            emit_json(view.to_json())
        return
    if not rows:
        ctx.out.print("No sources yet. Add one with `broadsheet add URL`.")
        return
    ctx.out.print(_sources_table(rows))


def _said(ctx: Context, verb: str, view: SourceView) -> None:
    ctx.out.print(styled(f"{verb} #{view.source.id} {view.source.url}"))


@sources.command("pause")
@click.argument("source_id", type=int)
@pass_ctx
@handle_errors
def sources_pause(ctx: Context, source_id: int) -> None:
    """Stop polling a source (keeps its stories)."""
    with ctx.service() as svc:
        _said(ctx, "paused", svc.pause_source(source_id))


@sources.command("resume")
@click.argument("source_id", type=int)
@pass_ctx
@handle_errors
def sources_resume(ctx: Context, source_id: int) -> None:
    """Poll a paused source again (at the next poll)."""
    with ctx.service() as svc:
        _said(ctx, "resumed", svc.resume_source(source_id))


@sources.command("remove")
@click.argument("source_id", type=int)
@pass_ctx
@handle_errors
def sources_remove(ctx: Context, source_id: int) -> None:
    """Unsubscribe (stories already stored stay)."""
    with ctx.service() as svc:
        _said(ctx, "removed", svc.remove_source(source_id))


@sources.command("show")
@click.argument("source_id", type=int)
@pass_ctx
@handle_errors
def sources_show(ctx: Context, source_id: int) -> None:
    """Everything known about one source, its last error included."""
    with ctx.service() as svc:
        data = svc.source(source_id).to_json()
    for key, value in data.items():
        ctx.out.print(Text(f"{key:>16} ", style="bold").append(clean(str(value))))


@cli.command("import-opml")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
@handle_errors
def import_opml(ctx: Context, file: Path) -> None:
    """Subscribe to every feed in an OPML file (polled at the next `poll`)."""
    with ctx.service() as svc:
        result = svc.import_opml(file.read_bytes())
    ctx.out.print(f"{result.added} feeds added, {result.existing} already subscribed")


@cli.command("export-opml")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout)."
)
@pass_ctx
@handle_errors
def export_opml(ctx: Context, out: Path | None) -> None:
    """Write every feed subscription as OPML."""
    with ctx.service() as svc:
        text = svc.export_opml()
    if out:
        out.write_text(text, "utf-8")
        ctx.err.print(f"wrote {out}")
    else:
        sys.stdout.write(text)


@cli.command()
@click.option("--watch", is_flag=True, help="Keep polling: each source when it is due.")
@click.option("--all", "force", is_flag=True, help="Poll every unpaused source now, due or not.")
@click.option(
    "--tick",
    type=float,
    default=5.0,
    show_default=True,
    help="With --watch: seconds between looks for due sources.",
)
@pass_ctx
@handle_errors
def poll(ctx: Context, watch: bool, force: bool, tick: float) -> None:
    """Poll every due source once (conditional GET; failures recorded, never fatal).

    With --watch it keeps going, and meanwhile keeps the search index caught up for every
    process that shares the archive (search, read and ingest work beside it)."""

    def show(report: PollReport) -> None:
        ctx.out.print(
            f"polled {len(report.outcomes)} sources: {report.new} new stories, "
            f"{report.unchanged} unchanged, {len(report.failed)} failed"
        )
        for o in report.failed:
            line = Text(f"  #{o.source_id} ", style="red")
            line.append(f"{clean(o.url)}: {clean(o.error)}")
            ctx.out.print(line)

    with ctx.service(follow=watch) as svc:
        if not watch:
            report = svc.poll(force=force)
            if not report.outcomes:
                ctx.out.print("no source is due (use --all to poll everything now)")
            else:
                show(report)
            return
        ctx.err.print("polling; Ctrl-C to stop")
        stop = threading.Event()
        try:
            svc.watch(stop=stop, tick=tick, on_cycle=show)
        except KeyboardInterrupt:
            stop.set()
