"""OPML subscription lists: read (safely) and write.

Reading decodes and screens the text like a feed (DOCTYPE entities dropped, stray ``&``
escaped), then uses lxml with entity resolution, DTD loading and network access all off, so an
OPML file can neither expand a billion laughs nor fetch or read anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from lxml import etree

from ..errors import SourceError
from ..models import Source
from .xmltext import decode_xml, normalize_entities, screen_doctype_entities, set_xml_encoding

__all__ = ["OpmlOutline", "read_opml", "write_opml"]


@dataclass(frozen=True, slots=True)
class OpmlOutline:
    """One subscription from an OPML file."""

    url: str  # the feed (xmlUrl)
    title: str | None = None
    html_url: str | None = None  # the site (htmlUrl)
    category: str | None = None  # enclosing outline titles joined by "/", or the category attribute


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=True,
    )


def _label(element: etree._Element) -> str | None:
    for name in ("title", "text"):
        value = element.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def read_opml(data: bytes) -> list[OpmlOutline]:
    """Every feed outline (one with ``xmlUrl``) of an OPML document, in document order.

    Nested outlines give their enclosing outlines' titles as the category. Raises
    :class:`SourceError` when the data is not OPML.
    """
    if not isinstance(data, bytes | bytearray):
        raise TypeError("read_opml takes the file's bytes")
    text, _codec, _problems = decode_xml(bytes(data))
    text, _problems, declared = screen_doctype_entities(set_xml_encoding(text))
    text, _problems = normalize_entities(text, declared)  # "?a=1&b=2" written unescaped
    raw = text.encode("utf-8")
    try:
        root = etree.fromstring(raw, parser=_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise SourceError(f"not an OPML file: {exc}") from None
    if (
        root is None
        or not isinstance(root.tag, str)
        or etree.QName(root).localname.lower() != "opml"
    ):
        raise SourceError("not an OPML file: the root element is not <opml>")
    body = next((c for c in root if isinstance(c.tag, str) and c.tag.lower() == "body"), None)
    if body is None:
        raise SourceError("not an OPML file: no <body>")
    outlines: list[OpmlOutline] = []
    seen: set[str] = set()

    def walk(element: etree._Element, path: tuple[str, ...]) -> None:
        for child in element:
            if not isinstance(child.tag, str) or child.tag.lower() != "outline":
                continue
            url = (child.get("xmlUrl") or child.get("xmlurl") or "").strip()
            label = _label(child)
            if url:
                category = "/".join(path) if path else None
                if category is None and (attr := (child.get("category") or "").strip()):
                    category = attr.split(",")[0].strip().strip("/") or None
                if url not in seen:
                    seen.add(url)
                    html_url = (child.get("htmlUrl") or child.get("htmlurl") or "").strip()
                    outlines.append(OpmlOutline(url, label, html_url or None, category))
            walk(child, (*path, label) if (not url and label) else path)

    walk(body, ())
    return outlines


def write_opml(sources: Iterable[Source], title: str = "Broadsheet subscriptions") -> str:
    """An OPML 2.0 document of the feed subscriptions (pages are written as link outlines)."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = etree.SubElement(root, "body")
    for source in sources:
        label = source.title or source.url
        if source.kind == "feed":
            etree.SubElement(
                body, "outline", type="rss", text=label, title=label, xmlUrl=source.url
            )
        else:
            etree.SubElement(body, "outline", type="link", text=label, url=source.url)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data.decode("utf-8")
