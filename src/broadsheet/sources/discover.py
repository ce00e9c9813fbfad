"""Finding the feeds a web page offers."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

__all__ = ["FEED_TYPES", "discover_feeds"]

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/rdf+xml",
        "application/x.atom+xml",
        "application/x-atom+xml",
        "application/x-rss+xml",
        "application/json+feed",
        "text/xml",
        "application/xml",
    }
)
_GENERIC_XML = frozenset({"text/xml", "application/xml"})
# anchors whose target looks like a feed, most specific first
_ANCHOR_PATH = re.compile(
    r"(?:\.(?:rss|atom|rdf)$|(?:^|/)(?:feed|rss|atom|index)\.(?:xml|json)$|"
    r"(?:^|/)(?:feeds?|rss|atom)(?:/(?:rss2?|atom|posts/default|all|news))?/?$|"
    r"[/=](?:rss|atom)(?:2)?(?:\.php|\.aspx?)?$|feed\.json$|/feeds/)",
    re.IGNORECASE,
)
_ANCHOR_TEXT = re.compile(r"^\s*(?:rss|atom|feed|rss feed|atom feed|subscribe)\s*$", re.I)


def _parse(page: bytes | str) -> etree._Element | None:
    data = page.encode("utf-8") if isinstance(page, str) else page
    encoding = "utf-8" if isinstance(page, str) else None  # bytes: <meta charset> decides
    parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, encoding=encoding)
    if not data.strip():
        return None
    try:
        root = lxml_html.fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return root


def _absolute(href: str | None, base: str) -> str | None:
    if not href:
        return None
    href = href.strip()
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme in ("feed", "rss"):  # feed://example.com/rss, feed:https://...
        rest = url.split(":", 1)[1]
        url = rest if rest.startswith(("http://", "https://")) else "http:" + rest
        parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts._replace(fragment="").geturl()


def discover_feeds(html: bytes | str, base_url: str) -> list[str]:
    """Feed URLs a page offers: ``<link rel="alternate">`` first, then likely-looking anchors.

    URLs are absolute (resolved against ``<base href>`` or ``base_url``), http(s) only,
    without duplicates, in page order.
    """
    root = _parse(html)
    if root is None:
        return []
    base = base_url
    for element in root.iter("base"):
        href = element.get("href")
        if href:
            base = urljoin(base_url, href.strip())
            break
    found: list[str] = []

    def add(url: str | None) -> None:
        if url and url not in found:
            found.append(url)

    generic: list[str] = []
    for link in root.iter("link"):
        rel = {token.lower() for token in (link.get("rel") or "").split()}
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" not in rel and "feed" not in rel:
            continue
        if kind in _GENERIC_XML:
            url = _absolute(link.get("href"), base)
            if url:
                generic.append(url)
        elif kind in FEED_TYPES or ("feed" in rel and not kind):
            add(_absolute(link.get("href"), base))
    for url in generic:
        add(url)
    if found:
        return found
    for anchor in root.iter("a"):
        href = anchor.get("href")
        url = _absolute(href, base)
        if url is None:
            continue
        path = urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")
        text = anchor.text_content() if hasattr(anchor, "text_content") else ""
        if _ANCHOR_PATH.search(path) or _ANCHOR_TEXT.match(text or ""):
            add(url)
    return found
