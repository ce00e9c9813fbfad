"""The text-dump training corpus builder: rendering HTML as a dump, and building from git.

The pages here are written for Broadsheet; the "repositories" are made in a temporary
folder with the layout of trafilatura's, htmldate's, postlight's parser's, newspaper's and
goose3's test folders (no third-party page is read or committed).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from broadsheet.bench.textdump_corpus import base_site, build, build_more, render_text

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


def test_base_site_is_the_registered_domain() -> None:
    assert base_site("uk.reuters.com") == "reuters.com"
    assert base_site("www.bbc.co.uk") == "bbc.co.uk"
    assert base_site("news.bbc.co.uk") == "bbc.co.uk"
    assert base_site("Money.CNN.com") == "cnn.com"
    assert base_site("valley.example") == "valley.example"
    # on shared blog hosts each blog is its own site
    assert base_site("someone.blogspot.com") == "someone.blogspot.com"
    assert base_site("someone.wordpress.com") == "someone.wordpress.com"


STORY_B = (
    "The county library will open on Sundays from next month, after the council found the "
    "money to pay two more librarians for a year and the friends of the library raised the rest.",
    "Readers had asked for Sunday hours for years, the head librarian said, and students most "
    "of all, because the reading room is the only quiet place in town with long opening hours.",
)
STORY_C = (
    "A ferry that ran aground in fog on Friday was pulled free by two tugs at high tide on "
    "Saturday morning, and none of the forty passengers on board was hurt, the harbour said.",
    "The harbour master said the channel markers were in place and that the crew had slowed "
    "down in the fog; an inquiry will look at the ship's radar, which had been repaired in May.",
)


def base_corpus(
    tmp_path: Path, page: str, url: str | None = None
) -> tuple[Path, dict[str, dict[str, str]]]:
    """A corpus of one trafilatura test page, built by :func:`build` in ``tmp_path/corpus``."""
    trafilatura = _git_repo(
        tmp_path / "trafilatura",
        {
            "tests/evaldata.json": json.dumps({url: {"file": "page.html"}} if url else {}),
            "tests/eval/page.html": page,
        },
    )
    htmldate = _git_repo(
        tmp_path / "htmldate",
        {"tests/eval_default.json": "{}", "tests/eval_mediacloud_2020.json": "{}"},
    )
    base = tmp_path / "corpus"
    old = build(trafilatura, htmldate, base)
    assert len(old) == 1
    return base, old


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_build_more_adds_pages_of_three_more_repositories(tmp_path: Path) -> None:
    wall = _page("Reservoir Wall Will Rise Two Metres")
    library = _page("County Library Will Open On Sundays", STORY_B)
    ferry = _page("Ferry Pulled Free After Running Aground", STORY_C)
    canonical = ferry.replace(
        "<title>", '<link href="https://harbour-news.example/ferry" rel="canonical"><title>'
    )
    # the old corpus: one page (the reservoir story), built the old way
    base, old = base_corpus(tmp_path, wall, "https://valley-news.example/wall")
    postlight = _git_repo(
        tmp_path / "parser",
        {
            "fixtures/www.county-library.example.html": library,
            "fixtures/news.valley-news.example.html": wall,  # already in the corpus: same bytes
            "fixtures/" + "a" * 32 + ".html": _page("Held Out By Its Name"),  # never read
        },
    )
    newspaper = _git_repo(
        tmp_path / "newspaper",
        {
            "tests/data/fulltext_url_list.txt": "http://a.example.com/x\n"
            "http://uk.harbour.example.com/ferry-aground\n",
            "tests/data/html/example.com2.html": ferry,  # second example.com line
            "tests/data/html/library-copy.html": library,  # same bytes as postlight's page
        },
    )
    goose3 = _git_repo(
        tmp_path / "goose3",
        {
            "tests/data/content/test_ferry.html": canonical,  # the ferry story again
            "tests/data/content/test_ferry.json": json.dumps(
                {"url": "http://example.com/test_ferry.html"}
            ),
            "tests/data/content/test_hours.html": _page("Sunday Hours", STORY_B[::-1]).replace(
                "<title>",
                '<meta property="og:url" content="https://www.town-paper.example/"><title>',
            ),
            "tests/data/content/test_hours.json": json.dumps({"url": "http://example.com/x"}),
        },
    )
    out = tmp_path / "corpus2"
    truth = build_more(out, postlight=postlight, newspaper=newspaper, goose3=goose3, base=base)
    new = {k: v for k, v in truth.items() if k not in old}
    assert sorted((v["source"], v["site"]) for v in new.values()) == [
        ("g3", "town-paper.example"),  # a placeholder address: the page's og:url instead
        ("np", "example.com"),  # uk.harbour.example.com: its registered domain
        ("pl", "county-library.example"),  # the fixture's name is the host
    ]
    by_source = {v["source"]: v for v in new.values()}
    assert by_source["np"]["url"] == "http://uk.harbour.example.com/ferry-aground"
    assert by_source["np"]["articleBody"].startswith(STORY_C[0])
    assert by_source["pl"]["articleBody"].startswith(STORY_B[0])
    # the old corpus is copied in, unchanged
    for key, item in old.items():
        assert truth[key] == item
        text = (base / "text" / f"{key}.txt").read_text(encoding="utf-8")
        assert (out / "text" / f"{key}.txt").read_text(encoding="utf-8") == text
    assert json.loads((out / "ground-truth.json").read_text(encoding="utf-8")) == truth
    assert "Held Out" not in "".join(
        p.read_text(encoding="utf-8") for p in (out / "text").glob("*.txt")
    )
    # without a base: only the new pages; the goose3 copy of the ferry story (other bytes,
    # its address from the canonical link) is left out as the same labelled text
    alone = build_more(tmp_path / "alone", postlight=postlight, newspaper=newspaper, goose3=goose3)
    assert sorted(v["site"] for v in alone.values()) == [
        "county-library.example",
        "example.com",
        "town-paper.example",
        "valley-news.example",
    ]
