"""The words of a line as evidence for the text-dump classifier.

The line features of :mod:`textdump_vectors` know a few dozen furniture words by name.
A page's furniture has many more ("is a senior reporter covering", "Sign up for our",
"Listen to this article", "Photograph:") in many languages, and so does its running text
("said on", "according to"). The lexicon is a logistic regression over a line's terms —
its lower-case words, its pairs of neighbouring words, its first and its last word — fitted
on the training pages (:mod:`broadsheet.bench.textdump_lexfit`), keeping only terms seen on
many sites, so that no site's own menu counts. Its log-odds for each line is one more input
of the classifier's first stage.

Reading it needs a dictionary look-up per term; the weights are data, in
``textdump_data/weights.json`` beside the trees.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from broadsheet.extract.textdump_features import Line

__all__ = ["LEXICAL_NAME", "Lexicon", "line_terms"]

LEXICAL_NAME = "lexical"  # the first stage's input the lexicon fills
MAX_WORDS = 40  # a line's terms come from its first 40 words (and its last word)
CLIP = 8.0  # log-odds are clipped to +-8


def line_terms(words: Iterable[str]) -> list[str]:
    """A line's terms: its words (letters only, lower case), each pair of neighbouring
    words, its first word (``^word``) and its last (``word$``); each term once."""
    toks = [w.lower() for w in words if w.isalpha()]
    if not toks:
        return []
    head = toks[:MAX_WORDS]
    terms = {*head, *(f"{a} {b}" for a, b in itertools.pairwise(head))}
    terms.add(f"^{toks[0]}")
    terms.add(f"{toks[-1]}$")
    return sorted(terms)


@dataclass(frozen=True, slots=True, eq=False)
class Lexicon:
    """Weights of terms (a line's log-odds is the bias plus its terms' weights over the
    square root of its number of terms: each line's term vector has unit length)."""

    weights: Mapping[str, float]
    bias: float

    def logits(self, lines: Sequence[Line]) -> npt.NDArray[np.float64]:
        out = np.zeros(len(lines))
        get = self.weights.get
        for i, line in enumerate(lines):
            terms = line_terms(line.words)
            if terms:
                out[i] = self.bias + sum(get(t, 0.0) for t in terms) / len(terms) ** 0.5
            else:
                out[i] = self.bias
        clipped: npt.NDArray[np.float64] = np.clip(out, -CLIP, CLIP)
        return clipped

    def to_json(self) -> dict[str, object]:
        return {
            "bias": round(self.bias, 6),
            "weights": {t: round(w, 4) for t, w in sorted(self.weights.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Lexicon:
        weights = data["weights"]
        if not isinstance(weights, dict):
            raise ValueError("lexicon weights must be an object of term: weight")
        return cls({str(t): float(w) for t, w in weights.items()}, float(data["bias"]))  # type: ignore[arg-type]
