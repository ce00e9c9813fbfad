"""People and what they said: people, quotes."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table
from rich.text import Text

from ..errors import NotFoundError
from .app import Context, cli, emit_json, handle_errors, open_index, pass_ctx


@cli.command()
@click.argument("name")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_ctx
@handle_errors
def people(ctx: Context, name: str, fmt: str) -> None:
    """A person's profile from the archive: names, titles, quotes, company kept."""
    from dataclasses import asdict

    from ..store import open_store

    store = open_store(ctx.settings.database)
    try:
        profile = store.person_profile(name)
        if profile is None:
            raise NotFoundError(f"no one called {name!r} in the archive")
        quotes = store.quotes_by_speaker(profile.name, limit=20)
    finally:
        store.close()
    if fmt == "json":
        emit_json(asdict(profile))
        return
    out = ctx.out
    out.print(Text(profile.name, style="bold"))

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
        out.print(Text.assemble((f"{label:>13} ", "bold"), value))
    if quotes:
        table = Table(title=f"What {profile.name} said")
        table.add_column("date", no_wrap=True)
        table.add_column("article", no_wrap=True, style="dim")
        table.add_column("kind")
        table.add_column("quote", overflow="fold")
        for q in quotes:
            table.add_row(q.date, str(q.article_id), q.kind, q.text)
        out.print(table)


@cli.command()
@click.argument("query")
@click.option("--limit", "-n", type=int, default=20, show_default=True)
@pass_ctx
@handle_errors
def quotes(ctx: Context, query: str, limit: int) -> None:
    """Quotes in the stories matching QUERY, with their speakers. When QUERY names speakers
    (by:Glaser), only their quotes are shown."""
    from ..search import parse_query
    from ..store import open_store

    parsed = parse_query(query)
    speakers = _speaker_terms(parsed)
    hits = open_index(ctx).search(parsed, limit=limit).hits
    store = open_store(ctx.settings.database)
    table = Table(title=f"Quotes in stories matching {query}")
    for col in ("article", "speaker", "kind", "quote"):
        table.add_column(col, overflow="fold")
    shown = 0
    try:
        for hit in hits:
            art = store.get_article(hit.article_id)
            for q in store.get_annotations(hit.article_id).quotes:
                if speakers and not _said_by(q.speaker, speakers):
                    continue
                table.add_row(
                    str(art.id),
                    q.speaker or "(unattributed)",
                    q.kind,
                    art.body[q.content[0] : q.content[1]],
                )
                shown += 1
    finally:
        store.close()
    if not shown:
        ctx.out.print("no quotes found")
        return
    ctx.out.print(table)


def _speaker_terms(query: Any) -> list[str]:
    """The values of the ``by:`` terms a query asks for (not under NOT)."""
    from ..search.query import And, Keyword, Or

    if isinstance(query, Keyword):
        return [query.value] if query.field == "by" else []
    if isinstance(query, And | Or):
        return [v for part in query.parts for v in _speaker_terms(part)]
    return []


def _said_by(speaker: str | None, wanted: list[str]) -> bool:
    """Whether a quote's speaker is one a ``by:`` term names (whole name or a run of its
    words, as the search matches it)."""
    from ..search.analysis import keyword_value, name_part_key, name_parts

    if speaker is None:
        return False
    parts = name_parts(speaker)
    return any(
        keyword_value(w) == keyword_value(speaker) or name_part_key(w) in parts for w in wanted
    )
