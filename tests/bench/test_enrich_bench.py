"""``broadsheet bench enrich DIR``: whole ``analyze --plain`` processes, timed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadsheet.bench.enrich import run_enrich_bench
from broadsheet.cli import cli
from broadsheet.errors import BroadsheetError


def test_bench_enrich_times_whole_processes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Shares of Harbour Bank rose 4% on Tuesday, chief executive Ann Doyle said.", "utf-8"
    )
    (tmp_path / "b.txt").write_text("Rain fell in Leeds.", "utf-8")
    result = CliRunner().invoke(
        cli,
        ["bench", "enrich", str(tmp_path), "--rounds", "1", "--format", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.strip().splitlines()[-1])
    assert data["articles"] == 2 and data["words"] == 17
    assert len(data["wall_seconds"]) == 1 and data["cpu_seconds"][0] > 0
    assert data["articles_per_s_cpu"] > 0
    assert "analyze" in data["command"] and "--plain" in data["command"]


def test_bench_enrich_needs_texts(tmp_path: Path) -> None:
    with pytest.raises(BroadsheetError):
        run_enrich_bench(tmp_path, rounds=1)
