"""Which process keeps the search index caught up, when several share one home.

The index is derived from the store's change log; one process at a time may write it
(``SearchBackend.catch_up`` raises ``IndexBusyError`` otherwise). The rule:

- A long-running process (``serve``, ``poll --watch``, the terminal, an index worker) is a
  *continuous* follower: it holds ``follower.lock`` beside the index for its life, keeps the
  writer, and applies new changes as they land (``wire.FollowLoop`` wakes it).
- A one-shot command (``ingest``, ``add``, ``delete``…) writes only the store, then catches
  the index up itself at the end — unless a continuous follower is running, which will do it
  within a moment; if another one-shot command holds the writer, it waits for it (bounded),
  then catches up and releases the writer at once.
- Readers (``search``, ``read``, the Python API) never take the writer and are never blocked:
  they read the last commit, after catching up themselves only when nobody else is about to.

``follower.lock`` is a ``flock``: the kernel drops it when its holder dies, so a crashed
follower never blocks anyone.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from ..errors import IndexBusyError
from .contract import IndexedStore, SearchBackend

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no continuous-follower detection
    fcntl = None  # type: ignore[assignment]

__all__ = ["LOCK_FILE", "ONE_SHOT_WAIT", "IndexFollower"]

log = logging.getLogger(__name__)

LOCK_FILE = "follower.lock"
# How long a one-shot command waits for another one-shot writer of the index (one that
# catches up and lets go in a moment). A writer held longer (a long reindex) is left to
# finish: the next process to look at the index catches it up.
ONE_SHOT_WAIT = 10.0


class IndexFollower:
    """Keeps ``index`` caught up with ``store`` by the rule above."""

    name = "search-index"

    def __init__(
        self,
        index: SearchBackend,
        store: IndexedStore,
        lock_dir: Path | None,
        *,
        continuous: bool = False,
    ) -> None:
        self.index = index
        self.store = store
        self._lock_path = None if lock_dir is None else lock_dir / LOCK_FILE
        self._fd: int | None = None
        self.continuous = False
        if continuous:
            self.become_continuous()

    # ------------------------------------------------------------------ the continuous role

    def become_continuous(self) -> bool:
        """Take the continuous role for this process's life; False when another process
        already has it (this one then behaves as a one-shot follower)."""
        if self.continuous:
            return True
        fd = self._open_lock()
        if fd is None:
            self.continuous = True  # no lock file possible (in memory, or no flock): alone
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        self.continuous = True
        return True

    def other_is_continuous(self) -> bool:
        """Whether another process holds the continuous role now."""
        if self.continuous:
            return False
        fd = self._open_lock()
        if fd is None:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        finally:
            os.close(fd)

    def _open_lock(self) -> int | None:
        if fcntl is None or self._lock_path is None:
            return None
        self._lock_path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)

    # ------------------------------------------------------------------ catching up

    def lag(self) -> int:
        """Changes in the store the index has not applied (as far as this process knows)."""
        return max(0, self.store.max_seq() - self.index.refresh())

    def catch_up(self, *, wait: float = ONE_SHOT_WAIT) -> int:
        """Apply what the store has that the index lacks; returns changes read.

        A continuous follower applies at once. A one-shot follower leaves the work to a
        running continuous follower, and otherwise waits up to ``wait`` seconds for another
        one-shot writer to finish, then applies and releases the writer.
        """
        if self.continuous:
            return self.index.catch_up(self.store)
        deadline = time.monotonic() + wait
        while self.lag() > 0:
            if self.other_is_continuous():
                return 0
            try:
                return self.index.catch_up(self.store)
            except IndexBusyError:
                if time.monotonic() >= deadline:
                    log.info("search index busy in another process; it will catch up")
                    return 0
                time.sleep(0.05)
            finally:
                self.index.release()
        return 0

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # releases the flock
            self._fd = None
        self.continuous = False
