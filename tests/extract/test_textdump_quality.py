"""Text-dump extraction against the shared seed and dev set (skipped when they are absent,
failed when they are absent in CI: see tests/shared_data.py)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

import pytest

from broadsheet.bench.extract_scoring import score_extraction
from broadsheet.extract.textdump import extract_textdump
from broadsheet.models import Article

pytestmark = pytest.mark.shared_data

FLOORS = Path(__file__).resolve().parents[1] / "quality_floors.json"
SEED_ID = "000_572ea1f0c8d1b358"


def _precision_recall(truth: str, pred: str) -> tuple[float, float]:
    """Per-page precision and recall, counted as shared/tools/score_extraction.py does."""
    tp, fp, fn = score_extraction(truth, pred)
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)


# --------------------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed(seed_dir: Path) -> tuple[Article, dict[str, Any], str]:
    text = (seed_dir / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    expected = json.loads((seed_dir / "expected.json").read_text(encoding="utf-8"))
    truth = json.loads((seed_dir / "ground-truth.json").read_text(encoding="utf-8"))
    return extract_textdump(text), expected["article"]["must"], truth[SEED_ID]["articleBody"]


def test_seed_headline(seed: tuple[Article, dict[str, Any], str]) -> None:
    article, must, _ = seed
    assert article.headline == must["headline"]


def test_seed_section_headings(seed: tuple[Article, dict[str, Any], str]) -> None:
    article, must, _ = seed
    assert list(article.sections) == must["section_headings"]


def test_seed_image(seed: tuple[Article, dict[str, Any], str]) -> None:
    article, must, _ = seed
    assert article.images, "no lead image read"
    image = article.images[0]
    assert image.title == must["image"]["title"]
    assert image.caption is not None
    assert image.caption.startswith(must["image"]["caption_starts_with"])
    assert image.credit == must["image"]["credit"]


def test_seed_body_precision_and_recall(seed: tuple[Article, dict[str, Any], str]) -> None:
    article, _, truth = seed
    precision, recall = _precision_recall(truth, article.body)
    assert precision >= 0.98
    assert recall >= 0.98


def test_seed_boilerplate_not_in_body(seed: tuple[Article, dict[str, Any], str]) -> None:
    article, must, _ = seed
    for text in must["not_in_body"]:
        assert text not in article.body, text


# --------------------------------------------------------------------------- the dev set


def test_textdump_dev_f1_above_floor(textdump_dev: Path) -> None:
    gold = json.loads((textdump_dev / "ground-truth.json").read_text(encoding="utf-8"))
    precisions, recalls = [], []
    for key, row in gold.items():
        text = (textdump_dev / "text" / f"{key}.txt").read_text(encoding="utf-8")
        body = extract_textdump(text, url=row.get("url")).body
        p, r = _precision_recall(row["articleBody"], body)
        precisions.append(p)
        recalls.append(r)
    p, r = statistics.mean(precisions), statistics.mean(recalls)
    f1 = 2 * p * r / (p + r)
    floor = json.loads(FLOORS.read_text(encoding="utf-8"))["textdump_extraction_f1"]
    assert f1 >= floor, f"text-dump F1 {f1:.4f} (P {p:.4f}, R {r:.4f}) fell below {floor}"
