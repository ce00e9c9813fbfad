"""PostgreSQL connections and transactions for the store (psycopg 3, psycopg_pool).

The role SQL of ``broadsheet.store.sqlite`` is written in the part of SQL both engines
share, with SQLite's ``?`` placeholders; ``PgConnection`` offers the few methods of
``sqlite3.Connection`` that code uses (``execute``, ``executemany``, ``lastrowid``,
``rowcount``) and rewrites each statement once: ``?`` becomes ``%s``, ``INSERT OR IGNORE``
becomes ``ON CONFLICT DO NOTHING``, an insert into a table with a generated id returns it.
So both backends run the very same logic, and keep the same semantics.

Concurrency: every write transaction first takes one transaction-scoped advisory lock
(``pg_advisory_xact_lock``), as SQLite's ``BEGIN IMMEDIATE`` takes its write lock: two
processes ingesting the same feed never both insert a story, and change-log ``seq`` numbers
commit in the order they were handed out, so a follower reading ``seq > n`` never skips a
row that commits late. Readers never wait. Webhook claims do not take it: they lock outbox
rows with ``SELECT ... FOR UPDATE SKIP LOCKED``.

Durability: ``synchronous_commit = on`` for every connection: a commit is on disk (the WAL
flushed) before it returns.

Batches (``PostgresDatabase.batch``): the writes of one thread inside ``with store.batch():``
share transactions (group commit): one is committed every ``BATCH_WRITES`` writes or
``BATCH_SECONDS`` seconds, whichever comes first, and when the block ends, so a bulk ingest
waits for the disk once per batch instead of once per story. Each write is a savepoint in
the batch's transaction: one that fails is undone alone and the batch goes on. What a batch
wrote is seen by other connections (followers, other threads' reads) when it commits; an
exception escaping the block rolls back its uncommitted writes (a re-run stores them again,
never twice). The write lock is held from a batch transaction's first write to its commit
(at the first write after ``BATCH_SECONDS``, or the block's end): other writers wait that
long, so a batch suits bulk jobs that write one story after another.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import ConnectionPool, PoolTimeout

from broadsheet.errors import StoreError

__all__ = ["WRITE_LOCK", "PgConnection", "PostgresDatabase", "public_url", "translate"]

WRITE_LOCK = 0x62_726F_6164  # "broad": the key of the store's write lock
_RETURNS_ID = (
    "sources",
    "saved_searches",
    "alert_items",
    "alert_outbox",
    "users",
    "api_tokens",
    "login_failures",
)
_INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)
_POOL_MAX = 8
_CONNECT_TIMEOUT = 10
BATCH_WRITES = 200  # writes per batch transaction, at most
BATCH_SECONDS = 0.5  # a batch transaction is committed after this long, at most


@lru_cache(maxsize=1024)
def translate(sql: str) -> tuple[str, bool]:
    """SQLite-flavoured SQL as psycopg takes it, and whether it returns a new row's id."""
    text = sql.replace("%", "%%").replace("?", "%s")
    ignore = False
    if text.lstrip().upper().startswith("INSERT OR IGNORE INTO"):
        text = text.replace("INSERT OR IGNORE INTO", "INSERT INTO", 1)
        ignore = True
    if ignore:
        text += " ON CONFLICT DO NOTHING"
    match = _INSERT_INTO.match(text)
    returns_id = (
        match is not None
        and match.group(1) in _RETURNS_ID
        and "RETURNING" not in text.upper()
        and "ON CONFLICT" not in text.upper()
        and " SELECT " not in text.upper()
    )
    if returns_id:
        text += " RETURNING id"
    return text, returns_id


def _store_error(exc: psycopg.Error) -> StoreError:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    # SQLite's wording, which callers match (a UNIQUE failure is "already exists")
    for kind, words in _SQLITE_WORDS:
        if isinstance(exc, kind):
            return StoreError(f"{words} constraint failed: {message}")
    return StoreError(message)


_SQLITE_WORDS: tuple[tuple[type[psycopg.Error], str], ...] = (
    (pg_errors.UniqueViolation, "UNIQUE"),
    (pg_errors.CheckViolation, "CHECK"),
    (pg_errors.NotNullViolation, "NOT NULL"),
    (pg_errors.ForeignKeyViolation, "FOREIGN KEY"),
)


