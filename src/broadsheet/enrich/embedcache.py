"""The embedding stage of a spaCy ``MultiHashEmbed``, cached per token attributes.

The stage (hash embeddings of the token's attribute ids, concatenated, then maxout and layer
norm) works row by row and depends only on those ids, so a row computed once holds for every
later token with the same ids: most tokens of an article are words seen before. ``EmbedRows``
computes the rows of ids not yet cached with the model's own layers and reads the rest from
a store. Each row is the same computation on the same inputs (a matrix product's rows do not
depend on the other rows), so the rows are the model's to the bit. Used by the NER's own
tok2vec (``fastner``) and the shared one (``fasttok2vec``).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy

__all__ = ["EmbedRows"]


class EmbedRows:
    """The rows of ``embed`` (a ``MultiHashEmbed``'s layers) for attribute ids, cached.

    At most ``capacity`` rows are held; when a batch would overflow the store it is emptied
    and filled again, and a batch with more distinct rows than that is computed uncached.
    Safe to share between threads (one lock around the cache)."""

    def __init__(self, embed: Any, capacity: int) -> None:
        self.columns = list(embed.layers[0].attrs["columns"])
        self._hash = embed.layers[2].layers[0]
        self._mix = embed.layers[3].layers[0]
        self.width = self._mix.get_dim("nO")
        self.capacity = capacity
        self._cache: dict[bytes, int] = {}
        self._store = numpy.empty((capacity, self.width), dtype="float32")
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._cache)

    def __call__(self, ints: Any) -> Any:
        """The embedding rows of tokens with these attribute ids (one row of ``uint64`` ids
        per token, in ``columns`` order)."""
        with self._lock:
            return self._rows(ints)

    def _rows(self, ints: Any) -> Any:
        keyed = numpy.ascontiguousarray(ints).view(numpy.dtype((numpy.void, ints.shape[1] * 8)))
        uniq, first, inverse = numpy.unique(keyed.ravel(), return_index=True, return_inverse=True)
        keys = uniq.tolist()  # the attributes' bytes
        if len(keys) > self.capacity:
            return self._mix.predict(self._hash.predict(ints))
        cache = self._cache
        at = numpy.fromiter((cache.get(k, -1) for k in keys), dtype=numpy.intp, count=len(keys))
        missing = numpy.flatnonzero(at < 0)
        if len(missing):
            if len(cache) + len(missing) > self.capacity:
                cache.clear()
                at[:] = -1
                missing = numpy.arange(len(keys))
            base = len(cache)
            new = self._mix.predict(self._hash.predict(ints[first[missing]]))
            self._store[base : base + len(missing)] = new
            at[missing] = numpy.arange(base, base + len(missing))
            for j in missing.tolist():
                cache[keys[j]] = int(at[j])
        return self._store[at[inverse.ravel()]]
