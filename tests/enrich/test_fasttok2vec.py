"""The shared tok2vec with cached embeddings gives the model's own vectors
(``fasttok2vec.CachedEmbedTok2Vec``), and the ``Enricher`` parses with it: the same parse.

"The same vectors" is to within a few float32 units in the last place, not to the bit: on
some CPUs (AMD EPYC here, 2026-12-06) OpenBLAS picks kernels whose order of summation
depends on a product's row count, so the model's *own* vectors for one text differ in the
last bits with the batch it is in (4.321165561 in one batch, 4.321165085 in another), and
rows computed once per distinct word differ from the whole batch's the same way. On the
CPUs of earlier sessions they were equal to the bit."""

from __future__ import annotations

import numpy
import pytest

from broadsheet.enrich import Enricher
from broadsheet.enrich.fasttok2vec import CachedEmbedTok2Vec
from broadsheet.enrich.nlp import load_nlp, prepare_text

TEXTS = [
    "“We made progress,” said Finance Minister Maria Lopez, whose party won 41 seats.",
    "Shares of Boeing fell 3.2% on Tuesday after the Federal Aviation Administration in "
    "Washington grounded the 737 MAX.\n\nAnalysts at Goldman Sachs said the fall was overdone.",
    "",
    "The central bank raised rates by 50 basis points. It said inflation, at 6.1 per cent in "
    "March, would fall next year, but the opposition leader, Ana Ruiz, called that wishful.",
    "x",
    "Shares of Boeing fell again on Wednesday; Maria Lopez said nothing.  \n\n  ",
]


# a few float32 units in the last place at these vectors' magnitudes (up to about 5)
ULPS = 1e-5


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp("en_core_web_sm", ("ner",))


def test_same_vectors_as_the_model_to_the_bit(nlp) -> None:  # type: ignore[no-untyped-def]
    component = nlp.get_pipe("tok2vec")
    assert CachedEmbedTok2Vec.usable(component)
    cached = CachedEmbedTok2Vec(component)
    docs = [nlp.make_doc(t) for t in TEXTS]
    for batch in (docs, docs[::-1], docs[1:2], docs[2:3]):  # later batches hit the cache
        got = cached(batch)
        want = component.model.predict(batch) if any(len(d) for d in batch) else None
        assert len(got) == len(batch)
        for doc, vectors, expected in zip(batch, got, want or [None] * len(batch), strict=True):
            assert vectors.shape == (len(doc), 96)
            if expected is not None:
                assert vectors.dtype == expected.dtype
                numpy.testing.assert_allclose(vectors, expected, rtol=0, atol=ULPS)
    assert len(cached.embed)  # rows were kept


def test_cache_overflow_gives_the_same_vectors(nlp) -> None:  # type: ignore[no-untyped-def]
    component = nlp.get_pipe("tok2vec")
    cached = CachedEmbedTok2Vec(component)
    cached.embed.capacity = 12
    docs = [nlp.make_doc(t) for t in TEXTS if t]
    for batch in (docs[:1], docs[1:2], docs):
        for vectors, expected in zip(cached(batch), component.model.predict(batch), strict=True):
            numpy.testing.assert_allclose(vectors, expected, rtol=0, atol=ULPS)


def test_enricher_parses_with_it_and_same_parse() -> None:
    enricher = Enricher()
    assert isinstance(enricher.nlp.get_pipe("tok2vec").predict, CachedEmbedTok2Vec)
    plain = load_nlp(blis=False)
    assert not isinstance(plain.get_pipe("tok2vec").predict, CachedEmbedTok2Vec)
    for text in TEXTS:
        doc = enricher.parse(text)
        want = plain(prepare_text(text))
        assert [(t.tag_, t.dep_, t.head.i) for t in doc] == [
            (t.tag_, t.dep_, t.head.i) for t in want
        ]
