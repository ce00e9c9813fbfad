"""Fixtures for pipeline tests: real settings in a temporary home, a real publisher on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from broadsheet.config import Settings, load_settings

from ..publisher import Publisher


@pytest.fixture
def publisher() -> Iterator[Publisher]:
    pub = Publisher().start()
    yield pub
    pub.stop()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings in a fresh home; loopback reachable only through the allowlist."""
    return load_settings(
        None,
        {
            "home": tmp_path / "home",
            "fetch": {
                "allow_private_hosts": ["127.0.0.1"],
                "connect_timeout": 2.0,
                "read_timeout": 5.0,
                "total_timeout": 10.0,
                "retry_attempts": 0,
            },
            "poll": {"workers": 4},
        },
    )


def rss(base: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 document: items are (guid, title, path)."""
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid>{guid}</guid>"
        f"<pubDate>Tue, 03 Jun 2008 14:00:00 GMT</pubDate></item>"
        for guid, title, path in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Test Feed</title><link>{base}/</link>{entries}</channel></rss>"
    ).encode()


def page(headline: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{headline}</title>"
        f"</head><body><nav><a href='/'>Home</a> <a href='/m'>Markets</a></nav>"
        f"<article><h1>{headline}</h1>{body}</article>"
        f"<footer>Copyright Test Publisher</footer></body></html>"
    ).encode()
