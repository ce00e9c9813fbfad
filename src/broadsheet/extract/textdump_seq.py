"""The text-dump reader's third stage: a small bidirectional GRU over the whole page.

The first two stages score each line from its own features and its neighbours' scores
within a fixed window. This stage reads the page as a sequence, top to bottom and bottom
to top, so what lies far above or below a line (the story's end, a comment thread's start)
can change its score. Its inputs per line are the second stage's score (as a probability
and a log-odds) and the first stage's features, standardised; its output is mixed with the
second stage's score (``mix``) before the reading rules. A stage may also read each line's
words (:func:`line_terms`): a learned vector per term of a vocabulary of terms seen on many
sites, averaged over the line's terms and added to the input layer.

Fitted with PyTorch at development time (``broadsheet.bench.textdump_seqfit``) on
second-stage scores of pages their model was not fitted on; read here with numpy only.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["SequenceStage", "StageMean", "WordBags", "line_terms", "load_stage", "raw_inputs"]

Array = npt.NDArray[np.float64]


def _sigmoid(x: Array) -> Array:
    out: Array = 1.0 / (1.0 + np.exp(-np.clip(x, -40.0, 40.0)))
    return out


def _arr(value: Any, shape: tuple[int, ...]) -> Array:
    out = np.asarray(value, dtype=np.float64)
    if out.shape != shape:
        raise ValueError(f"sequence stage: expected an array of shape {shape}, got {out.shape}")
    return out


# longer dumps keep the second stage's scores: no page of the 2,024 development pages has
# more than 1,500 lines, and a hostile dump of tens of thousands would cost memory and time
MAX_LINES = 5_000
ROWS = 64  # a product's rows at a time: OpenBLAS runs smaller products on one thread


def _dot(a: Array, b: Array) -> Array:
    """``a @ b`` a few rows at a time. On a page's few hundred lines a multi-threaded product
    costs more in waking threads than it saves (three times the CPU time, measured)."""
    if len(a) <= ROWS:
        out: Array = a @ b
        return out
    return np.concatenate([a[i : i + ROWS] @ b for i in range(0, len(a), ROWS)])


_WORD = re.compile(r"[^\W\d_]+")
TERM_WORDS = 40  # a line's first words that count as its terms (a paragraph's rest adds little)


def line_terms(text: str) -> set[str]:
    """A line's terms for the word layer: its first :data:`TERM_WORDS` lower-case words
    (letters only), its first word marked ``^``, its last marked ``$``, and ``#short`` for a
    line of three words or fewer."""
    words = _WORD.findall(text.lower())
    if not words:
        return set()
    terms = set(words[:TERM_WORDS])
    terms.update(("^" + words[0], "$" + words[-1]))
    if len(words) <= 3:
        terms.add("#short")
    return terms


@dataclass(frozen=True, slots=True)
class WordBags:
    """Each line's terms found in a vocabulary, as (line, term id, 1 / the line's count)."""

    rows: npt.NDArray[np.intp]
    ids: npt.NDArray[np.intp]
    weights: Array
    lines: int

    @classmethod
    def of(cls, texts: Sequence[str], vocab: Mapping[str, int]) -> WordBags:
        rows: list[int] = []
        ids: list[int] = []
        weights: list[float] = []
        for i, text in enumerate(texts):
            found = [vocab[t] for t in line_terms(text) if t in vocab]
            if not found:
                continue
            rows.extend([i] * len(found))
            ids.extend(found)
            weights.extend([1.0 / len(found)] * len(found))
        return cls(np.array(rows, np.intp), np.array(ids, np.intp), np.array(weights), len(texts))

    def mean(self, emb: Array) -> Array:
        """Each line's mean term vector (zeros for a line with no known term)."""
        out = np.zeros((self.lines, emb.shape[1]))
        if len(self.ids):  # the pairs run line by line: one sum per run
            starts = np.flatnonzero(np.diff(self.rows, prepend=-1))
            sums = np.add.reduceat(emb[self.ids] * self.weights[:, None], starts)
            out[self.rows[starts]] = sums
        return out


def _words_of(
    vocab: Mapping[str, int] | None, texts: Sequence[str] | None, n: int
) -> WordBags | None:
    if vocab is None:
        return None
    if texts is None or len(texts) != n:
        raise ValueError("sequence stage: this stage reads the lines' words; give their texts")
    return WordBags.of(texts, vocab)


def _emb_to_json(emb: Array) -> str:
    return base64.b64encode(emb.astype("<f4").tobytes()).decode("ascii")


