"""Driving the app in tests: typing a command as keys, and waiting until it has settled
(no worker loading, no panel showing its loading indicator). Waits are bounded by a count
of short pauses, never by a timed assertion."""

from __future__ import annotations

from textual.pilot import Pilot

from broadsheet.tui.panels import Panel

__all__ = ["settle", "type_command"]

_KEYS = {" ": "space", '"': "quotation_mark", "'": "apostrophe", ":": "colon"}


async def settle(pilot: Pilot[None], *, rounds: int = 600) -> None:
    """Wait until every load has finished (the bus reader excepted)."""
    app = pilot.app
    quiet = 0
    for _ in range(rounds):
        await pilot.pause(0.02)
        busy = [w for w in app.workers if w.group != "bus" and not w.is_finished]
        loading = [p for p in app.query(Panel) if p.loading]
        quiet = 0 if busy or loading else quiet + 1
        if quiet >= 3:
            await pilot.pause()
            return
    raise AssertionError(f"the app did not settle: {busy or loading}")


async def type_command(pilot: Pilot[None], line: str, *, enter: bool = True) -> None:
    """Focus the command line (Escape) and type ``line`` key by key."""
    await pilot.press("escape")
    await pilot.press(*[_KEYS.get(ch, ch) for ch in line])
    if enter:
        await pilot.press("enter")
    await settle(pilot)
