"""``PostgresSearch``: the search backend in the store's PostgreSQL database (see the
package's notes): setting up the full-text index, the writer's lock, catch-up from the
change log, and searches (``sql`` builds their statements, ``snippets`` their snippets)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import Any, Literal

import psycopg
from psycopg_pool import ConnectionPool

from ...errors import ConfigError, IndexBusyError, NotFoundError, StoreError
from ...models import Annotations, StoredArticle
from ..contract import Hit, IndexedStore, SearchResults, SortOrder, changed_articles
from ..query import Query, parse_query
from .documents import UPSERT, document_row
from .snippets import snippet
from .sql import positive_body_words, statements

log = logging.getLogger(__name__)

__all__ = ["Method", "PostgresSearch", "index_rows", "open_postgres_search"]

Method = Literal["auto", "rum", "gin"]

STATE_NAME = "postgres"  # this backend's row in search_state
_WRITER_LOCK = 0x62_726F_6164_6978  # "broadix": who writes search_docs
_SETUP_LOCK = 0x62_726F_6164_7378


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SET synchronous_commit = on")
    conn.execute("SET TIME ZONE 'UTC'")
    # compiling a query costs tens to hundreds of ms, more than any search here takes
    conn.execute("SET jit = off")
    # statements are prepared at their first use; PostgreSQL keeps planning them for their
    # values unless a generic plan is as cheap (planning every filtered search anew cost
    # 1.2 ms of server CPU in 2–3.5)
    conn.prepare_threshold = 1


def _configure_ranked(conn: psycopg.Connection[Any]) -> None:
    """Searches ranked by the RUM index: read in its order, counted through it (``sql``)."""
    _configure(conn)
    conn.execute("SET enable_sort = off")
    conn.execute("SET enable_seqscan = off")


def _pool(
    url: str, configure: Callable[[psycopg.Connection[Any]], None], name: str
) -> ConnectionPool:
    return ConnectionPool(
        url,
        min_size=1,
        max_size=4,
        kwargs={"autocommit": True, "connect_timeout": 10},
        configure=configure,
        name=name,
        open=True,
    )


class PostgresSearch:
    """The search backend in the PostgreSQL database at ``url`` (the store's)."""

    def __init__(self, url: str, *, method: Method = "auto") -> None:
        from ...store.postgres.connection import public_url
        from ...store.postgres.migrate import apply_migrations

        self.url = url
        self._public = public_url(url)
        self._lock = threading.RLock()
        self._writer: psycopg.Connection[Any] | None = None
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
                apply_migrations(conn)
                self.method = self._set_up(conn, method)
                row = conn.execute(
                    "SELECT last_seq FROM search_state WHERE name = %s", (STATE_NAME,)
                ).fetchone()
        except (psycopg.Error, StoreError) as exc:
            raise StoreError(f"cannot open search in {self._public}: {exc}") from exc
        self._last_seq = 0 if row is None else int(row[0])
        log.info("PostgreSQL search in %s ranks with %s", self._public, self.method.upper())
        self._pool = _pool(url, _configure, "broadsheet-search")
        # searches ranked by the RUM index run where sorting is disabled, so that the
        # planner always reads the index's order (``sql``); opened at the first one
        self._ranked_pool: ConnectionPool | None = None
        self._pool_lock = threading.Lock()

    @staticmethod
    def _set_up(conn: psycopg.Connection[Any], method: Method) -> Literal["rum", "gin"]:
        """Create the full-text index on ``doc``: RUM when asked or available, else GIN."""
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SETUP_LOCK,))
            have = {
                r[0]
                for r in conn.execute(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'search_docs'"
                )
            }
        chosen: Literal["rum", "gin"] = "gin"
        if method in ("auto", "rum"):
            try:
                with conn.transaction():
                    conn.execute("CREATE EXTENSION IF NOT EXISTS rum")
                chosen = "rum"
            except psycopg.Error as exc:
                if method == "rum":
                    raise ConfigError(f"the rum extension is not available: {exc}") from exc
                log.warning("the rum extension is missing (%s); ranking with GIN + ts_rank", exc)
        wanted = f"search_docs_doc_{chosen}"
        if wanted not in have:
            using = "rum (doc rum_tsvector_ops)" if chosen == "rum" else "gin (doc)"
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SETUP_LOCK,))
                conn.execute(f"CREATE INDEX IF NOT EXISTS {wanted} ON search_docs USING {using}")
        for other in ("search_docs_doc_rum", "search_docs_doc_gin"):
            if other != wanted and other in have:
                with conn.transaction():
                    conn.execute(f"DROP INDEX IF EXISTS {other}")
        return chosen

    def _open_ranked_pool(self) -> ConnectionPool:
        # its own lock: ``_lock`` is held through whole catch-ups, which searches never wait for
        with self._pool_lock:
            if self._ranked_pool is None:
                self._ranked_pool = _pool(self.url, _configure_ranked, "broadsheet-ranked")
            return self._ranked_pool

    @contextmanager
    def _conn(self, *, ranked: bool = False) -> Iterator[psycopg.Connection[Any]]:
        pool = self._pool
        if ranked:
            pool = self._ranked_pool or self._open_ranked_pool()
        try:
            with pool.connection() as conn:
                yield conn
        except psycopg.Error as exc:
            raise StoreError(f"search in {self._public} failed: {exc}") from exc

    # ------------------------------------------------------------------ state

    @property
    def last_seq(self) -> int:
        return self._last_seq

    def refresh(self) -> int:
        with self._lock, self._conn() as conn:
            row = conn.execute(
                "SELECT last_seq FROM search_state WHERE name = %s", (STATE_NAME,)
            ).fetchone()
            self._last_seq = max(self._last_seq, 0 if row is None else int(row[0]))
            return self._last_seq

    @property
    def writing(self) -> bool:
        return self._writer is not None

    def _get_writer(self) -> psycopg.Connection[Any]:
        """A connection holding the right to write (a session advisory lock, which the
        server drops when its holder dies)."""
        if self._writer is None:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
            _configure(conn)
            got = conn.execute("SELECT pg_try_advisory_lock(%s)", (_WRITER_LOCK,)).fetchone()
            if not got or not got[0]:
                conn.close()
                raise IndexBusyError(
                    f"the search index in {self._public} is being written by another process"
                )
            self._writer = conn
            self.refresh()
        return self._writer

    def release(self) -> None:
        with self._lock:
            if self._writer is not None:
                writer, self._writer = self._writer, None
                with suppress(psycopg.Error):
                    writer.close()  # the session ends: its advisory lock goes with it

    def close(self) -> None:
        self.release()
        with suppress(Exception):
            self._pool.close()
        if self._ranked_pool is not None:
            with suppress(Exception):
                self._ranked_pool.close()

    def __enter__(self) -> PostgresSearch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def _apply(
        self,
        rows: Iterable[tuple[Any, ...]],
        gone: Sequence[int],
        seq: int,
        *,
        wipe: bool = False,
    ) -> None:
        conn = self._get_writer()
        try:
            with conn.transaction(), conn.cursor() as cur:
                if wipe:
                    cur.execute("DELETE FROM search_docs")
                if gone:
                    cur.execute("DELETE FROM search_docs WHERE id = ANY(%s)", (list(gone),))
                batch = list(rows)
                if batch:
                    cur.executemany(UPSERT, batch)
                cur.execute(
                    "INSERT INTO search_state (name, last_seq) VALUES (%s, %s)"
                    " ON CONFLICT (name) DO UPDATE SET last_seq = excluded.last_seq",
                    (STATE_NAME, seq),
                )
        except psycopg.Error as exc:
            self.release()
            raise StoreError(f"search in {self._public}: {exc}") from exc
        self._last_seq = seq

    def catch_up(self, store: IndexedStore, *, batch: int = 1000) -> int:
        """Apply the store's changes after ``last_seq``; returns how many were read."""
        applied = 0
        with self._lock:
            self._get_writer()
            while True:
                changes = store.changes_since(self._last_seq, limit=batch)
                if not changes:
                    return applied
                articles, gone = changed_articles(store, changes)
                rows = [document_row(a, _annotations(store, a.id)) for a in articles]
                seq = max(self._last_seq, max(c.seq for c in changes))
                self._apply(rows, gone, seq)
                applied += len(changes)

    def rebuild(
        self, store: IndexedStore, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Re-index every article of the store from scratch (one transaction)."""
        seq = store.max_seq()
        total = store.count_articles()
        done = 0
        with self._lock:
            conn = self._get_writer()
            try:
                with conn.transaction(), conn.cursor() as cur:
                    cur.execute("DELETE FROM search_docs")
                    batch: list[tuple[Any, ...]] = []
                    for article in store.iter_articles():
                        batch.append(document_row(article, _annotations(store, article.id)))
                        if len(batch) >= 1000:
                            cur.executemany(UPSERT, batch)
                            done += len(batch)
                            batch.clear()
                            if progress is not None:
                                progress(done, total)
                    if batch:
                        cur.executemany(UPSERT, batch)
                        done += len(batch)
                        if progress is not None:
                            progress(done, total)
                    cur.execute(
                        "INSERT INTO search_state (name, last_seq) VALUES (%s, %s)"
                        " ON CONFLICT (name) DO UPDATE SET last_seq = excluded.last_seq",
                        (STATE_NAME, seq),
                    )
            except psycopg.Error as exc:
                self.release()
                raise StoreError(f"search in {self._public}: {exc}") from exc
            self._last_seq = seq
        return done

    def analyze(self) -> None:
        """Refresh the planner's statistics of ``search_docs`` (after a bulk load)."""
        with self._conn() as conn:
            conn.execute("ANALYZE search_docs")

    # ------------------------------------------------------------------ reading

    def count(self) -> int:
        with self._conn() as conn:
            row = conn.execute("SELECT count(*) FROM search_docs").fetchone()
        return int(row[0]) if row else 0

    def search(
        self,
        query: str | Query,
        *,
        limit: int = 20,
        offset: int = 0,
        sort: SortOrder = "relevance",
        now: datetime | None = None,
    ) -> SearchResults:
        """Run a query (a string in the query language, or a parsed tree)."""
        tree = parse_query(query, now=now) if isinstance(query, str) else query
        if sort not in ("relevance", "newest"):
            raise ValueError(f"sort must be 'relevance' or 'newest', not {sort!r}")
        sql = statements(tree, sort, self.method, limit, offset)
        with self._conn(ranked=sql.in_index_order) as conn:
            rows = conn.execute(sql.search, sql.params).fetchall()
        total = int(rows[0][-1]) if rows else 0
        rows = [r for r in rows if r[0] is not None]
        exact = total < sql.counted_to
        if not exact:  # there are more than this many
            total -= 1
        wanted = positive_body_words(tree)
        hits = [
            Hit(
                article_id=int(r[0]),
                score=float(r[7]) if sort == "relevance" else 0.0,
                headline=r[1],
                source=r[2],
                published_at=r[3],
                first_seen_at=r[4],
                snippet=snippet(r[5], wanted),
                story_id=r[6],
            )
            for r in rows
        ]
        return SearchResults(total=total, hits=hits, total_exact=exact)


def index_rows(
    index: PostgresSearch, items: Iterable[tuple[StoredArticle, Annotations | None]]
) -> int:
    """Write articles straight into ``index`` (bulk loads such as the benchmark's, of
    articles that are not in a store); its position in the change log is kept."""
    rows = [document_row(article, annotations) for article, annotations in items]
    with index._lock:
        index._apply(rows, [], index.last_seq)
    return len(rows)


def _annotations(store: IndexedStore, article_id: int) -> Annotations | None:
    try:
        return store.get_annotations(article_id)
    except NotFoundError:
        return None


def open_postgres_search(settings: Any) -> PostgresSearch:
    """The backend for ``search.backend = "postgres"``: in the store's PostgreSQL database."""
    from ...store import is_server_url

    database = settings.database
    if not is_server_url(database):
        raise ConfigError(
            'search.backend = "postgres" searches the store\'s database: set store.url to a '
            "postgresql:// URL (or BROADSHEET_STORE__URL)"
        )
    return PostgresSearch(database)
