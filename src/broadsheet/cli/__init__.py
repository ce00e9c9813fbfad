"""The ``broadsheet`` command line: thin commands over pipeline, store, search and markets."""

from __future__ import annotations

from . import (  # noqa: F401  (importing registers the commands)
    cmd_accounts,
    cmd_alerts,
    cmd_articles,
    cmd_batch,
    cmd_demo,
    cmd_markets,
    cmd_measure,
    cmd_people,
    cmd_serve,
    cmd_sources,
    cmd_terminal,
    cmd_worker,
)
from .app import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="broadsheet")
