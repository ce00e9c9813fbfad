"""The demo path end to end: ``python -m broadsheet.cli --home H demo --no-terminal
--events 6 --steps 3`` (the printed walkthrough, for scripts and CI) exits 0 and prints the
SIMULATED WIRE notice, a search result and a chart; the archive it leaves behind is
consistent (integrity, index agrees with the store)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from broadsheet.demo.newswire import SIMULATED_NOTICE
from broadsheet.pipeline import open_pipeline

from .helpers import cli_env, indexed_ids, make_settings, stored_ids


def test_demo_runs_offline_and_shows_the_product(home: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "broadsheet.cli",
            "--home",
            str(home),
            "demo",
            "--no-terminal",
            "--events",
            "6",
            "--steps",
            "3",
        ],
        env={**cli_env(), "COLUMNS": "100"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "SIMULATED WIRE" in out
    flat = " ".join(out.split())
    assert " ".join(SIMULATED_NOTICE.split()) in flat
    assert "Traceback" not in done.stderr
    # a search with results: "<n> matching stories" then a hit (an id and a headline)
    found = [int(n) for n in re.findall(r"^(\d+) matching stor", out, re.MULTILINE)]
    assert found and max(found) >= 1, out
    assert re.search(r"^\d{10,}\s+\S", out, re.MULTILINE)
    # a chart: a price axis, a date axis and the legend of story markers
    assert re.search(r"^\s*\d+\.\d\d \S", out, re.MULTILINE)
    assert re.search(r"\d{4}-\d\d-\d\d\s+\d{4}-\d\d-\d\d", out)
    assert re.search(r"stories marked", out)
    stored = int(re.search(r"(\d+) stories stored from (\d+) feeds", out).group(1))  # type: ignore[union-attr]
    assert stored > 0
    where = re.search(r"The demo archive is in (\S+?)\.\s", flat)
    assert where is not None, out
    settings = make_settings(Path(where.group(1)))
    assert settings.home == home  # a new data directory takes the demo itself
    with open_pipeline(settings, enrich=False) as pipe:
        # the demo's three outlets are polled at once and cover the same events: every
        # invariant must hold, the story order included (see test_story_ids.py)
        assert pipe.store.integrity_check() == []
        assert pipe.store.count_articles() == stored
        assert pipe.index is not None
        assert indexed_ids(pipe.index) == stored_ids(pipe.store)
