"""Scenario 28: web users against `broadsheet serve` on loopback, as a benchmark.

Each simulated user logs in through the login form (password + TOTP, as a browser does),
keeps the live stream open (as every page does), and then, with a pause between pages,
reads the top stories, searches, opens a story, looks at its alerts and inbox, and now and
then saves (and removes) an alert with the page's CSRF token. Another process ingests a
story every few seconds meanwhile, so alerts fire and the stream carries events.

    python benchmarks/web_load.py --users 50 --seconds 600 --out /work/devdata/web-load

Prints one JSON object: requests, errors, latency_ms {p50, p95, p99, max} overall and per
page, the server's CPU seconds. Latency is measured by the client, request sent to body read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pyotp

WORDS = [
    "copper",
    "strike",
    "nickel",
    "rates",
    "inflation",
    "harbor",
    "shipping",
    "wheat",
    "bank",
    "oil",
    "chip",
    "earnings",
    "merger",
    "lawsuit",
    "drought",
    "port",
]
PASSWORD = "benchmark user password 2026"


def _seed(home: Path, users: int, stories: int) -> dict[str, str]:
    """Users (name -> TOTP URI) and stories written for the benchmark, in ``home``."""
    from broadsheet.config import load_settings
    from broadsheet.models import Article, Paragraph
    from broadsheet.service import open_service

    rng = random.Random(28)
    uris = {}
    with open_service(load_settings(None, {"home": home}), enrich=False) as svc:
        for n in range(users):
            uris[f"user{n}"] = svc.add_user(f"user{n}", PASSWORD).totp_uri
            # a standing alert each: the stories ingested meanwhile fire some of them live
            word = WORDS[n % len(WORDS)]
            svc.add_alert(f"{word} watch", word, owner=f"user{n}")
        for i in range(stories):
            words = rng.sample(WORDS, 4)
            svc.store.save_article(
                Article(
                    paragraphs=(
                        Paragraph(
                            f"The {words[0]} market moved as {words[1]} news spread, story {i}."
                        ),
                        Paragraph(f"Traders watched {words[2]} and {words[3]} closely."),
                    ),
                    headline=f"{words[0].title()} and {words[1]}: report {i}",
                    url=f"https://bench.example/{i}",
                    language="en",
                    site_name=rng.choice(["Harbor Ledger", "Quay Times", "Dock Daily"]),
                )
            )
        svc.reindex()
    return uris


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stats:
    def __init__(self) -> None:
        self.lat: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def add(self, page: str, ms: float) -> None:
        self.lat.setdefault(page, []).append(ms)


async def _timed(stats: Stats, page: str, call: Any) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await call
    except httpx.HTTPError as exc:
        stats.errors.append(f"{page}: {type(exc).__name__}")
        return None
    stats.add(page, (time.perf_counter() - started) * 1000)
    if response.status_code >= 400:
        stats.errors.append(f"{page}: {response.status_code}")
    return response


async def _stream(client: httpx.AsyncClient, stop: asyncio.Event, counts: dict[str, int]) -> None:
    try:
        async with client.stream("GET", "/api/v1/stream") as response:
            async for line in response.aiter_lines():
                if line.startswith("event: alert.fired"):
                    counts["alerts"] += 1
                if stop.is_set():
                    return
    except (httpx.HTTPError, asyncio.CancelledError):
        return


async def _user(
    base: str,
    name: str,
    uri: str,
    stats: Stats,
    until: float,
    think: float,
    counts: dict[str, int],
    rng: random.Random,
) -> None:
    totp = pyotp.parse_uri(uri)
    jar: dict[str, str] = {}

    async def keep_cookies(response: httpx.Response) -> None:
        # the __Host- cookies are Secure: a browser keeps them on loopback, httpx would not
        for header in response.headers.get_list("set-cookie"):
            pair = header.split(";", 1)[0]
            key, _, value = pair.partition("=")
            if value.strip('"') and "max-age=0" not in header.lower():
                jar[key] = value
            else:
                jar.pop(key, None)
        client.headers["cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())

    async with httpx.AsyncClient(
        base_url=base,
        timeout=30,
        follow_redirects=False,
        event_hooks={"response": [keep_cookies]},
    ) as client:
        page = await _timed(stats, "login form", client.get("/login"))
        if page is None:
            return
        pre = re.search(r'name="csrf" value="([^"]+)"', page.text)
        done = await _timed(
            stats,
            "login",
            client.post(
                "/login",
                data={
                    "name": name,
                    "password": PASSWORD,
                    "code": totp.now(),
                    "csrf": pre.group(1) if pre else "",
                    "next": "/",
                },
            ),
        )
        if done is None or done.status_code != 303:
            stats.errors.append(f"login failed for {name}")
            return
        stop = asyncio.Event()
        stream = asyncio.create_task(_stream(client, stop, counts))
        csrf = ""
        ids: list[int] = []
        while time.monotonic() < until:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
            roll = rng.random()
            if roll < 0.25:
                r = await _timed(stats, "top", client.get("/"))
                if r is not None:
                    ids = [int(i) for i in re.findall(r'href="/articles/(\d+)"', r.text)][:20]
            elif roll < 0.5:
                q = " ".join(rng.sample(WORDS, rng.choice((1, 2))))
                await _timed(stats, "search", client.get("/search", params={"q": q}))
            elif roll < 0.7 and ids:
                await _timed(stats, "article", client.get(f"/articles/{rng.choice(ids)}"))
            elif roll < 0.8:
                r = await _timed(stats, "alerts", client.get("/alerts"))
                if r is not None:
                    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', r.text)
                    csrf = found.group(1) if found else csrf
            elif roll < 0.9:
                await _timed(stats, "inbox", client.get("/inbox"))
            elif roll < 0.95:
                await _timed(
                    stats,
                    "api search",
                    client.get("/api/v1/search", params={"q": rng.choice(WORDS)}),
                )
            elif csrf:
                word = rng.choice(WORDS)
                r = await _timed(
                    stats,
                    "save alert",
                    client.post(
                        "/api/v1/alerts",
                        json={"name": f"{word} {rng.randrange(10**6)}", "query": word},
                        headers={"X-CSRF-Token": csrf},
                    ),
                )
                if r is not None and r.status_code == 201:
                    await _timed(
                        stats,
                        "remove alert",
                        client.delete(
                            f"/api/v1/alerts/{r.json()['id']}", headers={"X-CSRF-Token": csrf}
                        ),
                    )
        stop.set()
        stream.cancel()


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": _pct(values, 50),
        "p95": _pct(values, 95),
        "p99": _pct(values, 99),
        "max": round(max(values), 1),
        "mean": round(statistics.fmean(values), 1),
    }


async def _run(
    base: str, uris: dict[str, str], seconds: float, think: float
) -> tuple[Stats, dict[str, int]]:
    stats, counts = Stats(), {"alerts": 0}
    until = time.monotonic() + seconds
    rng = random.Random(2026)
    tasks = [
        asyncio.create_task(
            _user(base, name, uri, stats, until, think, counts, random.Random(rng.random()))
        )
        for name, uri in uris.items()
    ]
    await asyncio.gather(*tasks)
    return stats, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between pages")
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--ingest-every", type=float, default=5.0)
    parser.add_argument("--out", type=Path, default=Path("/tmp/broadsheet-web-load"))
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    home = args.out / "home"
    uris = _seed(home, args.users, args.stories)
    port = _port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    cmd = [sys.executable, "-m", "broadsheet", "--home", str(home), "--no-enrich"]
    log = (args.out / "serve.log").open("wb")
    server = subprocess.Popen([*cmd, "serve", "--port", str(port)], env=env, stderr=log)
    ingested = 0
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("serve did not start") from None
                time.sleep(0.2)
        cpu_before = _cpu(server.pid)
        pages = args.out / "pages"

        async def ingest_loop(until: float) -> None:
            nonlocal ingested
            n = 0
            while time.monotonic() < until:
                await asyncio.sleep(args.ingest_every)
                folder = pages / str(n)
                folder.mkdir(parents=True)
                word = WORDS[n % len(WORDS)]
                (folder / "s.html").write_text(
                    f"<html><head><title>{word.title()} news {n}</title></head><body><article>"
                    f"<h1>{word.title()} news {n}</h1><p>Fresh {word} news, item {n}, "
                    f"as traders watched the {word} market.</p></article></body></html>"
                )
                proc = await asyncio.create_subprocess_exec(
                    *cmd,
                    "ingest",
                    str(folder),
                    env=env,
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.DEVNULL,
                )
                await proc.wait()
                ingested += 1
                n += 1

        async def everything() -> tuple[Stats, dict[str, int]]:
            until = time.monotonic() + args.seconds
            ingest = asyncio.create_task(ingest_loop(until))
            result = await _run(f"http://127.0.0.1:{port}", uris, args.seconds, args.think)
            await ingest
            return result

        started = time.monotonic()
        stats, counts = asyncio.run(everything())
        wall = time.monotonic() - started
        cpu = _cpu(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(20)
        log.close()
    every = [v for values in stats.lat.values() for v in values]
    report = {
        "users": args.users,
        "seconds": args.seconds,
        "wall_s": round(wall, 1),
        "requests": len(every),
        "errors": len(stats.errors),
        "error_kinds": sorted(set(stats.errors))[:10],
        "requests_per_s": round(len(every) / wall, 1),
        "latency_ms": _summary(every),
        "pages": {page: _summary(values) for page, values in sorted(stats.lat.items())},
        "stories_ingested": ingested,
        "alerts_streamed": counts["alerts"],
        "server_cpu_s": round(cpu, 1),
    }
    print(json.dumps(report))


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
