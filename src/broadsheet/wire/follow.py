"""Followers of the store's change log, and the loop that keeps them caught up.

A follower keeps its own saved position in the log and applies what came after it; after a
crash it starts again from that position, so it misses nothing and (when it saves its
position together with its own writes) repeats nothing. The search index is one; saved-search
alerts are another; ``ChangeFeed`` turns the log into events on a bus for live screens.

``FollowLoop`` runs followers in a background thread of a long-running process (the server,
``poll --watch``, the terminal): a write in the same process wakes it at once (``poke``);
writes by other processes sharing the home are seen within ``interval`` seconds, by watching
the log's highest position.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Protocol

from .bus import Bus
from .events import ChangeLike, event_from_change

__all__ = ["ChangeFeed", "ChangeSource", "FollowLoop", "Follower"]

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
    ) -> None:
        self._log = log
        self._followers = list(followers)
        self._interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._seen = -1
        self._thread: threading.Thread | None = None
        self._name = name
        self._eager = eager  # after a round that read changes, look again at once
        # also run every follower this often when the log has not moved (work that is due
        # by the clock, or written by another process without a change to the log)
        self._idle_round = idle_round
        self.errors = 0

    def add(self, follower: Follower) -> None:
        with self._lock:
            self._followers.append(follower)
        self.poke()

    def start(self) -> FollowLoop:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()
        return self

    def poke(self) -> None:
        """Something was written: look now rather than at the next interval."""
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
        busy = False
        last = time.monotonic()
        while not self._stop.is_set():
            poked = busy or self._wake.wait(self._interval)
            if self._idle_round is not None and time.monotonic() - last >= self._idle_round:
                poked = True
            if poked:
                last = time.monotonic()
            self._wake.clear()
            if self._stop.is_set():
                break
            read = self.run_once(force=poked)
            busy = self._eager and read > 0

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)
        self._thread = None
