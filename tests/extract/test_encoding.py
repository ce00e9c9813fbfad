"""decode_html: the encoding cases of RELIABILITY scenario 8, and never raising."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.extract.encoding import decode_html, normalize_charset

FRENCH = "Le café « Chez Zoé » coûte 5 € — l’addition, s’il vous plaît. “Œuvre” ™"
RUSSIAN = 'Биржа закрылась ростом: акции "Северной верфи" подорожали на 4%.'
GREEK = "Η αγορά έκλεισε με άνοδο"


def page(text: str, head: str = "", prolog: str = "") -> str:
    return f"{prolog}<html><head>{head}<title>t</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("body", "declared", "expected"),
    [
        # windows-1252 bytes behind an XML prolog that claims UTF-8
        (
            page(FRENCH, prolog='<?xml version="1.0" encoding="utf-8"?>').encode("cp1252"),
            None,
            FRENCH,
        ),
        # KOI8-R declared with http-equiv
        (
            page(
                RUSSIAN,
                head='<meta http-equiv="Content-Type" content="text/html; charset=KOI8-R">',
            ).encode("koi8-r"),
            None,
            RUSSIAN,
        ),
        # KOI8-R declared by the transport only
        (page(RUSSIAN).encode("koi8-r"), "koi8-r", RUSSIAN),
        # <meta charset> late in the head, after 20 KB of script
        (
            page(
                RUSSIAN,
                head="<script>" + "var a = 1;\n" * 2000 + '</script><meta charset="windows-1251">',
            ).encode("cp1251"),
            None,
            RUSSIAN,
        ),
        # a latin-1 label means windows-1252 (curly quotes, euro sign)
        (page(FRENCH).encode("cp1252"), "ISO-8859-1", FRENCH),
        (page(FRENCH, head='<meta charset="latin1">').encode("cp1252"), None, FRENCH),
        # a latin-1 label on a page that is really UTF-8
        (page(FRENCH).encode("utf-8"), "iso-8859-1", FRENCH),
        # undeclared: valid UTF-8 is UTF-8, anything else windows-1252
        (page(GREEK).encode("utf-8"), None, GREEK),
        (page(FRENCH).encode("cp1252"), None, FRENCH),
        # a UTF-8 declaration on windows-1252 bytes is not believed
        (page(FRENCH, head='<meta charset="utf-8">').encode("cp1252"), "utf-8", FRENCH),
        # transport beats <meta>
        (page(RUSSIAN, head='<meta charset="koi8-r">').encode("cp1251"), "windows-1251", RUSSIAN),
        # BOM beats everything
        (codecs.BOM_UTF8 + page(GREEK, head='<meta charset="koi8-r">').encode(), "cp1252", GREEK),
        (codecs.BOM_UTF16_LE + page(GREEK).encode("utf-16-le"), None, GREEK),
        # unknown labels are skipped, not fatal
        (page(GREEK, head='<meta charset="x-no-such-thing">').encode(), "bogus", GREEK),
    ],
)
def test_decode_html(body: bytes, declared: str | None, expected: str) -> None:
    text = decode_html(body, declared)
    assert expected in text
    assert "\ufffd" not in text


def test_invalid_utf8_keeps_the_good_characters() -> None:
    good = page(GREEK + " " + FRENCH).encode("utf-8")
    broken = good.replace(b"<p>", b"<p>\xff\xfe", 1)
    text = decode_html(broken)
    assert GREEK in text and FRENCH in text
    assert text.count("\ufffd") == 2


def test_undefined_cp1252_bytes_become_c1_controls() -> None:
    assert decode_html(b"<p>a\x81b\x9dc</p>", "windows-1252") == "<p>a\x81b\x9dc</p>"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("UTF8", "utf-8"),
        ("utf-16", "utf-8"),
        ("ISO-8859-1", "cp1252"),
        ("us-ascii", "cp1252"),
        ("Windows-1251", "cp1251"),
        ("koi8-r", "koi8-r"),
        ("gb2312", "gb18030"),
        ("shift_jis", "cp932"),
        ("base64", None),
        ("", None),
        (None, None),
        ("no-such-charset", None),
    ],
)
def test_normalize_charset(label: str | None, codec: str | None) -> None:
    assert normalize_charset(label) == codec


@settings(max_examples=200, deadline=2000)
@given(body=st.binary(max_size=4096), declared=st.one_of(st.none(), st.text(max_size=20)))
def test_decode_html_never_raises(body: bytes, declared: str | None) -> None:
    assert isinstance(decode_html(body, declared), str)


@settings(max_examples=100, deadline=2000)
@given(text=st.text(max_size=500), codec=st.sampled_from(["utf-8", "cp1252", "koi8-r"]))
def test_declared_round_trip(text: str, codec: str) -> None:
    try:
        body = page(text, head=f'<meta charset="{codec}">').encode(codec)
    except UnicodeEncodeError:
        return
    if codec == "cp1252" and not body.isascii():
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return  # by design a legacy label on bytes that are valid UTF-8 is read as UTF-8
    assert text in decode_html(body)
