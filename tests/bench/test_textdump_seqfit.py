"""Fitting the text-dump sequence stage: PyTorch's GRU and the numpy reading agree, the stage
learns what only a far line tells, and fit / cv run from a cache of fold scores (pages and
cues written for the tests)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

from broadsheet.bench import textdump_fit as tf
from broadsheet.bench import textdump_seqfit as sf
from broadsheet.extract.textdump import load_model, model_from_json
from broadsheet.extract.textdump_seq import StageMean

STORY = (
    "The harbour board agreed on Tuesday to dredge the eastern channel before the summer, "
    "after two ferries ran aground on the same sandbank within a week.",
    "Skippers had warned for months that the channel was silting up, and the board said the "
    "work would cost less than the ferries' lost sailings had cost the town last year.",
    "Divers will survey the bed in March, and the dredger is booked for the first two weeks "
    "of April, when the tides are lowest and the fewest boats are moving.",
)


def test_the_numpy_reading_equals_pytorchs_gru() -> None:
    torch.manual_seed(3)
    net = sf._net(7, 6)
    rng = np.random.default_rng(3)
    stage = sf._export(net, rng.normal(size=7), 1 + rng.random(7), 0.5)
    probs, feats = rng.random(23), rng.normal(size=(23, 5))
    x = stage.inputs(probs, feats)
    with torch.no_grad():
        want = torch.sigmoid(net(torch.from_numpy(x[None].astype(np.float32)), torch.tensor([23])))
    assert np.abs(want.numpy()[0] - stage.predict(probs, feats)).max() < 1e-5


def test_dropout_acts_in_fitting_only_and_the_reading_is_the_whole_net() -> None:
    torch.manual_seed(4)
    net = sf._net(7, 6, dropout=0.5)
    rng = np.random.default_rng(4)
    stage = sf._export(net, np.zeros(7), np.ones(7), 0.5)
    probs, feats = rng.random(19), rng.normal(size=(19, 5))
    x = torch.from_numpy(stage.inputs(probs, feats)[None].astype(np.float32))
    with torch.no_grad():
        net.train()
        assert not torch.equal(net(x, torch.tensor([19])), net(x, torch.tensor([19])))
        net.eval()
        want = torch.sigmoid(net(x, torch.tensor([19]))).numpy()[0]
    assert np.abs(want - stage.predict(probs, feats)).max() < 1e-5
    pages = [_marker_page(rng) for _ in range(8)]
    plain = sf.fit_stage(pages, epochs=2, hidden=4, seed=1)
    dropped = sf.fit_stage(pages, epochs=2, hidden=4, seed=1, dropout=0.3)
    assert not np.allclose(plain.w_in, dropped.w_in)


def _marker_page(rng: np.random.Generator, n: int = 24) -> tuple[np.ndarray, ...]:
    """Lines above a marker line are story, lines below are not; only the marker says so."""
    at = int(rng.integers(4, n - 4))
    feats = np.zeros((n, 1))
    feats[at, 0] = 1.0
    y = (np.arange(n) < at).astype(float)
    return sf.raw_inputs(np.full(n, 0.5), feats), y, np.ones(n)


def test_the_stage_learns_what_only_a_far_line_tells() -> None:
    rng = np.random.default_rng(0)
    stage = sf.fit_stage([_marker_page(rng) for _ in range(48)], epochs=40, hidden=8, mix=1.0)
    right = total = 0
    for _ in range(10):
        x, y, _ = _marker_page(rng)
        q = stage.predict(x[:, 0], x[:, 2:])
        right += int(((q > 0.5) == (y > 0.5)).sum())
        total += len(y)
    assert right / total > 0.85  # a score of 0.5 everywhere and no window can tell


def _dumps(folder: Path, pages: list[tuple[str, str, str]], lines: list[str]) -> Path:
    """A folder of dumps (``textdump_corpus`` layout): each page (key, site, source) is
    ``lines``, its story :data:`STORY`."""
    (folder / "text").mkdir(parents=True)
    truth = {}
    for key, site, source in pages:
        (folder / "text" / f"{key}.txt").write_text("\n\n".join(lines), encoding="utf-8")
        truth[key] = {"articleBody": "\n\n".join(STORY), "site": site, "source": source}
    (folder / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return folder


def _cache(tmp_path: Path) -> Path:
    lines = ["Home", "Sign up for our newsletter", *STORY, "Most read", "Share this"]
    pages = [(f"tr_{i}", f"s{i}.example", "tr") for i in range(6)]
    folder = _dumps(tmp_path / "corpus", pages, lines)
    model = load_model()
    docs = tf.prepare(tf.load([folder]))
    pages = [
        {"i": i, "fold": i % 2, "key": d.page.key, "probs": [float(p) for p in tf._probs(d, model)]}
        for i, d in enumerate(docs)
    ]
    path = tmp_path / "cache.pkl"
    with path.open("wb") as fh:
        pickle.dump({"corpora": [str(folder)], "models": [model, model], "pages": pages}, fh)
    return path


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A cache of six pages and a copy of the committed weights to fit into."""
    monkeypatch.setattr(tf, "DEV", tmp_path / "no-dev-data")
    weights = tmp_path / "weights.json"
    weights.write_text(tf.WEIGHTS.read_text(encoding="utf-8"), encoding="utf-8")
    return _cache(tmp_path), weights


