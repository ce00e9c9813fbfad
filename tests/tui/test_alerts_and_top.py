"""Alerts as they fire in the terminal (saved searches matched against new stories), and the
saved-search boost of TOP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from broadsheet.config import load_settings
from broadsheet.models import Article, Paragraph
from broadsheet.service import Service, open_service
from broadsheet.tui.alerts import AlertWatch

from .archive import FIXED_NOW


def _ids(svc: Service) -> list[int]:
    return [a.id for a in svc.store.latest_articles(limit=50)]


def test_alerts_fire_once_per_story_and_alert(svc: Service) -> None:
    svc.save_search("ibm", "org:IBM OR ticker:IBM")
    svc.save_search("quiet", "headline:nothingmatchesthis")
    svc.save_search("paused", "ticker:AAPL", active=False)
    watch = AlertWatch(svc, clock=lambda: FIXED_NOW)
    fired = watch.check(_ids(svc))
    names = sorted((a.name, a.headline) for a in fired)
    # "apple" (ticker:AAPL, from the archive) fires once per Apple story: the two outlets'
    # reports of one story are one alert
    assert ("ibm", "IBM Profit Beats Forecasts on Software Sales") in names
    apple = [a for a in fired if a.name == "apple"]
    assert len(apple) == 2
    assert len({a.story_id for a in apple}) == 2
    assert not [a for a in fired if a.name in ("quiet", "paused")]
    assert watch.unread == len(fired)
    assert watch.check(_ids(svc)) == []  # the same stories again: nothing new
    watch.mark_read(apple[0].article_id)
    assert watch.unread == len(fired) - 1
    watch.mark_read()
    assert watch.unread == 0 and len(watch.inbox()) == len(fired)


def test_a_paused_alert_stops_firing_after_reload(svc: Service) -> None:
    watch = AlertWatch(svc)
    watch.reload()
    svc.set_search_active("apple", False)
    watch.reload()
    assert watch.check(_ids(svc)) == []


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
