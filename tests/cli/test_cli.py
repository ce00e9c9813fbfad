"""The command line, driven as a user drives it, against a real archive in a temp home."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadsheet.cli import cli
from broadsheet.cli.exit_codes import ExitCode

STORIES = {
    "lumen-results": (
        "Lumen Foods Profit Beats Forecasts",
        "2011-10-18T21:00:00+00:00",
        [
            "Lumen Foods said on Tuesday that quarterly profit rose 14 percent to $310 million, "
            "beating analysts' forecasts as sales of frozen meals grew in Canada.",
            "“Our customers keep coming back to the brands they trust,” said Odile Ferrand, "
            "the chief executive of Lumen Foods, on a call with analysts.",
            "Shares of Apple and Microsoft were little changed in late trading, according to "
            "exchange data, while Lumen's stock rose 6 percent. Apple has gained 9 percent "
            "this month.",
        ],
    ),
    "port-strike": (
        "Dockworkers Strike Halts Port of Calder",
        "2011-10-20T09:30:00+00:00",
        [
            "Dockworkers at the Port of Calder walked off the job on Thursday, halting container "
            "traffic at the region's busiest harbour for the first time since 1998.",
            "The union said that talks with terminal operators had broken down over pay, and "
            "that the strike would last at least three days.",
            "Ravi Castellano, an economist at the Calder Institute, said the stoppage could cost "
            "the local economy about $40 million a day.",
        ],
    ),
}


def _page(headline: str, when: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{headline} - The Test Gazette</title>"
        f"<meta property='article:published_time' content='{when}'></head><body>"
        "<header><nav><a href='/'>Home</a><a href='/biz'>Business</a></nav></header>"
        f"<article><h1>{headline}</h1><p class='byline'>By Lena Fischer</p>{body}</article>"
        "<footer><p>© The Test Gazette</p><a href='/privacy'>Privacy</a></footer></body></html>"
    )


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    for slug, (headline, when, paras) in STORIES.items():
        (folder / f"{slug}.html").write_text(_page(headline, when, paras), "utf-8")
    return folder


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def run(home: Path, *args: str, code: int = 0, stderr: bool = False) -> str:
    """Run a command; returns what it printed on stdout (and stderr too, when asked)."""
    result = CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output if stderr else result.stdout


def test_extract_follows_the_measurement_contract(pages: Path, home: Path) -> None:
    out = run(home, "extract", str(pages), "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ["lumen-results", "port-strike"]
    for row in rows:
        assert set(row) >= {
            "id",
            "headline",
            "byline",
            "published_at",
            "images",
            "sections",
            "articleBody",
        }
        headline, when, paras = STORIES[row["id"]]
        assert row["headline"] == headline
        assert row["published_at"].startswith(when[:10])
        assert row["articleBody"].split("\n\n") == paras
        assert "Privacy" not in row["articleBody"]


def test_analyze_plain_offsets_index_the_file(tmp_path: Path, home: Path) -> None:
    text_file = tmp_path / "note.txt"
    text = "\n\n".join(STORIES["lumen-results"][2])
    text_file.write_text(text, "utf-8")
    out = run(home, "analyze", str(text_file), "--plain", "--format", "jsonl")
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert row["articleBody"] == text
    people = {e["name"] for e in row["entities"] if e["type"] == "PERSON"}
    assert "Odile Ferrand" in people
    for e in row["entities"]:
        assert text[e["start"] : e["end"]].strip()
    (quote,) = [q for q in row["quotes"] if q["kind"] == "direct"]
    assert quote["speaker"] == "Odile Ferrand"
    assert text[quote["content"][0] : quote["content"][1]].startswith(("“Our customers", "Our"))
    assert any(f["unit"] in ("%", "percent") and f["value"] == 14 for f in row["facts"])


def test_ingest_search_read_export(pages: Path, home: Path, tmp_path: Path) -> None:
    out = run(home, "ingest", str(pages))
    assert "2 new" in out
    out = run(home, "ingest", str(pages))
    assert "2 unchanged" in out and "new" not in out.replace("unchanged", "")

    out = run(home, "search", "dockworkers", "--format", "jsonl")
    (hit,) = [json.loads(line) for line in out.splitlines()]
    assert hit["headline"] == "Dockworkers Strike Halts Port of Calder"
    assert "dockworkers" in hit["snippet"].lower()
    assert "Dockworkers Strike" in run(home, "search", 'headline:"strike halts"')
    assert "no stories match" in run(home, "search", "dockworkers AND lumen")
    out = run(home, "search", 'by:"Odile Ferrand"', "--format", "jsonl")
    assert [json.loads(x)["headline"] for x in out.splitlines()] == [
        "Lumen Foods Profit Beats Forecasts"
    ]

    article_id = str(hit["id"])
    shown = run(home, "read", article_id)
    assert "Calder Institute" in shown and "Ravi Castellano" in shown
    record = json.loads(run(home, "read", article_id, "--format", "json"))
    assert record["headline"] == hit["headline"] and record["body"].startswith("Dockworkers")

    lumen = json.loads(run(home, "search", "lumen", "--format", "jsonl").splitlines()[0])
    shown = run(home, "read", str(lumen["id"]))
    # each quote with the sentence that names who said it
    assert "said Odile Ferrand, the chief executive of Lumen Foods" in " ".join(shown.split())
    # a company named twice is one ticker, with its mentions counted
    assert shown.count("AAPL (") == 1 and "AAPL (Apple Inc., relevance" in shown
    assert "2 mentions" in shown
    record = json.loads(run(home, "read", str(lumen["id"]), "--format", "json"))
    (said,) = [q for q in record["quotes"] if q["speaker"] == "Odile Ferrand"]
    assert said["text"].startswith("“Our customers") and "said Odile Ferrand" in said["sentence"]

    # quotes by:NAME shows that speaker's quotes only; the other quotes of the story do not
    everyone = run(home, "quotes", "lumen")
    assert "Odile Ferrand" in everyone and "quarterly profit" in everyone
    mine = run(home, "quotes", "by:Ferrand")
    assert "Our customers keep coming back" in mine and "quarterly profit" not in mine

    # TOP on an 80-column screen: whole headlines, the source under each
    top = run(home, "top")
    assert "Lumen Foods Profit Beats Forecasts" in top and "Dockworkers Strike Halts Port" in top
    assert top.index("Dockworkers") < top.index("Lumen Foods Profit")  # newest first

    profile = run(home, "people", "Odile Ferrand")
    assert "Lumen Foods" in profile and "Our customers keep coming back" in profile
    assert "Odile Ferrand" in run(home, "people", "ferrand")  # a surname finds the person
    assert "no one called" in run(
        home, "people", "Nobody Atall", code=ExitCode.NOT_FOUND, stderr=True
    )

    lines = run(home, "export", "*", "--format", "jsonl").splitlines()
    assert len(lines) == 2
    csv_text = run(home, "export", "strike OR profit", "--format", "csv")
    assert csv_text.splitlines()[0].startswith("id,") and len(csv_text.splitlines()) >= 3
    parquet = tmp_path / "out.parquet"
    run(home, "export", "*", "--format", "parquet", "--out", str(parquet))
    import pandas as pd

    frame = pd.read_parquet(parquet)
    assert sorted(frame["headline"]) == sorted(h for h, _, _ in STORIES.values())


def test_errors_have_clear_messages_and_named_exit_codes(pages: Path, home: Path) -> None:
    run(home, "--no-enrich", "ingest", str(pages))
    out = run(home, "search", '(strike AND "port', code=ExitCode.BAD_QUERY, stderr=True)
    assert "position" in out
    run(home, "read", "12345", code=ExitCode.NOT_FOUND)
    run(home, "ingest", str(pages / "missing.html"), code=ExitCode.PARTIAL)
    out = run(home, "add", "http://127.0.0.1:9/feed.xml", code=ExitCode.FETCH_FAILED, stderr=True)
    assert "127.0.0.1" in out


def test_opml_round_trip(tmp_path: Path, home: Path) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        '<outline text="Economy"><outline type="rss" text="Alpha" xmlUrl="https://a.example/rss"/>'
        '<outline type="rss" text="Beta" xmlUrl="https://b.example/atom"/></outline>'
        "</body></opml>",
        "utf-8",
    )
    assert "2 feeds added" in run(home, "import-opml", str(opml))
    assert "0 feeds added, 2 already" in run(home, "import-opml", str(opml))
    listing = run(home, "sources", "list", "--format", "jsonl")
    urls = sorted(json.loads(x)["url"] for x in listing.splitlines())
    assert urls == ["https://a.example/rss", "https://b.example/atom"]
    exported = run(home, "export-opml")
    assert "https://a.example/rss" in exported and "https://b.example/atom" in exported
    first_id = json.loads(listing.splitlines()[0])["id"]
    assert "paused" in run(home, "sources", "pause", str(first_id))
    assert "removed" in run(home, "sources", "remove", str(first_id))
    assert len(run(home, "sources", "list", "--format", "jsonl").splitlines()) == 1


def test_prices_chart_and_company(home: Path, tmp_path: Path) -> None:
    out = run(
        home, "prices", "AAPL", "--from", "2008-09-29", "--to", "2008-09-30", "--format", "csv"
    )
    lines = out.strip().splitlines()
    assert lines[0] == "date,open,high,low,close,volume,adj_close"
    assert [line.split(",")[0] for line in lines[1:]] == ["2008-09-29", "2008-09-30"]
    png = tmp_path / "aapl.png"
    run(home, "chart", "AAPL", "--out", str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Apple" in run(home, "company", "apple")
    run(home, "prices", "NOSUCHTICKER", code=ExitCode.NOT_FOUND)
