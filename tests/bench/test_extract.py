"""run_extract_bench on a small folder of hand-written pages (HTML and text dumps)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from broadsheet.bench.extract import load_pages, run_extract_bench
from broadsheet.errors import ExtractionError
from tests.extract.conftest import (
    FERRY_LIST,
    FERRY_PARAGRAPHS,
    FERRY_QUOTE,
    MARKET_PARAGRAPHS,
    ferry_page,
    market_page_cp1252,
)


def ferry_gold() -> str:
    p = FERRY_PARAGRAPHS
    parts = [*p[:3], "Funding the fleet", p[3], p[4], FERRY_QUOTE, p[5], *FERRY_LIST, p[6]]
    parts += ["What riders say", p[7], p[8]]
    return "\n\n".join(parts)


@pytest.fixture
def html_folder(tmp_path: Path) -> Path:
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "ferry.html.gz").write_bytes(gzip.compress(ferry_page().encode()))
    (tmp_path / "html" / "market.html").write_bytes(market_page_cp1252())
    gold = {
        "ferry": {"articleBody": ferry_gold()},
        "market": {"articleBody": "\n\n".join(MARKET_PARAGRAPHS)},
    }
    (tmp_path / "ground-truth.json").write_text(json.dumps(gold), "utf-8")
    return tmp_path


def test_html_bench(html_folder: Path) -> None:
    report = run_extract_bench(html_folder, None, rounds=1, with_precision=True)
    assert (report.kind, report.pages, report.scored_pages) == ("html", 2, 2)
    names = [r.name for r in report.results]
    assert names == ["broadsheet", "trafilatura-fast", "trafilatura-precision", "all-text"]
    ours = report.result("broadsheet")
    assert ours.f1 is not None and ours.f1 > 0.97
    assert ours.errors == 0 and ours.pages_per_s > 0
    allt = report.result("all-text")
    assert allt.precision is not None and ours.precision is not None
    assert ours.precision > allt.precision  # the boilerplate is really in the pages
    data = json.loads(report.to_json())
    assert data["results"][0]["name"] == "broadsheet"
    assert data["speedup_vs_trafilatura_fast"] == pytest.approx(report.speedup(), abs=1e-3)


def test_bench_without_ground_truth_times_only(html_folder: Path) -> None:
    (html_folder / "ground-truth.json").unlink()
    report = run_extract_bench(html_folder, None, rounds=1, with_all_text=False)
    assert [r.f1 for r in report.results] == [None, None]
    assert report.scored_pages == 0


def test_text_dump_bench(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    lines = ["Home", "Markets", "Sign in", "", "Cider Maker’s Shares Slide", "By Priya Natarajan"]
    lines += [*MARKET_PARAGRAPHS, "", "Contact us", "Privacy policy"]
    (tmp_path / "text" / "market.txt").write_text("\n".join(lines), "utf-8")
    gold = {"market": {"articleBody": "\n\n".join(MARKET_PARAGRAPHS)}}
    (tmp_path / "ground-truth.json").write_text(json.dumps(gold), "utf-8")
    report = run_extract_bench(tmp_path, tmp_path / "ground-truth.json", rounds=1)
    assert report.kind == "text" and report.pages == 1
    assert [r.name for r in report.results] == ["broadsheet", "trafilatura-fast", "all-text"]
    ours = report.result("broadsheet")
    assert ours.recall is not None and ours.recall > 0.9


def test_load_pages_ids(html_folder: Path) -> None:
    kind, pages = load_pages(html_folder)
    assert kind == "html" and sorted(pages) == ["ferry", "market"]
    assert pages["ferry"].startswith(b"<!DOCTYPE html>")  # gunzipped


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError):
        run_extract_bench(tmp_path, None, rounds=1)
