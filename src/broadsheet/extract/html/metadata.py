"""Metadata of a page: headline, byline, dates, site name, canonical URL, language,
description and the declared lead image, from JSON-LD, ``<meta>``, ``<link>``, ``<title>``,
``<h1>`` and ``<time>``.
"""

from __future__ import annotations

import email.utils
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from broadsheet.models import Image

from .tree import _clean, _norm, _overlap, _text_of

_ARTICLE_TYPES = frozenset(
    {
        "AdvertiserContentArticle",
        "AnalysisNewsArticle",
        "Article",
        "AskPublicNewsArticle",
        "BackgroundNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "NewsArticle",
        "OpinionNewsArticle",
        "Report",
        "ReportageNewsArticle",
        "ReviewNewsArticle",
        "SatiricalArticle",
        "ScholarlyArticle",
        "SocialMediaPosting",
        "TechArticle",
    }
)

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


def parse_date(value: object) -> datetime | None:
    """ISO 8601, RFC 2822 or a leading YYYY-MM-DD -> aware datetime (UTC when no zone)."""
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s or len(s) > 80:
        return None
    dt: datetime | None = None
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        try:
            dt = email.utils.parsedate_to_datetime(s)
        except (TypeError, ValueError, IndexError):
            dt = None
        if dt is None:
            m = re.match(
                r"(\d{4})[-/]?(\d{2})[-/]?(\d{2})(?:[T ]?(\d{2}):?(\d{2})(?::?(\d{2}))?)?", s
            )
            if m:
                try:
                    nums = [int(g) for g in m.groups() if g is not None] + [0, 0, 0]
                    dt = datetime(nums[0], nums[1], nums[2], nums[3], nums[4], nums[5])
                except (TypeError, ValueError):
                    dt = None
    if dt is None or not 1990 <= dt.year <= 2100:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt


@dataclass(slots=True)
class _Meta:
    headline: str | None = None
    byline: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    canonical_url: str | None = None
    language: str | None = None
    site_name: str | None = None
    description: str | None = None
    images: list[Image] = field(default_factory=list)
    date_candidates: list[tuple[str, datetime]] = field(default_factory=list)


