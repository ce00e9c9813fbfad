"""The system of record on SQLite: sources, articles (versions, stories, tombstones),
annotations, price bars, and the change log the search index follows.

Concurrency: one connection per thread (WAL lets readers run beside the writer); every write
is one ``BEGIN IMMEDIATE`` transaction, so two processes ingesting the same feed serialise on
the database lock (``busy_timeout``) and the look-up-then-insert of ``save_article`` never
races; unique keys back this up. Article rows use ``synchronous=NORMAL``: a process crash
loses nothing committed, a power cut may lose the last commits (they can be fetched again).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from broadsheet.errors import NotFoundError, StoreError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: SQLite's busy handler alone
    fcntl = None  # type: ignore[assignment]
from broadsheet.models import (
    Annotations,
    Article,
    Entity,
    Fact,
    Image,
    PriceBar,
    Quote,
    QuoteKind,
    SaveResult,
    Source,
    SourceKind,
    StoredArticle,
    TickerMention,
)
from broadsheet.store.dedupe import (
    JACCARD_THRESHOLD,
    Signature,
    content_hash,
    lsh_bands,
    minhash,
    normalize_text,
    signature_from_bytes,
    signature_to_bytes,
)
from broadsheet.store.migrate import apply_migrations
from broadsheet.store.types import (
    ArticleVersion,
    Change,
    DatedValue,
    PersonProfile,
    SpeakerQuote,
    TickerArticle,
)

__all__ = [
    "SQLiteStore",
    "article_id_at",
    "open_store",
    "restore_backup",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_IDS_PER_MS = 1000
_MAX_CANDIDATES = 64  # near-duplicate candidates compared per new article
_BARS_CHUNK = 20_000
_CACHE_KIB = -65536  # page cache per connection: 64 MiB (negative = KiB)
_WAL_CHECKPOINT_PAGES = 8192  # checkpoint the WAL every ~32 MiB instead of every 4 MiB

_ARTICLE_SELECT = """
SELECT a.id, a.version, a.source_id, a.url, a.canonical_url, a.headline, a.byline,
       a.published_at, a.first_seen_us, a.language, a.body, a.sections, a.images, a.story_id,
       coalesce(a.site_name, s.title), a.content_hash, e.status, e.error