def test_fit_writes_the_stage_into_the_weights_and_cv_reads_each_fold(
    cached: tuple[Path, Path],
) -> None:
    cache, weights = cached
    before = json.loads(weights.read_text(encoding="utf-8"))
    for _ in range(2):  # a second fit replaces the stage
        sf.fit_weights(cache, weights, epochs=1, hidden=4)
    after = json.loads(weights.read_text(encoding="utf-8"))
    assert after["sequence"]["hidden"] == 4
    assert {k: v for k, v in after.items() if k != "sequence"} == {
        k: v for k, v in before.items() if k != "sequence"
    }
    assert model_from_json(after).sequence is not None
    figures = sf.cross_validate(cache, epochs=1, hidden=4)
    assert set(figures) == {"tr", "all"}
    assert all(0.0 <= f <= 1.0 for pair in figures.values() for f in pair)
    assert figures["all"][0] == pytest.approx(figures["tr"][0])


def _extra_folder(tmp_path: Path) -> Path:
    """Extra pages: one on a site a cached page has (s0.example, in fold 0), two elsewhere,
    one of them of a source the spec leaves out."""
    pages = [
        ("fd_a", "news.s0.example", "fd"),
        ("fd_b", "elsewhere.example", "fd"),
        ("np_c", "third.example", "np"),
    ]
    return _dumps(tmp_path / "extra", pages, ["Menu", *STORY, "Related stories", "Cookie notice"])


def test_extra_pages_are_fitted_on_except_those_of_a_folds_test_sites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tf, "DEV", tmp_path / "no-dev-data")
    cache = _cache(tmp_path)
    folder = _extra_folder(tmp_path)
    with cache.open("rb") as fh:
        data = pickle.load(fh)
    rows = sf._extra_rows(data, [f"{folder}:fd"], 2.0)
    assert [site for site, _ in rows] == ["s0.example", "elsewhere.example"]  # np left out
    x, y, w, texts, site = rows[0][1]
    assert x.shape[0] == len(y) == len(w) == len(texts) and y.sum() == len(STORY)
    assert texts[0] == "Menu" and site == "s0.example"  # for a word layer: lines and site
    plain = sf._extra_rows(data, [str(folder)], 1.0)
    assert len(plain) == 3
    assert np.allclose(rows[0][1][2], 2.0 * plain[0][1][2])  # --extra-weight scales the lines
    seen: list[int] = []
    real = sf.fit_stage

    def counting(pages: list[object], **opts: object) -> object:
        seen.append(len(pages))
        return real(pages, **opts)  # type: ignore[arg-type]

    monkeypatch.setattr(sf, "fit_stage", counting)
    sf.cross_validate(cache, [f"{folder}:fd"], epochs=1, hidden=4)
    # fold 0 tests s0 (and s2, s4): its stage fits on 3 cached pages and the other site's
    # extra page; fold 1 (s1, s3, s5) on 3 cached pages and both extra pages
    assert seen == [3 + 1, 3 + 2]


def test_seeds_fit_a_mean_of_stages_that_the_product_reads(cached: tuple[Path, Path]) -> None:
    cache, weights = cached
    sf.fit_weights(cache, weights, epochs=1, hidden=4, seeds=2, mix=0.6)
    entry = json.loads(weights.read_text(encoding="utf-8"))["sequence"]
    assert entry["kind"] == "bigru-mean" and entry["mix"] == 0.6
    first, second = entry["members"]
    assert first["w_in"] != second["w_in"]  # two seeds, two fits
    stage = model_from_json(json.loads(weights.read_text(encoding="utf-8"))).sequence
    assert isinstance(stage, StageMean) and len(stage.members) == 2
    lines = np.linspace(0.1, 0.9, 9)
    feats = np.zeros((9, first["inputs"] - 2))
    want = np.mean([m.predict(lines, feats) for m in stage.members], axis=0)
    assert np.allclose(stage.predict(lines, feats), want)
