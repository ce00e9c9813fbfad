"""A parsed query as SQL on ``search_docs``: the WHERE clause, the ranking, the page and the
count of matches. Every value is a parameter (``tsquery`` literals are built from analyzer
tokens, which hold letters and digits only), never what a user typed pasted into SQL or into
PostgreSQL's query syntax.

The page: with RUM, ``ORDER BY doc <=> query LIMIT k``, which the index answers in rank
order (the anchor's query) without reading every match's row (a tie-break such as ``id``
would make PostgreSQL rank and sort every match instead: 23 ms against 1 ms for one word at
100,000 articles). Among equal ranks (common: a one-word query's rank depends only on how
often and where the word occurs) the order is the index's own, which does not depend on
LIMIT or OFFSET, so pages follow each other while the index is unchanged; the page is
planned with sorting disabled, so that it is always read in the index's order. A query with
conditions beyond words and phrases (``source:``, dates, ``OR``) is ranked after its matches
are found (a filter would otherwise be tried on the word's matches in rank order until
enough pass: 3x the server's CPU for the benchmark's filtered class), ties newest id first.
With GIN, ``ts_rank`` over every match, ties newest id first.

The count, in the same statement: ranked by the RUM index, matches are counted only up to
``COUNT_CAP`` (or the page's end); past that the total says "more than ``COUNT_CAP``"
(``SearchResults.total_exact`` is then False), so a query matching most of the archive never
counts every row. That count is planned with sequential scans disabled: with a LIMIT the
planner may otherwise read the table from the start hoping to stop early, which for a rare
phrase of common words means reading all of it (1.3 s at 100,000 articles). Otherwise
every match is ranked or sorted anyway, and counted exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..analysis import name_part_key
from ..contract import SortOrder
from ..fields import NAME_FIELDS
from ..query import And, DateRange, Keyword, MatchAll, Not, Or, Phrase, Query, Term
from .documents import quote_token

__all__ = ["COUNT_CAP", "Statements", "positive_body_words", "statements"]

COUNT_CAP = 1000  # matches counted one by one; past this the total is "more than 1,000"
# ts_rank weights {D, C, B, A}: a headline word counts double a body word, as in tantivy
_RANK_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"
_WEIGHT = {"headline": "A", "body": "B"}
_PAGE_COLUMNS = "id, headline, source, published, first_seen, body, story_id"


def _tsq_words(tokens: Sequence[str], weight: str) -> str:
    suffix = f":{weight}" if weight else ""
    return " <-> ".join(f"'{quote_token(t)}'{suffix}" for t in tokens)


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
    """The words a hit matched on ``doc`` (never those under NOT): what ranking weighs. A
    phrase is weighed as its words (the WHERE clause has already required them in a row):
    RUM ranks every match of ``a & b`` three times as fast as of ``a <-> b``."""
    if isinstance(node, Term | Phrase):
        weight = _doc_weight(node.field)
        if weight is None:
            return []
        tokens = (node.token,) if isinstance(node, Term) else node.tokens
        words = " & ".join(_tsq_words((token,), weight) for token in tokens)
        return [f"({words})"]
    if isinstance(node, And | Or):
        out: list[str] = []
        for part in node.parts:
            out.extend(_positive_doc_tsqueries(part))
        return out
    return []


def positive_body_words(node: Query) -> list[tuple[str, ...]]:
    """Words and phrases to highlight in the body (never those under NOT)."""
    if isinstance(node, Term | Phrase):
        if node.field in (None, "body"):
            return [(node.token,) if isinstance(node, Term) else node.tokens]
        return []
    if isinstance(node, And | Or):
        out: list[tuple[str, ...]] = []
        for part in node.parts:
            out.extend(positive_body_words(part))
        return out
    return []


@dataclass
class Statements:
    """The SQL of one search: the page of hits with the count of matches beside each row
    (one statement, one round trip)."""

    search: str
    params: list[Any]
    in_index_order: bool = False  # the page is ranked by the RUM index alone
    counted_to: int = COUNT_CAP + 1  # a count this high means there may be more


def statements(
    tree: Query, sort: SortOrder, method: Literal["rum", "gin"], limit: int, offset: int
) -> Statements:
    """The statements of a search for ``tree`` (see the module's notes)."""
    sql = _Sql()
    where = sql.where(tree)
    ranked = _positive_doc_tsqueries(tree) if sort == "relevance" else []
    rank_q = " | ".join(ranked) if ranked else None
    score_params: list[Any] = []
    order_params: list[Any] = []
    in_index_order = False
    if rank_q is None:
        score = "0.0"
        order = "date DESC NULLS LAST, id DESC" if sort == "newest" else "id DESC"
    elif method == "rum":  # ranked inside the RUM index: distance = 1 / rank
        score = "coalesce(1.0 / nullif(doc <=> %s::tsquery, 'Infinity'), 0.0)"
        score_params = [rank_q]
        order, order_params = "doc <=> %s::tsquery", [rank_q]
        # the index gives the order when the whole query is on doc; with other conditions
        # (source:, dates) the matches of the words are fewer read off the index and ranked
        # than read in rank order until enough pass the filters; ties need a key then
        in_index_order = where.startswith("doc @@ ")
        if not in_index_order:
            order += ", id DESC"
    else:
        score, score_params = f"ts_rank('{_RANK_WEIGHTS}', doc, %s::tsquery)", [rank_q]
        order = "score DESC, id DESC"
    limit, offset = max(0, limit), max(0, offset)
    # ranked by the RUM index: count the matches only up to the cap (or the page's end)
    counted_to = max(COUNT_CAP, offset + limit) + 1 if in_index_order else None
    matches = f"SELECT 1 FROM search_docs WHERE {where}"
    if counted_to is not None:
        matches += f" LIMIT {counted_to}"
    # the page keeps its order through the join by its row number (one row for the count
    # when the page is empty)
    search = (
        f"SELECT p.*, n.total FROM (SELECT count(*) AS total FROM ({matches}) AS matches) AS n"
        " LEFT JOIN (SELECT r.*, row_number() OVER () AS at FROM (SELECT"
        f" {_PAGE_COLUMNS}, {score} AS score FROM search_docs WHERE {where} ORDER BY {order}"
        " LIMIT %s OFFSET %s) AS r) AS p ON true ORDER BY p.at"
    )
    return Statements(
        search=search,
        params=[*sql.params, *score_params, *sql.params, *order_params, limit, offset],
        in_index_order=in_index_order,
        counted_to=counted_to or 2**63 - 1,
    )
