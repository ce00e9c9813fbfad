"""textsafe: control characters out of stored text, formulas out of CSV cells."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from broadsheet.models import Article, Image, Paragraph
from broadsheet.textsafe import clean_article, clean_optional, clean_text, neutralise_formula

CONTROLS = [chr(c) for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\x1b]0;pwned\x07", "]0;pwned"),
        ("red \x1b[31malert\x1b[0m", "red [31malert[0m"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("dos\r\nlines\rmac", "dos\nlines\nmac"),
        ("nul\x00 del\x7f csi\x9b nel\x85", "nul del csi nel"),
        ("curly ’quotes’ and ünïcödé — kept", "curly ’quotes’ and ünïcödé — kept"),
        ("", ""),
    ],
)
def test_clean_text_table(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@given(st.text())
def test_clean_text_leaves_no_control_but_newline_and_tab(text: str) -> None:
    cleaned = clean_text(text)
    assert not any(c in cleaned for c in CONTROLS)
    assert "\r" not in cleaned
    assert clean_text(cleaned) == cleaned


def test_clean_optional() -> None:
    assert clean_optional(None) is None
    assert clean_optional("\x1b\x07") is None  # nothing but controls: no value
    assert clean_optional("") == ""
    assert clean_optional("a\x1bb") == "ab"


def test_clean_article_cleans_every_stored_text_field() -> None:
    bad = "\x1b]0;pwned\x07"
    article = Article(
        paragraphs=(Paragraph(f"Body{bad}"), Paragraph(bad), Paragraph("Plain")),
        headline=f"Head{bad}",
        byline=f"By{bad}",
        published_at=datetime(2026, 1, 1, tzinfo=UTC),
        url=f"https://a.example/{bad}",
        site_name=bad,
        description=f"Desc{bad}",
        images=(Image(url="https://a.example/i.jpg", caption=f"Cap{bad}", credit=bad),),
    )
    cleaned = clean_article(article)
    assert [p.text for p in cleaned.paragraphs] == ["Body]0;pwned", "]0;pwned", "Plain"]
    assert cleaned.headline == "Head]0;pwned"
    assert cleaned.site_name == "]0;pwned"
    assert cleaned.images[0].caption == "Cap]0;pwned"
    assert "\x1b" not in repr(cleaned) and "\x07" not in repr(cleaned)
    assert cleaned.published_at == article.published_at


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-12.5", "-12.5"),  # a plain number stays a number
        ("+3e5", "+3e5"),
        ("Copper rallies", "Copper rallies"),
        ("", ""),
    ],
)
def test_neutralise_formula_as_owasp_recommends(cell: str, safe: str) -> None:
    assert neutralise_formula(cell) == safe
