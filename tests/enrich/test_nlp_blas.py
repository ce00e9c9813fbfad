"""The parse multiplies matrices on numpy's OpenBLAS, one thread, and gives the same parses
as spaCy's default BLIS ops (nlp.py: BLIS falls back to a slow generic kernel here)."""

from __future__ import annotations

from typing import Any

import numpy
import pytest
from thinc.api import NumpyOps

from broadsheet.enrich.nlp import _openblas_thread_setter, blas_ops, load_nlp

TEXTS = [
    "“We made progress,” said Finance Minister Maria Lopez, whose party won 41 seats.",
    "Shares of Boeing fell 3.2% on Tuesday after the Federal Aviation Administration in "
    "Washington grounded the 737 MAX.\n\nAnalysts at Goldman Sachs said the fall was overdone.",
    "The central bank raised rates by 50 basis points. It said inflation, at 6.1 per cent in "
    "March, would fall next year, but the opposition leader, Ana Ruiz, called that wishful.",
]

needs_openblas = pytest.mark.skipif(blas_ops() is None, reason="numpy's BLAS is not OpenBLAS")


def _parse(doc: Any) -> list[tuple[object, ...]]:
    return [
        (t.text, t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.is_sent_start) for t in doc
    ]


@needs_openblas
def test_every_layer_uses_the_one_thread_ops() -> None:
    nlp = load_nlp()
    ops = blas_ops()
    for name in ("tok2vec", "parser", "ner"):
        assert all(node.ops is ops for node in nlp.get_pipe(name).model.walk()), name
    blis = load_nlp(blis=True)
    assert all(type(node.ops) is NumpyOps for node in blis.get_pipe("ner").model.walk())


@needs_openblas
def test_same_products_as_blis_and_thread_setting_restored() -> None:
    ops, blis = blas_ops(), NumpyOps()
    assert ops is not None
    rng = numpy.random.default_rng(7)
    x = rng.standard_normal((300, 96), dtype=numpy.float32)
    y = rng.standard_normal((128, 96), dtype=numpy.float32)
    setter = _openblas_thread_setter()
    before = setter(3)
    try:
        got = ops.gemm(x, y, trans2=True)
        assert setter(3) == 3  # the gemm put the thread's own setting back
    finally:
        setter(before)
    numpy.testing.assert_allclose(got, blis.gemm(x, y, trans2=True), rtol=1e-4, atol=1e-4)
    out = numpy.zeros((96, 96), dtype=numpy.float32)
    assert ops.gemm(x, x, out=out, trans1=True) is out
    numpy.testing.assert_allclose(out, x.T @ x, rtol=1e-4, atol=1e-3)


@needs_openblas
@pytest.mark.parametrize("text", TEXTS)
def test_same_parse_as_blis(text: str) -> None:
    assert _parse(load_nlp()(text)) == _parse(load_nlp(blis=True)(text))
