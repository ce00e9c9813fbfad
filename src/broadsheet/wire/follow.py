"""Followers of the store's change log, and the loop that keeps them caught up.

A follower keeps its own saved position in the log and applies what came after it; after a
crash it starts again from that position, so it misses nothing and (when it saves its
position together with its own writes) repeats nothing. The search index is one; saved-search
alerts are another; ``ChangeFeed`` turns the log into events on a bus for live screens.

``FollowLoop`` runs followers in a background thread of a long-running process (the server,
``poll --watch``, the terminal): a write in the same process wakes it at once (``poke``).
Writes by other processes sharing the home are seen within ``interval`` seconds, by watching
the log's highest position; a loop made with ``watch=True`` is woken by them at once when
the log is a SQLite file on Linux (``LogWatch``: inotify on the file's write-ahead log).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import select
import struct
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from .bus import Bus
from .events import ChangeLike, event_from_change

__all__ = ["ChangeFeed", "ChangeSource", "FollowLoop", "Follower", "LogWatch"]

log = logging.getLogger(__name__)


class ChangeSource(Protocol):
    """The part of the store a follower reads (``broadsheet.store.ChangeLog``)."""

    def changes_since(self, seq: int, limit: int = ...) -> Sequence[ChangeLike]: ...

    def max_seq(self) -> int: ...


class Follower(Protocol):
    name: str

    def catch_up(self) -> int:
        """Apply the changes after the saved position; returns how many were read."""


class ChangeFeed:
    """Publishes each change after its start position as an event on ``bus``.

    Its position lives in memory: a live feed starts where the log is when it is made
    (``start=None``) and tells subscribers what happens from then on.
    """

    name = "events"

    def __init__(self, log: ChangeSource, bus: Bus, *, start: int | None = None) -> None:
        self._log = log
        self._bus = bus
        self.position = log.max_seq() if start is None else start

    def catch_up(self) -> int:
        read = 0
        while True:
            changes = self._log.changes_since(self.position, 1000)
            if not changes:
                return read
            for change in changes:
                event = event_from_change(change)
                if event is not None:
                    self._bus.publish(event)
                self.position = change.seq
            read += len(changes)


_IN_MODIFY = 0x00000002
_IN_CLOEXEC = 0o2000000
_IN_NONBLOCK = 0o4000
_EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len (then the name)
_RECHECK = 0.005  # a wake that found the log unchanged looks once more this much later


class LogWatch:
    """Calls ``on_change`` when another process writes a SQLite file's write-ahead log
    (Linux inotify, read by a thread of its own). A write fires before that transaction's
    commit is visible to readers, so a look that finds nothing new looks once more shortly
    after (``FollowLoop``); every later write fires again.

    After a call it waits for ``rearm`` (the loop has started a round) before reading more:
    the writes meanwhile (a commit is several) make one wake between them, not one each."""

    def __init__(self, database: Path, on_change: Callable[[], None]) -> None:
        self._names = {f"{database.name}-wal".encode(), database.name.encode()}
        self._on_change = on_change
        self._stop = threading.Event()
        self._armed = threading.Event()
        self._armed.set()
        self._fd = self._open(database.parent)
        self._thread = threading.Thread(target=self._run, name="log-watch", daemon=True)
        self._thread.start()

    @classmethod
    def of(cls, source: object, on_change: Callable[[], None]) -> LogWatch | None:
        """A watch of ``source``'s file when it is a SQLite file here (else None: polling)."""
        database = getattr(source, "database", None)
        if not sys.platform.startswith("linux") or not isinstance(database, str):
            return None
        if database == ":memory:" or database.startswith("file:") or "://" in database:
            return None
        path = Path(database)
        if not path.is_file():
            return None
        try:
            return cls(path, on_change)
        except OSError as exc:  # no inotify here (or no watches left): polling does
            log.debug("cannot watch %s: %s", path, exc)
            return None

    @staticmethod
    def _open(folder: Path) -> int:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        fd = int(libc.inotify_init1(_IN_NONBLOCK | _IN_CLOEXEC))
        if fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        if libc.inotify_add_watch(fd, os.fsencode(folder), _IN_MODIFY) < 0:
            errno = ctypes.get_errno()
            os.close(fd)
            raise OSError(errno, f"inotify_add_watch {folder}")
        return fd

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if not self._armed.wait(0.5):
                    continue
                ready, _, _ = select.select([self._fd], [], [], 0.5)
                if not ready:
                    continue
                try:
                    data = os.read(self._fd, 65536)  # every event so far: one wake for all
                except BlockingIOError:
                    continue
                if self._mentions_log(data):
                    self._armed.clear()
                    self._on_change()
        except (OSError, ValueError):  # closed under us
            return

    def _mentions_log(self, data: bytes) -> bool:
        offset = 0
        while offset + _EVENT.size <= len(data):
            _wd, _mask, _cookie, size = _EVENT.unpack_from(data, offset)
            start = offset + _EVENT.size
            if data[start : start + size].rstrip(b"\0") in self._names:
                return True
            offset = start + size
        return False

    def rearm(self) -> None:
        """The last wake was taken: call ``on_change`` at the next write."""
        self._armed.set()

    def close(self) -> None:
        self._stop.set()
        self._armed.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        with contextlib.suppress(OSError):
            os.close(self._fd)


