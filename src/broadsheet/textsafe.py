"""Text from outside made safe to store and to show.

* :func:`clean_text` removes C0 and C1 control characters (and DEL) but newline and tab, so
  a headline such as ``"\\x1b]0;pwned\\x07"`` can never drive a terminal that prints it, and
  lxml (which refuses control characters) can build trees from any page. A carriage return
  becomes a newline. It is the one function applied wherever text enters: extraction
  results, feed entries and titles, JSON Feed, text dumps, source titles and errors recorded
  from servers.
* :func:`neutralise_formula` makes a cell that a spreadsheet would run as a formula
  (``=``, ``+``, ``-``, ``@``, tab or carriage return first) inert by prefixing a single
  quote, as OWASP recommends for CSV exports; plain numbers are left alone.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Article

__all__ = ["clean_article", "clean_optional", "clean_text", "neutralise_formula"]

# C0 but \t and \n, DEL, C1; \r is handled first (CRLF and lone CR become \n)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def clean_text(text: str) -> str:
    """``text`` without control characters other than newline and tab."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROLS.search(text) is None:
        return text
    return _CONTROLS.sub("", text)


def clean_optional(text: str | None) -> str | None:
    """:func:`clean_text` for an optional field; a field left empty becomes None."""
    if text is None:
        return None
    cleaned = clean_text(text)
    return cleaned if cleaned.strip() or not text.strip() else None


def clean_article(article: Article) -> Article:
    """``article`` with :func:`clean_text` applied to every text field it stores."""
    paragraphs = tuple(
        replace(p, text=cleaned)
        for p in article.paragraphs
        if (cleaned := clean_text(p.text)).strip()
    )
    images = tuple(
        replace(
            image,
            url=clean_optional(image.url),
            title=clean_optional(image.title),
            caption=clean_optional(image.caption),
            credit=clean_optional(image.credit),
        )
        for image in article.images
    )
    return replace(
        article,
        paragraphs=paragraphs,
        headline=clean_optional(article.headline),
        byline=clean_optional(article.byline),
        url=clean_optional(article.url),
        canonical_url=clean_optional(article.canonical_url),
        language=clean_optional(article.language),
        site_name=clean_optional(article.site_name),
        description=clean_optional(article.description),
        images=images,
    )


def neutralise_formula(cell: str) -> str:
    """A CSV cell a spreadsheet will show as text: formula starters get a leading ``'``."""
    if not cell.startswith(_FORMULA_START) or _NUMBER.fullmatch(cell):
        return cell
    return "'" + cell
