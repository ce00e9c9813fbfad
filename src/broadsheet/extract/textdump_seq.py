"""The text-dump reader's third stage: a small bidirectional GRU over the whole page.

The first two stages score each line from its own features and its neighbours' scores
within a fixed window. This stage reads the page as a sequence, top to bottom and bottom
to top, so what lies far above or below a line (the story's end, a comment thread's start)
can change its score. Its inputs per line are the second stage's score (as a probability
and a log-odds) and the first stage's features, standardised; its output is mixed with the
second stage's score (``mix``) before the reading rules.

Fitted with PyTorch at development time (``broadsheet.bench.textdump_seqfit``) on
second-stage scores of pages their model was not fitted on; read here with numpy only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["SequenceStage", "StageMean", "load_stage", "raw_inputs"]

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
class _BothWays:
    """Both directions' GRU as one recurrence over a flat state (forward, backward).

    Layout of a step's gate vector: reset (forward, backward), update (forward, backward),
    new (forward, backward), H values each. Built once from the two directions' weights."""

    fwd: _Direction
    bwd: _Direction
    hidden: int
    w_rz: Array  # (4H, 2H): the reset and update gates' recurrent weights, block-diagonal
    w_n: Array  # (2H, 2H): the new gate's
    b_rz: tuple[Array, Array]  # per direction: the reset and update gates' recurrent biases
    b_new: Array  # (2H,): the new gate's recurrent biases (inside r * (...))

    @classmethod
    def of(cls, fwd: _Direction, bwd: _Direction) -> _BothWays:
        hidden = fwd.w_hh.shape[1]
        two = 2 * hidden
        w = np.zeros((3 * two, two))
        for k in range(3):
            w[k * two : k * two + hidden, :hidden] = fwd.w_hh[k * hidden : (k + 1) * hidden]
            w[k * two + hidden : (k + 1) * two, hidden:] = bwd.w_hh[k * hidden : (k + 1) * hidden]
        return cls(
            fwd,
            bwd,
            hidden,
            w[: 2 * two].copy(),  # row-major: matrix-vector products run on one thread
            w[2 * two :].copy(),
            (fwd.b_hh[: 2 * hidden], bwd.b_hh[: 2 * hidden]),
            np.concatenate([fwd.b_hh[2 * hidden :], bwd.b_hh[2 * hidden :]]),
        )

    def run(self, xs: Array) -> Array:
        """The hidden states (T, 2H): the forward GRU reads ``xs`` top to bottom, the
        backward one bottom to top, in one loop (step t of the backward pass is line
        T - 1 - t); PyTorch's GRU arithmetic. The inputs' part of the gates is worked out
        a block of steps at a time (memory)."""
        hidden, steps = self.hidden, len(xs)
        two = 2 * hidden
        fwd, bwd = self.fwd, self.bwd
        h = np.zeros(two)
        out = np.empty((steps, two))
        for lo in range(0, steps, ROWS):
            hi = min(steps, lo + ROWS)
            gx_f = _dot(xs[lo:hi], fwd.w_ih.T) + fwd.b_ih
            gx_b = (_dot(xs[steps - hi : steps - lo], bwd.w_ih.T) + bwd.b_ih)[::-1]
            # the recurrent biases of the reset and update gates fold in here
            rz_f = gx_f[:, : 2 * hidden] + self.b_rz[0]
            rz_b = gx_b[:, : 2 * hidden] + self.b_rz[1]
            gx_rz = np.concatenate(
                [rz_f[:, :hidden], rz_b[:, :hidden], rz_f[:, hidden:], rz_b[:, hidden:]], axis=1
            )
            gx_n = np.concatenate([gx_f[:, 2 * hidden :], gx_b[:, 2 * hidden :]], axis=1)
            for t in range(hi - lo):
                rz = 0.5 + 0.5 * np.tanh(0.5 * (gx_rz[t] + self.w_rz.dot(h)))  # sigmoid
                n = np.tanh(gx_n[t] + rz[:two] * (self.w_n.dot(h) + self.b_new))
                h = n + rz[two:] * (h - n)
                out[lo + t] = h
        out[:, hidden:] = out[::-1, hidden:].copy()  # the backward states in line order
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
    both: _BothWays = field(init=False, repr=False)  # derived once from the two directions

    def __post_init__(self) -> None:
        object.__setattr__(self, "both", _BothWays.of(self.forward, self.backward))

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
        }

    def inputs(self, probs: npt.ArrayLike, feats: npt.ArrayLike) -> Array:
        """Each line's standardised inputs (:func:`raw_inputs`)."""
        out: Array = (raw_inputs(probs, feats) - self.mean) / self.scale
        return out

    def predict(self, probs: npt.ArrayLike, feats: npt.ArrayLike) -> Array:
        """This stage's probability for each line (not yet mixed)."""
        if len(np.asarray(probs)) == 0:
            return np.zeros(0)
        return self.predict_raw(raw_inputs(probs, feats))

    def predict_raw(self, raw: Array) -> Array:
        """:meth:`predict` from the lines' :func:`raw_inputs` (worked out once for a mean)."""
        x = (raw - self.mean) / self.scale
        h = np.tanh(_dot(x, self.w_in.T) + self.b_in)
        both = self.both.run(h)
        span = both.shape[1]
        logit = _dot(both, self.w_out[:span]) + _dot(x, self.w_out[span:]) + self.b_out
        return _sigmoid(logit)

    def rescore(self, probs: npt.ArrayLike, feats: npt.ArrayLike) -> list[float]:
        """The second stage's scores mixed with this stage's (as they are past
        :data:`MAX_LINES` lines)."""
        return _rescore(self.predict, self.mix, probs, feats)


