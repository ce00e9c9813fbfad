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

The NER's own tok2vec is computed here too (``_Tok2Vec``: the model's layers, row by row):
its embedding stage is cached by the token's attributes (same values), and by default
(``subset=True``) only tokens that may begin an entity get closed-state scores, with their
receptive field (± 4 tokens); the others are taken as ``O``. A token inside an entity is
computed when the entity reaches it. This drops entities that begin on a lower-case word
outside ``ENTITY_STARTS`` (measured: 0.2 % of spans, mostly the model's errors; see
benchmarks/enrich.md); ``subset=False`` computes every token and is exact.

Used only where it is the same computation: greedy decoding (beam width 1), three
features, maxout, an output layer, no unseen classes, BILUO moves, and docs without preset
entities; anything else goes to spaCy's own ``ner.pipe``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy
from spacy.attrs import ENT_IOB, IS_SPACE, ORTH, SENT_START
from spacy.tokens import Doc, Span

from broadsheet.enrich.embedcache import EmbedRows

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

    def __init__(self, ner: Any, ops: Any = None, subset: bool = True) -> None:
        self.ner = ner
        model = ner.model
        self._tok2vec = model.get_ref("tok2vec")
        self._lower = model.get_ref("lower")
        self._enc = _Tok2Vec(self._tok2vec, self._lower) if _Tok2Vec.usable(self._tok2vec) else None
        self.subset = subset
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
        if self._enc is None:
            feats = self._lower.predict(self._tok2vec.predict(docs))
            need, batch = None, None
        else:
            batch = self._enc.start(docs)
            need = self._enc.candidates(docs) if self.subset else None
            feats = batch.feats(need)
        # feats: (tokens + 1, 3, hidden, pieces); row 0: padding
        rows = slice(None) if need is None else numpy.flatnonzero(need)
        closed = feats[1:][rows, 0] + feats[0, 1]  # in place from here: same sums, same order
        closed += feats[0, 2]
        closed += self._bias
        scores = self._gemm(_maxout(closed), self._W) + self._b
        # validity in the closed state, per token (global index over the batch)
        n_total = feats.shape[0] - 1
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
        valid[:, self._is_b] = can_b[rows, None]
        valid[:, self._is_u] = can_u[rows, None]
        moves = numpy.full(n_total, self._out, dtype=numpy.intp)
        moves[rows] = numpy.where(valid, scores, -numpy.inf).argmax(axis=1)
        ends = self._entity_ends(moves, feats, can_in, batch)
        for doc, (offset, n) in zip(docs, bounds, strict=True):
            if n:
                self._walk(doc, offset, moves, ends)

    def _entity_ends(
        self, moves: Any, feats: Any, can_in: Any, batch: _Batch | None
    ) -> dict[int, int]:
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
                if batch is not None and not batch.have(ta).all():
                    feats = batch.feats(ta)
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


_WINDOW = (-1, 0, 1)


