"""Subscriptions: add, sources, import-opml, export-opml, poll."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import click
from rich.table import Table

from ..errors import BroadsheetError, NotFoundError
from ..models import Source
from .app import Context, cli, handle_errors, pass_ctx
from .exit_codes import ExitCode


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else "—"


def _sources_table(sources: list[Source]) -> Table:
    table = Table(title="Sources", show_lines=False)
    for col in ("id", "kind", "title / url", "last fetch", "next poll", "errors", "last error"):
        table.add_column(col, overflow="fold")
    for s in sources:
        state = "[yellow]paused[/]" if s.paused else ""
        table.add_row(
            str(s.id),
            s.kind,
            f"{s.title or ''}\n[dim]{s.url}[/] {state}",
            _when(s.last_fetch_at),
            _when(s.next_poll_at),
            str(s.error_count),
            f"[red]{s.last_error}[/]" if s.last_error else "",
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
    from ..pipeline import add_source

    failed = 0
    with ctx.pipeline() as pipe:
        for url in urls:
            try:
                for source in add_source(pipe, url, title=title):
                    ctx.out.print(
                        f"[green]added[/] #{source.id} {source.kind} "
                        f"{source.title or ''} [dim]{source.url}[/]"
                    )
            except BroadsheetError as exc:
                failed += 1
                ctx.err.print(f"[red]could not add[/] {url}: {exc}")
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
    from ..store import open_store

    store = open_store(ctx.settings.database)
    try:
        rows = store.list_sources()
    finally:
        store.close()
    if fmt == "jsonl":
        from .app import emit_json

        for s in rows:
            emit_json({f: getattr(s, f) for f in Source.__slots__})
        return
    if not rows:
        ctx.out.print("No sources yet. Add one with [bold]broadsheet add URL[/].")
        return
    ctx.out.print(_sources_table(rows))


def _change_source(ctx: Context, source_id: int, **fields: object) -> Source:
    from ..store import open_store

    store = open_store(ctx.settings.database)
    try:
        store.get_source(source_id)
        return store.update_source(source_id, **fields)
    finally:
        store.close()


@sources.command("pause")
@click.argument("source_id", type=int)
@pass_ctx
@handle_errors
def sources_pause(ctx: Context, source_id: int) -> None:
    """Stop polling a source (keeps its stories)."""
    s = _change_source(ctx, source_id, paused=True)
    ctx.out.print(f"paused #{s.id} {s.url}")


@sources.command("resume")
@click.argument("source_id", type=int)
@pass_ctx
@handle_errors
def sources_resume(ctx: Context, source_id: int) -> None:
    """Poll a paused source again (at the next poll)."""
    s = _change_source(ctx, source_id, paused=False, next_poll_at=None)
    ctx.out.print(f"resumed #{s.id} {s.url}")


@sources.command("remove")
@click.argument("source_id", type=int)
@pass_ctx
@handle_errors
def sources_remove(ctx: Context, source_id: int) -> None:
    """Unsubscribe (stories already stored stay)."""
    from ..store import open_store

    store = open_store(ctx.settings.database)
    try:
        s = store.get_source(source_id)
        store.remove_source(source_id)
    finally:
        store.close()
    ctx.out.print(f"removed #{s.id} {s.url}")


@sources.command("show")
@click.argument("source_id", type=int)
@pass_ctx
@handle_errors
def sources_show(ctx: Context, source_id: int) -> None:
    """Everything known about one source, its last error included."""
    from ..store import open_store

    store = open_store(ctx.settings.database)
    try:
        s = store.get_source(source_id)
    finally:
        store.close()
    for f in Source.__slots__:
        ctx.out.print(f"[bold]{f:>16}[/] {getattr(s, f)}", highlight=False)


@cli.command("import-opml")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
@handle_errors
def import_opml(ctx: Context, file: Path) -> None:
    """Subscribe to every feed in an OPML file (polled at the next `poll`)."""
    from ..sources import read_opml
    from ..store import open_store

    outlines = read_opml(file.read_bytes())
    store = open_store(ctx.settings.database)
    added = existing = 0
    try:
        for o in outlines:
            if store.find_source(o.url) is not None:
                existing += 1
                continue
            store.add_source(o.url, "feed", o.title)
            added += 1
    finally:
        store.close()
    ctx.out.print(f"{added} feeds added, {existing} already subscribed")


@cli.command("export-opml")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout)."
)
@pass_ctx
@handle_errors
def export_opml(ctx: Context, out: Path | None) -> None:
    """Write every feed subscription as OPML."""
    from ..sources import write_opml
    from ..store import open_store

    store = open_store(ctx.settings.database)
    try:
        text = write_opml([s for s in store.list_sources() if s.kind == "feed"])
    finally:
        store.close()
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
    """Poll every due source once (conditional GET; failures recorded, never fatal)."""
    from ..pipeline import PollOutcome, poll_due
    from ..pipeline import watch as watch_loop

    def show(outcomes: list[PollOutcome]) -> None:
        new = sum(o.new for o in outcomes)
        errors = [o for o in outcomes if o.status == "error"]
        unchanged = sum(o.status == "not-modified" for o in outcomes)
        ctx.out.print(
            f"polled {len(outcomes)} sources: {new} new stories, "
            f"{unchanged} unchanged, {len(errors)} failed"
        )
        for o in errors:
            ctx.out.print(f"  [red]#{o.source_id}[/] {o.url}: {o.error}")

    with ctx.pipeline() as pipe:
        if not watch:
            outcomes = poll_due(pipe, force=force)
            if not outcomes:
                ctx.out.print("no source is due (use --all to poll everything now)")
            else:
                show(outcomes)
            return
        ctx.err.print("polling; Ctrl-C to stop")
        stop = threading.Event()
        try:
            watch_loop(pipe, stop=stop, tick=tick, on_cycle=show)
        except KeyboardInterrupt:
            stop.set()


__all__ = ["NotFoundError"]
