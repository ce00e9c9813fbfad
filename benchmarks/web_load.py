"""Scenario 28: web users against `broadsheet serve` on loopback, as a benchmark.

Each simulated user logs in through the login form (password + TOTP, as a browser does),
keeps the live stream open (as every page does), and then, with a pause between pages,
reads the top stories, searches, opens a story, looks at its alerts and inbox, and now and
then saves (and removes) an alert with the page's CSRF token. Another process ingests a
story every few seconds meanwhile, so alerts fire and the stream carries events.

    python benchmarks/web_load.py --users 50 --seconds 600 --out /work/devdata/web-load

Prints one JSON object: requests, errors, latency_ms {p50, p95, p99, max} overall and per
page, the server's CPU seconds. Latency is measured by the client, request sent to body read.

    python benchmarks/web_load.py --per-page 200 --rounds 3 --out /work/devdata/web-load

measures instead what each page costs the server: one user, no think time, no stream and no
ingest, each page asked for N times in a row; the server's CPU time (from /proc) over those
requests, divided by N, is its CPU ms per request (the median of the rounds is printed, with
the server's idle CPU rate measured beforehand). ``--reuse`` keeps the seeded home of an
earlier run in ``--out`` (the seeding takes minutes).
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
from typing import Any, cast

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
    """Users (name -> TOTP URI) and stories written for the benchmark, in ``home``; the
    users are also written to ``users.json`` beside it (for ``--reuse``)."""
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
    (home.parent / "users.json").write_text(json.dumps(uris))
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
        response: httpx.Response = await call
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


async def _log_in(client: httpx.AsyncClient, stats: Stats, name: str, uri: str) -> bool:
    """Through the login form, as a browser does: the form's token, password and TOTP."""
    page = await _timed(stats, "login form", client.get("/login"))
    if page is None:
        return False
    pre = re.search(r'name="csrf" value="([^"]+)"', page.text)
    done = await _timed(
        stats,
        "login",
        client.post(
            "/login",
            data={
                "name": name,
                "password": PASSWORD,
                "code": cast(pyotp.TOTP, pyotp.parse_uri(uri)).now(),
                "csrf": pre.group(1) if pre else "",
                "next": "/",
            },
        ),
    )
    if done is None or done.status_code != 303:
        stats.errors.append(f"login failed for {name}")
        return False
    return True


