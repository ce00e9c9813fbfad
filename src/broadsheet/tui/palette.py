"""The command palette (Ctrl+P): every mnemonic and every action, found by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .commands import COMMANDS

if TYPE_CHECKING:
    from .app import BroadsheetApp

__all__ = ["BroadsheetCommands"]


class BroadsheetCommands(Provider):
    def _entries(self) -> list[tuple[str, str, Callable[[], None]]]:
        app = cast("BroadsheetApp", self.app)
        entries: list[tuple[str, str, Callable[[], None]]] = []
        for spec in COMMANDS:
            if spec.needs_argument or spec.name in ("ALRT", "SRC"):
                action = partial(_type, app, spec.name + " ")
            else:
                action = partial(app.run_command, spec.name)
            entries.append((f"{spec.name}: {spec.summary}", spec.usage, action))
        if not any(e[0].startswith("ALRT") for e in entries):
            return entries
        entries += [
            ("Open alerts", "ALRT", partial(app.run_command, "ALRT")),
            ("Open sources", "SRC", partial(app.run_command, "SRC")),
            ("Alerts inbox", "F2", app.action_inbox),
            ("Split: open the next command beside", "Ctrl+O", app.action_split),
            ("Close the focused pane", "F8", app.action_close_pane),
            ("Next pane", "F6", partial(app.action_cycle, 1)),
            ("Switch theme", "Ctrl+T", app.action_toggle_theme),
        ]
        for name, query in sorted(app.saved.items()):
            entries.append((f"{name}: your saved search", query, partial(app.run_command, name)))
        return entries

    async def discover(self) -> Hits:
        for title, text, action in self._entries():
            yield DiscoveryHit(title, action, help=text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, text, action in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), action, help=text)


def _type(app: BroadsheetApp, text: str) -> None:
    """Put the start of a command on the command line for the user to finish."""
    field = app.command_bar.input
    field.value = text
    field.cursor_position = len(text)
    field.focus()
