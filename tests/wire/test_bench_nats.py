"""``broadsheet bench wire --wire nats://...`` reports its contract across processes (no
timing is asserted: speed is measured by the benchmark, not by tests)."""

from __future__ import annotations

from pathlib import Path

from broadsheet.bench.alerts import run_wire_bench
from broadsheet.bench.wire_nats import run_raw
from broadsheet.config import load_settings

from ..nats_server import require_nats


def test_the_alert_path_over_nats_loses_and_doubles_nothing(tmp_path: Path) -> None:
    url = require_nats()
    settings = load_settings(None, {"home": tmp_path / "home"})
    result = run_wire_bench(alerts=60, rate=20, seconds=1, wire=url, settings=settings)
    assert result["subscriber"] == "nats"
    assert result["stories"] == 20 and result["delivered"] > 0
    assert result["lost"] == 0 and result["duplicates"] == 0
    assert result["follower_cpu_s"] is not None
    assert set(result["latency_ms"]) >= {"p50", "p99"}


def test_the_raw_hop_counts_every_message() -> None:
    result = run_raw(require_nats(), rate=200, seconds=1, burst=300)
    assert result["messages"] == 200 and result["size_bytes"] == 1024
    assert result["flat_out"]["messages"] == 300 and result["flat_out"]["events_per_s"] > 0
    assert 0 < result["latency_ms"]["p50"] <= result["latency_ms"]["p99"]
