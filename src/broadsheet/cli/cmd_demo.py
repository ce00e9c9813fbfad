"""`broadsheet demo`: the product end to end, offline, on the simulated wire."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from rich.rule import Rule
from rich.text import Text

from ..config import Settings
from .app import Context, cli, handle_errors, pass_ctx
from .render import clean, styled


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
    default=24,
    show_default=True,
    help="Market events to report on (each covered by 2-3 outlets).",
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
@pass_ctx
@handle_errors
def demo(
    ctx: Context,
    start: object,
    end: object,
    events: int,
    steps: int,
    seed: int,
    demo_home: Path | None,
    live: bool,
) -> None:
    """Run the whole product offline on a simulated news wire.

    A local server on 127.0.0.1 publishes RSS feeds and article pages (one outlet as
    plain-text page dumps) generated from real facts: the bundled price history's large
    moves and Federal Reserve rate decisions. Broadsheet subscribes, polls, extracts,
    enriches, stores and indexes them, then shows what an analyst would look at.
    """
    from ..demo.run import run_demo

    if live:
        _live(ctx)
        return
    from ..demo.run import choose_demo_home

    home = demo_home or choose_demo_home(ctx.settings.home)
    settings = ctx.settings.model_copy(update={"home": home})
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
    if "chart" in root_cli.commands:
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
