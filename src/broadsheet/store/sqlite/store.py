"""The system of record on SQLite: ``SQLiteStore`` implements every role of
``broadsheet.store.contract.Store`` — sources, articles (versions, stories, tombstones),
annotations, people, price bars, saved searches, alerts (inbox, outbox), accounts, and the
change log followers read.

Connections, transactions and durability: ``connection``. Each role's SQL: the modules
beside this one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Iterator
from datetime import date, datetime

from broadsheet.errors import NotFoundError, StoreError
from broadsheet.models import (
    Annotations,
    Article,
    CueClass,
    PriceBar,
    SaveResult,
    StoredArticle,
)
from broadsheet.store.dedupe import content_hash, minhash, normalize_text
from broadsheet.store.sqlite.accounts import AccountRows
from broadsheet.store.sqlite.alerts import AlertRows
from broadsheet.store.sqlite.annotations import (
    build_person_profile,
    find_speaker_quotes,
    find_ticker_articles,
    mark_failed,
    read_annotations,
    write_annotations,
)
from broadsheet.store.sqlite.articles import (
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
from broadsheet.store.sqlite.changes import CHANGE_SELECT, change_from_row, log_change
from broadsheet.store.sqlite.connection import require_article
from broadsheet.store.sqlite.prices import read_bars, read_tickers, write_bars
from broadsheet.store.sqlite.searches import SavedSearchRows
from broadsheet.store.sqlite.sources import SourceRows
from broadsheet.store.times import day, from_us, now_us, parse_iso, to_us
from broadsheet.store.types import (
    ArticleVersion,
    Change,
    PersonProfile,
    SpeakerQuote,
    TickerArticle,
)
from broadsheet.textsafe import clean_article, clean_text

__all__ = ["SQLiteStore", "open_sqlite"]


class SQLiteStore(SourceRows, SavedSearchRows, AlertRows, AccountRows):
    """Thread-safe store on one SQLite file (or ``:memory:``): every role of ``Store``."""

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
        article = clean_article(article)  # the one gate every stored article passes
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
            require_article(conn, article_id)
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
            source = conn.execute("SELECT source_id FROM articles WHERE id = ?", (article_id,))
            source_id = source.fetchone()[0]
            conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            log_change(conn, "deleted", article_id=article_id, source_id=source_id)

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
                f"{CHANGE_SELECT} WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit)
            ).fetchall()
        return [change_from_row(r) for r in rows]

    def max_seq(self) -> int:
        with self._use() as conn:
            return int(conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0])

    # ------------------------------------------------------------------ annotations

    def save_annotations(self, article_id: int, annotations: Annotations) -> None:
        """Replace the article's annotations (all or nothing) and mark it enriched."""
        with self._write() as conn:
            require_article(conn, article_id)
            write_annotations(conn, article_id, annotations)
            log_change(conn, "annotated", article_id=article_id)

    def mark_enrich_failed(self, article_id: int, error: str) -> None:
        """Record that enrichment failed; the article and any earlier annotations stay."""
        with self._write() as conn:
            require_article(conn, article_id)
            mark_failed(conn, article_id, clean_text(error))

    def get_annotations(self, article_id: int) -> Annotations:
        """The article's annotations, exactly as saved (empty when not enriched)."""
        with self._read() as conn:
            require_article(conn, article_id)
            return read_annotations(conn, article_id)

    def quotes_by_speaker(
        self, name: str, limit: int = 50, cue_classes: Collection[CueClass] | None = None
    ) -> list[SpeakerQuote]:
        """Quotes attributed to ``name`` (case-insensitive), newest article first; only
        those whose cue is of ``cue_classes`` (speech, writing, thought, action) when given."""
        with self._use() as conn:
            return find_speaker_quotes(conn, [name], limit, cue_classes)

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


def open_sqlite(database: str) -> SQLiteStore:
    """Open (creating and migrating if needed) the store in a SQLite file or ``:memory:``."""
    return SQLiteStore(database)
