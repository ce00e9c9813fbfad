"""Human-labelled dumps from a WCXB-shaped repository: which pages are kept, and why not.

The "repository" is made in a temporary folder with WCXB's layout (``metadata.json``,
``<split>/ground-truth/<id>.json``, ``<split>/html/<id>.html.gz``); its pages are written
for Broadsheet (no third-party page is read or committed).
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from broadsheet.bench.textdump_wcxb import build_wcxb, half_of, main
from tests.bench.test_textdump_corpus import STORY, _page

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

OTHER = (
    "The harbour authority opened its new ferry terminal on Monday after three years of work, "
    "and the first boat left for the islands at seven with every seat taken.",
    "Passengers said the covered walkway was the biggest change, since the old pier left them "
    "standing in the rain while cars were loaded ahead of them.",
)


def _repo(root: Path) -> Path:
    story_page = _page("Reservoir Wall Will Rise Two Metres")
    pages = {
        # id: (split, page type, url, html, reference text)
        "0001": (
            "dev",
            "article",
            "https://www.valley-news.example/wall",
            story_page,
            "\n\n".join(STORY),
        ),
        "0002": ("dev", "product", "https://shop.example/kettle", story_page, "\n\n".join(STORY)),
        "0003": ("dev", "article", "https://short.example/a", story_page, "Too short a reference."),
        "0004": (  # the story is drawn by a script: not in the visible text
            "dev",
            "article",
            "https://app.example/story",
            _page("Loading", ("Please wait while the story loads.",)),
            "\n\n".join(OTHER),
        ),
        "0005": (
            "test",
            "article",
            "https://www.valley-news.example/wall",
            story_page,
            "\n\n".join(STORY),
        ),
        "0006": (
            "test",
            "article",
            "https://harbour.example/ferry",
            _page("Ferry Terminal Opens", OTHER),
            "\n\n".join(OTHER),
        ),
    }
    meta = {"files": {}}
    for fid, (split, kind, url, html, text) in pages.items():
        meta["files"][fid] = {"split": split, "page_type": kind, "domain": url.split("/")[2]}
        gt = {"url": url, "file_id": fid, "ground_truth": {"main_content": text, "title": None}}
        (root / split / "ground-truth").mkdir(parents=True, exist_ok=True)
        (root / split / "html").mkdir(parents=True, exist_ok=True)
        (root / split / "ground-truth" / f"{fid}.json").write_text(json.dumps(gt), encoding="utf-8")
        (root / split / "html" / f"{fid}.html.gz").write_bytes(
            gzip.compress(html.encode(), mtime=0)
        )
    (root / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    env = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), *env, "commit", "-qm", "pages"], check=True)
    return root / ".git"


def test_dev_split_keeps_readable_articles_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repo(tmp_path / "wcxb")
    out = tmp_path / "out"
    truth = build_wcxb(repo, out)
    assert list(truth) == ["wx_0001"]  # 0002 is a product page, 0003 too short, 0004 script-drawn
    item = truth["wx_0001"]
    assert item["site"] == "valley-news.example" and item["source"] == "wx"
    assert item["articleBody"] == "\n\n".join(STORY)
    dump = (out / "text" / "wx_0001.txt").read_text(encoding="utf-8")
    assert all(p in dump.splitlines() for p in STORY)
    assert json.loads((out / "ground-truth.json").read_text(encoding="utf-8")) == truth
    said = capsys.readouterr().out
    assert "1 short reference" in said and "1 story not in the visible text" in said


def test_test_split_leaves_out_copies_of_development_pages(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "wcxb")
    truth = build_wcxb(repo, tmp_path / "out", split="test")
    assert list(truth) == ["wx_0006"]  # 0005 is byte for byte the development page 0001


def test_halves_split_sites_and_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repo(tmp_path / "wcxb")
    site = "valley-news.example"
    other = "A" if half_of(site) == "B" else "B"
    assert build_wcxb(repo, tmp_path / "same", half=half_of(site))
    assert build_wcxb(repo, tmp_path / "other", half=other) == {}
    main(["wcxb", str(repo), str(tmp_path / "cli"), "--types", "article,product"])
    assert "2 pages from 2 sites" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["wcxb", str(repo), str(tmp_path / "cli"), "--half", "C"])
