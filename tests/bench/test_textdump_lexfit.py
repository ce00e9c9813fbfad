"""Fitting the text-dump lexicon, and the classifier with it, on pages written for the tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from broadsheet.bench import textdump_fit, textdump_lexfit
from broadsheet.bench.textdump_fit import Page, prepare
from broadsheet.bench.textdump_lexfit import _fold, cross_fitted, fit_lexicon, with_lexicon
from broadsheet.extract.textdump import model_from_json
from tests.extract.textdump_pages import CASES

STORY = "The mayor said on Monday that the {thing} would open in spring, according to a memo."
FURNITURE = ("Sign up for our newsletter", "Share this story", "Most read")


def _news(i: int, site: str) -> Page:
    """A page of furniture and story lines; each site also has a menu word of its own."""
    things = ("bridge", "library", "market", "school", "park", "museum")
    story = [STORY.format(thing=things[(i + k) % len(things)]) for k in range(3)]
    menu = "".join(chr(97 + int(c)) for c in site.split(".")[0][5:]) + "specials"
    lines = [f"Home {menu}", *FURNITURE[:2], *story, FURNITURE[2]]
    return Page(f"n{i}", "\n\n".join(lines), "\n\n".join(story), f"https://{site}/", site, "tr")


def _pages(n: int) -> list[Page]:
    return [_news(i, f"paper{i}.example") for i in range(n)]


def test_the_lexicon_learns_terms_many_sites_share_and_no_site_alone() -> None:
    docs = prepare(_pages(8))
    lexicon = fit_lexicon(docs, min_sites=5)
    assert lexicon.weights["said"] > 0 > lexicon.weights["newsletter"]
    assert lexicon.weights["according to"] > 0 > lexicon.weights["^share"]
    # "dspecials" is one site's menu: never a term, however well it would separate
    assert not any("specials" in t for t in lexicon.weights)
    # with a floor above the number of sites, nothing is learnt but the base rate
    empty = fit_lexicon(docs, min_sites=9)
    assert empty.weights == {}
    lines = docs[0].lines
    assert (empty.logits(lines) == empty.logits(lines)[0]).all()


def test_cross_fitted_scores_come_from_lexicons_of_other_sites(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(textdump_lexfit, "MIN_SITES", 4)
    docs = prepare(_pages(9))
    folds = {_fold(d.page.site, 3) for d in docs}
    assert folds == {0, 1, 2}  # the test needs every fold to hold a page
    got = cross_fitted(docs, k=3)
    for fold in folds:
        train = [d for d in docs if _fold(d.page.site, 3) != fold]
        lexicon = fit_lexicon(train)
        assert lexicon.weights  # terms of at least four of the fold's training sites
        for i, d in enumerate(docs):
            if _fold(d.page.site, 3) == fold:
                assert np.allclose(got[i], lexicon.logits(d.lines))
    full, rows = with_lexicon(docs)
    assert full.weights == fit_lexicon(docs).weights
    for d, r, g in zip(docs, rows, got, strict=True):
        assert r.shape == (len(d.lines), d.x.shape[1] + 1)
        assert np.array_equal(r[:, :-1], d.x) and np.array_equal(r[:, -1], g)


def test_a_model_with_a_lexicon_is_written_and_read_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(textdump_fit, "TREES", 20)
    monkeypatch.setattr(textdump_fit, "WEIGHTS", tmp_path / "weights.json")
    monkeypatch.setattr(textdump_lexfit, "MIN_SITES", 5)
    pages = _pages(6) + [
        Page(f"c{i}", c.text, "\n\n".join(c.paragraphs), None, f"case{i}.example", "tr")
        for i, c in enumerate(CASES[:4])
    ]
    docs = prepare(pages)
    monkeypatch.setattr(textdump_fit, "LEXICAL", True)
    model = textdump_fit.fit(docs, search_pages=10)
    assert model.lexicon is not None and model.lexicon.weights
    textdump_fit.write_weights(model)
    data = json.loads((tmp_path / "weights.json").read_text(encoding="utf-8"))
    assert data["stage1"]["names"][-1] == "lexical"
    back = model_from_json(data)
    assert back.lexicon is not None
    lines = docs[0].lines
    assert back.stage1_rows(lines, docs[0].x).shape == (len(lines), docs[0].x.shape[1] + 1)
    for d in docs:
        ours = textdump_fit._probs(d, model)
        assert np.allclose(textdump_fit._probs(d, back), ours, atol=1e-3)
    f1 = textdump_fit.macro(textdump_fit.score_docs(docs, back))[0]
    assert f1 > 0.8, f1
    # without the lexicon the weights name the line features alone, and read back so
    monkeypatch.setattr(textdump_fit, "LEXICAL", False)
    plain = textdump_fit.fit(docs, search_pages=10)
    assert plain.lexicon is None
    textdump_fit.write_weights(plain)
    data = json.loads((tmp_path / "weights.json").read_text(encoding="utf-8"))
    assert "lexicon" not in data and data["stage1"]["names"][-1] != "lexical"
    assert model_from_json(data).lexicon is None
