"""Per-document work budgets, so that no single input can hold a worker.

Python cannot interrupt a regular expression or a parser running in C, so the patterns that
read fetched text are written to run in linear time and inputs are capped in size. What is
left are the loops our own code runs over the parts of one document (feed entries, text
lines, HTML elements, WARC records, entity references): they call :meth:`Budget.check`, which
raises the caller's error once the document has used its allowance.

The allowance is CPU time of the calling thread (``time.thread_time``), so other threads'
work and a loaded machine do not eat into it: :data:`BASE_SECONDS` per document plus
:data:`SECONDS_PER_MB` for each megabyte of input (a 10,000-entry feed of 25 MB legitimately
takes about 6 s to parse).
"""

from __future__ import annotations

import time

from .errors import BroadsheetError

__all__ = ["BASE_SECONDS", "SECONDS_PER_MB", "Budget"]

BASE_SECONDS = 2.0
SECONDS_PER_MB = 1.0
_CHECK_EVERY = 1024  # calls of ``tick`` between two clock reads


class Budget:
    """CPU seconds one document may use; :meth:`check` raises ``error`` when they are spent."""

    __slots__ = ("_calls", "_clock", "deadline", "error", "what")

    def __init__(
        self,
        seconds: float,
        *,
        what: str = "document",
        error: type[BroadsheetError] = BroadsheetError,
    ) -> None:
        self._clock = time.thread_time
        self.deadline = self._clock() + seconds
        self.what = what
        self.error = error
        self._calls = 0

    @classmethod
    def for_size(
        cls, size: int, *, what: str = "document", error: type[BroadsheetError] = BroadsheetError
    ) -> Budget:
        """The allowance of a document of ``size`` bytes or characters."""
        seconds = BASE_SECONDS + SECONDS_PER_MB * size / 1_000_000
        return cls(seconds, what=what, error=error)

    @property
    def spent(self) -> bool:
        return self._clock() > self.deadline

    def check(self, stage: str = "parsing") -> None:
        """Raise ``error`` when the allowance is used up."""
        if self._clock() > self.deadline:
            raise self.error(f"{self.what}: gave up {stage}: over its time budget")

    def tick(self, stage: str = "parsing") -> None:
        """A cheap :meth:`check` for tight loops: reads the clock every 1024 calls."""
        self._calls += 1
        if self._calls % _CHECK_EVERY == 0:
            self.check(stage)
