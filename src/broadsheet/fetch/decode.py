"""Bounded Content-Encoding decoders.

httpx would decompress a whole network chunk at once, so a 64 KiB read of a gzip bomb could
become 64 MiB in memory before any size check runs. These decoders yield output in pieces of
at most :data:`PIECE` bytes (``zlib``'s ``max_length``), so the body cap is enforced on the
decompressed size while memory stays flat.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from ..errors import FetchError

__all__ = ["ACCEPT_ENCODING", "MAX_CODINGS", "PIECE", "BodyDecoder", "make_decoder"]

PIECE = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate"
MAX_CODINGS = 4  # stacked Content-Encodings undone; real servers send one, rarely two


class BodyDecoder:
    """Identity decoder; subclasses decompress. ``feed`` and ``flush`` yield bounded pieces."""

    def feed(self, data: bytes) -> Iterator[bytes]:
        for start in range(0, len(data), PIECE):
            yield data[start : start + PIECE]

    def flush(self) -> Iterator[bytes]:
        return iter(())


class _ZlibDecoder(BodyDecoder):
    def __init__(self, wbits: int, *, multi_member: bool) -> None:
        self._wbits = wbits
        self._multi = multi_member
        self._d = zlib.decompressobj(wbits)
        self._done = False

    def _drain(self, data: bytes) -> Iterator[bytes]:
        while not self._done:
            out = self._d.decompress(data, PIECE)
            if out:
                yield out
            if self._d.eof:
                rest = self._d.unused_data
                if self._multi and rest.strip(b"\0"):
                    self._d = zlib.decompressobj(self._wbits)
                    data = rest
                    continue
                self._done = True
                return
            data = self._d.unconsumed_tail
            if not data and len(out) < PIECE:
                return

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            yield from self._drain(data)
        except zlib.error as exc:
            raise FetchError(f"corrupt compressed body: {exc}") from exc

    def flush(self) -> Iterator[bytes]:
        if self._done:
            return
        try:
            while not self._done:
                out = self._d.decompress(self._d.unconsumed_tail, PIECE)
                if not out:
                    break
                yield out
        except zlib.error as exc:
            raise FetchError(f"corrupt compressed body: {exc}") from exc


class _DeflateDecoder(BodyDecoder):
    """``deflate`` is meant to be zlib-wrapped, but some servers send raw deflate."""

    def __init__(self) -> None:
        self._inner: _ZlibDecoder | None = None
        self._first = True

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._first and data:
            self._first = False
            try:
                zlib.decompressobj(zlib.MAX_WBITS).decompress(data[:64], 1)
                self._inner = _ZlibDecoder(zlib.MAX_WBITS, multi_member=False)
            except zlib.error:
                self._inner = _ZlibDecoder(-zlib.MAX_WBITS, multi_member=False)
        if self._inner is not None:
            yield from self._inner.feed(data)

    def flush(self) -> Iterator[bytes]:
        if self._inner is not None:
            yield from self._inner.flush()


class _ChainDecoder(BodyDecoder):
    def __init__(self, decoders: list[BodyDecoder]) -> None:
        self._decoders = decoders

    def _through(self, pieces: Iterator[bytes], index: int) -> Iterator[bytes]:
        if index == len(self._decoders):
            yield from pieces
            return
        decoder = self._decoders[index]
        for piece in pieces:
            yield from self._through(decoder.feed(piece), index + 1)

    def feed(self, data: bytes) -> Iterator[bytes]:
        yield from self._through(iter((data,)), 0)

    def flush(self) -> Iterator[bytes]:
        for index, decoder in enumerate(self._decoders):
            yield from self._through(decoder.flush(), index + 1)


def make_decoder(content_encoding: str | None) -> BodyDecoder:
    """A decoder for a ``Content-Encoding`` header (codings listed in the order applied)."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    if len(codings) > MAX_CODINGS:
        raise FetchError(
            f"{len(codings)} stacked Content-Encodings refused (at most {MAX_CODINGS} are undone)"
        )
    decoders: list[BodyDecoder] = []
    for coding in reversed(codings):  # the last coding applied is undone first
        if coding in ("identity", ""):
            continue
        if coding in ("gzip", "x-gzip"):
            decoders.append(_ZlibDecoder(16 + zlib.MAX_WBITS, multi_member=True))
        elif coding == "deflate":
            decoders.append(_DeflateDecoder())
        else:
            raise FetchError(f"unsupported Content-Encoding {coding!r}")
    if not decoders:
        return BodyDecoder()
    if len(decoders) == 1:
        return decoders[0]
    return _ChainDecoder(decoders)
