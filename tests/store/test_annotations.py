"""Annotations: exact round trips, atomic replacement, failures, and the cross-archive views."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadsheet.errors import NotFoundError
from broadsheet.models import Annotations, Article, Entity, Fact, Paragraph, Quote, TickerMention
from broadsheet.store import DatedValue, SQLiteStore, TickerArticle
from broadsheet.store.sqlite.migrate import apply_migrations

BODY = (
    "Mara Lindqvist, chief economist at Nordhavn Bank, said growth would slow to 1.5 percent. "
    '"We expect a soft quarter," Lindqvist said. Tomas Ek of the harbour council agreed, and '
    "shares of Nordhavn (NDHV) rose 3 percent."
)


def _span(text: str, needle: str) -> tuple[int, int]:
    start = BODY.index(needle)
    assert BODY[start : start + len(needle)] == text == needle
    return start, start + len(needle)


def _save(
    store: SQLiteStore, body: str = BODY, url: str = "https://news.example/a", **kw: object
) -> int:
    article = Article(
        paragraphs=(Paragraph(body),),
        headline=str(kw.get("headline", "Economist sees slowdown")),
        url=url,
        published_at=kw.get("published_at", datetime(2024, 4, 2, 8, tzinfo=UTC)),  # type: ignore[arg-type]
    )
    result = store.save_article(article)
    assert result.article_id is not None
    return result.article_id


def _full_annotations() -> Annotations:
    mara = _span("Mara Lindqvist", "Mara Lindqvist")
    quote = BODY.index('"We expect')
    quote_end = BODY.index('quarter,"') + len('quarter,"')
    return Annotations(
        entities=(
            Entity(*mara, "PERSON", "Mara Lindqvist", "Mara Lindqvist", "person:mara-lindqvist"),
            Entity(
                *_span("Nordhavn Bank", "Nordhavn Bank"), "ORG", "Nordhavn Bank", "Nordhavn Bank"
            ),
            Entity(
                *_span("Lindqvist", "Lindqvist said"[:9]), "PERSON", "Mara Lindqvist", "Lindqvist"
            ),
            Entity(*_span("Tomas Ek", "Tomas Ek"), "PERSON", "Tomas Ek", "Tomas Ek", None),
        ),
        tickers=(TickerMention(*_span("NDHV", "NDHV"), "NDHV", "Nordhavn Bank", 0.8125),),
        quotes=(
            Quote(
                content=(quote, quote_end),
                source=_span("Lindqvist", "Lindqvist"),
                cue=(quote_end + 11, quote_end + 15),
                speaker="Mara Lindqvist",
                kind="direct",
                speaker_type="PERSON",
                speaker_title="chief economist",
                speaker_affiliation="Nordhavn Bank",
            ),
            Quote(
                content=(0, 10),
                source=None,
                cue=None,
                speaker=None,
                kind="indirect",
                cue_class="thought",
            ),
        ),
        facts=(
            Fact(
                *_span("1.5 percent", "1.5 percent"),
                1.5,
                "%",
                "growth",
                None,
                "Nordhavn",
                "1.5 percent",
            ),
            Fact(0, 4, "four", None, None, "Q2", None, "four", period_norm="Q2"),
        ),
        topics=("economy", "banking", "economy"),
        tone=-0.25,
    )


def test_every_annotation_field_is_stored() -> None:
    """Fails when a field is added to an annotation type: the store must learn to keep it."""
    stored = {
        "Entity": {"start", "end", "type", "name", "text", "entity_id"},
        "TickerMention": {"start", "end", "ticker", "company", "relevance"},
        "Quote": {
            "content",
            "source",
            "cue",
            "speaker",
            "kind",
            "speaker_type",
            "speaker_title",
            "speaker_affiliation",
            "cue_class",
        },
        "Fact": {
            "start",
            "end",
            "value",
            "unit",
            "measure",
            "period",
            "subject",
            "text",
            "period_norm",
        },
        "Annotations": {"entities", "tickers", "quotes", "facts", "topics", "tone"},
    }
    for cls in (Entity, TickerMention, Quote, Fact, Annotations):
        assert {f.name for f in dataclasses.fields(cls)} == stored[cls.__name__], cls.__name__


def test_round_trip_is_exact(store: SQLiteStore) -> None:
    article_id = _save(store)
    annotations = _full_annotations()
    assert store.get_annotations(article_id) == Annotations()
    assert store.get_article(article_id).enrich_status is None
    store.save_annotations(article_id, annotations)
    assert store.get_annotations(article_id) == annotations
    assert store.get_article(article_id).enrich_status == "ok"


def test_save_replaces_and_failures_are_recorded(store: SQLiteStore) -> None:
    article_id = _save(store)
    store.save_annotations(article_id, _full_annotations())
    smaller = Annotations(topics=("banking",), tone=0.5)
    store.save_annotations(article_id, smaller)
    assert store.get_annotations(article_id) == smaller
    store.mark_enrich_failed(article_id, "model crashed: out of memory")
    assert store.get_article(article_id).enrich_status == "model crashed: out of memory"
    assert store.get_annotations(article_id) == smaller  # earlier annotations are kept
    store.save_annotations(article_id, Annotations())
    assert store.get_article(article_id).enrich_status == "ok"


def test_a_failed_save_leaves_the_old_annotations(store: SQLiteStore) -> None:
    article_id = _save(store)
    store.save_annotations(article_id, _full_annotations())
    broken = Annotations(
        topics=("fine",),
        quotes=(Quote((0, 5), None, None, None, "sarcastic"),),  # type: ignore[arg-type]
    )
    with pytest.raises(Exception, match="CHECK constraint"):
        store.save_annotations(article_id, broken)
    assert store.get_annotations(article_id) == _full_annotations()


def test_unknown_article(store: SQLiteStore) -> None:
    for call in (
        lambda: store.save_annotations(999, Annotations()),
        lambda: store.get_annotations(999),
        lambda: store.mark_enrich_failed(999, "x"),
    ):
        with pytest.raises(NotFoundError):
            call()


def _quote_at(body: str, text: str, speaker: str, title: str | None, aff: str | None) -> Quote:
    start = body.index(text)
    return Quote((start, start + len(text)), None, None, speaker, "direct", "PERSON", title, aff)


def _person(body: str, surface: str, name: str, entity_id: str | None = None) -> Entity:
    start = body.index(surface)
    return Entity(start, start + len(surface), "PERSON", name, surface, entity_id)


def test_person_profile_and_quotes(store: SQLiteStore) -> None:
    days = [datetime(2024, 1, d, tzinfo=UTC) for d in (5, 9, 20)]
    bodies = [
        '"Rates will stay high," said Ana Ruiz, an analyst at Costa Capital. Ben Ode disagreed.',
        'Ruiz, now chief strategist at Costa Capital, said: "Cuts come in spring." Ben Ode nodded.',
        'Ana Ruiz spoke with Ida Falk. "Spring it is," Ruiz said.',
    ]
    ids = [
        _save(store, body, url=f"https://news.example/ruiz{i}", headline=f"h{i}", published_at=day)
        for i, (body, day) in enumerate(zip(bodies, days, strict=True))
    ]
    pid = "person:ana-ruiz"
    store.save_annotations(
        ids[0],
        Annotations(
            entities=(
                _person(bodies[0], "Ana Ruiz", "Ana Ruiz", pid),
                _person(bodies[0], "Ben Ode", "Ben Ode"),
            ),
            quotes=(
                _quote_at(
                    bodies[0], "Rates will stay high,", "Ana Ruiz", "analyst", "Costa Capital"
                ),
            ),
        ),
    )
    store.save_annotations(
        ids[1],
        Annotations(
            entities=(
                _person(bodies[1], "Ruiz", "Ana Ruiz", pid),
                _person(bodies[1], "Ben Ode", "Ben Ode"),
            ),
            quotes=(
                _quote_at(
                    bodies[1],
                    "Cuts come in spring.",
                    "Ana Ruiz",
                    "chief strategist",
                    "Costa Capital",
                ),
            ),
        ),
    )
    store.save_annotations(
        ids[2],
        Annotations(
            entities=(
                _person(bodies[2], "Ana Ruiz", "Ana Ruiz", pid),
                _person(bodies[2], "Ida Falk", "Ida Falk"),
            ),
            quotes=(_quote_at(bodies[2], "Spring it is,", "Ana Ruiz", None, None),),
        ),
    )
    profile = store.person_profile("ana ruiz")
    assert profile is not None
    assert profile.name == "Ana Ruiz" and profile.entity_id == pid
    assert profile.aliases == ("Ruiz",)
    assert profile.article_count == 3
    assert profile.titles == (
        DatedValue("analyst", "2024-01-05", "2024-01-05", 1),
        DatedValue("chief strategist", "2024-01-09", "2024-01-09", 1),
    )
    assert profile.affiliations == (DatedValue("Costa Capital", "2024-01-05", "2024-01-09", 2),)
    assert [(q.article_id, q.text, q.kind) for q in profile.quotes] == [
        (ids[2], "Spring it is,", "direct"),
        (ids[1], "Cuts come in spring.", "direct"),
        (ids[0], "Rates will stay high,", "direct"),
    ]
    assert profile.co_occurring == (("Ben Ode", 2), ("Ida Falk", 1))
    assert store.person_profile(pid) == profile  # found by entity id too
    assert [q.text for q in store.quotes_by_speaker("ANA RUIZ", limit=2)] == [
        "Spring it is,",
        "Cuts come in spring.",
    ]
    assert store.person_profile("Nobody Here") is None
    ben = store.person_profile("Ben Ode")
    assert ben is not None and ben.article_count == 2 and ben.quotes == ()
    assert ben.co_occurring == (("Ana Ruiz", 2),)


def test_articles_for_ticker(store: SQLiteStore) -> None:
    days = [datetime(2024, 2, d, 15, tzinfo=UTC) for d in (1, 3, 7)]
    ids = []
    for i, day in enumerate(days):
        body = f"Shares of Nordhavn (NDHV) moved on day {i}. Costa (CSTA) was flat."
        article_id = _save(
            store, body, url=f"https://news.example/t{i}", headline=f"t{i}", published_at=day
        )
        start = body.index("NDHV")
        store.save_annotations(
            article_id,
            Annotations(
                tickers=(
                    TickerMention(start, start + 4, "NDHV", "Nordhavn Bank", 0.5 + i / 10),
                    TickerMention(start, start + 4, "NDHV", "Nordhavn Bank", 0.1),
                    TickerMention(body.index("CSTA"), body.index("CSTA") + 4, "CSTA", "Costa", 0.2),
                )
            ),
        )
        ids.append(article_id)
    found = store.articles_for_ticker("NDHV")
    assert found == [
        TickerArticle(ids[0], "2024-02-01", "t0", 0.5),
        TickerArticle(ids[1], "2024-02-03", "t1", 0.6),
        TickerArticle(ids[2], "2024-02-07", "t2", 0.7),
    ]
    assert [
        t.article_id for t in store.articles_for_ticker("NDHV", "2024-02-02", "2024-02-07")
    ] == ids[1:]
    assert [
        t.article_id
        for t in store.articles_for_ticker("ndhv", end=datetime(2024, 2, 3, tzinfo=UTC))
    ] == ids[:2]
    assert store.articles_for_ticker("ZZZZ") == []


def test_quotes_by_speaker_by_cue_class_and_never_a_group(store: SQLiteStore) -> None:
    body = (
        '"We will raise rates," Lena Brandt said. Brandt believes inflation has peaked. '
        "Brandt ordered a review of the bank's forecasts. Lena Brandt staff said the review "
        "would take weeks. Brandt wrote in a memo that the forecasts were too rosy."
    )
    article_id = _save(store, body, url="https://news.example/brandt", headline="Brandt")

    def quote(text: str, cls: str, *, kind: str = "indirect", group: bool = False) -> Quote:
        start = body.index(text)
        return Quote(
            (start, start + len(text)),
            None,
            None,
            "Lena Brandt",
            kind,  # type: ignore[arg-type]
            "GROUP" if group else "PERSON",
            cue_class=cls,  # type: ignore[arg-type]
        )

    store.save_annotations(
        article_id,
        Annotations(
            entities=(_person(body, "Lena Brandt", "Lena Brandt"),),
            quotes=(
                quote('"We will raise rates,"', "speech", kind="direct"),
                quote("inflation has peaked", "thought"),
                quote("a review of the bank's forecasts", "action"),
                # a group whose name holds hers ("Lena Brandt staff") is not her, even
                # where a speaker name came out the same
                quote("the review would take weeks", "speech", group=True),
                quote("the forecasts were too rosy", "writing"),
            ),
        ),
    )
    assert [q.cue_class for q in store.get_annotations(article_id).quotes] == [
        "speech",
        "thought",
        "action",
        "speech",
        "writing",
    ]
    every = store.quotes_by_speaker("Lena Brandt")
    assert [q.cue_class for q in every] == ["speech", "thought", "action", "writing"]
    said = store.quotes_by_speaker("lena brandt", cue_classes=("speech", "writing"))
    assert [q.text for q in said] == ['"We will raise rates,"', "the forecasts were too rosy"]
    assert store.quotes_by_speaker("Lena Brandt", cue_classes=()) == []
    profile = store.person_profile("Lena Brandt")
    assert profile is not None and len(profile.quotes) == 4  # the group's words are not hers


def test_quotes_stored_before_cue_classes_read_as_speech(tmp_path: Path) -> None:
    """Migration 0009 adds the column: quotes stored before it count as speech, and a
    class outside the four is refused."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, target=7)
    assert "cue_class" not in [r[1] for r in conn.execute("PRAGMA table_info(quotes)")]
    conn.execute(
        "INSERT INTO articles (id, body, content_hash, story_id, first_seen_us, saved_us)"
        " VALUES (1, 'Rates will rise.', 'h', 1, 0, 0)"
    )
    conn.execute(
        "INSERT INTO quotes (article_id, ord, content_start, content_end, kind)"
        " VALUES (1, 0, 0, 16, 'indirect')"
    )
    apply_migrations(conn)
    assert conn.execute("SELECT cue_class FROM quotes").fetchall() == [("speech",)]
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO quotes (article_id, ord, content_start, content_end, kind, cue_class)"
            " VALUES (1, 1, 0, 5, 'direct', 'rumour')"
        )
    conn.close()
