"""Errors appear in the app and never crash it: background work runs through ``guarded``,
which turns an exception into a message on screen (and a line in the log)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable

from textual.app import App

from ..errors import BroadsheetError
from .text import clean

__all__ = ["guarded"]

log = logging.getLogger(__name__)


async def guarded(work: Awaitable[object], app: App[None], what: str) -> None:
    """Await ``work``; an error is shown as a notification instead of ending the app."""
    try:
        await work
    except BroadsheetError as exc:
        app.notify(clean(str(exc)), title=what, severity="error")
    except Exception as exc:  # a bug: say so, keep the terminal running
        log.exception("%s failed", what)
        app.notify(clean(repr(exc)), title=f"{what} failed", severity="error")
