"""extract_html on hand-written news pages: every field of the Article, and what must not leak."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from broadsheet.errors import ExtractionError
from broadsheet.extract import extract_html
from broadsheet.extract.boilerplate import BOILERPLATE, is_boilerplate
from broadsheet.extract.html.figures import split_credit
from broadsheet.extract.html.metadata import clean_byline, join_names, parse_date
from broadsheet.models import Article
from tests.extract.conftest import (
    BOILERPLATE_TEXTS,
    FERRY_CAPTION,
    FERRY_CREDIT,
    FERRY_HEADLINE,
    FERRY_LIST,
    FERRY_PARAGRAPHS,
    FERRY_QUOTE,
    MARKET_CAPTION,
    MARKET_CREDIT,
    MARKET_HEADLINE,
    MARKET_PARAGRAPHS,
    ferry_page,
    market_page_cp1252,
    navigation_only_page,
)

FERRY_URL = "https://www.harborgazette.example/news/ferry?utm_source=feed"
EDT = timezone(timedelta(hours=-4))


@pytest.fixture(scope="module")
def ferry() -> Article:
    return extract_html(ferry_page().encode("utf-8"), url=FERRY_URL)


@pytest.fixture(scope="module")
def market() -> Article:
    return extract_html(market_page_cp1252())


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("headline", FERRY_HEADLINE),
        ("byline", "Maria Okafor and Tom Reyes"),
        ("published_at", datetime(2026, 3, 14, 9, 30, tzinfo=EDT)),
        ("updated_at", datetime(2026, 3, 15, 8, 0, tzinfo=EDT)),
        ("url", FERRY_URL),
        ("canonical_url", "https://www.harborgazette.example/news/2026/03/14/ferry-expansion"),
        ("language", "en"),
        ("site_name", "Harbor Gazette"),
        ("description", "Four electric ferries will join the cross-bay service."),
    ],
)
def test_ferry_metadata(ferry: Article, field: str, expected: object) -> None:
    assert getattr(ferry, field) == expected


def test_dates_are_aware(ferry: Article, market: Article) -> None:
    for value in (ferry.published_at, ferry.updated_at, market.published_at):
        assert value is not None and value.utcoffset() is not None
    assert market.published_at == datetime(2026, 2, 6, 15, 45, tzinfo=UTC)


def test_ferry_lead_image(ferry: Article) -> None:
    assert len(ferry.images) == 1
    image = ferry.images[0]
    assert image.url == "https://www.harborgazette.example/img/ferry-terminal.jpg"
    assert image.caption == FERRY_CAPTION
    assert image.credit == FERRY_CREDIT
    assert image.title == "The Harbor City ferry terminal at dawn"


def test_ferry_body_has_every_paragraph_in_order(ferry: Article) -> None:
    texts = [p.text for p in ferry.paragraphs if p.kind == "p"]
    assert texts == list(FERRY_PARAGRAPHS)


def test_ferry_paragraph_kinds(ferry: Article) -> None:
    kinds = {p.kind: p.text for p in ferry.paragraphs}
    assert kinds["quote"] == FERRY_QUOTE
    assert kinds["list"] == "\n".join(FERRY_LIST)
    assert ferry.sections == ("Funding the fleet", "What riders say")


@pytest.mark.parametrize(
    "unwanted", [*BOILERPLATE_TEXTS, FERRY_CAPTION, FERRY_CREDIT, "Accept all", "Privacy"]
)
def test_ferry_body_leaves_out_boilerplate(ferry: Article, unwanted: str) -> None:
    assert unwanted not in ferry.body


def test_headline_not_repeated_in_body(ferry: Article, market: Article) -> None:
    assert not ferry.body.startswith(FERRY_HEADLINE)
    assert MARKET_HEADLINE not in market.body


def test_body_is_paragraphs_joined_by_blank_lines(ferry: Article) -> None:
    assert ferry.body == "\n\n".join(p.text for p in ferry.paragraphs)
    assert "Funding the fleet" in ferry.body


def test_cp1252_page_with_late_meta(market: Article) -> None:
    assert market.headline == MARKET_HEADLINE  # the curly apostrophe decoded right
    assert market.byline == "Priya Natarajan"
    assert [p.text for p in market.paragraphs] == list(MARKET_PARAGRAPHS)
    assert market.images[0].caption == MARKET_CAPTION
    assert market.images[0].credit == MARKET_CREDIT
    assert market.images[0].url == "https://img.valleyledger.example/apples.jpg"


def test_str_input_is_accepted() -> None:
    article = extract_html(ferry_page(), url=FERRY_URL)
    assert article.headline == FERRY_HEADLINE


@pytest.mark.parametrize(
    "page",
    [
        b"",
        b"   ",
        "<html><body></body></html>",
        navigation_only_page(),
        b"\x00\x00\x00",
        "<html><body><footer><p>© 2026 Harbor Gazette</p></footer></body></html>",
    ],
)
def test_no_article_raises_extraction_error(page: bytes | str) -> None:
    with pytest.raises(ExtractionError):
        extract_html(page)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-14T09:30:00Z", datetime(2026, 3, 14, 9, 30, tzinfo=UTC)),
        ("2026-03-14T09:30:00-04:00", datetime(2026, 3, 14, 9, 30, tzinfo=EDT)),
        ("2026-03-14", datetime(2026, 3, 14, tzinfo=UTC)),
        ("Sat, 14 Mar 2026 09:30:00 GMT", datetime(2026, 3, 14, 9, 30, tzinfo=UTC)),
        ("20260314T0930", datetime(2026, 3, 14, 9, 30, tzinfo=UTC)),
        ("20260314093000", datetime(2026, 3, 14, 9, 30, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        ("1066-10-14", None),
        (None, None),
    ],
)
def test_parse_date(value: str | None, expected: datetime | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        (
            "Crowds at the pier. Photo: Jane Roe/Harbor Gazette",
            ("Crowds at the pier.", "Photo: Jane Roe/Harbor Gazette"),
        ),
        (
            "The mayor speaks on Monday. (AP Photo/John Doe)",
            ("The mayor speaks on Monday.", "AP Photo/John Doe"),
        ),
        (
            "Traders on the floor. Photographer: Ann Li/Bloomberg",
            ("Traders on the floor.", "Photographer: Ann Li/Bloomberg"),
        ),
        ("A quiet street in the old town.", ("A quiet street in the old town.", None)),
    ],
)
def test_split_credit(caption: str, expected: tuple[str, str | None]) -> None:
    assert split_credit(caption) == expected


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["A"], "A"),
        (["A", "B"], "A and B"),
        (["A", "B", "C"], "A, B and C"),
        (["A", "a", "B"], "A and B"),
        ([], None),
    ],
)
def test_join_names(names: list[str], expected: str | None) -> None:
    assert join_names(names) == expected


def test_boilerplate_table_is_one_sorted_table() -> None:
    assert list(BOILERPLATE) == sorted(BOILERPLATE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Advertisement", True),
        ("ADVERTISEMENT", True),
        ("Continue reading the main story", True),
        ("Read more: Ferry fares to rise", True),
        ("More than 300 commuters crossed the bay on the first morning.", False),
        ("Copyright law was not the issue, the judge said.", False),
        ("Related coverage", True),
    ],
)
def test_is_boilerplate(text: str, expected: bool) -> None:
    assert is_boilerplate(text) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Ana Whitfield", "Ana Whitfield"),
        ("Tom Reyes @treyes Mar 14, 2026 at 9:24 pm ET • 2 min read", "Tom Reyes"),
        ("Maria Okafor | Harbor Gazette", "Maria Okafor"),
        ("Lena Park. Harbor Gazette", "Lena Park"),
        ("By Sam J. Ortega", "Sam J. Ortega"),
        ("Priya Natarajan - Valley Ledger", "Priya Natarajan"),
        ("admin", None),
        ("Updated 3 hours ago", None),
        ("", None),
    ],
)
def test_clean_byline(raw: str, expected: str | None) -> None:
    assert clean_byline(raw) == expected


def test_byline_from_the_page_when_nothing_is_declared() -> None:
    page = ferry_page().replace('"author": [', '"contributor": [')
    page = page.replace('<a rel="author" href="/staff/okafor">Maria Okafor</a>', "Maria Okafor")
    page = page.replace(
        '<div class="byline">By', '<div class="byline">By <a rel="author">Ana Whitfield</a>'
    )
    assert extract_html(page).byline == "Ana Whitfield"
    bare = ferry_page().replace('"author": [', '"contributor": [')
    assert extract_html(bare).byline == "Maria Okafor"  # the rel=author link


def comment_heavy_page() -> str:
    article = "".join(f"<p>{p}</p>" for p in MARKET_PARAGRAPHS[:3])
    comment = (
        "I have bought this cider for years and the frost story sounds like an excuse to "
        "raise prices again, but we will see what happens at the market next season."
    )
    comments = "".join(
        f'<li class="comment"><div class="comment-body"><p>{comment} ({i})</p></div></li>'
        for i in range(15)
    )
    return f"""<html><head><title>Cider</title></head><body><div class="wrap">
