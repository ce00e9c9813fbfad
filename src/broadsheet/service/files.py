"""Reading files without storing them (the measurement contract's ``extract`` and
``analyze``): the part of the archive tasks that needs no archive, so ``broadsheet
extract`` and ``broadsheet analyze`` import neither the store, the search index nor the
rest of the service."""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BroadsheetError
from ..models import Document

if TYPE_CHECKING:
    from ..enrich import Enricher

__all__ = ["FileRow", "analyze_files", "extract_files", "input_files", "read_document"]

_SUFFIXES = (".html.gz", ".html", ".htm", ".txt")


def input_files(path: Path, *, plain: bool = False) -> list[Path]:
    """The files a measurement command reads: ``path`` itself, or every page and text dump
    under it, sorted (only ``.txt`` files with ``plain``)."""
    if path.is_file():
        return [path]
    suffixes = (".txt",) if plain else _SUFFIXES
    return sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(suffixes))


def read_document(path: Path) -> Document:
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    media = "text/plain" if path.name.endswith(".txt") else "text/html"
    return Document(uri=str(path), body=raw, media_type=media, fetched_at=datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class FileRow:
    """One file read by ``extract``/``analyze``: its JSON row, or why it could not be read."""

    path: Path
    row: dict[str, Any]
    error: str | None = None


def _empty_row(doc_id: str, body: str = "") -> dict[str, Any]:
    return {
        "id": doc_id,
        "headline": None,
        "byline": None,
        "published_at": None,
        "images": [],
        "sections": [],
        "articleBody": body,
    }


def extract_files(path: Path) -> Iterator[FileRow]:
    """The article read out of each page or text dump under ``path``."""
    from ..extract import article_to_row, doc_id_for, extract_document

    for file in input_files(path):
        try:
            article = extract_document(read_document(file))
        except BroadsheetError as exc:
            yield FileRow(file, _empty_row(doc_id_for(file)), str(exc))
            continue
        yield FileRow(file, article_to_row(doc_id_for(file), article))


def _text_file_id(path: Path) -> str:
    """``extract.doc_id_for(path)``; for a ``.txt`` file without importing the HTML
    extractor (lxml), which ``analyze --plain`` never runs."""
    name = path.name
    if name.lower().endswith(".txt") and len(name) > len(".txt"):
        return name[: -len(".txt")]
    from ..extract import doc_id_for

    return doc_id_for(path)


def analyze_files(
    path: Path, enricher: Enricher, *, plain: bool = False, batch_size: int = 16
) -> Iterator[FileRow]:
    """Extract (or with ``plain``, take each ``.txt`` as it is) and annotate each file
    under ``path`` with ``enricher``; offsets index into ``articleBody``."""
    from .annotations import annotations_json

    pending: list[FileRow] = []

    def annotated() -> Iterator[FileRow]:
        texts = [str(r.row["articleBody"]) for r in pending]
        results = list(enricher.analyze_many(texts, batch_size=batch_size))
        for item, ann, text in zip(pending, results, texts, strict=True):
            item.row.update(annotations_json(ann, text))
            yield item
        pending.clear()

    if plain:
        rows: Iterable[FileRow] = (
            FileRow(f, _empty_row(_text_file_id(f), f.read_text("utf-8")))
            for f in input_files(path, plain=True)
        )
    else:
        rows = extract_files(path)
    for item in rows:
        if item.error is not None:
            yield item
            continue
        pending.append(item)
        if len(pending) >= batch_size:
            yield from annotated()
    if pending:
        yield from annotated()
