"""Reading files without storing them (the measurement contract's ``extract``): the part of
the archive tasks that needs no archive, so ``broadsheet extract`` imports neither the
store, the search index nor the rest of the service."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import BroadsheetError
from ..models import Document

__all__ = ["FileRow", "extract_files", "input_files", "read_document"]

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
