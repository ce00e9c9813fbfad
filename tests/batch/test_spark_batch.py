"""`broadsheet batch` over a WARC file the project writes: the same articles and annotations
as `broadsheet ingest` of the same file, Parquet tables, and loading that never doubles."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from broadsheet.config import load_settings
from broadsheet.store import open_store
from tests.reliability.helpers import cli_env, page

STORIES = range(300, 310)


def _write_warc(path: Path) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)

        def response(url: str, body: bytes, content_type: str) -> None:
            http = StatusAndHeaders(
                "200 OK",
                [("Content-Type", content_type), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": "2026-03-05T10:00:00Z"},
            )
            writer.write_record(record)

        for n in STORIES:
            response(f"https://gazette.example/story/{n}.html", page(n), "text/html; charset=utf-8")
        response("https://gazette.example/logo.png", b"\x89PNG\r\n", "image/png")
        response("https://gazette.example/empty.html", b"<html><body></body></html>", "text/html")


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "broadsheet.cli", "--home", str(home), *args],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode in (0, 8), done.stderr[-3000:]  # 8: the empty page is reported
    return done


def _archive(home: Path) -> dict[str, tuple[object, ...]]:
    settings = load_settings(None, {"home": home})
    store = open_store(settings.database)
    try:
        out = {}
        for art in store.iter_articles():
            ann = store.get_annotations(art.id)
            out[art.url or ""] = (
                art.headline,
                art.byline,
                art.published_at,
                art.first_seen_at,
                art.body,
                art.sections,
                ann,
            )
        assert store.integrity_check() == []
        return out
    finally:
        store.close()


def test_batch_reads_a_warc_as_ingest_does(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    warc = crawl / "a.warc.gz"
    _write_warc(warc)
    # a damaged archive beside it is reported, and the job goes on
    (crawl / "b.warc.gz").write_bytes(b"\x1f\x8b\x08\x00garbage that is not a WARC")
    ingested = tmp_path / "ingested"
    _cli(ingested, "ingest", str(warc))

    batched = tmp_path / "batched"
    tables = tmp_path / "tables"
    store = batched / "broadsheet.db"
    done = _cli(
        batched,
        "batch",
        str(crawl),
        "--out",
        str(tables),
        "--spark",
        "local[2]",
        "--partitions",
        "3",
        "--store",
        str(store),
    )
    assert "11 records read, 10 articles" in done.stdout, done.stdout
    assert "b.warc.gz" in done.stderr

    expected, got = _archive(ingested), _archive(batched)
    assert len(expected) == len(STORIES)
    assert got.keys() == expected.keys()
    for url, row in expected.items():
        assert got[url] == row, url
        assert row[-1].entities and row[-1].quotes  # annotated, and the same annotations

    articles = ds.dataset(tables / "articles", format="parquet").to_table()
    assert articles.num_rows == 11  # ten stories and the page with no article (with its error)
    assert sum(1 for e in articles.column("error").to_pylist() if e) == 1
    keys = set(articles.column("key").to_pylist())
    for table in ("entities", "quotes", "facts", "tickers"):
        rows = ds.dataset(tables / table, format="parquet").to_table()
        assert set(rows.column("key").to_pylist()) <= keys
    quotes = ds.dataset(tables / "quotes", format="parquet").to_table().to_pylist()
    assert quotes and all(q["content_start"] < q["content_end"] for q in quotes)

    # loading the same tables again stores nothing twice
    again = _cli(batched, "batch", str(warc), "--out", str(tables), "--store", str(store))
    assert "10 unchanged" in again.stdout, again.stdout
    assert _archive(batched) == got


@pytest.mark.parametrize("missing", ["nowhere.warc.gz"])
def test_a_missing_archive_is_a_usage_error(tmp_path: Path, missing: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "broadsheet.cli",
            "--home",
            str(tmp_path),
            "batch",
            str(tmp_path / missing),
            "--out",
            str(tmp_path / "t"),
        ],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "does not exist" in done.stderr
