"""How long a refused login takes for a known user (wrong password) and for an unknown
name, through the service on a real SQLite store with real argon2id: they should be the
same (scenario 21's "same timing"; an attacker must not learn which names exist).

Rounds alternate known/unknown so load drifts hit both alike; each login uses a fresh
account name for the unknown case and the throttle is side-stepped by spreading attempts
over several known users (4 each, under the limit of 5). Prints medians of wall and CPU
(thread) milliseconds, and a successful login for comparison:

    PYTHONPATH=src nice -n 10 .venv/bin/python benchmarks/login_timing.py [--rounds 60]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import pyotp

from broadsheet.config import Settings
from broadsheet.errors import AuthError
from broadsheet.service import open_service

PASSWORD = "correct horse battery staple"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    walls: dict[str, list[float]] = {"known": [], "unknown": [], "success": []}
    cpus: dict[str, list[float]] = {"known": [], "unknown": [], "success": []}
    with (
        tempfile.TemporaryDirectory() as home,
        open_service(Settings(home=Path(home)), enrich=False) as svc,
    ):
        users = (args.rounds + 3) // 4 + 1
        secrets = {}
        for n in range(users):
            made = svc.add_user(f"user{n}", PASSWORD)
            secrets[f"user{n}"] = made.totp_uri.split("secret=")[1].split("&")[0]
        svc.login("user0", PASSWORD, pyotp.TOTP(secrets["user0"]).now())  # warm-up
        for i in range(args.rounds):
            for case in ("known", "unknown"):
                name = f"user{i // 4}" if case == "known" else f"nobody{i}"
                wall0, cpu0 = time.perf_counter(), time.thread_time()
                with contextlib.suppress(AuthError):
                    svc.login(name, f"wrong password {i:04d}", "123456")
                walls[case].append(1000 * (time.perf_counter() - wall0))
                cpus[case].append(1000 * (time.thread_time() - cpu0))
        for n in range(1, min(users, 20)):  # user0 spent its code on the warm-up
            wall0, cpu0 = time.perf_counter(), time.thread_time()
            code = pyotp.TOTP(secrets[f"user{n}"]).now()
            svc.login(f"user{n}", PASSWORD, code)
            walls["success"].append(1000 * (time.perf_counter() - wall0))
            cpus["success"].append(1000 * (time.thread_time() - cpu0))
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(f"commit {commit}, {args.rounds} rounds")
    for case in ("known", "unknown", "success"):
        wall, cpu = statistics.median(walls[case]), statistics.median(cpus[case])
        print(f"{case:8s} n={len(walls[case]):3d}  wall median {wall:6.1f} ms  CPU {cpu:6.1f} ms")


if __name__ == "__main__":
    main()
