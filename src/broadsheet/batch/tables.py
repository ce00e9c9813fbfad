"""The tables a bulk job writes: articles, and one table per kind of annotation, as Parquet.

Every row of an annotation table carries the ``key`` of its article (``<file>:<record>``).
Columns follow the model's fields (``broadsheet.models``), so a field added to ``Quote`` or
``Fact`` becomes a column without touching this module: a span ``(start, end)`` becomes
``<name>_start``/``<name>_end``, a value that is a number or a text becomes ``<name>`` (text)
and ``<name>_number``. ``article_from_row`` and ``annotations_from_rows`` read them back, so
loading a job's output into the store stores exactly what ``ingest`` would have.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields
from datetime import datetime
from typing import Any, get_args, get_origin, get_type_hints

import pyarrow as pa

from ..models import (
    Annotations,
    Article,
    Document,
    Entity,
    Fact,
    Image,
    Paragraph,
    Quote,
    TickerMention,
)

__all__ = [
    "ANNOTATION_TABLES",
    "ARTICLE_SCHEMA",
    "TABLES",
    "annotation_rows",
    "annotations_from_rows",
    "article_from_row",
    "article_row",
    "schema_of",
]

ANNOTATION_TABLES: dict[str, type[Any]] = {
    "entities": Entity,
    "tickers": TickerMention,
    "quotes": Quote,
    "facts": Fact,
}

_PARAGRAPH = pa.struct([("text", pa.string()), ("kind", pa.string())])
_IMAGE = pa.struct(
    [
        ("url", pa.string()),
        ("title", pa.string()),
        ("caption", pa.string()),
        ("credit", pa.string()),
    ]
)
ARTICLE_SCHEMA = pa.schema(
    [
        ("key", pa.string()),
        ("source_file", pa.string()),
        ("record", pa.int64()),
        ("uri", pa.string()),
        ("fetched_at", pa.string()),
        ("identity", pa.string()),
        ("error", pa.string()),
        ("enriched", pa.bool_()),
        ("enrich_error", pa.string()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("headline", pa.string()),
        ("byline", pa.string()),
        ("published_at", pa.string()),
        ("updated_at", pa.string()),
        ("language", pa.string()),
        ("site_name", pa.string()),
        ("description", pa.string()),
        ("body", pa.string()),
        ("paragraphs", pa.list_(_PARAGRAPH)),
        ("images", pa.list_(_IMAGE)),
        ("topics", pa.list_(pa.string())),
        ("tone", pa.float64()),
    ]
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _kind(annotation: Any) -> str:
    """What a field's type is, for the table: span, number-or-text, int, float, text."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        inner = [a for a in get_args(annotation) if a is not type(None)]
        if inner == [float, str] or inner == [str, float]:
            return "number_or_text"
        annotation = inner[0] if len(inner) == 1 else str
    if get_origin(annotation) is tuple:
        return "span"
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    return "text"


def _fields(cls: type[Any]) -> list[tuple[str, str]]:
    hints = get_type_hints(cls)
    return [(f.name, _kind(hints[f.name])) for f in fields(cls)]


def schema_of(cls: type[Any]) -> pa.Schema:
    """The Parquet schema of an annotation table for model ``cls``."""
    columns: list[tuple[str, pa.DataType]] = [("key", pa.string())]
    for name, kind in _fields(cls):
        if kind == "span":
            columns += [(f"{name}_start", pa.int64()), (f"{name}_end", pa.int64())]
        elif kind == "number_or_text":
            columns += [(name, pa.string()), (f"{name}_number", pa.float64())]
        elif kind == "int":
            columns.append((name, pa.int64()))
        elif kind == "float":
            columns.append((name, pa.float64()))
        else:
            columns.append((name, pa.string()))
    return pa.schema(columns)


TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLE_SCHEMA,
    **{name: schema_of(cls) for name, cls in ANNOTATION_TABLES.items()},
}


