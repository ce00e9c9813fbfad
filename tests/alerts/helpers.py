"""Shared parts of the alert tests: stories written for these tests, a store in a temporary
home, and a webhook receiver on loopback that checks signatures itself."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from broadsheet.models import Annotations, Article, Entity, Paragraph, TickerMention
from broadsheet.store import Store

__all__ = ["Receiver", "annotate", "store_story", "story"]


def story(headline: str, *paragraphs: str, url: str, site: str = "Harbor Ledger") -> Article:
    return Article(
        paragraphs=tuple(Paragraph(p) for p in paragraphs),
        headline=headline,
        url=url,
        language="en",
        site_name=site,
    )


def annotate(
    body: str, *, tickers: tuple[str, ...] = (), people: tuple[str, ...] = ()
) -> Annotations:
    """Annotations naming tickers and people at their first mention in ``body``."""
    found_tickers = []
    entities = []
    for ticker in tickers:
        start = max(0, body.find(ticker))
        found_tickers.append(TickerMention(start, start + len(ticker), ticker, ticker, 0.9))
    for person in people:
        start = max(0, body.find(person))
        entities.append(Entity(start, start + len(person), "PERSON", person, person))
    return Annotations(entities=tuple(entities), tickers=tuple(found_tickers))


def store_story(store: Store, article: Article, annotations: Annotations | None = None) -> int:
    saved = store.save_article(article)
    assert saved.article_id is not None
    if annotations is not None:
        store.save_annotations(saved.article_id, annotations)
    return saved.article_id


class Receiver:
    """A webhook receiver on 127.0.0.1: verifies each Standard Webhooks signature with its
    own HMAC (not Broadsheet's), answers with the next planned status, and records all."""

    def __init__(self, secret: str, plan: list[int] | None = None, delay: float = 0.0) -> None:
        self.secret = secret
        self.plan = list(plan or [])
        self.delay = delay
        self.requests: list[dict[str, Any]] = []
        self.bad_signatures = 0
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                ok = outer.verify(headers, body)
                if outer.delay:
                    time.sleep(outer.delay)
                with outer._lock:
                    status = outer.plan.pop(0) if outer.plan else 204
                    if not ok:
                        outer.bad_signatures += 1
                        status = 401
                    outer.requests.append(
                        {
                            "headers": headers,
                            "body": json.loads(body),
                            "status": status,
                            "at": time.time(),
                        }
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def verify(self, headers: dict[str, str], body: bytes) -> bool:
        key = base64.b64decode(self.secret.removeprefix("whsec_"))
        signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        offered = [s.partition(",")[2] for s in headers["webhook-signature"].split()]
        fresh = abs(time.time() - int(headers["webhook-timestamp"])) < 300
        return fresh and any(hmac.compare_digest(expected, o) for o in offered)

    def delivered_ids(self) -> list[str]:
        with self._lock:
            return [r["headers"]["webhook-id"] for r in self.requests if 200 <= r["status"] < 300]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
