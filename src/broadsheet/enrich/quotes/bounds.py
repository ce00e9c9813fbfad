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
from .marks import QUOTE_CHARS

__all__ = [
    "cut_examples",
    "cut_features",
    "cut_keys",
    "cut_points",
    "load_cut_model",
    "trim_tokens",
]

_WORD_POS = frozenset({"ADP", "SCONJ", "CCONJ", "ADV", "PART", "DET", "PRON", "AUX"})
_BREAKS = frozenset({",", ";", "—", "–", "-", "--", "(", ":"})
MIN_COUNT = 3  # features seen fewer times in training are not weighed
CUT_LOGIT = 0.0  # cut where the gold content ended more often than not (probability 0.5)
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


def _bucket(n: int) -> str:
    for limit in (1, 2, 4, 8, 16, 32):
        if n <= limit:
            return str(limit)
    return "more"


def _cue_lemma(a: DocArrays, root: int) -> str:
    """The lemma of the word a content hangs from (the cue verb; through a preposition)."""
    h = a.head[root]
    if a.dep[h] == "prep" and a.head[h] != h:
        h = a.head[h]
    return a.lemma[h]


def _content_root(a: DocArrays, first: int, last: int) -> int:
    head = a.head
    for i in range(first, last + 1):
        if not first <= head[i] <= last:
            return i
    return first


def cut_features(
    a: DocArrays, k: int, d: int, pattern: str, first: int, last: int, index: int, root: int
) -> list[str]:
    """What the cut model sees of a cut before token k (its dependent d, the index-th cut of
    content first..last whose root is ``root``): the table's four keys, and the cut's
    place (tokens before and after it, which cut it is), where its dependent hangs (the
    cue's adjunct, the content's root, deeper), the head's part of speech and lemma, the
    cue's lemma, a clause with its own subject, a quotation mark at the cut."""
    pos, lower, text, head, dep = a.pos, a.lower, a.text, a.head, a.dep
    dep_pos = pos[d]
    word = lower[d] if dep_pos in _WORD_POS else dep_pos
    first_word = lower[k] if pos[k] in _WORD_POS else pos[k]
    brk = "b" if text[k - 1] in _BREAKS or text[k] in _BREAKS else "n"
    group = "c" if pattern in _CLAUSE_PATTERNS else "o"
    h = head[d]
    outside = not first <= h <= last
    if outside:
        brk += "^"  # the cue's adjunct, not the content's
    label = dep[d]
    where = "^" if outside else "r" if h == root else "in"
    before, after = _bucket(k - first), _bucket(last - k + 1)
    feats = [
        f"{pattern}|{label}|{word}|{first_word}|{brk}",
        f"{group}|{label}|{word}|{first_word}|{brk}",
        f"{group}|{label}|{word}|{brk}",
        f"{group}|{label}|{brk}",
        f"pd={pattern}|{label}|{brk}",
        f"nb={group}|{before}",
        f"na={group}|{after}",
        f"nba={group}|{before}|{after}",
        f"ci={group}|{min(index, 3)}",
        f"w={group}|{label}|{where}",
        f"hp={group}|{pos[h]}|{label}",
        f"lm={_cue_lemma(a, root)}|{label}|{brk}",
        f"hl={group}|{a.lemma[h]}|{label}|{word}",
    ]
    if dep_pos in ("VERB", "AUX"):
        feats.append(f"dl={group}|{a.lemma[d]}|{label}")
    if any(dep[c] in ("nsubj", "nsubjpass") for c in a.children(d)):
        feats.append(f"subj={group}|{label}")
    if text[k - 1] in QUOTE_CHARS or text[k] in QUOTE_CHARS:
        feats.append(f"q={group}|{label}")
    return feats


def cut_examples(
    doc: Doc, first: int, last: int, pattern: str, gold_end: int
) -> list[tuple[list[str], int]]:
    """Training rows of the cut model for content first..last whose gold content ends at
    character ``gold_end``: (features, 1 if the gold content ended at the cut) for each
    cut it reaches, up to the one where it ends (none past a gold end inside a phrase)."""
    a = doc_arrays(doc)
    root = _content_root(a, first, last)
    rows: list[tuple[list[str], int]] = []
    for index, (k, d) in enumerate(_cut_points(a, first, last)):
        j = k - 1
        while j > first and (a.punct[j] or a.space[j]):
            j -= 1
        if gold_end <= a.idx[j]:
            break  # the gold content ended earlier
        ended = gold_end <= a.idx[k]
        rows.append((cut_features(a, k, d, pattern, first, last, index, root), int(ended)))
        if ended:
            break
    return rows


@lru_cache(maxsize=1)
def load_cut_model() -> tuple[float, dict[str, float]]:
    """The fitted cut model (bias, weights); (0, {}) when the data file is missing."""
    path = resources.files(__package__) / "data" / "bounds.json"
    if not path.is_file():
        return 0.0, {}
    data = json.loads(path.read_text("utf-8"))
    return float(data["bias"]), dict(data["weights"])


def trim_tokens(doc: Doc, first: int, last: int, pattern: str) -> int:
    """The last token of content first..last once trailing phrases are cut off: the cut
    is made at the first place the model gives the content an even chance or better of
    ending (logistic score over ``CUT_LOGIT``)."""
    bias, weights = load_cut_model()
    if not weights:
        return last
    a = doc_arrays(doc)
    cuts = _cut_points(a, first, last)
    if not cuts:
        return last
    root = _content_root(a, first, last)
    get = weights.get
    for index, (k, d) in enumerate(cuts):
        z = bias
        for f in cut_features(a, k, d, pattern, first, last, index, root):
            z += get(f, 0.0)
        if z > CUT_LOGIT:
            return k - 1
    return last
