"""``benchmarks/textdump_rules.py``: pages read again from a cache of fold models and line
scores, per source, and the pages that moved between two readings (pages written for the
tests; the cache holds the committed model as each fold's, so no fitting is needed)."""

from __future__ import annotations

import importlib.util
import json
import pickle
from pathlib import Path
from types import ModuleType

import pytest

from broadsheet.bench import textdump_fit as tf
from broadsheet.extract.textdump import load_model

STORY = (
    "The county opened the new footbridge over the river on Friday, two months later than "
    "planned, after a dispute with the builder over the cost of the steel.",
    "Walkers crossed it all afternoon, and the mayor said a second bridge further south would "
    "be put to the council in the spring if the first one draws the crowds it hopes for.",
    "Engineers said the steel would be painted again next year, once the winter had shown "
    "where the water runs off the deck and where it pools after heavy rain.",
)


def _tool() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "textdump_rules.py"
    spec = importlib.util.spec_from_file_location("textdump_rules", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _corpus(folder: Path, source: str, n: int) -> Path:
    (folder / "text").mkdir(parents=True)
    truth = {}
    for i in range(n):
        key = f"{source}_{i}"
        lines = ["Home", "News", "Sign up for our newsletter", *STORY, "Most read", "Share"]
        (folder / "text" / f"{key}.txt").write_text("\n\n".join(lines), encoding="utf-8")
        truth[key] = {"articleBody": "\n\n".join(STORY), "site": f"s{i}.example", "source": source}
    (folder / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return folder


def test_read_scores_the_cached_pages_and_sets_and_compare_lists_what_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(tf, "DEV", tmp_path / "no-dev-data")
    tool = _tool()
    corpus = _corpus(tmp_path / "corpus", "tr", 3)
    extra = _corpus(tmp_path / "extra", "pl", 2)
    model = load_model()
    docs = tf.prepare(tf.load([corpus]))
    pages = [
        {"i": i, "fold": 0, "key": d.page.key, "probs": [float(p) for p in tf._probs(d, model)]}
        for i, d in enumerate(docs)
    ]
    cache = tmp_path / "cache.pkl"
    cache.write_bytes(pickle.dumps({"corpora": [str(corpus)], "models": [model], "pages": pages}))
    before = tmp_path / "before.json"
    tool.main(["x", "read", str(cache), "--set", f"more={extra}:pl", "--out", str(before)])
    line = capsys.readouterr().out.strip()
    assert line.startswith("ALL=") and " tr=" in line and " more=" in line
    scores = json.loads(before.read_text(encoding="utf-8"))
    assert set(scores) == {"tr_0", "tr_1", "tr_2", "more:pl_0", "more:pl_1"}
    assert all(p > 0.9 and r > 0.9 for p, r in scores.values())
    # a reading that lost one page's story shows as that page, worse
    after = tmp_path / "after.json"
    after.write_text(json.dumps({**scores, "tr_1": [0.0, 0.0]}), encoding="utf-8")
    tool.main(["x", "compare", str(before), str(after)])
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["better", "0", "worse", "1"]
    assert out[1].split()[1] == "tr_1"


def test_help_prints_the_usage_and_cache_needs_a_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tool = _tool()
    tool.main(["textdump_rules.py", "cache", "--help"])
    assert "python benchmarks/textdump_rules.py cache CACHE" in capsys.readouterr().out
    assert not Path("--help").exists()
    with pytest.raises(SystemExit, match="--corpus"):
        tool.main(["textdump_rules.py", "cache", str(tmp_path / "c.pkl")])
    assert not (tmp_path / "c.pkl").exists()
