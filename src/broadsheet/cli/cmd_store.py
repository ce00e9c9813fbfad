"""The store itself: migrate-store (SQLite to PostgreSQL and back)."""

from __future__ import annotations

import click

from .app import Context, cli, emit_json, format_option, handle_errors, pass_ctx, progress_bar
from .render import clean, plural


@cli.command("migrate-store")
@click.option(
    "--to",
    "target",
    required=True,
    metavar="URL_OR_FILE",
    help="Where to copy the archive: a postgresql:// URL, or a SQLite file (FILE.db).",
)
@format_option("text", "json")
@pass_ctx
@handle_errors
def migrate_store(ctx: Context, target: str, fmt: str) -> None:
    """Copy the archive (store.url, or <home>/broadsheet.db) to another store and check that
    every table holds the same number of rows.

    From SQLite to PostgreSQL: `--to postgresql://user@host/db`, then set
    store.url (or BROADSHEET_STORE__URL) to that URL. Back: `--to FILE.db`. The target must
    be empty or hold an earlier copy of this archive, which is replaced (a re-run never
    duplicates). The search index is not copied: run `broadsheet reindex` on the new store.
    """
    with ctx.service() as svc, progress_bar(ctx, "copying", None) as update:
        view = svc.migrate_store(target, progress=update)
    if fmt == "json":
        emit_json(view.to_json())
        return
    verb = "replaced the earlier copy in" if view.replaced else "copied to"
    ctx.out.print(
        f"{verb} {clean(view.target)}: {plural(view.articles, 'story', 'stories')}, "
        f"{plural(view.rows, 'row', 'rows')} in {len(view.counts)} tables; every count matches"
    )
