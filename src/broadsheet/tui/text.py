"""Text from outside, made safe to show: never markup, never terminal control codes.

Every string that came from a feed, a page or a user (headlines, names, errors) reaches the
screen through ``plain`` (a ``rich.text.Text``, which Textual never reads as markup) with its
control characters turned into spaces first.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text

__all__ = ["clean", "plain", "when"]

_KEEP = {"\n", "\t"}


def clean(value: object, *, lines: bool = False) -> str:
    """``value`` as printable text: control and format characters become spaces (newlines
    kept only with ``lines``)."""
    text = "" if value is None else str(value)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or (lines and ch in _KEEP) else " " for ch in text)


def plain(value: object, style: str = "", *, lines: bool = False) -> Text:
    """A ``Text`` showing ``value`` exactly as written (no markup), cleaned."""
    return Text(clean(value, lines=lines), style=style)


def when(value: datetime | None, *, seconds: bool = False) -> str:
    """A time in UTC as the terminal shows it: ``2008-09-15 14:30``."""
    if value is None:
        return "—"
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
