"""The project's scorer agrees with the reference scorer (shared/tools/score_extraction.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from broadsheet.bench.extract_scoring import macro_scores, score_extraction, score_pages, shingles

# Crafted pairs covering each branch of the metric: exact, partial, empty prediction, empty
# truth, short texts (< 4 tokens), repeated shingles, punctuation-only differences.
TRUTH = {
    "exact": "The ferry leaves at dawn and returns at dusk every single day.",
    "partial": "One two three four five six seven eight nine ten eleven twelve.",
    "missing": "A page the extractor returned nothing for, so recall is zero here.",
    "empty_truth": "",
    "short": "Yes no",
    "repeats": "go go go go go go go stop stop stop",
    "punct": "Prices rose; yields fell, and the dollar held — steady, for now.",
    "both_empty": "",
}
PRED = {
    "exact": "The ferry leaves at dawn and returns at dusk every single day.",
    "partial": "Menu Home. Five six seven eight nine ten eleven twelve thirteen.",
    "missing": "",
    "empty_truth": "Cookie banner text that should not be here at all.",
    "short": "Yes",
    "repeats": "go go go go go stop stop stop stop",
    "punct": "Prices rose yields fell and the dollar held steady for now",
    "both_empty": "",
}


@pytest.mark.parametrize(
    ("truth", "pred", "expected"),
    [
        ("a b c d", "a b c d", (1.0, 0.0, 0.0)),
        ("", "", (0.0, 0.0, 0.0)),
        ("a b c d e", "", (0.0, 0.0, 1.0)),
        ("a b", "a b", (1.0, 0.0, 0.0)),
        ("a b c d e", "b c d e f", (1 / 3, 1 / 3, 1 / 3)),
    ],
)
def test_page_counts(truth: str, pred: str, expected: tuple[float, float, float]) -> None:
    assert score_extraction(truth, pred) == pytest.approx(expected)


def test_shingles_of_short_text_is_one_shingle() -> None:
    assert shingles("just two") == {("just", "two"): 1}
    assert shingles("") == {}


def test_agrees_with_reference_scorer(tmp_path: Path, extraction_scorer: Path) -> None:
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({k: {"articleBody": v} for k, v in TRUTH.items()}), "utf-8")
    preds = tmp_path / "pred.jsonl"
    preds.write_text(
        "\n".join(json.dumps({"id": k, "articleBody": v}) for k, v in PRED.items()), "utf-8"
    )
    out = subprocess.run(
        [sys.executable, str(extraction_scorer), str(gold), str(preds)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    reference = json.loads(out.stdout.strip().splitlines()[-1])
    ours = score_pages(TRUTH, PRED).to_dict()
    for key in ("precision", "recall", "f1", "pages"):
        assert ours[key] == reference[key], key
    assert 0 < reference["f1"] < 1  # the crafted set is not degenerate


def test_macro_of_nothing_is_zero() -> None:
    score = macro_scores([])
    assert (score.precision, score.recall, score.f1, score.pages) == (0.0, 0.0, 0.0, 0)
