"""The cue lexicon and the attribution classifier, read once from ``data/``.

``data/cues.json`` is written by hand: which cue lemmas count under which pattern, and the
nouns that name a person's or an organisation's role. ``data/model.json`` holds the
classifier's feature weights, bias and cutoff, fitted on the PolNeAR training split
(``python -m broadsheet.bench.quotes_fit``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any


@dataclass(frozen=True, slots=True)
class _Lexicon:
    speech: frozenset[str]
    intent: frozenset[str]
    object: frozenset[str]
    person_nouns: frozenset[str]
    org_nouns: frozenset[str]
    lemmas: frozenset[str]  # verb lemmas worth looking at
    model: dict[str, float]  # feature weights of the attribution classifier
    bias: float
    cutoff: float  # keep a candidate whose score reaches this


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    base = resources.files(__package__) / "data"
    cues: dict[str, Any] = json.loads((base / "cues.json").read_text("utf-8"))
    model: dict[str, Any] = {}
    model_file = base / "model.json"
    if model_file.is_file():
        model = json.loads(model_file.read_text("utf-8"))
    weights = {str(k): float(v) for k, v in model.get("weights", {}).items()}
    lemmas = {k[2:] for k in weights if k.startswith("l=")}
    lemmas.update(cues["speech"], cues["intent"], cues["object"])
    return _Lexicon(
        speech=frozenset(cues["speech"]),
        intent=frozenset(cues["intent"]),
        object=frozenset(cues["object"]),
        person_nouns=frozenset(cues["person_nouns"]),
        org_nouns=frozenset(cues["org_nouns"]),
        lemmas=frozenset(lemmas),
        model=weights,
        bias=float(model.get("bias", 0.0)),
        cutoff=float(model.get("cutoff", 0.0)),
    )
