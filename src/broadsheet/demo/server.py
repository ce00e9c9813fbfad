"""The demo wire's web server: outlets' RSS feeds and article pages, on loopback.

Pages look like real sites (navigation, cookie notice, related links, footer around the
article); one outlet publishes plain-text page dumps instead of HTML. A replay clock
decides which stories exist yet, so polling sees new stories arrive over time. Feeds answer
conditional GETs (ETag and Last-Modified) like a well-behaved publisher.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .newswire import OUTLETS, SIMULATED_NOTICE, Outlet, WireStory

__all__ = ["DemoWireServer", "render_html_page", "render_rss", "render_text_dump"]


def render_html_page(story: WireStory, base: str = "") -> str:
    o = story.outlet
    e = html.escape
    body = []
    for kind, text in story.paragraphs:
        body.append(f"<h2>{e(text)}</h2>" if kind == "heading" else f"<p>{e(text)}</p>")
    nav = "".join(
        f'<li><a href="/{o.slug}/{s}">{s.title()}</a></li>'
        for s in ("markets", "economy", "companies", "technology", "opinion")
    )
    related = "".join(
        f'<li><a href="/{o.slug}/related/{i}">More from the {e(o.desk)} #{i}</a></li>'
        for i in range(1, 4)
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{e(story.headline)} | {e(o.name)}</title>
<link rel="canonical" href="{e(base + story.path)}">
<meta property="og:site_name" content="{e(o.name)}">
<meta property="og:title" content="{e(story.headline)}">
<meta name="author" content="{e(story.byline.removeprefix("By "))}">
<meta property="article:published_time" content="{story.published_at.isoformat()}">
<link rel="alternate" type="application/rss+xml" title="{e(o.name)}" href="/{o.slug}/rss.xml">
</head><body>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
<header><div class="logo">{e(o.name)}</div><nav><ul>{nav}</ul></nav>
<a href="/{o.slug}/subscribe">Subscribe</a> <a href="/{o.slug}/login">Sign in</a></header>
<main><article>
<h1>{e(story.headline)}</h1>
<p class="byline">{e(story.byline)}, {e(o.desk)}</p>
<time datetime="{story.published_at.isoformat()}">{story.published_at.strftime("%B %-d, %Y %H:%M UTC")}</time>
<figure><img src="/{o.slug}/img/{story.id}.jpg" alt="{e(story.image_title)}">
<figcaption>{e(story.image_caption)} <span class="credit">{e(story.image_credit)}</span></figcaption></figure>
{"".join(body)}
</article>
<aside><h3>Related stories</h3><ul>{related}</ul></aside></main>
<footer><p>{e(SIMULATED_NOTICE)}</p><p>&copy; {e(o.name)}. All rights reserved.</p>
<ul><li><a href="/{o.slug}/about">About us</a></li><li><a href="/{o.slug}/contact">Contact</a></li>
<li><a href="/{o.slug}/privacy">Privacy policy</a></li></ul></footer>
</body></html>
"""


def render_text_dump(story: WireStory) -> str:
    """The visible text of the outlet's page, as a scraper would save it."""
    o = story.outlet
    lines = [
        f"{o.name} Subscribe Sign In",
        "",
        "",
        "Markets",
        "",
        "Economy",
        "",
        "Companies",
        "",
        "Technology",
        "",
        "Opinion",
        "",
        "",
        "Customer Service",
        "",
        "  • Newsroom",
        "",
        "    +1 555 0100 2000",
        "",
        "  • Subscriptions",
        "",
        "    +1 555 0100 3000",
        "",
        "",
        "Share this story",
        "",
        "",
        story.headline,
        "",
        story.image_title,
        f"{story.image_caption} {story.image_credit}",
        "",
    ]
    for _kind, text in story.paragraphs:
        lines += [text, ""]
    lines += [
        "",
        "Related Stories",
        "",
        f"More from the {o.desk}",
        "",
        "Cookie settings",
        "",
        "We use cookies to personalise content. Accept all or manage your preferences.",
        "",
        f"© {o.name}. All rights reserved. {SIMULATED_NOTICE}",
    ]
    return "\n".join(lines)


