"""The command line's history: earlier commands, newest last, kept between sessions in a
plain text file in the data directory (one command a line, the last ``limit`` kept)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

__all__ = ["CommandHistory"]

log = logging.getLogger(__name__)


def _clean(line: str) -> str:
    """One line, printable: control characters (a pasted escape sequence) become spaces."""
    return "".join(ch if ch.isprintable() else " " for ch in line).strip()


class CommandHistory:
    """Earlier commands and a cursor for walking them with Up and Down."""

    def __init__(self, path: Path | None = None, *, limit: int = 500) -> None:
        self.path = path
        self.limit = limit
        self.entries: list[str] = []
        self._cursor = 0
        if path is not None:
            try:
                lines = path.read_text("utf-8", errors="replace").splitlines()
            except FileNotFoundError:
                lines = []
            except OSError as exc:  # an unreadable history is no reason not to start
                log.warning("command history not read: %s", exc)
                lines = []
            self.entries = [c for c in (_clean(x) for x in lines) if c][-limit:]
        self._cursor = len(self.entries)

    def add(self, line: str) -> None:
        """Remember a command that ran (a repeat of the last one is kept once)."""
        line = _clean(line)
        if line and (not self.entries or self.entries[-1] != line):
            self.entries.append(line)
            del self.entries[: -self.limit]
            self._save()
        self._cursor = len(self.entries)

    def older(self, current: str) -> str:
        """The command before the cursor (the line as it is when there is none)."""
        if self._cursor == 0:
            return current
        self._cursor -= 1
        return self.entries[self._cursor]

    def newer(self) -> str:
        """The command after the cursor; an empty line past the newest."""
        if self._cursor >= len(self.entries) - 1:
            self._cursor = len(self.entries)
            return ""
        self._cursor += 1
        return self.entries[self._cursor]

    def reset(self) -> None:
        self._cursor = len(self.entries)

    def _save(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")  # two terminals on one home
            tmp.write_text("\n".join(self.entries) + "\n", "utf-8")
            tmp.replace(self.path)
        except OSError as exc:  # a read-only home: history lives for this session only
            log.warning("command history not saved: %s", exc)