def _iter_jsonld(node: object, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node:
            yield from _iter_jsonld(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        graph = node.get("@graph")
        if graph is not None:
            yield from _iter_jsonld(graph, depth + 1)


def _types(node: dict[str, Any]) -> set[str]:
    t = node.get("@type")
    if isinstance(t, str):
        return {t.rsplit("/", 1)[-1]}
    if isinstance(t, list):
        return {x.rsplit("/", 1)[-1] for x in t if isinstance(x, str)}
    return set()


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


def _first_str(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or value.get("name")
    return _clean(value) or None if isinstance(value, str) else None


def _jsonld_image(value: object, base: str | None) -> Image | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return Image(url=urljoin(base or "", value) or None)
    if isinstance(value, dict):
        url = value.get("url") or value.get("contentUrl")
        if isinstance(url, list):
            url = url[0] if url else None
        credit = value.get("creditText") or value.get("copyrightHolder") or value.get("author")
        credit_s = _first_str(credit)
        caption = value.get("caption") or value.get("description")
        return Image(
            url=urljoin(base or "", url) if isinstance(url, str) else None,
            title=_first_str(value.get("name")),
            caption=_clean(caption) or None if isinstance(caption, str) else None,
            credit=credit_s,
        )
    return None


@dataclass(slots=True)
class _Tagged:
    """The elements metadata is read from, gathered in one walk over the tree."""

    meta: list[Any] = field(default_factory=list)
    link: list[Any] = field(default_factory=list)
    script: list[Any] = field(default_factory=list)
    title: list[Any] = field(default_factory=list)
    h1: list[Any] = field(default_factory=list)
    time: list[Any] = field(default_factory=list)


def _gather(root: Any) -> _Tagged:
    tagged = _Tagged()
    for el in root.iter("meta", "link", "script", "title", "h1", "time"):
        getattr(tagged, el.tag).append(el)
    return tagged


JSONLD_MAX_CHARS = 500_000  # one script; a page's article JSON-LD is a few kB
JSONLD_MAX_SCRIPTS = 20


def _read_jsonld(
    scripts: list[Any], ids: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any] | None:
    """The JSON-LD object describing the article, if any; ``ids`` collects the nodes that
    carry an ``@id`` (authors in a ``@graph`` are often such references)."""
    best: dict[str, Any] | None = None
    parsed = 0
    for script in scripts:
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        raw = script.text or ""
        if "Article" not in raw and "Posting" not in raw and "headline" not in raw:
            continue  # breadcrumbs, organisation, search box: not worth parsing
        if len(raw) > JSONLD_MAX_CHARS or parsed >= JSONLD_MAX_SCRIPTS:
            continue
        parsed += 1
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        for node in _iter_jsonld(data):
            if ids is not None and isinstance(node.get("@id"), str):
                ids.setdefault(node["@id"], node)
            types = _types(node)
            if types & _ARTICLE_TYPES:
                if best is None or ("headline" in node and "headline" not in best):
                    best = node
            elif best is None and "WebPage" in types and "headline" in node:
                best = node
    return best


def _meta_map(metas: list[Any]) -> dict[str, str]:
    """<meta> name/property -> content (first wins), keys lower-cased."""
    out: dict[str, str] = {}
    for el in metas:
        key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
        content = el.get("content")
        if key and content and content.strip():
            out.setdefault(key.strip().lower(), content.strip())
    return out


def _clean_title(title: str, site: str | None) -> str:
    """Drop a " | Site" or " - Site" suffix from a <title>."""
    parts = re.split(r"\s+[|–—-]\s+|\s+::\s+", title)
    if len(parts) > 1:
        longest = max(parts, key=len)
        if (
            site is None
            or any(p.strip().lower() == site.lower() for p in parts)
            or len(longest) > 20
        ):
            return longest.strip()
    return title.strip()


_META_DATES = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "publishdate",
    "publication_date",
    "ptime",
    "pdate",
    "date.available",
    "dc.date.issued",
    "dc.date",
    "date",
)


def _declared_dates(
    ld: dict[str, Any], meta: dict[str, str], times: list[Any]
) -> list[tuple[str, datetime]]:
    """Publication dates the page declares, most trusted first, each with its source."""
    out: list[tuple[str, datetime]] = []
    dt = parse_date(ld.get("datePublished"))
    if dt is not None:
        out.append(("ld:datePublished", dt))
    for key in _META_DATES:
        dt = parse_date(meta.get(key))
        if dt is not None:
            out.append((f"meta:{key}", dt))
    dt = parse_date(ld.get("dateCreated"))
    if dt is not None:
        out.append(("ld:dateCreated", dt))
    for el in times[:20]:
        dt = parse_date(el.get("datetime"))
        if dt is not None:
            out.append(("time", dt))
            break
    return out


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


# htmldate's extensive search hands date-like text to dateparser, which guesses the language
# among some 200 and compiles each one's patterns the first time it meets it: seconds of CPU
# a language, so a page of text in many scripts held a worker for 18 s in the fuzz tests.
# Broadsheet's htmldate runs its extensive search without dateparser: its own patterns, the
# page's elements and text only (on the validation pages 970 right of 1,110 instead of 978).
class _NoExternalParser:
    """Stands in for dateparser in htmldate: every date it is asked about is unknown."""

    def get_date_data(self, _text: str) -> dict[str, None]:
        return {"date_obj": None}


_NO_PARSER = _NoExternalParser()


@contextmanager
def _without_dateparser() -> Iterator[None]:
    """htmldate without dateparser while Broadsheet reads a date; other users of htmldate in
    the process (trafilatura's own metadata) keep theirs."""
    import htmldate.extractors as hx

    original = hx.get_external_parser
    hx.get_external_parser = lambda: _NO_PARSER
    try:
        yield
    finally:
        hx.get_external_parser = original


def _htmldate(root: Any, url: str | None) -> datetime | None:
    """htmldate's original publication date of the page (its extensive search on), or None.

    htmldate reads the page in a fixed order (URL, ``<meta>``, JSON-LD, ``<abbr>``, date
    elements, ``<time>``, then the text) and checks every date against the page's others;
    on the validation pages it was right more often than any single declared source."""
    from htmldate import find_date

    try:
        with _without_dateparser():
            day = find_date(root, url=url, original_date=True, extensive_search=True)
    except (ValueError, TypeError, AttributeError, IndexError, OverflowError, RecursionError):
        return None
    if not day:
        return None
    try:
        return datetime.strptime(day[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def _publication_date(
    root: Any, url: str | None, declared: list[tuple[str, datetime]]
) -> datetime | None:
    """The day htmldate finds, with the time of day of a declared date of that same day;
    the most trusted declared date when htmldate finds none."""
    day = _htmldate(root, url)
    if day is None:
        return declared[0][1] if declared else None
    for _, dt in declared:
        if dt.date() == day.date():
            return dt
    return day


def _read_metadata(root: Any, url: str | None) -> _Meta:
    tagged = _gather(root)
    meta = _meta_map(tagged.meta)
    ids: dict[str, dict[str, Any]] = {}
    ld = _read_jsonld(tagged.script, ids) or {}
    m = _Meta()

    # site name
    publisher = ld.get("publisher")
    m.site_name = (
        meta.get("og:site_name")
        or (_first_str(publisher.get("name")) if isinstance(publisher, dict) else None)
        or meta.get("application-name")
    )

    # headline: the visible <h1> when it agrees with the declared title, else the declared one
    declared = (
        meta.get("og:title")
        or (_clean(ld.get("headline")) if isinstance(ld.get("headline"), str) else None)
        or meta.get("twitter:title")
    )
    title_el = tagged.title[0] if tagged.title else None
    page_title = _clean_title(_text_of(title_el), m.site_name) if title_el is not None else ""
    h1 = ""
    for el in tagged.h1:
        h1 = _text_of(el)
        if h1:
            break
    reference = _norm(declared or page_title)
    if h1 and reference and _overlap(_norm(h1), reference) >= 0.6:
        m.headline = h1
    elif declared:
        m.headline = _clean_title(_clean(declared), m.site_name)
    else:
        m.headline = page_title or h1 or None

    # byline: JSON-LD, then <meta>, then "Written by" label pairs (the page's marked-up
    # byline is read later, around the article text, when these give nothing)
    site = m.site_name
    for names in _declared_bylines(ld, ids, meta):
        m.byline = join_names([n for n in (clean_byline(x, site) for x in names) if n])
        if m.byline:
            break

    # dates
    m.date_candidates = _declared_dates(ld, meta, tagged.time)
    m.published_at = _publication_date(root, url, m.date_candidates)
    m.updated_at = (
        parse_date(ld.get("dateModified"))
        or parse_date(meta.get("article:modified_time"))
        or parse_date(meta.get("og:updated_time"))
        or parse_date(meta.get("datemodified"))
        or parse_date(meta.get("last-modified"))
    )
    # canonical URL and language
    for el in tagged.link:
        rel = (el.get("rel") or "").lower().split()
        if "canonical" in rel and el.get("href"):
            m.canonical_url = urljoin(url or "", el.get("href").strip())
            break
    if m.canonical_url is None:
        og_url = (
            meta.get("og:url")
            or _first_str(ld.get("mainEntityOfPage"))
            or _first_str(ld.get("url"))
        )
        if og_url and urlsplit(og_url).scheme in {"http", "https"}:
            m.canonical_url = og_url
    lang = (
        root.get("lang")
        or root.get("{http://www.w3.org/XML/1998/namespace}lang")
        or meta.get("content-language")
        or (ld.get("inLanguage") if isinstance(ld.get("inLanguage"), str) else None)
        or meta.get("og:locale")
    )
    if lang:
        primary = re.split(r"[-_,;\s]", lang.strip())[0].lower()
        m.language = primary if re.fullmatch(r"[a-z]{2,3}", primary) else None

    description = meta.get("og:description") or meta.get("description") or ld.get("description")
    m.description = _clean(description) or None if isinstance(description, str) else None

    # images: declared lead image (JSON-LD, og:image) completed later from the page's figure
    declared_img = _jsonld_image(ld.get("image"), url) if ld else None
    og_image = meta.get("og:image") or meta.get("og:image:url") or meta.get("twitter:image")
    if declared_img is None and og_image:
        declared_img = Image(url=urljoin(url or "", og_image), title=meta.get("og:image:alt"))
    if declared_img is not None:
        m.images.append(declared_img)
    return m
