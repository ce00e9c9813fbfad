"""Topics from a fixed taxonomy (``data/topics.json``, documented in ``docs/topics.md``).

Each topic is a list of lemmas and lemma phrases with weights. An article's score for a
topic is the sum over its keywords of ``weight * (1 + ln(count))``, divided by
``sqrt(words / 250)`` for articles longer than 250 words, so long articles need
proportionally more evidence. An article gets every topic whose score reaches the
threshold and at least ``relative_floor`` of the best topic's score, best first.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["Taxonomy", "load_taxonomy", "score_topics", "select_topics"]


@dataclass(frozen=True, slots=True)
class Taxonomy:
    topics: tuple[str, ...]
    threshold: float
    relative_floor: float
    # first lemma -> [(phrase lemmas, topic index, weight)], longest phrases first
    index: dict[str, tuple[tuple[tuple[str, ...], int, float], ...]]


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    raw: dict[str, Any] = json.loads(
        resources.files("broadsheet.enrich").joinpath("data/topics.json").read_text("utf-8")
    )
    names = tuple(raw["topics"])
    building: dict[str, list[tuple[tuple[str, ...], int, float]]] = defaultdict(list)
    for t, name in enumerate(names):
        for phrase, weight in raw["topics"][name].items():
            words = tuple(phrase.lower().split())
            building[words[0]].append((words, t, float(weight)))
    index = {
        k: tuple(sorted(v, key=lambda e: len(e[0]), reverse=True)) for k, v in building.items()
    }
    return Taxonomy(names, float(raw["threshold"]), float(raw["relative_floor"]), index)


def score_topics(lemmas: Sequence[str], taxonomy: Taxonomy | None = None) -> dict[str, float]:
    """Score of every topic with any evidence, from lower-case lemmas of the article."""
    tax = taxonomy or load_taxonomy()
    counts: dict[tuple[int, tuple[str, ...]], int] = defaultdict(int)
    weights: dict[tuple[int, tuple[str, ...]], float] = {}
    index = tax.index
    free = 0  # a match covers its words: the next one starts after them
    # only the lemmas that begin a phrase are looked at (a list comprehension finds them)
    for i in [i for i, lemma in enumerate(lemmas) if lemma in index]:
        if i < free:
            continue
        entries = index[lemmas[i]]
        step = 1
        if entries:
            matched_len = 0
            for words, topic, weight in entries:
                size = len(words)
                if matched_len and size < matched_len:
                    break
                if tuple(lemmas[i : i + size]) == words:
                    counts[(topic, words)] += 1
                    weights[(topic, words)] = weight
                    matched_len = size
            step = max(1, matched_len)
        free = i + step
    scores: dict[int, float] = defaultdict(float)
    for key, count in counts.items():
        scores[key[0]] += weights[key] * (1.0 + math.log(count))
    words_count = sum(1 for lemma in lemmas if lemma[:1].isalnum())
    damp = math.sqrt(words_count / 250.0) if words_count > 250 else 1.0
    return {tax.topics[t]: round(s / damp, 3) for t, s in scores.items()}


def select_topics(lemmas: Sequence[str], taxonomy: Taxonomy | None = None) -> tuple[str, ...]:
    """Topics over the threshold, best first."""
    tax = taxonomy or load_taxonomy()
    scores = score_topics(lemmas, tax)
    if not scores:
        return ()
    best = max(scores.values())
    chosen = [
        (s, t) for t, s in scores.items() if s >= tax.threshold and s >= tax.relative_floor * best
    ]
    return tuple(t for _, t in sorted(chosen, key=lambda e: (-e[0], e[1])))