def _client(base: str) -> httpx.AsyncClient:
    """A client that keeps the ``__Host-`` cookies (Secure: a browser keeps them on
    loopback, httpx would not)."""
    jar: dict[str, str] = {}

    async def keep_cookies(response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            pair = header.split(";", 1)[0]
            key, _, value = pair.partition("=")
            if value.strip('"') and "max-age=0" not in header.lower():
                jar[key] = value
            else:
                jar.pop(key, None)
        client.headers["cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())

    client = httpx.AsyncClient(
        base_url=base, timeout=30, follow_redirects=False, event_hooks={"response": [keep_cookies]}
    )
    return client


MIX = (  # each page and the roll below which it is chosen
    ("top", 0.25),
    ("search", 0.5),
    ("article", 0.7),
    ("alerts", 0.8),
    ("inbox", 0.9),
    ("api search", 0.95),
    ("save alert", 1.01),  # then "remove alert"
)


class Visit:
    """One user's pages, with what they carry from one page to the next (the story links of
    the top page, the CSRF token of the alerts page)."""

    def __init__(self, client: httpx.AsyncClient, stats: Stats, rng: random.Random) -> None:
        self.client, self.stats, self.rng = client, stats, rng
        self.csrf = ""
        self.ids: list[int] = []

    async def visit(self, page: str) -> None:
        client, stats, rng = self.client, self.stats, self.rng
        if page == "top":
            r = await _timed(stats, "top", client.get("/"))
            if r is not None:
                self.ids = [int(i) for i in re.findall(r'href="/articles/(\d+)"', r.text)][:20]
        elif page == "search":
            q = " ".join(rng.sample(WORDS, rng.choice((1, 2))))
            await _timed(stats, "search", client.get("/search", params={"q": q}))
        elif page == "article":
            await _timed(stats, "article", client.get(f"/articles/{rng.choice(self.ids)}"))
        elif page == "alerts":
            r = await _timed(stats, "alerts", client.get("/alerts"))
            if r is not None:
                found = re.search(r'<meta name="csrf-token" content="([^"]+)"', r.text)
                self.csrf = found.group(1) if found else self.csrf
        elif page == "inbox":
            await _timed(stats, "inbox", client.get("/inbox"))
        elif page == "api search":
            await _timed(
                stats, "api search", client.get("/api/v1/search", params={"q": rng.choice(WORDS)})
            )
        elif page == "save alert":
            word = rng.choice(WORDS)
            r = await _timed(
                stats,
                "save alert",
                client.post(
                    "/api/v1/alerts",
                    json={"name": f"{word} {rng.randrange(10**6)}", "query": word},
                    headers={"X-CSRF-Token": self.csrf},
                ),
            )
            if r is not None and r.status_code == 201:
                await _timed(
                    stats,
                    "remove alert",
                    client.delete(
                        f"/api/v1/alerts/{r.json()['id']}", headers={"X-CSRF-Token": self.csrf}
                    ),
                )


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
    async with _client(base) as client:
        if not await _log_in(client, stats, name, uri):
            return
        stop = asyncio.Event()
        stream = asyncio.create_task(_stream(client, stop, counts))
        state = Visit(client, stats, rng)
        while time.monotonic() < until:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
            roll = rng.random()
            page = next(p for p, upto in MIX if roll < upto)
            if page == "article" and not state.ids:
                page = "alerts"
            if page == "save alert" and not state.csrf:
                continue
            await state.visit(page)
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
    parser.add_argument("--workers", type=int, default=1, help="serve --workers")
    parser.add_argument(
        "--per-page", type=int, default=0, metavar="N", help="measure CPU per page instead"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --per-page")
    parser.add_argument("--reuse", action="store_true", help="keep the home seeded in --out")
    args = parser.parse_args()
    home = args.out / "home"
    if args.reuse and (args.out / "users.json").exists():
        uris = json.loads((args.out / "users.json").read_text())
    else:
        if args.out.exists():
            shutil.rmtree(args.out)
        uris = _seed(home, args.users, args.stories)
    uris = dict(list(uris.items())[: args.users])
    port = _port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    cmd = [sys.executable, "-m", "broadsheet", "--home", str(home), "--no-enrich"]
    log = (args.out / "serve.log").open("wb")
    serve = [*cmd, "serve", "--port", str(port)]
    if args.workers != 1:
        serve += ["--workers", str(args.workers)]
    server = subprocess.Popen(serve, env=env, stderr=log)
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
        if args.per_page:
            name, uri = next(iter(uris.items()))
            base = f"http://127.0.0.1:{port}"
            print(json.dumps(asyncio.run(_per_page(base, name, uri, server.pid, args))))
            return
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
    """CPU seconds of the process and its children (``serve --workers``), live or ended."""
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        times[int(entry.name)] = sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += times.get(p, 0.0)
        todo.extend(children.get(p, ()))
    return total


PER_PAGE = ("top", "search", "article", "alerts", "inbox", "api search", "save alert")


async def _per_page(base: str, name: str, uri: str, pid: int, args: Any) -> dict[str, Any]:
    """Server CPU ms per request of each page: N requests in a row per page, one user."""
    stats = Stats()
    idle_s = 10.0
    await asyncio.sleep(5)  # the server's start-up work ends
    cpu = _cpu(pid)
    await asyncio.sleep(idle_s)
    idle_ms_per_s = (_cpu(pid) - cpu) * 1000 / idle_s
    rounds: dict[str, list[float]] = {p: [] for p in PER_PAGE}
    async with _client(base) as client:
        if not await _log_in(client, stats, name, uri):
            raise SystemExit(f"login failed: {stats.errors}")
        state = Visit(client, stats, random.Random(28))
        await state.visit("top")
        await state.visit("alerts")
        for _ in range(args.rounds):
            for page in PER_PAGE:
                for _ in range(5):  # warm
                    await state.visit(page)
                started, cpu = time.monotonic(), _cpu(pid)
                for _ in range(args.per_page):
                    await state.visit(page)
                used = _cpu(pid) - cpu - idle_ms_per_s / 1000 * (time.monotonic() - started)
                rounds[page].append(used * 1000 / args.per_page)
    return {
        "per_page": args.per_page,
        "rounds": args.rounds,
        "workers": args.workers,
        "idle_cpu_ms_per_s": round(idle_ms_per_s, 2),
        "errors": len(stats.errors),
        "error_kinds": sorted(set(stats.errors))[:10],
        "cpu_ms_per_request": {
            p: {"median": round(statistics.median(v), 2), "rounds": [round(x, 2) for x in v]}
            for p, v in rounds.items()
        },
        "loadavg": os.getloadavg(),
    }


if __name__ == "__main__":
    main()
