"""Where stories come from: feeds (RSS, Atom, JSON Feed), feed discovery, OPML, local files and
folders, WARC archives, and feed entries that carry their own full text."""

from __future__ import annotations

from .discover import discover_feeds
from .documents import count_documents, entry_document, iter_documents
from .feeds import parse_feed, parse_json_feed
from .opml import OpmlOutline, read_opml, write_opml

__all__ = [
    "OpmlOutline",
    "count_documents",
    "discover_feeds",
    "entry_document",
    "iter_documents",
    "parse_feed",
    "parse_json_feed",
    "read_opml",
    "write_opml",
]
