"""The bus over NATS JetStream: the same contract as in one process, across connections."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadsheet.config import WireSettings, load_settings
from broadsheet.errors import WireError
from broadsheet.wire import AlertFired, ArticleStored, SourceFailed, open_bus
from broadsheet.wire.nats import NatsBus

from ..nats_server import delete_streams, unique_wire


@pytest.fixture
def wire() -> Iterator[WireSettings]:
    settings = unique_wire()
    yield settings
    delete_streams(settings)


def _alert(item: int) -> AlertFired:
    now = datetime.now(UTC)
    return AlertFired(7, now, 3, "local", "pier", 12, None, "Pier <b>plan</b>", now, item)


def test_events_round_trip_between_two_connections(wire: WireSettings) -> None:
    publisher, subscriber = NatsBus(wire), NatsBus(wire)
    try:
        sub = subscriber.subscribe()
        only_alerts = subscriber.subscribe([AlertFired])
        sent = [
            ArticleStored(1, datetime.now(UTC), 41, 2),
            SourceFailed(2, None, 2, "HTTP 503 \x1b[31m"),
            _alert(9),
        ]
        for event in sent:
            publisher.publish(event)
        got = [sub.get(5) for _ in sent]
        assert got == sent  # typed, in order, text untouched (it is data)
        assert only_alerts.get(5) == sent[2]
        assert only_alerts.get(0.3) is None
        assert sub.dropped == 0 and sub.unreadable == 0
    finally:
        publisher.close()
        subscriber.close()


def test_an_asyncio_consumer_reads_the_same_events(wire: WireSettings) -> None:
    import asyncio

    bus = NatsBus(wire)
    try:
        sub = bus.subscribe([ArticleStored])

        async def first() -> object:
            async for event in sub.aiter():
                return event
            return None

        bus.publish(ArticleStored(4, None, 8, None))
        got = asyncio.run(asyncio.wait_for(first(), 10))
        assert isinstance(got, ArticleStored) and got.article_id == 8
    finally:
        bus.close()


def test_a_repeated_event_is_dropped_by_the_server(wire: WireSettings) -> None:
    bus = NatsBus(wire)
    try:
        sub = bus.subscribe()
        for _ in range(3):  # a process that crashed after publishing publishes again
            bus.publish(_alert(5))
        bus.publish(_alert(6))
        bus.flush()
        assert [e.item_id for e in (sub.get(5), sub.get(5)) if isinstance(e, AlertFired)] == [5, 6]
        assert sub.get(0.3) is None
        assert (bus.published, bus.repeats) == (2, 2)
    finally:
        bus.close()


def test_a_subscriber_sees_events_from_its_subscription_on(wire: WireSettings) -> None:
    bus = NatsBus(wire)
    try:
        bus.publish(ArticleStored(1, None, 1, None))
        sub = bus.subscribe()
        bus.publish(ArticleStored(2, None, 2, None))
        first = sub.get(5)
        assert isinstance(first, ArticleStored) and first.article_id == 2
    finally:
        bus.close()


def test_the_setting_picks_the_bus(monkeypatch: pytest.MonkeyPatch, wire: WireSettings) -> None:
    assert type(open_bus(WireSettings())).__name__ == "InProcessBus"
    monkeypatch.setenv("BROADSHEET_WIRE__URL", wire.url or "")
    monkeypatch.setenv("BROADSHEET_WIRE__PREFIX", wire.prefix)
    monkeypatch.setenv("BROADSHEET_WIRE__STREAM", wire.stream)
    settings = load_settings()
    bus = open_bus(settings.wire)
    try:
        assert isinstance(bus, NatsBus)
        bus.publish(ArticleStored(1, None, 1, None))
    finally:
        bus.close()


def test_an_unreachable_server_is_a_clear_error() -> None:
    bus = open_bus(WireSettings(url="nats://127.0.0.1:1", prefix="x", stream="X"))
    try:
        bus.publish(ArticleStored(1, None, 1, None))  # never blocks the publisher
        with pytest.raises(WireError, match=r"cannot reach NATS at nats://127\.0\.0\.1:1"):
            bus.flush()
    finally:
        bus.close()


def test_bad_names_are_refused() -> None:
    from broadsheet.errors import ConfigError

    with pytest.raises(ConfigError):
        load_settings(None, {"wire": {"prefix": "a.b>"}})


def test_a_following_service_publishes_the_change_log_over_jetstream(
    tmp_path: Path, wire: WireSettings
) -> None:
    """With wire.url set, what ``serve`` or ``poll --watch`` follows reaches a subscriber on
    another connection (another process, another machine) as typed events."""
    from broadsheet.models import Article, Paragraph
    from broadsheet.service import open_service
    from broadsheet.store import open_store

    settings = load_settings(None, {"home": tmp_path / "home", "wire": wire.model_dump()})
    elsewhere = NatsBus(wire)
    try:
        events = elsewhere.subscribe([ArticleStored])
        with open_service(settings, enrich=False, follow=True) as svc:
            assert isinstance(svc.bus, NatsBus)
            writer = open_store(settings.database)  # another process's write
            try:
                saved = writer.save_article(
                    Article(paragraphs=(Paragraph("Ferry fares rise."),), headline="Fares"),
                    guid="wire-1",
                )
            finally:
                writer.close()
            got = events.get(10)
        assert isinstance(got, ArticleStored) and got.article_id == saved.article_id
    finally:
        elsewhere.close()
