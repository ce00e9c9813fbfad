"""Markets beside the news: prices, chart, company, event-study, import-prices, check-prices."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from .app import Context, cli, emit_json, format_option, handle_errors, pass_ctx
from .render import clean, styled

_DATE = click.DateTime(["%Y-%m-%d"])


def _num(x: float) -> str:
    """A price without float noise: at most six decimals, no trailing zeros."""
    return f"{x:.6f}".rstrip("0").rstrip(".")


@cli.command()
@click.argument("ticker")
@click.option("--from", "start", type=_DATE, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", type=_DATE, help="Last day (YYYY-MM-DD).")
@format_option("table", "csv", "json")
@pass_ctx
@handle_errors
def prices(ctx: Context, ticker: str, start: Any, end: Any, fmt: str) -> None:
    """Daily prices: date, open, high, low, close, volume, adjusted close."""
    with ctx.service() as svc:
        _note_bundled(ctx, svc.ensure_prices())
        series = svc.prices(ticker, start, end)
    symbol, bars = series.ticker, series.bars
    if fmt == "csv":
        sys.stdout.write("date,open,high,low,close,volume,adj_close\n")
        for b in bars:
            cells = (b.open, b.high, b.low, b.close)
            sys.stdout.write(
                ",".join([b.date, *map(_num, cells), f"{b.volume:.0f}", _num(b.adj_close)]) + "\n"
            )
        return
    if fmt == "json":
        for b in bars:
            emit_json(
                {
                    "ticker": b.ticker,
                    "date": b.date,
                    "open": b.open,
                    "high": b.high,
                    "low": b.low,
                    "close": b.close,
                    "volume": b.volume,
                    "adj_close": b.adj_close,
                }
            )
        return
    table = Table(title=f"{symbol} daily prices")
    for col in ("date", "open", "high", "low", "close", "volume", "adj close"):
        table.add_column(col, justify="right")
    shown = bars if len(bars) <= 60 else bars[-60:]
    for b in shown:
        table.add_row(
            b.date,
            f"{b.open:.2f}",
            f"{b.high:.2f}",
            f"{b.low:.2f}",
            f"{b.close:.2f}",
            f"{b.volume:,.0f}",
            f"{b.adj_close:.2f}",
        )
    ctx.out.print(table)
    if len(bars) > len(shown):
        ctx.out.print(f"(last 60 of {len(bars)} sessions; --format csv for all)", style="dim")


@cli.command()
@click.argument("ticker")
@click.option("--from", "start", type=_DATE, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", type=_DATE, help="Last day (YYYY-MM-DD).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a file instead: .png, .svg or .html (self-contained).",
)
@click.option("--width", type=int, default=None, help="Terminal chart width (default: terminal).")
@click.option("--height", type=int, default=18, show_default=True)
@pass_ctx
@handle_errors
def chart(
    ctx: Context,
    ticker: str,
    start: Any,
    end: Any,
    out: Path | None,
    width: int | None,
    height: int,
) -> None:
    """A price chart with the stories tagged to the ticker as markers (▲)."""
    from ..markets import (
        render_chart_html,
        render_chart_png,
        render_chart_svg,
        render_chart_terminal,
    )

    with ctx.service() as svc:
        _note_bundled(ctx, svc.ensure_prices())
        view = svc.chart(ticker, start, end)
    bars, markers, title = view.bars, view.markers, view.title
    if out is None:
        columns = width or max(40, min(ctx.out.width, 120))
        ctx.out.print(render_chart_terminal(bars, markers, width=columns, height=height))
        ctx.out.print(f"{title}; ▲ = a session with news")
        return
    suffix = out.suffix.lower()
    if suffix == ".png":
        render_chart_png(bars, markers, out, title)
    elif suffix == ".html":
        render_chart_html(bars, markers, out, title)
    elif suffix == ".svg":
        out.write_text(render_chart_svg(bars, markers, title), "utf-8")
    else:
        raise click.UsageError("--out must end in .png, .svg or .html")
    ctx.out.print(f"wrote {out} ({len(bars)} sessions, {len(markers)} stories marked)")


@cli.command()
@click.argument("ticker")
@click.option("--news", type=int, default=10, show_default=True, help="Recent stories to list.")
@format_option("text", "json")
@pass_ctx
@handle_errors
def company(ctx: Context, ticker: str, news: int, fmt: str) -> None:
    """A company: who it is, its latest price, its recent news and people (DES, CN)."""
    with ctx.service() as svc:
        _note_bundled(ctx, svc.ensure_prices())
        view = svc.company(ticker, news=news)
    if fmt == "json":
        emit_json(view.to_json())
        return
    security = view.security
    head = styled(security.name, "bold")
    head.append(f" ({security.ticker}, {security.exchange or '—'}; CIK {security.cik or '—'})")
    ctx.out.print(head)
    if view.last is not None:
        change = f" ({view.change * 100:+.2f}% on the day)" if view.change is not None else ""
        ctx.out.print(
            f"Last price {view.last.close:.2f} on {view.last.date}{change}; "
            f"history {view.first_date} to {view.last.date}"
        )
    else:
        ctx.out.print("No prices stored for it (import-prices FILE).")
    if view.people:
        ctx.out.print(
            styled("People in its news: " + ", ".join(f"{n} ({c})" for n, c in view.people))
        )
    if not view.news:
        ctx.out.print("No stories tagged to it yet.")
        return
    table = Table(title="Company news")
    for col in ("date", "id", "headline", "relevance"):
        table.add_column(col, overflow="fold")
    for r in view.news:
        table.add_row(r.date, str(r.article_id), styled(r.headline), f"{r.relevance:.2f}")
    ctx.out.print(table)


@cli.command("event-study")
@click.argument("query")
@click.option(
    "--horizons",
    default="1,5,20",
    show_default=True,
    help="Sessions after the story, comma-separated.",
)
@click.option("--market", help="A ticker to use as the market (default: equal-weight index).")
@click.option("--per-story", is_flag=True, help="Also list each story's moves.")
@format_option("table", "json")
@pass_ctx
@handle_errors
def event_study(
    ctx: Context, query: str, horizons: str, market: str | None, per_story: bool, fmt: str
) -> None:
    """How prices moved after the stories matching QUERY, against the market.

    For each story and each ticker it is tagged to: the move from the close before the
    story to 1, 5 and 20 sessions after, the market's move and the difference (abnormal).
    """
    import pandas as pd

    spans = [int(h) for h in horizons.split(",") if h.strip()]
    with ctx.service() as svc:
        _note_bundled(ctx, svc.ensure_prices())
        view = svc.event_study(query, horizons=spans, market=market)
    summary, study, events, hits = view.summary, view.study, view.events, view.articles
    if fmt == "json":
        emit_json(view.to_json())
        return
    table = Table(
        title=f"Event study: {clean(query)} ({events} story–ticker events from {hits} articles)"
    )
    for col in (
        "sessions after",
        "events",
        "mean move",
        "market",
        "abnormal",
        "median abn.",
        "t-stat",
    ):
        table.add_column(col, justify="right")
    for h, row in summary.iterrows():
        table.add_row(
            str(h),
            f"{row['count']:.0f}",
            f"{row['mean_return'] * 100:+.2f}%",
            f"{row['mean_market'] * 100:+.2f}%",
            f"{row['mean'] * 100:+.2f}%",
            f"{row['median'] * 100:+.2f}%",
            "—" if pd.isna(row["t_stat"]) else f"{row['t_stat']:.2f}",
        )
    ctx.out.print(table)
    if per_story:
        ctx.out.print(study.to_string(max_rows=200))


@cli.command("import-prices")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--ticker", help="The ticker, when the file has no ticker column.")
@pass_ctx
@handle_errors
def import_prices_cmd(ctx: Context, file: Path, ticker: str | None) -> None:
    """Import daily prices from CSV or Parquet (date, open, high, low, close, volume,
    adj_close; an optional ticker column). Re-importing updates, never duplicates."""
    import time

    started = time.perf_counter()
    with ctx.service() as svc:
        n = svc.import_prices(file, ticker=ticker)
    seconds = time.perf_counter() - started
    ctx.out.print(f"imported {n:,} bars in {seconds:.2f}s ({n / seconds:,.0f} rows/s)")


@cli.command("check-prices")
@click.argument("ticker", required=False)
@pass_ctx
@handle_errors
def check_prices(ctx: Context, ticker: str | None) -> None:
    """Report splits, dividends, 100x unit errors, gaps and duplicate days (never rewrites)."""
    with ctx.service() as svc:
        _note_bundled(ctx, svc.ensure_prices())
        issues = svc.check_prices(ticker)
    if not issues:
        ctx.out.print("no issues found")
        return
    table = Table(title=f"{len(issues)} price issues")
    for col in ("ticker", "date", "kind", "severity", "message"):
        table.add_column(col, overflow="fold")
    for i in issues[:200]:
        table.add_row(i.ticker, i.date, i.kind, i.severity, styled(i.message))
    ctx.out.print(table)


def _note_bundled(ctx: Context, written: int) -> None:
    if written:
        ctx.err.print(f"loaded {written:,} bundled daily bars", style="dim")
