"""Webhooks on a real loopback receiver: signed per Standard Webhooks (checked by the
receiver's own HMAC), retried with backoff after failures that stay visible, given up
after the last attempt, and refused for private addresses unless allowlisted."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from broadsheet.alerts import WebhookWorker, new_secret, sign_webhook, verify_webhook
from broadsheet.alerts.webhooks import webhook_backoff
from broadsheet.config import Settings, load_settings
from broadsheet.errors import BlockedURLError
from broadsheet.service import Service, open_service

from .helpers import Receiver, story


def _settings(home: Path, *, allow: bool = True, attempts: int = 4) -> Settings:
    return load_settings(
        None,
        {
            "home": home,
            "fetch": {"allow_private_hosts": ["127.0.0.1"] if allow else []},
            "alerts": {
                "webhook_backoff": 0.05,
                "webhook_max_backoff": 0.2,
                "webhook_attempts": attempts,
                "webhook_timeout": 5.0,
            },
        },
    )


@pytest.fixture
def secret() -> str:
    return new_secret()


def _wait(check, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def _ingest(svc: Service, n: int) -> int:
    outcome = svc.pipeline.ingest_article(
        story(f"Copper {n}", f"Copper rose {n} percent at the mine.", url=f"https://a.example/{n}")
    )
    assert outcome.article_id is not None
    return outcome.article_id


def test_signature_matches_the_specification(secret: str) -> None:
    # the example of the Standard Webhooks specification
    spec_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    signature = sign_webhook(spec_secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(time.time())),
        "webhook-signature": sign_webhook(secret, "msg_1", int(time.time()), body),
    }
    assert verify_webhook(secret, headers, body)
    assert not verify_webhook(secret, headers, body + b" ")
    assert not verify_webhook(new_secret(), headers, body)


def test_deliveries_are_signed_and_made_once(tmp_path: Path, secret: str) -> None:
    receiver = Receiver(secret)
    try:
        with open_service(_settings(tmp_path / "home"), enrich=False, follow=True) as svc:
            view = svc.add_alert("copper", "copper", webhook=receiver.url, secret=secret)
            assert view.secret == secret and view.channels == ["inbox", "live", "webhook"]
            ids = [_ingest(svc, n) for n in range(3)]
            _wait(lambda: svc.alert("copper").stats.delivered == 3)
            stats = svc.alert("copper").stats
            assert (stats.delivered, stats.pending, stats.last_error) == (3, 0, None)
        assert receiver.bad_signatures == 0
        bodies = [r["body"] for r in receiver.requests]
        assert sorted(b["data"]["article_id"] for b in bodies) == sorted(ids)
        assert all(b["type"] == "alert.fired" and b["data"]["name"] == "copper" for b in bodies)
        assert len(set(receiver.delivered_ids())) == 3
    finally:
        receiver.stop()


def test_failures_are_retried_with_backoff_and_visible(tmp_path: Path, secret: str) -> None:
    receiver = Receiver(secret, plan=[500, 503])
    try:
        with open_service(_settings(tmp_path / "home"), enrich=False, follow=True) as svc:
            svc.add_alert("copper", "copper", webhook=receiver.url, secret=secret)
            _ingest(svc, 1)
            _wait(lambda: len(receiver.requests) >= 1)
            _wait(lambda: svc.alert("copper").stats.last_error is not None)
            failing = svc.alert("copper").to_json()["webhook"]
            assert "HTTP 50" in failing["last_error"]
            _wait(lambda: svc.alert("copper").stats.delivered == 1)
            stats = svc.alert("copper").stats
            assert (stats.delivered, stats.pending, stats.gave_up) == (1, 0, 0)
            assert stats.last_error is not None  # the last failure stays visible
        times = [r["at"] for r in receiver.requests]
        assert len(times) == 3
        assert len({r["headers"]["webhook-id"] for r in receiver.requests}) == 1
        # waits grow (equal jitter: at least half of each step of 0.05 s, then 0.1 s)
        assert times[1] - times[0] >= 0.025 and times[2] - times[1] >= 0.05
    finally:
        receiver.stop()


def test_delivery_gives_up_after_the_last_attempt(tmp_path: Path, secret: str) -> None:
    receiver = Receiver(secret, plan=[500] * 10)
    try:
        with open_service(
            _settings(tmp_path / "home", attempts=2), enrich=False, follow=True
        ) as svc:
            svc.add_alert("copper", "copper", webhook=receiver.url, secret=secret)
            _ingest(svc, 1)
            _wait(lambda: svc.alert("copper").stats.gave_up == 1)
            assert svc.alert("copper").stats.pending == 0
        assert len(receiver.requests) == 2
    finally:
        receiver.stop()


def test_private_webhooks_need_the_allowlist(tmp_path: Path) -> None:
    with open_service(_settings(tmp_path / "home", allow=False), enrich=False) as svc:
        with pytest.raises(BlockedURLError):
            svc.add_alert("copper", "copper", webhook="http://127.0.0.1:9/hook")
        with pytest.raises(BlockedURLError):
            svc.add_alert("copper", "copper", webhook="http://169.254.169.254/latest")
        assert svc.alerts() == []


def test_backoff_grows_and_is_capped() -> None:
    rng = random.Random(1)
    for attempt in range(1, 12):
        step = min(60.0, 2.0 * 2 ** (attempt - 1))
        delay = webhook_backoff(attempt, 2.0, 60.0, rng)
        assert step / 2 <= delay <= step


def test_worker_claims_a_delivery_once(tmp_path: Path, secret: str) -> None:
    receiver = Receiver(secret)
    try:
        settings = _settings(tmp_path / "home")
        with open_service(settings, enrich=False) as svc:
            svc.add_alert("copper", "copper", webhook=receiver.url, secret=secret)
            _ingest(svc, 1)
            svc.catch_up_alerts()
            now = datetime.now(UTC)
            jobs = svc.store.claim_webhooks(now=now)
            assert len(jobs) == 1
            assert svc.store.claim_webhooks(now=now) == []  # held: nobody else takes it
            worker = WebhookWorker(svc.store, settings.fetch, settings.alerts)
            assert worker.deliver(jobs[0])
            worker.stop()
            assert svc.store.claim_webhooks(now=now + timedelta(hours=1)) == []
        assert receiver.delivered_ids() == ["msg_1"]
    finally:
        receiver.stop()
