"""Markets beside the news: prices, chart, company, event-study, import-prices, check-prices."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from ..errors import MarketDataError, NotFoundError
from .app import Context, cli, emit_json, handle_errors, open_index, pass_ctx

_DATE = click.DateTime(["%Y-%m-%d"])


def _num(x: float) -> str:
    """A price without float noise: at most six decimals, no trailing zeros."""
    return f"{x:.6f}".rstrip("0").rstrip(".")


def _iso(value: Any) -> str | None:
    return value.date().isoformat() if value is not None else None


def _open_store(ctx: Context, *, with_prices: bool = True) -> Any:
    """The store, with the bundled price history loaded the first time it is needed."""
    from ..markets import load_bundled_prices
    from ..store import open_store

    ctx.settings.home.mkdir(parents=True, exist_ok=True)
    store = open_store(ctx.settings.database)
    if with_prices and not store.tickers_with_bars():
        n = load_bundled_prices(store)
        ctx.err.print(f"[dim]loaded {n:,} bundled daily bars[/]")
    return store


def _resolve(store: Any, text: str) -> str:
    """A ticker with bars in the store, from a ticker, former ticker, alias or company name."""
    from ..markets import load_securities
    from ..markets.securities import price_history_ticker

    have = set(store.tickers_with_bars())
    candidates = [text.upper(), price_history_ticker(text.upper())]
    security = load_securities().lookup(text)
    if security is not None:
        candidates += [security.ticker, price_history_ticker(security.ticker)]
    for ticker in candidates:
        if ticker in have:
            return ticker
    known = ", ".join(sorted(have)) or "none yet (import-prices FILE)"
    raise NotFoundError(f"no prices for {text!r}; tickers with prices: {known}")


def _news_tickers(ticker: str) -> list[str]:
    """Tickers under which stories about the same company may be tagged (GOOGL/GOOG, FB/META)."""
    from ..markets import current_ticker
    from ..markets.securities import price_history_ticker

    names = {ticker, current_ticker(ticker), price_history_ticker(ticker)}
    names |= {t for t in ("GOOG", "GOOGL") if ticker in ("GOOG", "GOOGL")}
    names |= {t for t in ("FB", "META") if ticker in ("FB", "META")}
    return sorted(names)


def _markers(store: Any, ticker: str, start: str | None, end: str | None) -> list[Any]:
    """Stories tagged to the company (under any of its tickers), at their exact times."""
    from ..markets.news import story_markers

    seen: dict[Any, Any] = {}
    for name in _news_tickers(ticker):
        for marker in story_markers(store, name, start, end):
            seen.setdefault(marker.article_id, marker)
    return sorted(seen.values(), key=lambda m: str(m.at))


@cli.command()
@click.argument("ticker")
@click.option("--from", "start", type=_DATE, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", type=_DATE, help="Last day (YYYY-MM-DD).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@pass_ctx
@handle_errors
def prices(ctx: Context, ticker: str, start: Any, end: Any, fmt: str) -> None:
    """Daily prices: date, open, high, low, close, volume, adjusted close."""
    store = _open_store(ctx)
    try:
        symbol = _resolve(store, ticker)
        bars = store.get_bars(symbol, _iso(start), _iso(end))
    finally:
        store.close()
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
        ctx.out.print(f"[dim](last 60 of {len(bars)} sessions; --format csv for all)[/]")


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

    store = _open_store(ctx)
    try:
        symbol = _resolve(store, ticker)
        bars = store.get_bars(symbol, _iso(start), _iso(end))
        if not bars:
            raise MarketDataError(f"no {symbol} prices in that period")
        markers = _markers(store, symbol, bars[0].date, bars[-1].date)
    finally:
        store.close()
    title = f"{symbol}: adjusted close, {len(markers)} stories marked"
    if out is None:
        columns = width or max(40, min(ctx.out.width, 120))
        ctx.out.print(
            render_chart_terminal(bars, markers, width=columns, height=height),
            highlight=False,
            markup=False,
        )
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
@pass_ctx
@handle_errors
def company(ctx: Context, ticker: str, news: int) -> None:
    """A company: who it is, its latest price, its recent news (CN)."""
    from ..markets import load_securities

    security = load_securities().lookup(ticker)
    if security is None:
        raise NotFoundError(f"no listed company matches {ticker!r}")
    store = _open_store(ctx)
    try:
        try:
            symbol = _resolve(store, security.ticker)
            bars = store.get_bars(symbol)
        except NotFoundError:
            symbol, bars = security.ticker, []
        rows = []
        for name in _news_tickers(security.ticker):
            rows += store.articles_for_ticker(name, None, None)
    finally:
        store.close()
    ctx.out.print(
        f"[bold]{security.name}[/] ({security.ticker}, {security.exchange or '—'}; "
        f"CIK {security.cik or '—'})"
    )
    if bars:
        last, prev = bars[-1], bars[-2] if len(bars) > 1 else bars[-1]
        change = (last.close / prev.close - 1) * 100 if prev.close else 0.0
        ctx.out.print(
            f"Last price {last.close:.2f} on {last.date} ({change:+.2f}% on the day); "
            f"history {bars[0].date} to {last.date}"
        )
    else:
        ctx.out.print("No prices stored for it (import-prices FILE).")
    rows.sort(key=lambda r: r.date, reverse=True)
    if not rows:
        ctx.out.print("No stories tagged to it yet.")
        return
    table = Table(title="Company news")
    for col in ("date", "id", "headline", "relevance"):
        table.add_column(col, overflow="fold")
    for r in rows[:news]:
        when = r.date.strftime("%Y-%m-%d") if hasattr(r.date, "strftime") else str(r.date)
        table.add_row(when, str(r.article_id), r.headline or "", f"{r.relevance:.2f}")
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
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
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

    from ..markets import event_study as run_study
    from ..markets import store_frames, summarise
    from ..search import parse_query

    spans = [int(h) for h in horizons.split(",") if h.strip()]
    hits = open_index(ctx).search(parse_query(query), limit=10_000).hits
    store = _open_store(ctx)
    try:
        from ..markets.news import events_for_articles

        have = set(store.tickers_with_bars())
        # one event per story: several outlets reporting the same news are one observation
        first_of_story: dict[Any, int] = {}
        for art in sorted(store.get_articles([h.article_id for h in hits]), key=lambda a: a.id):
            day = (art.published_at or art.first_seen_at).date()
            first_of_story.setdefault((art.story_id or art.id, day), art.id)
        events: list[tuple[str, Any]] = []
        for ticker, when in events_for_articles(store, list(first_of_story.values())):
            symbol = next((n for n in _news_tickers(ticker) if n in have), None)
            if symbol:
                events.append((symbol, when))
        frames = store_frames(store)
        market_series = None
        if market:
            m = _resolve(store, market)
            market_series = frames[m]
    finally:
        store.close()
    if not events:
        raise NotFoundError(f"no stories matching {query!r} are tagged to a ticker with prices")
    study = run_study(frames, events, horizons=spans, market=market_series)
    summary = summarise(study)
    if fmt == "json":
        emit_json(
            {
                "query": query,
                "events": len(events),
                "summary": summary.reset_index().to_dict(orient="records"),
            }
        )
        return
    table = Table(
        title=f"Event study: {query} ({len(events)} story–ticker events from {len(hits)} articles)"
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

    from ..markets import import_prices

    store = _open_store(ctx, with_prices=False)
    started = time.perf_counter()
    try:
        n = import_prices(store, file, ticker=ticker)
    finally:
        store.close()
    seconds = time.perf_counter() - started
    ctx.out.print(f"imported {n:,} bars in {seconds:.2f}s ({n / seconds:,.0f} rows/s)")


@cli.command("check-prices")
@click.argument("ticker", required=False)
@pass_ctx
@handle_errors
def check_prices(ctx: Context, ticker: str | None) -> None:
    """Report splits, dividends, 100x unit errors, gaps and duplicate days (never rewrites)."""
    from ..markets import check_bars

    store = _open_store(ctx)
    try:
        tickers = [_resolve(store, ticker)] if ticker else store.tickers_with_bars()
        issues = [i for t in tickers for i in check_bars(store.get_bars(t))]
    finally:
        store.close()
    if not issues:
        ctx.out.print("no issues found")
        return
    table = Table(title=f"{len(issues)} price issues")
    for col in ("ticker", "date", "kind", "severity", "message"):
        table.add_column(col, overflow="fold")
    for i in issues[:200]:
        table.add_row(i.ticker, i.date, i.kind, i.severity, i.message)
    ctx.out.print(table)
