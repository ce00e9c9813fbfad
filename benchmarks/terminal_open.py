"""How long `broadsheet terminal` takes to show TOP (scenario 30: under 2 s at 1,000,000 stories).

    python benchmarks/terminal_archive.py --articles 1000000 --home /tmp/bs-1m   # once
    python benchmarks/terminal_open.py --home /tmp/bs-1m --rounds 5

Each round starts the real command, `broadsheet --home H terminal --no-poll`, in a fresh tmux
session (160x48) as a user would, and reads the screen (`tmux capture-pane`) every 10 ms
until the newest story's headline is on it: that is the time to the first screen painted
with TOP content, from before the process was started (Python start-up and imports
included). CPU is the process's user + system time at that moment (all its threads, from
/proc). Then Ctrl+Q quits it. Prints one JSON object: every round, and the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def newest_headline(home: Path) -> str:
    conn = sqlite3.connect(f"file:{home / 'broadsheet.db'}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT headline FROM articles ORDER BY published_us DESC LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    return str(row[0])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def tmux(*args: str) -> str:
    """tmux on a server of the benchmark's own, without the user's configuration."""
    return subprocess.run(
        ["tmux", "-L", f"bench-terminal-{os.getpid()}", "-f", "/dev/null", *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout


def one_round(home: Path, needle: str, session: str, limit: float) -> dict[str, float]:
    command = f"exec {sys.executable} -m broadsheet.cli --home {home} terminal --no-poll"
    env_path = os.environ.get("PYTHONPATH", "")
    t0 = time.perf_counter()
    tmux(
        "new-session", "-d", "-s", session, "-x", "160", "-y", "48",
        "-e", f"PYTHONPATH={env_path}", command,
    )  # fmt: skip
    pid = int(tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip())
    try:
        while True:
            screen = tmux("capture-pane", "-p", "-t", session)
            if needle in screen:
                wall = time.perf_counter() - t0
                cpu = cpu_seconds(pid)
                break
            if time.perf_counter() - t0 > limit:
                raise SystemExit(f"TOP did not show within {limit} s:\n{screen}")
            time.sleep(0.01)
        tmux("send-keys", "-t", session, "C-q")
        for _ in range(500):
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.02)
    finally:
        subprocess.run(
            ["tmux", "-L", f"bench-terminal-{os.getpid()}", "kill-server"], capture_output=True
        )
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=float, default=60.0, help="give up after (s)")
    args = parser.parse_args()
    needle = newest_headline(args.home)[:40]
    rounds = [
        one_round(args.home, needle, f"bench-terminal-{os.getpid()}-{k}", args.limit)
        for k in range(args.rounds)
    ]
    conn = sqlite3.connect(f"file:{args.home / 'broadsheet.db'}?mode=ro", uri=True)
    stories = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    print(
        json.dumps(
            {
                "stories": stories,
                "rounds": rounds,
                "median_wall_s": statistics.median(r["wall_s"] for r in rounds),
                "median_cpu_s": statistics.median(r["cpu_s"] for r in rounds),
            }
        )
    )


if __name__ == "__main__":
    main()