def _rescore(
    predict: Callable[[Array, npt.ArrayLike], Array],
    mix: float,
    probs: npt.ArrayLike,
    feats: npt.ArrayLike,
) -> list[float]:
    p = np.asarray(probs, dtype=np.float64)
    if len(p) > MAX_LINES:
        return [float(v) for v in p]
    mixed = (1.0 - mix) * p + mix * predict(p, feats)
    return [float(v) for v in mixed]


@dataclass(frozen=True, slots=True)
class StageMean:
    """The mean of several sequence stages' probabilities (the same stage fitted from
    different seeds), mixed like one stage. Each member costs what one stage costs (stepping
    them in one loop was measured no cheaper)."""

    members: tuple[SequenceStage, ...]
    mix: float

    def __post_init__(self) -> None:
        if not self.members:
            raise ValueError("sequence stage mean: no members")
        if len({m.w_in.shape for m in self.members}) != 1:
            raise ValueError("sequence stage mean: members of different sizes")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StageMean:
        return cls(tuple(SequenceStage.from_json(m) for m in data["members"]), float(data["mix"]))

    def to_json(self) -> dict[str, Any]:
        members = [m.to_json() for m in self.members]
        return {"kind": "bigru-mean", "mix": self.mix, "members": members}

    def predict(self, probs: npt.ArrayLike, feats: npt.ArrayLike) -> Array:
        """The members' mean probability for each line (not yet mixed)."""
        if len(np.asarray(probs)) == 0:
            return np.zeros(0)
        raw = raw_inputs(probs, feats)
        out: Array = np.mean([m.predict_raw(raw) for m in self.members], axis=0)
        return out

    def rescore(self, probs: npt.ArrayLike, feats: npt.ArrayLike) -> list[float]:
        """As :meth:`SequenceStage.rescore`, with the members' mean."""
        return _rescore(self.predict, self.mix, probs, feats)


def load_stage(data: dict[str, Any]) -> SequenceStage | StageMean:
    """The "sequence" entry of the weights: one stage, or the mean of several."""
    return StageMean.from_json(data) if "members" in data else SequenceStage.from_json(data)
