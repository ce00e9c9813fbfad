"""A faster stand-in for spaCy's ``attribute_ruler`` + rule ``lemmatizer``, same results.

In the small English pipeline these two components cost about a quarter of the parse,
mostly in per-token overhead: the attribute ruler runs a 179-pattern matcher over every
token. Their outcome depends on few things: a token's tag, dependency label and whether
it is space, plus its lower-case form only for the handful of words the patterns name.
``FastTagger`` reads the patterns from the model's own ``attribute_ruler`` (so nothing is
copied by hand), caches the outcome per such key, and interprets the patterns in full only
for tokens whose word a pattern names. Lemmas come from the model's own lemmatizer, cached
per (word, part of speech, morphology).

It works on the doc's attribute arrays (ids from ``Doc.to_array``, written back with
``Doc.from_array``) rather than on ``Token`` objects: making a ``Token`` and its strings for
every word cost more than the decisions themselves. The patterns are compiled to id
comparisons once.

``tests/enrich/test_fasttags.py`` checks token-for-token equality with the standard
pipeline on invented text; ``benchmarks/enrich.md`` records agreement on a real corpus.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.parts_of_speech import IDS
from spacy.strings import get_string_id

__all__ = ["FastTagger"]

# the columns of ``Doc.to_array(_READ)`` a pattern can test, by pattern key
_COLUMNS = {"TAG": 0, "DEP": 1, "IS_SPACE": 2, "LOWER": 3}
_READ = [TAG, DEP, IS_SPACE, LOWER, POS, MORPH, LEMMA]
_WRITE = [POS, MORPH, LEMMA, TAG, DEP]
_WRITE_NAMES = ("POS", "MORPH", "LEMMA", "TAG", "DEP")
_KEEP = [4, 5, 6, 0, 1]  # the ``_READ`` columns of ``_WRITE``: the values as parsed

# one test on one token: (column, "==" | "IN" | "NOT_IN" | "REGEX", id, ids or regex)
_Check = tuple[int, str, Any]
# a pattern entry: (ruler order, checks per pattern token, attrs it sets, index of its target)
_Entry = tuple[int, tuple[tuple[_Check, ...], ...], dict[str, Any], int]


def _value_id(value: Any) -> int:
    """The id ``Doc.to_array`` gives a pattern value: a string's hash, a flag's 0 or 1."""
    return int(value) if isinstance(value, bool) else int(get_string_id(value))


def _compile_token(spec: dict[str, Any]) -> tuple[_Check, ...]:
    checks: list[_Check] = []
    for attr, want in spec.items():
        if attr not in _COLUMNS:  # pragma: no cover - a model with other pattern keys
            raise ValueError(f"unsupported attribute_ruler key: {attr}")
        col = _COLUMNS[attr]
        if not isinstance(want, dict):
            checks.append((col, "==", _value_id(want)))
            continue
        for op, arg in want.items():
            if op in ("IN", "NOT_IN"):
                checks.append((col, op, frozenset(_value_id(v) for v in arg)))
            elif op == "REGEX":
                checks.append((col, op, re.compile(arg)))
            else:  # pragma: no cover - not in the shipped model
                raise ValueError(f"unsupported attribute_ruler operator: {op}")
    return tuple(checks)


def _index_as_sets(lemmatizer: Any) -> None:
    """The rule lemmatizer's word index (``lemma_index``: a list of up to 57,000 words per
    part of speech, read with ``form in index``) as frozensets: the same answers, without a
    linear scan per candidate form (170 µs a new word, most of a cold FastTagger's time)."""
    with contextlib.suppress(KeyError, AttributeError):
        table = lemmatizer.lookups.get_table("lemma_index")
        for key, words in list(table.items()):
            if isinstance(words, list):
                table[key] = frozenset(words)


class FastTagger:
    """Fills ``pos``, ``morph``, ``lemma`` (and a few ``tag``/``dep`` fixes) on docs parsed
    without ``attribute_ruler`` and ``lemmatizer``, as those two would have."""

    def __init__(self, nlp: Any) -> None:
        ruler = nlp.get_pipe("attribute_ruler")
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        _index_as_sets(self.lemmatizer)
        self.strings = nlp.vocab.strings
        # pattern entries in the ruler's order: later ones win
        self._entries: list[_Entry] = []
        words: set[str] = set()
        regexes: list[str] = []
        for order, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                checks = tuple(_compile_token(tok) for tok in pattern)
                self._entries.append((order, checks, entry["attrs"], entry["index"]))
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
        self._words = frozenset(words)
        self._regex = re.compile("|".join(f"(?:{r})" for r in regexes)) if regexes else None
        # single-token patterns that do not look at the word: decided by (tag, dep, space)
        self._wordless: list[int] = []
        # patterns naming a word: every one names the word of the token it sets
        self._by_word: dict[int, list[int]] = {}
        self._by_regex: list[int] = []
        for k, entry in enumerate(self._pattern_list(ruler)):
            pattern, index = entry
            if len(pattern) == 1 and "LOWER" not in pattern[0]:
                self._wordless.append(k)
                continue
            spec = pattern[index].get("LOWER")
            if isinstance(spec, str):
                self._by_word.setdefault(_value_id(spec), []).append(k)
            elif isinstance(spec, dict) and "IN" in spec:
                for word in spec["IN"]:
                    self._by_word.setdefault(_value_id(word), []).append(k)
            elif isinstance(spec, dict) and "REGEX" in spec:
                self._by_regex.append(k)
            else:  # pragma: no cover - not in the shipped model
                raise ValueError(f"pattern without a word on its target token: {pattern}")
        if self._regex is None:
            self._by_regex = []
        self._relevant: dict[int, bool] = {}  # per LOWER id: does a pattern name the word?
        self._keyed: dict[tuple[int, int, int], tuple[int, ...]] = {}
        self._plans: dict[tuple[int, ...], int] = {}
        self._by_key: dict[tuple[int, int, int], int] = {}  # plan of a word no pattern names
        self._values: list[tuple[int, ...]] = []
        self._masks: list[tuple[bool, ...]] = []
        self._tables: tuple[Any, Any] | None = None
        self._regex_hits: dict[tuple[Any, int, int], bool] = {}
        self._lemmas: dict[tuple[int, ...], int] = {}
        self._word_candidates: dict[int, tuple[tuple[int, ...], bool]] = {}
        self._row_hits: dict[tuple[int, int, int, int], tuple[int, ...]] = {}

    @staticmethod
    def _pattern_list(ruler: Any) -> Iterator[tuple[list[dict[str, Any]], int]]:
        for entry in ruler.patterns:
            for pattern in entry["patterns"]:
                yield pattern, entry["index"]

    def _is_relevant(self, lower: int) -> bool:
        hit = self._relevant.get(lower)
        if hit is None:
            word = self.strings[lower]
            hit = word in self._words or bool(self._regex and self._regex.search(word))
            self._relevant[lower] = hit
        return hit

    def _passes(self, checks: tuple[_Check, ...], row: list[int]) -> bool:
        for col, op, arg in checks:
            value = row[col]
            if op == "==":
                if value != arg:
                    return False
            elif op == "IN":
                if value not in arg:
                    return False
            elif op == "NOT_IN":
                if value in arg:
                    return False
            else:  # REGEX, on the string the ruler would see
                key = (arg, col, value)
                hit = self._regex_hits.get(key)
                if hit is None:
                    text = str(bool(value)) if col == _COLUMNS["IS_SPACE"] else self.strings[value]
                    hit = self._regex_hits[key] = bool(arg.search(text))
                if not hit:
                    return False
        return True

    def _plan(self, hits: tuple[int, ...], vocab: Any) -> int:
        """The plan for a token the patterns ``hits`` match, as a row of ``_values`` (the new
        POS, MORPH, LEMMA, TAG, DEP ids) and of ``_masks`` (which of them change), their
        attrs merged in the ruler's order; cached per hit set."""
        found = self._plans.get(hits)
        if found is None:
            attrs: dict[str, Any] = {}
            for k in sorted(hits, key=lambda k: self._entries[k][0]):
                attrs.update(self._entries[k][2])
            values = (
                IDS[attrs["POS"]] if "POS" in attrs else 0,
                vocab.morphology.add(attrs["MORPH"]) if "MORPH" in attrs else 0,
                self.strings.add(attrs["LEMMA"]) if "LEMMA" in attrs else 0,
                self.strings.add(attrs["TAG"]) if "TAG" in attrs else 0,
                self.strings.add(attrs["DEP"]) if "DEP" in attrs else 0,
            )
            found = self._plans[hits] = len(self._values)
            self._values.append(values)
            self._masks.append(tuple(name in attrs for name in _WRITE_NAMES))
            self._tables = None
        return found

    def _keyed_plan(self, key: tuple[int, int, int], vocab: Any) -> int:
        """The plan of a token whose word no pattern names: decided by (tag, dep, space)."""
        plan = self._by_key.get(key)
        if plan is None:
            plan = self._by_key[key] = self._plan(self._keyed_hits(list(key)), vocab)
        return plan

    def _keyed_hits(self, row: list[int]) -> tuple[int, ...]:
        key = (row[0], row[1], row[2])
        keyed = self._keyed.get(key)
        if keyed is None:
            entries = self._entries
            keyed = tuple(k for k in self._wordless if self._passes(entries[k][1][0], row))
            self._keyed[key] = keyed
        return keyed

    def _candidates(self, word: int) -> tuple[tuple[int, ...], bool]:
        """The patterns that can set a token of ``word``: those naming it, and those whose
        regular expression on the target token's word matches it; and whether all of them
        are single-token (then the token's own row decides). Cached per word."""
        found = self._word_candidates.get(word)
        if found is None:
            text = self.strings[word]
            ks = list(self._by_word.get(word, ()))
            for k in self._by_regex:
                _, checks, _, index = self._entries[k]
                if all(
                    arg.search(text)
                    for col, op, arg in checks[index]
                    if op == "REGEX" and col == _COLUMNS["LOWER"]
                ):
                    ks.append(k)
            single = all(len(self._entries[k][1]) == 1 for k in ks)
            found = self._word_candidates[word] = (tuple(ks), single)
        return found

    def _hits(self, row: Any, n: int, i: int) -> tuple[int, ...]:
        """The patterns that set token ``i`` (a word some pattern names), read from the parse
        as it came (``row(j)``: token ``j``'s TAG, DEP, IS_SPACE, LOWER ids; ``n`` tokens).
        When only single-token patterns can apply, the token's own row decides: cached."""
        own = row(i)
        candidates, single = self._candidates(own[3])
        if single:
            key = (own[0], own[1], own[2], own[3])
            cached = self._row_hits.get(key)
            if cached is not None:
                return cached
        hits = list(self._keyed_hits(own))
        for k in candidates:
            _, checks, _, index = self._entries[k]
            start = i - index
            if start < 0 or start + len(checks) > n:
                continue
            if all(self._passes(c, row(start + j)) for j, c in enumerate(checks)):
                hits.append(k)
        found = tuple(hits)
        if single:
            self._row_hits[key] = found
        return found

    def __call__(self, doc: Any) -> Any:
        """Every plan is made from the parse as it came, before any value changes (as the
        attribute ruler does), then written back in one ``from_array``. Plans are looked up
        once per distinct (tag, dep, space) and per distinct word, not per token (and the
        64-bit ids are turned into Python ints once per distinct value: that was the cost)."""
        n = len(doc)
        if not n:
            return doc
        vocab = doc.vocab
        read: Any = doc.to_array(_READ)
        tags, tag_of = numpy.unique(read[:, 0], return_inverse=True)
        deps, dep_of = numpy.unique(read[:, 1], return_inverse=True)
        words, word_of = numpy.unique(read[:, 3], return_inverse=True)
        space = read[:, 2].astype("int64")
        tag_ids, dep_ids, word_ids = tags.tolist(), deps.tolist(), words.tolist()
        keys, key_of = numpy.unique(
            (tag_of.reshape(-1) * len(deps) + dep_of.reshape(-1)) * 2 + space,
            return_inverse=True,
        )
        nd = len(deps)
        plans = [
            self._keyed_plan((tag_ids[k // 2 // nd], dep_ids[k // 2 % nd], k % 2), vocab)
            for k in keys.tolist()
        ]
        chosen: Any = numpy.array(plans, dtype="int64")[key_of.reshape(-1)]
        named_words = numpy.array([self._is_relevant(w) for w in word_ids], dtype=bool)
        named = numpy.flatnonzero(named_words[word_of.reshape(-1)]).tolist()
        if named:
            tag_at, dep_at = tag_of.reshape(-1).tolist(), dep_of.reshape(-1).tolist()
            word_at, space_at = word_of.reshape(-1).tolist(), space.tolist()

            def row(j: int) -> list[int]:
                return [tag_ids[tag_at[j]], dep_ids[dep_at[j]], space_at[j], word_ids[word_at[j]]]

            for i in named:
                chosen[i] = self._plan(self._hits(row, n, i), vocab)
        if self._tables is None:
            self._tables = (
                numpy.array(self._values, dtype="uint64"),
                numpy.array(self._masks, dtype=bool),
            )
        values, masks = self._tables
        out: Any = numpy.where(masks[chosen], values[chosen], read[:, _KEEP])
        doc.from_array(_WRITE, out)
        # lemmas the patterns did not set: the model's lemmatizer, cached per (word, POS, morph)
        lemmatize = self.lemmatizer.lemmatize
        cache = self._lemmas
        missing = numpy.flatnonzero(out[:, 2] == 0)
        if not len(missing):
            return doc
        orths: Any = doc.to_array([ORTH])
        keys_missing = numpy.column_stack((orths[missing], out[missing, :2])).tolist()
        lemmas: Any = out[:, 2].copy()
        for i, key in zip(missing.tolist(), keys_missing, strict=True):
            found = cache.get(tuple(key))
            if found is None:
                tok = doc[i]
                tok.lemma_ = lemmatize(tok)[0]
                found = cache[tuple(key)] = int(tok.lemma)
            lemmas[i] = found
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc

    def pipe(self, docs: Iterator[Any]) -> Iterator[Any]:
        for doc in docs:
            yield self(doc)
