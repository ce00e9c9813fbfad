"""HTML page -> :class:`~broadsheet.models.Article`.

The page is decoded (:func:`~broadsheet.extract.encoding.decode_html`) and parsed ONCE with
lxml. Metadata (headline, byline, dates, canonical URL, language, site name, description,
lead image with caption and credit) is read from that tree first: JSON-LD, ``<meta>``,
``<link rel=canonical>``, ``<time>``, ``<figure>``/``<figcaption>``. Then the same tree is
cut down in C (scripts, styles, navigation, asides, footers, widgets stripped) and narrowed
to the deepest element holding 80 % of the text of the page's long paragraphs, and
trafilatura's cleaning and main-extractor stages (fast mode, comments off) read the body
from that small tree; its full cascade runs on a fresh tree only when they find almost
nothing. The output is turned into typed paragraphs ("p", "heading", "quote", "list") and
cleaned of what trafilatura leaves: the headline repeated at the top, bylines and
datelines, image captions and credits, blocks of related links, and boilerplate lines listed
in :data:`broadsheet.extract.boilerplate.BOILERPLATE` (the one table of per-site knowledge).
"""

from __future__ import annotations

import email.utils
import itertools
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from broadsheet.budget import Budget
from broadsheet.errors import ExtractionError
from broadsheet.extract.boilerplate import is_boilerplate, is_related_marker
from broadsheet.extract.encoding import decode_html
from broadsheet.models import Article, Image, Paragraph, ParagraphKind
from broadsheet.textsafe import clean_text

__all__ = ["extract_html", "parse_html"]

_LOCAL = threading.local()  # an lxml parser must not be used by two threads at once
# trafilatura's stages cost about 30 µs an element, in loops nothing can interrupt: a page of
# more elements is refused (news pages have a few thousand)
MAX_ELEMENTS = 50_000


def _parser() -> Any:
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = lxml.html.HTMLParser(
            encoding="utf-8",
            remove_comments=True,
            remove_pis=True,
            no_network=True,
            recover=True,
            collect_ids=False,
        )
        _LOCAL.parser = parser
    return parser


# Stripped before body extraction (with their content): never article text.
_STRIP_TAGS = (
    "aside",
    "button",
    "footer",
    "iframe",
    "input",
    "link",
    "nav",
    "noscript",
    "object",
    "script",
    "select",
    "style",
    "svg",
    "template",
    "textarea",
)

# Body narrowing: a "long" paragraph has at least this many characters and a link share below
# the limit; the article container is the deepest element holding this share of their text.
_LONG_PARAGRAPH = 60
_MAX_LINK_SHARE = 0.5
_CONTAINER_SHARE = 0.8
# Tail trimming: prose ends with closing punctuation and has this many characters; a
# title-like line is shorter than _TITLE_CHARS and has no closing punctuation.
_PROSE_CHARS = 60
_TITLE_CHARS = 100

_BLOCK_CONTAINERS = frozenset({"article", "div", "main", "section", "td"})

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