class FollowLoop:
    """Keeps followers caught up from a background thread until ``stop``."""

    def __init__(
        self,
        log: ChangeSource,
        followers: Sequence[Follower],
        *,
        interval: float = 0.1,
        name: str = "follow",
        eager: bool = False,
        idle_round: float | None = None,
        watch: bool = False,
    ) -> None:
        self._log = log
        self._followers = list(followers)
        self._interval = interval
        self._wake = threading.Event()
        self._poked = False  # a write of this process (else a wake is another's, maybe)
        self._watch: LogWatch | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._seen = -1
        self._thread: threading.Thread | None = None
        self._name = name
        self._eager = eager  # after a round that read changes, look again at once
        # also run every follower this often when the log has not moved (work that is due
        # by the clock, or written by another process without a change to the log)
        self._idle_round = idle_round
        # wake at another process's write (``LogWatch``), not only every ``interval``: for
        # a loop whose latency matters more than batching its work (alerts; not the index,
        # whose every round is a commit)
        self._watching = watch
        self.errors = 0

    def add(self, follower: Follower) -> None:
        with self._lock:
            self._followers.append(follower)
        self.poke()

    def start(self) -> FollowLoop:
        if self._thread is None:
            if self._watching:
                self._watch = LogWatch.of(self._log, self._wake.set)
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()
        return self

    def poke(self) -> None:
        """Something was written: look now rather than at the next interval."""
        self._poked = True
        self._wake.set()

    def run_once(self, *, force: bool = False) -> int:
        """Catch every follower up once (when the log moved, or ``force``)."""
        try:
            top = self._log.max_seq()
        except Exception as exc:  # a store closing under us, or a transient lock error
            log.debug("change log not readable: %s", exc)
            return 0
        if top == self._seen and not force:
            return 0
        with self._lock:
            followers = list(self._followers)
        read = 0
        for follower in followers:
            try:
                read += follower.catch_up()
            except Exception:  # one broken follower never stops the others, nor the loop
                self.errors += 1
                log.exception("follower %s failed; it will retry", follower.name)
                return read  # keep _seen, so the next round tries again
        self._seen = top
        return read

    def _run(self) -> None:
        busy = recheck = False
        last = time.monotonic()
        while not self._stop.is_set():
            woke = not busy and self._wake.wait(_RECHECK if recheck else self._interval)
            self._wake.clear()
            if self._watch is not None:
                self._watch.rearm()
            poked, self._poked = busy or self._poked, False
            if self._idle_round is not None and time.monotonic() - last >= self._idle_round:
                poked = True
            if poked:
                last = time.monotonic()
            if self._stop.is_set():
                break
            # a poke (this process wrote) runs every follower; a wake by the log watch, or
            # the interval, looks at the log's top first
            read = self.run_once(force=poked)
            busy = self._eager and read > 0
            # woken by a write (of another process, maybe) that this look did not see: its
            # commit may not have been visible yet, look again soon (a look that ends by
            # the clock is not followed by another)
            recheck = woke and not poked and self._watch is not None and not read

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._watch is not None:
            self._watch.close()
            self._watch = None
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)
        self._thread = None
