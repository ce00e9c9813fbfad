"""Where stories come from: feeds (RSS, Atom, JSON Feed), feed discovery, OPML, local files and
folders, WARC archives, and feed entries that carry their own full text."""

from __future__ import annotations

from .feeds import parse_feed

__all__ = ["parse_feed"]
