"""A hang guard for tests of hostile input: run a call in a thread and fail if it never ends.

The limit is generous (the machine is shared and loaded): it tells a parser that finishes
from one that backtracks for minutes. Where a regression would still end within that limit
(a quadratic scan of a 64 KB head takes seconds, not minutes), :func:`cpu_seconds` gives the
CPU time of the call's own thread, which a loaded machine does not inflate; tests compare it
with a bound many times what the fixed code needs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["CPU_BOUND", "HANG_SECONDS", "cpu_seconds", "finishes"]

T = TypeVar("T")
HANG_SECONDS = 20.0
CPU_BOUND = 0.5  # CPU seconds: the fixed parsers need milliseconds for these inputs


def cpu_seconds(call: Callable[[], T], seconds: float = HANG_SECONDS) -> tuple[T, float]:
    """``call()``'s result and the CPU seconds its thread used; AssertionError when it is
    still running after ``seconds`` of wall time."""
    outcome: list[tuple[T, float]] = []
    failure: list[BaseException] = []

    def run() -> None:
        started = time.thread_time()
        try:
            result = call()
        except BaseException as exc:  # handed back to the test below
            failure.append(exc)
        else:
            outcome.append((result, time.thread_time() - started))

    worker = threading.Thread(target=run, name="hang-guard", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise AssertionError(f"still running after {seconds:g} s: the input makes it hang")
    if failure:
        raise failure[0]
    return outcome[0]


def finishes(call: Callable[[], T], seconds: float = HANG_SECONDS) -> T:
    """``call()``'s result, or an AssertionError when it is still running after ``seconds``."""
    return cpu_seconds(call, seconds)[0]
