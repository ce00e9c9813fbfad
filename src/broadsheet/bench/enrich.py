"""Enrichment throughput, measured as issue 12 and ``docs/BENCHMARKS.md`` measure it: the
whole process over a folder, model load included.

``run_enrich_bench(directory)`` runs ``broadsheet analyze DIRECTORY --plain --format jsonl``
(output discarded) ``rounds`` times as a child process, pinned to one core with
``taskset -c CPU`` when ``taskset`` is there, and reports each round's wall and CPU time
(the child's user + system time) and their medians as articles/s and words/s. CPU time is
the steadier figure on a shared machine; the wall time is what a user waits for.
"""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from broadsheet.errors import BroadsheetError

__all__ = ["EnrichBenchReport", "run_enrich_bench"]


@dataclass(frozen=True, slots=True)
class EnrichBenchReport:
    directory: str
    articles: int
    words: int
    rounds: int
    cpu_core: int | None  # the core the child was pinned to (None: not pinned)
    wall_seconds: list[float]
    cpu_seconds: list[float]
    articles_per_s_wall: float  # median round
    articles_per_s_cpu: float  # median round
    words_per_s_cpu: float
    command: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def _command(directory: Path, cpu: int | None) -> list[str]:
    cmd = [sys.executable, "-m", "broadsheet.cli", "analyze", str(directory), "--plain"]
    cmd += ["--format", "jsonl"]
    taskset = shutil.which("taskset")
    if cpu is not None and taskset is not None:
        return [taskset, "-c", str(cpu), *cmd]
    return cmd


def run_enrich_bench(directory: Path, *, rounds: int = 3, cpu: int | None = 0) -> EnrichBenchReport:
    """Time ``analyze --plain`` over the ``.txt`` files of ``directory``, ``rounds`` times."""
    files = sorted(p for p in directory.iterdir() if p.suffix == ".txt" and p.is_file())
    if not files:
        raise BroadsheetError(f"no .txt files in {directory}")
    if rounds < 1:
        raise BroadsheetError("rounds must be at least 1")
    words = sum(len(p.read_text("utf-8", errors="replace").split()) for p in files)
    cmd = _command(directory, cpu)
    pinned = cpu if cmd[0] != sys.executable else None
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(rounds):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise BroadsheetError(f"analyze failed ({done.returncode}): {' | '.join(tail)}")
        walls.append(round(wall, 3))
        used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        cpus.append(round(used, 3))
    wall_med, cpu_med = statistics.median(walls), statistics.median(cpus)
    shown = ["broadsheet", *cmd[cmd.index("analyze") :]]
    if pinned is not None:
        shown = ["taskset", "-c", str(pinned), *shown]
    return EnrichBenchReport(
        directory=str(directory),
        articles=len(files),
        words=words,
        rounds=rounds,
        cpu_core=pinned,
        wall_seconds=walls,
        cpu_seconds=cpus,
        articles_per_s_wall=round(len(files) / wall_med, 2),
        articles_per_s_cpu=round(len(files) / cpu_med, 2),
        words_per_s_cpu=round(words / cpu_med),
        command=" ".join(shown),
    )