<article><h1>Cider maker slides</h1><div class="entry-content">{article}</div></article>
<section id="comments" class="comments-area"><h2>15 comments</h2>
<ol class="comment-list">{comments}</ol></section></div></body></html>"""


def test_comments_outweighing_the_article_stay_out() -> None:
    article = extract_html(comment_heavy_page())
    assert [p.text for p in article.paragraphs] == list(MARKET_PARAGRAPHS[:3])


def test_paragraphs_separated_by_br() -> None:
    text = "<br><br>".join(MARKET_PARAGRAPHS)
    page = (
        "<html><body><div class='nav'><a href='/'>Home</a> <a href='/m'>Markets</a></div>"
        f"<div class='story'>{text}</div><div class='footer'>Contact · About · Jobs</div>"
        "</body></html>"
    )
    assert [p.text for p in extract_html(page).paragraphs] == list(MARKET_PARAGRAPHS)


def page_with_figure(figure_html: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in MARKET_PARAGRAPHS)
    return f"<html><body><div class='post'>{figure_html}{body}</div></body></html>"


@pytest.mark.parametrize(
    ("figure_html", "caption", "credit"),
    [
        (  # WordPress: a div.wp-caption with the caption in a paragraph
            '<div class="wp-caption"><img src="/a.jpg" alt="Apples">'
            '<p class="wp-caption-text">Apples at the press. Photo: Sam Ortega/Valley Ledger</p>'
            "</div>",
            "Apples at the press.",
            "Photo: Sam Ortega/Valley Ledger",
        ),
        (  # caption beside the <figure>, credit as the caption's last span
            '<div class="lead"><figure><img src="/a.jpg"></figure>'
            '<figcaption class="caption"><span>Apples at the press.</span>'
            "<span>Sam Ortega / Reuters file</span></figcaption></div>",
            "Apples at the press.",
            "Sam Ortega / Reuters file",
        ),
        (  # credit-only caption
            '<figure><img src="/a.jpg"><figcaption><span class="caption__credit">'
            "Photograph: Sam Ortega/Getty Images</span></figcaption></figure>",
            None,
            "Photograph: Sam Ortega/Getty Images",
        ),
        (  # a site copyright notice in a credit-classed block is not a photo credit
            '<figure><img src="/a.jpg"><figcaption>Apples at the press.</figcaption>'
            '<div class="copyright">© 1998 Valley Ledger. All rights reserved</div></figure>',
            "Apples at the press.",
            None,
        ),
    ],
)
def test_caption_and_credit_layouts(
    figure_html: str, caption: str | None, credit: str | None
) -> None:
    image = extract_html(page_with_figure(figure_html)).images[0]
    assert (image.caption, image.credit) == (caption, credit)


def test_threads_share_nothing_mutable() -> None:
    from concurrent.futures import ThreadPoolExecutor

    pages: list[bytes | str] = [ferry_page(), market_page_cp1252(), comment_heavy_page()] * 8
    expected = [extract_html(page).body for page in pages]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda page: extract_html(page).body, pages))
    assert got == expected
