"""HTML page -> :class:`~broadsheet.models.Article`.

The page is decoded (:func:`~broadsheet.extract.encoding.decode_html`) and parsed ONCE with
lxml (``tree``). Metadata (headline, byline, dates, canonical URL, language, site name,
description, declared lead image) is read from that tree first: JSON-LD, ``<meta>``,
``<link rel=canonical>``, ``<time>`` (``metadata``, which reads author names with
``bylines`` and dates with ``dates``); the lead image's caption and credit from
``<figure>``/``<figcaption>`` (``figures``). Then the same tree is cut down in C
(scripts, styles, navigation, asides, footers, widgets stripped) and narrowed to the
deepest element holding 80 % of the text of the page's long paragraphs, and trafilatura's
cleaning and main-extractor stages (fast mode, comments off) read the body from that small
tree; its full cascade runs on a fresh tree only when they find almost nothing. The output
is turned into typed paragraphs ("p", "heading", "quote", "list") and cleaned of what
trafilatura leaves: the headline repeated at the top, bylines and datelines, image
captions and credits, blocks of related links, and boilerplate lines listed in
:data:`broadsheet.extract.boilerplate.BOILERPLATE` (the one table of per-site knowledge)
(``body``). :func:`extract_html` runs the three stages.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from broadsheet.budget import Budget
from broadsheet.errors import ExtractionError
from broadsheet.extract.encoding import decode_html
from broadsheet.models import Article, Paragraph

from .body import (
    _STRIP_TAGS,
    _clean_paragraphs,
    _find_container,
    _narrowed_document,
    _paragraphs_from,
    _rescue_tree,
    _site_of,
    _trafilatura_body,
    _unmask_social_embeds,
)
from .bylines import _byline_in, clean_byline, join_names
from .figures import _lead_figure, _merge_images
from .metadata import _Meta, _read_metadata
from .tree import _FIRST_ARTICLE, _region, parse_html

__all__ = ["extract_html", "extract_html_metadata", "parse_html"]


def _byline_near(root: Any, container: Any, site_name: str | None) -> str | None:
    """A byline looked for around the article's text (not the whole page), when the page
    declares none."""
    scope = (
        _region(container, next(iter(_FIRST_ARTICLE(root)), None))
        if container is not None
        else root
    )
    return join_names([n for n in (clean_byline(x, site_name) for x in _byline_in(scope)) if n])


def _article(
    meta: _Meta, url: str | None, paragraphs: tuple[Paragraph, ...], images: tuple[Any, ...]
) -> Article:
    """The article of a page: its paragraphs and images with the metadata read from it."""
    return Article(
        paragraphs=paragraphs,
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


def extract_html_metadata(
    body: bytes | str, *, url: str | None = None, charset: str | None = None
) -> Article:
    """The metadata of a page alone (headline, byline, dates, site, language...), no body:
    for a page with no article text, and for benchmarks of metadata."""
    budget = Budget.for_size(len(body), what=url or "page", error=ExtractionError)
    text = body if isinstance(body, str) else decode_html(body, charset)
    root = parse_html(text)
    try:
        meta = _read_metadata(root, url)
        if meta.byline is None:
            etree.strip_elements(root, *_STRIP_TAGS, with_tail=False)
            budget.check("reading metadata")
            container = _find_container(root)
            meta.byline = _byline_near(root, container, meta.site_name)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError) as exc:
        raise ExtractionError(f"extraction failed: {exc!r}") from exc
    return _article(meta, url, (), tuple(meta.images))


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
            meta.byline = _byline_near(root, container, meta.site_name)
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
    return _article(meta, url, tuple(paragraphs), images)
