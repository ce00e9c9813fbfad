"""News dumps from a fundus-shaped repository: pairing pages with parser output, and which
pages are kept.

The "repository" is made in a temporary folder with fundus's layout
(``tests/resources/parser/test_data/<country>/<Publisher>_<date>.html.gz`` beside
``<Publisher>.json``); its pages are written for Broadsheet (no third-party page is read or
committed).
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from broadsheet.bench.textdump_fundus import build_fundus, fundus_article, main
from tests.bench.test_textdump_corpus import (
    STORY,
    STORY_B,
    STORY_C,
    _git_repo,
    _page,
    base_corpus,
)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

ROOT = "tests/resources/parser/test_data"


def _body(paragraphs: tuple[str, ...], summary: tuple[str, ...] = ()) -> dict[str, object]:
    return {
        "summary": list(summary),
        "sections": [
            {"headline": [], "paragraphs": list(paragraphs[:-1])},
            {"headline": ["Who pays"], "paragraphs": list(paragraphs[-1:])},
        ],
    }


def _repo(root: Path) -> Path:
    wall = _page("Reservoir Wall Will Rise Two Metres").replace(
        "<title>", '<link rel="canonical" href="https://news.valley-post.example/wall"><title>'
    )
    wall = wall.replace("<p>The work", "<h2>Who pays</h2><p>The work").replace(
        '<p class="byline">', '<p class="lede">A decade of debate ends.</p><p class="byline">'
    )
    files = {
        # two pages of one publisher, each read by another parser version
        f"{ROOT}/uk/ValleyPost_2024_05_01.html.gz": wall,
        f"{ROOT}/uk/ValleyPost_2025_02_11.html.gz": _page("Library Opens On Sundays", STORY_B),
        f"{ROOT}/uk/ValleyPost.json": json.dumps(
            {
                "V1": {"title": "x", "body": _body(STORY, ("A decade of debate ends.",))},
                "V1_1": {"title": "y", "body": _body(STORY_B)},
            }
        ),
        # the parser's text is not on the page (a script draws the story)
        f"{ROOT}/de/Skript_2024_01_02.html.gz": _page("Laden", ("Bitte warten.",)),
        f"{ROOT}/de/Skript.json": json.dumps({"V1": {"body": _body(STORY_C)}}),
        # a page with no parser output beside it, and one whose output is too short
        f"{ROOT}/us/Orphan_2024_03_03.html.gz": _page("Ferry", STORY_C),
        f"{ROOT}/us/Brief_2024_03_03.html.gz": _page("Brief", ("Short item.",)),
        f"{ROOT}/us/Brief.json": json.dumps({"V1": {"body": _body(("Short item.",))}}),
        f"{ROOT}/us/meta.info": "{}",
    }
    raw = {k: v for k, v in files.items() if not k.endswith(".gz")}
    root = _git_repo(root, raw)
    for name, text in files.items():
        if name.endswith(".gz"):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(gzip.compress(text.encode(), mtime=0))
    env = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), *env, "commit", "-qm", "pages"], check=True)
    return root


def test_fundus_article_reads_summary_headlines_and_paragraphs() -> None:
    text = fundus_article(_body(STORY, ("A decade of debate ends.",)))
    assert text.split("\n") == ["A decade of debate ends.", *STORY[:2], "Who pays", STORY[2]]
    assert fundus_article(None) == "" and fundus_article({"sections": ["x", {}]}) == ""


def test_pages_pair_with_the_parser_version_they_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repo(tmp_path / "fundus")
    out = tmp_path / "out"
    truth = build_fundus(repo, out)
    by_pub = sorted((v["site"], v["articleBody"].split("\n")[-1]) for v in truth.values())
    # each page has the body of the version whose text it shows, not the other one
    assert by_pub == [("fd-valleypost", STORY_B[-1]), ("valley-post.example", STORY[-1])]
    wall = next(k for k, v in truth.items() if v["site"] == "valley-post.example")
    assert truth[wall]["url"] == "https://news.valley-post.example/wall"
    assert truth[wall]["source"] == "fd" and truth[wall]["publisher"] == "ValleyPost"
    assert truth[wall]["country"] == "uk"
    dump = (out / "text" / f"{wall}.txt").read_text(encoding="utf-8")
    assert all(p in dump.splitlines() for p in STORY) and "Who pays" in dump
    assert json.loads((out / "ground-truth.json").read_text(encoding="utf-8")) == truth
    said = capsys.readouterr().out
    for why in ("1 no parser output", "1 article not in the visible text", "1 short article"):
        assert why in said


def test_base_corpus_pages_are_left_out_and_copied_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repo(tmp_path / "fundus")
    base, _ = base_corpus(tmp_path, _page("Library Opens On Sundays", STORY_B))
    main(["fundus", str(repo), str(tmp_path / "both"), "--base", str(base)])
    truth = json.loads((tmp_path / "both" / "ground-truth.json").read_text(encoding="utf-8"))
    # the library page is the corpus page byte for byte: only the reservoir page is new
    assert sorted(v["source"] for v in truth.values()) == ["fd", "tr"]
    assert "2 pages (1 from fundus)" in capsys.readouterr().out
    main(["fundus", str(repo), str(tmp_path / "de"), "--countries", "de,at"])
    assert "0 pages (0 from fundus)" in capsys.readouterr().out  # the one German page: no story
    with pytest.raises(SystemExit):
        main(["fundus", str(repo)])
    with pytest.raises(SystemExit):
        main(["fundus", str(repo), str(tmp_path / "x"), "--countries"])
