"""Fuzzing extract_html: random and malformed HTML raises nothing but ExtractionError.

Each input must finish well within 2 s (RELIABILITY scenario 10): hypothesis' deadline.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from broadsheet.errors import ExtractionError
from broadsheet.extract import extract_html
from broadsheet.models import Article

TAGS = [
    "html",
    "head",
    "body",
    "title",
    "meta",
    "script",
    "style",
    "p",
    "div",
    "span",
    "a",
    "h1",
    "h2",
    "figure",
    "figcaption",
    "img",
    "time",
    "article",
    "main",
    "nav",
    "footer",
    "ul",
    "li",
    "table",
    "tr",
    "td",
    "blockquote",
    "br",
    "form",
    "svg",
    "iframe",
    "template",
    "!--",
    "?xml",
]
ATTRS = [
    'class="story"',
    'id="content"',
    'charset="utf-8"',
    'charset="x-bogus"',
    'property="og:title" content="T"',
    'type="application/ld+json"',
    'datetime="2026-13-45"',
    'rel="canonical" href="::bad::"',
    'lang="zz-ZZ"',
    'src="data:,"',
    'itemprop="author"',
    'content="text/html; charset=koi8-r" http-equiv="content-type"',
]
WORDS = st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=0, max_size=40)
JSONLD = st.sampled_from(
    [
        '{"@type": "NewsArticle", "headline": 5, "author": [null, {"name": ["x"]}]}',
        '{"@graph": [[[{"@type": ["Article"], "datePublished": "soon"}]]]}',
        '{"@type": "NewsArticle", "image": [{"url": 7, "caption": {}}]',
        "[1, 2, 3]",
        '{"@type": "Article", "author": "https://x.example/a", "dateModified": 20260101}',
    ]
)


@st.composite
def tag_soup(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.integers(0, 5))
        tag = draw(st.sampled_from(TAGS))
        if kind == 0:
            attrs = " ".join(draw(st.lists(st.sampled_from(ATTRS), max_size=3)))
            parts.append(f"<{tag} {attrs}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        elif kind == 2:
            parts.append(f'<script type="application/ld+json">{draw(JSONLD)}</script>')
        else:
            parts.append(draw(WORDS) * draw(st.integers(1, 8)))
    return "".join(parts)


def check(page: bytes | str) -> None:
    try:
        article = extract_html(page, url="https://fuzz.example/a")
    except ExtractionError:
        return
    assert isinstance(article, Article)
    assert article.paragraphs and article.body
    for value in (article.published_at, article.updated_at):
        assert value is None or value.utcoffset() is not None


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(tag_soup())
@example("<div>0<br>000\x1b000\x1b")  # control characters in text after a line break
def test_tag_soup(page: str) -> None:
    check(page)


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes(page: bytes) -> None:
    check(page)


@settings(max_examples=100, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(tag_soup(), st.sampled_from(["utf-8", "cp1252", "utf-16", "koi8-r"]))
def test_encoded_soup(page: str, codec: str) -> None:
    check(page.encode(codec, errors="replace"))


def test_deep_nesting() -> None:
    check("<div>" * 5000 + "<p>" + "Deep text here. " * 50 + "</p>" + "</div>" * 5000)


def test_huge_flat_page() -> None:
    check("<html><body>" + "<p>A sentence of ordinary news prose.</p>" * 5000 + "</body></html>")
