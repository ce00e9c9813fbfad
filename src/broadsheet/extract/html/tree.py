"""The page's one lxml tree, and what every stage reads off it.

``parse_html`` parses a decoded page (one parser per thread, at most ``MAX_ELEMENTS``
elements); ``_clean``, ``_norm`` and
``_text_of`` give an element's text, squeezed or as a comparison key; ``_region`` is the
text container with its surroundings, where the lead image and the byline are looked for.
"""

from __future__ import annotations

import itertools
import re
import threading
from typing import Any

import lxml.html
from lxml import etree

from broadsheet.errors import ExtractionError
from broadsheet.textsafe import clean_text

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


def _overlap(a: str, b: str) -> float:
    sa, sb = set(a.split()), set(b.split())
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


_FIRST_ARTICLE = etree.XPath("(//article)[1]")

_REGION_REACH = 3  # levels above the text container searched for lead image and byline


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
