"""The Broadsheet terminal: a keyboard-first Textual app with Bloomberg-style mnemonics.

    from broadsheet.service import open_service
    from broadsheet.tui import run_terminal

    with open_service(settings, follow=True) as svc:
        run_terminal(svc)

Layout: ``app`` (the app: command line, panes, status bar, live events), ``commands`` (the
mnemonics, their parser and completion), ``history``, ``commandline``, ``panes``,
``panels/`` (one module per screen: TOP, N, READ, DES/CN, GP, PEOP, ALRT and the inbox, SRC,
HELP), ``alerts`` (alerts as they fire), ``feed`` (what keeps stories coming), ``themes``,
``statusbar``, ``palette``. The terminal imports the service and below, never another
interface.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .app import BroadsheetApp
from .feed import ArchivePoller, Feed

if TYPE_CHECKING:
    from pathlib import Path

    from ..service import Service

__all__ = ["ArchivePoller", "BroadsheetApp", "Feed", "run_terminal"]


def run_terminal(
    svc: Service,
    *,
    feed: Feed | None = None,
    history: Path | None = None,
    theme: str = "amber",
    first: str = "TOP",
) -> None:
    """Run the terminal on ``svc`` until the user quits (``feed`` keeps stories coming)."""
    BroadsheetApp(svc, feed=feed, history=history, theme=theme, first=first).run()
