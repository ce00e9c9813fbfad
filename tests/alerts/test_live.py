"""The live channel's pieces: AlertFired's one JSON form, and the bench's SSE client
reading a real loopback event stream."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from broadsheet.bench.alerts import SSEReceiver, read_sse
from broadsheet.wire import AlertFired, event_from_json


def _event(item: int) -> AlertFired:
    now = datetime.now(UTC)
    return AlertFired(
        seq=7,
        at=now,
        alert_id=3,
        owner="ann",
        name="copper",
        article_id=42,
        story_id=40,
        headline="Copper <b>up</b>",
        stored_at=now,
        item_id=item,
    )


def test_alert_fired_round_trips_through_json() -> None:
    event = _event(1)
    data = json.loads(json.dumps(event.to_json()))
    assert data["type"] == "alert.fired" and data["stored_at"] == event.stored_at.isoformat()
    assert event_from_json(data) == event


def test_read_sse_splits_events() -> None:
    lines = [": hello", "event: alert.fired", 'data: {"a":', "data: 1}", "", "id: 2", "data: x", ""]
    assert list(read_sse(iter(lines))) == [("alert.fired", '{"a":\n1}'), ("message", "x")]


def test_sse_receiver_records_alerts_from_a_stream() -> None:
    events = [_event(1), _event(2)]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            self.wfile.write(b': keep-alive\n\nevent: article.stored\ndata: {"type": "x"}\n\n')
            for event in events:
                payload = json.dumps(event.to_json())
                self.wfile.write(f"event: alert.fired\ndata: {payload}\n\n".encode())
                self.wfile.flush()
            time.sleep(0.5)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        receiver = SSEReceiver(f"http://127.0.0.1:{server.server_address[1]}/api/v1/stream")
        receiver.start()
        deadline = time.monotonic() + 10
        while len(set(receiver.items)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        receiver.stop()
        assert set(receiver.items) == {1, 2}
        assert all(latency >= 0 for latency in receiver.latencies)
    finally:
        server.shutdown()
        server.server_close()


def test_missed_events_are_not_hidden_by_other_users_alerts(tmp_path) -> None:
    """A stream resuming after many other users' alerts still gets every one of its own,
    a round at a time, and then learns there are no more."""
    from broadsheet.config import load_settings
    from broadsheet.service import open_service

    from .helpers import store_story, story

    settings = load_settings(None, {"home": tmp_path / "home"})
    with open_service(settings, enrich=False) as svc:
        svc.add_alert("copper", "copper", owner="bob")
        for n in range(10):
            store_story(svc.store, story(f"Copper {n}", "Copper rose.", url=f"https://a.ex/{n}"))
        svc.catch_up_alerts()
        svc.add_alert("copper", "copper", owner="ann")
        time.sleep(0.01)  # an alert fires for what is stored after it was made
        for n in range(10, 13):
            store_story(svc.store, story(f"Copper {n}", "Copper rose.", url=f"https://a.ex/{n}"))
        svc.catch_up_alerts()
        got: list[int] = []
        item = 0
        while True:
            events = svc.missed_events("ann", item, svc.store.max_seq(), limit=2)
            alerts = [e for e in events if isinstance(e, AlertFired)]
            assert all(e.owner == "ann" for e in alerts)
            got.extend(e.item_id for e in alerts)
            if len(alerts) < 2:
                break
            item = alerts[-1].item_id
        assert len(got) == 3 and len(set(got)) == 3
        assert set(got) == {e.item_id for e in svc.store.inbox_entries("ann")}
