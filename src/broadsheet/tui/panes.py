"""Panes: up to three panels side by side (news, chart and reader at once). A panel opens in
the focused pane, or beside it when asked (Ctrl+O, ``o`` on a story, Enter on a chart)."""

from __future__ import annotations

import asyncio

from textual.containers import Horizontal
from textual.widget import Widget

from .panels.base import Panel

__all__ = ["Panes"]


class Panes(Horizontal):
    DEFAULT_CSS = "Panes { height: 1fr; }"
    MAX = 3

    def __init__(self, *panels: Panel) -> None:
        super().__init__(*panels, id="panes")
        self.active: Panel | None = panels[0] if panels else None
        # one change of panes at a time: a story opened while the previous command's panel
        # is still replacing its pane goes where that panel ends up, not after a removed one
        self._changing = asyncio.Lock()

    @property
    def panels(self) -> list[Panel]:
        return [c for c in self.children if isinstance(c, Panel)]

    def panel_of(self, widget: Widget | None) -> Panel | None:
        while widget is not None and not isinstance(widget, Panel):
            parent = widget.parent
            widget = parent if isinstance(parent, Widget) else None
        return widget if isinstance(widget, Panel) and widget.parent is self else None

    def on_descendant_focus(self, event: object) -> None:
        panel = self.panel_of(self.app.focused)
        if panel is not None:
            self.active = panel

    async def show(self, panel: Panel, *, beside: bool = False) -> None:
        """Open ``panel`` in the active pane, or in a new pane beside it."""
        async with self._changing:
            await self._show(panel, beside=beside)

    async def _show(self, panel: Panel, *, beside: bool) -> None:
        panel.wants_focus = True
        panels = self.panels
        active = self.active if self.active in panels else (panels[-1] if panels else None)
        if active is None:
            await self.mount(panel)
        elif beside and len(panels) < self.MAX:
            await self.mount(panel, after=active)
        else:
            target = active
            if beside:  # full: the pane after the active one (wrapping) takes it
                target = panels[(panels.index(active) + 1) % len(panels)]
            await self.mount(panel, after=target)
            await target.remove()
        self.active = panel

    async def close_active(self) -> bool:
        """Close the active pane (the last one stays); whether one was closed."""
        async with self._changing:
            return await self._close_active()

    async def _close_active(self) -> bool:
        panels = self.panels
        if len(panels) <= 1 or self.active not in panels:
            return False
        assert self.active is not None
        index = panels.index(self.active)
        await self.active.remove()
        rest = self.panels
        self.active = rest[min(index, len(rest) - 1)]
        self.active.focus_main()
        return True

    def cycle(self, step: int) -> None:
        panels = self.panels
        if not panels:
            return
        index = panels.index(self.active) if self.active in panels else 0
        self.active = panels[(index + step) % len(panels)]
        self.active.focus_main()
