"""The alert commands end to end, each a real `broadsheet` process on a temporary home."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from broadsheet.cli.exit_codes import ExitCode


def _page(headline: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{headline} - The Test Gazette</title>"
        f"<meta property='article:published_time' content='{when}'></head><body>"
        f"<article><h1>{headline}</h1><p class='byline'>By Lena Fischer</p>{body}</article>"
        "</body></html>"
    )


def _write(folder: Path, slug: str, headline: str, *paragraphs: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.html"
    path.write_text(_page(headline, list(paragraphs)), "utf-8")
    return path


def run(home: Path, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "broadsheet.cli", "--home", str(home), "--no-enrich", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == code, done.stderr + done.stdout
    return done


def _jsonl(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_alert_commands_end_to_end(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = _write(
        tmp_path / "a",
        "copper-strike",
        "Copper Mine Strike Enters Second Week",
        "Workers at the Ridgeway copper mine stayed out for a second week on Monday, "
        "cutting output of the metal by a fifth, the operator said.",
    )
    run(home, "ingest", str(first))

    added = run(home, "alert", "add", "copper", "copper mine").stdout
    assert "saved alert copper" in added
    assert "would have fired 1 time in the last 7 days" in added
    assert "Copper Mine Strike Enters Second Week" in added

    refused = run(
        home,
        "alert",
        "add",
        "hook",
        "copper",
        "--webhook",
        "http://127.0.0.1:9/x",
        code=int(ExitCode.FETCH_FAILED),
    )
    assert "127.0.0.1" in refused.stderr
    hooked = run(
        home,
        "--allow-host",
        "127.0.0.1",
        "alert",
        "add",
        "hook",
        "copper",
        "--webhook",
        "http://127.0.0.1:9/x",
    ).stdout
    assert "webhook secret (shown once" in hooked and "whsec_" in hooked
    run(home, "alert", "add", "broken", '"copper', code=int(ExitCode.BAD_QUERY))
    run(home, "alert", "add", "copper", "tin", code=int(ExitCode.ERROR))  # name taken
    run(home, "alert", "add", "bobs", "copper", "--user", "bob")

    listed = _jsonl(run(home, "alert", "list", "--format", "jsonl").stdout)
    assert [a["name"] for a in listed] == ["copper", "hook"]
    assert listed[1]["channels"] == ["inbox", "live", "webhook"]
    assert "secret" not in listed[1]  # shown once, never listed

    second = _write(
        tmp_path / "b",
        "copper-talks",
        "Talks Resume at Copper Mine",
        "Union leaders and the operator of the Ridgeway copper mine met again on Thursday "
        "to end the strike, according to people briefed on the talks.",
    )
    run(home, "ingest", str(second))
    items = _jsonl(run(home, "inbox", "--format", "jsonl").stdout)
    assert sorted(i["alert"] for i in items) == ["copper", "hook"]
    assert all(i["headline"] == "Talks Resume at Copper Mine" for i in items)
    assert all(i["read"] is False for i in items)
    bobs = _jsonl(run(home, "inbox", "--user", "bob", "--format", "jsonl").stdout)
    assert [i["alert"] for i in bobs] == ["bobs"]
    assert {i["id"] for i in bobs}.isdisjoint({i["id"] for i in items})

    text = run(home, "inbox", "--mark-read").stdout
    assert "Talks Resume at Copper Mine" in text
    assert _jsonl(run(home, "inbox", "--unread", "--format", "jsonl").stdout) == []

    assert "paused alert copper" in run(home, "alert", "pause", "copper").stdout
    paused = _jsonl(run(home, "alert", "list", "--format", "jsonl").stdout)
    assert paused[0]["state"] == "paused" and paused[0]["fired"] == 1
    run(home, "alert", "resume", "copper")
    run(home, "alert", "remove", "hook")
    run(home, "alert", "remove", "hook", code=int(ExitCode.NOT_FOUND))
    run(home, "alert", "pause", "bobs", code=int(ExitCode.NOT_FOUND))  # bob's, not ours
    names = [a["name"] for a in _jsonl(run(home, "alert", "list", "--format", "jsonl").stdout)]
    assert names == ["copper"]

    preview = json.loads(run(home, "alert", "preview", "copper", "--format", "json").stdout)
    assert preview["matches"] == 2 and len(preview["examples"]) == 2


def test_bench_wire_reports_its_contract(tmp_path: Path) -> None:
    done = run(
        tmp_path / "home",
        "bench",
        "wire",
        "--alerts",
        "60",
        "--rate",
        "20",
        "--seconds",
        "1",
        "--format",
        "json",
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    for key in ("alerts", "rate", "stories", "delivered", "lost", "duplicates", "latency_ms"):
        assert key in result
    assert result["alerts"] == 60 and result["stories"] == 20
    assert result["lost"] == 0 and result["duplicates"] == 0
    assert result["delivered"] > 0
    assert set(result["latency_ms"]) >= {"p50", "p99"}
