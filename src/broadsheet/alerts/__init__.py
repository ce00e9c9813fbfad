"""Alerts: saved searches compiled once and matched against each story as it is stored
(percolation), delivered exactly once per channel: the inbox, live to open screens, and
signed webhooks.

compile_search(saved) -> CompiledSearch     (the query tree, relative dates, annotation needs)
Presearcher                                 (required terms -> searches: the candidates)
AlertFollower(store, bus)                   (a change-log follower: percolates, publishes)
WebhookWorker(store, fetch, settings)       (delivers the webhook outbox, with retries)
"""

from __future__ import annotations

from .compile import CompiledSearch, compile_search, required_keys, story_keys, story_terms
from .percolator import FOLLOWER_NAME, AlertFollower, fired_event
from .presearch import Presearcher
from .webhooks import (
    WebhookWorker,
    alert_payload,
    check_secret,
    check_webhook_url,
    new_secret,
    sign_webhook,
    verify_webhook,
)

__all__ = [
    "FOLLOWER_NAME",
    "AlertFollower",
    "CompiledSearch",
    "Presearcher",
    "WebhookWorker",
    "alert_payload",
    "check_secret",
    "check_webhook_url",
    "compile_search",
    "fired_event",
    "new_secret",
    "required_keys",
    "sign_webhook",
    "story_keys",
    "story_terms",
    "verify_webhook",
]
