"""Exactly once across a SIGKILL (scenario 29's alert part): a following process is killed
while webhooks are in flight, started again, and nothing is lost or doubled — inbox items,
live publications and webhook deliveries (a repeat carries the same webhook-id)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from broadsheet.alerts import new_secret
from broadsheet.config import load_settings
from broadsheet.service import open_service
from broadsheet.store import open_store

from .helpers import Receiver, store_story, story

FOLLOWER = """
import json, sys, time
from broadsheet.config import load_settings
from broadsheet.service import open_service
settings = load_settings(None, json.loads(sys.argv[1]))
with open_service(settings, enrich=False, follow=True) as svc:
    print("ready", flush=True)
    while True:
        time.sleep(0.1)
"""


def _start(overrides: dict[str, object]) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", FOLLOWER, json.dumps(overrides)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _wait(check, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_sigkill_mid_delivery_loses_and_doubles_nothing(tmp_path: Path) -> None:
    secret = new_secret()
    receiver = Receiver(secret, delay=0.15)
    overrides = {
        "home": str(tmp_path / "home"),
        "fetch": {"allow_private_hosts": ["127.0.0.1"]},
        "alerts": {"webhook_backoff": 0.05, "webhook_max_backoff": 0.2},
    }
    settings = load_settings(None, overrides)
    try:
        with open_service(settings, enrich=False) as svc:
            for name, query in (("copper", "copper"), ("mines", "mine OR mines")):
                svc.add_alert(name, query, webhook=receiver.url, secret=secret)
        store = open_store(settings.database)
        first = _start(overrides)
        try:
            for n in range(8):
                store_story(
                    store,
                    story(
                        f"Copper {n}",
                        f"Copper rose {n} percent at the mine.",
                        url=f"https://a.example/{n}",
                    ),
                )
            _wait(lambda: len(receiver.requests) >= 4)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
            assert first.stdout is not None
            first.stdout.close()
        in_flight = len(receiver.requests)
        for n in range(8, 12):  # stored while nobody follows
            store_story(
                store,
                story(
                    f"Copper {n}",
                    f"Copper rose {n} percent at the mine.",
                    url=f"https://a.example/{n}",
                ),
            )
        second = _start(overrides)
        try:

            def settled() -> bool:
                stats = store.alert_stats(s.id for s in store.list_saved_searches())
                return store.follower_position("alerts") == store.max_seq() and all(
                    st.pending == 0 and st.fired == 12 for st in stats.values()
                )

            _wait(settled)
            _wait(lambda: store.first_undelivered_live() is None)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait()
            assert second.stdout is not None
            second.stdout.close()
        assert in_flight < 24  # the kill came mid-delivery
        entries = store.inbox_entries("local", limit=100)
        keys = [(e.search_id, e.article_id) for e in entries]
        assert len(keys) == len(set(keys)) == 24  # 12 stories x 2 alerts, each once
        delivered = receiver.delivered_ids()
        expected = {f"msg_{e.item_id}" for e in entries}
        assert set(delivered) == expected  # nothing lost
        repeats = [i for i, c in Counter(delivered).items() if c > 1]
        # a repeat is only ever the one delivery whose answer the kill cut off, with the
        # same id (receivers drop it, as the specification says)
        assert len(repeats) <= 1
        assert receiver.bad_signatures == 0
        store.close()
    finally:
        receiver.stop()