FROM articles a
LEFT JOIN sources s ON s.id = a.source_id
LEFT JOIN enrichment e ON e.article_id = a.id
"""

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


# --------------------------------------------------------------------------- time helpers


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


def _to_us(dt: datetime) -> int:
    """Microseconds since the epoch; a naive datetime is taken as UTC."""
    return (_utc(dt) - _EPOCH) // timedelta(microseconds=1)


def _from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def _opt_us(dt: datetime | None) -> int | None:
    return None if dt is None else _to_us(dt)


def _opt_dt(us: int | None) -> datetime | None:
    return None if us is None else _from_us(us)


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.isoformat()


def _parse_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _day(value: date | datetime | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value[:10]


def article_id_at(moment: datetime) -> int:
    """The smallest article id first seen at or after ``moment`` (ids follow first_seen_at)."""
    return (_to_us(moment) // 1000) * _IDS_PER_MS


def _article_day(published_at: str | None, first_seen_us: int) -> str:
    if published_at:
        return published_at[:10]
    return _from_us(first_seen_us).date().isoformat()


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
        if fcntl is None:
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
            last_fetch_at=_opt_dt(row[7]),
            last_success_at=_opt_dt(row[8]),
            last_error=row[9],
            error_count=row[10],
            next_poll_at=_opt_dt(row[11]),
            added_at=_opt_dt(row[12]),
        )

    def add_source(self, url: str, kind: SourceKind, title: str | None = None) -> Source:
        """Subscribe to ``url``; adding a URL twice returns the existing source."""
        if kind not in ("feed", "page"):
            raise StoreError(f"unknown source kind {kind!r}")
        with self._write() as conn:
            conn.execute(
                "INSERT INTO sources (url, kind, title, added_us) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (url) DO NOTHING",
                (url, kind, title, time.time_ns() // 1000),
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
                value = _opt_us(value)
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
                (_to_us(now),),
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
        """Store ``article`` unless the store already has it (see the module docs).

        Identity keys, in order of trust: canonical URL, guid within the source, URL. A match
        with the same text is "unchanged"; with other text, a "new_version" of that article.
        No identity match but the same normalised text: "unchanged" (the existing article's
        id is returned). Any key of a deleted article: "deleted", nothing stored. Otherwise
        "new": near-duplicates (MinHash) join the story of the closest earlier article.
        """
        norm = normalize_text(article.body)
        digest = content_hash(norm, normalized=True)
        has_text = bool(norm)
        identity: list[tuple[str, str]] = []
        if article.canonical_url:
            identity.append(("canonical", article.canonical_url))
        if guid:
            identity.append(("guid", _guid_key(source_id, guid)))
        if article.url:
            identity.append(("url", article.url))
        hash_key = ("hash", digest)
        every_key = [*identity, hash_key] if has_text else list(identity)
        # Most saves are re-polls of stories already stored: settle those with a read only.
        with self._use() as conn:
            try:
                settled = _settle_without_write(
                    conn, identity, every_key, digest, has_text, article
                )
            except sqlite3.Error as exc:
                raise StoreError(str(exc)) from exc
        if settled is not None:
            return settled
        signature = minhash(norm, normalized=True)
        seen_us = _to_us(first_seen_at) if first_seen_at else time.time_ns() // 1000
        with self._write() as conn:
            lookup = _Lookup(conn, every_key)
            if lookup.tombstoned:
                return SaveResult(None, None, "deleted")
            found = lookup.first_owner(identity)
            if found is not None:
                return self._save_existing(
                    conn, found, article, identity, digest, has_text, signature, seen_us
                )
            dup = lookup.owners.get(hash_key) if has_text else None
            if dup is not None:
                return _unchanged(conn, dup)
            return self._save_new(
                conn, article, source_id, guid, every_key, digest, signature, seen_us
            )

    def _save_existing(
        self,
        conn: sqlite3.Connection,
        article_id: int,
        article: Article,
        identity: list[tuple[str, str]],
        digest: str,
        has_text: bool,
        signature: Signature | None,
        now_us: int,
    ) -> SaveResult:
        row = conn.execute(
            "SELECT version, content_hash, headline, story_id FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        version, old_digest, old_headline, story_id = row
        conn.executemany(
            "INSERT OR IGNORE INTO article_keys (kind, key, article_id) VALUES (?, ?, ?)",
            [(kind, key, article_id) for kind, key in identity],
        )
        if _same_headline(old_headline, article.headline) and (
            digest == old_digest or (has_text and _key_owner(conn, ("hash", digest)) == article_id)
        ):
            return SaveResult(article_id, version, "unchanged", story_id)
        # a new version: keep the old text, replace the current one
        conn.execute(
            "INSERT INTO article_versions (article_id, version, saved_us, headline, byline,"
            " published_at, url, canonical_url, body, content_hash)"
            " SELECT id, version, saved_us, headline, byline, published_at, url, canonical_url,"
            " body, content_hash FROM articles WHERE id = ?",
            (article_id,),
        )
        version += 1
        conn.execute(
            "UPDATE articles SET version = ?, url = coalesce(?, url),"
            " canonical_url = coalesce(?, canonical_url), headline = ?, byline = ?,"
            " published_at = coalesce(?, published_at), published_us = coalesce(?, published_us),"
            " updated_at = ?, saved_us = ?, language = coalesce(?, language),"
            " site_name = coalesce(?, site_name), description = ?, body = ?, sections = ?,"
            " images = ?, content_hash = ?, minhash = ? WHERE id = ?",
            (
                version,
                article.url,
                article.canonical_url,
                article.headline,
                article.byline,
                _iso(article.published_at),
                _opt_us(article.published_at),
                _iso(article.updated_at),
                now_us,
                article.language,
                article.site_name,
                article.description,
                article.body,
                _sections_json(article),
                _images_json(article.images),
                digest,
                None if signature is None else signature_to_bytes(signature),
                article_id,
            ),
        )
        if has_text:
            conn.execute(
                "INSERT OR IGNORE INTO article_keys (kind, key, article_id) VALUES ('hash', ?, ?)",
                (digest, article_id),
            )
        conn.execute("DELETE FROM story_bands WHERE article_id = ?", (article_id,))
        if signature is not None:
            conn.executemany(
                "INSERT OR IGNORE INTO story_bands (band, article_id) VALUES (?, ?)",
                [(band, article_id) for band in lsh_bands(signature)],
            )
        _clear_annotations(conn, article_id, keep_status=False)  # offsets point into old text
        conn.execute("INSERT INTO changes (article_id, op) VALUES (?, 'upsert')", (article_id,))
        return SaveResult(article_id, version, "new_version", story_id)

    def _save_new(
        self,
        conn: sqlite3.Connection,
        article: Article,
        source_id: int | None,
        guid: str | None,
        keys: list[tuple[str, str]],
        digest: str,
        signature: Signature | None,
        seen_us: int,
    ) -> SaveResult:
        article_id = _allocate_id(conn, seen_us)
        bands = lsh_bands(signature) if signature is not None else []
        story_id = _find_story(conn, signature, bands) if signature is not None else None
        if story_id is None:
            story_id = article_id
        conn.execute(
            "INSERT INTO articles (id, version, source_id, guid, url, canonical_url, headline,"
            " byline, published_at, published_us, updated_at, first_seen_us, saved_us, language,"
            " site_name, description, body, sections, images, content_hash, story_id, minhash)"
            " VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                source_id,
                guid,
                article.url,
                article.canonical_url,
                article.headline,
                article.byline,
                _iso(article.published_at),
                _opt_us(article.published_at),
                _iso(article.updated_at),
                seen_us,
                seen_us,
                article.language,
                article.site_name,
                article.description,
                article.body,
                _sections_json(article),
                _images_json(article.images),
                digest,
                story_id,
                None if signature is None else signature_to_bytes(signature),
            ),
        )
        conn.executemany(
            "INSERT INTO article_keys (kind, key, article_id) VALUES (?, ?, ?)",
            [(kind, key, article_id) for kind, key in keys],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO story_bands (band, article_id) VALUES (?, ?)",
            [(band, article_id) for band in bands],
        )
        conn.execute("INSERT INTO changes (article_id, op) VALUES (?, 'upsert')", (article_id,))
        return SaveResult(article_id, 1, "new", story_id)

    def delete_article(self, article_id: int) -> None:
        """Delete an article and leave a tombstone: the same story is never stored again."""
        with self._write() as conn:
            if (
                conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
                is None
            ):
                raise NotFoundError(f"no article {article_id}")
            now_us = time.time_ns() // 1000
            keys = conn.execute(
                "SELECT kind, key FROM article_keys WHERE article_id = ?", (article_id,)
            ).fetchall()
            keys.append(("id", str(article_id)))
            conn.executemany(
                "INSERT OR IGNORE INTO tombstones (kind, key, article_id, deleted_us)"
                " VALUES (?, ?, ?, ?)",
                [(kind, key, article_id, now_us) for kind, key in keys],
            )
            conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            conn.execute("INSERT INTO changes (article_id, op) VALUES (?, 'delete')", (article_id,))

    # ------------------------------------------------------------------ articles: reading

    @staticmethod
    def _article(row: Sequence[Any]) -> StoredArticle:
        status: str | None = None
        if row[16] == "ok":
            status = "ok"
        elif row[16] == "failed":
            status = row[17] or "failed"
        return StoredArticle(
            id=row[0],
            version=row[1],
            source_id=row[2],
            url=row[3],
            canonical_url=row[4],
            headline=row[5],
            byline=row[6],
            published_at=_parse_iso(row[7]),
            first_seen_at=_from_us(row[8]),
            language=row[9],
            body=row[10],
            sections=tuple(json.loads(row[11])),
            images=tuple(Image(**item) for item in json.loads(row[12])),
            story_id=row[13],
            source_name=row[14],
            content_hash=row[15],
            enrich_status=status,
        )

    def get_article(self, article_id: int) -> StoredArticle:
        with self._use() as conn:
            row = conn.execute(f"{_ARTICLE_SELECT} WHERE a.id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no article {article_id}")
        return self._article(row)

    def find_article(self, url: str) -> StoredArticle | None:
        """The article stored under this canonical URL or URL (any alias seen), if any."""
        with self._use() as conn:
            row = conn.execute(
                f"{_ARTICLE_SELECT} WHERE a.id = (SELECT article_id FROM article_keys"
                " WHERE kind IN ('canonical', 'url') AND key = ? ORDER BY kind LIMIT 1)",
                (url,),
            ).fetchone()
        return None if row is None else self._article(row)

    def get_articles(self, ids: Iterable[int]) -> list[StoredArticle]:
        """The articles with these ids, in the order asked; missing ids are skipped."""
        wanted = list(ids)
        found: dict[int, StoredArticle] = {}
        with self._read() as conn:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for row in conn.execute(f"{_ARTICLE_SELECT} WHERE a.id IN ({marks})", chunk):
                    found[row[0]] = self._article(row)
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
                saved_at=_from_us(r[2]),
                headline=r[3],
                byline=r[4],
                published_at=_parse_iso(r[5]),
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
                    f"{_ARTICLE_SELECT} WHERE a.id > ? ORDER BY a.id LIMIT ?", (last, batch)
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield self._article(row)
            last = rows[-1][0]

    def latest_articles(self, limit: int = 20, offset: int = 0) -> list[StoredArticle]:
        """Most recently first-seen first."""
        with self._use() as conn:
            rows = conn.execute(
                f"{_ARTICLE_SELECT} ORDER BY a.id DESC LIMIT ? OFFSET ?", (limit, offset)
            ).fetchall()
        return [self._article(r) for r in rows]

    def story_articles(self, story_id: int) -> list[StoredArticle]:
        """The articles of one near-duplicate cluster, first seen first."""
        with self._use() as conn:
            rows = conn.execute(
                f"{_ARTICLE_SELECT} WHERE a.story_id = ? ORDER BY a.id", (story_id,)
            ).fetchall()
        return [self._article(r) for r in rows]

    def seen_guid(self, source_id: int, guid: str) -> bool:
        """Whether this source's entry was stored (or stored and deleted)."""
        key = ("guid", _guid_key(source_id, guid))
        with self._use() as conn:
            return (
                _key_owner(conn, key) is not None or _any_key(conn, "tombstones", [key]) is not None
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
            if (
                conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
                is None
            ):
                raise NotFoundError(f"no article {article_id}")
            _clear_annotations(conn, article_id, keep_status=False)
            conn.executemany(
                'INSERT INTO entity_mentions (article_id, ord, start, "end", type, name, text,'
                " entity_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (article_id, i, e.start, e.end, e.type, e.name, e.text, e.entity_id)
                    for i, e in enumerate(annotations.entities)
                ],
            )
            conn.executemany(
                'INSERT INTO ticker_mentions (article_id, ord, start, "end", ticker, company,'
                " relevance) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (article_id, i, t.start, t.end, t.ticker, t.company, float(t.relevance))
                    for i, t in enumerate(annotations.tickers)
                ],
            )
            conn.executemany(
                "INSERT INTO quotes (article_id, ord, content_start, content_end, source_start,"
                " source_end, cue_start, cue_end, speaker, kind, speaker_type, speaker_title,"
                " speaker_affiliation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        article_id,
                        i,
                        q.content[0],
                        q.content[1],
                        *(q.source if q.source is not None else (None, None)),
                        *(q.cue if q.cue is not None else (None, None)),
                        q.speaker,
                        q.kind,
                        q.speaker_type,
                        q.speaker_title,
                        q.speaker_affiliation,
                    )
                    for i, q in enumerate(annotations.quotes)
                ],
            )
            conn.executemany(
                'INSERT INTO facts (article_id, ord, start, "end", value_num, value_text, unit,'
                " measure, period, subject, text, period_norm)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        article_id,
                        i,
                        f.start,
                        f.end,
                        None if isinstance(f.value, str) else float(f.value),
                        f.value if isinstance(f.value, str) else None,
                        f.unit,
                        f.measure,
                        f.period,
                        f.subject,
                        f.text,
                        f.period_norm,
                    )
                    for i, f in enumerate(annotations.facts)
                ],
            )
            conn.executemany(
                "INSERT INTO article_topics (article_id, ord, topic) VALUES (?, ?, ?)",
                [(article_id, i, topic) for i, topic in enumerate(annotations.topics)],
            )
            conn.execute(
                "INSERT INTO enrichment (article_id, status, error, tone, done_us)"
                " VALUES (?, 'ok', NULL, ?, ?)",
                (article_id, float(annotations.tone), time.time_ns() // 1000),
            )
            conn.execute("INSERT INTO changes (article_id, op) VALUES (?, 'upsert')", (article_id,))

    def mark_enrich_failed(self, article_id: int, error: str) -> None:
        """Record that enrichment failed; the article and any earlier annotations stay."""
        with self._write() as conn:
            if (
                conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
                is None
            ):
                raise NotFoundError(f"no article {article_id}")
            conn.execute(
                "INSERT INTO enrichment (article_id, status, error, tone, done_us)"
                " VALUES (?, 'failed', ?, 0.0, ?) ON CONFLICT (article_id) DO UPDATE"
                " SET status = 'failed', error = excluded.error, done_us = excluded.done_us",
                (article_id, error, time.time_ns() // 1000),
            )

    def get_annotations(self, article_id: int) -> Annotations:
        """The article's annotations, exactly as saved (empty when not enriched)."""
        with self._read() as conn:
            if (
                conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
                is None
            ):
                raise NotFoundError(f"no article {article_id}")
            entities = tuple(
                Entity(r[0], r[1], r[2], r[3], r[4], r[5])
                for r in conn.execute(
                    'SELECT start, "end", type, name, text, entity_id FROM entity_mentions'
                    " WHERE article_id = ? ORDER BY ord",
                    (article_id,),
                )
            )
            tickers = tuple(
                TickerMention(r[0], r[1], r[2], r[3], r[4])
                for r in conn.execute(
                    'SELECT start, "end", ticker, company, relevance FROM ticker_mentions'
                    " WHERE article_id = ? ORDER BY ord",
                    (article_id,),
                )
            )
            quotes = tuple(
                Quote(
                    content=(r[0], r[1]),
                    source=None if r[2] is None else (r[2], r[3]),
                    cue=None if r[4] is None else (r[4], r[5]),
                    speaker=r[6],
                    kind=r[7],
                    speaker_type=r[8],
                    speaker_title=r[9],
                    speaker_affiliation=r[10],
                )
                for r in conn.execute(
                    "SELECT content_start, content_end, source_start, source_end, cue_start,"
                    " cue_end, speaker, kind, speaker_type, speaker_title, speaker_affiliation"
                    " FROM quotes WHERE article_id = ? ORDER BY ord",
                    (article_id,),
                )
            )
            facts = tuple(
                Fact(
                    start=r[0],
                    end=r[1],
                    value=r[2] if r[3] is None else r[3],
                    unit=r[4],
                    measure=r[5],
                    period=r[6],
                    subject=r[7],
                    text=r[8],
                    period_norm=r[9],
                )
                for r in conn.execute(
                    'SELECT start, "end", value_num, value_text, unit, measure, period, subject,'
                    " text, period_norm FROM facts WHERE article_id = ? ORDER BY ord",
                    (article_id,),
                )
            )
            topics = tuple(
                r[0]
                for r in conn.execute(
                    "SELECT topic FROM article_topics WHERE article_id = ? ORDER BY ord",
                    (article_id,),
                )
            )
            tone_row = conn.execute(
                "SELECT tone FROM enrichment WHERE article_id = ?", (article_id,)
            ).fetchone()
        return Annotations(
            entities=entities,
            tickers=tickers,
            quotes=quotes,
            facts=facts,
            topics=topics,
            tone=0.0 if tone_row is None else tone_row[0],
        )

    def quotes_by_speaker(self, name: str, limit: int = 50) -> list[SpeakerQuote]:
        """Quotes attributed to ``name`` (case-insensitive), newest article first."""
        with self._use() as conn:
            return _speaker_quotes(conn, [name], limit)

    def person_profile(self, name: str) -> PersonProfile | None:
        """Everything the archive says about one person, or None if never mentioned."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT article_id, name, text, entity_id FROM entity_mentions"
                " WHERE type = 'PERSON' AND (name = ? COLLATE NOCASE OR entity_id = ?)",
                (name, name),
            ).fetchall()
            entity_ids = Counter(r[3] for r in rows if r[3])
            entity_id = entity_ids.most_common(1)[0][0] if entity_ids else None
            if entity_id is not None:
                rows = conn.execute(
                    "SELECT article_id, name, text, entity_id FROM entity_mentions"
                    " WHERE type = 'PERSON' AND (name = ? COLLATE NOCASE OR entity_id = ?)",
                    (name, entity_id),
                ).fetchall()
            names = Counter(r[1] for r in rows)
            canonical = names.most_common(1)[0][0] if names else name
            speaker_names = sorted({canonical, name, *names})
            quotes = _speaker_quotes(conn, speaker_names, 200)
            if not rows and not quotes:
                return None
            aliases = Counter[str]()
            for r in rows:
                aliases[r[1]] += 1
                if r[2] and r[2] != r[1]:
                    aliases[r[2]] += 1
            titles: dict[str, list[str]] = {}
            affiliations: dict[str, list[str]] = {}
            for q in quotes:
                if q.title:
                    titles.setdefault(q.title, []).append(q.date)
                if q.affiliation:
                    affiliations.setdefault(q.affiliation, []).append(q.date)
            article_ids = {r[0] for r in rows} | {q.article_id for q in quotes}
            co: Counter[str] = Counter()
            own = {n.casefold() for n in speaker_names}
            ids = sorted(article_ids)
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for article_id, other in conn.execute(
                    "SELECT DISTINCT article_id, name FROM entity_mentions"
                    f" WHERE type = 'PERSON' AND article_id IN ({marks})",
                    chunk,
                ):
                    del article_id
                    if other.casefold() not in own and (
                        entity_id is None or not _same_entity(conn, other, entity_id)
                    ):
                        co[other] += 1
        return PersonProfile(
            name=canonical,
            entity_id=entity_id,
            aliases=tuple(a for a, _ in aliases.most_common() if a != canonical),
            titles=_dated(titles),
            affiliations=_dated(affiliations),
            article_count=len(article_ids),
            quotes=tuple(quotes),
            co_occurring=tuple(sorted(co.items(), key=lambda kv: (-kv[1], kv[0]))[:25]),
        )

    def articles_for_ticker(
        self,
        ticker: str,
        start: date | datetime | str | None = None,
        end: date | datetime | str | None = None,
    ) -> list[TickerArticle]:
        """Articles mentioning ``ticker`` dated within [start, end] (inclusive days), by date."""
        first, last = _day(start), _day(end)
        with self._use() as conn:
            rows = conn.execute(
                "SELECT a.id, a.published_at, a.first_seen_us, a.headline, max(t.relevance)"
                " FROM ticker_mentions t JOIN articles a ON a.id = t.article_id"
                " WHERE t.ticker = ? GROUP BY a.id",
                (ticker.upper(),),
            ).fetchall()
        found = [TickerArticle(r[0], _article_day(r[1], r[2]), r[3], float(r[4])) for r in rows]
        found = [
            t
            for t in found
            if (first is None or t.date >= first) and (last is None or t.date <= last)
        ]
        found.sort(key=lambda t: (t.date, t.article_id))
        return found

    # ------------------------------------------------------------------ prices

    def save_bars(self, bars: Iterable[PriceBar]) -> int:
        """Insert or replace daily bars (by ticker and date); returns how many were written."""
        total = 0
        chunk: list[tuple[str, str, float, float, float, float, float, float]] = []
        sql = (
            "INSERT INTO price_bars (ticker, date, open, high, low, close, volume, adj_close)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ticker, date) DO UPDATE SET"
            " open = excluded.open, high = excluded.high, low = excluded.low,"
            " close = excluded.close, volume = excluded.volume, adj_close = excluded.adj_close"
        )
        with self._write() as conn:
            for bar in bars:
                chunk.append(
                    (
                        bar.ticker,
                        bar.date,
                        bar.open,
                        bar.high,
                        bar.low,
                        bar.close,
                        bar.volume,
                        bar.adj_close,
                    )
                )
                if len(chunk) >= _BARS_CHUNK:
                    conn.executemany(sql, chunk)
                    total += len(chunk)
                    chunk.clear()
            if chunk:
                conn.executemany(sql, chunk)
                total += len(chunk)
        return total

    def get_bars(
        self,
        ticker: str,
        start: date | datetime | str | None = None,
        end: date | datetime | str | None = None,
    ) -> list[PriceBar]:
        """Bars of ``ticker`` within [start, end] (inclusive), oldest first."""
        with self._use() as conn:
            rows = conn.execute(
                "SELECT ticker, date, open, high, low, close, volume, adj_close FROM price_bars"
                " WHERE ticker = ? AND date >= ? AND date <= ? ORDER BY date",
                (ticker, _day(start) or "0000-00-00", _day(end) or "9999-99-99"),
            ).fetchall()
        return [PriceBar(*r) for r in rows]

    def tickers_with_bars(self) -> list[str]:
        with self._use() as conn:
            return [r[0] for r in conn.execute("SELECT DISTINCT ticker FROM price_bars ORDER BY 1")]

    # ------------------------------------------------------------------ maintenance

    def integrity_check(self) -> list[str]:
        """Problems found (empty = healthy): SQLite's own check, foreign keys, our invariants."""
        problems: list[str] = []
        with self._read() as conn:
            for (line,) in conn.execute("PRAGMA integrity_check"):
                if line != "ok":
                    problems.append(f"integrity_check: {line}")
            for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
                problems.append(f"foreign key: {table} row {rowid} points to a missing {parent}")
            for message, sql in _INVARIANTS:
                count = conn.execute(sql).fetchone()[0]
                if count:
                    problems.append(f"{message}: {count}")
        return problems

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


# --------------------------------------------------------------------------- helpers


_INVARIANTS: list[tuple[str, str]] = [
    (
        "articles whose version does not match their stored versions",
        "SELECT count(*) FROM articles a WHERE a.version <> 1 + (SELECT count(*)"
        " FROM article_versions v WHERE v.article_id = a.id)",
    ),
    (
        "articles that are also tombstoned",
        "SELECT count(*) FROM articles WHERE id IN (SELECT article_id FROM tombstones)",
    ),
    (
        "articles whose last change is not an upsert",
        "SELECT count(*) FROM articles a WHERE coalesce((SELECT op FROM changes c"
        " WHERE c.article_id = a.id ORDER BY seq DESC LIMIT 1), '') <> 'upsert'",
    ),
    (
        "tombstoned articles whose last change is not a delete",
        "SELECT count(*) FROM (SELECT DISTINCT article_id FROM tombstones) t"
        " WHERE coalesce((SELECT op FROM changes c WHERE c.article_id = t.article_id"
        " ORDER BY seq DESC LIMIT 1), '') <> 'delete'",
    ),
    (
        "articles whose canonical URL or URL has no key",
        "SELECT count(*) FROM articles a WHERE (a.canonical_url IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM article_keys k WHERE k.kind = 'canonical' AND k.key = a.canonical_url))"
        " OR (a.url IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM article_keys k WHERE k.kind = 'url' AND k.key = a.url))",
    ),
    (
        "articles whose story starts after them",
        "SELECT count(*) FROM articles WHERE story_id > id",
    ),
    (
        "annotation spans outside the article text",
        "SELECT (SELECT count(*) FROM entity_mentions m JOIN articles a ON a.id = m.article_id"
        ' WHERE m.start < 0 OR m.start > m."end" OR m."end" > length(a.body))'
        " + (SELECT count(*) FROM quotes q JOIN articles a ON a.id = q.article_id"
        " WHERE q.content_start < 0 OR q.content_start > q.content_end"
        " OR q.content_end > length(a.body))",
    ),
]


def _same_headline(old: str | None, new: str | None) -> bool:
    return normalize_text(old or "") == normalize_text(new or "")


def _unchanged(conn: sqlite3.Connection, article_id: int) -> SaveResult:
    row = conn.execute(
        "SELECT version, story_id FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    return SaveResult(article_id, row[0], "unchanged", row[1])


def _settle_without_write(
    conn: sqlite3.Connection,
    identity: list[tuple[str, str]],
    every_key: list[tuple[str, str]],
    digest: str,
    has_text: bool,
    article: Article,
) -> SaveResult | None:
    """The result of a save that needs no write ("deleted", "unchanged"), else None.

    Runs outside a transaction: the look-up is one statement, and a row read afterwards can
    only have moved on (articles are never re-keyed), so a stale answer is at worst a
    needless trip through the write path, which decides again under the lock.
    """
    lookup = _Lookup(conn, every_key)
    if lookup.tombstoned:
        return SaveResult(None, None, "deleted")
    found = lookup.first_owner(identity)
    if found is None:
        dup = lookup.owners.get(("hash", digest)) if has_text else None
        if dup is None:
            return None
        row = conn.execute("SELECT version, story_id FROM articles WHERE id = ?", (dup,)).fetchone()
        return None if row is None else SaveResult(dup, row[0], "unchanged", row[1])
    if any(key not in lookup.owners for key in identity):
        return None  # a new alias key to record
    row = conn.execute(
        "SELECT version, content_hash, headline, story_id FROM articles WHERE id = ?", (found,)
    ).fetchone()
    if row is None:
        return None  # deleted meanwhile: let the write path decide
    if row[1] == digest and _same_headline(row[2], article.headline):
        return SaveResult(found, row[0], "unchanged", row[3])
    return None


class _Lookup:
    """Which of a save's keys are tombstoned, and which article owns each live key."""

    __slots__ = ("owners", "tombstoned")

    def __init__(self, conn: sqlite3.Connection, keys: list[tuple[str, str]]) -> None:
        self.tombstoned = False
        self.owners: dict[tuple[str, str], int] = {}
        if not keys:
            return
        branch = "SELECT {tag}, ? AS i, article_id FROM {table} WHERE kind = ? AND key = ?"
        parts: list[str] = []
        params: list[object] = []
        for i, key in enumerate(keys):
            parts.append(branch.format(tag=0, table="tombstones"))
            parts.append(branch.format(tag=1, table="article_keys"))
            params += [i, *key, i, *key]
        for tag, i, article_id in conn.execute(" UNION ALL ".join(parts), params):
            if tag == 0:
                self.tombstoned = True
            else:
                self.owners[keys[i]] = int(article_id)

    def first_owner(self, keys: list[tuple[str, str]]) -> int | None:
        return next((self.owners[k] for k in keys if k in self.owners), None)


def _guid_key(source_id: int | None, guid: str) -> str:
    return f"{'' if source_id is None else source_id} {guid}"


def _key_owner(conn: sqlite3.Connection, key: tuple[str, str]) -> int | None:
    row = conn.execute(
        "SELECT article_id FROM article_keys WHERE kind = ? AND key = ?", key
    ).fetchone()
    return None if row is None else int(row[0])


def _any_key(conn: sqlite3.Connection, table: str, keys: list[tuple[str, str]]) -> int | None:
    for key in keys:
        row = conn.execute(
            f"SELECT article_id FROM {table} WHERE kind = ? AND key = ?", key
        ).fetchone()
        if row is not None:
            return int(row[0])
    return None


def _allocate_id(conn: sqlite3.Connection, seen_us: int) -> int:
    """first_seen milliseconds * 1000 + the next free counter (ids of deleted rows not reused)."""
    base = (seen_us // 1000) * _IDS_PER_MS
    while True:
        top = base + _IDS_PER_MS - 1
        used = conn.execute(
            "SELECT max(m) FROM (SELECT max(id) AS m FROM articles WHERE id BETWEEN ? AND ?"
            " UNION ALL SELECT max(article_id) FROM tombstones WHERE article_id BETWEEN ? AND ?)",
            (base, top, base, top),
        ).fetchone()[0]
        candidate = base if used is None else int(used) + 1
        if candidate <= top:
            return candidate
        base += _IDS_PER_MS


def _find_story(conn: sqlite3.Connection, signature: Signature, bands: list[int]) -> int | None:
    """The story of the most similar earlier article, if any is similar enough."""
    marks = ",".join("?" * len(bands))
    rows = conn.execute(
        "SELECT a.id, a.story_id, a.minhash FROM articles a WHERE a.id IN"
        f" (SELECT DISTINCT article_id FROM story_bands WHERE band IN ({marks}) LIMIT ?)",
        (*bands, _MAX_CANDIDATES),
    ).fetchall()
    rows = [r for r in rows if r[2] is not None]
    if not rows:
        return None
    matrix = signature_from_bytes(b"".join(r[2] for r in rows)).reshape(len(rows), -1)
    scores = (matrix == signature).mean(axis=1)
    best = int(scores.argmax())
    return int(rows[best][1]) if scores[best] >= JACCARD_THRESHOLD else None


def _clear_annotations(conn: sqlite3.Connection, article_id: int, *, keep_status: bool) -> None:
    for table in ("entity_mentions", "ticker_mentions", "quotes", "facts", "article_topics"):
        conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
    if not keep_status:
        conn.execute("DELETE FROM enrichment WHERE article_id = ?", (article_id,))


def _sections_json(article: Article) -> str:
    return json.dumps(list(article.sections), ensure_ascii=False)


def _images_json(images: Sequence[Image]) -> str:
    return json.dumps(
        [
            {"url": i.url, "title": i.title, "caption": i.caption, "credit": i.credit}
            for i in images
        ],
        ensure_ascii=False,
    )


def _speaker_quotes(conn: sqlite3.Connection, names: list[str], limit: int) -> list[SpeakerQuote]:
    marks = ",".join("?" * len(names))
    rows = conn.execute(
        "SELECT q.article_id, q.content_start, q.content_end,"
        " substr(a.body, q.content_start + 1, q.content_end - q.content_start),"
        " q.kind, q.speaker, q.speaker_title, q.speaker_affiliation, a.published_at,"
        " a.first_seen_us FROM quotes q JOIN articles a ON a.id = q.article_id"
        f" WHERE q.speaker COLLATE NOCASE IN ({marks})"
        " ORDER BY coalesce(a.published_us, a.first_seen_us) DESC, q.article_id DESC, q.ord"
        " LIMIT ?",
        (*names, limit),
    ).fetchall()
    return [
        SpeakerQuote(
            article_id=r[0],
            start=r[1],
            end=r[2],
            text=r[3],
            kind=cast(QuoteKind, r[4]),
            speaker=r[5],
            title=r[6],
            affiliation=r[7],
            date=_article_day(r[8], r[9]),
        )
        for r in rows
    ]


def _same_entity(conn: sqlite3.Connection, name: str, entity_id: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM entity_mentions WHERE name = ? AND entity_id = ? LIMIT 1", (name, entity_id)
    ).fetchone()
    return row is not None


def _dated(values: dict[str, list[str]]) -> tuple[DatedValue, ...]:
    out = [DatedValue(v, min(days), max(days), len(days)) for v, days in values.items()]
    out.sort(key=lambda d: (-d.count, d.value))
    return tuple(out)
