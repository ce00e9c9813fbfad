"""A faster stand-in for spaCy's ``attribute_ruler`` + rule ``lemmatizer``, same results.

In the small English pipeline these two components cost about a quarter of the parse,
mostly in per-token overhead: the attribute ruler runs a 179-pattern matcher over every
token. Their outcome depends on few things: a token's tag, dependency label and whether
it is space, plus its lower-case form only for the handful of words the patterns name.
``FastTagger`` reads the patterns from the model's own ``attribute_ruler`` (so nothing is
copied by hand), caches the outcome per such key, and interprets the patterns in full only
for tokens whose word a pattern names. Lemmas come from the model's own lemmatizer, cached
per (word, part of speech).

``tests/enrich/test_fasttags.py`` checks token-for-token equality with the standard
pipeline on invented text; ``benchmarks/enrich.md`` records agreement on a real corpus.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

__all__ = ["FastTagger"]

_ATTRS = ("TAG", "LOWER", "DEP", "IS_SPACE")


def _token_value(tok: Any, attr: str) -> Any:
    if attr == "TAG":
        return tok.tag_
    if attr == "LOWER":
        return tok.lower_
    if attr == "DEP":
        return tok.dep_
    if attr == "IS_SPACE":
        return tok.is_space
    raise ValueError(attr)


def _matches(value: Any, spec: Any) -> bool:
    if isinstance(spec, dict):
        for op, arg in spec.items():
            if op == "IN" and value not in arg:
                return False
            if op == "NOT_IN" and value in arg:
                return False
            if op == "REGEX" and not re.search(arg, str(value)):
                return False
        return True
    return bool(value == spec)


class FastTagger:
    """Fills ``pos``, ``morph``, ``lemma`` (and a few ``tag``/``dep`` fixes) on docs parsed
    without ``attribute_ruler`` and ``lemmatizer``, as those two would have."""

    def __init__(self, nlp: Any) -> None:
        ruler = nlp.get_pipe("attribute_ruler")
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        # (order, token patterns, attrs, index) in the ruler's order: later ones win
        self.patterns: list[tuple[int, list[dict[str, Any]], dict[str, Any], int]] = []
        words: set[str] = set()
        regexes: list[str] = []
        for order, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                self.patterns.append((order, pattern, entry["attrs"], entry["index"]))
                for tok in pattern:
                    spec = tok.get("LOWER")
                    if isinstance(spec, str):
                        words.add(spec)
                    elif isinstance(spec, dict):
                        words.update(spec.get("IN", ()))
                        if "REGEX" in spec:
                            regexes.append(spec["REGEX"])
                        if "NOT_IN" in spec:  # pragma: no cover - not in the shipped model
                            raise ValueError("LOWER NOT_IN patterns are not supported")
        for _, pattern, _, _ in self.patterns:
            for tok in pattern:
                unknown = set(tok) - set(_ATTRS)
                if unknown:  # pragma: no cover - a model with other pattern keys
                    raise ValueError(f"unsupported attribute_ruler keys: {unknown}")
        self._words = frozenset(words)
        self._regex = re.compile("|".join(f"(?:{r})" for r in regexes)) if regexes else None
        self._relevant: dict[str, bool] = {}
        self._by_key: dict[tuple[str, str, bool], list[tuple[int, dict[str, Any]]]] = {}
        self._lemmas: dict[tuple[int, int, int], int] = {}
        # single-token patterns that do not look at the word: decided by (tag, dep, space)
        self._wordless = [
            (o, p[0], a) for o, p, a, _ in self.patterns if len(p) == 1 and "LOWER" not in p[0]
        ]
        # patterns naming a word: every one names the word of the token it sets
        self._by_word: dict[str, list[tuple[int, list[dict[str, Any]], dict[str, Any], int]]] = {}
        self._by_regex: list[tuple[int, list[dict[str, Any]], dict[str, Any], int]] = []
        for entry in self.patterns:
            _, pattern, _, index = entry
            if len(pattern) == 1 and "LOWER" not in pattern[0]:
                continue
            spec = pattern[index].get("LOWER")
            if isinstance(spec, str):
                self._by_word.setdefault(spec, []).append(entry)
            elif isinstance(spec, dict) and "IN" in spec:
                for word in spec["IN"]:
                    self._by_word.setdefault(word, []).append(entry)
            elif isinstance(spec, dict) and "REGEX" in spec:
                self._by_regex.append(entry)
            else:  # pragma: no cover - not in the shipped model
                raise ValueError(f"pattern without a word on its target token: {pattern}")

    def _is_relevant(self, lower: str) -> bool:
        hit = self._relevant.get(lower)
        if hit is None:
            hit = lower in self._words or bool(self._regex and self._regex.search(lower))
            self._relevant[lower] = hit
        return hit

    def _keyed(self, tok: Any) -> list[tuple[int, dict[str, Any]]]:
        key = (tok.tag_, tok.dep_, tok.is_space)
        found = self._by_key.get(key)
        if found is None:
            found = [
                (order, attrs)
                for order, spec, attrs in self._wordless
                if all(_matches(_token_value(tok, k), v) for k, v in spec.items())
            ]
            self._by_key[key] = found
        return found

    def _plan(self, doc: Any, i: int, tok: Any) -> dict[str, Any]:
        keyed = self._keyed(tok)
        lower = tok.lower_
        if not self._is_relevant(lower):
            if len(keyed) == 1:
                return keyed[0][1]
            merged: dict[str, Any] = {}
            for _, attrs in keyed:
                merged.update(attrs)
            return merged
        hits = list(keyed)
        candidates = list(self._by_word.get(lower, ()))
        if self._regex is not None and self._by_regex:
            candidates.extend(self._by_regex)
        for order, pattern, attrs, index in candidates:
            start = i - index
            if start < 0 or start + len(pattern) > len(doc):
                continue
            if all(
                all(_matches(_token_value(doc[start + j], k), v) for k, v in spec.items())
                for j, spec in enumerate(pattern)
            ):
                hits.append((order, attrs))
        hits.sort(key=lambda h: h[0])
        out: dict[str, Any] = {}
        for _, attrs in hits:
            out.update(attrs)
        return out

    def __call__(self, doc: Any) -> Any:
        plan = [self._plan(doc, i, tok) for i, tok in enumerate(doc)]
        for tok, attrs in zip(doc, plan, strict=True):
            for name, value in attrs.items():
                if name == "POS":
                    tok.pos_ = value
                elif name == "MORPH":
                    tok.set_morph(value)
                elif name == "LEMMA":
                    tok.lemma_ = value
                elif name == "TAG":
                    tok.tag_ = value
                elif name == "DEP":
                    tok.dep_ = value
        lemmatize = self.lemmatizer.lemmatize
        cache = self._lemmas
        for tok in doc:
            if tok.lemma != 0:
                continue
            key = (tok.orth, tok.pos, tok.morph.key)
            lemma = cache.get(key)
            if lemma is None:
                tok.lemma_ = lemmatize(tok)[0]
                cache[key] = tok.lemma
            else:
                tok.lemma = lemma
        return doc

    def pipe(self, docs: Iterator[Any]) -> Iterator[Any]:
        for doc in docs:
            yield self(doc)
