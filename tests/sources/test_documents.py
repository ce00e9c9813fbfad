"""iter_documents / count_documents over files, folders and WARC archives; entry_document."""

from __future__ import annotations

import gzip
import random
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from broadsheet.models import FeedEntry
from broadsheet.sources import count_documents, entry_document, iter_documents

PAGE = (
    "<html><head><title>Dock strike ends</title></head>"
    "<body><p>Cranes move again.</p></body></html>"
)


def write_warc(
    path: Path, records: list[tuple[str, str, str, bytes, str]], *, gz: bool
) -> list[int]:
    """records: (record type, target URI, HTTP content type, body, HTTP status line).

    Returns the file offset where each record ends."""
    ends: list[int] = []
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=gz)
        for rec_type, uri, content_type, body, status in records:
            if rec_type == "response":
                headers = StatusAndHeaders(
                    status, [("Content-Type", content_type)], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    uri,
                    "response",
                    payload=BytesIO(body),
                    length=len(body),
                    http_headers=headers,
                    warc_headers_dict={"WARC-Date": "2026-11-20T08:00:00Z"},
                )
            else:
                record = writer.create_warc_record(
                    uri,
                    rec_type,
                    payload=BytesIO(body),
                    length=len(body),
                    warc_content_type=content_type,
                )
            writer.write_record(record)
            ends.append(stream.tell())
    return ends


