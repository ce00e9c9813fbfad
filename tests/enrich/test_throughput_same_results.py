"""The throughput changes give the same annotations: the array-read lemma list equals the
token-by-token one, and an enricher on spaCy's BLIS products equals the default one."""

from __future__ import annotations

from functools import lru_cache

import pytest

from broadsheet.enrich import Enricher
from broadsheet.enrich.analyze import annotations_to_dict
from broadsheet.enrich.nlp import blas_ops

TEXTS = [
    "“We made progress,” said Finance Minister Maria Lopez, whose party won 41 seats.\n\n"
    "Shares of Boeing fell 3.2% on Tuesday, to $171.50, the lowest since March.",
    "LONDON (Reuters) - The Bank of England held rates at 5.25 per cent on Thursday.\n"
    "  \n“It is too early to cut,” Governor Andrew Bailey told reporters. “Inflation is "
    "still twice our target.”\n\nUnemployment rose to 4.3 %, the ONS said.",
    "He gets what he got. They're gonna be fine, but it's not over — is it?  Apple's shares "
    "RALLIED; Microsoft's didn't.",
    "",
    "\n\n   \n",
]


@lru_cache(maxsize=2)
def _enricher(blis: bool) -> Enricher:
    return Enricher(blis=blis)


@pytest.mark.parametrize("text", TEXTS)
def test_lower_lemmas_are_the_tokens_lemmas(text: str) -> None:
    enricher = _enricher(False)
    doc = enricher.parse(text)
    assert enricher._lower_lemmas(doc) == [t.lemma_.lower() for t in doc if not t.is_space]


@pytest.mark.skipif(blas_ops() is None, reason="numpy's BLAS is not OpenBLAS")
def test_blis_enricher_gives_the_same_annotations() -> None:
    fast, blis = _enricher(False), _enricher(True)
    assert fast.nlp is not blis.nlp
    got = [annotations_to_dict(a) for a in fast.analyze_many(TEXTS)]
    assert got == [annotations_to_dict(a) for a in blis.analyze_many(TEXTS)]
    assert any(row["entities"] for row in got) and any(row["quotes"] for row in got)
