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
