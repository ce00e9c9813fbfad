"""Quality floor: HTML extraction on shared data/extraction-dev must not fall below its pin.

The floor is ``html_extraction_f1`` in tests/quality_floors.json. The pages are the
development set (see benchmarks/extraction.md for which half was used for tuning).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from broadsheet.bench.extract_scoring import score_pages
from broadsheet.errors import ExtractionError
from broadsheet.extract import extract_html

FLOORS = Path(__file__).resolve().parents[1] / "quality_floors.json"


def read_floor(key: str) -> float:
    return float(json.loads(FLOORS.read_text(encoding="utf-8"))[key])


@pytest.mark.shared_data
def test_html_extraction_f1_floor(extraction_dev: Path) -> None:
    gold = json.loads((extraction_dev / "ground-truth.json").read_text(encoding="utf-8"))
    truth = {k: v["articleBody"] for k, v in gold.items()}
    preds: dict[str, str] = {}
    for path in sorted((extraction_dev / "html").glob("*.html.gz")):
        key = path.name.removesuffix(".html.gz")
        try:
            preds[key] = extract_html(gzip.decompress(path.read_bytes())).body
        except ExtractionError:
            preds[key] = ""
    assert len(preds) == len(truth)
    score = score_pages(truth, preds)
    floor = read_floor("html_extraction_f1")
    assert score.f1 >= floor, f"HTML extraction F1 {score.f1:.4f} fell below the floor {floor}"
