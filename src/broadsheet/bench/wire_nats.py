"""``broadsheet bench wire --wire nats://...``: the wire across processes over NATS JetStream.

Two measurements, each with its own streams (a unique prefix and stream name, deleted after):

- ``alerts``: the alert path of ``bench wire`` with every hop in another process: a writer
  process stores the stories, a following process (as ``serve`` or a worker host runs it,
  with ``wire.url`` set) percolates them and publishes each ``alert.fired`` to JetStream, and
  the benchmark's own process receives them as a JetStream subscriber (``NatsBus``).
  Latency = receipt − ``stored_at``, as in process.
- ``raw``: the message hop alone, as BENCHMARKS.md's anchor measures it — 1 KB messages at
  1,000/s published with acks by another process (each carries its send time) to a push
  consumer with explicit acks in this one: p50/p99 publish → consume; then the same
  publisher as fast as it can (acks awaited in windows of 256): events/s from the first
  publish to the last message consumed (the capacity model's "wire events/s").
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import uuid
from typing import Any

from broadsheet.config import WireSettings

__all__ = ["delete_streams", "follow_process", "publish_raw", "run_raw", "unique_wire"]


def unique_wire(url: str) -> WireSettings:
    tag = uuid.uuid4().hex[:10]
    return WireSettings(url=url, prefix=f"bench{tag}", stream=f"BENCH{tag.upper()}")


def delete_streams(wire: WireSettings) -> None:
    url = wire.url
    if url is None:
        return  # the in-process bus: no streams to delete

    async def go() -> None:
        import nats

        nc = await nats.connect(url, connect_timeout=3)
        js = nc.jetstream()
        for suffix in ("_EVENTS", "_JOBS", "_DEAD", "_RAW"):
            try:
                await js.delete_stream(wire.stream + suffix)
            except Exception:  # never created
                continue
        await nc.close()

    asyncio.run(go())


def follow_process(settings_json: str) -> None:
    """The following process of the alert measurement: percolates and publishes to NATS
    until its stdin closes."""
    from broadsheet.config import Settings
    from broadsheet.service import open_service

    settings = Settings.model_validate_json(settings_json)
    with open_service(settings, enrich=False, follow=True) as svc:
        svc.catch_up_alerts()  # compile the saved searches before saying ready
        cpu0 = time.process_time()
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        sys.stdin.read()
        sys.stdout.write(f"{time.process_time() - cpu0:.3f}\n")  # the measured part's CPU
        sys.stdout.flush()


def start_follower(settings: Any) -> subprocess.Popen[str]:
    code = (
        "import sys; from broadsheet.bench.wire_nats import follow_process; "
        "follow_process(sys.argv[1])"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, settings.model_dump_json()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if line != "ready":
        proc.kill()
        proc.wait()
        proc.stdout.close()
        if proc.stdin is not None:
            proc.stdin.close()
        raise RuntimeError("the following process did not start")
    return proc


def stop_follower(proc: subprocess.Popen[str]) -> float | None:
    """Stop the following process; the CPU seconds it spent after saying ready."""
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.close()
    try:
        line = proc.stdout.readline().strip()
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None
    finally:
        proc.stdout.close()  # its pipe, closed here rather than by the garbage collector
    try:
        return round(float(line), 2)
    except ValueError:
        return None


# ---------------------------------------------------------------------- the raw hop


def _stream(wire: WireSettings) -> str:
    return f"{wire.stream}_RAW"


async def _publish(url: str, stream: str, subject: str, count: int, rate: float, size: int) -> None:
    import nats

    nc = await nats.connect(url)
    js = nc.jetstream()
    pad = b"x" * max(0, size - 40)
    start = time.perf_counter()
    if rate > 0:
        for n in range(count):
            pause = start + n / rate - time.perf_counter()
            if pause > 0:
                await asyncio.sleep(pause)
            stamp = f"{time.time():.6f}".encode()
            await js.publish(subject, stamp + b" " + pad, stream=stream)
    else:
        window: list[Any] = []
        for _ in range(count):
            stamp = f"{time.time():.6f}".encode()
            window.append(
                asyncio.ensure_future(js.publish(subject, stamp + b" " + pad, stream=stream))
            )
            if len(window) >= 256:
                await asyncio.gather(*window)
                window = []
        await asyncio.gather(*window)
    await nc.close()


def publish_raw(args_json: str) -> None:
    """The publisher process of the raw measurement."""
    url, stream, subject, count, rate, size = json.loads(args_json)
    asyncio.run(_publish(url, stream, subject, count, rate, size))


async def _consume(
    url: str, wire: WireSettings, count: int, rate: float, size: int
) -> dict[str, Any]:
    import nats
    from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig

    nc = await nats.connect(url)
    js = nc.jetstream()
    stream, subject = _stream(wire), f"{wire.prefix}.raw"
    await js.add_stream(StreamConfig(name=stream, subjects=[subject], storage=StorageType.FILE))
    latencies: list[float] = []
    done = asyncio.Event()
    last = [0.0]

    async def on_message(msg: Any) -> None:
        now = time.time()
        sent = float(msg.data[: msg.data.index(b" ")])
        latencies.append((now - sent) * 1000)
        await msg.ack()
        if len(latencies) >= count:
            last[0] = time.perf_counter()
            done.set()

    sub = await js.subscribe(
        subject,
        stream=stream,
        cb=on_message,
        manual_ack=True,
        config=ConsumerConfig(
            ack_policy=AckPolicy.EXPLICIT, deliver_policy=DeliverPolicy.NEW, max_ack_pending=20_000
        ),
    )
    args = json.dumps([url, stream, subject, count, rate, size])
    code = (
        "import sys; from broadsheet.bench.wire_nats import publish_raw; publish_raw(sys.argv[1])"
    )
    cpu0, first = time.process_time(), time.perf_counter()
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", code, args)
    try:
        await asyncio.wait_for(done.wait(), timeout=(count / rate if rate else 0) + 300)
    finally:
        await proc.wait()
    cpu = time.process_time() - cpu0
    await sub.unsubscribe()
    await nc.close()
    return {"latencies": latencies, "seconds": last[0] - first, "cpu_s": cpu}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def run_raw(
    url: str, *, rate: float = 1000.0, seconds: float = 10.0, size: int = 1024, burst: int = 20_000
) -> dict[str, Any]:
    """The raw hop (see the module): latency at ``rate``/s, then events/s flat out."""
    wire = unique_wire(url)
    try:
        paced = asyncio.run(_consume(url, wire, max(1, round(rate * seconds)), rate, size))
        delete_streams(wire)
        flat = asyncio.run(_consume(url, wire, burst, 0, size))
    finally:
        delete_streams(wire)
    lat = paced["latencies"]
    return {
        "size_bytes": size,
        "rate": rate,
        "messages": len(lat),
        "latency_ms": {
            "p50": round(_pct(lat, 50), 3),
            "p99": round(_pct(lat, 99), 3),
            "max": round(max(lat, default=0.0), 3),
        },
        "cpu_s": round(paced["cpu_s"], 2),
        "flat_out": {
            "messages": burst,
            "events_per_s": round(burst / flat["seconds"]) if flat["seconds"] > 0 else 0,
            "seconds": round(flat["seconds"], 2),
            "consumer_cpu_s": round(flat["cpu_s"], 2),
            "latency_ms_p50": round(_pct(flat["latencies"], 50), 2),
        },
    }
