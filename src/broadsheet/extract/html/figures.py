"""Figures: the article's lead image with its title, caption and credit.

The first captioned image of the article is looked for in its text container, then around
it, then on the whole page; a credit is told from the caption by its markup ("credit",
"photographer" classes) or its wording ("Photo: Jane Roe/Agency"). What the page declares
(JSON-LD, ``og:image``) fills what the figure leaves out.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from broadsheet.models import Image

from .tree import _FIRST_ARTICLE, _clean, _norm, _region, _text_of

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


def split_credit(caption: str) -> tuple[str, str | None]:
    """A caption with a trailing credit ("... Photo: Jane Roe/Agency") -> (caption, credit)."""
    match = _CREDIT_TEXT.search(caption)
    if match is None:
        return caption, None
    credit = match.group(1).strip().strip("()[]").strip()
    rest = caption[: match.start(1)].rstrip(" (|–—-[").strip()
    return rest, credit or None


# <figure>, and the parents of caption blocks (WordPress "wp-caption" divs and the like)
_FIGURES_ANY = etree.XPath(
    './/figure | .//*[contains(@class, "caption") or contains(@class, "Caption")]/..'
)
_FIGURES_TAGGED = etree.XPath("//figure | //figcaption/..")

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
