"""Where a quote's content ends: trailing phrases cut off by a table fitted on PolNeAR train.

The parse gives a cue's content as a subtree ("endorsed Cruz last week, saying ..."), but
PolNeAR's content is often only its first part ("Cruz"). Each right-hand dependent inside
a content span starts a possible cut. The table holds, per kind of dependent (its
dependency, its word or part of speech, whether a comma or dash comes before it, the
pattern), how often the gold content ended right there given that it reached it; a cut is
made at the first dependent whose rate is over one half. Fitted by
``python -m broadsheet.bench.quotes_fit TRAIN_DIR --bounds`` (train only).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Token

from .arrays import DocArrays, doc_arrays

__all__ = ["cut_keys", "cut_points", "load_cut_table", "trim_tokens"]

_WORD_POS = frozenset({"ADP", "SCONJ", "CCONJ", "ADV", "PART", "DET", "PRON", "AUX"})
_BREAKS = frozenset({",", ";", "—", "–", "-", "--", "(", ":"})
MIN_COUNT = 4
CUT_RATE = 0.5  # cut where the gold content ended more often than not
_CLAUSE_PATTERNS = frozenset({"ccomp", "parataxis", "according", "raising"})


def cut_points(doc: Doc, first: int, last: int) -> Iterator[tuple[int, Token]]:
    """(token index, dependent) of each place a right-hand dependent's subtree starts inside
    tokens first..last, the outermost dependent for each place, left to right."""
    for k, d in _cut_points(doc_arrays(doc), first, last):
        yield k, doc[d]


def _cut_points(a: DocArrays, first: int, last: int) -> list[tuple[int, int]]:
    """``cut_points`` on token indices: (place, dependent's index)."""
    head, punct, left, right = a.head, a.punct, a.left, a.right
    best: dict[int, int] = {}
    for i in range(first + 1, min(last, a.n - 1) + 1):
        if head[i] >= i or punct[i]:
            continue
        k = left[i]
        if k <= first:
            continue
        held = best.get(k)
        if held is None or right[i] > right[held]:
            best[k] = i
    return sorted(best.items())


def cut_keys(
    doc: Doc, k: int, dep: Token, pattern: str, first: int = -1, last: int = -1
) -> list[str]:
    """Keys of the table for a cut before token k (most specific first). A dependent that
    hangs from outside tokens first..last (the cue verb's own adjunct after its object:
    "criticized Machado | in early-morning tweets") is told apart from one of the content's
    own words ("sanctions | on individual terrorists")."""
    return _cut_keys(doc_arrays(doc), k, dep.i, pattern, first, last)


def _cut_keys(a: DocArrays, k: int, d: int, pattern: str, first: int, last: int) -> list[str]:
    """``cut_keys`` with the dependent as a token index."""
    pos, lower, text = a.pos, a.lower, a.text
    dep_pos = pos[d]
    word = lower[d] if dep_pos in _WORD_POS else dep_pos
    first_word = lower[k] if pos[k] in _WORD_POS else pos[k]
    brk = "b" if text[k - 1] in _BREAKS or text[k] in _BREAKS else "n"
    group = "c" if pattern in _CLAUSE_PATTERNS else "o"
    if first >= 0 and not first <= a.head[d] <= last:
        brk += "^"  # the cue's adjunct, not the content's
    dep = a.dep[d]
    return [
        f"{pattern}|{dep}|{word}|{first_word}|{brk}",
        f"{group}|{dep}|{word}|{first_word}|{brk}",
        f"{group}|{dep}|{word}|{brk}",
        f"{group}|{dep}|{brk}",
    ]


@lru_cache(maxsize=1)
def load_cut_table() -> dict[str, float]:
    """Fitted cut rates by key ({} when the data file is missing)."""
    path = resources.files(__package__) / "data" / "bounds.json"
    if not path.is_file():
        return {}
    data: dict[str, float] = json.loads(path.read_text("utf-8"))
    return data


def trim_tokens(doc: Doc, first: int, last: int, pattern: str) -> int:
    """The last token of content first..last once trailing phrases are cut off."""
    table = load_cut_table()
    if not table:
        return last
    a = doc_arrays(doc)
    pos, lower, text, dep, head = a.pos, a.lower, a.text, a.dep, a.head
    group = "c" if pattern in _CLAUSE_PATTERNS else "o"
    for k, d in _cut_points(a, first, last):
        # the keys of ``_cut_keys``, most specific first, each made only when the ones
        # before it are not in the table
        dep_pos = pos[d]
        word = lower[d] if dep_pos in _WORD_POS else dep_pos
        first_word = lower[k] if pos[k] in _WORD_POS else pos[k]
        brk = "b" if text[k - 1] in _BREAKS or text[k] in _BREAKS else "n"
        if first >= 0 and not first <= head[d] <= last:
            brk += "^"
        label = dep[d]
        rate = table.get(f"{pattern}|{label}|{word}|{first_word}|{brk}")
        if rate is None:
            rate = table.get(f"{group}|{label}|{word}|{first_word}|{brk}")
            if rate is None:
                rate = table.get(f"{group}|{label}|{word}|{brk}")
                if rate is None:
                    rate = table.get(f"{group}|{label}|{brk}")
        if rate is not None and rate > CUT_RATE:
            return k - 1
    return last
