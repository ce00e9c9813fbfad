"""SQLite connections and transactions for the store.

Concurrency: one connection per thread (WAL lets readers run beside the writer, and readers
are never blocked by it); every write is one ``BEGIN IMMEDIATE`` transaction, so two
processes ingesting the same feed serialise on the database lock and the
look-up-then-insert of ``save_article`` never races; primary keys on every identity key back
this up. Writers queue on a ``flock`` beside the database (woken at once, unlike SQLite's
sleeping busy handler, which remains for other programs). Any number of processes may write.

Durability: article rows use ``synchronous=NORMAL``: a process crash loses nothing committed,
a power cut may lose the last commits (they can be fetched again). Writes of users, saved
searches and alerts pass ``durable=True`` and commit with ``synchronous=FULL``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from broadsheet.errors import NotFoundError, StoreError
from broadsheet.store.sqlite.integrity import check_database
from broadsheet.store.sqlite.migrate import apply_migrations

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: SQLite's busy handler alone
    fcntl = None  # type: ignore[assignment]

__all__ = ["SQLiteDatabase", "require_article", "restore_backup"]

_CACHE_KIB = -65536  # page cache per connection: 64 MiB (negative = KiB)
_WAL_CHECKPOINT_PAGES = 8192  # checkpoint the WAL every ~32 MiB instead of every 4 MiB


class SQLiteDatabase:
    """Connections and transactions on one SQLite file (or ``:memory:``, then one locked
    connection); the role mixins of ``SQLiteStore`` build on it."""

    def __init__(self, database: str) -> None:
        self._database = database
        self._memory = database == ":memory:" or "mode=memory" in database
        self._uri = database.startswith("file:")
        self._lock = threading.RLock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._pid = os.getpid()
        self._closed = False
        self._shared: sqlite3.Connection | None = None
        self._write_lock = threading.Lock()
        self._lock_fd: int | None = None
        try:
            conn = self._connect()
            if self._memory:
                self._shared = conn
            else:
                self._local.conn = conn
            apply_migrations(conn)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {database}: {exc}") from exc

    @property
    def database(self) -> str:
        return self._database

    # ------------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self._database,
            timeout=60.0,
            isolation_level=None,
            check_same_thread=False,
            uri=self._uri,
        )
        conn.execute("PRAGMA busy_timeout = 60000")
        conn.execute("PRAGMA foreign_keys = ON")
        if not self._memory:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"could not put {self._database} in WAL mode (got {mode})")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute(f"PRAGMA cache_size = {_CACHE_KIB}")
        conn.execute(f"PRAGMA wal_autocheckpoint = {_WAL_CHECKPOINT_PAGES}")
        with self._lock:
            self._connections.append(conn)
        return conn

    def _thread_conn(self) -> sqlite3.Connection:
        if self._closed:
            raise StoreError("the store is closed")
        self._after_fork()
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def _after_fork(self) -> None:
        """In a forked child, drop the parent's connections and locks (never share them)."""
        if os.getpid() != self._pid:
            self._pid = os.getpid()
            self._lock = threading.RLock()
            self._write_lock = threading.Lock()
            self._connections = []
            self._local = threading.local()
            self._lock_fd = None

    @contextmanager
    def _use(self) -> Iterator[sqlite3.Connection]:
        if self._memory:
            with self._lock:
                if self._closed or self._shared is None:
                    raise StoreError("the store is closed")
                yield self._shared
        else:
            yield self._thread_conn()

    @contextmanager
    def _writer_turn(self) -> Iterator[None]:
        """Queue for the write lock: one writer thread per process, then one process per file.

        SQLite's own busy handler polls with sleeps growing to 100 ms, so two processes
        writing at once lose most of their time asleep; a blocking ``flock`` on a lock file
        beside the database wakes the next writer as soon as the lock is released (and the
        kernel drops it if the holder is killed). Writers that do not take it (another
        program) are still handled by ``busy_timeout``.
        """
        if self._memory:
            yield
            return
        self._after_fork()
        with self._write_lock:
            handle = self._lock_file()
            if handle is None:
                yield
                return
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _lock_file(self) -> int | None:
        if fcntl is None or self._uri:  # a URI names no plain path to put the lock beside
            return None
        if self._lock_fd is None:
            try:
                self._lock_fd = os.open(
                    f"{self._database}-writer.lock", os.O_RDWR | os.O_CREAT, 0o644
                )
            except OSError:
                return None
        return self._lock_fd

    @contextmanager
    def _write(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """One BEGIN IMMEDIATE transaction; sqlite errors become StoreError.

        ``durable``: the commit is on disk before this returns, power loss included
        (``synchronous=FULL``): users, saved searches and alerts. Articles use NORMAL.
        """
        with self._writer_turn(), self._use() as conn:
            if durable:
                conn.execute("PRAGMA synchronous = FULL")
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise StoreError(str(exc)) from exc
            finally:
                if durable:
                    conn.execute("PRAGMA synchronous = NORMAL")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees one snapshot."""
        with self._use() as conn:
            try:
                conn.execute("BEGIN")
                try:
                    yield conn
                finally:
                    if conn.in_transaction:
                        conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreError(str(exc)) from exc

    def close(self) -> None:
        """Close every connection this store opened (in this process)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if os.getpid() == self._pid:
                for conn in self._connections:
                    with suppress(sqlite3.Error):
                        conn.close()
            self._connections = []
            self._shared = None
            if self._lock_fd is not None and self._pid == os.getpid():
                os.close(self._lock_fd)
            self._lock_fd = None

    # ------------------------------------------------------------------ maintenance

    def integrity_check(self) -> list[str]:
        """Problems found (empty = healthy): SQLite's own check, foreign keys, our invariants."""
        with self._read() as conn:
            return check_database(conn)

    def backup(self, path: str | Path) -> None:
        """Write a consistent copy of the database to ``path`` while writes go on.

        The copy is taken in one step of SQLite's online backup API (one read snapshot, so
        writers are not blocked and the copy is never torn), written beside ``path`` and
        renamed into place.
        """
        if self._memory:
            raise StoreError("an in-memory store cannot be backed up")
        target = Path(path)
        partial = target.with_name(target.name + ".partial")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        dest = sqlite3.connect(partial, isolation_level=None)
        try:
            with self._use() as conn:
                conn.backup(dest, pages=-1)
            dest.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.Error as exc:
            raise StoreError(f"backup failed: {exc}") from exc
        finally:
            dest.close()
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)


def restore_backup(backup: str | Path, database: str | Path) -> None:
    """Replace ``database`` (closed by every user) with the backup at ``backup``."""
    target = Path(database)
    for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{Path(backup)}?mode=ro", uri=True)
    dest = sqlite3.connect(target, isolation_level=None)
    try:
        src.backup(dest, pages=-1)
    except sqlite3.Error as exc:
        raise StoreError(f"restore failed: {exc}") from exc
    finally:
        src.close()
        dest.close()


def require_article(conn: sqlite3.Connection, article_id: int) -> None:
    if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
        raise NotFoundError(f"no article {article_id}")
