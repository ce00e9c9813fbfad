"""Feeds: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed 1.0/1.1 by hand.

feedparser only ever sees a file-like object of bytes we prepared (decoded by
:func:`~broadsheet.sources.xmltext.decode_xml`, DOCTYPE screened, re-encoded as UTF-8), so it
never opens a URL or a file and never expands a dangerous entity.
"""

from __future__ import annotations

import calendar
import html
import io
import json
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import feedparser

from ..budget import Budget
from ..errors import FeedParseError
from ..models import FeedEntry, ParsedFeed
from ..textsafe import clean_text
from .xmltext import decode_xml, normalize_entities, screen_doctype_entities, set_xml_encoding

__all__ = ["parse_feed", "parse_json_feed"]

_JSON_FEED_VERSIONS = {
    "https://jsonfeed.org/version/1": "json10",
    "https://jsonfeed.org/version/1.1": "json11",
}
# matched where the document's leading comments end (found with str.find: a pattern that
# skips comments itself, ``(?:<!--.*?-->\s*)*``, backtracks exponentially on empty comments)
_HTML_TAG = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.I)
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_WHITESPACE = " \t\r\n\f\v"


def _looks_like_html(text: str) -> bool:
    """Whether the document, after any comments and whitespace, opens as an HTML page."""
    position, n = 0, len(text)
    while True:
        while position < n and text[position] in _WHITESPACE:
            position += 1
        if not text.startswith("<!--", position):
            return _HTML_TAG.match(text, position) is not None
        end = text.find("-->", position + 4)
        if end < 0:
            return False
        position = end + 3


def parse_feed(body: bytes, *, url: str | None = None, charset: str | None = None) -> ParsedFeed:
    """Parse a feed document (RSS, Atom or JSON Feed) from its bytes.

    ``charset`` is the one the HTTP transport declared, if any. Ill-formed feeds that still
    yield entries parse, with their complaints in ``problems``; something that is not a feed at
    all raises :class:`FeedParseError`, and so does a document that uses up its time budget
    (:meth:`Budget.for_size` of the body: no single document can hold a poller).
    """
    if not isinstance(body, bytes | bytearray | memoryview):
        raise TypeError("parse_feed takes the document's bytes")
    body = bytes(body)
    budget = Budget.for_size(len(body), what=url or "feed", error=FeedParseError)
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return _parse_json_feed(body, url, budget)
    text, _codec, problems = decode_xml(body, charset)
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise FeedParseError(f"{url or 'feed'}: empty document")
    if stripped.startswith(("{", "[")):
        return _parse_json_feed(stripped.encode("utf-8"), url, budget)
    if not stripped.startswith("<"):
        raise FeedParseError(f"{url or 'feed'}: not a feed (does not start with markup)")
    text, doctype_problems, declared = screen_doctype_entities(set_xml_encoding(text))
    problems.extend(doctype_problems)
    text, entity_problems = normalize_entities(text, declared, budget=budget)
    problems.extend(entity_problems)
    opened, closed = text.count("<![CDATA["), text.count("]]>")
    if opened != closed:
        # an unclosed CDATA section parses without complaint but swallows the items after it
        problems.append(f"unbalanced CDATA sections ({opened} opened, {closed} closed)")
    headers = {"content-type": "application/xml; charset=utf-8"}
    if url:
        headers["content-location"] = url
    budget.check("before the XML parse")
    result = feedparser.parse(io.BytesIO(text.encode("utf-8")), response_headers=headers)
    budget.check("in the XML parse")
    return _from_feedparser(
        result, url=url, problems=problems, html_like=_looks_like_html(stripped), budget=budget
    )


def _from_feedparser(
    result: Any,
    *,
    url: str | None,
    problems: list[str],
    html_like: bool = False,
    budget: Budget,
) -> ParsedFeed:
    feed: Mapping[str, Any] = result.get("feed", {}) or {}
    raw_entries: list[Mapping[str, Any]] = list(result.get("entries", []) or [])
    version = str(result.get("version") or "")
    if result.get("bozo"):
        exc = result.get("bozo_exception")
        problems.append(f"{type(exc).__name__}: {exc}" if exc is not None else "ill-formed feed")
    has_channel = bool(feed)  # channel-level data of a feed without items
    if not raw_entries and (html_like or not (version or has_channel)):
        what = "an HTML page, not a feed (try discover_feeds)" if html_like else "not a feed"
        detail = f" ({problems[-1]})" if problems else ""
        raise FeedParseError(f"{url or 'document'}: {what}{detail}")
    entries: list[FeedEntry] = []
    for raw_entry in raw_entries:
        budget.tick("reading entries")
        entries.append(_entry(raw_entry, atom=version.startswith("atom")))
    return ParsedFeed(
        title=_title(feed),
        link=_text(_raw(feed, "link")),
        entries=tuple(entries),
        problems=tuple(problems),
        format=version or "unknown",
    )


def _raw(mapping: Mapping[str, Any], key: str) -> Any:
    """A plain lookup: FeedParserDict's aliases warn and invent values (updated->published)."""
    if isinstance(mapping, dict):
        return dict.get(mapping, key)
    return mapping.get(key)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = clean_text(str(value)).strip()
    return text or None


