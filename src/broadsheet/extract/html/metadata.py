"""Metadata of a page: headline, byline, dates, site name, canonical URL, language,
description and the declared lead image, from JSON-LD, ``<meta>``, ``<link>``, ``<title>``,
``<h1>`` and ``<time>``.

Bylines are read in ``bylines``, dates in ``dates``; their public functions
(:func:`clean_byline`, :func:`join_names`, :func:`parse_date`) are importable from here too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from broadsheet.models import Image

from .bylines import _declared_bylines, clean_byline, join_names
from .dates import _declared_dates, _publication_date, parse_date
from .tree import _clean, _norm, _overlap, _text_of

__all__ = [
    "JSONLD_MAX_CHARS",
    "JSONLD_MAX_SCRIPTS",
    "clean_byline",
    "join_names",
    "parse_date",
]

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
