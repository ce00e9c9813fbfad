"""Time and memory of each hostile input of issue 13, for benchmarks/reliability.md.

Each case runs in its own child process (fresh memory, a wall-clock limit for the inputs
that never finish), which reports the CPU seconds of the parse and the growth of the peak
resident set over the process after its imports. Run it against any source tree, e.g.
before and after a change:

    PYTHONPATH=/path/to/tree/src .venv/bin/python benchmarks/hostile_inputs.py [--limit 60]

A case that raises prints the exception's type (RecursionError is the crash the issue
reports; FeedParseError, ExtractionError, SourceError and QuerySyntaxError are handled
outcomes).
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

MiB = 1024 * 1024
P = "The council approved a plan to rebuild the north pier after engineers surveyed it."
RSS = "<rss version='2.0'><channel><item><title>x</title></item></channel></rss>"
CONTROL_PARAS = f"<p>{P} \x01\x1b[31m</p>" * 4


def _feed(prefix: str, rest: str = RSS) -> Callable[[], object]:
    from broadsheet.sources import parse_feed

    body = (prefix + rest).encode()
    return lambda: parse_feed(body)


def _codings() -> Callable[[], object]:
    from broadsheet.fetch.decode import make_decoder

    body = b"<rss/>"
    for _ in range(1000):  # really coded 1,000 times, as the header says
        body = gzip.compress(body, compresslevel=1)

    def run() -> object:
        decoder = make_decoder(", ".join(["gzip"] * 1000))
        return b"".join([*decoder.feed(body), *decoder.flush()])

    return run


def _meta() -> Callable[[], object]:
    from broadsheet.extract import decode_html

    body = b"<meta " * (64 * 1024 // 6)
    return lambda: decode_html(body)


def _warc() -> Callable[[], object]:
    from broadsheet.sources import iter_documents

    record = b"WARC/1.0\r\nWARC-Type: response\r\nX-Long: " + b"a" * (48 * MiB) + b"\r\n\r\n"
    path = Path(tempfile.mkdtemp()) / "hostile.warc.gz"
    path.write_bytes(gzip.compress(record, compresslevel=9))
    return lambda: list(iter_documents(path, on_error=lambda where, error: None))


def _query(text: str) -> Callable[[], object]:
    from broadsheet.search import parse_query

    return lambda: parse_query(text)


def _page(body: str) -> Callable[[], object]:
    from broadsheet.extract import extract_html

    data = body.encode()
    return lambda: extract_html(data, url="https://bench.example/a")


def _dump(text: str) -> Callable[[], object]:
    from broadsheet.extract.textdump import extract_textdump

    return lambda: extract_textdump(text)


def _pattern(name: str) -> Callable[[], object]:
    from broadsheet.extract import textdump

    pattern = getattr(textdump, name)
    return lambda: pattern.match("[" + " " * 20_000 + "x")


def _byline_cut() -> Callable[[], object]:
    from broadsheet.extract.html import metadata

    return lambda: metadata._BYLINE_CUT.search(" " * 20_000 + "x")


CASES: dict[str, tuple[str, Callable[[], Callable[[], object]]]] = {
    "feed-24-comments": ("1", lambda: _feed("<!---->" * 24)),
    "feed-60-comments": ("1", lambda: _feed("<!---->" * 60)),
    "feed-doctype-20000-system-entities": (
        "1",
        lambda: _feed("<!DOCTYPE rss [" + "<!ENTITY a SYSTEM " * 20_000, rest=""),
    ),
    "gzip-1000-codings": ("2", _codings),
    "meta-64KB": ("6", _meta),
    "warc-48MB-header-line": ("7", _warc),
    "query-3000-parens": ("9", lambda: _query("(" * 3000 + "a" + ")" * 3000)),
    "query-3000-not": ("9", lambda: _query("NOT " * 3000 + "a")),
    "page-with-controls": (
        "10",
        lambda: _page("<html><body><article><h1>T\x1b</h1>" + CONTROL_PARAS + "</article>"),
    ),
    "regex-comments-marker-20000-spaces": ("audit", lambda: _pattern("_COMMENTS_MARKER")),
    "regex-byline-cut-20000-spaces": ("audit", _byline_cut),
    "page-100000-links": ("budget", lambda: _page("<p>" + "<a href=x>x</a>" * 100_000)),
    "dump-500000-short-lines": ("budget", lambda: _dump("a\n" * 500_000)),
}


def _rss_peak() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def child(name: str) -> None:
    call = CASES[name][1]()
    Path("/proc/self/clear_refs").write_text("5")
    before = _rss_peak()
    started = time.process_time()
    try:
        call()
        outcome = "ok"
    except BaseException as exc:  # reported, not raised: the crash is the figure
        outcome = type(exc).__name__
    seconds = time.process_time() - started
    growth = _rss_peak() - before
    print(json.dumps({"cpu": seconds, "growth": growth, "outcome": outcome}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=60.0, help="wall seconds per case")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    print("| input | issue item | CPU s | peak RSS growth | outcome |")
    print("|---|---|---|---|---|")
    for name, (item, _) in CASES.items():
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--child", name],
                capture_output=True,
                text=True,
                timeout=args.limit,
            )
            report = json.loads(done.stdout.strip().splitlines()[-1])
            cpu = f"{report['cpu']:.3f}"
            growth = f"{report['growth'] / MiB:.1f} MiB"
            outcome = report["outcome"]
        except subprocess.TimeoutExpired:
            cpu, growth, outcome = f"> {args.limit:g}", "–", "still running (killed)"
        print(f"| {name} | {item} | {cpu} | {growth} | {outcome} |", flush=True)


if __name__ == "__main__":
    main()
