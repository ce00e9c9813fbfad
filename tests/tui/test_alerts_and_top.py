"""Alerts in the terminal (the alerts engine's inbox and its live events), and the
saved-search boost of TOP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from broadsheet.config import load_settings
from broadsheet.models import Article, Paragraph
from broadsheet.service import Service, open_service
from broadsheet.tui.alerts import AlertWatch

from .archive import FIXED_NOW


def _store_story(svc: Service, headline: str, text: str, when: datetime) -> int:
    saved = svc.pipeline.ingest_article(
        Article(
            paragraphs=(Paragraph(text),),
            headline=headline,
            published_at=when,
            url=f"https://alerts.example/{abs(hash(headline))}",
        ),
        guid=headline,
        first_seen_at=when,
    )
    svc.pipeline.flush()
    assert saved.article_id is not None
    return saved.article_id


def test_the_inbox_comes_from_the_alerts_engine(svc: Service) -> None:
    svc.add_alert("ferries", "ferry")
    watch = AlertWatch(svc)
    watch.refresh()
    before = {a.article_id for a in watch.inbox()}
    story = _store_story(
        svc, "Harbour trust orders two ferries", "The trust ordered a ferry.", FIXED_NOW
    )
    watch.refresh()
    new = [a for a in watch.inbox() if a.article_id not in before]
    assert [(a.name, a.article_id, a.read) for a in new] == [("ferries", story, False)]
    assert new[0].published_at == FIXED_NOW
    unread = watch.unread
    watch.mark_read(story)
    assert watch.unread == unread - 1
    assert all(a.read for a in watch.inbox() if a.article_id == story)


def test_pop_ups_are_this_users_alert_events(svc: Service) -> None:
    from broadsheet.wire import AlertFired, ArticleStored

    mine = AlertFired(7, FIXED_NOW, 1, "local", "fed", 10, 10, "Fed cuts", FIXED_NOW, 3)
    theirs = AlertFired(8, FIXED_NOW, 2, "someone", "x", 11, 11, "Other", FIXED_NOW, 4)
    fired = AlertWatch(svc).fired([mine, theirs, ArticleStored(9, FIXED_NOW, 12, None)])
    assert [(a.name, a.article_id, a.headline) for a in fired] == [("fed", 10, "Fed cuts")]


def test_top_ranks_up_what_saved_searches_find(tmp_path: Path) -> None:
    settings = load_settings(None, {"home": tmp_path / "home"})
    start = datetime(2009, 3, 2, 9, 0, tzinfo=UTC)
    with open_service(settings, enrich=False) as svc:
        pipe = svc.pipeline
        for k, (headline, text) in enumerate(
            [
                ("Harbour trust approves new ferry pier", "The harbour trust approved a pier."),
                ("Grain cooperative reports record harvest", "The cooperative had a record."),
            ]
        ):
            when = start + timedelta(hours=3 * k)
            pipe.ingest_article(
                Article(
                    paragraphs=(Paragraph(text),),
                    headline=headline,
                    published_at=when,
                    url=f"https://top.example/{k}",
                ),
                guid=f"top-{k}",
                first_seen_at=when,
            )
        pipe.flush()
        plain = [c.lead.headline for c in svc.top(limit=5)]
        assert plain[0] == "Grain cooperative reports record harvest"  # the newer first
        svc.save_search("harbour", "ferry")
        boosted = [c.lead.headline for c in svc.top(limit=5)]
        assert boosted[0] == "Harbour trust approves new ferry pier"
        svc.set_search_active("harbour", False)
        assert [c.lead.headline for c in svc.top(limit=5)] == plain
        assert [c.lead.headline for c in svc.top(limit=5, owner="someone else")] == plain
