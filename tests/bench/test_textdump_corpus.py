"""The text-dump training corpus builder: rendering HTML as a dump, and building from git.

The pages here are written for Broadsheet; the "repositories" are made in a temporary
folder with the layout of trafilatura's and htmldate's test folders.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from broadsheet.bench.textdump_corpus import build, render_text

STORY = (
    "The valley’s water board agreed on Wednesday to raise the reservoir wall by two metres, "
    "a project it has debated for a decade and now expects to finish before the spring floods.",
    "Engineers told the board that the extra height would hold back a flood of the size that "
    "swept through the lower town in 1987, when the river rose four metres in a single night.",
    "The work will cost about nine million, shared between the three towns on the river, and "
    "the board said that no household would pay more than forty a year towards it.",
)


def _page(title: str, story: tuple[str, ...] = STORY) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in story)
    menu = "".join(f"<li><a href='/{w}'>{w}</a></li>" for w in ("News", "Sport", "Weather"))
    pad = "<!-- " + "layout " * 300 + "-->"  # real pages are larger than the 2 kB minimum
    return f"""<!doctype html><html><head><title>{title}</title>
<style>.x {{ color: red }}</style><script>var tracking = "never shown";</script></head>
<body>{pad}<nav><ul>{menu}</ul></nav>
<div style="display: none">Hidden promotion text</div>
<article><h1>{title}</h1><p class="byline">By Ana Ruiz</p>{paragraphs}</article>
<table><tr><td>Rain</td><td>12 mm</td></tr></table>
<footer><a href="/a">About</a><a href="/b">Contact</a> Line one<br>Line two</footer>
</body></html>"""


def test_render_text_draws_a_page_as_a_dump() -> None:
    dump = render_text(_page("Reservoir Wall Will Rise Two Metres").encode())
    assert "\n\n" in dump  # blocks are apart by a blank line
    lines = [line for line in dump.split("\n") if line]
    assert "• News" in lines and "• Weather" in lines  # list items are bullets
    assert "Reservoir Wall Will Rise Two Metres" in lines
    assert all(p in lines for p in STORY)  # each paragraph is one line
    assert "Rain 12 mm" in lines  # a table row is one line
    assert "AboutContact Line one" in lines and "Line two" in lines  # inline runs together
    for hidden in ("never shown", "color: red", "Hidden promotion", "layout"):
        assert hidden not in dump
    assert render_text(b"") == ""


def _git_repo(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    env = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), *env, "commit", "-qm", "pages"], check=True)
    return root


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_build_labels_pages_and_skips_held_out_ids(tmp_path: Path) -> None:
    kept = _page("Reservoir Wall Will Rise Two Metres")
    held = _page("A Page Named Like A Held-Out Benchmark Id")
    evaldata = {
        "https://www.valley-news.example/reservoir": {
            "file": "valley-news.example.reservoir.html",
            "with": ["a flood of the size"],
            "without": ["Hidden promotion"],
        },
        "https://other.example/wrong": {
            "file": "other.example.wrong.html",
            "with": ["a sentence the page does not have"],
            "without": [],
        },
    }
    trafilatura = _git_repo(
        tmp_path / "trafilatura",
        {
            "tests/evaldata.json": json.dumps(evaldata),
            "tests/eval/valley-news.example.reservoir.html": kept,
            "tests/eval/other.example.wrong.html": _page("Another Page Entirely Here"),
            "tests/eval/" + "6" + "0" * 31 + ".html": held,  # held-out id: never read
            "tests/cache/copy-of-the-same-page.html": kept,  # same bytes: kept once
        },
    )
    htmldate = _git_repo(
        tmp_path / "htmldate",
        {
            "tests/eval_default.json": "{}",
            "tests/eval_mediacloud_2020.json": "{}",
            "tests/cache/blog.example.post.html": _page("Blog Post About The Wall"),
        },
    )
    out = tmp_path / "corpus"
    truth = build(trafilatura, htmldate, out)
    sites = sorted(v["site"] for v in truth.values())
    assert sites == ["blog.example", "valley-news.example"]
    for key, item in truth.items():
        assert item["articleBody"].startswith(STORY[0])
        dump = (out / "text" / f"{key}.txt").read_text(encoding="utf-8")
        assert STORY[2] in dump
    assert "Held-Out" not in "".join(
        p.read_text(encoding="utf-8") for p in (out / "text").glob("*.txt")
    )
    on_disk = json.loads((out / "ground-truth.json").read_text(encoding="utf-8"))
    assert on_disk == truth