class _Tok2Vec:
    """The NER's own tok2vec (``MultiHashEmbed`` + ``MaxoutWindowEncoder``, window 1,
    depth 4), computed row by row with the model's own layers, for the rows asked for.

    The batch is laid out as thinc's ``with_array(pad=4)`` lays it out (four zero rows
    before every doc and after the last; ``expand_window`` reads zeros past the ends), so
    a row's value is the one the whole-batch computation gives it. Layer ``k`` of a token
    depends on layer ``k - 1`` of its neighbours only; ``feats`` computes for the tokens
    asked the rows each layer needs (the token ± 4 at the embeddings, ± 0 at the top) that
    are not yet there. The embedding stage (hash embeddings + maxout mix) depends only on
    the token's four attributes and is cached by them."""

    CACHE_ROWS = 50_000

    def __init__(self, tok2vec: Any, lower: Any) -> None:
        embed, encode = tok2vec.layers[0].layers
        self.embed = EmbedRows(embed, self.CACHE_ROWS)  # shared; a batch's arrays are not
        self._columns = self.embed.columns
        self._convs = [res.layers[0].layers[1] for res in encode.layers[0].layers]
        self._linear = tok2vec.layers[-1]
        self._lower = lower
        self._width = self.embed.width
        self._starts: dict[int, bool] = {}
        self._pad_feat = lower.predict(numpy.zeros((0, self._linear.get_dim("nO")), "float32"))

    @classmethod
    def usable(cls, tok2vec: Any) -> bool:
        """Whether ``tok2vec`` has the layout this class computes."""
        try:
            embed, encode = tok2vec.layers[0].layers
            names = [layer.name for layer in embed.layers]
            convs = encode.layers[0].layers
            return (
                len(tok2vec.layers) == 3
                and tok2vec.layers[1].name == "list2array"
                and tok2vec.layers[2].name == "linear"
                and names[0] == "extract_features"
                and names[1:] == ["list2ragged", names[2], names[3], "ragged2list"]
                and names[2].startswith("with_array(ints-getitem>>hashembed")
                and names[3] == "with_array(maxout>>layernorm>>dropout)"
                and encode.attrs.get("pad") == 4
                and len(convs) == 4
                and all(
                    c.name == "residual(expand_window>>maxout>>layernorm>>dropout)"
                    and c.layers[0].layers[0].attrs.get("window_size") == 1
                    for c in convs
                )
            )
        except (AttributeError, IndexError, KeyError, ValueError):
            return False

    def start(self, docs: Sequence[Doc]) -> _Batch:
        """Lay out a new batch; nothing is computed yet."""
        return _Batch(self, docs)

    def candidates(self, docs: Sequence[Doc]) -> Any:
        """Tokens that may begin an entity (global mask): a capital, a digit, a currency
        sign, or a lower-case word of ``ENTITY_STARTS``."""
        docs = [d for d in docs if len(d)]
        if not docs:
            return numpy.zeros(0, dtype=bool)
        orths, inverse = numpy.unique(
            numpy.concatenate([d.to_array(ORTH) for d in docs]), return_inverse=True
        )
        starts, strings = self._starts, docs[0].vocab.strings
        flags = numpy.zeros(len(orths), dtype=bool)
        for i, o in enumerate(orths.tolist()):
            flag = starts.get(o)
            if flag is None:
                flag = starts[o] = _may_start(strings[o])
            flags[i] = flag
        return flags[inverse.ravel()]


