"""The model's own named-entity recogniser, decoded with numpy instead of spaCy's C loop.

spaCy's greedy transition loop for the NER (``Parser._parseC``) checks every one of the
74 moves at every token; in this build (Cython 3.3) each check takes and drops the GIL
several times, which was half of the NER's time (perf: ``take_gil``/``drop_gil``/mutex
≈ 40 % of it). ``FastNER`` computes the same thing from the same trained weights:

- the NER's own tok2vec and its ``lower`` layer (the precomputed features of every token,
  ``Yf``) run as in spaCy;
- the BILUO system's state is (buffer position ``t``; the open entity's start and label,
  if one is open), and its three features are ``[t, start, t - 1]`` (open) or
  ``[t, -, -]`` (closed; ``-`` is the layer's padding row). The closed-state scores of
  every token are therefore one matrix product for the whole batch; the only moves
  decided one at a time are those inside an entity, where just two moves are valid
  (``I-label``, ``L-label``);
- move validity is spaCy's (``ner.pyx``: no entity across a sentence start or starting
  on white space, ``B`` needs two tokens left), argmax keeps the first of equal scores.

Sums are taken in spaCy's order (feature 0 + 1 + 2, then the bias; maxout; products, then
the bias). Only a matrix product's rounding can differ, as with numpy's BLAS for the
tok2vec: measured, 0 entity differences (benchmarks/enrich.md, ``tests/enrich/``).

Used only where it is the same computation: greedy decoding (beam width 1), three
features, maxout, an output layer, no unseen classes, BILUO moves, and docs without preset
entities; anything else goes to spaCy's own ``ner.pipe``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy
from spacy.attrs import ENT_IOB, IS_SPACE, SENT_START
from spacy.tokens import Doc, Span

__all__ = ["FastNER"]

_KINDS = {"B": 0, "I": 1, "L": 2, "U": 3}


def _maxout(x: Any) -> Any:
    """The largest piece of each hidden unit (last axis) by pairwise ``numpy.maximum``:
    the same values as ``max(axis=-1)``, ten times faster over an axis of two."""
    out = x[..., 0]
    for piece in range(1, x.shape[-1]):
        out = numpy.maximum(out, x[..., piece])
    return out


class FastNER:
    """Sets ``doc.ents`` as the pipeline's ``ner`` component would, faster."""

    def __init__(self, ner: Any, ops: Any = None) -> None:
        self.ner = ner
        model = ner.model
        self._tok2vec = model.get_ref("tok2vec")
        self._lower = model.get_ref("lower")
        upper = model.get_ref("upper")
        self._ops = ops
        self._W = upper.get_param("W")  # (classes, hidden)
        self._b = upper.get_param("b")
        self._bias = self._lower.get_param("b")  # (hidden, pieces)
        moves = ner.moves
        names = [moves.get_class_name(i) for i in range(moves.n_moves)]
        self._names = names
        self._out = names.index("O")
        kind = numpy.full(len(names), -1)
        labels: list[str] = []
        label_of = numpy.full(len(names), -1)
        for i, name in enumerate(names):
            head, _, label = name.partition("-")
            if head in _KINDS and label:
                kind[i] = _KINDS[head]
                if label not in labels:
                    labels.append(label)
                label_of[i] = labels.index(label)
        self._labels = labels
        self._is_b = kind == 0
        self._is_u = kind == 3
        # class index of I-label and L-label, by label number
        self._in = [names.index(f"I-{lab}") for lab in labels]
        self._last = [names.index(f"L-{lab}") for lab in labels]
        self._label_of = label_of.tolist()
        self._kind = kind.tolist()

    @classmethod
    def usable(cls, ner: Any) -> bool:
        """Whether ``ner`` is the computation ``FastNER`` reproduces."""
        try:
            model = ner.model
            lower = model.get_ref("lower")
            names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
            return (
                type(ner.moves).__name__ == "BiluoPushDown"
                and ner.cfg.get("beam_width", 1) == 1
                and bool(model.attrs.get("has_upper"))
                and not model.attrs.get("unseen_classes")
                and lower.get_dim("nF") == 3
                and lower.get_dim("nP") >= 2
                and not getattr(ner, "postprocesses", [])
                and "O" in names
                and all(
                    n == "O" or n == "U-" or (n[:2] in ("B-", "I-", "L-", "U-") and len(n) > 2)
                    for n in names
                )
                and all(f"{k}-{n[2:]}" in names for n in names if n.startswith("B-") for k in "ILU")
            )
        except (AttributeError, KeyError, ValueError):
            return False

    def _gemm(self, x: Any, w: Any) -> Any:
        """``x @ w.T`` on the pipeline's ops (one BLAS thread) when given."""
        if self._ops is not None:
            return self._ops.gemm(x, w, trans2=True)
        return x @ w.T

    def __call__(self, docs: Sequence[Doc]) -> None:
        """Set the entities of ``docs`` (in place), as ``ner.pipe`` would."""
        docs = list(docs)
        if not any(len(d) for d in docs):
            return
        for doc in docs:
            if len(doc) and doc.to_array(ENT_IOB).any():  # preset entities: spaCy's way
                list(self.ner.pipe(docs, batch_size=len(docs)))  # it sets them in place
                return
        tokvecs = self._tok2vec.predict(docs)
        feats = self._lower.predict(tokvecs)  # (tokens + 1, 3, hidden, pieces); row 0: padding
        closed = feats[1:, 0] + feats[0, 1]  # in place from here: same sums, same order
        closed += feats[0, 2]
        closed += self._bias
        scores = self._gemm(_maxout(closed), self._W) + self._b
        # validity in the closed state, per token (global index over the batch)
        n_total = scores.shape[0]
        can_b = numpy.zeros(n_total, dtype=bool)
        can_u = numpy.zeros(n_total, dtype=bool)
        can_in = numpy.zeros(n_total, dtype=bool)  # I may follow at this token
        bounds: list[tuple[int, int]] = []
        offset = 0
        for doc in docs:
            n = len(doc)
            bounds.append((offset, n))
            if not n:
                continue
            arr = doc.to_array([IS_SPACE, SENT_START])
            not_space = arr[:, 0] == 0
            room = numpy.zeros(n, dtype=bool)  # the buffer holds two tokens, the next one
            room[:-1] = arr[1:, 1] != 1  # does not start a sentence
            can_u[offset : offset + n] = not_space
            can_b[offset : offset + n] = not_space & room
            can_in[offset : offset + n] = room
            offset += n
        valid = numpy.zeros(scores.shape, dtype=bool)
        valid[:, self._out] = True
        valid[:, self._is_b] = can_b[:, None]
        valid[:, self._is_u] = can_u[:, None]
        moves = numpy.where(valid, scores, -numpy.inf).argmax(axis=1)
        ends = self._entity_ends(moves, feats, can_in)
        for doc, (offset, n) in zip(docs, bounds, strict=True):
            if n:
                self._walk(doc, offset, moves, ends)

    def _entity_ends(self, moves: Any, feats: Any, can_in: Any) -> dict[int, int]:
        """For every token whose closed-state move is a B: where that entity would end
        (exclusive, global index), deciding I or L for all of them a token at a time."""
        starts = numpy.flatnonzero(self._is_b[moves])
        ends: dict[int, int] = {}
        if not len(starts):
            return ends
        labels = numpy.asarray(self._label_of)[moves[starts]]
        in_cols = numpy.asarray(self._in)[labels]
        last_cols = numpy.asarray(self._last)[labels]
        start_feats = feats[starts + 1, 1]
        at = starts + 1  # the token the open entity decides on
        live = numpy.arange(len(starts))
        while len(live):
            t = at[live]
            going = can_in[t]  # else only L is valid
            ask = live[going]
            if len(ask):
                ta = at[ask]
                h = feats[ta + 1, 0] + start_feats[ask]
                h += feats[ta, 2]
                h += self._bias
                h = _maxout(h)
                sc = self._gemm(h, self._W) + self._b
                rows = numpy.arange(len(ask))
                s_in, s_last = sc[rows, in_cols[ask]], sc[rows, last_cols[ask]]
                # argmax keeps the first of equal scores: I-x comes before L-x
                keep = numpy.where(in_cols[ask] < last_cols[ask], s_in >= s_last, s_in > s_last)
                going[going] = keep
            for j in live[~going].tolist():
                ends[int(starts[j])] = int(at[j]) + 1
            live = live[going]
            at[live] += 1
        return ends

    def _walk(self, doc: Doc, offset: int, moves: Any, ends: dict[int, int]) -> None:
        """One doc's entities: closed-state moves from ``moves``, B's ends from ``ends``."""
        n = len(doc)
        mine = moves[offset : offset + n]
        kind, label_of, labels = self._kind, self._label_of, self._labels
        chosen = mine.tolist()
        spans: list[Span] = []
        t = 0
        for s in numpy.flatnonzero(mine != self._out).tolist():
            if s < t:
                continue
            move = chosen[s]
            end = s + 1 if kind[move] == 3 else ends[offset + s] - offset
            spans.append(Span(doc, s, end, label=labels[label_of[move]]))
            t = end
        doc.set_ents(spans, default="outside")
