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
                for _ in self.ner.pipe(docs, batch_size=len(docs)):
                    pass
                return
        tokvecs = self._tok2vec.predict(docs)
        feats = self._lower.predict(tokvecs)  # (tokens + 1, 3, hidden, pieces); row 0: padding
        bias = self._bias
        closed = ((feats[1:, 0] + feats[0, 1]) + feats[0, 2]) + bias
        scores = self._gemm(closed.max(axis=2), self._W) + self._b
        # validity in the closed state, per token
        n_total = scores.shape[0]
        can_b = numpy.zeros(n_total, dtype=bool)
        can_u = numpy.zeros(n_total, dtype=bool)
        next_starts = numpy.zeros(n_total, dtype=bool)
        offset = 0
        for doc in docs:
            n = len(doc)
            if not n:
                continue
            arr = doc.to_array([IS_SPACE, SENT_START])
            not_space = arr[:, 0] == 0
            nxt = numpy.zeros(n, dtype=bool)
            nxt[:-1] = arr[1:, 1] == 1
            room = numpy.zeros(n, dtype=bool)
            room[:-1] = True  # B needs the buffer to hold two tokens
            can_u[offset : offset + n] = not_space
            can_b[offset : offset + n] = not_space & room & ~nxt
            next_starts[offset : offset + n] = nxt
            offset += n
        valid = numpy.zeros(scores.shape, dtype=bool)
        valid[:, self._out] = True
        valid[:, self._is_b] = can_b[:, None]
        valid[:, self._is_u] = can_u[:, None]
        moves = numpy.where(valid, scores, -numpy.inf).argmax(axis=1)
        offset = 0
        for doc in docs:
            n = len(doc)
            if n:
                self._decode(doc, offset, moves, feats, next_starts)
            offset += n

    def _decode(self, doc: Doc, offset: int, moves: Any, feats: Any, next_starts: Any) -> None:
        """Walk one doc: closed-state moves from ``moves``, entity insides one by one."""
        n = len(doc)
        mine = moves[offset : offset + n]
        starts = numpy.flatnonzero(mine != self._out).tolist()
        chosen = mine.tolist()
        kind, label_of = self._kind, self._label_of
        nxt = next_starts[offset : offset + n].tolist()
        bias, W, b = self._bias, self._W, self._b
        spans: list[Span] = []
        t = 0
        for s in starts:
            if s < t:
                continue
            move = chosen[s]
            lab = label_of[move]
            if kind[move] == 3:  # U
                spans.append(Span(doc, s, s + 1, label=self._labels[lab]))
                t = s + 1
                continue
            # B: the entity is open from s; decide I or L at each following token
            i_col, l_col = self._in[lab], self._last[lab]
            cols = [i_col, l_col]
            start_feat = feats[offset + s + 1, 1]
            t = s + 1
            while True:
                can_in = t < n - 1 and not nxt[t]
                if can_in:
                    h = (
                        ((feats[offset + t + 1, 0] + start_feat) + feats[offset + t, 2]) + bias
                    ).max(axis=1)
                    pair = self._gemm(h[None, :], W[cols])[0] + b[cols]
                    go_on = bool(pair[0] >= pair[1]) if i_col < l_col else bool(pair[0] > pair[1])
                else:
                    go_on = False
                if go_on:
                    t += 1
                    continue
                spans.append(Span(doc, s, t + 1, label=self._labels[lab]))
                t += 1
                break
        doc.set_ents(spans, default="outside")
