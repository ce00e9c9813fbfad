"""Quote attribution against PolNeAR dev (when the shared data is present): quality floors
and agreement with the reference scorer, run as a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from broadsheet.bench.quotes_fit import iter_split, score_predictions
from broadsheet.enrich.nlp import load_nlp
from broadsheet.enrich.quotes import entities_from_doc, find_quotes, straighten_quotes

FLOORS = Path(__file__).resolve().parents[1] / "quality_floors.json"
SUBSET = 0  # documents of dev to score; 0 = all 84 (about 20 s to parse)


@pytest.fixture(scope="module")
def dev_subset(
    quotes_dev: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, list[dict[str, Any]]]]:
    dev = quotes_dev
    root = tmp_path_factory.mktemp("polnear-dev")
    (root / "text").mkdir()
    (root / "attributions").mkdir()
    rows = iter_split(dev)[:SUBSET] if SUBSET else iter_split(dev)
    for doc_id, _, ann in rows:
        shutil.copy(dev / "text" / f"{doc_id}.txt", root / "text" / f"{doc_id}.txt")
        shutil.copy(ann, root / "attributions" / ann.name)
    nlp = load_nlp()
    texts = [text for _, text, _ in rows]
    predictions: dict[str, list[dict[str, Any]]] = {}
    for (doc_id, text, _), doc in zip(
        rows, nlp.pipe(straighten_quotes(t) for t in texts), strict=True
    ):
        quotes = find_quotes(doc, entities_from_doc(doc, text))
        predictions[doc_id] = [
            {
                "content": list(q.content),
                "source": list(q.source) if q.source else None,
                "speaker": q.speaker,
            }
            for q in quotes
        ]
    return root, predictions


def test_offsets_agree_with_reference_scorer(
    dev_subset: tuple[Path, dict[str, list[dict[str, Any]]]], tmp_path: Path, quotes_scorer: Path
) -> None:
    root, predictions = dev_subset
    pred_file = tmp_path / "pred.jsonl"
    pred_file.write_text(
        "".join(json.dumps({"id": k, "quotes": v}) + "\n" for k, v in predictions.items()),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(quotes_scorer), str(root), str(pred_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    reference = json.loads(done.stdout)
    ours = score_predictions(root, predictions)
    assert ours == reference
    assert reference["attribution"]["f1"] > 0.3  # offsets index the text the scorer reads


def test_quality_floors(dev_subset: tuple[Path, dict[str, list[dict[str, Any]]]]) -> None:
    root, predictions = dev_subset
    floors = json.loads(FLOORS.read_text("utf-8"))
    scores = score_predictions(root, predictions)
    assert scores["attribution"]["f1"] >= floors["quotes_attribution_f1_dev"], scores
    assert scores["content"]["f1"] >= floors["quotes_content_f1_dev"], scores