class PgCursor:
    """The rows and counts of one statement, as ``sqlite3.Cursor`` gives them. In a write
    transaction statements are pipelined: the server's answer is waited for only when the
    caller reads it, so writes whose results nobody reads travel together."""

    __slots__ = ("_cur", "_pipeline", "_returns_id", "_rowcount", "_rows")

    def __init__(
        self, cur: psycopg.Cursor[Any], pipeline: psycopg.Pipeline | None, returns_id: bool
    ) -> None:
        self._cur = cur
        self._pipeline = pipeline
        self._returns_id = returns_id
        self._rows: list[Any] | None = None
        self._rowcount = -1

    def _load(self) -> list[Any]:
        if self._rows is None:
            try:
                if self._pipeline is not None:
                    self._pipeline.sync()
                self._rows = self._cur.fetchall() if self._cur.description is not None else []
                self._rowcount = self._cur.rowcount
            except psycopg.Error as exc:
                raise _store_error(exc) from exc
        return self._rows

    @property
    def rowcount(self) -> int:
        self._load()
        return self._rowcount

    @property
    def lastrowid(self) -> int | None:
        rows = self._load()
        return int(rows[0][0]) if self._returns_id and rows else None

    def fetchone(self) -> Any:
        rows = self._load()
        return rows[0] if rows else None

    def fetchall(self) -> list[Any]:
        return list(self._load())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._load())


class PgConnection:
    """One pooled psycopg connection behind the part of ``sqlite3.Connection`` the role code
    uses (``pipeline``: inside a pipelined write transaction)."""

    __slots__ = ("pipeline", "raw")

    def __init__(
        self, raw: psycopg.Connection[Any], pipeline: psycopg.Pipeline | None = None
    ) -> None:
        self.raw = raw
        self.pipeline = pipeline

    def execute(self, sql: str, params: Sequence[Any] = ()) -> PgCursor:
        text, returns_id = translate(sql)
        cur = self.raw.cursor()
        try:
            cur.execute(text, tuple(params))
        except psycopg.Error as exc:
            raise _store_error(exc) from exc
        result = PgCursor(cur, self.pipeline, returns_id)
        if self.pipeline is None:
            result._load()
        return result

    def executemany(self, sql: str, seq: Any) -> PgCursor:
        params = [tuple(p) for p in seq]
        text, _ = translate(sql)
        text = text.removesuffix(" RETURNING id")
        cur = self.raw.cursor()
        if params:
            try:
                cur.executemany(text, params)
            except psycopg.Error as exc:
                raise _store_error(exc) from exc
        result = PgCursor(cur, self.pipeline, False)
        result._rows = []  # executemany returns no rows
        result._rowcount = cur.rowcount if params and self.pipeline is None else -1
        return result


def public_url(url: str) -> str:
    """The URL without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SET synchronous_commit = on")
    conn.execute("SET TIME ZONE 'UTC'")


class _Batch:
    """One thread's batch: a pooled connection and, while writes are pending, one open
    transaction holding the write lock (``PostgresDatabase.batch``)."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw
        self.open: ExitStack | None = None  # the pipeline and transaction of pending writes
        self.pipeline: psycopg.Pipeline | None = None
        self.locked = False
        self.writes = 0
        self.started = 0.0

    def begin(self) -> None:
        if self.open is None:
            stack = ExitStack()
            self.pipeline = stack.enter_context(self.raw.pipeline())
            stack.enter_context(self.raw.transaction())
            self.open, self.locked, self.writes = stack, False, 0
            self.started = time.monotonic()

    def due(self) -> bool:
        return self.writes >= BATCH_WRITES or time.monotonic() - self.started >= BATCH_SECONDS

    def end(self, *, commit: bool) -> None:
        """Commit (or roll back) the pending writes."""
        stack, self.open, self.pipeline = self.open, None, None
        if stack is None:
            return
        if commit:
            stack.close()
        else:
            stack.__exit__(StoreError, StoreError("batch abandoned"), None)