_WORD = re.compile(r"\w")
_BYLINE_NODES = etree.XPath(
    'descendant-or-self::*[@itemprop="author" or @itemprop="name" or @rel="author"'
    ' or contains(@class, "byline") or contains(@class, "author-name")]'
)
_BYLINE_CUT = re.compile(
    r"\s[•|·/]\s|\s[-–—]\s|\n|@\w+|\b(?:updated|published|posted|on)\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d"
    r"|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|(?<=\w\w)\.\s",
    re.IGNORECASE,
)
_NOT_A_NAME = frozenset(
    {"admin", "administrator", "anonymous", "guest", "staff", "unknown", "webmaster", "гость"}
)
_BY_PREFIX = re.compile(r"^\s*(?:written\s+)?by[:\s]+", re.IGNORECASE)
_CREDIT_CLASS = re.compile(
    r"credit|copyright|byline|attribution|photographer|source|author", re.IGNORECASE
)
_RIGHTS = re.compile(r"all rights? reserved|all right\b", re.IGNORECASE)
_CREDIT_CLASS_STRICT = re.compile(r"credit|copyright|photographer|attribution", re.IGNORECASE)
_CREDIT_TEXT = re.compile(
    r"""(?:^|[\s(\[|–—-])(
        (?:photo(?:graph)?s?|photographer|image|picture|pictured|credit|illustration|video|graphic)
        (?:\s+by)?\s*[:/]\s*[^()\[\]]{2,120}
      | \(?(?:AP|AFP|Reuters|EPA|Getty)\s*(?:Photo|Images)?\s*/\s*[^()\[\]]{2,80}\)?
      | [^()\[\].;,:]{2,60}/\s*
        (?:Getty\s+Images|AFP|Reuters|AP|EPA|Bloomberg|Shutterstock|Alamy)[^()\[\]]{0,40}
    )\s*[)\]]?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_DATELINE = re.compile(
    r"^(?:published|updated|posted|last\s+updated|first\s+published|modified)\b.{0,80}$",
    re.IGNORECASE,
)


def _clean(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _norm(text: str) -> str:
    """Comparison key: lower-case word characters only."""
    return " ".join(re.findall(r"\w+", text.lower()))


def _text_of(el: Any) -> str:
    try:
        return _clean("".join(el.itertext()))
    except (TypeError, ValueError):
        return ""


# --------------------------------------------------------------------------- parsing


def parse_html(text: str) -> Any:
    """Parse a decoded page into an lxml.html tree (root ``<html>``); ExtractionError if empty.

    Control characters are dropped first: lxml refuses them in any string it is given later
    ("All strings must be XML compatible"), which lost whole pages."""
    data = clean_text(text).encode("utf-8", errors="replace")
    if not data.strip():
        raise ExtractionError("empty document")
    try:
        root = lxml.html.document_fromstring(data, parser=_parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ExtractionError(f"unparseable HTML: {exc}") from exc
    if root is None:
        raise ExtractionError("unparseable HTML")
    if next(itertools.islice(root.iter(), MAX_ELEMENTS, None), None) is not None:
        raise ExtractionError(f"over {MAX_ELEMENTS} elements: not an article page")
    return root


# --------------------------------------------------------------------------- dates


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


# --------------------------------------------------------------------------- metadata


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


def _names(value: object) -> list[str]:
    """Person names from a JSON-LD author value (string, object or list of them)."""
    out: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items[:10]:
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


def clean_byline(text: str) -> str | None:
    """ "By Jane Roe @jroe Nov 18, 2019 • 2 min read" -> "Jane Roe"; None for "admin" & co."""
    text = _BY_PREFIX.sub("", _clean(text))
    cut = _BYLINE_CUT.search(text)
    if cut is not None:
        text = text[: cut.start()]
    text = text.strip(" ,.;:|-–—")
    if not text or text.lower() in _NOT_A_NAME or not any(c.isalpha() for c in text):
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


def _read_jsonld(scripts: list[Any]) -> dict[str, Any] | None:
    """The JSON-LD object describing the article, if any."""
    best: dict[str, Any] | None = None
    for script in scripts:
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        raw = script.text or ""
        if "Article" not in raw and "Posting" not in raw and "headline" not in raw:
            continue  # breadcrumbs, organisation, search box: not worth parsing
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        for node in _iter_jsonld(data):
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
    ld = _read_jsonld(tagged.script) or {}
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

    # byline
    names = _names(ld.get("author")) if ld else []
    if not names:
        for key in (
            "author",
            "article:author",
            "byl",
            "dc.creator",
            "parsely-author",
            "sailthru.author",
        ):
            value = meta.get(key)
            if value and not value.startswith(("http://", "https://")):
                names = [value]
                break
    m.byline = join_names([n for n in map(clean_byline, names) if n])  # else: see _region

    # dates
    m.published_at = (
        parse_date(ld.get("datePublished"))
        or parse_date(meta.get("article:published_time"))
        or parse_date(meta.get("og:article:published_time"))
        or parse_date(meta.get("datepublished"))
        or parse_date(meta.get("pubdate"))
        or parse_date(meta.get("publish-date"))
        or parse_date(meta.get("parsely-pub-date"))
        or parse_date(meta.get("sailthru.date"))
        or parse_date(meta.get("article.published"))
        or parse_date(meta.get("publishdate"))
        or parse_date(meta.get("publication_date"))
        or parse_date(meta.get("ptime"))
        or parse_date(meta.get("pdate"))
        or parse_date(meta.get("date.available"))
        or parse_date(meta.get("dc.date.issued"))
        or parse_date(meta.get("dc.date"))
        or parse_date(meta.get("date"))
        or parse_date(ld.get("dateCreated"))
    )
    m.updated_at = (
        parse_date(ld.get("dateModified"))
        or parse_date(meta.get("article:modified_time"))
        or parse_date(meta.get("og:updated_time"))
        or parse_date(meta.get("datemodified"))
        or parse_date(meta.get("last-modified"))
    )
    if m.published_at is None:
        for el in tagged.time:
            dt = parse_date(el.get("datetime"))
            if dt is not None:
                m.published_at = dt
                break

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


def _overlap(a: str, b: str) -> float:
    sa, sb = set(a.split()), set(b.split())
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


# --------------------------------------------------------------------------- figures


def split_credit(caption: str) -> tuple[str, str | None]:
    """A caption with a trailing credit ("... Photo: Jane Roe/Agency") -> (caption, credit)."""
    match = _CREDIT_TEXT.search(caption)
    if match is None:
        return caption, None
    credit = match.group(1).strip().strip("()[]").strip()
    rest = caption[: match.start(1)].rstrip(" (|–—-[").strip()
    return rest, credit or None


_FIRST_ARTICLE = etree.XPath("(//article)[1]")
# <figure>, and the parents of caption blocks (WordPress "wp-caption" divs and the like)
_FIGURES_ANY = etree.XPath(
    './/figure | .//*[contains(@class, "caption") or contains(@class, "Caption")]/..'
)
_FIGURES_TAGGED = etree.XPath("//figure | //figcaption/..")
_REGION_REACH = 3  # levels above the text container searched for lead image and byline


_CAPTIONS = etree.XPath('.//*[contains(@class, "caption") or contains(@class, "Caption")]')


def _caption_element(fig: Any) -> Any | None:
    for el in fig.iter("figcaption"):
        if _text_of(el):
            return el
    for el in _CAPTIONS(fig):
        cls = el.get("class") or ""
        if el.tag != "img" and not _CREDIT_CLASS.search(cls) and _text_of(el):
            return el
    return None


def _read_figure(fig: Any, base: str | None) -> Image | None:
    img = next(fig.iter("img"), None)
    src = None
    alt = None
    title = None
    if img is not None:
        src = img.get("src") or img.get("data-src") or img.get("data-original")
        if not src or src.startswith("data:"):
            srcset = img.get("srcset") or img.get("data-srcset") or ""
            src = srcset.split(",")[0].split()[0] if srcset.strip() else src
        alt = _clean(img.get("alt")) or None
        title = _clean(img.get("title")) or None
    cap_el = _caption_element(fig)
    if cap_el is None and src is None:
        return None
    caption: str | None = None
    credit: str | None = None
    credit_parts: list[str] = []
    inside = set(cap_el.iter()) if cap_el is not None else set()
    for el in fig.iter():
        if el is fig or el is cap_el or not isinstance(el.tag, str) or el.tag == "img":
            continue
        cls = (el.get("class") or "") + " " + (el.get("itemprop") or "")
        # inside the caption a "source"/"byline" span is the photo's; outside, only "credit"
        if (_CREDIT_CLASS if el in inside else _CREDIT_CLASS_STRICT).search(cls):
            text = _text_of(el)
            if text and all(text not in c for c in credit_parts):
                credit_parts.append(text)
    full = _text_of(cap_el) if cap_el is not None else ""
    if credit_parts:
        credit = " ".join(credit_parts).strip().removeprefix("(").removesuffix(")").strip()
        for part in credit_parts:
            full = full.replace(part, " ")
        caption = _clean(full) or None
    elif cap_el is not None and full:
        parts = [_text_of(ch) for ch in cap_el if isinstance(ch.tag, str)]
        last = parts[-1] if len(parts) > 1 else ""
        _, tail_credit = split_credit(last) if last else ("", None)
        if tail_credit and tail_credit == last and full.endswith(last):
            caption, credit = _clean(full[: -len(last)]) or None, tail_credit
        else:
            rest, credit = split_credit(full)
            caption = rest or None
    if credit and len(credit) > 80:  # a credit block holding more than the credit line
        credit = split_credit(credit)[1]
    if credit and (len(credit) > 160 or _RIGHTS.search(credit)):
        credit = None  # a site's copyright notice, not the photo's credit
    if caption is None and credit is None and src is None:
        return None
    if title is None and alt and (caption is None or _norm(alt) != _norm(caption)):
        title = alt
    return Image(
        url=urljoin(base or "", src) if src and not src.startswith("data:") else None,
        title=title,
        caption=caption,
        credit=credit,
    )


def _region(container: Any, article: Any | None) -> Any:
    """The text container and its surroundings (headline, byline, lead image): its <article>,
    or a few levels up."""
    if article is not None and article in set(container.iterancestors()):
        return article
    region = container
    for _ in range(_REGION_REACH):
        parent = region.getparent()
        if parent is None or parent.tag in {"body", "html"}:
            break
        region = parent
    return region


def _lead_figure(root: Any, container: Any | None, base: str | None) -> Image | None:
    """The first captioned image of the article: in its container, its <article>, the page.

    Inside the container any caption block counts (``wp-caption`` divs and the like); on the
    rest of the page only ``<figure>``/``<figcaption>`` (a class search over the whole page
    costs more than the rest of the metadata together).
    """
    article = next(iter(_FIRST_ARTICLE(root)), None)
    if container is not None:
        for scope in (container, _region(container, article)):
            for fig in _FIGURES_ANY(scope):
                image = _captioned(fig, base)
                if image is not None:
                    return image
    found: list[tuple[int, Image]] = []
    for fig in _FIGURES_TAGGED(root):
        rank = 0 if article is not None and article in {fig, *fig.iterancestors()} else 1
        if found and rank >= min(r for r, _ in found):
            continue
        image = _captioned(fig, base)
        if image is not None:
            found.append((rank, image))
            if rank == 0:
                break
    return min(found, key=lambda item: item[0])[1] if found else None


def _captioned(fig: Any, base: str | None) -> Image | None:
    if fig.tag in {"body", "html"} or next(fig.iter("img", "picture"), None) is None:
        return None
    if _caption_element(fig) is None:
        return None
    image = _read_figure(fig, base)
    return image if image is not None and (image.caption or image.credit) else None


def _merge_images(lead: Image | None, declared: list[Image]) -> tuple[Image, ...]:
    if lead is None:
        return tuple(declared[:1])
    if declared:
        d = declared[0]
        return (
            Image(
                url=lead.url or d.url,
                title=lead.title or d.title,
                caption=lead.caption or d.caption,
                credit=lead.credit or d.credit,
            ),
        )
    return (lead,)


# --------------------------------------------------------------------------- body


def _find_container(root: Any) -> Any | None:
    """The deepest element holding most of the text of the page's long paragraphs.

    Readers' comments count too: if they outweigh the article and sit apart from it, the
    container is the comment section, trafilatura prunes it to nothing and the full cascade
    runs on the whole page instead.
    """
    mass: dict[Any, int] = {}
    total = 0
    for p in root.iter("p", "br"):
        if p.tag == "br":  # text set off by <br> in a <div>, old-style paragraphs
            n = len(p.tail.strip()) if p.tail else 0
            if n < _LONG_PARAGRAPH:
                continue
        else:
            n = sum(map(len, p.text_content().split()))  # characters, whitespace aside
            if n < _LONG_PARAGRAPH:
                continue
            links = sum(len(a.text_content()) for a in p.iter("a"))
            if links > _MAX_LINK_SHARE * n:
                continue
        total += n
        for anc in p.iterancestors():
            mass[anc] = mass.get(anc, 0) + n
    if not total:
        return None
    best = None
    best_depth = -1
    threshold = _CONTAINER_SHARE * total
    for el, weight in mass.items():
        if weight >= threshold:
            depth = sum(1 for _ in el.iterancestors())
            if depth > best_depth:
                best, best_depth = el, depth
    if best is None or best.tag in {"html", "body"}:
        return None
    return best


_SOCIAL_EMBED = re.compile(r"twitter-tweet|instagram-media|tiktok-embed|bluesky-embed", re.I)
_EMBED_WRAPPER = re.compile(r"social|embed|tweet|share", re.I)


def _unmask_social_embeds(root: Any) -> None:
    """Embedded posts quoted in a story are part of it: keep trafilatura from discarding them."""
    for quote in root.iter("blockquote"):
        if not _SOCIAL_EMBED.search(quote.get("class") or ""):
            continue
        del quote.attrib["class"]
        for anc in quote.iterancestors():
            if anc.tag in {"body", "html", "article"}:
                break
            for attr in ("class", "id"):
                if _EMBED_WRAPPER.search(anc.get(attr) or ""):
                    del anc.attrib[attr]


def _rescue_tree(text: str) -> Any:
    """A fresh tree of the whole page, for the rare page where the main extractor fails."""
    root = parse_html(text)
    etree.strip_elements(root, *_STRIP_TAGS, with_tail=False)
    return root


def _narrowed_document(container: Any) -> Any:
    root = lxml.html.Element("html")
    body = etree.SubElement(root, "body")
    # trafilatura looks for its body candidates in order; the wrapper is its "main content"
    # candidate, so a more specific article element inside the container still wins
    wrapper = etree.SubElement(body, "div", id="content")
    if container.tag not in _BLOCK_CONTAINERS:
        container.tag = "div"  # an inline wrapper (<span>, <font>) would be stripped with its text
    wrapper.append(container)  # moves the subtree: the original tree is not used after this
    return root


def _trafilatura_body(
    tree: Any, url: str | None, *, narrowed: bool, fallback: Callable[[], Any]
) -> Any:
    """trafilatura's main extractor on ``tree`` (which it modifies).

    Only the cleaning and main-extractor stages of trafilatura's cascade run, without its
    defensive copies of the tree (``extract_content`` keeps a deep copy for its wild-text
    recovery; we call its ``_extract`` directly: trafilatura is pinned to 2.3.1). The
    page-wide rescues (baseline text dump, recall escalation) would cost a second pass over
    the page for every short article; only when the main extractor finds almost nothing does
    the full cascade run, on ``fallback()`` (a fresh tree of the whole page). On a narrowed
    tree the prune of appended follow-up articles (infinite scroll) is moot and skipped.
    """
    from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
    from trafilatura.main_extractor import _extract
    from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH

    options = _trafilatura_options()
    if not narrowed:
        tree = prune_unwanted_nodes(tree, RAW_TREE_PRUNE_XPATH)
    tree = prune_unwanted_nodes(tree, REMOVE_COMMENTS_AND_LISTS_XPATH)
    cleaned = convert_tags(tree_cleaning(tree, options), options, url)
    postbody, text, _tags = _extract(cleaned, options)
    if len(text) < options.min_extracted_size:
        from trafilatura.core import trafilatura_sequence

        rescued, rescued_text, _comments, _ctext = trafilatura_sequence(fallback(), options, url)
        if len(rescued_text) > len(text):
            return rescued
    etree.strip_elements(postbody, "done")  # what _extract consumed, as extract_content does
    etree.strip_tags(postbody, "div")
    return postbody


_OPTIONS: list[Any] = []


def _trafilatura_options() -> Any:
    if not _OPTIONS:
        from trafilatura.settings import Extractor

        _OPTIONS.append(Extractor(output_format="python", fast=True, comments=False))
    return _OPTIONS[0]


_KINDS: dict[str, ParagraphKind] = {"head": "heading", "quote": "quote", "list": "list"}


def _paragraphs_from(postbody: Any) -> list[Paragraph]:
    out: list[Paragraph] = []
    loose = _clean(postbody.text)
    if loose:
        out.append(Paragraph(text=loose))
    for el in postbody:
        tag = el.tag if isinstance(el.tag, str) else ""
        tail = _clean(el.tail)
        if tag in {"graphic", "lb"}:
            if tail:
                out.append(Paragraph(text=tail))
            continue
        kind: ParagraphKind = _KINDS.get(tag, "p")
        if tag == "list":
            items = [_text_of(item) for item in el if item.tag == "item"]
            out.append(Paragraph(text="\n".join(i for i in items if i), kind=kind))
        elif tag == "table":
            rows = [" | ".join(_text_of(c) for c in row if _text_of(c)) for row in el.iter("row")]
            out.append(Paragraph(text="\n".join(r for r in rows if r), kind=kind))
        elif kind == "heading":
            out.append(Paragraph(text=_text_of(el), kind=kind))
        else:
            out.extend(Paragraph(text=block, kind=kind) for block in _blocks_of(el))
        if tail:  # text loose between blocks: trafilatura keeps it as the previous one's tail
            out.append(Paragraph(text=tail))
    return [p for p in out if p.text]


def _blocks_of(el: Any) -> list[str]:
    """Text of a paragraph element: a blank line (two <lb/>) splits it, one <lb/> is a newline."""
    parts: list[str] = []
    for event, node in etree.iterwalk(el, events=("start", "end")):
        if event == "start":
            if node.tag == "lb":
                parts.append("\n")
            elif node.text and isinstance(node.tag, str):
                parts.append(node.text)
        elif node is not el and node.tail:
            parts.append(node.tail)
    raw = "".join(parts)
    blocks = []
    for block in re.split(r"\n\s*\n", raw):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            blocks.append(text)
    return blocks


def _clean_paragraphs(
    paragraphs: list[Paragraph], meta: _Meta, site: str | None, images: tuple[Image, ...]
) -> list[Paragraph]:
    headline = _norm(meta.headline or "")
    byline = _norm(meta.byline or "")
    drop = {_norm(x) for img in images for x in (img.caption, img.credit, img.title) if x}
    drop.discard("")
    compare_up_to = max((len(x) for x in (*drop, headline)), default=0) * 2 + 20
    out: list[Paragraph] = []
    after_marker = False
    for i, para in enumerate(paragraphs):
        if _WORD.search(para.text) is None:
            continue
        key = _norm(para.text) if len(para.text) <= compare_up_to else ""
        if is_related_marker(para.text):
            after_marker = True
            continue
        if after_marker:
            if all(len(line) < _TITLE_CHARS for line in para.text.split("\n")):
                continue  # a link title in the block (headlines may end with "?" or ".")
            after_marker = False
        if i < 3 and headline and key == headline:
            continue
        if key and key in drop:
            continue
        if i < 6 and len(para.text) < 120 and _is_byline_or_dateline(para.text, byline):
            continue
        if is_boilerplate(para.text, site):
            continue
        out.append(para)
    return _trim_tail(out)


_TERMINAL = frozenset(".!?…\"”’'):;")


def _is_prose(para: Paragraph) -> bool:
    text = para.text.rstrip()
    return para.kind != "heading" and len(text) >= _PROSE_CHARS and text[-1] in _TERMINAL


def _is_title_like(para: Paragraph) -> bool:
    """A short line without closing punctuation: a link title, a teaser, a block heading."""
    lines = para.text.split("\n")
    return all(len(x) < _TITLE_CHARS and x.rstrip()[-1:] not in _TERMINAL for x in lines)


def _trim_tail(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Drop lists of title-like links after the last prose paragraph, and dangling headings."""
    last = max((i for i, p in enumerate(paragraphs) if _is_prose(p)), default=-1)
    if last < 0:
        return paragraphs
    tail = [
        p
        for p in paragraphs[last + 1 :]
        if not (p.kind == "list" and p.text.count("\n") >= 2 and _is_title_like(p))
    ]
    while tail and tail[-1].kind == "heading":
        tail.pop()
    return paragraphs[: last + 1] + tail


def _is_byline_or_dateline(text: str, byline: str) -> bool:
    if _BY_PREFIX.match(text) and (not byline or _overlap(_norm(text), byline) > 0.5):
        return True
    return bool(_DATELINE.match(text))


def _site_of(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.lower().removeprefix("www.") or None


# --------------------------------------------------------------------------- entry point


def extract_html(
    body: bytes | str, *, url: str | None = None, charset: str | None = None
) -> Article:
    """Read the article in an HTML page; raises ExtractionError when there is no article text."""
    budget = Budget.for_size(len(body), what=url or "page", error=ExtractionError)
    text = body if isinstance(body, str) else decode_html(body, charset)
    root = parse_html(text)
    try:
        meta = _read_metadata(root, url)
        etree.strip_elements(root, *_STRIP_TAGS, with_tail=False)
        budget.check("reading metadata")
        container = _find_container(root)
        lead = _lead_figure(root, container, url)
        if meta.byline is None:  # nothing declared: look around the text, not the whole page
            scope = (
                _region(container, next(iter(_FIRST_ARTICLE(root)), None))
                if container is not None
                else root
            )
            meta.byline = join_names([n for n in map(clean_byline, _byline_in(scope)) if n])
        images = _merge_images(lead, meta.images)
        tree = _narrowed_document(container) if container is not None else root
        _unmask_social_embeds(tree)
        postbody = _trafilatura_body(
            tree, url, narrowed=container is not None, fallback=lambda: _rescue_tree(text)
        )
        budget.check("extracting the body")
        site = _site_of(meta.canonical_url or url)
        paragraphs = _clean_paragraphs(_paragraphs_from(postbody), meta, site, images)
    except ExtractionError:
        raise
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError) as exc:
        raise ExtractionError(f"extraction failed: {exc!r}") from exc
    if not paragraphs:
        raise ExtractionError("no article text found")
    return Article(
        paragraphs=tuple(paragraphs),
        headline=meta.headline,
        byline=meta.byline,
        published_at=meta.published_at,
        updated_at=meta.updated_at,
        url=url,
        canonical_url=meta.canonical_url,
        language=meta.language,
        site_name=meta.site_name,
        description=meta.description,
        images=images,
    )
