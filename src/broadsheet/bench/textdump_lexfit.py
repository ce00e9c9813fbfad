"""Fit the text-dump lexicon (:mod:`broadsheet.extract.textdump_lexicon`; development tool).

A logistic regression over each line's terms (scikit-learn's liblinear, lines weighted as in
the classifier's fit), on the terms seen on at least TEXTDUMP_LEX_SITES sites of the fitting
pages (default 15), the TEXTDUMP_LEX_TERMS most widespread (default 20,000), inverse
regularisation TEXTDUMP_LEX_C (default 1). The classifier's first stage learns from
*cross-fitted* lexicon scores (:func:`cross_fitted`: each site's lines scored by a lexicon
fitted on other sites), or it would trust the lexicon as far as the lexicon knows its own
training lines.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from broadsheet.extract.textdump_features import Line
from broadsheet.extract.textdump_lexicon import Lexicon, line_terms

__all__ = ["cross_fitted", "fit_lexicon", "with_lexicon"]

MIN_SITES = int(os.environ.get("TEXTDUMP_LEX_SITES", "15"))
MAX_TERMS = int(os.environ.get("TEXTDUMP_LEX_TERMS", "20000"))
C = float(os.environ.get("TEXTDUMP_LEX_C", "1"))
FOLDS = 3


class _Page(Protocol):
    @property
    def site(self) -> str: ...


class _Doc(Protocol):
    """What the fit reads of a page: its lines, labels, line weights and site."""

    @property
    def lines(self) -> list[Line]: ...
    @property
    def x(self) -> npt.NDArray[np.float64]: ...
    @property
    def y(self) -> npt.NDArray[np.float64]: ...
    @property
    def w(self) -> npt.NDArray[np.float64]: ...
    @property
    def page(self) -> _Page: ...


def _terms(doc: _Doc) -> list[list[str]]:
    return [line_terms(line.words) for line in doc.lines]


def fit_lexicon(
    docs: Sequence[_Doc],
    *,
    min_sites: int | None = None,
    max_terms: int | None = None,
    c: float | None = None,
    terms: Sequence[list[list[str]]] | None = None,
) -> Lexicon:
    """Fit the lexicon on ``docs`` (``terms``: their lines' terms, when already drawn);
    ``min_sites``, ``max_terms`` and ``c`` default to the module's knobs."""
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    min_sites = MIN_SITES if min_sites is None else min_sites
    max_terms = MAX_TERMS if max_terms is None else max_terms
    c = C if c is None else c

    per_doc = list(terms) if terms is not None else [_terms(d) for d in docs]
    sites: dict[str, set[str]] = {}
    for doc, lines in zip(docs, per_doc, strict=True):
        sites.setdefault(doc.page.site, set()).update(t for line in lines for t in line)
    spread = Counter(t for seen in sites.values() for t in seen)
    common = sorted((t for t, k in spread.items() if k >= min_sites), key=lambda t: -spread[t])
    vocab = {t: i for i, t in enumerate(sorted(common[:max_terms]))}
    rows, cols, vals = [], [], []
    row = 0
    for lines in per_doc:
        for line in lines:
            norm = 1.0 / len(line) ** 0.5 if line else 0.0
            for t in line:
                k = vocab.get(t)
                if k is not None:
                    rows.append(row)
                    cols.append(k)
                    vals.append(norm)
            row += 1
    x = csr_matrix((vals, (rows, cols)), shape=(row, max(len(vocab), 1)))
    y = np.concatenate([d.y for d in docs])
    w = np.concatenate([d.w for d in docs])
    if len(set(y.tolist())) < 2:  # one class only: there is nothing to tell apart
        return Lexicon({}, 0.0)
    lr = LogisticRegression(C=c, solver="liblinear", max_iter=200)
    lr.fit(x, y, sample_weight=w)
    coef = lr.coef_[0]
    weights = {t: float(coef[i]) for t, i in vocab.items() if abs(coef[i]) >= 1e-4}
    return Lexicon(weights, float(lr.intercept_[0]))


def _fold(site: str, k: int) -> int:
    # SHA-256, not textdump_fit.fold_of's SHA-1: these inner folds split each outer fold's
    # training sites without lining up with the outer folds
    return int(hashlib.sha256(site.encode()).hexdigest(), 16) % k


def cross_fitted(
    docs: Sequence[_Doc], k: int = FOLDS, terms: Sequence[list[list[str]]] | None = None
) -> list[npt.NDArray[np.float64]]:
    """Each page's lexicon scores from a lexicon fitted on the other sites' pages (``k``
    folds by site): what the first stage may learn from."""
    per_doc = list(terms) if terms is not None else [_terms(d) for d in docs]
    out: list[npt.NDArray[np.float64]] = [np.zeros(0)] * len(docs)
    for fold in range(k):
        test = [i for i, d in enumerate(docs) if _fold(d.page.site, k) == fold]
        train = [i for i, d in enumerate(docs) if _fold(d.page.site, k) != fold]
        if not test:
            continue
        lexicon = (
            fit_lexicon([docs[i] for i in train], terms=[per_doc[i] for i in train])
            if train
            else Lexicon({}, 0.0)
        )
        for i in test:
            out[i] = lexicon.logits(docs[i].lines)
    return out


def with_lexicon(docs: Sequence[_Doc]) -> tuple[Lexicon, list[npt.NDArray[np.float64]]]:
    """The lexicon fitted on every page of ``docs``, and each page's first-stage rows: its
    line features and, as the last column, its cross-fitted lexicon scores."""
    terms = [_terms(d) for d in docs]  # drawn once for the folds and the whole fit
    scores = cross_fitted(docs, terms=terms)
    rows = [np.column_stack([d.x, c]) for d, c in zip(docs, scores, strict=True)]
    return fit_lexicon(docs, terms=terms), rows