def article_row(
    key: str,
    source_file: str,
    record: int,
    doc: Document,
    article: Article | None,
    identity: str | None,
    annotations: Annotations | None,
    *,
    error: str | None = None,
    enrich_error: str | None = None,
) -> dict[str, Any]:
    """The ``articles`` row of one document (``article`` None: it could not be read)."""
    row: dict[str, Any] = {name: None for name in ARTICLE_SCHEMA.names}
    row.update(
        key=key,
        source_file=source_file,
        record=record,
        uri=doc.uri,
        fetched_at=_iso(doc.fetched_at),
        identity=identity,
        error=error,
        enriched=annotations is not None,
        enrich_error=enrich_error,
        paragraphs=[],
        images=[],
        topics=[],
        tone=0.0,
    )
    if article is not None:
        row.update(
            url=article.url,
            canonical_url=article.canonical_url,
            headline=article.headline,
            byline=article.byline,
            published_at=_iso(article.published_at),
            updated_at=_iso(article.updated_at),
            language=article.language,
            site_name=article.site_name,
            description=article.description,
            body=article.body,
            paragraphs=[{"text": p.text, "kind": p.kind} for p in article.paragraphs],
            images=[
                {"url": i.url, "title": i.title, "caption": i.caption, "credit": i.credit}
                for i in article.images
            ],
        )
    if annotations is not None:
        row.update(topics=list(annotations.topics), tone=annotations.tone)
    return row


def annotation_rows(key: str, annotations: Annotations) -> dict[str, list[dict[str, Any]]]:
    """``{table: rows}`` of one article's annotations."""
    out: dict[str, list[dict[str, Any]]] = {}
    for table, cls in ANNOTATION_TABLES.items():
        kinds = _fields(cls)
        rows = []
        for item in getattr(annotations, table):
            row: dict[str, Any] = {"key": key}
            for name, kind in kinds:
                value = getattr(item, name)
                if kind == "span":
                    row[f"{name}_start"] = None if value is None else value[0]
                    row[f"{name}_end"] = None if value is None else value[1]
                elif kind == "number_or_text":
                    row[name] = None if value is None else str(value)
                    row[f"{name}_number"] = value if isinstance(value, int | float) else None
                else:
                    row[name] = value
            rows.append(row)
        out[table] = rows
    return out


def article_from_row(row: Mapping[str, Any]) -> Article:
    """The Article an ``articles`` row was made from."""
    return Article(
        paragraphs=tuple(Paragraph(p["text"], p["kind"]) for p in row["paragraphs"] or ()),
        headline=row["headline"],
        byline=row["byline"],
        published_at=_parse(row["published_at"]),
        updated_at=_parse(row["updated_at"]),
        url=row["url"],
        canonical_url=row["canonical_url"],
        language=row["language"],
        site_name=row["site_name"],
        description=row["description"],
        images=tuple(
            Image(i["url"], i["title"], i["caption"], i["credit"]) for i in row["images"] or ()
        ),
    )


def _item(cls: type[Any], row: Mapping[str, Any]) -> Any:
    values: dict[str, Any] = {}
    for name, kind in _fields(cls):
        if kind == "span":
            start, end = row.get(f"{name}_start"), row.get(f"{name}_end")
            values[name] = None if start is None or end is None else (int(start), int(end))
        elif kind == "number_or_text":
            number = row.get(f"{name}_number")
            values[name] = float(number) if number is not None else row.get(name)
        elif name in row:
            values[name] = row[name]
    return cls(**values)


def annotations_from_rows(
    article: Mapping[str, Any], tables: Mapping[str, Iterable[Mapping[str, Any]]]
) -> Annotations:
    """The Annotations of one article from its ``articles`` row and its annotation rows."""
    parts: dict[str, tuple[Any, ...]] = {
        table: tuple(_item(cls, row) for row in tables.get(table, ()))
        for table, cls in ANNOTATION_TABLES.items()
    }
    return Annotations(
        entities=parts["entities"],
        tickers=parts["tickers"],
        quotes=parts["quotes"],
        facts=parts["facts"],
        topics=tuple(article["topics"] or ()),
        tone=float(article["tone"] or 0.0),
    )


def grouped(rows: Iterable[Mapping[str, Any]]) -> Iterator[tuple[str, list[Mapping[str, Any]]]]:
    """Rows grouped by ``key`` (in the order keys first appear)."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(str(row["key"]), []).append(row)
    yield from groups.items()