def _emb_from_json(text: str, shape: tuple[int, int]) -> Array:
    raw = np.frombuffer(base64.b64decode(text), dtype="<f4")
    if raw.size != shape[0] * shape[1]:
        raise ValueError(f"sequence stage: expected a term table of shape {shape}")
    return raw.astype(np.float64).reshape(shape)


def raw_inputs(probs: npt.ArrayLike, feats: npt.ArrayLike) -> Array:
    """Each line's inputs before standardising: score, log-odds / 5, first-stage features."""
    p = np.clip(np.asarray(probs, dtype=np.float64), 1e-4, 1 - 1e-4)
    f = np.asarray(feats, dtype=np.float64).reshape(len(p), -1)
    return np.column_stack([p, np.log(p / (1.0 - p)) / 5.0, f])


@dataclass(frozen=True, slots=True)
class _Direction:
    w_ih: Array  # (3H, H): reset, update, new gates, as PyTorch orders them
    w_hh: Array  # (3H, H)
    b_ih: Array  # (3H,)
    b_hh: Array  # (3H,)


@dataclass(frozen=True, slots=True)
class _Recurrence:
    """Several GRU directions stepped as one recurrence over a flat state: a stage's forward
    and backward pass, or those of every member of a mean (one loop over the lines costs
    less than one per member: numpy's calls, not its arithmetic, are most of a step).

    Layout of a step's gate vector: the reset gates of every direction, then the update
    gates, then the new gates, H values each. Built once from the directions' weights."""

    dirs: tuple[_Direction, ...]
    backward: tuple[bool, ...]  # per direction: reads the lines bottom to top
    hidden: int
    w_rz: Array  # (2DH, DH): the reset and update gates' recurrent weights, block-diagonal
    w_n: Array  # (DH, DH): the new gate's
    b_rz: tuple[Array, ...]  # per direction: the reset and update gates' recurrent biases
    b_new: Array  # (DH,): the new gate's recurrent biases (inside r * (...))

    @classmethod
    def of(cls, dirs: Sequence[_Direction], backward: Sequence[bool]) -> _Recurrence:
        hidden = dirs[0].w_hh.shape[1]
        size = len(dirs) * hidden
        w = np.zeros((3 * size, size))
        for d, one in enumerate(dirs):
            at = d * hidden
            for k in range(3):
                rows = slice(k * size + at, k * size + at + hidden)
                w[rows, at : at + hidden] = one.w_hh[k * hidden : (k + 1) * hidden]
        return cls(
            tuple(dirs),
            tuple(backward),
            hidden,
            w[: 2 * size].copy(),  # row-major: matrix-vector products run on one thread
            w[2 * size :].copy(),
            tuple(d.b_hh[: 2 * hidden] for d in dirs),
            np.concatenate([d.b_hh[2 * hidden :] for d in dirs]),
        )

    def run(self, inputs: Sequence[Array]) -> Array:
        """The hidden states (T, DH) in line order, direction after direction: direction d
        reads ``inputs[d]``, top to bottom or bottom to top, all in one loop (step t of a
        backward direction is line T - 1 - t); PyTorch's GRU arithmetic. The inputs' part
        of the gates is worked out a block of steps at a time (memory)."""
        hidden, steps = self.hidden, len(inputs[0])
        size = len(self.dirs) * hidden
        h = np.zeros(size)
        out = np.empty((steps, size))
        for lo in range(0, steps, ROWS):
            hi = min(steps, lo + ROWS)
            parts = []
            ways = zip(self.dirs, inputs, self.backward, self.b_rz, strict=True)
            for one, xs, back, b_rz in ways:
                if back:
                    gx = (_dot(xs[steps - hi : steps - lo], one.w_ih.T) + one.b_ih)[::-1]
                else:
                    gx = _dot(xs[lo:hi], one.w_ih.T) + one.b_ih
                # the recurrent biases of the reset and update gates fold in here
                parts.append((gx[:, : 2 * hidden] + b_rz, gx[:, 2 * hidden :]))
            gx_rz = np.concatenate(
                [rz[:, :hidden] for rz, _ in parts] + [rz[:, hidden:] for rz, _ in parts], axis=1
            )
            gx_n = np.concatenate([n for _, n in parts], axis=1)
            for t in range(hi - lo):
                rz = 0.5 + 0.5 * np.tanh(0.5 * (gx_rz[t] + self.w_rz.dot(h)))  # sigmoid
                n = np.tanh(gx_n[t] + rz[:size] * (self.w_n.dot(h) + self.b_new))
                h = n + rz[size:] * (h - n)
                out[lo + t] = h
        for d, back in enumerate(self.backward):
            if back:  # the backward states in line order
                cols = slice(d * hidden, (d + 1) * hidden)
                out[:, cols] = out[::-1, cols].copy()
        return out