def render_rss(outlet: Outlet, stories: Sequence[WireStory], base: str) -> str:
    e = html.escape
    items = []
    for s in stories:
        first = next((t for k, t in s.paragraphs if k == "p"), "")
        items.append(
            f"<item><title>{e(s.headline)}</title><link>{base}{s.path}</link>"
            f'<guid isPermaLink="false">{s.id}</guid>'
            f"<pubDate>{format_datetime(s.published_at, usegmt=True)}</pubDate>"
            f"<author>{e(s.byline.removeprefix('By '))}</author>"
            f"<description>{e(first)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{e(outlet.name)}</title><link>{base}/{outlet.slug}/</link>"
        f"<description>{e(outlet.desk)} ({e(SIMULATED_NOTICE)})</description>"
        + "".join(items)
        + "</channel></rss>\n"
    )


class DemoWireServer:
    """Serves the wire on 127.0.0.1 (a free port), with a replay clock.

    ``advance_to(t)`` publishes every story whose time is at or before ``t``.
    """

    def __init__(
        self,
        stories: Sequence[WireStory],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        feed_size: int = 40,
    ) -> None:
        self.stories = list(stories)
        self.by_path = {s.path: s for s in self.stories}
        self.feed_size = feed_size
        self._clock = datetime.min.replace(tzinfo=UTC)
        self._lock = threading.Lock()
        self.requests: list[tuple[str, int]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:
                status, headers, body = server.respond(self.path, dict(self.headers.items()))
                with server._lock:
                    server.requests.append((self.path, status))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._httpd = ThreadingHTTPServer((host, port), Handler)
        self._httpd.daemon_threads = True
        address = self._httpd.server_address
        self.host, self.port = str(address[0]), int(address[1])
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, daemon=True, name="demo-wire"
        )

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def feed_urls(self) -> list[str]:
        return [f"{self.base_url}/{o.slug}/rss.xml" for o in OUTLETS]

    def start(self) -> DemoWireServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> DemoWireServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def advance_to(self, when: datetime) -> int:
        """Move the replay clock; returns how many stories are now published."""
        with self._lock:
            self._clock = max(self._clock, when)
            return sum(1 for s in self.stories if s.published_at <= self._clock)

    def published(self, outlet: Outlet | None = None) -> list[WireStory]:
        with self._lock:
            clock = self._clock
        return [
            s
            for s in self.stories
            if s.published_at <= clock and (outlet is None or s.outlet == outlet)
        ]

    def respond(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        path = path.split("?", 1)[0]
        for outlet in OUTLETS:
            if path == f"/{outlet.slug}/rss.xml":
                return self._feed(outlet, headers)
        story = self.by_path.get(path)
        if story is None or story not in self.published():
            return 404, {"Content-Type": "text/plain; charset=utf-8"}, b"not found\n"
        if path.endswith(".txt"):
            return (
                200,
                {"Content-Type": "text/plain; charset=utf-8"},
                render_text_dump(story).encode(),
            )
        return (
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            render_html_page(story, self.base_url).encode(),
        )

    def _feed(self, outlet: Outlet, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        items = sorted(self.published(outlet), key=lambda s: s.published_at, reverse=True)
        items = items[: self.feed_size]
        body = render_rss(outlet, items, self.base_url).encode()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        newest = items[0].published_at if items else datetime(2000, 1, 1, tzinfo=UTC)
        last_modified = format_datetime(newest, usegmt=True)
        out = {
            "Content-Type": "application/rss+xml; charset=utf-8",
            "ETag": etag,
            "Last-Modified": last_modified,
        }
        lowered = {k.lower(): v for k, v in headers.items()}
        if lowered.get("if-none-match") == etag:
            return 304, out, b""
        since = lowered.get("if-modified-since")
        if since and "if-none-match" not in lowered:
            with contextlib.suppress(TypeError, ValueError):  # an unreadable date: send it all
                if parsedate_to_datetime(since) >= newest:
                    return 304, out, b""
        return 200, out, body
