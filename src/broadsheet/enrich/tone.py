"""Tone: a score in -1..1 from a finance-aware word list (``data/tone.json``).

Each positive or negative lemma adds its weight; a negator ("not", "n't", "no", "never",
"without"...) within a few tokens before it flips the sign. The score is
``(positive - negative) / (positive + negative + smoothing)``, so a couple of words in a
long neutral article stay near zero and the score never reaches ±1 exactly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["ToneLexicon", "load_tone_lexicon", "score_tone"]


_ENDS = (".", "!", "?", ";")


@dataclass(frozen=True, slots=True)
class ToneLexicon:
    weights: dict[str, float]  # positive > 0, negative < 0
    negators: frozenset[str]
    window: int
    smoothing: float
    # the lemmas ``score_tone`` acts on (negators, sentence ends, weighted words)
    seen: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        seen = frozenset((*self.negators, *_ENDS, *self.weights))
        object.__setattr__(self, "seen", seen)


@lru_cache(maxsize=1)
def load_tone_lexicon() -> ToneLexicon:
    raw: dict[str, Any] = json.loads(
        resources.files("broadsheet.enrich").joinpath("data/tone.json").read_text("utf-8")
    )
    weights = {k: float(v) for k, v in raw["positive"].items()}
    weights.update({k: -float(v) for k, v in raw["negative"].items()})
    return ToneLexicon(
        weights=weights,
        negators=frozenset(raw["negators"]),
        window=int(raw["negation_window"]),
        smoothing=float(raw["smoothing"]),
    )


def score_tone(lemmas: Sequence[str], lexicon: ToneLexicon | None = None) -> float:
    """Tone of an article from its lower-case lemmas: -1 (negative) .. 1 (positive)."""
    lex = lexicon or load_tone_lexicon()
    positive = negative = 0.0
    last_negator = -10_000
    seen = lex.seen
    # the other lemmas change nothing: only these are looked at (a comprehension finds them)
    for i, lemma in [(i, lemma) for i, lemma in enumerate(lemmas) if lemma in seen]:
        if lemma in lex.negators:
            last_negator = i
            continue
        if lemma in _ENDS:
            last_negator = -10_000
            continue
        weight = lex.weights.get(lemma)
        if weight is None:
            continue
        if i - last_negator <= lex.window:
            weight = -weight
        if weight > 0:
            positive += weight
        else:
            negative -= weight
    score = (positive - negative) / (positive + negative + lex.smoothing)
    return round(max(-1.0, min(1.0, score)), 4)
