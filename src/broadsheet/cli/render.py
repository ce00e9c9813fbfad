"""Showing views in a terminal: text from outside is always text.

Every console of the command line is made with ``markup=False`` and ``emoji=False``: a
headline, a feed title or a server's error message is never read as Rich markup (``[/x]``
cannot crash a command, ``[link=…]`` cannot forge a link), and ``clean`` removes control
characters (terminal escapes) from whatever is shown. Styling is done with ``Text`` and
``style=`` only.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..textsafe import clean_text

if TYPE_CHECKING:  # Rich is imported when a console or a Text is made: `analyze` and
    # `extract` write JSON lines only, and Rich's import is ≈ 15 ms of their start
    from rich.console import Console
    from rich.text import Text

__all__ = [
    "clean",
    "clean_json",
    "context_around",
    "highlight_snippet",
    "make_console",
    "plural",
    "styled",
    "when",
]


def clean(text: str | None) -> str:
    """``text`` without control characters (tab and newline kept): ``textsafe.clean_text``
    again at the output, for archives written before text was cleaned where it enters."""
    return clean_text(text) if text else ""


def clean_json(value: Any) -> Any:
    """A JSON-able value with every string ``clean``ed (JSON escapes C0 controls, but C1
    controls would reach a terminal as they are)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {k: clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    return value


def make_console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, markup=False, emoji=False, highlight=False)


def styled(text: str | None, style: str = "") -> Text:
    """Outside text as a ``Text`` (never markup), cleaned, in ``style``."""
    from rich.text import Text

    return Text(clean(text), style=style)


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def highlight_snippet(snippet: str) -> Text:
    """A snippet with its matched terms in bold yellow."""
    from rich.text import Text

    from ..search import HIGHLIGHT_END, HIGHLIGHT_START

    text = Text()
    rest = snippet
    while HIGHLIGHT_START in rest:
        before, _, after = rest.partition(HIGHLIGHT_START)
        hit, _, rest = after.partition(HIGHLIGHT_END)
        text.append(clean(before))
        text.append(clean(hit), style="bold yellow")
    text.append(clean(rest))
    return text


def plural(n: int, one: str, many: str) -> str:
    """ "1 matching story", "3 matching stories" """
    return f"{n} {one if n == 1 else many}"


def context_around(body: str, start: int, end: int, width: int = 35) -> Text:
    """A one-line window around body[start:end], the mention itself in bold."""
    from rich.text import Text

    left = max(0, start - width)
    right = min(len(body), end + width)
    text = Text("…" if left else "")
    text.append(
        clean(" ".join(body[left:start].split()))
        + (" " if body[start - 1 : start].isspace() else "")
    )
    text.append(clean(body[start:end]), style="bold")
    after = body[end:right]
    text.append((" " if after[:1].isspace() else "") + clean(" ".join(after.split())))
    if right < len(body):
        text.append("…")
    return text
