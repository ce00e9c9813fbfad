"""`broadsheet terminal` (and `broadsheet` alone on a terminal): the keyboard-first app."""

from __future__ import annotations

import sys

import click

from .app import Context, cli, handle_errors, pass_ctx

THEMES = ("amber", "paper")


def require_tty() -> None:
    """The app draws on a terminal: refuse clearly when there is none."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise click.UsageError(
            "the terminal app needs an interactive terminal (stdin and stdout); "
            "for scripts use the other commands (top, search, read...)"
        )


@cli.command()
@click.option(
    "--poll/--no-poll",
    default=True,
    show_default=True,
    help="Poll due sources while the app is open (as `poll --watch` does).",
)
@click.option("--theme", type=click.Choice(THEMES), default="amber", show_default=True)
@click.option(
    "--command",
    "first",
    default="TOP",
    show_default=True,
    metavar="LINE",
    help="The command the app opens with (any mnemonic: 'N ticker:AAPL', 'GP IBM', 'SRC').",
)
@pass_ctx
@handle_errors
def terminal(ctx: Context, poll: bool, theme: str, first: str) -> None:
    """Open the terminal: mnemonics (TOP, N, READ, CN, DES, GP, PEOP, ALRT, SRC, HELP) over
    live screens of this archive.

    Keyboard first: type a command and press Enter; HELP lists every command and key,
    Ctrl+P searches every action. Screens update as stories are stored, by this process or
    any other sharing the data directory. `broadsheet` with no command opens it too.
    """
    require_tty()
    from ..tui import ArchivePoller, run_terminal

    with ctx.service(follow=True) as svc:
        run_terminal(
            svc,
            feed=ArchivePoller(svc) if poll else None,
            history=ctx.settings.home / "terminal-history",
            theme=theme,
            first=first,
        )
