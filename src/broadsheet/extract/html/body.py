"""The body: the article's paragraphs and section headings, without the page around them.

The text container is found by where the long paragraphs are; trafilatura's cleaning and
main extractor read it; the result becomes typed paragraphs, cleaned of the headline,
bylines and datelines, captions and credits, related links and boilerplate.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from broadsheet.extract.boilerplate import is_boilerplate, is_related_marker
from broadsheet.models import Image, Paragraph, ParagraphKind

from .bylines import _BY_PREFIX
from .metadata import _Meta
from .tree import _clean, _norm, _overlap, _text_of, parse_html

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

_WORD = re.compile(r"\w")

_DATELINE = re.compile(
    r"^(?:published|updated|posted|last\s+updated|first\s+published|modified)\b.{0,80}$",
    re.IGNORECASE,
)


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
