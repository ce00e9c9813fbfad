"""People and what they said: people, quotes."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table
from rich.text import Text

from ..models import CUE_CLASSES
from .app import Context, cli, emit_json, format_option, handle_errors, pass_ctx
from .render import clean, styled


@cli.command()
@click.argument("name")
@format_option("text", "json")
@click.option(
    "--all-quotes",
    is_flag=True,
    help="List every attribution (thoughts, beliefs, actions), not only what they said or wrote.",
)
@pass_ctx
@handle_errors
def people(ctx: Context, name: str, fmt: str, all_quotes: bool) -> None:
    """A person's profile from the archive: names, titles, quotes, company kept (PEOP).
    Quotes are what they said or wrote unless --all-quotes."""
    with ctx.service() as svc:
        view = svc.person(name, cue_classes=CUE_CLASSES if all_quotes else None)
    if fmt == "json":
        emit_json(view.to_json())
        return
    profile, out = view.profile, ctx.out
    out.print(styled(profile.name, "bold"))

    def dated(values: tuple[Any, ...]) -> str:
        return (
            "; ".join(
                f"{v.value} ({v.first_seen}"
                + (f" to {v.last_seen}" if v.last_seen != v.first_seen else "")
                + f", {v.count}×)"
                for v in values[:6]
            )
            or "—"
        )

    rows = [
        ("also named", ", ".join(a for a in profile.aliases if a != profile.name) or "—"),
        ("titles", dated(profile.titles)),
        ("affiliations", dated(profile.affiliations)),
        ("stories", str(profile.article_count)),
        ("appears with", ", ".join(f"{n} ({c})" for n, c in profile.co_occurring[:10]) or "—"),
    ]
    for label, value in rows:
        out.print(Text.assemble((f"{label:>13} ", "bold"), clean(value)))
    if view.quotes:
        table = Table(title=f"What {clean(profile.name)} said")
        table.add_column("date", no_wrap=True)
        table.add_column("article", no_wrap=True, style="dim")
        table.add_column("kind")
        table.add_column("quote", overflow="fold")
        for q in view.quotes:
            kind = q.kind if q.cue_class == "speech" else f"{q.kind}, {q.cue_class}"
            table.add_row(q.date, str(q.article_id), kind, styled(q.text))
        out.print(table)


@cli.command()
@click.argument("query")
@click.option("--limit", "-n", type=int, default=20, show_default=True)
@format_option("table", "jsonl")
@click.option(
    "--all-quotes",
    is_flag=True,
    help="List every attribution (thoughts, beliefs, actions), not only what was said or written.",
)
@pass_ctx
@handle_errors
def quotes(ctx: Context, query: str, limit: int, fmt: str, all_quotes: bool) -> None:
    """Quotes in the stories matching QUERY, with their speakers. When QUERY names speakers
    (by:Glaser), only their quotes are shown. Quotes are what was said or written unless
    --all-quotes."""
    with ctx.service() as svc:
        found = svc.quotes(query, limit=limit, cue_classes=CUE_CLASSES if all_quotes else None)
    if fmt == "jsonl":
        for q in found:
            emit_json(q.to_json())
        return
    if not found:
        ctx.out.print("no quotes found")
        return
    table = Table(title=f"Quotes in stories matching {clean(query)}")
    for col in ("article", "speaker", "kind", "quote"):
        table.add_column(col, overflow="fold")
    for q in found:
        kind = q.kind if q.cue_class == "speech" else f"{q.kind}, {q.cue_class}"
        table.add_row(
            str(q.article_id), styled(q.speaker or "(unattributed)"), kind, styled(q.text)
        )
    ctx.out.print(table)
