"""Annotations tables (entities, tickers, quotes, facts, topics, tone) and the cross-archive
views built on them: person profiles, quotes by speaker, articles by ticker.

Every function takes a connection and runs inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Collection
from typing import cast

from broadsheet.models import (
    Annotations,
    CueClass,
    Entity,
    Fact,
    Quote,
    QuoteKind,
    TickerMention,
)
from broadsheet.store.times import article_day, now_us
from broadsheet.store.types import DatedValue, PersonProfile, SpeakerQuote, TickerArticle

__all__ = [
    "build_person_profile",
    "clear_annotations",
    "find_speaker_quotes",
    "find_ticker_articles",
    "mark_failed",
    "read_annotations",
    "write_annotations",
]

_TABLES = ("entity_mentions", "ticker_mentions", "quotes", "facts", "article_topics")


def clear_annotations(conn: sqlite3.Connection, article_id: int) -> None:
    """Drop the article's annotations and its enrichment status."""
    for table in _TABLES:
        conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM enrichment WHERE article_id = ?", (article_id,))


def write_annotations(conn: sqlite3.Connection, article_id: int, annotations: Annotations) -> None:
    """Replace the article's annotations and mark it enriched ("ok")."""
    clear_annotations(conn, article_id)
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
        " speaker_affiliation, cue_class) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                q.cue_class,
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
        (article_id, float(annotations.tone), now_us()),
    )


def mark_failed(conn: sqlite3.Connection, article_id: int, error: str) -> None:
    """Record a failed enrichment; earlier annotations stay."""
    conn.execute(
        "INSERT INTO enrichment (article_id, status, error, tone, done_us)"
        " VALUES (?, 'failed', ?, 0.0, ?) ON CONFLICT (article_id) DO UPDATE"
        " SET status = 'failed', error = excluded.error, done_us = excluded.done_us",
        (article_id, error, now_us()),
    )


def read_annotations(conn: sqlite3.Connection, article_id: int) -> Annotations:
    """The article's annotations exactly as written (empty when never enriched)."""
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
            cue_class=r[11],
        )
        for r in conn.execute(
            "SELECT content_start, content_end, source_start, source_end, cue_start,"
            " cue_end, speaker, kind, speaker_type, speaker_title, speaker_affiliation,"
            " cue_class FROM quotes WHERE article_id = ? ORDER BY ord",
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
            "SELECT topic FROM article_topics WHERE article_id = ? ORDER BY ord", (article_id,)
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


def find_speaker_quotes(
    conn: sqlite3.Connection,
    names: list[str],
    limit: int,
    cue_classes: Collection[CueClass] | None = None,
) -> list[SpeakerQuote]:
    """Quotes whose speaker is any of ``names`` (case-insensitive), newest article first;
    only those whose cue is of ``cue_classes`` when given. A group's words ("Obama
    administration officials said") are never a person's."""
    marks = ",".join("?" * len(names))
    classes = sorted(set(cue_classes)) if cue_classes is not None else []
    only = f" AND q.cue_class IN ({','.join('?' * len(classes))})" if classes else ""
    if cue_classes is not None and not classes:
        return []
    rows = conn.execute(
        "SELECT q.article_id, q.content_start, q.content_end,"
        " substr(a.body, q.content_start + 1, q.content_end - q.content_start),"
        " q.kind, q.speaker, q.speaker_title, q.speaker_affiliation, a.published_at,"
        " a.first_seen_us, q.cue_class FROM quotes q JOIN articles a ON a.id = q.article_id"
        f" WHERE q.speaker COLLATE NOCASE IN ({marks})"
        " AND coalesce(q.speaker_type, '') <> 'GROUP'" + only + " ORDER BY"
        " coalesce(a.published_us, a.first_seen_us) DESC, q.article_id DESC, q.ord LIMIT ?",
        (*names, *classes, limit),
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
            date=article_day(r[8], r[9]),
            cue_class=cast(CueClass, r[10]),
        )
        for r in rows
    ]


def build_person_profile(conn: sqlite3.Connection, name: str) -> PersonProfile | None:
    """Everything the archive says about one person (by name or entity id), or None."""
    mentions = (
        "SELECT article_id, name, text, entity_id FROM entity_mentions"
        " WHERE type = 'PERSON' AND (name = ? COLLATE NOCASE OR entity_id = ?)"
    )
    rows = conn.execute(mentions, (name, name)).fetchall()
    if not rows:
        # a surname or another surface form ("Okafor"): the person most often named so
        best = conn.execute(
            "SELECT name FROM entity_mentions WHERE type = 'PERSON'"
            " AND (text = ? COLLATE NOCASE OR name LIKE '% ' || ? ESCAPE '\\')"
            " GROUP BY name ORDER BY count(*) DESC, name LIMIT 1",
            (name, name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")),
        ).fetchone()
        if best is not None and best[0].casefold() != name.casefold():
            return build_person_profile(conn, best[0])
    entity_ids = Counter(r[3] for r in rows if r[3])
    entity_id = entity_ids.most_common(1)[0][0] if entity_ids else None
    if entity_id is not None:
        rows = conn.execute(mentions, (name, entity_id)).fetchall()
    names = Counter(r[1] for r in rows)
    canonical = names.most_common(1)[0][0] if names else name
    speaker_names = sorted({canonical, name, *names})
    quotes = find_speaker_quotes(conn, speaker_names, 200)
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
    article_ids = sorted({r[0] for r in rows} | {q.article_id for q in quotes})
    own = {n.casefold() for n in speaker_names}
    co: Counter[str] = Counter()
    for i in range(0, len(article_ids), 500):
        chunk = article_ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for other, same in conn.execute(
            "SELECT name, max(coalesce(entity_id = ?, 0)) FROM entity_mentions"
            f" WHERE type = 'PERSON' AND article_id IN ({marks}) GROUP BY article_id, name",
            (entity_id, *chunk),
        ):
            if other.casefold() not in own and not same:
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


def find_ticker_articles(
    conn: sqlite3.Connection, ticker: str, first: str | None, last: str | None
) -> list[TickerArticle]:
    """Articles mentioning ``ticker`` dated within [first, last] (YYYY-MM-DD), by date."""
    rows = conn.execute(
        "SELECT a.id, a.published_at, a.first_seen_us, a.headline, max(t.relevance)"
        " FROM ticker_mentions t JOIN articles a ON a.id = t.article_id"
        " WHERE t.ticker = ? GROUP BY a.id",
        (ticker.upper(),),
    ).fetchall()
    found = [TickerArticle(r[0], article_day(r[1], r[2]), r[3], float(r[4])) for r in rows]
    found = [
        t for t in found if (first is None or t.date >= first) and (last is None or t.date <= last)
    ]
    found.sort(key=lambda t: (t.date, t.article_id))
    return found


def _dated(values: dict[str, list[str]]) -> tuple[DatedValue, ...]:
    out = [DatedValue(v, min(days), max(days), len(days)) for v, days in values.items()]
    out.sort(key=lambda d: (-d.count, d.value))
    return tuple(out)
