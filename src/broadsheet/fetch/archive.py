"""What Broadsheet fetched, written as WARC: a desk archives its own crawl and can replay it
(``broadsheet ingest crawl/*.warc.gz``, ``broadsheet batch``).

One ``response`` record per successful GET (status 2xx), with the HTTP headers as received
(less the transfer codings already undone) and the body as decoded, in gzipped WARC files
that rotate at ``max_bytes``. Thread-safe: one archive is shared by all of a fetcher's threads.
"""

from __future__ import annotations

import io
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ..models import FetchResult

__all__ = ["WarcArchive"]

_DROPPED = {"content-encoding", "transfer-encoding", "content-length"}


class WarcArchive:
    """Gzipped WARC files under ``directory``, a new one every ``max_bytes``."""

    def __init__(self, directory: Path, *, max_bytes: int = 1024**3) -> None:
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._handle: Any = None
        self._writer: WARCWriter | None = None
        self._path: Path | None = None
        self._serial = 0
        self.records = 0

    @property
    def path(self) -> Path | None:
        """The file being written now."""
        return self._path

    def _open(self) -> WARCWriter:
        if self._writer is not None and self._handle.tell() < self.max_bytes:
            return self._writer
        self._close_file()
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self._serial += 1
        self._path = self.directory / f"broadsheet-{stamp}-{os.getpid()}-{self._serial:05d}.warc.gz"
        self._handle = self._path.open("ab")
        self._writer = WARCWriter(self._handle, gzip=True)
        return self._writer

    def record(self, result: FetchResult, *, reason: str = "OK") -> None:
        """Append the response ``result`` (a 2xx answer) to the archive."""
        if not 200 <= result.status < 300:
            return
        headers = [(k, v) for k, v in result.headers.items() if k.lower() not in _DROPPED]
        headers.append(("content-length", str(len(result.body))))
        http = StatusAndHeaders(f"{result.status} {reason}", headers, protocol="HTTP/1.1")
        when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._lock:
            writer = self._open()
            record = writer.create_warc_record(
                result.url,
                "response",
                payload=io.BytesIO(result.body),
                length=len(result.body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": when},
            )
            writer.write_record(record)
            self._handle.flush()
            self.records += 1

    def _close_file(self) -> None:
        if self._handle is not None:
            self._handle.close()
        self._handle = None
        self._writer = None

    def close(self) -> None:
        with self._lock:
            self._close_file()
