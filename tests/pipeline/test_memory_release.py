"""A run's end gives the parse's peak memory back (``Pipeline._end_run``): a process that
lives on (``serve``, a worker) holds its model between runs, not the last batch's arrays.

Measured in a fresh interpreter, from the kernel's own counts (``/proc/self/status``): the
resident size after ``enrich_articles`` against the size with the model loaded and the
run's high-water mark (how high it goes depends on the machine's BLAS, so the test asks
for a share of the growth back, not a number of MB)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists() or not sys.platform.startswith("linux"),
    reason="reads Linux's /proc",
)

_RUN = textwrap.dedent(
    """
    import sys
    from datetime import date
    from pathlib import Path
    from broadsheet.config import load_settings
    from broadsheet.demo.newswire import generate_wire
    from broadsheet.pipeline.ingest import open_pipeline

    home = Path(sys.argv[1])
    folder = home / "in"
    folder.mkdir(parents=True)
    stories = generate_wire(date(2008, 1, 1), date(2008, 12, 31), seed=3, max_events=12)
    for n, story in enumerate(stories):
        body = "\\n\\n".join(text for _kind, text in story.paragraphs)
        (folder / f"{n:03}.txt").write_text(f"{story.headline}\\n\\n{body}\\n" * 3)
    settings = load_settings(None, {"home": home})
    with open_pipeline(settings, enrich=False) as pipe:
        pipe.ingest_path(folder)

    def status(key):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) // 1024
        raise KeyError(key)

    with open_pipeline(settings, enrich=True) as pipe:
        pipe.enricher.analyze("The model is loaded before the run.")
        loaded = status("VmRSS")
        report = pipe.enrich_articles()
        print(report.total, len(report.failures), loaded, status("VmHWM"), status("VmRSS"))
    """
)


def test_enrich_run_gives_its_peak_memory_back(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", _RUN, str(tmp_path / "home")],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    total, failed, loaded_mb, peak_mb, now_mb = map(int, out.stdout.split()[-5:])
    assert total >= 24 and failed == 0
    grown = peak_mb - loaded_mb
    assert grown >= 40, (loaded_mb, peak_mb)  # the batches' arrays took memory
    # most of it is given back (without the release the process holds its peak: 339 of
    # 339 MB); the model stays
    assert now_mb - loaded_mb <= 0.6 * grown, (loaded_mb, peak_mb, now_mb)
