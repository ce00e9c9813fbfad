"""`broadsheet demo`: the product end to end, offline, on the simulated wire."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.rule import Rule
from rich.text import Text

from .app import Context, cli, handle_errors, pass_ctx
from .render import clean, styled

if TYPE_CHECKING:
    from ..config import Settings


@cli.command()
@click.option(
    "--from",
    "start",
    type=click.DateTime(["%Y-%m-%d"]),
    default="2008-01-01",
    show_default=True,
    help="First day of the period to replay.",
)
@click.option(
    "--to",
    "end",
    type=click.DateTime(["%Y-%m-%d"]),
    default="2008-12-31",
    show_default=True,
    help="Last day of the period to replay.",
)
@click.option(
    "--events",
    type=int,
    default=None,
    help="Market events to report on, each covered by 2-3 outlets (default: 40 in the "
    "terminal, 24 in the walkthrough).",
)
@click.option(
    "--steps",
    type=int,
    default=4,
    show_default=True,
    help="Polls over the replayed period (stories arrive between them).",
)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option(
    "--demo-home",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the demo archive goes (default: the data directory when it is new or holds "
    "an earlier demo, else <home>/demo). An earlier demo there is replaced.",
)
@click.option(
    "--live",
    is_flag=True,
    help="Subscribe to a few real public feeds instead (needs network access).",
)
@click.option(
    "--no-terminal",
    is_flag=True,
    help="Print a walkthrough and exit instead of opening the terminal (for scripts and CI; "
    "also what happens when standard output is not a terminal).",
)
@click.option(
    "--pace",
    type=click.FloatRange(min=0.5),
    default=8.0,
    show_default=True,
    help="In the terminal: seconds between stories published by the live wire.",
)
@pass_ctx
@handle_errors
def demo(
    ctx: Context,
    start: object,
    end: object,
    events: int | None,
    steps: int,
    seed: int,
    demo_home: Path | None,
    live: bool,
    no_terminal: bool,
    pace: float,
) -> None:
    """Run the whole product offline on a simulated news wire.

    A local server on 127.0.0.1 publishes RSS feeds and article pages (one outlet as
    plain-text page dumps) generated from real facts: the bundled price history's large
    moves and Federal Reserve rate decisions. Broadsheet subscribes, polls, extracts,
    enriches, stores and indexes them. On a terminal, the terminal app opens on the wire,
    which keeps publishing while it is open (TOP, READ, GP AAPL, ALRT...); with
    --no-terminal, a printed walkthrough shows what an analyst would look at.
    """
    from ..demo.run import run_demo

    if live:
        _live(ctx)
        return
    from ..demo.run import choose_demo_home

    home = demo_home or choose_demo_home(ctx.settings.home)
    settings = ctx.settings.model_copy(update={"home": home})
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if not no_terminal and interactive:
        _terminal_demo(ctx, settings, _day(start), _day(end), events or 40, seed, pace)
        return
    if not no_terminal:
        ctx.err.print("not a terminal: printing the walkthrough (--no-terminal)")
    events = events or 24
    out = ctx.out
    out.print(Rule(Text("Broadsheet demo — SIMULATED WIRE", style="bold")))
    report = run_demo(
        settings,
        start=_day(start),
        end=_day(end),
        seed=seed,
        steps=steps,
        max_events=events,
        enrich=ctx.enrich,
        say=lambda line: out.print(styled(line)),
    )
    out.print(
        f"\n{report.articles_stored} stories stored from {report.sources} feeds; "
        f"last poll: {report.not_modified} of {report.sources} feeds answered "
        "304 Not Modified"
    )
    home_opt = ["--home", str(home)]
    from .app import cli as root_cli

    first_day, last_day = _day(start), _day(end)
    rates_query = f'"federal funds rate" since:{first_day + (last_day - first_day) / 2}'
    showcase = [
        ("TOP — the latest stories", ["top", "-n", "8"]),
        (f"Search: {rates_query}", ["search", rates_query, "-n", "3", "--sort", "newest"]),
        ('Search: who said what — by:"Clara Voss"', ["search", 'by:"Clara Voss"', "-n", "3"]),
        ("Search: company news for AAPL", ["search", "ticker:AAPL", "-n", "3", "--sort", "newest"]),
    ]
    for title, args in showcase:
        out.print(Rule(Text(title)))
        root_cli.main(args=[*home_opt, *args], prog_name="broadsheet", standalone_mode=False)
    out.print(Rule("READ — one story, read like an analyst"))
    first_id = _first_article_with_quotes(settings)
    if first_id is not None:
        root_cli.main(
            args=[*home_opt, "read", str(first_id)], prog_name="broadsheet", standalone_mode=False
        )
    if root_cli.get_command(click.get_current_context(), "chart") is not None:
        out.print(Rule("GP AAPL — prices with the demo's AAPL stories as markers"))
        root_cli.main(
            args=[*home_opt, "chart", "AAPL", "--from", "2007-06-01", "--to", "2009-06-30"],
            prog_name="broadsheet",
            standalone_mode=False,
        )
    out.print(Rule())
    cmd = "broadsheet" if home == ctx.settings.home else f"broadsheet --home {home}"
    out.print(
        f"The demo archive is in {home}. Explore it, for example:\n"
        f"  {cmd} search 'by:\"Clara Voss\"'\n"
        f"  {cmd} people 'Maria Okafor'\n"
        f"  {cmd} chart AAPL\n"
        f"  {cmd} event-study 'ticker:AAPL'"
    )


def _terminal_demo(
    ctx: Context, settings: Settings, start: date, end: date, events: int, seed: int, pace: float
) -> None:
    """The terminal on the live demo wire: it opens at once and stories keep arriving."""
    from ..demo.live import LiveDemo
    from ..service import open_service
    from ..tui import run_terminal

    wire = LiveDemo(settings, start=start, end=end, seed=seed, max_events=events, pace=pace)
    try:
        with open_service(wire.settings, enrich=ctx.enrich, follow=True) as svc:
            wire.attach(svc)
            run_terminal(svc, feed=wire, history=wire.settings.home / "terminal-history")
    finally:
        wire.close()
    ctx.out.print(
        f"The demo archive is in {settings.home}. Open it again with "
        f"`broadsheet --home {settings.home} terminal`."
    )


def _day(value: object) -> date:
    return value.date() if hasattr(value, "date") else date.fromisoformat(str(value))


def _first_article_with_quotes(settings: Settings) -> int | None:
    from ..service import open_service

    with open_service(settings, enrich=False) as svc:
        latest = svc.store.latest_articles(limit=30)
        for art in latest:
            if len(svc.store.get_annotations(art.id).quotes) >= 2:
                return art.id
        return latest[0].id if latest else None


LIVE_FEEDS = (
    "https://www.federalreserve.gov/feeds/press_all.xml",
    "https://www.sec.gov/news/pressreleases.rss",
    "https://www.ecb.europa.eu/rss/press.html",
    "https://www.bls.gov/feed/bls_latest.rss",
)


def _live(ctx: Context) -> None:
    from ..errors import BroadsheetError

    with ctx.service() as svc:
        for url in LIVE_FEEDS:
            try:
                for view in svc.subscribe(url):
                    ctx.out.print(styled(f"subscribed to {view.source.title or view.source.url}"))
            except BroadsheetError as exc:
                line = Text("could not reach ", style="red")
                line.append(f"{url}: {clean(str(exc))}")
                ctx.err.print(line)
        report = svc.poll(force=True)
        ctx.out.print(
            f"polled {len(report.outcomes)} feeds; "
            f"{svc.store.count_articles()} stories stored. Try `broadsheet top`."
        )
