"""The text-dump reader's sequence stage read with numpy (weights written here at random)."""

from __future__ import annotations

import numpy as np
import pytest

from broadsheet.extract.textdump import load_model, model_from_json
from broadsheet.extract.textdump_seq import (
    SequenceStage,
    StageMean,
    _Direction,
    load_stage,
    raw_inputs,
)


def _stage(hidden: int = 4, feats: int = 3, mix: float = 0.5, seed: int = 0) -> SequenceStage:
    rng = np.random.default_rng(seed)
    inputs = feats + 2

    def direction() -> dict[str, object]:
        return {
            "w_ih": rng.normal(size=(3 * hidden, hidden)).tolist(),
            "w_hh": rng.normal(size=(3 * hidden, hidden)).tolist(),
            "b_ih": rng.normal(size=3 * hidden).tolist(),
            "b_hh": rng.normal(size=3 * hidden).tolist(),
        }

    return SequenceStage.from_json(
        {
            "hidden": hidden,
            "inputs": inputs,
            "mean": rng.normal(size=inputs).tolist(),
            "scale": (1 + rng.random(inputs)).tolist(),
            "w_in": rng.normal(size=(hidden, inputs)).tolist(),
            "b_in": rng.normal(size=hidden).tolist(),
            "forward": direction(),
            "backward": direction(),
            "w_out": rng.normal(size=2 * hidden + inputs).tolist(),
            "b_out": 0.3,
            "mix": mix,
        }
    )


def _run(d: _Direction, xs: np.ndarray) -> np.ndarray:
    """One direction, step by step, as PyTorch documents its GRU (gates r, z, n)."""
    hidden = d.w_hh.shape[1]

    def sig(v: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-v))

    h, out = np.zeros(hidden), []
    for x in xs:
        gi, gh = d.w_ih @ x + d.b_ih, d.w_hh @ h + d.b_hh
        r = sig(gi[:hidden] + gh[:hidden])
        z = sig(gi[hidden : 2 * hidden] + gh[hidden : 2 * hidden])
        n = np.tanh(gi[2 * hidden :] + r * gh[2 * hidden :])
        h = (1 - z) * n + z * h
        out.append(h)
    return np.array(out)


@pytest.mark.parametrize("steps", [1, 17, 150])  # one block of 64 steps, and three
def test_both_directions_in_one_loop_equal_each_direction_read_alone(steps: int) -> None:
    stage = _stage(hidden=5)
    xs = np.random.default_rng(1).normal(size=(steps, 5))
    fwd = _run(stage.forward, xs)
    bwd = _run(stage.backward, xs[::-1])[::-1]
    assert np.allclose(stage.both.run([xs, xs]), np.hstack([fwd, bwd]))


def test_a_line_far_below_changes_the_score_of_the_first_line() -> None:
    stage = _stage()
    feats = np.zeros((40, 3))
    probs = np.full(40, 0.5)
    first = stage.predict(probs, feats)[0]
    feats[39, 0] = 5.0  # the last line only
    assert stage.predict(probs, feats)[0] != pytest.approx(first, abs=1e-12)


def test_mix_weighs_the_second_stage_against_the_sequence_stage() -> None:
    probs = np.array([0.1, 0.9, 0.5])
    feats = np.zeros((3, 3))
    assert _stage(mix=0.0).rescore(probs, feats) == pytest.approx(probs.tolist())
    own = _stage(mix=1.0).predict(probs, feats)
    assert _stage(mix=1.0).rescore(probs, feats) == pytest.approx(own.tolist())
    half = _stage(mix=0.5).rescore(probs, feats)
    assert half == pytest.approx((0.5 * probs + 0.5 * own).tolist())
    assert _stage().predict([], np.zeros((0, 3))).shape == (0,)


def test_inputs_are_the_score_its_log_odds_and_the_features() -> None:
    raw = raw_inputs([0.5, 1.0], [[2.0], [3.0]])
    assert raw[0].tolist() == pytest.approx([0.5, 0.0, 2.0])
    assert raw[1, 1] == pytest.approx(np.log((1 - 1e-4) / 1e-4) / 5)  # clipped, finite


def test_weights_of_the_wrong_shape_are_refused() -> None:
    data = _stage().to_json()
    assert SequenceStage.from_json(data).mix == 0.5  # the round trip
    data["w_in"] = data["w_in"][:-1]
    with pytest.raises(ValueError, match="shape"):
        SequenceStage.from_json(data)


def test_weights_without_a_sequence_stage_still_load(tmp_path: object) -> None:
    import json
    from importlib import resources

    path = resources.files("broadsheet.extract").joinpath("textdump_data/weights.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert load_model().sequence is not None  # the committed weights have one
    data.pop("sequence")
    assert model_from_json(data).sequence is None


def test_a_dump_of_more_lines_than_any_page_keeps_the_second_stages_scores() -> None:
    from broadsheet.extract.textdump_seq import MAX_LINES

    probs = np.full(MAX_LINES + 1, 0.3)
    assert _stage().rescore(probs, np.zeros((MAX_LINES + 1, 3))) == probs.tolist()
    assert _stage().rescore(probs[:10], np.zeros((10, 3))) != probs[:10].tolist()


@pytest.mark.parametrize("steps", [30, 150])  # the members step in one loop, in blocks
def test_a_mean_of_stages_is_the_mean_of_their_probabilities(steps: int) -> None:
    members = tuple(_stage(hidden=5, seed=s) for s in range(3))
    mean = StageMean(members, 0.7)
    rng = np.random.default_rng(2)
    probs, feats = rng.random(steps), rng.normal(size=(steps, 3))
    alone = [m.predict(probs, feats) for m in members]
    assert not np.allclose(alone[0], alone[1])  # three different stages
    assert np.allclose(mean.predict(probs, feats), np.mean(alone, axis=0), atol=1e-12)
    assert mean.rescore(probs, feats) == pytest.approx(
        (0.3 * probs + 0.7 * np.mean(alone, 0)).tolist()
    )
    assert mean.predict([], np.zeros((0, 3))).shape == (0,)
    long = np.full(6000, 0.3)  # past the line cap, as one stage
    assert mean.rescore(long, np.zeros((6000, 3))) == long.tolist()


def test_a_mean_of_one_stage_is_that_stage() -> None:
    stage = _stage(seed=4)
    probs, feats = np.linspace(0.05, 0.95, 12), np.ones((12, 3))
    assert np.allclose(StageMean((stage,), 0.5).predict(probs, feats), stage.predict(probs, feats))


def test_a_mean_of_stages_round_trips_and_refuses_mixed_sizes() -> None:
    mean = StageMean((_stage(seed=1), _stage(seed=2)), 0.6)
    data = mean.to_json()
    back = load_stage(data)
    assert isinstance(back, StageMean) and back.mix == 0.6 and len(back.members) == 2
    probs, feats = np.full(5, 0.4), np.zeros((5, 3))
    assert np.allclose(back.predict(probs, feats), mean.predict(probs, feats), atol=1e-5)
    assert isinstance(load_stage(_stage().to_json()), SequenceStage)
    with pytest.raises(ValueError, match="sizes"):
        StageMean((_stage(hidden=4), _stage(hidden=6)), 0.5)
    with pytest.raises(ValueError, match="no members"):
        StageMean((), 0.5)