class _Batch:
    """One batch's rows of the NER tok2vec (``_Tok2Vec.start``): each call has its own."""

    def __init__(self, enc: _Tok2Vec, docs: Sequence[Doc]) -> None:
        self._enc = enc
        pad = 4
        sizes = [len(d) for d in docs]
        n_total = sum(sizes)
        n_flat = n_total + pad * (len(docs) + 1) + 2  # + a zero guard row at each end
        self._tokflat = numpy.empty(n_total, dtype=numpy.intp)
        token_rows = numpy.zeros(n_flat, dtype=bool)
        g, f = 0, 1 + pad
        for n in sizes:
            self._tokflat[g : g + n] = numpy.arange(f, f + n)
            token_rows[f : f + n] = True
            g, f = g + n, f + n + pad
        self._ints = (
            numpy.concatenate([d.to_array(enc._columns) for d in docs if len(d)])
            if n_total
            else numpy.zeros((0, len(enc._columns)), dtype="uint64")
        )
        depth = len(enc._convs)
        self._x = [numpy.empty((n_flat, enc._width), dtype="float32") for _ in range(depth + 1)]
        self._have = [numpy.zeros(n_flat, dtype=bool) for _ in range(depth + 1)]
        for x, have in zip(self._x, self._have, strict=True):
            x[[0, -1]] = 0  # guards: zeros at every layer
            have[[0, -1]] = True
        self._x[0][~token_rows] = 0  # padding rows of the input
        self._have[0][~token_rows] = True
        feats = numpy.empty((n_total + 1, *enc._pad_feat.shape[1:]), dtype="float32")
        feats[0] = enc._pad_feat[0]
        self._feats = feats
        self._have_feat = numpy.zeros(n_total, dtype=bool)

    def have(self, tokens: Any) -> Any:
        return self._have_feat[tokens]

    def feats(self, tokens: Any = None) -> Any:
        """The lower layer's features of ``tokens`` (global indices or a mask; all when
        None), computing what is missing; returns the batch's whole array (row 0:
        padding; rows not asked for are undefined)."""
        want = numpy.ones(len(self._have_feat), dtype=bool) if tokens is None else tokens
        if want.dtype != bool:
            mask = numpy.zeros(len(self._have_feat), dtype=bool)
            mask[want] = True
            want = mask
        target = numpy.flatnonzero(want & ~self._have_feat)
        if not len(target):
            return self._feats
        enc = self._enc
        depth = len(enc._convs)
        need = [numpy.zeros(0, dtype=bool)] * (depth + 1)
        cur = numpy.zeros(len(self._have[0]), dtype=bool)
        cur[self._tokflat[target]] = True
        need[depth] = cur & ~self._have[depth]
        for k in range(depth, 0, -1):
            up = need[k]
            wider = up.copy()
            wider[1:] |= up[:-1]
            wider[:-1] |= up[1:]
            need[k - 1] = wider & ~self._have[k - 1]
        rows = numpy.flatnonzero(need[0])
        if len(rows):
            self._x[0][rows] = enc.embed(self._ints[numpy.searchsorted(self._tokflat, rows)])
            self._have[0][rows] = True
        window = numpy.asarray(_WINDOW)
        for k in range(1, depth + 1):
            rows = numpy.flatnonzero(need[k])
            if not len(rows):
                continue
            below = self._x[k - 1]
            a, b = int(rows[0]), int(rows[-1]) + 1
            if b - a == len(rows):  # a run of rows: slices instead of gathers
                win = numpy.concatenate([below[a - 1 : b - 1], below[a:b], below[a + 1 : b + 1]], 1)
                self._x[k][a:b] = below[a:b] + enc._convs[k - 1].predict(win)
            else:
                win = numpy.take(below, rows[:, None] + window, axis=0).reshape(len(rows), -1)
                self._x[k][rows] = numpy.take(below, rows, axis=0) + enc._convs[k - 1].predict(win)
            self._have[k][rows] = True
        top = self._x[depth][self._tokflat[target]]
        self._feats[target + 1] = enc._lower.predict(enc._linear.predict(top))[1:]
        self._have_feat[target] = True
        return self._feats


_SIGNS = frozenset("$£€¥#")
# Lower-case words that begin an entity of the model's (the full NER on PolNeAR train text,
# 840 documents: every first word of 3 entities or more with no capital or digit), the
# number words, the particles of names ("bin Laden", "de Blasio") and prefixes ("ultra-").
_STARTS = """
" ' '' a about above abu afternoon age ages al all almost an annual annually another
anti any approximately around as at autumn below between billion billions bin bisexual
close coming da daily dawn day days de decade decades del della democratic der di dozen
dozens du e.v each earlier early eight eighteen eighth eighty el election eleven
eleventh evening every fall fewer fifteen fifth fifty first fiscal five forty four
fourteen fourth half her his hourly hours hundred hundreds ibn jihadist just la last
late later le lesbian less long many marijuana mid midday midnight million millions
minus minutes month monthly months more morning mosques multi multimillion nativist
nearly next night nights nine nineteen ninety ninth non noon one only over overnight
pan past post pre presidential pro quarter quarterly recent roughly season second seven
seventeen seventh seventy several six sixteen sixth sixty some spring state summer ten
tens tenth that the these third thirteen thirty this those thousand thousands three
today tomorrow tonight trans trillion trillions twelfth twelve twentieth twenty two
ultra un under up van von week weekend weekly weeks winter year years yesterday zero
"""
ENTITY_STARTS: frozenset[str] = frozenset(_STARTS.split())


def _may_start(word: str) -> bool:
    return (
        any(c.isupper() or c.isdigit() or c in _SIGNS for c in word)
        or word.lower() in ENTITY_STARTS
    )
