"""Issue 13, items 5 and 10: control characters from outside never reach the terminal.

A text dump, an HTML page and a JSON Feed served on loopback carry headlines such as
``"\\x1b]0;pwned\\x07"`` (which sets a terminal's window title) and other C0/C1 controls. They
are ingested with the real CLI in a subprocess; then ``top``, ``read``, ``search`` and their
JSON forms must print no ESC and no other control character but newline and tab.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .helpers import Publisher, run_cli, story, write_config

PWNED = "\x1b]0;pwned\x07"
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _dump() -> str:
    headline, paragraphs = story(3)
    lines = ["Home", "Local", f"{headline}{PWNED}", "By Staff Reporter\x1b[2J", "5 March 2026"]
    lines += [f"{p}\x1b[31m\x85" for p in paragraphs]
    return "\n".join([*lines, "Share this story"]) + "\n"


def _page() -> str:
    headline, paragraphs = story(4)
    body = "".join(f"<p>{p} \x01\x1b[1m bold\x1b[0m</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{headline}{PWNED}</title>"
        f"</head><body><article><h1>{headline}\x1b</h1>{body}</article></body></html>"
    )


def _json_feed(base: str) -> bytes:
    items = []
    for n in (5, 6):
        headline, paragraphs = story(n)
        items.append(
            {
                "id": f"ctl-{n}",
                "url": f"{base}/story/{n}",
                "title": f"{headline}{PWNED}",
                "content_text": "\n\n".join(f"{p}\x1b[0m\x9b" for p in paragraphs),
                "authors": [{"name": f"Reporter{PWNED}"}],
            }
        )
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"Wire{PWNED}",
        "items": items,
    }
    return json.dumps(feed).encode()


def _out(home: Path, config: Path, *args: str) -> str:
    done = run_cli(home, config, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_issue13_5_no_control_character_reaches_the_terminal(
    home: Path, tmp_path: Path, publisher: Publisher
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "dump.txt").write_text(_dump(), "utf-8")
    (folder / "page.html").write_text(_page(), "utf-8")  # issue 13, item 10: kept, not lost
    publisher.static("/feed.json", _json_feed(publisher.base), "application/feed+json")
    config = write_config(home, fetch_articles=False)
    ingested = _out(home, config, "ingest", str(folder), f"{publisher.base}/feed.json")
    assert "failed" not in ingested, ingested
    listed = _out(home, config, "search", "*", "--format", "jsonl")
    rows = [json.loads(line) for line in listed.splitlines()]
    assert len(rows) == 4  # the dump, the page and both feed entries
    assert sum("]0;pwned" in (row["headline"] or "") for row in rows) == 3  # text kept
    outputs = {"search jsonl": listed}
    outputs["top"] = _out(home, config, "top")
    outputs["search"] = _out(home, config, "search", "pwned")
    for row in rows:
        outputs[f"read {row['id']}"] = _out(home, config, "read", str(row["id"]))
        outputs[f"read {row['id']} json"] = _out(
            home, config, "read", str(row["id"]), "--format", "json"
        )
    for command, text in outputs.items():
        assert "\x1b" not in text, command
        found = CONTROLS.search(text)
        assert found is None, f"{command}: control character {found.group()!r} printed"
