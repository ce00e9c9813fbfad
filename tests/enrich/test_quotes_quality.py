"""Quote attribution on PolNeAR dev, scored as a user would score the product: what
``broadsheet analyze DEV/text --plain --format jsonl`` writes (run as a subprocess, the
shipped command), scored by the reference scorer ``shared/tools/score_quotes.py``. The
floors are in tests/quality_floors.json. The fitting code's own scorer
(``bench.quotes_fit.score_predictions``) must give the reference's figures on that output.

All 84 documents of dev are analysed, about 15 s on the 2-core machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from broadsheet.bench.quotes_fit import iter_split, score_predictions

pytestmark = pytest.mark.shared_data

FLOORS = Path(__file__).resolve().parents[1] / "quality_floors.json"


@pytest.fixture(scope="module")
def analyzed(quotes_dev: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The rows ``broadsheet analyze --plain`` writes for every dev text."""
    where = tmp_path_factory.mktemp("polnear-dev")
    command = [sys.executable, "-m", "broadsheet.cli", "--home", str(where / "home")]
    command += ["analyze", str(quotes_dev / "text"), "--plain", "--format", "jsonl"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def reference(
    quotes_dev: Path,
    quotes_scorer: Path,
    analyzed: list[dict[str, Any]],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    """The reference scorer's figures for the product's output."""
    predictions = tmp_path_factory.mktemp("polnear-scores") / "dev.jsonl"
    predictions.write_text("".join(json.dumps(row) + "\n" for row in analyzed), "utf-8")
    done = subprocess.run(
        [sys.executable, str(quotes_scorer), str(quotes_dev), str(predictions)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    scores: dict[str, Any] = json.loads(done.stdout)
    return scores


def test_offsets_agree_with_reference_scorer(
    quotes_dev: Path, analyzed: list[dict[str, Any]], reference: dict[str, Any]
) -> None:
    ours = score_predictions(quotes_dev, {row["id"]: row["quotes"] for row in analyzed})
    assert ours == reference
    assert reference["attribution"]["f1"] > 0.3  # offsets index the text the scorer reads


def test_quality_floors(
    quotes_dev: Path, analyzed: list[dict[str, Any]], reference: dict[str, Any]
) -> None:
    annotated = {doc_id for doc_id, _, _ in iter_split(quotes_dev)}
    assert annotated <= {row["id"] for row in analyzed}  # every annotated document scored
    assert reference["documents"] == len(annotated)
    floors = json.loads(FLOORS.read_text("utf-8"))
    assert reference["attribution"]["f1"] >= floors["quotes_attribution_f1_dev"], reference
    assert reference["content"]["f1"] >= floors["quotes_content_f1_dev"], reference


def test_every_class_of_attribution_is_scored(analyzed: list[dict[str, Any]]) -> None:
    """PolNeAR counts thoughts and actions as attributions: ``analyze`` writes every quote
    with its cue class (only the reading views leave thoughts and actions out)."""
    classes = [q["cue_class"] for row in analyzed for q in row["quotes"]]
    assert set(classes) == {"speech", "writing", "thought", "action"}
    assert classes.count("speech") > len(classes) / 2
