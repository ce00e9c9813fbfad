"""The system of record on SQLite: sources, articles (versions, stories, tombstones),
annotations, price bars, and the change log the search index follows.

Concurrency: one connection per thread (WAL lets readers run beside the writer); every write
is one ``BEGIN IMMEDIATE`` transaction, so two processes ingesting the same feed serialise on
the database lock and the look-up-then-insert of ``save_article`` never races; primary keys
on every identity key back this up. Writers queue on a ``flock`` beside the database (woken
at once, unlike SQLite's sleeping busy handler, which remains for other programs).

Durability: article rows use ``synchronous=NORMAL``: a process crash loses nothing committed,
a power cut may lose the last commits (they can be fetched again). Tables for users, saved
searches and alerts will need ``synchronous=FULL`` (a setting of the connection, so a
separate connection for those writes).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime
from pathlib import Path
from typing import Any

from broadsheet.errors import NotFoundError, StoreError
from broadsheet.models import (
    Annotations,
    Article,
    PriceBar,
    SaveResult,
    Source,
    SourceKind,
    StoredArticle,
)
from broadsheet.store.annotations import (
    build_person_profile,
    find_speaker_quotes,
    find_ticker_articles,
    mark_failed,
    read_annotations,
    write_annotations,
)
from broadsheet.store.articles import (
    ARTICLE_SELECT,
    Lookup,
    any_key,
    article_from_row,
    guid_key,
    key_owner,
    save_existing,
    save_new,
    settle_without_write,
    unchanged,
)
from broadsheet.store.dedupe import content_hash, minhash, normalize_text
from broadsheet.store.integrity import check_database
from broadsheet.store.migrate import apply_migrations
from broadsheet.store.prices import read_bars, read_tickers, write_bars
from broadsheet.store.times import (
    day,
    from_us,
    now_us,
    opt_dt,
    opt_us,
    parse_iso,
    to_us,
)
from broadsheet.store.types import (
    ArticleVersion,
    Change,
    PersonProfile,
    SpeakerQuote,
    TickerArticle,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: SQLite's busy handler alone
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "SQLiteStore",
    "open_store",
    "restore_backup",
]

_CACHE_KIB = -65536  # page cache per connection: 64 MiB (negative = KiB)
_WAL_CHECKPOINT_PAGES = 8192  # checkpoint the WAL every ~32 MiB instead of every 4 MiB

_SOURCE_COLUMNS = (
    "id, url, kind, title, paused, etag, last_modified, last_fetch_us, last_success_us,"
    " last_error, error_count, next_poll_us, added_us"
)
# update_source(**fields): field -> (column, is a datetime)
_SOURCE_FIELDS: dict[str, tuple[str, bool]] = {
    "url": ("url", False),
    "kind": ("kind", False),
    "title": ("title", False),
    "paused": ("paused", False),
    "etag": ("etag", False),
    "last_modified": ("last_modified", False),
    "last_fetch_at": ("last_fetch_us", True),
    "last_success_at": ("last_success_us", True),
    "last_error": ("last_error", False),
    "error_count": ("error_count", False),
    "next_poll_at": ("next_poll_us", True),
}


# --------------------------------------------------------------------------- the store


class SQLiteStore:
    """Thread-safe store on one SQLite file (or ``:memory:``, then one locked connection)."""

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
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One BEGIN IMMEDIATE transaction; sqlite errors become StoreError."""
        with self._writer_turn(), self._use() as conn:
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

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ sources

    @staticmethod
    def _source(row: Sequence[Any]) -> Source:
        return Source(
            id=row[0],
            url=row[1],
            kind=row[2],
            title=row[3],
            paused=bool(row[4]),
            etag=row[5],
            last_modified=row[6],
            last_fetch_at=opt_dt(row[7]),
            last_success_at=opt_dt(row[8]),
            last_error=row[9],
            error_count=row[10],
            next_poll_at=opt_dt(row[11]),
            added_at=opt_dt(row[12]),
        )

    def add_source(self, url: str, kind: SourceKind, title: str | None = None) -> Source:
        """Subscribe to ``url``; adding a URL twice returns the existing source."""
        if kind not in ("feed", "page"):
            raise StoreError(f"unknown source kind {kind!r}")
        with self._write() as conn:
            conn.execute(
                "INSERT INTO sources (url, kind, title, added_us) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (url) DO NOTHING",
                (url, kind, title, now_us()),
            )
            row = conn.execute(
                f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE url = ?", (url,)
            ).fetchone()
        return self._source(row)

    def get_source(self, source_id: int) -> Source:
        with self._use() as conn:
            row = conn.execute(
                f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE id = ?", (source_id,)
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no source {source_id}")
        return self._source(row)

    def find_source(self, url: str) -> Source | None:
        with self._use() as conn:
            row = conn.execute(
                f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE url = ?", (url,)
            ).fetchone()
        return None if row is None else self._source(row)

    def list_sources(self) -> list[Source]:
        with self._use() as conn:
            rows = conn.execute(f"SELECT {_SOURCE_COLUMNS} FROM sources ORDER BY id").fetchall()
        return [self._source(r) for r in rows]

    def update_source(self, source_id: int, **fields: object) -> Source:
        """Set polling state (any ``Source`` field but ``id`` and ``added_at``)."""
        unknown = set(fields) - set(_SOURCE_FIELDS)
        if unknown:
            raise StoreError(f"cannot update source fields {sorted(unknown)}")
        assignments: list[str] = []
        values: list[object] = []
        for name, value in fields.items():
            column, is_time = _SOURCE_FIELDS[name]
            if is_time:
                if value is not None and not isinstance(value, datetime):
                    raise StoreError(f"{name} must be a datetime or None")
                value = opt_us(value)
            elif name == "paused":
                value = int(bool(value))
            assignments.append(f"{column} = ?")
            values.append(value)
        with self._write() as conn:
            if assignments:
                cur = conn.execute(
                    f"UPDATE sources SET {', '.join(assignments)} WHERE id = ?",
                    (*values, source_id),
                )
                if cur.rowcount == 0:
                    raise NotFoundError(f"no source {source_id}")
            row = conn.execute(
                f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE id = ?", (source_id,)
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no source {source_id}")
        return self._source(row)

    def remove_source(self, source_id: int) -> None:
        """Unsubscribe; its articles stay (their source_id becomes None)."""
        with self._write() as conn:
            cur = conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
            if cur.rowcount == 0:
                raise NotFoundError(f"no source {source_id}")

    def due_sources(self, now: datetime) -> list[Source]:
        """Sources not paused whose next poll is unset or at/before ``now``, soonest first."""
        with self._use() as conn:
            rows = conn.execute(
                f"SELECT {_SOURCE_COLUMNS} FROM sources"
                " WHERE paused = 0 AND (next_poll_us IS NULL OR next_poll_us <= ?)"
                " ORDER BY coalesce(next_poll_us, 0), id",
                (to_us(now),),
            ).fetchall()
        return [self._source(r) for r in rows]

    # ------------------------------------------------------------------ articles: writing

    def save_article(
        self,
        article: Article,
        *,
        source_id: int | None = None,
        first_seen_at: datetime | None = None,
        guid: str | None = None,
    ) -> SaveResult:
        """Store ``article`` unless the store already has it (see ``store.articles``).

        Identity keys, in order of trust: canonical URL, guid within the source, URL. A match
        with the same text is "unchanged"; with other text, a "new_version" of that article.
        No identity match but the same normalised text: "unchanged" (the existing article's
        id is returned). Any key of a deleted article: "deleted", nothing stored. Otherwise
        "new": near-duplicates (MinHash) join the story of the closest earlier article.
        """
        norm = normalize_text(article.body)
        # the headline is part of the content: boilerplate bodies (paywall stubs, "read more")
        # under different headlines must not collapse into one story
        digest = content_hash(f"{normalize_text(article.headline or '')}\n{norm}", normalized=True)
        has_text = bool(norm)
        identity: list[tuple[str, str]] = []
        if article.canonical_url:
            identity.append(("canonical", article.canonical_url))
        if guid:
            identity.append(("guid", guid_key(source_id, guid)))
        if article.url:
            identity.append(("url", article.url))
        hash_key = ("hash", digest)
        every_key = [*identity, hash_key] if has_text else list(identity)
        # Most saves are re-polls of stories already stored: settle those with a read only.
        with self._use() as conn:
            try:
                settled = settle_without_write(conn, identity, every_key, digest, has_text, article)
            except sqlite3.Error as exc:
                raise StoreError(str(exc)) from exc
        if settled is not None:
            return settled
        signature = minhash(norm, normalized=True)
        seen_us = to_us(first_seen_at) if first_seen_at else now_us()
        with self._write() as conn:
            lookup = Lookup(conn, every_key)
            if lookup.tombstoned:
                return SaveResult(None, None, "deleted")
            found = lookup.first_owner(identity)
            if found is not None:
                return save_existing(
                    conn, found, article, identity, digest, has_text, signature, seen_us
                )
            dup = lookup.owners.get(hash_key) if has_text else None
            if dup is not None:
                return unchanged(conn, dup)
            return save_new(conn, article, source_id, guid, every_key, digest, signature, seen_us)

    def delete_article(self, article_id: int) -> None:
        """Delete an article and leave a tombstone: the same story is never stored again."""
        with self._write() as conn:
            _require_article(conn, article_id)
            deleted_us = now_us()
            keys = conn.execute(
                "SELECT kind, key FROM article_keys WHERE article_id = ?", (article_id,)
            ).fetchall()
            keys.append(("id", str(article_id)))
            conn.executemany(
                "INSERT OR IGNORE INTO tombstones (kind, key, article_id, deleted_us)"
                " VALUES (?, ?, ?, ?)",
                [(kind, key, article_id, deleted_us) for kind, key in keys],
            )
            conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            conn.execute("INSERT INTO changes (article_id, op) VALUES (?, 'delete')", (article_id,))

    # ------------------------------------------------------------------ articles: reading

    def get_article(self, article_id: int) -> StoredArticle:
        with self._use() as conn:
            row = conn.execute(f"{ARTICLE_SELECT} WHERE a.id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no article {article_id}")
        return article_from_row(row)

    def find_article(self, url: str) -> StoredArticle | None:
        """The article stored under this canonical URL or URL (any alias seen), if any."""
        with self._use() as conn:
            row = conn.execute(
                f"{ARTICLE_SELECT} WHERE a.id = (SELECT article_id FROM article_keys"
                " WHERE kind IN ('canonical', 'url') AND key = ? ORDER BY kind LIMIT 1)",
                (url,),
            ).fetchone()
        return None if row is None else article_from_row(row)

    def get_articles(self, ids: Iterable[int]) -> list[StoredArticle]:
        """The articles with these ids, in the order asked; missing ids are skipped."""
        wanted = list(ids)
        found: dict[int, StoredArticle] = {}
        with self._read() as conn:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for row in conn.execute(f"{ARTICLE_SELECT} WHERE a.id IN ({marks})", chunk):
                    found[row[0]] = article_from_row(row)
        return [found[i] for i in wanted if i in found]

    def article_versions(self, article_id: int) -> list[ArticleVersion]:
        """Every version of the article, oldest first; the last is the current text."""
        with self._read() as conn:
            current = conn.execute(
                "SELECT id, version, saved_us, headline, byline, published_at, url,"
                " canonical_url, body, content_hash FROM articles WHERE id = ?",
                (article_id,),
            ).fetchone()
            if current is None:
                raise NotFoundError(f"no article {article_id}")
            rows = conn.execute(
                "SELECT article_id, version, saved_us, headline, byline, published_at, url,"
                " canonical_url, body, content_hash FROM article_versions"
                " WHERE article_id = ? ORDER BY version",
                (article_id,),
            ).fetchall()
        return [
            ArticleVersion(
                article_id=r[0],
                version=r[1],
                saved_at=from_us(r[2]),
                headline=r[3],
                byline=r[4],
                published_at=parse_iso(r[5]),
                url=r[6],
                canonical_url=r[7],
                body=r[8],
                content_hash=r[9],
            )
            for r in [*rows, current]
        ]

    def count_articles(self) -> int:
        with self._use() as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def iter_articles(self, batch: int = 1000) -> Iterator[StoredArticle]:
        """Every article in id (first-seen) order, read in batches."""
        last = -1
        while True:
            with self._use() as conn:
                rows = conn.execute(
                    f"{ARTICLE_SELECT} WHERE a.id > ? ORDER BY a.id LIMIT ?", (last, batch)
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield article_from_row(row)
            last = rows[-1][0]

    def latest_articles(self, limit: int = 20, offset: int = 0) -> list[StoredArticle]:
        """Most recently first-seen first."""
        with self._use() as conn:
            rows = conn.execute(
                f"{ARTICLE_SELECT} ORDER BY a.id DESC LIMIT ? OFFSET ?", (limit, offset)
            ).fetchall()
        return [article_from_row(r) for r in rows]

    def story_articles(self, story_id: int) -> list[StoredArticle]:
        """The articles of one near-duplicate cluster, first seen first."""
        with self._use() as conn:
            rows = conn.execute(
                f"{ARTICLE_SELECT} WHERE a.story_id = ? ORDER BY a.id", (story_id,)
            ).fetchall()
        return [article_from_row(r) for r in rows]

    def seen_guid(self, source_id: int, guid: str) -> bool:
        """Whether this source's entry was stored (or stored and deleted)."""
        key = ("guid", guid_key(source_id, guid))
        with self._use() as conn:
            return (
                key_owner(conn, key) is not None or any_key(conn, "tombstones", [key]) is not None
            )

    def changes_since(self, seq: int, limit: int = 10000) -> list[Change]:
        """Writes after ``seq``, oldest first."""
        with self._use() as conn:
            rows = conn.execute(
                "SELECT seq, article_id, op FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
                (seq, limit),
            ).fetchall()
        return [Change(r[0], r[1], r[2]) for r in rows]

    def max_seq(self) -> int:
        with self._use() as conn:
            return int(conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0])

    # ------------------------------------------------------------------ annotations

    def save_annotations(self, article_id: int, annotations: Annotations) -> None:
        """Replace the article's annotations (all or nothing) and mark it enriched."""
        with self._write() as conn:
            _require_article(conn, article_id)
            write_annotations(conn, article_id, annotations)
            conn.execute("INSERT INTO changes (article_id, op) VALUES (?, 'upsert')", (article_id,))

    def mark_enrich_failed(self, article_id: int, error: str) -> None:
        """Record that enrichment failed; the article and any earlier annotations stay."""
        with self._write() as conn:
            _require_article(conn, article_id)
            mark_failed(conn, article_id, error)

    def get_annotations(self, article_id: int) -> Annotations:
        """The article's annotations, exactly as saved (empty when not enriched)."""
        with self._read() as conn:
            _require_article(conn, article_id)
            return read_annotations(conn, article_id)

    def quotes_by_speaker(self, name: str, limit: int = 50) -> list[SpeakerQuote]:
        """Quotes attributed to ``name`` (case-insensitive), newest article first."""
        with self._use() as conn:
            return find_speaker_quotes(conn, [name], limit)

    def person_profile(self, name: str) -> PersonProfile | None:
        """Everything the archive says about one person (name or entity id), or None."""
        with self._read() as conn:
            return build_person_profile(conn, name)

    def articles_for_ticker(
        self,
        ticker: str,
        start: date | datetime | str | None = None,
        end: date | datetime | str | None = None,
    ) -> list[TickerArticle]:
        """Articles mentioning ``ticker`` dated within [start, end] (inclusive days), by date."""
        with self._use() as conn:
            return find_ticker_articles(conn, ticker, day(start), day(end))

    # ------------------------------------------------------------------ prices

    def save_bars(self, bars: Iterable[PriceBar]) -> int:
        """Insert or replace daily bars (by ticker and date); returns how many were written."""
        with self._write() as conn:
            return write_bars(conn, bars)

    def get_bars(
        self,
        ticker: str,
        start: date | datetime | str | None = None,
        end: date | datetime | str | None = None,
    ) -> list[PriceBar]:
        """Bars of ``ticker`` within [start, end] (inclusive), oldest first."""
        with self._use() as conn:
            return read_bars(conn, ticker, start, end)

    def tickers_with_bars(self) -> list[str]:
        with self._use() as conn:
            return read_tickers(conn)

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


def open_store(database: str) -> SQLiteStore:
    """Open (creating and migrating if needed) the store in a SQLite file or ``:memory:``."""
    return SQLiteStore(database)


def _require_article(conn: sqlite3.Connection, article_id: int) -> None:
    if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
        raise NotFoundError(f"no article {article_id}")