def _title(mapping: Mapping[str, Any]) -> str | None:
    """A feed's or an entry's title as plain text: an HTML title (Atom ``type="html"``,
    or markup feedparser found in an RSS title) has its tags dropped and entities decoded
    once, so "Copper &amp;amp; zinc" reads "Copper & zinc"."""
    value = _raw(mapping, "title")
    detail = _raw(mapping, "title_detail")
    kind = str(detail.get("type") or "") if isinstance(detail, Mapping) else ""
    if value is not None and kind in ("text/html", "application/xhtml+xml"):
        value = _markup_text(str(value))
    return _text(value)


def _markup_text(markup: str) -> str:
    """The text of an HTML fragment (tags dropped, entities decoded)."""
    if "<" not in markup and "&" not in markup:
        return markup
    from lxml import etree
    from lxml import html as lxml_html

    try:
        fragment = lxml_html.fragment_fromstring(clean_text(markup), create_parent="div")
    except (etree.ParserError, ValueError):
        return html.unescape(markup)
    return " ".join(str(fragment.text_content()).split())


def _struct_to_datetime(value: object) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _entry(entry: Mapping[str, Any], *, atom: bool = False) -> FeedEntry:
    """One entry; outside Atom, a lone date (RSS 1.0 ``dc:date``) is the publication date."""
    content_html: str | None = None
    contents = _raw(entry, "content") or []
    for content in contents:
        value = content.get("value")
        if not value:
            continue
        kind = str(content.get("type") or "text/html").lower()
        if kind in _HTML_TYPES:
            content_html = clean_text(str(value))
            break
        if content_html is None:
            content_html = "<p>" + html.escape(clean_text(str(value))) + "</p>"
    published = _struct_to_datetime(_raw(entry, "published_parsed")) or _struct_to_datetime(
        _raw(entry, "created_parsed")
    )
    updated = _struct_to_datetime(_raw(entry, "updated_parsed"))
    if published is None and not atom:
        published = updated
    return FeedEntry(
        guid=_text(_raw(entry, "id")),
        link=_text(_raw(entry, "link")),
        title=_title(entry),
        published_at=published,
        updated_at=updated,
        author=_text(_raw(entry, "author")),
        summary=_text(_raw(entry, "summary")),
        content_html=content_html,
    )


# --------------------------------------------------------------------------- JSON Feed


def parse_json_feed(body: bytes, *, url: str | None = None) -> ParsedFeed:
    """Parse JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1), leniently."""
    budget = Budget.for_size(len(body), what=url or "feed", error=FeedParseError)
    return _parse_json_feed(body, url, budget)


def _parse_json_feed(body: bytes, url: str | None, budget: Budget) -> ParsedFeed:
    where = url or "feed"
    try:
        data = json.loads(body.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as exc:
        raise FeedParseError(f"{where}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise FeedParseError(f"{where}: a JSON document but not a JSON Feed (not an object)")
    problems: list[str] = []
    version = data.get("version")
    fmt = _JSON_FEED_VERSIONS.get(str(version).rstrip("/")) if isinstance(version, str) else None
    items = data.get("items")
    if fmt is None:
        if not isinstance(items, list):
            raise FeedParseError(f"{where}: a JSON document but not a JSON Feed (no version)")
        problems.append(f"unknown JSON Feed version {version!r}")
        fmt = "json"
    if not isinstance(items, list):
        problems.append("'items' is missing or not a list")
        items = []
    feed_author = _json_author(data)
    entries: list[FeedEntry] = []
    for index, item in enumerate(items):
        budget.tick("reading items")
        if not isinstance(item, dict):
            problems.append(f"item {index} is not an object")
            continue
        entries.append(_json_entry(item, index, feed_author, problems))
    return ParsedFeed(
        title=_json_str(data.get("title")),
        link=_json_str(data.get("home_page_url")),
        entries=tuple(entries),
        problems=tuple(problems),
        format=fmt,
    )


def _json_str(value: object) -> str | None:
    if isinstance(value, str):
        return clean_text(value).strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _json_author(obj: Mapping[str, Any]) -> str | None:
    authors = obj.get("authors")
    names: list[str] = []
    if isinstance(authors, list):
        names = [n for a in authors if isinstance(a, dict) and (n := _json_str(a.get("name")))]
    if not names:
        author = obj.get("author")
        if isinstance(author, dict) and (name := _json_str(author.get("name"))):
            names = [name]
    return ", ".join(names) or None


def _json_date(value: object, field: str, index: int, problems: list[str]) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(f"item {index}: {field} is not a string")
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        problems.append(f"item {index}: {field} {value!r} is not an RFC 3339 date")
        return None
    if parsed.tzinfo is None:
        problems.append(f"item {index}: {field} has no time zone; UTC assumed")
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _json_entry(
    item: Mapping[str, Any], index: int, feed_author: str | None, problems: list[str]
) -> FeedEntry:
    guid = _json_str(item.get("id"))
    if guid is None:
        problems.append(f"item {index} has no id")
    content_html = _json_str(item.get("content_html"))
    if content_html is None and (plain := _json_str(item.get("content_text"))):
        paragraphs = [p.strip() for p in plain.split("\n\n") if p.strip()]
        content_html = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs) or None
    return FeedEntry(
        guid=guid,
        link=_json_str(item.get("url")) or _json_str(item.get("external_url")),
        title=_json_str(item.get("title")),
        published_at=_json_date(item.get("date_published"), "date_published", index, problems),
        updated_at=_json_date(item.get("date_modified"), "date_modified", index, problems),
        author=_json_author(item) or feed_author,
        summary=_json_str(item.get("summary")),
        content_html=content_html,
    )
