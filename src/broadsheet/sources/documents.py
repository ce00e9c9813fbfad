"""Local documents: HTML files, plain-text page dumps, WARC archives; and feed entries that
carry their own full text.

A folder is walked recursively in sorted order. A file that cannot be read is reported through
``on_error(path, error)`` and the walk goes on.
"""

from __future__ import annotations

import gzip
import html
import logging
import os
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader

from ..errors import SourceError
from ..models import Document, FeedEntry

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_WARC_HEADER_BYTES",
    "MAX_WARC_HEADER_LINE",
    "count_documents",
    "document_kind",
    "entry_document",
    "iter_documents",
]

log = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 15 * 1024 * 1024  # the same cap as a fetched body
MAX_WARC_HEADER_LINE = 64 * 1024  # one WARC or HTTP header line of a record
MAX_WARC_HEADER_BYTES = 256 * 1024  # all header lines of one record
# compressed bytes warcio inflates at once: at gzip's 1:1032 at most, about 4 MiB a step
_BLOCK = 4096
_HTML_TYPES = ("text/html", "application/xhtml+xml")
ErrorHandler = Callable[[str, Exception], None]


def document_kind(path: Path) -> str | None:
    """ "html", "text", "warc" or None (not a document) from the file name."""
    name = path.name.lower()
    if name.endswith((".html", ".htm", ".html.gz", ".htm.gz", ".xhtml")):
        return "html"
    if name.endswith(".txt"):
        return "text"
    if name.endswith((".warc", ".warc.gz")):
        return "warc"
    return None


def _walk(path: Path) -> Iterator[Path]:
    """Files under ``path`` in sorted path order (folders and files interleaved by name);
    symbolic links to folders are not followed."""
    if not path.is_dir():
        yield path
        return
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        elif entry.is_file():
            yield Path(entry.path)


def count_documents(path: Path) -> int:
    """How many documents :func:`iter_documents` will roughly yield (a WARC counts as 1)."""
    path = Path(path)
    if not path.exists():
        return 0
    if path.is_file():
        return 1 if document_kind(path) is not None else 0
    return sum(1 for p in _walk(path) if document_kind(p) is not None)


def _read_at() -> datetime:
    """When a local file is taken in: its "seen at" time. Not the file's modification time,
    which says when the file was copied or saved, not when its story was published, and
    would date (and order) an undated story by it."""
    return datetime.now(UTC)


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _read_capped(stream: _Readable, what: str) -> bytes:
    data = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise SourceError(f"{what}: larger than {MAX_DOCUMENT_BYTES} bytes")
    return data


def _read_file(path: Path) -> bytes:
    if path.name.lower().endswith(".gz"):
        with gzip.open(path, "rb") as stream:
            return _read_capped(stream, str(path))
    with path.open("rb") as stream:
        return _read_capped(stream, str(path))


def iter_documents(path: Path, *, on_error: ErrorHandler | None = None) -> Iterator[Document]:
    """Documents under ``path`` (a file or a folder, sorted, recursive).

    ``.html .htm .html.gz`` give text/html, ``.txt`` text/plain, ``.warc .warc.gz`` one
    text/html Document per HTML response record (URI and HTTP charset from the record).
    Other files are skipped. A bad file calls ``on_error(path, error)`` (or is logged) and
    the walk goes on.
    """
    path = Path(path)

    def report(where: Path, exc: Exception) -> None:
        error = exc if isinstance(exc, SourceError) else SourceError(f"{where}: {exc}")
        if error is not exc:
            error.__cause__ = exc
        if on_error is not None:
            on_error(str(where), error)
        else:
            log.warning("skipping %s: %s", where, error)

    if not path.exists():
        report(path, SourceError(f"{path}: no such file or folder"))
        return
    if path.is_file() and document_kind(path) is None:
        report(path, SourceError(f"{path}: not a supported document (.html .htm .txt .warc)"))
        return
    for file in _walk(path):
        kind = document_kind(file)
        if kind is None:
            continue
        if kind == "warc":
            try:
                yield from _iter_warc(file, report)
            except Exception as exc:  # warcio raises many unrelated types on a corrupt archive
                report(file, exc)
            continue
        try:
            body = _read_file(file)
        except (OSError, EOFError, zlib.error, SourceError, ValueError) as exc:
            report(file, exc)
            continue
        yield Document(
            uri=str(file),
            body=body,
            media_type="text/html" if kind == "html" else "text/plain",
            fetched_at=_read_at(),
        )


def _content_type(value: str | None) -> tuple[str, str | None]:
    if not value:
        return "", None
    parts = value.split(";")
    charset = None
    for param in parts[1:]:
        name, _, raw = param.partition("=")
        if name.strip().lower() == "charset":
            charset = raw.strip().strip("\"'").lower() or None
    return parts[0].strip().lower(), charset


