"""The shared ``tok2vec`` component with its embedding stage cached per token attributes.

The pipeline's tok2vec (read by the tagger and the parser) is ``MultiHashEmbed`` followed by
``MaxoutWindowEncoder``. The embedding stage (six hash embeddings of NORM, PREFIX, SUFFIX,
SHAPE, SPACY, IS_SPACE, concatenated, then maxout and layer norm) works row by row and
depends only on those six attribute ids, so a row computed once holds for every later token
with the same ids: most tokens of an article are words seen before. ``CachedEmbedTok2Vec``
computes the rows of ids not yet cached with the model's own layers, reads the rest from a
store, and runs the model's own encoder on the whole batch, as the component would.

Each row is the same computation on the same inputs (a matrix product's rows do not depend
on the other rows), so the vectors are the model's to the bit: measured on the development
articles, and checked in ``tests/enrich/test_fasttok2vec.py``. Embedding was ≈ 4.7 of the
component's ≈ 14 ms an 883-word article (benchmarks/enrich.md, fourth session).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy

from broadsheet.enrich.embedcache import EmbedRows

__all__ = ["CachedEmbedTok2Vec"]


class CachedEmbedTok2Vec:
    """Stands for a ``tok2vec`` component's ``predict``: same vectors, embeddings cached."""

    CACHE_ROWS = 100_000

    def __init__(self, component: Any) -> None:
        embed, encode = component.model.layers
        self.component = component
        self.embed = EmbedRows(embed, self.CACHE_ROWS)  # shared between threads
        self._columns = self.embed.columns
        self._encode = encode

    @staticmethod
    def usable(component: Any) -> bool:
        """Whether ``component``'s model has the layout this class computes."""
        try:
            embed, encode = component.model.layers
            names = [layer.name for layer in embed.layers]
            return (
                names[0] == "extract_features"
                and names[1:] == ["list2ragged", names[2], names[3], "ragged2list"]
                and names[2].startswith("with_array(ints-getitem>>hashembed")
                and names[3] == "with_array(maxout>>layernorm>>dropout)"
                and encode.name.startswith("with_array(residual(")
            )
        except (AttributeError, IndexError, KeyError, ValueError, TypeError):
            return False

    def install(self) -> None:
        """The component predicts with this object from now on."""
        self.component.predict = self

    def __call__(self, docs: Sequence[Any]) -> list[Any]:
        sizes = [len(doc) for doc in docs]
        if not sum(sizes):  # as the component: no model run
            return [numpy.zeros((0, self._encode.get_dim("nO")), dtype="float32") for _ in docs]
        ints = numpy.concatenate(
            [doc.to_array(self._columns).reshape(-1, len(self._columns)) for doc in docs]
        ).astype("uint64", copy=False)
        rows = self.embed(ints)
        parts = numpy.split(rows, numpy.cumsum(sizes)[:-1])
        return list(self._encode.predict(parts))
