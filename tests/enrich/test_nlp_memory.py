"""The parse's process-level speed-ups that must not change a value: maxout on numpy
(``_OneThreadBlasOps.maxout``) and freed memory kept for the next batch
(``keep_freed_memory``). See benchmarks/enrich.md, fourth session (espeed)."""

from __future__ import annotations

import ctypes
import subprocess
import sys
import textwrap

import numpy
import pytest
from thinc.api import NumpyOps

from broadsheet.enrich.nlp import _PieceIndex, blas_ops

needs_openblas = pytest.mark.skipif(blas_ops() is None, reason="numpy's BLAS is not OpenBLAS")


@needs_openblas
@pytest.mark.parametrize("pieces", [2, 3, 4])
def test_maxout_same_values_and_pieces_as_thincs(pieces: int) -> None:
    ops, thinc_ops = blas_ops(), NumpyOps()
    rng = numpy.random.default_rng(pieces)
    x = rng.standard_normal((257, 96, pieces), dtype=numpy.float32)
    x[:5, :, :] = 1.5  # equal pieces: thinc takes the first
    best, which = ops.maxout(x)
    want_best, want_which = thinc_ops.maxout(x)
    assert best.dtype == want_best.dtype and best.flags.c_contiguous
    assert numpy.array_equal(best, want_best)
    assert isinstance(which, _PieceIndex)  # the forward pass makes no index
    dy = rng.standard_normal((257, 96), dtype=numpy.float32)
    got = ops.backprop_maxout(dy, which, pieces)
    assert numpy.array_equal(got, thinc_ops.backprop_maxout(dy, want_which, pieces))


@needs_openblas
def test_maxout_layer_forward_and_backward_as_thincs() -> None:
    from thinc.api import Maxout

    x = numpy.random.default_rng(1).standard_normal((40, 12), dtype=numpy.float32)
    ours = Maxout(8, 12, nP=3)
    ours.initialize(X=x)
    theirs = ours.copy()
    for node in ours.walk():
        node.ops = blas_ops()
    y, back = ours(x, is_train=True)
    want, want_back = theirs(x, is_train=True)
    numpy.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-6)
    dy = numpy.ones_like(y)
    numpy.testing.assert_allclose(back(dy), want_back(dy), rtol=1e-5, atol=1e-5)


def _has_mallinfo2() -> bool:
    try:
        ctypes.CDLL(None).mallinfo2  # noqa: B018
    except (OSError, AttributeError):
        return False
    return True


@pytest.mark.skipif(not _has_mallinfo2(), reason="not glibc 2.33+")
def test_keep_freed_memory_takes_batch_arrays_from_the_heap() -> None:
    """A fresh interpreter: a 20 MB array is its own ``mmap`` under glibc's defaults, and
    comes from the heap (reused when freed, no new pages) once ``keep_freed_memory`` ran."""
    code = textwrap.dedent(
        """
        import ctypes, numpy
        class Info(ctypes.Structure):
            _fields_ = [(n, ctypes.c_size_t) for n in (
                "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
                "uordblks", "fordblks", "keepcost")]
        libc = ctypes.CDLL(None)
        libc.mallinfo2.restype = Info
        def mapped():
            a = numpy.ones(5_000_000, dtype=numpy.float32)
            got = libc.mallinfo2().hblkhd
            del a
            return got
        before = mapped() - libc.mallinfo2().hblkhd
        from broadsheet.enrich.nlp import keep_freed_memory
        took = keep_freed_memory()
        after = mapped() - libc.mallinfo2().hblkhd
        print(before >= 20_000_000, took, after)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "0"]


def test_layernorm_predict_same_values_as_thincs_to_the_bit() -> None:
    from thinc.api import LayerNorm
    from thinc.layers.layernorm import forward as thinc_forward

    from broadsheet.enrich.nlp import _layernorm_predict

    rng = numpy.random.default_rng(5)
    layer = LayerNorm(96)
    layer.initialize(X=numpy.zeros((2, 96), dtype=numpy.float32))
    layer.set_param("G", rng.standard_normal(96, dtype=numpy.float32))
    layer.set_param("b", rng.standard_normal(96, dtype=numpy.float32))
    for scale, rows in ((1.0, 3000), (1e-3, 50), (1e4, 50), (1.0, 1), (1.0, 0)):
        x = (rng.standard_normal((rows, 96)) * scale).astype(numpy.float32)
        if rows > 10:
            x[3] = 0.25  # a constant row
            x[4, :48] += 7.0
        got, _ = _layernorm_predict(layer, x, False)
        want, _ = thinc_forward(layer, x, False)
        assert got.dtype == want.dtype and got.shape == want.shape
        assert numpy.array_equal(got, want), (scale, rows)
    x64 = rng.standard_normal((4, 96))  # not float32: thinc's own forward
    assert numpy.array_equal(
        _layernorm_predict(layer, x64, False)[0], thinc_forward(layer, x64, False)[0]
    )


def test_layernorm_prediction_has_no_backward_and_training_gets_thincs() -> None:
    from thinc.api import LayerNorm

    from broadsheet.enrich.nlp import _layernorm_predict

    layer = LayerNorm(8)
    x = numpy.ones((2, 8), dtype=numpy.float32)
    layer.initialize(X=x)
    _, backprop = _layernorm_predict(layer, x, False)
    with pytest.raises(RuntimeError, match="predict"):
        backprop(x)
    _, train_backprop = _layernorm_predict(layer, x, True)  # thinc's forward and backward
    assert train_backprop(x).shape == x.shape


@needs_openblas
def test_the_pipelines_layer_norms_predict_with_it() -> None:
    from broadsheet.enrich.nlp import _layernorm_predict, load_nlp

    nlp = load_nlp()
    for name in ("tok2vec", "ner"):
        norms = [n for n in nlp.get_pipe(name).model.walk() if n.name == "layernorm"]
        assert norms and all(n._func is _layernorm_predict for n in norms), name
