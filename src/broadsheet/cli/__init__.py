"""The ``broadsheet`` command line: thin commands over pipeline, store, search and markets."""

from __future__ import annotations

from . import cmd_articles, cmd_demo, cmd_measure, cmd_people, cmd_sources  # noqa: F401
from .app import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="broadsheet")
