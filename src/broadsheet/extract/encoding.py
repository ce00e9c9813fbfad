"""Bytes of an HTML page -> text, choosing the character encoding the way a browser would.

Order of evidence: a byte-order mark; the charset the transport declared (HTTP
``Content-Type``); a ``<meta charset>`` or ``http-equiv`` declaration anywhere in the
first part of the page (late ones too); the XML prolog; UTF-8 when the bytes are valid
UTF-8; windows-1252 otherwise. A UTF-8 declaration is believed only when the bytes are
valid UTF-8 (pages that say UTF-8 and are not are common), and a latin-1/windows-1252
label on bytes that are valid UTF-8 with multi-byte sequences is taken as UTF-8. Labels
are read as the WHATWG Encoding Standard reads them (``iso-8859-1`` means windows-1252).
:func:`decode_html` never raises.
"""

from __future__ import annotations

import codecs
import re

from ..charsets import BOMS, LABEL_ALIASES

__all__ = ["decode_html", "normalize_charset"]

# How much of the page to search for a declaration: browsers look at 1024 bytes, but real
# pages put <meta charset> after kilobytes of scripts and styles.
_SNIFF_BYTES = 64 * 1024

# A <meta> tag is found first and searched up to its ">" (at most _MAX_TAG bytes): one
# pattern running from "<meta" to "charset" re-scanned the rest of the page for every "<meta"
# without one (64 KB of "<meta " took 3.3 s).
_META_START = re.compile(rb"<meta\b", re.IGNORECASE)
_CHARSET_ATTR = re.compile(rb"""\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:()+-]+)""", re.IGNORECASE)
_MAX_TAG = 1024
_XML_PROLOG = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_HEAD_END = re.compile(rb"</head\s*>|<body[\s>]", re.IGNORECASE)

# Labels as WHATWG reads them (``charsets``), and one particular to pages: a page cannot
# really be UTF-16 if we could read an ASCII declaration in it.
_WHATWG_ALIASES: dict[str, str] = {
    **LABEL_ALIASES,
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
    "unicode": "utf-8",
}


def _c1_fallback(err: UnicodeError) -> tuple[str, int]:
    """Bytes cp1252 leaves undefined (0x81, 0x8D...) become C1 controls, as in browsers."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    raw = err.object[err.start : err.end]
    return "".join(chr(b) for b in raw), err.end


codecs.register_error("broadsheet-c1", _c1_fallback)


def normalize_charset(label: str | None) -> str | None:
    """A charset label as found in the wild -> a Python codec name, or None if unknown."""
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    if not key:
        return None
    name = _WHATWG_ALIASES.get(key, key)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    canonical = info.name
    if canonical in {"utf-8-sig", "utf_8"}:
        return "utf-8"
    if canonical in {"latin-1", "iso8859-1", "ascii"}:
        return "cp1252"
    if canonical.startswith(("utf-16", "utf-32")):
        return "utf-8"
    # only text encodings: "base64", "rot13", "zlib" and friends are codecs too
    if not getattr(info, "_is_text_encoding", True):
        return None
    return canonical


def _sniff_declared(head: bytes) -> tuple[str | None, str | None]:
    """(meta charset, XML prolog encoding) declared in the start of the page."""
    meta: str | None = None
    position = 0
    while meta is None and (tag := _META_START.search(head, position)) is not None:
        limit = min(len(head), tag.end() + _MAX_TAG)
        end = head.find(b">", tag.end(), limit)
        end = limit if end < 0 else end
        found = _CHARSET_ATTR.search(head, tag.end(), end)
        if found is not None:
            meta = normalize_charset(found.group(1).decode("ascii", "replace"))
        position = end  # the scan only moves forward: each byte is read a bounded number of times
    prolog_match = _XML_PROLOG.match(head)
    prolog = (
        normalize_charset(prolog_match.group(1).decode("ascii", "replace"))
        if prolog_match
        else None
    )
    return meta, prolog


def _has_multibyte(body: bytes) -> bool:
    return not body.isascii()


def _decode_cp1252(body: bytes) -> str:
    return body.decode("cp1252", errors="broadsheet-c1")


def _decode_undeclared(body: bytes) -> str:
    """No usable declaration: UTF-8 if valid, mostly-UTF-8 with a few bad bytes, else cp1252."""
    strict = _utf8_or_none(body)
    if strict is not None:
        return strict
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - body.decode("utf-8", errors="ignore").count("\ufffd")
    good = sum(1 for ch in text if ord(ch) >= 0x80 and ch != "\ufffd")
    if good >= 4 * bad and good > 0:
        return text
    return _decode_cp1252(body)


def _utf8_or_none(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _decode_with(body: bytes, codec: str) -> str | None:
    """Decode with a declared codec, or None when the declaration must not be believed."""
    if codec == "utf-8":
        return _utf8_or_none(body)
    if codec == "cp1252":
        if _has_multibyte(body):
            text = _utf8_or_none(body)
            if text is not None:
                return text  # mislabelled UTF-8, the commonest server default
        return _decode_cp1252(body)
    try:
        return body.decode(codec, errors="replace")
    except (LookupError, UnicodeError, TypeError, ValueError):
        return None


def decode_html(body: bytes, declared: str | None = None) -> str:
    """Decode an HTML page: BOM > transport charset > <meta> > XML prolog > UTF-8 > cp1252."""
    try:
        for bom, codec in BOMS:
            if body.startswith(bom):
                return body[len(bom) :].decode(codec, errors="replace")
        head = body[:_SNIFF_BYTES]
        end = _HEAD_END.search(head)
        meta, prolog = _sniff_declared(head[: end.start()] if end else head)
        if meta is None and end is not None:
            meta, _ = _sniff_declared(head)
        for candidate in (normalize_charset(declared), meta, prolog):
            if candidate:
                text = _decode_with(body, candidate)
                if text is not None:
                    return text
        return _decode_undeclared(body)
    except Exception:  # never raise: the last resort reads every byte as some character
        return body.decode("latin-1")
