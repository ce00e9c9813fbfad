"""The sequence stage's word layer: PyTorch's EmbeddingBag and the numpy reading agree, the
vocabulary keeps only terms of many sites, the stage learns what only a line's words tell,
and a fit writes a word layer the product reads (lines and words written for the tests)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from broadsheet.bench import textdump_fit as tf
from broadsheet.bench import textdump_seqfit as sf
from broadsheet.extract.textdump import model_from_json, score_lines
from broadsheet.extract.textdump_features import split_lines
from broadsheet.extract.textdump_seq import StageMean

TEXTS = [
    "The council met on Monday to agree the budget for the coming year.",
    "Comments",
    "Share this story",
    "",
    "Its members argued for an hour about the price of the new bridge.",
    "Advertisement",
    "By Jane Roe",
]


def test_the_numpy_reading_with_words_equals_pytorchs() -> None:
    vocab = {"comments": 0, "share": 1, "^by": 2, "#short": 3, "council": 4}
    torch.manual_seed(5)
    net = sf._net(7, 6, terms=len(vocab))
    rng = np.random.default_rng(5)
    stage = sf._export(net, rng.normal(size=7), 1 + rng.random(7), 0.5, vocab)
    n = len(TEXTS)
    probs, feats = rng.random(n), rng.normal(size=(n, 5))
    x = torch.from_numpy(stage.inputs(probs, feats)[None].astype(np.float32))
    ids, offsets = sf._batch_ids([sf._bags(TEXTS, vocab)], n, len(vocab))
    with torch.no_grad():
        want = torch.sigmoid(net(x, torch.tensor([n]), ids, offsets)).numpy()[0]
    got = stage.predict(probs, feats, TEXTS)
    assert np.abs(want - got).max() < 1e-5
    # the words count: other texts, other scores
    assert np.abs(got - stage.predict(probs, feats, ["Weather"] * n)).max() > 1e-3
    with pytest.raises(ValueError, match="texts"):
        stage.predict(probs, feats)


def test_the_vocabulary_keeps_terms_of_many_sites_only() -> None:
    pages = [
        (np.zeros((2, 3)), np.zeros(2), np.ones(2), ["Read more", f"Menu of site {i}"], f"s{i}")
        for i in range(4)
    ]
    pages.append((np.zeros((1, 3)), np.zeros(1), np.ones(1), ["Kilimanjaro"], "s0"))
    vocab = sf.build_vocab(pages, 100, min_sites=3)
    assert {"read", "more", "^read", "$more", "#short", "menu", "site"} <= set(vocab)
    assert "kilimanjaro" not in vocab and "$s" not in vocab  # one site; digits are no words
    assert sorted(vocab.values()) == list(range(len(vocab)))
    assert len(sf.build_vocab(pages, 2, min_sites=3)) == 2


def _word_page(rng: np.random.Generator, n: int = 20) -> tuple[object, ...]:
    """Lines above a line saying "Comments" are story, lines below are not; only the word
    says so (every feature and score is the same on every line)."""
    at = int(rng.integers(3, n - 3))
    texts = [f"Line {k} of the page" for k in range(n)]
    texts[at] = "Comments"
    y = (np.arange(n) < at).astype(float)
    return sf.raw_inputs(np.full(n, 0.5), np.zeros((n, 1))), y, np.ones(n), texts, "s"


def test_the_stage_learns_what_only_a_line_s_words_tell() -> None:
    rng = np.random.default_rng(0)
    pages = [_word_page(rng) for _ in range(48)]
    stage = sf.fit_stages(pages, words=50, word_sites=1, epochs=40, hidden=8, mix=1.0)
    right = total = 0
    for _ in range(10):
        x, y, _, texts, _ = _word_page(rng)
        q = stage.predict(x[:, 0], x[:, 2:], texts)
        right += int(((q > 0.5) == (y > 0.5)).sum())
        total += len(y)
    assert right / total > 0.85  # without the words, every line looks alike


def test_a_word_layer_round_trips_through_the_weights_and_the_product_reads_it(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(1)
    pages = [_word_page(rng) for _ in range(6)]
    stage = sf.fit_stages(pages, words=50, word_sites=1, epochs=1, hidden=4, seeds=2, mix=0.6)
    assert isinstance(stage, StageMean)
    data = json.loads(json.dumps(stage.to_json()))
    assert data["members"][0]["vocab"] == data["members"][1]["vocab"]
    again = StageMean.from_json(data)
    x, _, _, texts, _ = _word_page(rng)
    want = np.mean([m.predict(x[:, 0], x[:, 2:], texts) for m in stage.members], axis=0)
    assert np.allclose(again.predict(x[:, 0], x[:, 2:], texts), want)
    assert again.vocab_of == (0, 0)  # one vocabulary, its bags counted once
    # the product's weights with this stage in place of theirs: a dump is read with words
    weights = json.loads(tf.WEIGHTS.read_text(encoding="utf-8"))
    feats = len(weights["sequence"]["members"][0]["mean"]) - 2
    stage = sf.fit_stages(
        [
            (
                sf.raw_inputs(np.full(3, 0.5), np.zeros((3, feats))),
                np.ones(3),
                np.ones(3),
                ["Story", "Comments", "More"],
                "s",
            )
        ],
        words=10,
        word_sites=1,
        epochs=1,
        hidden=4,
    )
    weights["sequence"] = stage.to_json()
    model = model_from_json(weights)
    dump = "Headline of the day\n\nComments\n\nA line of the story that runs on for a while."
    scores = score_lines(split_lines(dump), model)
    assert len(scores) == 3 and all(0.0 <= s <= 1.0 for s in scores)
