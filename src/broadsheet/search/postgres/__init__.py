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

Modules: ``documents`` (an article as a row of ``search_docs``), ``sql`` (a query as SQL:
the page, the capped count), ``snippets`` (the highlighted fragments of a page's hits),
``backend`` (``PostgresSearch``: the index, the writer, catch-up and searches).
"""

from __future__ import annotations

from .backend import Method, PostgresSearch, index_rows, open_postgres_search
from .documents import document_row

__all__ = ["Method", "PostgresSearch", "document_row", "index_rows", "open_postgres_search"]
