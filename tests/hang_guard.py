"""A hang guard for tests of hostile input: run a call in a thread and fail if it never ends.

The limit is generous (the machine is shared and loaded): it tells a parser that finishes
from one that backtracks for minutes. Tests assert on work done, not on these seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["HANG_SECONDS", "finishes"]

T = TypeVar("T")
HANG_SECONDS = 20.0


def finishes(call: Callable[[], T], seconds: float = HANG_SECONDS) -> T:
    """``call()``'s result, or an AssertionError when it is still running after ``seconds``."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # handed back to the test below
            failure.append(exc)

    worker = threading.Thread(target=run, name="hang-guard", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise AssertionError(f"still running after {seconds:g} s: the input makes it hang")
    if failure:
        raise failure[0]
    return outcome[0]
