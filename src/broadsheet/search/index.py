"""The full-text index: tantivy, on disk or in memory (the default ``SearchBackend``).

The index is derived data. The store is the system of record; ``catch_up`` applies the
store's change log from ``last_seq`` on, and ``rebuild`` recreates everything from the store.
``last_seq`` is persisted in ``broadsheet-search.json`` inside the index directory after each
commit, so a crash between a commit and that write only re-applies a few (idempotent) changes.

Queries are translated from the tree of ``broadsheet.search.query`` into tantivy query
objects (term, phrase, boolean, range) — never into tantivy's query syntax — so nothing a
user types can change the meaning of a query.

Processes: any number may read the index at once; one at a time holds its writer (tantivy's
lock file in the directory). ``catch_up`` takes the writer when it is free and raises
``IndexBusyError`` when another process holds it; ``release`` gives it back. Which process
catches the index up is decided by ``search.follower``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from itertools import islice, pairwise
from pathlib import Path
from types import TracebackType
from typing import Any

import tantivy
from tantivy import FieldType, Occur
from tantivy import Query as TQuery

from ..errors import IndexBusyError, NotFoundError
from ..models import Annotations, StoredArticle
from .analysis import (
    GRAM_ANALYZER,
    KEYWORD_ANALYZER,
    TEXT_ANALYZER,
    gram,
    gram_analyzer,
    gram_text,
    keyword_analyzer,
    name_part_key,
    name_parts,
    text_analyzer,
)
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
    DEFAULT_TEXT_FIELDS,
    INDEXED_KEYWORD_FIELDS,
    INDEXED_TEXT_FIELDS,
    NAME_FIELDS,
    FieldValue,
    article_fields,
    effective_date,
    to_utc,
)
from .query import And, DateRange, Keyword, MatchAll, Not, Or, Phrase, Query, Term, parse_query

log = logging.getLogger(__name__)

__all__ = ["SCHEMA_VERSION", "SearchIndex"]

# 3: name parts (``NAME_PARTS_FIELD``). An index of an older version is wiped on opening and
# refilled by ``catch_up`` from the store's change log, which is never pruned.
SCHEMA_VERSION = 3
STATE_FILE = "broadsheet-search.json"
HEADLINE_BOOST = 2.0
# Runs of words of the names in NAME_FIELDS, as "field:word_word" terms (space-separated, so the
# whitespace analyzer indexes them as they are), no positions. Its own field, so the keyword
# fields keep exactly their terms and field norms, and a whole-name match scores as before.
NAME_PARTS_FIELD = "name_parts"
SNIPPET_CHARS = 200


def _build_schema() -> Any:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    sb.add_text_field("headline", stored=True, tokenizer_name=TEXT_ANALYZER)
    sb.add_text_field("body", stored=True, tokenizer_name=TEXT_ANALYZER)
    sb.add_text_field("quote", tokenizer_name=TEXT_ANALYZER)
    # word pairs of headline and body, no positions: a cheap pre-filter for phrases
    sb.add_text_field("grams", tokenizer_name=GRAM_ANALYZER, index_option="basic")
    sb.add_text_field(NAME_PARTS_FIELD, tokenizer_name=GRAM_ANALYZER, index_option="basic")
    for name in INDEXED_KEYWORD_FIELDS:
        sb.add_text_field(
            name, stored=name == "source", tokenizer_name=KEYWORD_ANALYZER, index_option="basic"
        )
    sb.add_date_field("published", stored=True)
    sb.add_date_field("first_seen", stored=True)
    sb.add_date_field("date", indexed=True, fast=True)  # published, else first seen
    sb.add_unsigned_field("story_id", stored=True, indexed=True, fast=True)
    return sb.build()


def _as_dt(value: object) -> datetime | None:
    return value if isinstance(value, datetime) else None


def _values(value: FieldValue) -> list[str]:
    if isinstance(value, str):
        return [value]
    if value is None or isinstance(value, datetime):
        return []
    return [v for v in value if v]


class SearchIndex:
    """A tantivy index of articles at ``path`` (a directory), or in memory when ``None``."""

    def __init__(
        self,
        path: Path | None,
        *,
        writer_heap: int = 128_000_000,
        writer_threads: int = 0,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self._schema = _build_schema()
        self._writer_heap = writer_heap
        self._writer_threads = writer_threads
        self._lock = threading.RLock()
        self._writer: Any = None
        self._last_seq = 0
        if self.path is None:
            self._index = tantivy.Index(self._schema)
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            state = self._read_state()
            if state and state.get("schema") != SCHEMA_VERSION:
                # an index of an older layout: it is derived data, start over
                self._wipe()
                state = {}
            self._last_seq = int(state.get("last_seq", 0))
            try:
                self._index = tantivy.Index(self._schema, path=str(self.path), reuse=True)
            except ValueError as exc:  # damaged files or a foreign schema: rebuild from the store
                log.warning("search index at %s is unusable (%s); starting it afresh", path, exc)
                self._wipe()
                self._last_seq = 0
                self._index = tantivy.Index(self._schema, path=str(self.path), reuse=True)
            if not state:
                # claim a fresh index at once, so no other process takes it for a stranger's
                self._write_state()
        self._index.register_tokenizer(TEXT_ANALYZER, text_analyzer())
        self._index.register_tokenizer(KEYWORD_ANALYZER, keyword_analyzer())
        self._index.register_tokenizer(GRAM_ANALYZER, gram_analyzer())
        self._index.reload()

    # ------------------------------------------------------------------ state

    @property
    def last_seq(self) -> int:
        """The store change sequence number this index has applied up to."""
        return self._last_seq

    def _wipe(self) -> None:
        assert self.path is not None
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True, exist_ok=True)

    def _read_state(self) -> dict[str, Any]:
        assert self.path is not None
        try:
            data = json.loads((self.path / STATE_FILE).read_text("utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write_state(self) -> None:
        if self.path is None:
            return
        # a name of this writer's own: processes that open a fresh index together each claim
        # it, and one's replace must not take away the file another is about to move
        tmp = self.path / f"{STATE_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(json.dumps({"schema": SCHEMA_VERSION, "last_seq": self._last_seq}), "utf-8")
        os.replace(tmp, self.path / STATE_FILE)

    # ------------------------------------------------------------------ writing

    def refresh(self) -> int:
        """See what other processes have committed since: the index's files and its
        ``last_seq``. Returns ``last_seq``."""
        with self._lock:
            if self.path is not None and self._writer is None:
                self._last_seq = max(self._last_seq, int(self._read_state().get("last_seq", 0)))
            self._index.reload()
            return self._last_seq

    def _get_writer(self) -> Any:
        if self._writer is None:
            try:
                self._writer = self._index.writer(self._writer_heap, self._writer_threads)
            except ValueError as exc:
                if "LockBusy" in str(exc) or "lock" in str(exc).lower():
                    raise IndexBusyError(
                        f"the search index at {self.path} is being written by another process"
                    ) from exc
                raise
            # what the previous holder committed is where this writer starts
            self.refresh()
        return self._writer

    @property
    def writing(self) -> bool:
        """Whether this process holds the index's writer now."""
        return self._writer is not None

    def _document(self, article: StoredArticle, annotations: Annotations | None) -> Any:
        fields = article_fields(article, annotations)
        doc = tantivy.Document()
        doc.add_unsigned("id", article.id)
        for name in INDEXED_TEXT_FIELDS:
            for value in _values(fields.get(name)):
                doc.add_text(name, value.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, ""))
        for name in DEFAULT_TEXT_FIELDS:
            for value in _values(fields.get(name)):
                pairs = gram_text(value)
                if pairs:
                    doc.add_text("grams", pairs)
        for name in INDEXED_KEYWORD_FIELDS:
            for value in _values(fields.get(name)):
                doc.add_text(name, value)
        parts = {
            _part_term(name, part)
            for name in NAME_FIELDS
            for value in _values(fields.get(name))
            for part in name_parts(value)
        }
        if parts:
            doc.add_text(NAME_PARTS_FIELD, " ".join(sorted(parts)))
        published = _as_dt(fields.get("published"))
        first_seen = _as_dt(fields.get("first_seen"))
        if published is not None:
            doc.add_date("published", to_utc(published))
        if first_seen is not None:
            doc.add_date("first_seen", to_utc(first_seen))
        date = effective_date(fields)
        if date is not None:
            doc.add_date("date", date)
        if article.story_id is not None:
            doc.add_unsigned("story_id", article.story_id)
        return doc

    def index_articles(
        self,
        items: Iterable[tuple[StoredArticle, Annotations | None]],
        *,
        upsert: bool = True,
    ) -> int:
        """Add articles (replacing any indexed under the same id); visible after ``commit``.

        ``upsert=False`` skips the replace step: only for ids known to be absent (bulk loads).
        """
        count = 0
        with self._lock:
            writer = self._get_writer()
            for article, annotations in items:
                if upsert:
                    # (delete_documents_by_term misreads u64 ids in the bindings: use a query)
                    writer.delete_documents_by_query(
                        TQuery.term_query(self._schema, "id", article.id)
                    )
                writer.add_document(self._document(article, annotations))
                count += 1
        return count

    def delete(self, ids: Iterable[int]) -> None:
        """Remove articles by id; visible after ``commit``."""
        with self._lock:
            wanted = sorted(set(ids))
            if wanted:
                writer = self._get_writer()
                writer.delete_documents_by_query(TQuery.term_set_query(self._schema, "id", wanted))

    def commit(self) -> None:
        """Make every write so far durable and searchable, then persist ``last_seq``."""
        with self._lock:
            if self._writer is not None:
                self._writer.commit()
            self._index.reload()
            self._write_state()

    def release(self) -> None:
        """Release the writer (and its lock on the directory). Uncommitted writes are lost;
        searching goes on."""
        with self._lock:
            if self._writer is not None:
                writer, self._writer = self._writer, None
                writer.wait_merging_threads()  # drops the writer and its lock

    def close(self) -> None:
        self.release()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ following the store

    def catch_up(self, store: IndexedStore, *, batch: int = 1000) -> int:
        """Apply the store's changes after ``last_seq``; returns how many changes were read.

        Raises ``IndexBusyError`` when another process holds the writer. One thread at a
        time: two interleaved catch-ups could each delete-then-add one article and leave it
        indexed twice."""
        applied = 0
        with self._lock:
            self._get_writer()
            while True:
                changes = store.changes_since(self._last_seq, limit=batch)
                if not changes:
                    return applied
                articles, gone = changed_articles(store, changes)
                self.delete(gone)
                self.index_articles((a, _annotations(store, a.id)) for a in articles)
                self._last_seq = max(self._last_seq, max(c.seq for c in changes))
                self.commit()
                applied += len(changes)

    def rebuild(
        self, store: IndexedStore, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Re-index every article of the store from scratch; returns how many were indexed."""
        seq = store.max_seq()  # changes after this are applied by the next catch_up
        total = store.count_articles()
        done = 0
        with self._lock:
            self._get_writer().delete_all_documents()
            articles = iter(store.iter_articles())
            while batch := list(islice(articles, 1000)):
                done += self.index_articles(
                    ((a, _annotations(store, a.id)) for a in batch), upsert=False
                )
                if progress is not None:
                    progress(done, total)
            self._last_seq = seq
            self.commit()
        return done

    # ------------------------------------------------------------------ reading

    def count(self) -> int:
        """Articles searchable now."""
        return int(self._index.searcher().num_docs)

    def search(
        self,
        query: str | Query,
        *,
        limit: int = 20,
        offset: int = 0,
        sort: SortOrder = "relevance",
        now: datetime | None = None,
    ) -> SearchResults:
        """Run a query (a string in the query language, or a parsed tree).

        Raises ``QuerySyntaxError`` for a malformed string; ``now`` anchors relative dates.
        """
        tree = parse_query(query, now=now) if isinstance(query, str) else query
        tquery = self.to_tantivy(tree)
        searcher = self._index.searcher()
        wanted = max(1, limit)  # tantivy panics on a limit of 0
        result: Any
        if sort == "newest":
            result = searcher.search(
                tquery, wanted, count=True, order_by_field="date", offset=max(0, offset)
            )
        elif sort == "relevance":
            result = searcher.search(tquery, wanted, count=True, offset=max(0, offset))
        else:
            raise ValueError(f"sort must be 'relevance' or 'newest', not {sort!r}")
        snippets = self._snippet_generator(searcher, tree)
        hits = []
        for score, address in result.hits[: max(0, limit)]:
            doc = searcher.doc(address)
            hits.append(
                Hit(
                    article_id=int(doc.get_first("id") or 0),
                    score=float(score) if sort == "relevance" else 0.0,
                    headline=doc.get_first("headline"),
                    source=doc.get_first("source"),
                    published_at=doc.get_first("published"),
                    first_seen_at=doc.get_first("first_seen"),
                    snippet=_snippet(snippets, doc),
                    story_id=doc.get_first("story_id"),
                )
            )
        return SearchResults(total=int(result.count or 0), hits=hits)

    def _snippet_generator(self, searcher: Any, tree: Query) -> Any:
        terms = _positive_body_queries(tree, self._schema)
        if not terms:
            return None
        hq = (
            terms[0]
            if len(terms) == 1
            else TQuery.boolean_query([(Occur.Should, q) for q in terms])
        )
        generator = tantivy.SnippetGenerator.create(searcher, hq, self._schema, "body")
        generator.set_max_num_chars(SNIPPET_CHARS)
        return generator

    # ------------------------------------------------------------------ translation

    def to_tantivy(self, node: Query) -> Any:
        """The tantivy query object for a parsed query."""
        return _translate(node, self._schema)


def _annotations(store: IndexedStore, article_id: int) -> Annotations | None:
    try:
        return store.get_annotations(article_id)
    except NotFoundError:
        return None


def _part_term(field: str, part: str) -> str:
    """The ``NAME_PARTS_FIELD`` term of one run of a name's words in a name field."""
    return f"{field}:{part}"


def _keyword_query(schema: Any, node: Keyword) -> Any:
    """The whole value, or in a name field also a run of its words. The run's clause scores
    0, so an article matching the whole name scores exactly what it did before name parts
    (BM25 of the keyword field), and one matching only a part scores 0 for this clause."""
    whole = TQuery.term_query(schema, node.field, node.value)
    key = name_part_key(node.value) if node.field in NAME_FIELDS else None
    if key is None:
        return whole
    part = TQuery.term_query(schema, NAME_PARTS_FIELD, _part_term(node.field, key))
    return TQuery.boolean_query(
        [(Occur.Should, whole), (Occur.Should, TQuery.const_score_query(part, 0.0))]
    )


def _text_query(schema: Any, field: str, tokens: Sequence[str]) -> Any:
    if len(tokens) == 1:
        return TQuery.term_query(schema, field, tokens[0])
    return TQuery.phrase_query(schema, field, list(tokens))


def _default_fields_query(schema: Any, tokens: Sequence[str]) -> Any:
    parts = []
    for field in DEFAULT_TEXT_FIELDS:
        q = _text_query(schema, field, tokens)
        if field == "headline":
            q = TQuery.boost_query(q, HEADLINE_BOOST)
        parts.append((Occur.Should, q))
    return TQuery.boolean_query(parts)


def _grams_filter(schema: Any, tokens: Sequence[str]) -> list[tuple[Any, Any]]:
    """Must-clauses on every word pair of a phrase (unscored): only articles holding all of
    them are checked for positions."""
    pairs = sorted({gram(a, b) for a, b in pairwise(tokens)})
    return [
        (Occur.Must, TQuery.const_score_query(TQuery.term_query(schema, "grams", p), 0.0))
        for p in pairs
    ]


def _translate(node: Query, schema: Any) -> Any:
    if isinstance(node, Term):
        if node.field is None:
            return _default_fields_query(schema, (node.token,))
        return _text_query(schema, node.field, (node.token,))
    if isinstance(node, Phrase):
        if node.field is None and len(node.tokens) == 2:
            # "a b" in headline or body is exactly the pair a_b in grams: no positions to read
            # (nor a headline boost: checking headline positions costs as much as the search)
            return TQuery.term_query(schema, "grams", gram(*node.tokens))
        if node.field is None:
            exact = _default_fields_query(schema, node.tokens)
        else:
            exact = _text_query(schema, node.field, node.tokens)
        if node.field not in (None, *DEFAULT_TEXT_FIELDS):
            return exact
        return TQuery.boolean_query([*_grams_filter(schema, node.tokens), (Occur.Must, exact)])
    if isinstance(node, Keyword):
        return _keyword_query(schema, node)
    if isinstance(node, DateRange):
        return TQuery.range_query(
            schema,
            "date",
            FieldType.Date,
            node.start if node.start is not None else tantivy.MIN_DATETIME,
            node.end if node.end is not None else tantivy.MAX_DATETIME,
            include_lower=True,
            include_upper=node.end is None,
        )
    if isinstance(node, And):
        clauses = [
            (Occur.MustNot, _translate(p.part, schema))
            if isinstance(p, Not)
            else (Occur.Must, _translate(p, schema))
            for p in node.parts
        ]
        if all(occur == Occur.MustNot for occur, _ in clauses):
            clauses.append((Occur.Must, TQuery.all_query()))
        return TQuery.boolean_query(clauses)
    if isinstance(node, Or):
        return TQuery.boolean_query([(Occur.Should, _translate(p, schema)) for p in node.parts])
    if isinstance(node, Not):
        return TQuery.boolean_query(
            [(Occur.Must, TQuery.all_query()), (Occur.MustNot, _translate(node.part, schema))]
        )
    assert isinstance(node, MatchAll)
    return TQuery.all_query()


def _positive_body_queries(node: Query, schema: Any) -> list[Any]:
    """Body queries for the words a hit matched (never those under NOT), for highlighting."""
    if isinstance(node, Term | Phrase):
        if node.field is None or node.field == "body":
            tokens = (node.token,) if isinstance(node, Term) else node.tokens
            return [_text_query(schema, "body", tokens)]
        return []
    if isinstance(node, And | Or):
        out: list[Any] = []
        for part in node.parts:
            out.extend(_positive_body_queries(part, schema))
        return out
    return []


def _lead(body: str) -> str:
    if len(body) <= SNIPPET_CHARS:
        return body.strip()
    cut = body.rfind(" ", 0, SNIPPET_CHARS)
    return body[: cut if cut > 0 else SNIPPET_CHARS].strip() + " …"


def _snippet(generator: Any, doc: Any) -> str:
    body = (doc.get_first("body") or "").replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")
    if generator is None:
        return _lead(body)
    snippet = generator.snippet_from_doc(doc)
    fragment: str = snippet.fragment()
    ranges = [(r.start, r.end) for r in snippet.highlighted()]
    if not fragment or not ranges:
        return _lead(body)
    # tantivy reports byte offsets into the UTF-8 fragment
    raw = fragment.encode("utf-8")
    parts: list[str] = []
    last = 0
    for start, end in sorted(ranges):
        if start < last:
            continue
        parts.append(raw[last:start].decode("utf-8", "replace"))
        parts.append(HIGHLIGHT_START + raw[start:end].decode("utf-8", "replace") + HIGHLIGHT_END)
        last = end
    parts.append(raw[last:].decode("utf-8", "replace"))
    return "".join(parts).strip()
