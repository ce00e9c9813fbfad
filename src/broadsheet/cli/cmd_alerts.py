"""Alerts: alert add/list/pause/resume/remove/preview, inbox, and bench wire."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from rich.table import Table
from rich.text import Text

from .app import Context, cli, emit_json, format_option, handle_errors, pass_ctx, print_report
from .cmd_measure import bench
from .render import clean, plural, styled, when

if TYPE_CHECKING:
    from ..service import AlertView, SearchPreview

_USER = click.option(
    "--user",
    "owner",
    default="local",
    show_default=True,
    metavar="NAME",
    help="Whose alerts (the command line's own user is 'local').",
)


def _print_preview(ctx: Context, preview: SearchPreview) -> None:
    line = Text("would have fired ")
    line.append(plural(preview.matches, "time", "times"), style="bold")
    line.append(f" in the last {preview.days} days ({preview.per_day:.1f} a day)")
    ctx.out.print(line)
    for hit in preview.examples:
        row = Text(f"  {when(hit.when)}  ", style="dim")
        row.append(clean(hit.headline) or "(no headline)")
        if hit.source:
            row.append(f"  {clean(hit.source)}", style="cyan")
        ctx.out.print(row)


def _alerts_table(views: list[AlertView]) -> Table:
    table = Table(title="Alerts")
    for col in ("id", "name", "query", "state", "fired", "last fired", "webhook"):
        table.add_column(col, overflow="fold")
    for view in views:
        s, st = view.search, view.stats
        hook = Text()
        if st.webhook_url:
            hook.append(clean(st.webhook_url))
            hook.append(f"\n{st.delivered} delivered", style="dim")
            if st.pending:
                hook.append(f", {st.pending} pending", style="yellow")
            if st.gave_up:
                hook.append(f", {st.gave_up} given up", style="red")
            if st.last_error:
                hook.append("\nlast error: ", style="red")
                hook.append(clean(st.last_error), style="red")
        table.add_row(
            str(s.id),
            styled(s.name, "bold"),
            styled(s.query),
            Text("active", style="green") if s.active else Text("paused", style="yellow"),
            str(st.fired),
            when(st.last_fired_at),
            hook,
        )
    return table


@cli.group()
def alert() -> None:
    """Saved-search alerts: told the moment a matching story is stored.

    Each alert is a query in the search language, matched against every story as it is
    stored, delivered once to your inbox (`broadsheet inbox`), live to open screens, and
    to a webhook when you give one. A process that follows the archive (`serve`,
    `poll --watch`, the terminal) fires them live and sends the webhooks.
    """


@alert.command("add")
@click.argument("name")
@click.argument("query")
@click.option("--webhook", metavar="URL", help="Also POST each alert here (Standard Webhooks).")
@click.option(
    "--secret",
    metavar="whsec_…",
    help="Sign webhooks with this secret (default: a new one, printed once).",
)
@_USER
@format_option("text", "json")
@pass_ctx
@handle_errors
def alert_add(
    ctx: Context,
    name: str,
    query: str,
    webhook: str | None,
    secret: str | None,
    owner: str,
    fmt: str,
) -> None:
    """Save QUERY as an alert called NAME, after showing how often it would have fired."""
    with ctx.service() as svc:
        preview = svc.preview_alert(query)
        view = svc.add_alert(name, query, owner=owner, webhook=webhook, secret=secret)
    if fmt == "json":
        emit_json({**view.to_json(), "preview": preview.to_json()})
        return
    line = Text("saved alert ", style="green")
    line.append(clean(view.search.name), style="bold")
    line.append(f" (#{view.search.id}): ")
    line.append(clean(view.search.query))
    ctx.out.print(line)
    _print_preview(ctx, preview)
    if view.stats.webhook_url:
        ctx.out.print(styled(f"webhook: {view.stats.webhook_url}"))
    if view.secret is not None and secret is None:
        ctx.out.print(Text("webhook secret (shown once, keep it): ", style="yellow"))
        ctx.out.print(view.secret)


@alert.command("list")
@_USER
@format_option("table", "jsonl")
@pass_ctx
@handle_errors
def alert_list(ctx: Context, owner: str, fmt: str) -> None:
    """Your alerts: state, how often and when they fired, webhook health (last error)."""
    with ctx.service() as svc:
        svc.catch_up_alerts()
        views = svc.alerts(owner=owner)
    if fmt == "jsonl":
        for view in views:
            emit_json(view.to_json())
        return
    if not views:
        ctx.out.print("no alerts yet: broadsheet alert add NAME QUERY")
        return
    ctx.out.print(_alerts_table(views))


def _set_state(ctx: Context, name: str, owner: str, fmt: str, what: str) -> None:
    with ctx.service() as svc:
        if what == "paused":
            view = svc.pause_alert(name, owner=owner)
        elif what == "resumed":
            view = svc.resume_alert(name, owner=owner)
        else:
            view = svc.remove_alert(name, owner=owner)
    if fmt == "json":
        emit_json(view.to_json())
        return
    line = Text(f"{what} alert ")
    line.append(clean(view.search.name), style="bold")
    ctx.out.print(line)


_STATE_FORMAT = format_option("text", "json")


@alert.command("pause")
@click.argument("name")
@_USER
@_STATE_FORMAT
@pass_ctx
@handle_errors
def alert_pause(ctx: Context, name: str, owner: str, fmt: str) -> None:
    """Stop NAME firing (it keeps its inbox) until resumed."""
    _set_state(ctx, name, owner, fmt, "paused")


@alert.command("resume")
@click.argument("name")
@_USER
@_STATE_FORMAT
@pass_ctx
@handle_errors
def alert_resume(ctx: Context, name: str, owner: str, fmt: str) -> None:
    """Let a paused alert fire again (for stories stored from now on)."""
    _set_state(ctx, name, owner, fmt, "resumed")


@alert.command("remove")
@click.argument("name")
@_USER
@_STATE_FORMAT
@pass_ctx
@handle_errors
def alert_remove(ctx: Context, name: str, owner: str, fmt: str) -> None:
    """Delete the alert NAME, its inbox items and its undelivered webhooks."""
    _set_state(ctx, name, owner, fmt, "removed")


@alert.command("preview")
@click.argument("query")
@click.option("--days", type=click.IntRange(1, 3650), default=7, show_default=True)
@format_option("text", "json")
@pass_ctx
@handle_errors
def alert_preview(ctx: Context, query: str, days: int, fmt: str) -> None:
    """How often QUERY would have fired over the last days, with example headlines."""
    with ctx.service() as svc:
        preview = svc.preview_alert(query, days)
    if fmt == "json":
        emit_json(preview.to_json())
        return
    _print_preview(ctx, preview)


@cli.command()
@click.option("--unread", is_flag=True, help="Only items not read yet.")
@click.option("--alert", "alert_name", metavar="NAME", help="Only this alert's items.")
@click.option("-n", "--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--cursor", help="Continue from a previous page.")
@click.option("--mark-read", is_flag=True, help="Mark the items shown as read.")
@_USER
@format_option("table", "jsonl")
@pass_ctx
@handle_errors
def inbox(
    ctx: Context,
    unread: bool,
    alert_name: str | None,
    limit: int,
    cursor: str | None,
    mark_read: bool,
    owner: str,
    fmt: str,
) -> None:
    """Your alerts' stories, newest first: one item per alert and story, with the other
    reports of the same story (new versions, other outlets) grouped under it."""
    with ctx.service() as svc:
        page = svc.inbox(owner=owner, unread=unread, limit=limit, cursor=cursor, alert=alert_name)
        if mark_read and page.items:
            svc.mark_read([i.entry.item_id for i in page.items], owner=owner)
    if fmt == "jsonl":
        for item in page.items:
            emit_json(item.to_json())
        return
    if not page.items:
        ctx.out.print("the inbox is empty" + (" (nothing unread)" if unread else ""))
        return
    for item in page.items:
        e = item.entry
        head = Text(f"{e.item_id}  ", style="dim")
        head.append("● " if not item.read else "  ", style="yellow")
        head.append(clean(e.headline) or "(no headline)", style="bold")
        ctx.out.print(head)
        meta = Text(f"  {clean(e.name)}", style="magenta")
        meta.append(f"  {clean(item.source or '')}  {when(e.fired_at)}  story {e.story_id}")
        meta.append(f"  article {e.article_id}", style="dim")
        ctx.out.print(meta)
        for report in item.reports[1:]:
            more = Text(f"    + {report.article_id} v{report.version}  ", style="dim")
            more.append(clean(report.headline) or "")
            if report.source:
                more.append(f"  {clean(report.source)}", style="cyan")
            ctx.out.print(more)
    if page.next_cursor:
        ctx.out.print(f"more: --cursor {page.next_cursor}", style="dim")


@bench.command("wire")
@click.option("--alerts", "alerts_n", type=click.IntRange(1), default=10_000, show_default=True)
@click.option("--rate", type=click.FloatRange(min=0.1), default=100.0, show_default=True)
@click.option("--seconds", type=click.FloatRange(min=0.5), default=30.0, show_default=True)
@click.option("--seed", type=int, default=11, show_default=True)
@click.option(
    "--sse",
    metavar="URL",
    help="Receive alerts as an SSE client of `broadsheet serve` at URL (its /api/v1/stream)"
    " instead of an in-process bus subscriber.",
)
@click.option("--token", help="A bearer token for the SSE stream (with --sse).")
@click.option(
    "--wire",
    "wire_url",
    metavar="URL",
    help="Across processes over NATS JetStream at URL (nats://...): the percolator in a "
    "following process, alerts received here as a JetStream subscriber; then the raw hop "
    "(1 KB at 1,000/s with acks, and events/s flat out). Uses streams of its own.",
)
@format_option("table", "json")
@pass_ctx
@handle_errors
def bench_wire(
    ctx: Context,
    alerts_n: int,
    rate: float,
    seconds: float,
    seed: int,
    sse: str | None,
    token: str | None,
    wire_url: str | None,
    fmt: str,
) -> None:
    """Latency from a story stored to its alert received live, with N saved searches, R
    stories a second for S seconds, in a temporary home. Last line: one JSON object.

    With --sse, the subscriber is an SSE client of a `broadsheet serve` that follows the
    home given with --home (the stories and searches are written there). With --wire, every
    hop crosses a process boundary over NATS JetStream, and the raw hop is measured too."""
    from ..bench.alerts import run_wire_bench

    if sse is not None and wire_url is not None:
        raise click.UsageError("--sse and --wire measure different subscribers: give one")

    def say(text: str) -> None:
        ctx.err.print(styled(text, "dim"))

    result = run_wire_bench(
        alerts=alerts_n,
        rate=rate,
        seconds=seconds,
        seed=seed,
        sse=sse,
        token=token,
        wire=wire_url,
        settings=ctx.settings,
        progress=say,
    )
    if wire_url is not None:
        from ..bench.wire_nats import run_raw

        say("the raw hop: 1 KB at 1,000/s with acks, then flat out")
        result["raw"] = run_raw(wire_url)
    print_report(ctx, result, fmt)
