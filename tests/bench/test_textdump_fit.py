"""Leave-sites-out validation of the text-dump classifier with pages fitted on only.

The dumps are the ones written for Broadsheet's text-dump tests.
"""

from __future__ import annotations

import re

import pytest

from broadsheet.bench.textdump_fit import (
    Page,
    cross_validate,
    fold_of,
    prepare,
    prepare_extra,
)
from tests.extract.textdump_pages import CASES


def _page(i: int, site: str) -> Page:
    case = CASES[i % len(CASES)]
    gold = "\n\n".join(case.paragraphs)
    return Page(f"p{i}-{site}", case.text, gold, f"https://{site}/story", site, "tr")


def test_extra_pages_of_a_folds_test_sites_are_not_fitted_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # three folds; the sites of each fold's fit fall in both halves of the stage-2 cross-fit
    by_residue: dict[int, str] = {}
    for n in range(200):
        site = f"site{n}.example"
        by_residue.setdefault(int(fold_of(site, 6)), site)
    sites = [by_residue[r] for r in range(6)]  # fold_of(s, 3) == r % 3
    docs = prepare([_page(i, s) for i, s in enumerate(sites)])
    extra = prepare(
        [
            _page(5, "news." + sites[0]),  # fold 0's site under another host: not in its fit
            _page(6, "other.example"),  # no test site's: in every fold's fit
            _page(7, sites[1]),  # fold 1's site: in the fits of folds 0 and 2
        ]
    )
    pairs = cross_validate(docs, k=3, extra=extra)
    assert len(pairs) == 6 and all(0.0 <= p <= 1.0 and 0.0 <= r <= 1.0 for p, r in pairs)
    err = capsys.readouterr().err
    fitted = [int(m) for m in re.findall(r"(\d+) of 3 extra pages fitted on", err)]
    assert fitted == [2, 2, 3]
    assert all(f"fold {k}: 2 pages held out" in err for k in range(3))


def test_extra_pages_weigh_the_given_share_of_a_corpus_page() -> None:
    pages = [_page(i, f"site{i}.example") for i in range(2)]
    plain = prepare(pages)
    half = prepare_extra(pages, 0.5)
    for a, b in zip(plain, half, strict=True):
        assert (b.w == a.w * 0.5).all() and (b.y == a.y).all()


def test_human_labelled_pages_weigh_their_share(monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.bench import textdump_fit

    machine = _page(0, "site0.example")
    human = Page(machine.key + "-wx", machine.text, machine.gold, machine.url, machine.site, "wx")
    monkeypatch.setattr(textdump_fit, "HUMAN_WEIGHT", 2.5)
    a, b = prepare([machine, human])
    assert (b.w == a.w * 2.5).all() and (b.y == a.y).all()
    # news pages labelled by a per-site parser (fundus) have their own weight
    news = Page(machine.key + "-fd", machine.text, machine.gold, machine.url, machine.site, "fd")
    monkeypatch.setattr(textdump_fit, "NEWS_WEIGHT", 3.0)
    a, b, c = prepare([machine, human, news])
    assert (b.w == a.w * 2.5).all() and (c.w == a.w * 3.0).all()


@pytest.mark.parametrize("max_features", [1.0, 0.5])
def test_trees_read_as_scikit_learn_scores_them(
    monkeypatch: pytest.MonkeyPatch, max_features: float
) -> None:
    # the fitted trees are kept as plain arrays and walked with numpy at reading time; they
    # must give scikit-learn's own probabilities, also after a trip through JSON (and with
    # each split choosing among a random share of the inputs, TEXTDUMP_MAX_FEATURES)
    import json

    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    from broadsheet.bench import textdump_fit
    from broadsheet.extract.textdump import _trees

    monkeypatch.setattr(textdump_fit, "TREES", 30)
    monkeypatch.setattr(textdump_fit, "MAX_FEATURES", max_features)
    rng = np.random.default_rng(7)
    x = rng.normal(size=(4000, 6))
    x[:, 5] = rng.integers(0, 4, size=4000)  # a count-like feature: ties at thresholds
    y = ((x[:, 0] * x[:, 1] + x[:, 2] - 0.5 * x[:, 5]) > 0).astype(float)
    w = rng.uniform(0.5, 2.0, size=4000)
    trees = textdump_fit.fit_trees(x, y, w)
    gb = HistGradientBoostingClassifier(
        max_iter=30,
        learning_rate=textdump_fit.RATE,
        max_leaf_nodes=textdump_fit.LEAVES,
        min_samples_leaf=textdump_fit.MIN_LEAF,
        l2_regularization=1.0,
        max_features=max_features,
        early_stopping=False,
        random_state=0,
    ).fit(x, y, sample_weight=w)
    ours = np.array(trees.predict(x))
    assert np.allclose(ours, gb.predict_proba(x)[:, 1], atol=1e-6)
    # an interaction a linear model cannot draw: the trees must have learnt it
    assert ((ours > 0.5) == (y > 0.5)).mean() > 0.9
    again = _trees(json.loads(json.dumps(textdump_fit.trees_json(trees))))
    assert np.array_equal(np.array(again.predict(x)), ours)
    assert again.predict([]) == []


def test_a_linear_fit_is_still_possible(monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.bench import textdump_fit
    from broadsheet.extract.textdump import _Stage, _Trees

    docs = prepare([_page(i, f"site{i}.example") for i in range(6)])
    monkeypatch.setattr(textdump_fit, "MODEL_KIND", "linear")
    linear = textdump_fit.fit(docs, search_pages=6)
    assert isinstance(linear.stage1, _Stage) and isinstance(linear.stage2, _Stage)
    monkeypatch.setattr(textdump_fit, "MODEL_KIND", "trees")
    monkeypatch.setattr(textdump_fit, "TREES", 20)
    trees = textdump_fit.fit(docs, search_pages=6)
    assert isinstance(trees.stage1, _Trees) and isinstance(trees.stage2, _Trees)
    # both read the stories they were fitted on
    for model in (linear, trees):
        f1 = textdump_fit.macro(textdump_fit.score_docs(docs, model))[0]
        assert f1 > 0.8, f1


def test_weights_of_either_kind_load_back(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    import numpy as np

    from broadsheet.bench import textdump_fit
    from broadsheet.extract.textdump import _stage
    from broadsheet.extract.textdump_vectors import FEATURE_NAMES

    docs = prepare([_page(i, f"site{i}.example") for i in range(4)])
    x = np.vstack([d.x for d in docs])
    y = np.concatenate([d.y for d in docs])
    w = np.concatenate([d.w for d in docs])
    monkeypatch.setattr(textdump_fit, "TREES", 10)
    for kind in ("linear", "trees"):
        monkeypatch.setattr(textdump_fit, "MODEL_KIND", kind)
        stage = textdump_fit.fit_stage(x, y, w)
        data = json.loads(json.dumps(textdump_fit.stage_json(stage, FEATURE_NAMES)))
        back = _stage(data, FEATURE_NAMES)
        # the linear weights are written to six decimals; the trees exactly
        atol = 1e-3 if kind == "linear" else 1e-12
        assert np.allclose(back.predict(x), stage.predict(x), atol=atol), kind