RECORDS = [
    (
        "response",
        "https://news.example/a",
        "text/html; charset=windows-1251",
        "Привет".encode("cp1251"),
        "200 OK",
    ),
    ("response", "https://news.example/style.css", "text/css", b"body{}", "200 OK"),
    (
        "request",
        "https://news.example/a",
        "application/http; msgtype=request",
        b"GET /a HTTP/1.1\r\n\r\n",
        "",
    ),
    ("response", "https://news.example/missing", "text/html", b"<p>not found</p>", "404 Not Found"),
    (
        "response",
        "https://news.example/b",
        "application/xhtml+xml",
        b"<html><body>b</body></html>",
        "200 OK",
    ),
    ("metadata", "https://news.example/a", "application/warc-fields", b"via: x\r\n", ""),
]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "dump"
    (root / "b_sub" / "deeper").mkdir(parents=True)
    (root / "a.html").write_text(PAGE, encoding="utf-8")
    (root / "c.txt").write_text("Visible text of a page\nSecond line\n", encoding="utf-8")
    (root / "b_sub" / "page.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    (root / "b_sub" / "deeper" / "z.htm").write_bytes(b"<p>deep</p>")
    (root / "notes.md").write_text("# not a document")
    (root / "image.png").write_bytes(b"\x89PNG")
    write_warc(root / "crawl.warc.gz", RECORDS, gz=True)
    write_warc(root / "plain.warc", RECORDS[:1], gz=False)
    return root


def test_walk_is_sorted_recursive_and_typed(tree: Path) -> None:
    errors: list[tuple[str, Exception]] = []
    docs = list(iter_documents(tree, on_error=lambda p, e: errors.append((p, e))))
    assert errors == []
    assert [Path(d.uri).name if d.uri.startswith("/") else d.uri for d in docs] == [
        "a.html",
        "z.htm",
        "page.html.gz",
        "c.txt",
        "https://news.example/a",
        "https://news.example/b",
        "https://news.example/a",
    ]
    html_file, deep, gz_file, text, warc_a, warc_b, plain_a = docs
    assert deep.body == b"<p>deep</p>"
    assert html_file.media_type == "text/html" and html_file.body == PAGE.encode()
    assert gz_file.body == PAGE.encode()  # decompressed
    assert text.media_type == "text/plain"
    assert warc_a.media_type == "text/html"
    assert warc_a.charset == "windows-1251"
    assert warc_a.body.decode(warc_a.charset) == "Привет"
    assert warc_a.fetched_at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert warc_b.charset is None
    assert plain_a.uri == "https://news.example/a"
    assert all(d.fetched_at.tzinfo is not None for d in docs)


def test_count_documents(tree: Path) -> None:
    assert count_documents(tree) == 6  # 4 files + 2 WARCs counted once each
    assert count_documents(tree / "a.html") == 1
    assert count_documents(tree / "notes.md") == 0
    assert count_documents(tree / "nowhere") == 0


def test_single_file(tree: Path) -> None:
    docs = list(iter_documents(tree / "c.txt"))
    assert len(docs) == 1 and docs[0].body.startswith(b"Visible text")


def test_bad_files_are_reported_and_the_walk_goes_on(tree: Path) -> None:
    (tree / "b_sub" / "broken.html.gz").write_bytes(b"\x1f\x8b\x08\x00 definitely not gzip")
    big = random.Random(5).randbytes(30_000).hex().encode()
    records = [*RECORDS[:1], ("response", "https://news.example/big", "text/html", big, "200 OK")]
    for name, gz in (("cut.warc.gz", True), ("cut.warc", False)):
        ends = write_warc(tree / "b_sub" / name, records, gz=gz)
        data = (tree / "b_sub" / name).read_bytes()
        (tree / "b_sub" / name).write_bytes(data[: (ends[0] + ends[1]) // 2])  # mid-record 2
    (tree / "b_sub" / "junk.warc").write_bytes(b"this is not a WARC file at all\r\n\r\n")
    errors: list[tuple[str, Exception]] = []
    docs = list(iter_documents(tree, on_error=lambda p, e: errors.append((p, e))))
    reported = sorted(Path(p).name for p, _ in errors)
    assert reported == ["broken.html.gz", "cut.warc", "cut.warc.gz", "junk.warc"]
    assert all(p in str(e) for p, e in errors)
    assert [Path(d.uri).name for d in docs if d.uri.startswith("/")] == [
        "a.html",
        "z.htm",
        "page.html.gz",
        "c.txt",
    ]
    # the first record of each cut archive was whole and is kept
    assert sum(1 for d in docs if d.uri == "https://news.example/a") == 4
    assert not any(d.uri == "https://news.example/big" for d in docs)


def test_missing_path_is_reported(tmp_path: Path) -> None:
    errors: list[str] = []
    assert list(iter_documents(tmp_path / "nope", on_error=lambda p, e: errors.append(p))) == []
    assert errors == [str(tmp_path / "nope")]


def test_an_unsupported_file_named_directly_is_reported(tree: Path) -> None:
    errors: list[Exception] = []
    assert list(iter_documents(tree / "notes.md", on_error=lambda p, e: errors.append(e))) == []
    assert len(errors) == 1 and "not a supported document" in str(errors[0])


def test_errors_without_a_handler_are_logged(tree: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tree / "bad.html.gz").write_bytes(b"not gzip")
    docs = list(iter_documents(tree))
    assert len(docs) == 7
    assert "bad.html.gz" in caplog.text


# --------------------------------------------------------------------------- entry_document

LONG = "<p>" + " ".join(["The harbour reopened after a week of talks."] * 20) + "</p>"


def entry(**fields: object) -> FeedEntry:
    base: dict[str, object] = {
        "guid": "g-1",
        "link": "https://ledger.example/story",
        "title": "Cranes & ships <move>",
        "published_at": datetime(2026, 11, 27, tzinfo=UTC),
        "updated_at": None,
        "author": "Mara Quist",
        "summary": "Short.",
        "content_html": LONG,
    }
    base.update(fields)
    return FeedEntry(**base)  # type: ignore[arg-type]


def test_entry_with_full_text_becomes_a_document() -> None:
    seen = datetime(2026, 11, 29, 12, tzinfo=UTC)
    doc = entry_document(entry(), feed_url="https://ledger.example/rss", fetched_at=seen)
    assert doc is not None
    assert doc.uri == "https://ledger.example/story"
    assert doc.media_type == "text/html" and doc.charset == "utf-8"
    page = doc.body.decode("utf-8")
    assert "<title>Cranes &amp; ships &lt;move&gt;</title>" in page
    assert LONG in page
    assert (doc.title, doc.author, doc.guid) == ("Cranes & ships <move>", "Mara Quist", "g-1")
    assert doc.published_at == datetime(2026, 11, 27, tzinfo=UTC)
    assert doc.fetched_at == seen


@pytest.mark.parametrize(
    ("fields", "expected_uri"),
    [
        ({"content_html": None, "summary": LONG}, "https://ledger.example/story"),
        ({"link": None}, "https://ledger.example/rss#g-1"),
        ({"link": None, "guid": None}, "https://ledger.example/rss"),
    ],
)
def test_entry_document_fallbacks(fields: dict[str, object], expected_uri: str) -> None:
    doc = entry_document(
        entry(**fields), feed_url="https://ledger.example/rss", fetched_at=datetime.now(UTC)
    )
    assert doc is not None and doc.uri == expected_uri


@pytest.mark.parametrize(
    "fields",
    [
        {"content_html": None, "summary": None},
        {"content_html": "<p>Too short to stand in for the page.</p>", "summary": "Short."},
        {"content_html": "<p>" + "<b></b>" * 500 + "</p>", "summary": None},
    ],
)
def test_entries_without_full_text_give_none(fields: dict[str, object]) -> None:
    assert (
        entry_document(entry(**fields), feed_url="https://x.example/", fetched_at=datetime.now(UTC))
        is None
    )
