"""Service calls off the UI thread.

Every call into the application service runs here, on a small pool of threads, awaited from
a Textual worker: the screen never waits for the archive. A fixed pool (rather than a new
thread per call) keeps the store's per-thread connections few over a long session.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["ServiceRunner"]

T = TypeVar("T")


class ServiceRunner:
    def __init__(self, threads: int = 3) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="tui-service")

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` on the pool; its result, or its exception, here."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
