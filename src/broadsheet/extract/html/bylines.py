"""Bylines: the author names a page declares (JSON-LD, ``<meta>``, "Written by" label pairs)
or marks up around its text, cleaned of prefixes ("By", "Von", "Por"...), agencies, roles,
dates and handles, and joined ("A, B and C")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from .tree import _clean, _norm, _text_of

_BYLINE_NODES = etree.XPath(
    'descendant-or-self::*[@itemprop="author" or @itemprop="name" or @rel="author"'
    ' or contains(@class, "byline") or contains(@class, "author-name")'
    ' or (contains(concat(" ", normalize-space(@class), " "), " fn ")'
    ' and ancestor::*[contains(@class, "author")])'
    ' or contains(concat(" ", normalize-space(@class), " "), " author ")'
    ' or contains(@class, "post-author") or contains(@class, "entry-author")'
    ' or contains(@class, "article-author") or contains(@class, "author-link")]'
)
_BYLINE_CUT = re.compile(
    r"\s[•|·/]\s|\s[-–—]\s|\n|@\w+|\b(?:updated|published|posted|on)\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d"
    r"|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|(?<=\w\w)\.\s|,?\s\d|\s(?:am|um)\b"
    r"|\s(?:mon|tue|wed|thu|fri|sat|sun|mo|di|mi|do|fr|sa|so)[a-z]*\.?,",
    re.IGNORECASE,
)
_NOT_A_NAME = frozenset(
    {
        "admin",
        "administrator",
        "anonymous",
        "alle beiträge",
        "all posts",
        "author",
        "editor",
        "editors",
        "guest",
        "staff",
        "staff writer",
        "the editors",
        "unknown",
        "webmaster",
        "гость",
    }
)
# "By", "Written by", "Posted by", "Von", "Por", "Par", "Di", "Door", "Av", "Autor:"...
_BY_PREFIX = re.compile(
    r"^\s*(?:(?:written|posted|published|story|words|text|reporting)\s+)?"
    r"(?:by|from|von|vom|por|par|текст|автор|(?-i:di|door|av|af)|autor|autorin|author|auteur|erstellt\s+von"
    r"|eingestellt\s+von|verfasst\s+von|geschrieben\s+von|veröffentlicht\s+von"
    r"|(?:zeige\s+)?alle\s+beiträge\s+von|publicado\s+por|escrito\s+por"
    r"|(?:show|view|see)\s+all\s+(?:posts|articles|stories)\s+(?:by|of)"
    r"|more\s+(?:stories\s+|articles\s+|posts\s+)?(?:by|from))"
    r"(?:\s?:\s?|\s|(?=(?-i:[A-ZÀ-Ý])))",
    re.IGNORECASE,
)
# an organisation or a web address, not a person
_NOT_A_PERSON = re.compile(
    r"\b(?:gmbh|ag|e\.\s?v|inc|ltd|llc|plc|corp|s\.?a|s\.?l|kg|ug|co\.|press|news|"
    r"newsroom|redaktion|editorial|team|agency|agencies|media|group|verlag)\b\.?$",
    re.IGNORECASE,
)
_AGENCY_SUFFIX = re.compile(
    r"(?:\s?[|,/]|\sfor)\s?(?:reuters|ap|afp|dpa|associated press|bloomberg|cnn"
    r"|the associated press|upi)\s?$",
    re.IGNORECASE,
)
_ROLE_SUFFIX = re.compile(
    r",\s?(?:[\w.]+\s){0,3}(?:correspondent|reporter|writer|editor|columnist|contributor"
    r"|journalist|analyst|producer|critic)\b.*$",
    re.IGNORECASE,
)
_TLDS = frozenset(
    [
        "com",
        "net",
        "org",
        "de",
        "at",
        "ch",
        "fr",
        "it",
        "es",
        "io",
        "info",
        "co",
        "uk",
        "eu",
        "nl",
        "be",
    ]
)


def _web_address(text: str) -> bool:
    """ "example-news.com", "cleveland.com": one word with a dot and a top-level domain."""
    return " " not in text and "." in text and text.rsplit(".", 1)[1].lower() in _TLDS


def _names(value: object, ids: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Person names from a JSON-LD author value (string, object or list of them); an
    object that only refers to a node elsewhere ({"@id": ...}) is looked up in ``ids``."""
    out: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items[:10]:
        if isinstance(item, dict) and "name" not in item and ids:
            ref = item.get("@id")
            item = ids.get(ref, item) if isinstance(ref, str) else item
        name: object = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, list):
            name = name[0] if name else None
        if isinstance(name, str):
            clean = _clean(_BY_PREFIX.sub("", name))
            if clean and not clean.startswith(("http://", "https://")) and len(clean) < 100:
                out.append(clean)
    return out


