"""Full-text search on PostgreSQL (``search.backend = "postgres"``): a ``SearchBackend`` in
the store's own database, for deployments that run the store on PostgreSQL.

Like the tantivy index it is derived data: ``search_docs`` holds one row per searchable
article, filled from the store's change log by ``catch_up`` (``search_state`` keeps the
position, written in the same transaction as the rows, so a crash never loses or repeats a
change). The query language is the one of ``broadsheet.search.query``, and the words are the
ones tantivy indexes: headline and body are tokenised in Python by the index's own analyzer
(``analysis.token_positions``) and stored as a ``tsvector`` with explicit positions, the
headline as weight A, the body as weight B one position further on (a phrase never runs from
the headline into the body); quotes are a second ``tsvector``; keyword values and the runs
of words of names are a ``text[]`` (``k:field:value``, ``p:field:words``). So the same query
finds the same stories on both backends (``tests/search/test_postgres_parity.py``).

Indexes: RUM (the ``rum`` extension, Debian's ``postgresql-15-rum``) on ``doc`` when it can
be created, which ranks inside the index (``doc <=> query``); otherwise GIN with
``ts_rank``. Which one is used is logged when the backend opens, and is ``method``.

A query tree is translated into SQL with every value passed as a parameter (``tsquery``
literals are built from analyzer tokens, which hold letters and digits only), never by
pasting what a user typed into SQL or into PostgreSQL's query syntax.

Limits (PostgreSQL's ``tsvector``): positions stop at 16,383 and a word keeps at most 256
of them, so a phrase past the 16,383rd word of a very long article, or after a word's 256th
occurrence, is not found there; single words are.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import Any, Literal

import psycopg
from psycopg_pool import ConnectionPool

from ..errors import ConfigError, IndexBusyError, NotFoundError, StoreError
from ..models import Annotations, StoredArticle
from .analysis import _analyzers, keyword_value, name_part_key, name_parts, token_positions
from .contract import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    Hit,
    IndexedStore,
    SearchResults,
    SortOrder,
    changed_articles,
)
from .fields import (
    INDEXED_KEYWORD_FIELDS,
    NAME_FIELDS,
    FieldValue,
    article_fields,
    effective_date,
    to_utc,
)
from .query import And, DateRange, Keyword, MatchAll, Not, Or, Phrase, Query, Term, parse_query

log = logging.getLogger(__name__)

__all__ = ["PostgresSearch", "open_postgres_search"]

Method = Literal["auto", "rum", "gin"]

STATE_NAME = "postgres"  # this backend's row in search_state
SNIPPET_CHARS = 200
MAX_POSITION = 16383  # tsvector positions stop here
_WRITER_LOCK = 0x62_726F_6164_6978  # "broadix": who writes search_docs
_SETUP_LOCK = 0x62_726F_6164_7378
# ts_rank weights {D, C, B, A}: a headline word counts double a body word, as in tantivy
_RANK_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"
_WEIGHT = {"headline": "A", "body": "B"}


# --------------------------------------------------------------------------- documents


def _texts(value: FieldValue) -> list[str]:
    if isinstance(value, str):
        return [value]
    if value is None or isinstance(value, datetime):
        return []
    return [v for v in value if v]


def _clean(text: str) -> str:
    return text.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")


class _Vector:
    """A ``tsvector`` literal built from analyzer tokens at explicit positions."""

    def __init__(self) -> None:
        self.positions: dict[str, dict[int, str]] = {}
        self.next = 1  # the next free position (1-based)

    def add(self, text: str, weight: str) -> None:
        tokens, positions = token_positions(_clean(text))
        if not tokens:
            return
        base = self.next
        for token, pos in zip(tokens, positions, strict=True):
            at = min(base + pos, MAX_POSITION)
            self.positions.setdefault(token, {}).setdefault(at, weight)
        # one position left empty after each value: a phrase never spans two values
        self.next = base + positions[-1] + 2

    def literal(self) -> str:
        parts = []
        for token, at in self.positions.items():
            marks = ",".join(
                f"{pos}{'' if weight == 'D' else weight}"
                for pos, weight in sorted(at.items())[:256]
            )
            parts.append(f"'{_quote(token)}':{marks}")
        return " ".join(parts)


def _quote(token: str) -> str:
    return token.replace("\\", "\\\\").replace("'", "''")


def _keys(fields: dict[str, FieldValue]) -> list[str]:
    keys: set[str] = set()
    for name in INDEXED_KEYWORD_FIELDS:
        for value in _texts(fields.get(name)):
            keys.add(f"k:{name}:{keyword_value(value)}")
            if name in NAME_FIELDS:
                keys.update(f"p:{name}:{part}" for part in name_parts(value))
    return sorted(keys)


def _row(article: StoredArticle, annotations: Annotations | None) -> tuple[Any, ...]:
    fields = article_fields(article, annotations)
    doc = _Vector()
    headline = fields.get("headline")
    if isinstance(headline, str):
        doc.add(headline, "A")
    body = fields.get("body")
    if isinstance(body, str):
        doc.add(body, "B")
    quote = _Vector()
    for text in _texts(fields.get("quote")):
        quote.add(text, "D")
    published = fields.get("published")
    first_seen = fields.get("first_seen")
    sources = _texts(fields.get("source"))
    return (
        article.id,
        doc.literal(),
        quote.literal(),
        _keys(fields),
        effective_date(fields),
        to_utc(published) if isinstance(published, datetime) else None,
        to_utc(first_seen) if isinstance(first_seen, datetime) else None,
        article.headline,
        _clean(article.body),
        sources[0] if sources else None,
        article.story_id,
    )


_UPSERT = (
    "INSERT INTO search_docs (id, doc, quote, keys, date, published, first_seen, headline,"
    " body, source, story_id) VALUES (%s, %s::tsvector, %s::tsvector, %s, %s, %s, %s, %s, %s,"
    " %s, %s) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, quote = excluded.quote,"
    " keys = excluded.keys, date = excluded.date, published = excluded.published,"
    " first_seen = excluded.first_seen, headline = excluded.headline, body = excluded.body,"
    " source = excluded.source, story_id = excluded.story_id"
)


# --------------------------------------------------------------------------- queries


def _tsq_words(tokens: Sequence[str], weight: str) -> str:
    suffix = f":{weight}" if weight else ""
    return " <-> ".join(f"'{_quote(t)}'{suffix}" for t in tokens)


def _doc_weight(field: str | None) -> str | None:
    """The weight restriction of a text field on ``doc`` ('' = either), None: not on doc."""
    if field is None:
        return ""
    return _WEIGHT.get(field)


def _doc_tsquery(node: Query) -> str | None:
    """The whole subtree as one ``tsquery`` on ``doc``, or None when it needs more than that."""
    if isinstance(node, Term | Phrase):
        weight = _doc_weight(node.field)
        if weight is None:
            return None
        tokens = (node.token,) if isinstance(node, Term) else node.tokens
        return f"({_tsq_words(tokens, weight)})"
    if isinstance(node, And | Or):
        parts = [_doc_tsquery(p) for p in node.parts]
        if any(p is None for p in parts):
            return None
        joiner = " & " if isinstance(node, And) else " | "
        return f"({joiner.join(p for p in parts if p is not None)})"
    if isinstance(node, Not):
        inner = _doc_tsquery(node.part)
        return None if inner is None else f"(!{inner})"
    return None


class _Sql:
    """The WHERE clause of a query tree and its parameters."""

    def __init__(self) -> None:
        self.params: list[Any] = []

    def where(self, node: Query) -> str:
        tsq = _doc_tsquery(node)
        if tsq is not None:
            self.params.append(tsq)
            return "doc @@ %s::tsquery"
        if isinstance(node, Term | Phrase):
            tokens = (node.token,) if isinstance(node, Term) else node.tokens
            self.params.append(_tsq_words(tokens, ""))
            return "quote @@ %s::tsquery"  # the one text field not in doc
        if isinstance(node, Keyword):
            wanted = [f"k:{node.field}:{node.value}"]
            key = name_part_key(node.value) if node.field in NAME_FIELDS else None
            if key is not None:
                wanted.append(f"p:{node.field}:{key}")
            self.params.append(wanted)
            return "keys && %s::text[]"
        if isinstance(node, DateRange):
            clauses = []
            if node.start is not None:
                clauses.append("date >= %s")
                self.params.append(node.start)
            if node.end is not None:
                clauses.append("date < %s")
                self.params.append(node.end)
            return f"coalesce({' AND '.join(clauses)}, false)" if clauses else "date IS NOT NULL"
        if isinstance(node, And | Or):
            # the parts on ``doc`` become one tsquery: one condition on the full-text index
            # per level (and RUM answers two conditions with a negation in one scan wrongly)
            on_doc = [q for q in map(_doc_tsquery, node.parts) if q is not None]
            joiner = " AND " if isinstance(node, And) else " OR "
            clauses = []
            if on_doc:
                self.params.append(f"({(' & ' if joiner == ' AND ' else ' | ').join(on_doc)})")
                clauses.append("doc @@ %s::tsquery")
            clauses.extend(self.where(p) for p in node.parts if _doc_tsquery(p) is None)
            return "(" + joiner.join(clauses) + ")"
        if isinstance(node, Not):
            return f"NOT coalesce({self.where(node.part)}, false)"
        assert isinstance(node, MatchAll)
        return "true"


def _positive_doc_tsqueries(node: Query) -> list[str]:
    """The words a hit matched on ``doc`` (never those under NOT): what ranking weighs."""
    if isinstance(node, Term | Phrase):
        tsq = _doc_tsquery(node)
        return [] if tsq is None else [tsq]
    if isinstance(node, And | Or):
        out: list[str] = []
        for part in node.parts:
            out.extend(_positive_doc_tsqueries(part))
        return out
    return []


def _positive_body_words(node: Query) -> list[tuple[str, ...]]:
    """Words and phrases to highlight in the body (never those under NOT)."""
    if isinstance(node, Term | Phrase):
        if node.field in (None, "body"):
            return [(node.token,) if isinstance(node, Term) else node.tokens]
        return []
    if isinstance(node, And | Or):
        out: list[tuple[str, ...]] = []
        for part in node.parts:
            out.extend(_positive_body_words(part))
        return out
    return []


# --------------------------------------------------------------------------- snippets


def _lead(body: str) -> str:
    if len(body) <= SNIPPET_CHARS:
        return body.strip()
    cut = body.rfind(" ", 0, SNIPPET_CHARS)
    return body[: cut if cut > 0 else SNIPPET_CHARS].strip() + " …"


def _snippet(body: str, wanted: list[tuple[str, ...]]) -> str:
    """A fragment of at most ``SNIPPET_CHARS`` around the densest run of matched words, each
    wrapped in the highlight marks (words as the index's analyzer cuts them)."""
    if not wanted:
        return _lead(body)
    tokens = _analyzers()[0].pre_tokenize(body).tokens
    spans: list[tuple[int, int]] = []
    words = [t.text for t in tokens]
    for seq in wanted:
        n = len(seq)
        for i in range(len(words) - n + 1):
            if words[i] == seq[0] and tuple(words[i : i + n]) == seq:
                spans.extend(
                    (tokens[j].char_offset_from, tokens[j].char_offset_to) for j in range(i, i + n)
                )
    if not spans:
        return _lead(body)
    spans = sorted(set(spans))
    best_start, best_count = spans[0][0], 0
    right = 0
    for left, (start, _) in enumerate(spans):
        right = max(right, left)
        while right + 1 < len(spans) and spans[right + 1][1] - start <= SNIPPET_CHARS:
            right += 1
        if right - left + 1 > best_count:
            best_start, best_count = start, right - left + 1
    lo = max(0, best_start - 40)
    space = body.find(" ", lo, best_start)
    if lo > 0 and space != -1:
        lo = space + 1
    hi = min(len(body), lo + SNIPPET_CHARS)
    out: list[str] = []
    last = lo
    for start, end in spans:
        if start < last or end > hi:
            continue
        out.append(body[last:start])
        out.append(HIGHLIGHT_START + body[start:end] + HIGHLIGHT_END)
        last = end
    out.append(body[last:hi])
    return "".join(out).strip()


# --------------------------------------------------------------------------- the backend


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SET synchronous_commit = on")
    conn.execute("SET TIME ZONE 'UTC'")


class PostgresSearch:
    """The search backend in the PostgreSQL database at ``url`` (the store's)."""

    def __init__(self, url: str, *, method: Method = "auto") -> None:
        from ..store.postgres.connection import public_url
        from ..store.postgres.migrate import apply_migrations

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
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=4,
            kwargs={"autocommit": True, "connect_timeout": 10},
            configure=_configure,
            name="broadsheet-search",
            open=True,
        )

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

    @contextmanager
    def _conn(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            with self._pool.connection() as conn:
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
                    cur.executemany(_UPSERT, batch)
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
                rows = [_row(a, _annotations(store, a.id)) for a in articles]
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
                        batch.append(_row(article, _annotations(store, article.id)))
                        if len(batch) >= 1000:
                            cur.executemany(_UPSERT, batch)
                            done += len(batch)
                            batch.clear()
                            if progress is not None:
                                progress(done, total)
                    if batch:
                        cur.executemany(_UPSERT, batch)
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
        sql = _Sql()
        where = sql.where(tree)
        ranked = _positive_doc_tsqueries(tree) if sort == "relevance" else []
        rank_q = " | ".join(ranked) if ranked else None
        columns = "id, headline, source, published, first_seen, body, story_id"
        if rank_q is None:
            score, params = "0.0", []
            order = "date DESC NULLS LAST, id DESC" if sort == "newest" else "id DESC"
            order_params: list[Any] = []
        elif self.method == "rum":  # ranked inside the RUM index: distance = 1 / rank
            score, params = "coalesce(1.0 / nullif(doc <=> %s::tsquery, 'Infinity'), 0.0)", [rank_q]
            order, order_params = "doc <=> %s::tsquery, id DESC", [rank_q]
        else:
            score, params = f"ts_rank('{_RANK_WEIGHTS}', doc, %s::tsquery)", [rank_q]
            order, order_params = "score DESC, id DESC", []
        statement = (
            f"SELECT {columns}, {score} AS score FROM search_docs WHERE {where}"
            f" ORDER BY {order} LIMIT %s OFFSET %s"
        )
        all_params = [*params, *sql.params, *order_params, max(0, limit), max(0, offset)]
        with self._conn() as conn:
            rows = conn.execute(statement, all_params).fetchall()
            total_row = conn.execute(
                f"SELECT count(*) FROM search_docs WHERE {where}", sql.params
            ).fetchone()
        wanted = _positive_body_words(tree)
        hits = [
            Hit(
                article_id=int(r[0]),
                score=float(r[7]) if sort == "relevance" else 0.0,
                headline=r[1],
                source=r[2],
                published_at=r[3],
                first_seen_at=r[4],
                snippet=_snippet(r[5], wanted),
                story_id=r[6],
            )
            for r in rows
        ]
        return SearchResults(total=int(total_row[0]) if total_row else 0, hits=hits)


def index_rows(
    index: PostgresSearch, items: Iterable[tuple[StoredArticle, Annotations | None]]
) -> int:
    """Write articles straight into ``index`` (bulk loads such as the benchmark's, of
    articles that are not in a store); its position in the change log is kept."""
    rows = [_row(article, annotations) for article, annotations in items]
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
    from ..store import is_server_url

    database = settings.database
    if not is_server_url(database):
        raise ConfigError(
            'search.backend = "postgres" searches the store\'s database: set store.url to a '
            "postgresql:// URL (or BROADSHEET_STORE__URL)"
        )
    return PostgresSearch(database)
