"""The extraction metric of the public article-extraction benchmark (shingle F1).

Exactly the metric of ``shared/tools/score_extraction.py``: tokens are ``\\w+`` runs; each
text becomes a multiset of 4-token shingles (a text shorter than 4 tokens is one shingle);
per page the true-positive, false-positive and false-negative counts are normalised by their
sum; precision and recall are macro means over the pages where they are defined; F1 is their
harmonic mean.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "ExtractionScore",
    "macro_scores",
    "page_precision",
    "page_recall",
    "score_extraction",
    "score_pages",
    "shingles",
]

_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class ExtractionScore:
    precision: float
    recall: float
    f1: float
    pages: int

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "pages": self.pages,
        }


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of ``n``-token shingles of ``text``."""
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def score_extraction(truth: str, pred: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one page; all zero when both texts are empty."""
    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def page_precision(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def page_recall(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def macro_scores(counts: Iterable[tuple[float, float, float]]) -> ExtractionScore:
    """Macro precision, recall and F1 over per-page counts from :func:`score_extraction`."""
    rows = list(counts)
    ps = [page_precision(*c) for c in rows if c[0] + c[1] > 0]
    rs = [page_recall(*c) for c in rows if c[0] + c[2] > 0]
    p = statistics.mean(ps) if ps else 0.0
    r = statistics.mean(rs) if rs else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return ExtractionScore(precision=p, recall=r, f1=f1, pages=len(rows))


def score_pages(truth: Mapping[str, str], preds: Mapping[str, str]) -> ExtractionScore:
    """Score predictions against truth by page id; a missing prediction counts as empty."""
    return macro_scores(score_extraction(text, preds.get(key, "")) for key, text in truth.items())
