"""Saving and reading articles: identity keys, versions, story clusters, id allocation.

A story is recognised again by any of its keys (kind, key) in ``article_keys``: the
canonical URL, the guid within its source, the URL, and the normalised content hash of every
version. A deleted article's keys move to ``tombstones`` and are refused for ever. A new
article joins the story of the most similar earlier article (MinHash, see ``dedupe``).

Every function takes a connection and runs inside the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from broadsheet.models import Article, Image, SaveResult, StoredArticle
from broadsheet.store.dedupe import (
    JACCARD_THRESHOLD,
    Signature,
    lsh_bands,
    normalize_text,
    signature_from_bytes,
    signature_to_bytes,
)
from broadsheet.store.sqlite.annotations import clear_annotations
from broadsheet.store.sqlite.changes import log_change, log_story_move
from broadsheet.store.times import IDS_PER_MS, from_us, iso, opt_us, parse_iso

__all__ = [
    "ARTICLE_SELECT",
    "Lookup",
    "any_key",
    "article_from_row",
    "guid_key",
    "key_owner",
    "save_existing",
    "save_new",
    "settle_without_write",
    "unchanged",
]

_MAX_CANDIDATES = 64  # near-duplicate candidates compared per new article

ARTICLE_SELECT = """
SELECT a.id, a.version, a.source_id, a.url, a.canonical_url, a.headline, a.byline,
       a.published_at, a.first_seen_us, a.language, a.body, a.sections, a.images, a.story_id,
       coalesce(a.site_name, s.title), a.content_hash, e.status, e.error
FROM articles a
LEFT JOIN sources s ON s.id = a.source_id
LEFT JOIN enrichment e ON e.article_id = a.id
"""


def _same_headline(old: str | None, new: str | None) -> bool:
    return normalize_text(old or "") == normalize_text(new or "")


def unchanged(conn: sqlite3.Connection, article_id: int) -> SaveResult:
    row = conn.execute(
        "SELECT version, story_id FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    return SaveResult(article_id, row[0], "unchanged", row[1])


def settle_without_write(
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
    lookup = Lookup(conn, every_key)
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


class Lookup:
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


def guid_key(source_id: int | None, guid: str) -> str:
    return f"{'' if source_id is None else source_id} {guid}"


def key_owner(conn: sqlite3.Connection, key: tuple[str, str]) -> int | None:
    row = conn.execute(
        "SELECT article_id FROM article_keys WHERE kind = ? AND key = ?", key
    ).fetchone()
    return None if row is None else int(row[0])


def any_key(conn: sqlite3.Connection, table: str, keys: list[tuple[str, str]]) -> int | None:
    for key in keys:
        row = conn.execute(
            f"SELECT article_id FROM {table} WHERE kind = ? AND key = ?", key
        ).fetchone()
        if row is not None:
            return int(row[0])
    return None


def _allocate_id(conn: sqlite3.Connection, seen_us: int) -> int:
    """first_seen milliseconds * 1000 + the next free counter (ids of deleted rows not reused)."""
    base = (seen_us // 1000) * IDS_PER_MS
    while True:
        top = base + IDS_PER_MS - 1
        used = conn.execute(
            "SELECT max(m) FROM (SELECT max(id) AS m FROM articles WHERE id BETWEEN ? AND ?"
            " UNION ALL SELECT max(article_id) FROM tombstones WHERE article_id BETWEEN ? AND ?) u",
            (base, top, base, top),
        ).fetchone()[0]
        candidate = base if used is None else int(used) + 1
        if candidate <= top:
            return candidate
        base += IDS_PER_MS


# reports of one story appear within days of each other; similar text further apart in time
# is a recurring template (a weekly market wrap, an earnings formula), not the same story
STORY_WINDOW_US = 4 * 24 * 3600 * 1_000_000


def _find_story(
    conn: sqlite3.Connection, signature: Signature, bands: list[int], when_us: int
) -> int | None:
    """The story of the most similar article from around the same time, if similar enough."""
    marks = ",".join("?" * len(bands))
    rows = conn.execute(
        "SELECT a.id, a.story_id, a.minhash FROM articles a WHERE a.id IN"
        f" (SELECT DISTINCT article_id FROM story_bands WHERE band IN ({marks}) LIMIT ?)"
        " AND abs(coalesce(a.published_us, a.first_seen_us) - ?) <= ?",
        (*bands, _MAX_CANDIDATES, when_us, STORY_WINDOW_US),
    ).fetchall()
    rows = [r for r in rows if r[2] is not None]
    if not rows:
        return None
    matrix = signature_from_bytes(b"".join(r[2] for r in rows)).reshape(len(rows), -1)
    scores = (matrix == signature).mean(axis=1)
    best = int(scores.argmax())
    return int(rows[best][1]) if scores[best] >= JACCARD_THRESHOLD else None


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


def save_existing(
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
        digest == old_digest or (has_text and key_owner(conn, ("hash", digest)) == article_id)
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
            iso(article.published_at),
            opt_us(article.published_at),
            iso(article.updated_at),
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
    clear_annotations(conn, article_id)  # offsets point into old text
    source_id = conn.execute("SELECT source_id FROM articles WHERE id = ?", (article_id,))
    log_change(conn, "updated", article_id=article_id, source_id=source_id.fetchone()[0])
    return SaveResult(article_id, version, "new_version", story_id)


def save_new(
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
    when_us = opt_us(article.published_at) or seen_us
    story_id = _find_story(conn, signature, bands, when_us) if signature is not None else None
    if story_id is not None and story_id > article_id:
        # seen earlier than the story's first article (fetch times of two processes can
        # cross): a story is named after its earliest article, so the story moves to this one
        log_story_move(conn, story_id)
        conn.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (article_id, story_id))
        story_id = article_id
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
            iso(article.published_at),
            opt_us(article.published_at),
            iso(article.updated_at),
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
    log_change(conn, "stored", article_id=article_id, source_id=source_id)
    return SaveResult(article_id, 1, "new", story_id)


def article_from_row(row: Sequence[Any]) -> StoredArticle:
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
        published_at=parse_iso(row[7]),
        first_seen_at=from_us(row[8]),
        language=row[9],
        body=row[10],
        sections=tuple(json.loads(row[11])),
        images=tuple(Image(**item) for item in json.loads(row[12])),
        story_id=row[13],
        source_name=row[14],
        content_hash=row[15],
        enrich_status=status,
    )
