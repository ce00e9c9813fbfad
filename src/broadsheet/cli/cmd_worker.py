"""The stages as workers over NATS JetStream: worker, wire status, wire publish."""

from __future__ import annotations

import signal
import threading
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from .app import Context, cli, emit_json, format_option, handle_errors, pass_ctx
from .render import clean, styled

_STAGES = ("fetch", "extract", "enrich", "store", "index", "alerts")
_FORMAT = format_option("table", "json", help="Output: a table, or one JSON object.")


@cli.command()
@click.argument("stage", type=click.Choice(_STAGES))
@click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    default=1,
    show_default=True,
    help="Jobs this worker does at once (threads).",
)
@_FORMAT
@pass_ctx
@handle_errors
def worker(ctx: Context, stage: str, concurrency: int, fmt: str) -> None:
    """Run one pipeline stage as a durable NATS JetStream consumer until stopped (Ctrl-C or
    SIGTERM). Needs wire.url (BROADSHEET_WIRE__URL=nats://...). Any number of workers of each
    stage can run, on any machine sharing the store: each job goes to one of them, and a job
    whose worker dies is redelivered. Stages: fetch, extract, store, enrich (jobs), index and
    alerts (follow the store's change log when its events arrive). Feed the fetch workers
    with `broadsheet wire publish`."""
    stop = threading.Event()

    def on_signal(_signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    ctx.err.print(styled(f"{stage} worker: {concurrency} at once; Ctrl-C stops it", "dim"))
    with ctx.service() as svc:
        stats = svc.run_worker(stage, stop=stop, concurrency=concurrency)
    if fmt == "json":
        emit_json(stats)
        return
    line = Text(f"{stage} worker stopped: ", style="bold")
    line.append(
        f"{stats['done']} done, {stats['failed']} retried, {stats['dead']} dead-lettered, "
        f"{stats['published']} jobs published"
    )
    ctx.out.print(line)


@cli.group()
def wire() -> None:
    """The NATS JetStream wire: what its streams hold, and feeding the stage workers."""


@wire.command("publish")
@click.argument("urls", nargs=-1)
@click.option("--all", "force", is_flag=True, help="Every unpaused source, due or not.")
@_FORMAT
@pass_ctx
@handle_errors
def wire_publish(ctx: Context, urls: tuple[str, ...], force: bool, fmt: str) -> None:
    """Hand fetch jobs to the fetch workers: each URL given (a feed's entries or a page,
    taken in once), or else every due source (run it from cron, or in a loop, as the
    scheduler). A due source already waiting for a worker is not published twice."""
    with ctx.service() as svc:
        result = svc.wire_publish(list(urls), force=force)
    if fmt == "json":
        emit_json(result.to_json())
        return
    ctx.out.print(f"published {result.published} fetch jobs ({result.repeats} already waiting)")


@wire.command("status")
@click.option(
    "--dead",
    type=click.IntRange(0),
    default=20,
    show_default=True,
    help="Dead letters to show (the latest).",
)
@_FORMAT
@pass_ctx
@handle_errors
def wire_status(ctx: Context, dead: int, fmt: str) -> None:
    """Streams, each stage's consumer (pending, in flight, redelivered) and the dead letters
    with their errors."""
    with ctx.service() as svc:
        status = svc.wire_status(dead=dead)
    if fmt == "json":
        emit_json(status.to_json())
        return
    streams = Table(title=f"Streams on {clean(status.data['url'])}")
    for col in ("stream", "subjects", "messages", "bytes"):
        streams.add_column(col, overflow="fold")
    for s in status.streams:
        streams.add_row(
            clean(s["name"]), clean(", ".join(s["subjects"])), str(s["messages"]), str(s["bytes"])
        )
    ctx.out.print(streams)
    consumers = Table(title="Stages")
    for col in ("consumer", "stream", "pending", "in flight", "redelivered", "waiting pulls"):
        consumers.add_column(col, overflow="fold")
    for c in status.consumers:
        consumers.add_row(
            clean(c["name"]),
            clean(c["stream"]),
            str(c["pending"]),
            str(c["ack_pending"]),
            str(c["redelivered"]),
            str(c["waiting"]),
        )
    ctx.out.print(consumers)
    ctx.out.print(f"dead letters: {status.dead_letters}")
    for letter in status.dead:
        row = Text(f"  {clean(letter['stage'])} ", style="red")
        row.append(f"after {letter['deliveries']} deliveries: ")
        row.append(clean(letter["error"]))
        ctx.out.print(row)
