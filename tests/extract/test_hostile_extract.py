"""Issue 13 on extraction: control characters (item 10) and charset sniffing (item 6)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broadsheet.extract import decode_html, extract_document, extract_html
from broadsheet.models import Document

from ..hang_guard import CPU_BOUND, cpu_seconds

PARAGRAPH = (
    "Copper prices rose sharply on Tuesday as traders bet on stronger demand from China and "
    "lower stocks in the warehouses of the London Metal Exchange, analysts said."
)
NOW = datetime(2026, 3, 5, tzinfo=UTC)


@pytest.mark.parametrize("control", ["\x01", "\x1b", "\x1b[31m", "\x08\x7f", "\x85\x9b"])
def test_issue13_10_a_page_with_control_characters_keeps_its_article(control: str) -> None:
    paragraphs = "".join(f"<p>{PARAGRAPH.replace('Tuesday', 'Tuesday' + control)}</p>" * 4)
    page = (
        f"<html><head><title>Copper {control}rally</title></head><body><article>"
        f"<h1>Copper {control}rally</h1>{paragraphs}</article></body></html>"
    )
    article = extract_html(page.encode())
    assert article.headline == "Copper rally" or article.headline == "Copper [31mrally"
    assert "Copper prices rose sharply on Tuesday" in article.body
    assert "\x1b" not in article.body and "\x01" not in article.body


def test_issue13_5_text_dumps_and_feed_hints_lose_control_characters() -> None:
    dump = "\n".join(
        ["Home", "Copper rally\x1b]0;pwned\x07", "By Ann Lee\x1b[2J", *[PARAGRAPH] * 4, "Share"]
    )
    doc = Document(
        uri="https://wire.example/copper",
        body=dump.encode(),
        media_type="text/plain",
        fetched_at=NOW,
        title="Hint\x1b]0;x\x07",
        author="Hint\x07",
    )
    article = extract_document(doc)
    fields = [article.headline, article.byline, article.body, *article.sections]
    assert all("\x1b" not in (f or "") and "\x07" not in (f or "") for f in fields)


@pytest.mark.parametrize(
    "head",
    [
        b"<meta " * (64 * 1024 // 6),  # 64 KB of '<meta ': 3.3 s, quadratic
        b"<meta charset" * 5000,
        b"<meta charset= " * 5000,
        b"<meta charset='" * 5000,
        b"<meta" + b" " * 64 * 1024,
    ],
    ids=["meta", "meta-charset", "meta-charset-eq", "meta-charset-quote", "meta-spaces"],
)
def test_issue13_6_meta_charset_sniffing_is_linear(head: bytes) -> None:
    text, cpu = cpu_seconds(lambda: decode_html(head + b"<p>caf\xc3\xa9</p>"))
    assert text.endswith("<p>café</p>")
    assert cpu < CPU_BOUND  # was 3.3 s for the first: every '<meta' re-scanned the rest


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (b"<meta charset='koi8-r'><p>\xf0\xd2\xc9\xd7\xc5\xd4</p>", "Привет"),
        (
            b'<meta http-equiv="content-type" content="text/html; charset=windows-1251">'
            b"<p>\xcf\xf0\xe8\xe2\xe5\xf2</p>",
            "Привет",
        ),
        (b"<meta <meta charset=koi8-r><p>\xf0\xd2\xc9\xd7\xc5\xd4</p>", "Привет"),
        (b'<meta name=x><meta charset="cp1252"><p>caf\xe9</p>', "café"),
        (
            b"<html><head>" + b"<script>x</script>" * 2000 + b"<meta charset=koi8-r></head>"
            b"<p>\xf0\xd2\xc9\xd7\xc5\xd4</p>",
            "Привет",
        ),
    ],
    ids=["charset", "http-equiv", "nested-meta", "second-meta", "late-meta"],
)
def test_issue13_6_meta_charset_still_found(page: bytes, expected: str) -> None:
    assert expected in decode_html(page)