def _warc_date(value: str | None, fallback: datetime) -> datetime:
    if not value:
        return fallback
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return fallback
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class _CappedReader(DecompressingBufferedReader):  # type: ignore[misc]
    """warcio's reader with bounded header lines.

    warcio reads header lines (WARC headers, HTTP headers, the blank lines between records)
    with ``readline`` and no limit, so one 48 MB line held 144 MB. Here a line may hold
    :data:`MAX_WARC_HEADER_LINE` bytes and the lines read in a row (one record's headers)
    :data:`MAX_WARC_HEADER_BYTES`; past either the record is reported as bad. Reading a
    payload (``read``) starts a new count.
    """

    header_bytes = 0
    record = 0
    where = "WARC file"

    def readline(self, length: int | None = None) -> bytes:
        want = MAX_WARC_HEADER_LINE + 1 if length is None else min(length, MAX_WARC_HEADER_LINE + 1)
        line: bytes = super().readline(want)
        self.header_bytes += len(line)
        if len(line) > MAX_WARC_HEADER_LINE or self.header_bytes > MAX_WARC_HEADER_BYTES:
            cap = f"{MAX_WARC_HEADER_LINE} bytes a line, {MAX_WARC_HEADER_BYTES} a record"
            raise SourceError(
                f"{self.where}: record {self.record + 1}: headers over the cap ({cap}); "
                "the rest of the file is skipped"
            )
        return line

    def read(self, length: int | None = None) -> bytes:
        self.header_bytes = 0
        data: bytes = super().read(length)
        return data


class _Archive(ArchiveIterator):  # type: ignore[misc]
    """warcio's iterator over a :class:`_CappedReader`."""

    def __init__(self, stream: _Readable, where: str) -> None:
        super().__init__(stream)
        self.reader = _CappedReader(self.fh, block_size=_BLOCK)
        self.reader.where = where


def _iter_warc(path: Path, report: Callable[[Path, Exception], None]) -> Iterator[Document]:
    """HTML response records of one WARC file. warcio is lenient with damaged files, so
    non-WARC records, truncated records, a truncated gzip member and oversized headers are
    raised as errors (the records before them are kept)."""
    fallback = _read_at()  # a record without WARC-Date
    with path.open("rb") as stream:
        records: Any = _Archive(stream, str(path))
        for record in records:
            records.reader.header_bytes = 0  # this record's headers are read: count anew
            records.reader.record += 1
            if record.format != "warc":
                raise SourceError(f"{path}: not a WARC file (found a {record.format} record)")
            document = None
            if record.rec_type == "response" and record.http_headers is not None:
                try:
                    document = _response_document(path, record, fallback)
                except SourceError as exc:  # one oversized record: skip it, keep the rest
                    report(path, exc)
            _drain(record.raw_stream)
            if getattr(record.raw_stream, "limit", 0) > 0:  # bytes promised but never read
                uri = record.rec_headers.get_header("WARC-Target-URI")
                raise SourceError(f"{path}: truncated {record.rec_type} record of {uri}")
            if document is not None:
                yield document
        if getattr(records, "err_count", 0):
            raise SourceError(f"{path}: {records.err_count} damaged record boundaries")


def _drain(stream: _Readable) -> None:
    while stream.read(65536):
        continue  # read to the end and discard


def _response_document(path: Path, record: Any, fallback: datetime) -> Document | None:
    status = record.http_headers.get_statuscode()
    media_type, charset = _content_type(record.http_headers.get_header("Content-Type"))
    uri = record.rec_headers.get_header("WARC-Target-URI") or str(path)
    if (status and not str(status).startswith("2")) or media_type not in _HTML_TYPES:
        return None
    body = _read_capped(record.content_stream(), f"{path} record {uri}")
    return Document(
        uri=uri.strip("<>"),
        body=body,
        media_type="text/html",
        fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date"), fallback),
        charset=charset,
    )


# --------------------------------------------------------------------------- feed entries

MIN_ENTRY_TEXT = 400  # characters of text a feed entry needs to stand in for its page


def _text_length(markup: str) -> int:
    from lxml import html as lxml_html

    try:
        fragment = lxml_html.fragment_fromstring(markup, create_parent="div")
    except Exception:  # lxml raises several unrelated types on junk; length 0 is the answer
        return 0
    return len(" ".join(str(fragment.text_content()).split()))


def entry_document(entry: FeedEntry, *, feed_url: str, fetched_at: datetime) -> Document | None:
    """A text/html Document made from a feed entry's own content, or None when it has too
    little text to stand in for the page (then fetch ``entry.link`` instead)."""
    markup = entry.content_html
    if not markup or _text_length(markup) < MIN_ENTRY_TEXT:
        summary = entry.summary or ""
        if not summary or _text_length(summary) < MIN_ENTRY_TEXT:
            return None
        markup = summary if "<" in summary else f"<p>{html.escape(summary)}</p>"
    title = entry.title or ""
    page = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body><article>"
        + (f"<h1>{html.escape(title)}</h1>\n" if title else "")
        + markup
        + "</article></body></html>\n"
    )
    uri = entry.link or (f"{feed_url}#{entry.guid}" if entry.guid else feed_url)
    return Document(
        uri=uri,
        body=page.encode("utf-8"),
        media_type="text/html",
        fetched_at=fetched_at,
        charset="utf-8",
        title=entry.title,
        published_at=entry.published_at or entry.updated_at,
        author=entry.author,
        guid=entry.guid,
    )