@dataclass(frozen=True, slots=True)
class SequenceStage:
    """Input layer, one bidirectional GRU layer, and a linear read-out over [GRU, input]."""

    mean: Array  # standardisation of the inputs
    scale: Array
    w_in: Array  # (H, inputs)
    b_in: Array  # (H,)
    forward: _Direction
    backward: _Direction
    w_out: Array  # (2H + inputs,)
    b_out: float
    mix: float  # the stage-2 score weighs 1 - mix, this stage's mix
    vocab: Mapping[str, int] | None = None  # the word layer's terms (None: no word layer)
    emb: Array | None = None  # (terms, H): each term's vector, added to the input layer
    both: _Recurrence = field(init=False, repr=False)  # derived once from the two directions

    def __post_init__(self) -> None:
        both = _Recurrence.of((self.forward, self.backward), (False, True))
        object.__setattr__(self, "both", both)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SequenceStage:
        hidden, inputs = int(data["hidden"]), int(data["inputs"])

        def direction(key: str) -> _Direction:
            part = data[key]
            return _Direction(
                _arr(part["w_ih"], (3 * hidden, hidden)),
                _arr(part["w_hh"], (3 * hidden, hidden)),
                _arr(part["b_ih"], (3 * hidden,)),
                _arr(part["b_hh"], (3 * hidden,)),
            )

        return cls(
            _arr(data["mean"], (inputs,)),
            _arr(data["scale"], (inputs,)),
            _arr(data["w_in"], (hidden, inputs)),
            _arr(data["b_in"], (hidden,)),
            direction("forward"),
            direction("backward"),
            _arr(data["w_out"], (2 * hidden + inputs,)),
            float(data["b_out"]),
            float(data["mix"]),
            *_words_from_json(data, hidden),
        )

    def to_json(self) -> dict[str, Any]:
        """The weights as JSON, to 7 significant digits (PyTorch fits them as float32)."""

        def short(a: Array) -> Any:
            return np.vectorize(lambda v: float(f"{v:.7g}"), otypes=[float])(a).tolist()

        def direction(d: _Direction) -> dict[str, Any]:
            return {
                "w_ih": short(d.w_ih),
                "w_hh": short(d.w_hh),
                "b_ih": short(d.b_ih),
                "b_hh": short(d.b_hh),
            }

        words: dict[str, Any] = {}
        if self.vocab is not None and self.emb is not None:
            terms = sorted(self.vocab, key=self.vocab.__getitem__)
            words = {"vocab": terms, "emb_f32": _emb_to_json(self.emb)}
        return {
            "kind": "bigru",
            "hidden": int(self.w_in.shape[0]),
            "inputs": int(self.w_in.shape[1]),
            "mean": short(self.mean),
            "scale": short(self.scale),
            "w_in": short(self.w_in),
            "b_in": short(self.b_in),
            "forward": direction(self.forward),
            "backward": direction(self.backward),
            "w_out": short(self.w_out),
            "b_out": self.b_out,
            "mix": self.mix,
            **words,
        }

    def inputs(self, probs: npt.ArrayLike, feats: npt.ArrayLike) -> Array:
        """Each line's standardised inputs (:func:`raw_inputs`)."""
        return self.standard(raw_inputs(probs, feats))

    def predict(
        self, probs: npt.ArrayLike, feats: npt.ArrayLike, texts: Sequence[str] | None = None
    ) -> Array:
        """This stage's probability for each line (not yet mixed); ``texts`` are the lines'
        texts, needed when the stage has a word layer."""
        n = len(np.asarray(probs))
        if n == 0:
            return np.zeros(0)
        x = self.inputs(probs, feats)
        h = self.first_layer(x, _words_of(self.vocab, texts, n))
        return self.read_out(x, self.both.run([h] * 2))

    def standard(self, raw: Array) -> Array:
        """The lines' raw inputs standardised as in fitting."""
        out: Array = (raw - self.mean) / self.scale
        return out

    def first_layer(self, x: Array, words: WordBags | None = None) -> Array:
        """The input layer: what the GRU reads at each line."""
        pre = _dot(x, self.w_in.T) + self.b_in
        if words is not None and self.emb is not None:
            pre += words.mean(self.emb)
        out: Array = np.tanh(pre)
        return out

    def read_out(self, x: Array, both: Array) -> Array:
        """The probability of each line from its inputs and both directions' states."""
        span = both.shape[1]
        logit = _dot(both, self.w_out[:span]) + _dot(x, self.w_out[span:]) + self.b_out
        return _sigmoid(logit)

    def rescore(
        self, probs: npt.ArrayLike, feats: npt.ArrayLike, texts: Sequence[str] | None = None
    ) -> list[float]:
        """The second stage's scores mixed with this stage's (as they are past
        :data:`MAX_LINES` lines)."""
        return _rescore(self.predict, self.mix, probs, feats, texts)