def _byline_in(scope: Any) -> list[str]:
    """Author names marked up in ``scope``: schema.org names, rel=author links, "byline" blocks."""
    tiers: list[list[str]] = [[], [], []]
    for el in _BYLINE_NODES(scope):
        if el.get("itemprop") == "name":
            tier = 0 if any(a.get("itemprop") == "author" for a in el.iterancestors()) else -1
        elif el.get("itemprop") == "author" or (el.tag == "a" and el.get("rel") == "author"):
            tier = 1
        else:
            tier = 2
        if tier >= 0 and len(tiers[tier]) < 4:
            text = _text_of(el)
            if 0 < len(text) < 120:
                tiers[tier].append(text)
    for names in tiers:
        if names:
            return names[:1] if names is tiers[2] else names
    return []


def clean_byline(text: str, site: str | None = None) -> str | None:
    """ "By Jane Roe @jroe Nov 18, 2019 • 2 min read" -> "Jane Roe"; None for "admin" & co.,
    for an organisation, a web address or the site's own name."""
    text = " ".join(w for w in _clean(text[:300]).split() if "@" not in w[1:])  # e-mails
    text = _BY_PREFIX.sub("", text)
    text = _AGENCY_SUFFIX.sub("", text)
    text = _ROLE_SUFFIX.sub("", text)
    head, comma, tail = text.rpartition(",")
    if comma and _web_address(tail.strip()):  # "Troy L. Smith, Cleveland.com"
        text = head
    cut = _BYLINE_CUT.search(text)
    if cut is not None:
        text = text[: cut.start()]
    text = _BY_PREFIX.sub("", text.strip(" ,.;:|-–—()[]"))  # "Text: By ..."
    text = text.strip(" ,.;:|-–—()[]")
    if not text or text.lower() in _NOT_A_NAME or not any(c.isalpha() for c in text):
        return None
    if len(text) > 80 or _NOT_A_PERSON.search(text) or _web_address(text):
        return None
    if site and _norm(text) == _norm(site):
        return None
    return text


def join_names(names: list[str]) -> str | None:
    """["A", "B", "C"] -> "A, B and C" (duplicates dropped, order kept)."""
    seen: list[str] = []
    for n in names:
        if n and n.lower() not in {s.lower() for s in seen}:
            seen.append(n)
    if not seen:
        return None
    if len(seen) == 1:
        return seen[0]
    return ", ".join(seen[:-1]) + " and " + seen[-1]


_META_AUTHORS = (
    "author",
    "article:author",
    "og:article:author",
    "byl",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "citation_author",
    "dcsext.author",
)
_WRITTEN_BY = re.compile(r"^(?:written by|author|authors|by|verfasst von|geschrieben von)$", re.I)


def _declared_bylines(
    ld: dict[str, Any], ids: dict[str, dict[str, Any]], meta: dict[str, str]
) -> Iterator[list[str]]:
    """Author names the page declares, most trusted source first."""
    if ld:
        yield _names(ld.get("author"), ids)
    for key in _META_AUTHORS:
        value = meta.get(key)
        if value and not value.startswith(("http://", "https://")):
            yield [value]
    for i in "12345":  # twitter:label1 "Written by" / twitter:data1 "Jane Roe"
        label = meta.get(f"twitter:label{i}")
        if label and _WRITTEN_BY.match(label.strip()):
            value = meta.get(f"twitter:data{i}")
            if value:
                yield [value]
