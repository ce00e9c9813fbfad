"""HELP: every command and every key. HELP HELP: where to get support."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..commands import COMMANDS, KEYS
from .base import Panel

__all__ = ["SUPPORT", "HelpPanel"]

SUPPORT = (
    (
        "Documentation",
        "README.md and docs/ in the Broadsheet repository: docs/cli.md (every "
        "command), docs/configuration.md (every setting), the query language in README.md",
    ),
    ("In the terminal", "HELP lists every command and key; Ctrl+P searches every action"),
    ("From the shell", "broadsheet --help, and broadsheet COMMAND --help"),
    (
        "Issue tracker",
        "the Issues page of the Broadsheet repository: search it first, then "
        "open an issue with what you typed, what you saw and `broadsheet --version`",
    ),
    ("Security problems", "report privately to the maintainers, not in a public issue"),
)


def help_table() -> Text | Table:
    table = Table(title="Commands", title_justify="left", expand=True, show_edge=False)
    table.add_column("command", style="bold", no_wrap=True)
    table.add_column("what it does")
    for c in COMMANDS:
        table.add_row(c.usage, c.summary)
    table.add_row("<saved search name>", "Run that saved search (your own mnemonics)")
    table.add_row("<story id>", "Read that story")
    return table


def keys_table() -> Table:
    table = Table(title="Keys", title_justify="left", expand=True, show_edge=False)
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("where", style="dim", no_wrap=True)
    table.add_column("what it does")
    for key, where, what in KEYS:
        table.add_row(key, where, what)
    return table


def support_table() -> Table:
    table = Table(title="Getting support", title_justify="left", expand=True, show_edge=False)
    table.add_column("where", style="bold", no_wrap=True)
    table.add_column("how")
    for where, how in SUPPORT:
        table.add_row(where, how)
    return table


class HelpPanel(Panel):
    DEFAULT_CSS = "HelpPanel VerticalScroll { padding: 0 1; }"

    def __init__(self, command: str, *, support: bool = False) -> None:
        super().__init__(command, title="HELP HELP" if support else "HELP")
        self.support = support

    def body(self) -> ComposeResult:
        with VerticalScroll(can_focus=True):
            if self.support:
                yield Static(support_table())
                yield Static(Text("\nHELP shows every command and key.", style="dim"))
            else:
                yield Static(help_table())
                yield Static(keys_table())
                yield Static(
                    Text(
                        '\nQueries: words, "phrases", AND OR NOT, headline: source: person: '
                        "org: place: ticker: topic: by: quote: since:7d until:2008-12-31. "
                        "HELP HELP: getting support.",
                        style="dim",
                    )
                )
