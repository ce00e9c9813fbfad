"""Webhooks, following the Standard Webhooks specification.

Each delivery is a JSON POST with three headers:

- ``webhook-id``: ``msg_<item id>``, the same on every retry of one alert, so a receiver
  drops a repeat (a delivery whose answer was lost to a crash is sent again);
- ``webhook-timestamp``: seconds since the epoch of this attempt;
- ``webhook-signature``: ``v1,`` + base64 of HMAC-SHA256 over ``"{id}.{timestamp}.{body}"``
  keyed with the alert's secret (``whsec_`` + base64 of 24 random bytes).

``WebhookWorker`` is the delivery thread of a following process: it claims due rows of the
outbox, POSTs them through Broadsheet's guarded HTTP client (the SSRF guard applies: a
webhook on your own network needs ``fetch.allow_private_hosts``), and records each attempt;
a failure is retried with exponential backoff and jitter, and stays visible on the alert.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import random
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from ..config import AlertSettings, FetchSettings
from ..errors import BroadsheetError, ConfigError
from ..fetch import Fetcher, check_url
from ..store import FiredAlert, Store, WebhookJob

__all__ = [
    "WebhookWorker",
    "alert_payload",
    "check_secret",
    "check_webhook_url",
    "new_secret",
    "sign_webhook",
    "verify_webhook",
    "webhook_backoff",
]

log = logging.getLogger(__name__)

_PREFIX = "whsec_"
TOLERANCE = 300  # seconds a receiver should accept a timestamp away from its clock


def new_secret() -> str:
    """A fresh signing secret: ``whsec_`` and 24 random bytes in base64."""
    return _PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    raw = secret[len(_PREFIX) :] if secret.startswith(_PREFIX) else secret
    try:
        return base64.b64decode(raw, validate=True)
    except ValueError as exc:
        raise ConfigError("a webhook secret is whsec_ followed by base64") from exc


def check_secret(secret: str) -> str:
    """``secret`` if it is a usable signing secret (``whsec_`` + base64 of 16+ bytes)."""
    if not secret.startswith(_PREFIX) or len(_key(secret)) < 16:
        raise ConfigError("a webhook secret is whsec_ followed by base64 of at least 16 bytes")
    return secret


def sign_webhook(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value for one delivery."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify_webhook(
    secret: str, headers: dict[str, str], body: bytes, *, now: float | None = None
) -> bool:
    """What a receiver checks: a v1 signature over the id, timestamp and body, and a
    timestamp within ``TOLERANCE`` seconds (header names in any case)."""
    found = {k.lower(): v for k, v in headers.items()}
    msg_id, stamp = found.get("webhook-id"), found.get("webhook-timestamp")
    signatures = found.get("webhook-signature", "")
    if not msg_id or not stamp or not stamp.isdigit():
        return False
    if abs((now if now is not None else time.time()) - int(stamp)) > TOLERANCE:
        return False
    expected = sign_webhook(secret, msg_id, int(stamp), body)
    return any(hmac.compare_digest(expected, s) for s in signatures.split())


def check_webhook_url(url: str, settings: FetchSettings) -> str:
    """``url`` if Broadsheet may POST to it (http or https, and the SSRF guard's static
    check); ``BlockedURLError`` or ``ConfigError`` otherwise."""
    if not url.lower().startswith(("http://", "https://")):
        raise ConfigError(f"a webhook URL starts with http:// or https://: {url!r}")
    check_url(url, settings)
    return url


def alert_payload(alert: FiredAlert) -> dict[str, Any]:
    """The JSON body of a delivery (``type``, ``timestamp``, ``data``: the Standard Webhooks
    envelope)."""
    return {
        "type": "alert.fired",
        "timestamp": alert.fired_at.isoformat(),
        "data": {
            "item_id": alert.item_id,
            "alert_id": alert.search_id,
            "name": alert.name,
            "article_id": alert.article_id,
            "story_id": alert.story_id,
            "headline": alert.headline,
            "stored_at": alert.stored_at.isoformat(),
            "seq": alert.seq,
        },
    }


def webhook_backoff(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Seconds before retry number ``attempt`` (1 = after the first failure): exponential,
    capped, with "equal jitter" (between half and all of the step), so retries of many
    alerts to one receiver drift apart but never come back at once."""
    step = min(cap, base * 2.0 ** min(attempt - 1, 40))
    return step / 2 + rng.uniform(0.0, step / 2)


class WebhookWorker:
    """Delivers due webhooks from a background thread until ``stop`` (see the module)."""

    def __init__(
        self,
        store: Store,
        fetch: FetchSettings,
        settings: AlertSettings,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._settings = settings
        self._fetch_settings = fetch.model_copy(
            update={
                "retry_attempts": 0,
                "total_timeout": settings.webhook_timeout,
                "read_timeout": min(fetch.read_timeout, settings.webhook_timeout),
                "connect_timeout": min(fetch.connect_timeout, settings.webhook_timeout),
            }
        )
        self._fetcher: Fetcher | None = None
        self._rng = rng or random.Random()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.delivered = 0
        self.failed = 0

    def start(self) -> WebhookWorker:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="webhooks", daemon=True)
            self._thread.start()
        return self

    def poke(self) -> None:
        """New deliveries are due: look now."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=self._settings.webhook_timeout + 5)
        self._thread = None
        if self._fetcher is not None:
            self._fetcher.close()
            self._fetcher = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                done = self.run_once()
            except Exception:  # the store closing under us, a lock: try again later
                log.exception("webhook delivery round failed; it will retry")
                done = 0
            if done:
                continue
            self._wake.wait(self._idle_wait())
            self._wake.clear()

    def _idle_wait(self) -> float:
        try:
            due = self._store.next_webhook_due()
        except BroadsheetError:
            return 1.0
        if due is None:
            return 1.0
        return max(0.0, min(1.0, (due - datetime.now(UTC)).total_seconds()))

    def run_once(self) -> int:
        """Deliver what is due now; returns how many attempts were made."""
        jobs = self._store.claim_webhooks(
            now=datetime.now(UTC), lease_seconds=self._settings.webhook_timeout * 4 + 30
        )
        for job in jobs:
            if self._stop.is_set():
                break
            self.deliver(job)
        return len(jobs)

    def deliver(self, job: WebhookJob) -> bool:
        """One attempt at one delivery, recorded in the store; True when it was delivered."""
        if self._fetcher is None:
            self._fetcher = Fetcher(self._fetch_settings)
        body = json.dumps(alert_payload(job.alert), ensure_ascii=False).encode()
        msg_id = f"msg_{job.alert.item_id}"
        stamp = int(time.time())
        headers = {
            "webhook-id": msg_id,
            "webhook-timestamp": str(stamp),
            "webhook-signature": sign_webhook(job.secret, msg_id, stamp, body),
        }
        try:
            self._fetcher.post(job.url, body, headers=headers)
        except BroadsheetError as exc:
            attempt = job.attempts + 1
            self.failed += 1
            retry_at = None
            if attempt < self._settings.webhook_attempts:
                delay = webhook_backoff(
                    attempt,
                    self._settings.webhook_backoff,
                    self._settings.webhook_max_backoff,
                    self._rng,
                )
                retry_at = datetime.now(UTC) + timedelta(seconds=delay)
            log.info("webhook %s failed (attempt %d): %s", msg_id, attempt, exc)
            self._store.finish_webhook(
                job.outbox_id, delivered=False, error=str(exc)[:500], retry_at=retry_at
            )
            return False
        self._store.finish_webhook(job.outbox_id, delivered=True)
        self.delivered += 1
        return True