class PostgresDatabase:
    """A connection pool on one PostgreSQL database; the role mixins build on its ``_use``,
    ``_read`` and ``_write``, as they do on ``SQLiteDatabase``'s."""

    def __init__(self, url: str) -> None:
        from broadsheet.store.postgres.migrate import apply_migrations

        self._url = url
        self._lock = threading.RLock()
        self._pid = os.getpid()
        self._closed = False
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=_CONNECT_TIMEOUT) as conn:
                apply_migrations(conn)
        except psycopg.Error as exc:
            raise StoreError(f"cannot open {public_url(url)}: {_store_error(exc)}") from exc
        self._pool: ConnectionPool | None = self._new_pool()
        self._batches = threading.local()

    def _new_pool(self) -> ConnectionPool:
        return ConnectionPool(
            self._url,
            min_size=1,
            max_size=_POOL_MAX,
            kwargs={"autocommit": True, "connect_timeout": _CONNECT_TIMEOUT},
            configure=_configure,
            name="broadsheet-store",
            open=True,
        )

    @property
    def database(self) -> str:
        return public_url(self._url)

    @property
    def url(self) -> str:
        """The URL to connect with (password included): for the search backend."""
        return self._url

    def _get_pool(self) -> ConnectionPool:
        if self._closed:
            raise StoreError("the store is closed")
        if os.getpid() != self._pid:
            # a forked child never shares the parent's sockets: a pool of its own
            with self._lock:
                if os.getpid() != self._pid:
                    self._pid = os.getpid()
                    self._lock = threading.RLock()
                    self._pool = self._new_pool()
        assert self._pool is not None
        return self._pool

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            with self._get_pool().connection() as raw:
                yield raw
        except PoolTimeout as exc:
            raise StoreError(f"cannot reach {self.database}: {exc}") from exc
        except psycopg.OperationalError as exc:
            raise _store_error(exc) from exc

    @contextmanager
    def _use(self) -> Iterator[PgConnection]:
        """A connection in autocommit: each statement is its own transaction."""
        with self._connection() as raw:
            yield PgConnection(raw)

    @contextmanager
    def _read(self) -> Iterator[PgConnection]:
        """A read transaction: every query inside sees one snapshot."""
        with self._connection() as raw:
            try:
                with raw.transaction():
                    raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    yield PgConnection(raw)
            except psycopg.Error as exc:
                raise _store_error(exc) from exc

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group this thread's writes inside the block into few transactions (see the
        module's notes); nested batches join the outer one."""
        if getattr(self._batches, "current", None) is not None:
            yield
            return
        with self._connection() as raw:
            batch = _Batch(raw)
            self._batches.current = batch
            try:
                yield
            except BaseException:
                with suppress(psycopg.Error):
                    batch.end(commit=False)
                raise
            else:
                try:
                    batch.end(commit=True)
                except psycopg.Error as exc:
                    raise _store_error(exc) from exc
            finally:
                self._batches.current = None

    @contextmanager
    def _batched_write(self, batch: _Batch, lock: bool) -> Iterator[PgConnection]:
        """One write of a batch: a savepoint in the batch's transaction."""
        try:
            batch.begin()
            if lock and not batch.locked:
                batch.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                batch.locked = True
            with batch.raw.transaction():
                yield PgConnection(batch.raw, batch.pipeline)
            batch.writes += 1
            if batch.due():
                batch.end(commit=True)
        except psycopg.Error as exc:
            raise _store_error(exc) from exc

    @contextmanager
    def _write(self, *, durable: bool = False, lock: bool = True) -> Iterator[PgConnection]:
        """One write transaction, holding the store's write lock (``lock``); every commit is
        durable (``synchronous_commit = on``), so ``durable`` changes nothing here. Inside
        ``batch``: a savepoint of the batch's transaction."""
        del durable
        batch = getattr(self._batches, "current", None)
        if batch is not None:
            with self._batched_write(batch, lock) as conn:
                yield conn
            return
        with self._connection() as raw:
            try:
                with raw.pipeline() as pipeline, raw.transaction():
                    if lock:
                        raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                    yield PgConnection(raw, pipeline)
            except psycopg.Error as exc:
                raise _store_error(exc) from exc

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            pool, self._pool = self._pool, None
            if pool is not None and os.getpid() == self._pid:
                with suppress(Exception):
                    pool.close()
