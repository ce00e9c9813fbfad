"""The ``broadsheet`` command line: thin commands over pipeline, store, search and markets.

Each command's module is imported when the command is used (see ``app.COMMAND_MODULES``),
so a command's start-up pays only for what that command needs."""

from __future__ import annotations

from .app import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="broadsheet")