def _words_from_json(data: dict[str, Any], hidden: int) -> tuple[Any, Any]:
    if "vocab" not in data:
        return None, None
    terms = [str(t) for t in data["vocab"]]
    emb = _emb_from_json(data["emb_f32"], (len(terms), hidden))
    return {t: k for k, t in enumerate(terms)}, emb


def _rescore(
    predict: Callable[[Array, npt.ArrayLike, Sequence[str] | None], Array],
    mix: float,
    probs: npt.ArrayLike,
    feats: npt.ArrayLike,
    texts: Sequence[str] | None,
) -> list[float]:
    p = np.asarray(probs, dtype=np.float64)
    if len(p) > MAX_LINES:
        return [float(v) for v in p]
    mixed = (1.0 - mix) * p + mix * predict(p, feats, texts)
    return [float(v) for v in mixed]


@dataclass(frozen=True, slots=True)
class StageMean:
    """The mean of several sequence stages' probabilities (the same stage fitted from
    different seeds), mixed like one stage. The members' GRUs step in one loop."""

    members: tuple[SequenceStage, ...]
    mix: float
    steps: _Recurrence = field(init=False, repr=False)  # every member's directions at once
    vocab_of: tuple[int, ...] = field(init=False, repr=False)  # each member's vocabulary group

    def __post_init__(self) -> None:
        if not self.members:
            raise ValueError("sequence stage mean: no members")
        if len({m.w_in.shape for m in self.members}) != 1:
            raise ValueError("sequence stage mean: members of different sizes")
        dirs = [d for m in self.members for d in (m.forward, m.backward)]
        steps = _Recurrence.of(dirs, [False, True] * len(self.members))
        object.__setattr__(self, "steps", steps)
        groups: list[Mapping[str, int] | None] = []
        for m in self.members:
            if m.vocab not in groups:
                groups.append(m.vocab)
        object.__setattr__(self, "vocab_of", tuple(groups.index(m.vocab) for m in self.members))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StageMean:
        return cls(tuple(SequenceStage.from_json(m) for m in data["members"]), float(data["mix"]))

    def to_json(self) -> dict[str, Any]:
        members = [m.to_json() for m in self.members]
        return {"kind": "bigru-mean", "mix": self.mix, "members": members}

    def predict(
        self, probs: npt.ArrayLike, feats: npt.ArrayLike, texts: Sequence[str] | None = None
    ) -> Array:
        """The members' mean probability for each line (not yet mixed)."""
        n = len(np.asarray(probs))
        if n == 0:
            return np.zeros(0)
        raw = raw_inputs(probs, feats)
        xs = [m.standard(raw) for m in self.members]
        bags: dict[int, WordBags | None] = {}  # members fitted on the same pages share terms
        for m, group in zip(self.members, self.vocab_of, strict=True):
            if group not in bags:
                bags[group] = _words_of(m.vocab, texts, n)
        firsts = [
            m.first_layer(x, bags[group])
            for m, x, group in zip(self.members, xs, self.vocab_of, strict=True)
        ]
        states = self.steps.run([h for h in firsts for _ in range(2)])
        span = 2 * self.members[0].w_in.shape[0]
        out: Array = np.mean(
            [
                m.read_out(x, states[:, k * span : (k + 1) * span])
                for k, (m, x) in enumerate(zip(self.members, xs, strict=True))
            ],
            axis=0,
        )
        return out

    def rescore(
        self, probs: npt.ArrayLike, feats: npt.ArrayLike, texts: Sequence[str] | None = None
    ) -> list[float]:
        """As :meth:`SequenceStage.rescore`, with the members' mean."""
        return _rescore(self.predict, self.mix, probs, feats, texts)


def load_stage(data: dict[str, Any]) -> SequenceStage | StageMean:
    """The "sequence" entry of the weights: one stage, or the mean of several."""
    return StageMean.from_json(data) if "members" in data else SequenceStage.from_json(data)
