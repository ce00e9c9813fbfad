"""Issue 13 on extraction: control characters (item 10)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broadsheet.extract import extract_document, extract_html
from broadsheet.models import Document

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
