#!/usr/bin/env python3
"""Measure Broadsheet on the public sets kept out of development (BENCHMARKS.md).

usage: python benchmarks/unseen.py STEP HELD_OUT_DIR [--rounds 3] [--out FILE.json]

Every step runs Broadsheet's own command line as a whole process, as a user would, scores
its output with the reference scorers in ../shared/tools/ and reports wall and CPU time
(the command's children, from ``os.wait4``) as the median of rounds. The data sets are not
in this repository: fetch them from their public repositories into HELD_OUT_DIR:

- ``html``: article-extraction-benchmark pages whose ids start with 6-9 or a-f
  (``HELD_OUT_DIR/html/*.html.gz`` + ``ground-truth.json``); trafilatura (fast) runs in
  the same rounds as the anchor;
- ``textdump``: the same pages rendered as visible-text dumps (``HELD_OUT_DIR/text/*.txt``
  + ``ground-truth.json``), anchor jusText on the same dumps;
- ``quotes``: PolNeAR's test split (``HELD_OUT_DIR/text``, ``HELD_OUT_DIR/attributions``),
  scored by ``score_quotes.py``; the same run is the enrichment speed figure (84 articles
  of about 890 words, one core via ``taskset -c 0``, model load included);
- ``entities``: CoNLL-2003's test set, through ``broadsheet bench entities``;
- ``metadata``: Mozilla Readability's test pages (``NNN/source.html`` +
  ``expected-metadata.json``): headline, byline and date against trafilatura's metadata.

Nothing here decides anything in development: the figures are written down, not tuned on.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BROADSHEET_SHARED", ROOT.parent / "shared"))
TOOLS = SHARED / "tools"
BIN = Path(sys.executable).parent
BROADSHEET = str(BIN / "broadsheet")


def timed(cmd: list[str], *, stdout: Path | None = None) -> dict[str, float]:
    """Run ``cmd`` to completion; its wall time and its CPU time (user + system)."""
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]
    proc.returncode = os.waitstatus_to_exitcode(status)
    # 8 = PARTIAL: the batch finished and some pages gave no article; they score as empty
    if proc.returncode not in (0, 8):
        err = proc.stderr.read().decode("utf8", "replace") if proc.stderr else ""
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime}


def rounds_of(cmd: list[str], rounds: int, out: Path) -> dict[str, Any]:
    runs = [timed(cmd, stdout=out) for _ in range(rounds)]
    return {
        "command": " ".join(cmd),
        "rounds": rounds,
        "wall_s": statistics.median(r["wall_s"] for r in runs),
        "cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "wall_rounds": [round(r["wall_s"], 2) for r in runs],
    }


def score(scorer: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(TOOLS / scorer), *args], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def step_html(data: Path, rounds: int, work: Path) -> dict[str, Any]:
    pred = work / "html.jsonl"
    run = rounds_of([BROADSHEET, "extract", str(data / "html"), "--format", "jsonl"], rounds, pred)
    pages = len(list((data / "html").glob("*.htm*")))
    anchor = work / "trafilatura.jsonl"
    script = (
        "import gzip,json,sys,pathlib,trafilatura\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.htm*')):\n"
        "    raw=p.read_bytes(); raw=gzip.decompress(raw) if p.suffix=='.gz' else raw\n"
        "    t=trafilatura.extract(raw.decode('utf8','replace'),fast=True) or ''\n"
        "    print(json.dumps({'id':p.name.split('.')[0],'articleBody':t}))\n"
    )
    anchor_run = rounds_of([sys.executable, "-c", script, str(data / "html")], rounds, anchor)
    truth = str(data / "ground-truth.json")
    return {
        "pages": pages,
        "broadsheet": {
            **score("score_extraction.py", truth, str(pred)),
            **run,
            "pages_per_s_wall": pages / run["wall_s"],
            "pages_per_s_cpu": pages / run["cpu_s"],
        },
        "trafilatura_fast": {
            **score("score_extraction.py", truth, str(anchor)),
            **anchor_run,
            "pages_per_s_wall": pages / anchor_run["wall_s"],
            "pages_per_s_cpu": pages / anchor_run["cpu_s"],
        },
    }


def step_textdump(data: Path, rounds: int, work: Path) -> dict[str, Any]:
    pred = work / "text.jsonl"
    run = rounds_of([BROADSHEET, "extract", str(data / "text"), "--format", "jsonl"], rounds, pred)
    anchor = work / "justext.jsonl"
    script = (
        "import json,sys,pathlib,justext\n"
        "stop=justext.get_stoplist('English')\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.txt')):\n"
        "    lines=p.read_text('utf8','replace').splitlines()\n"
        "    html='<html><body>'+''.join('<p>'+l.replace('&','&amp;').replace('<','&lt;')+'</p>'"
        " for l in lines)+'</body></html>'\n"
        "    ps=justext.justext(html.encode(),stop)\n"
        "    t='\\n\\n'.join(x.text for x in ps if not x.is_boilerplate)\n"
        "    print(json.dumps({'id':p.stem,'articleBody':t}))\n"
    )
    anchor_run = rounds_of([sys.executable, "-c", script, str(data / "text")], 1, anchor)
    truth = str(data / "ground-truth.json")
    pages = len(list((data / "text").glob("*.txt")))
    return {
        "pages": pages,
        "broadsheet": {
            **score("score_extraction.py", truth, str(pred)),
            **run,
            "pages_per_s_cpu": pages / run["cpu_s"],
        },
        "justext": {**score("score_extraction.py", truth, str(anchor)), **anchor_run},
    }


def step_quotes(data: Path, rounds: int, work: Path) -> dict[str, Any]:
    pred = work / "quotes.jsonl"
    texts = sorted((data / "text").glob("*.txt"))
    words = sum(len(p.read_text("utf8").split()) for p in texts)
    cmd = [BROADSHEET, "analyze", str(data / "text"), "--plain", "--format", "jsonl"]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    run = rounds_of(cmd, rounds, pred)
    return {
        "articles": len(texts),
        "words_per_article": round(words / max(1, len(texts))),
        "attribution": score("score_quotes.py", str(data), str(pred)),
        **run,
        "articles_per_s_wall": len(texts) / run["wall_s"],
        "articles_per_s_cpu": len(texts) / run["cpu_s"],
    }


def step_entities(data: Path, rounds: int, work: Path) -> dict[str, Any]:
    out = work / "entities.json"
    conll = data / "test.txt" if data.is_dir() else data
    run = rounds_of([BROADSHEET, "bench", "entities", str(conll), "--format", "json"], 1, out)
    return {"scores": json.loads(out.read_text().strip().splitlines()[-1]), **run}


def _norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(re.findall(r"\w+", text))


def _names(byline: str | None) -> set[str]:
    text = _norm(byline)
    text = re.sub(r"^by ", "", text)
    parts = re.split(r" and |,|;| & ", text)
    return {p.strip() for p in parts if p.strip()}


def step_metadata(data: Path, rounds: int, work: Path) -> dict[str, Any]:
    pages = work / "meta-pages"
    pages.mkdir(exist_ok=True)
    gold: dict[str, dict[str, Any]] = {}
    for folder in sorted(p for p in data.iterdir() if (p / "source.html").exists()):
        meta = json.loads((folder / "expected-metadata.json").read_text("utf8"))
        shutil.copy(folder / "source.html", pages / f"{folder.name}.html")
        gold[folder.name] = meta
    pred = work / "meta.jsonl"
    run = rounds_of([BROADSHEET, "extract", str(pages), "--format", "jsonl"], rounds, pred)
    ours = {r["id"]: r for r in map(json.loads, pred.read_text().splitlines()) if r}
    script = (
        "import json,sys,pathlib,trafilatura\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.html')):\n"
        "    m=trafilatura.extract_metadata(p.read_text('utf8','replace'))\n"
        "    d=m.as_dict() if m else {}\n"
        "    print(json.dumps({'id':p.stem,'headline':d.get('title'),'byline':d.get('author'),"
        "'published_at':d.get('date')}))\n"
    )
    anchor = work / "meta-trafilatura.jsonl"
    rounds_of([sys.executable, "-c", script, str(pages)], 1, anchor)
    theirs = {r["id"]: r for r in map(json.loads, anchor.read_text().splitlines()) if r}

    def fields(pred: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """Per field: right on every page (an empty answer is right where the gold is empty),
        and right on the pages whose gold has a value."""
        checks = {
            "headline": (lambda g: _norm(g.get("title")), lambda p: _norm(p.get("headline"))),
            "byline": (
                lambda g: frozenset(_names(g.get("byline"))),
                lambda p: frozenset(_names(p.get("byline"))),
            ),
            "date": (
                lambda g: (g.get("publishedTime") or "")[:10],
                lambda p: (p.get("published_at") or "")[:10],
            ),
        }
        out: dict[str, Any] = {"pages": len(gold)}
        for name, (want_of, got_of) in checks.items():
            right = right_valued = valued = 0
            for key, meta in gold.items():
                want, got = want_of(meta), got_of(pred.get(key, {}))
                right += want == got
                if want:
                    valued += 1
                    right_valued += want == got
            out[name] = round(right / len(gold), 3)
            out[f"{name}_with_gold"] = round(right_valued / valued, 3) if valued else None
            out[f"{name}_gold_pages"] = valued
        return out

    return {"broadsheet": {**fields(ours), **run}, "trafilatura_metadata": fields(theirs)}


STEPS = {
    "html": step_html,
    "textdump": step_textdump,
    "quotes": step_quotes,
    "entities": step_entities,
    "metadata": step_metadata,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=sorted(STEPS))
    parser.add_argument("data", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        result = STEPS[args.step](args.data, args.rounds, Path(tmp))
    result = {
        "step": args.step,
        "data": str(args.data),
        "commit": commit,
        "load_avg": os.getloadavg(),
        **result,
    }
    text = json.dumps(result, indent=1, default=str)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
