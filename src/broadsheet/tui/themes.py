"""The terminal's two themes: amber on black (the default, as trading terminals are) and
paper (dark text on a light background)."""

from __future__ import annotations

from textual.theme import Theme

__all__ = ["AMBER", "PAPER", "THEMES"]

AMBER = Theme(
    name="amber",
    primary="#FFB000",
    secondary="#FF8C00",
    accent="#FFD166",
    foreground="#FFB000",
    background="#000000",
    surface="#0A0A0A",
    panel="#1A1200",
    success="#7CFC00",
    warning="#FFD700",
    error="#FF5555",
    dark=True,
    variables={
        "footer-key-foreground": "#FFD166",
        "input-selection-background": "#FFB000 35%",
        "block-cursor-background": "#FFB000",
        "block-cursor-foreground": "#000000",
        "datatable--header-background": "#1A1200",
    },
)

PAPER = Theme(
    name="paper",
    primary="#1F4E79",
    secondary="#7A4E00",
    accent="#A23B00",
    foreground="#1A1A1A",
    background="#F7F3E8",
    surface="#EFE9D8",
    panel="#E2D9BF",
    success="#2E7D32",
    warning="#8A6D00",
    error="#B00020",
    dark=False,
)

THEMES = (AMBER, PAPER)
