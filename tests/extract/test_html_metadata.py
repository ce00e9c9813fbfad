"""Headline, byline and publication date of HTML pages (issue 12): each source the cascade
reads, the conflicts between them, the cleaning of bylines, and the floor on the shared
development pages. The fixture pages are written for the project."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import htmldate.extractors
import pytest

from broadsheet.bench.metadata import byline_names, field_correct, run_metadata_bench
from broadsheet.extract.html import extract_html, extract_html_metadata
from broadsheet.extract.html.metadata import JSONLD_MAX_CHARS, clean_byline
from broadsheet.models import Article

FLOORS = Path(__file__).resolve().parents[1] / "quality_floors.json"
DEV_GOLD = Path(__file__).resolve().parent / "metadata_dev_gold.json"
BODY = (
    "<p>The river authority opened the new flood gates on the east bank this week, after "
    "three years of work and two winters in which the old gates failed to close in time.</p>"
    "<p>Engineers said the gates can be shut in under ten minutes, and that the pumps behind "
    "them move twice the water the old station could manage on its busiest night.</p>"
)


def page(head: str = "", body: str = "", title: str = "Flood gates open on the east bank") -> str:
    return (
        f"<html><head><title>{title} | Riverside Gazette</title>{head}</head><body>"
        f"<article><h1>{title}</h1>{body}{BODY}</article></body></html>"
    )


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def meta_of(html: str) -> Article:
    return extract_html_metadata(html)


# ---------------------------------------------------------------- byline sources


def test_jsonld_author_list() -> None:
    html = page(ld({"@type": "NewsArticle", "author": [{"name": "Ada Byrne"}, "Tom Quill"]}))
    assert meta_of(html).byline == "Ada Byrne and Tom Quill"


def test_jsonld_graph_author_by_reference() -> None:
    graph = {
        "@graph": [
            {"@type": "Article", "headline": "x", "author": {"@id": "#p1"}},
            {"@type": "Person", "@id": "#p1", "name": "Mira Holt"},
        ]
    }
    assert meta_of(page(ld(graph))).byline == "Mira Holt"


def test_reportage_news_article_type_is_read() -> None:
    html = page(ld({"@type": "ReportageNewsArticle", "author": {"name": "Lena Park"}}))
    assert meta_of(html).byline == "Lena Park"


@pytest.mark.parametrize(
    "key", ["author", "byl", "parsely-author", "sailthru.author", "dc.creator"]
)
def test_meta_author_keys(key: str) -> None:
    html = page(f'<meta name="{key}" content="By Omar Reyes">')
    assert meta_of(html).byline == "Omar Reyes"


def test_twitter_written_by_label() -> None:
    html = page(
        '<meta name="twitter:label1" content="Written by">'
        '<meta name="twitter:data1" content="Ines Vidal">'
    )
    assert meta_of(html).byline == "Ines Vidal"


def test_jsonld_author_wins_over_meta() -> None:
    html = page(
        ld({"@type": "NewsArticle", "author": {"name": "Ada Byrne"}})
        + '<meta name="author" content="Web Desk Person">'
    )
    assert meta_of(html).byline == "Ada Byrne"


def test_visible_byline_markup_when_nothing_is_declared() -> None:
    html = page(
        body='<div class="post-author vcard">Posted by <a class="fn" rel="author">Kai Lund</a>'
        "</div>"
    )
    assert meta_of(html).byline == "Kai Lund"
    assert extract_html(html).byline == "Kai Lund"


def test_site_name_is_not_a_byline() -> None:
    html = page(
        '<meta property="og:site_name" content="Riverside Gazette">'
        '<meta name="author" content="Riverside Gazette">'
    )
    assert meta_of(html).byline is None


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("By Jane Roe and John Doe | Reuters", "Jane Roe and John Doe"),
        ("Fred Ashby for Reuters", "Fred Ashby"),
        ("Jane Roe, Senior Correspondent", "Jane Roe"),
        ("By Anna Diaz, Staff Writer", "Anna Diaz"),
        ("Jane Roe jane.roe@example.com", "Jane Roe"),
        ("By Jane Roe @jroe Nov 18, 2019 • 2 min read", "Jane Roe"),
        ("Von Moritz Keller am 21. Mai", "Moritz Keller"),
        ("Veröffentlicht vonChris Jung", "Chris Jung"),
        ("di Mario Rossi", "Mario Rossi"),
        ("Di Maria Rossi", "Di Maria Rossi"),
        ("Byron Smith", "Byron Smith"),
        ("Staff", None),
        ("admin", None),
        ("Example Media GmbH", None),
        ("example-news.com", None),
    ],
)
def test_clean_byline(raw: str, clean: str | None) -> None:
    assert clean_byline(raw) == clean


# ---------------------------------------------------------------- dates


def test_jsonld_date_keeps_its_time_of_day() -> None:
    html = page(ld({"@type": "NewsArticle", "datePublished": "2021-03-04T09:15:00+01:00"}))
    when = meta_of(html).published_at
    assert when is not None and when.isoformat() == "2021-03-04T09:15:00+01:00"


def test_meta_published_time() -> None:
    html = page('<meta property="article:published_time" content="2020-06-30T18:00:00Z">')
    when = meta_of(html).published_at
    assert when is not None and when.date().isoformat() == "2020-06-30"


def test_time_element_alone() -> None:
    html = page(body='<p class="dateline"><time datetime="2019-02-11T07:00:00Z">Feb 11</time></p>')
    when = meta_of(html).published_at
    assert when is not None and when.date().isoformat() == "2019-02-11"


def test_visible_date_line_only() -> None:
    html = page(body='<p class="date">Published 14 March 2022</p>')
    when = meta_of(html).published_at
    assert when is not None and when.date().isoformat() == "2022-03-14"


def test_original_date_not_the_modified_one() -> None:
    html = page(
        '<meta property="article:modified_time" content="2023-01-09T10:00:00Z">'
        '<meta property="article:published_time" content="2022-12-01T08:00:00Z">'
    )
    when = meta_of(html).published_at
    assert when is not None and when.date().isoformat() == "2022-12-01"


def test_no_date_anywhere() -> None:
    assert meta_of(page()).published_at is None


def test_htmldate_keeps_its_own_parser_for_others() -> None:
    before = htmldate.extractors.get_external_parser
    meta_of(page(body='<p class="date">Published 14 March 2022</p>'))
    assert htmldate.extractors.get_external_parser is before


# ---------------------------------------------------------------- caps and headline


def test_oversized_jsonld_is_not_parsed() -> None:
    big = {"@type": "NewsArticle", "author": {"name": "Huge Blob"}, "pad": "x" * JSONLD_MAX_CHARS}
    assert meta_of(page(ld(big))).byline is None


def test_headline_is_the_h1_not_the_title_with_site() -> None:
    assert meta_of(page()).headline == "Flood gates open on the east bank"


# ---------------------------------------------------------------- scorer


def test_scorer_matching_rules() -> None:
    assert field_correct("headline", "Flood Gates Open!", "flood gates open")
    assert field_correct("byline", ["Ada Byrne", "Tom Quill"], "Tom Quill and Ada Byrne")
    assert not field_correct("byline", ["Ada Byrne"], "Ada Byrne and Tom Quill")
    assert field_correct("byline", [], None)
    assert field_correct("date", "2021-03-04", "2021-03-04T23:30:00-05:00")
    assert not field_correct("date", "2021-03-04", "2021-03-05T00:30:00+00:00")
    assert byline_names("A, B & C") == {"a", "b", "c"}


def test_bench_scores_both_extractors(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    html = page(ld({"@type": "NewsArticle", "author": {"name": "Ada Byrne"}}))
    (tmp_path / "pages" / "one.html").write_text(html, encoding="utf-8")
    (tmp_path / "pages" / "two.html.gz").write_bytes(gzip.compress(page().encode()))
    gold = {
        "one": {"headline": "Flood gates open on the east bank", "byline": ["Ada Byrne"]},
        "two.html.gz": {"byline": ["Someone Else"], "date": ""},
    }
    (tmp_path / "metadata.json").write_text(json.dumps(gold), encoding="utf-8")
    report = run_metadata_bench(tmp_path, rounds=1)
    ours = next(r for r in report.results if r.name == "broadsheet")
    assert report.pages == 2
    assert (ours.fields["byline"].scored, ours.fields["byline"].correct) == (2, 1)
    assert ours.fields["headline"].correct == 1 and ours.fields["date"].correct == 1
    assert {r.name for r in report.results} == {"broadsheet", "trafilatura"}


# ---------------------------------------------------------------- floor on shared pages


def _floor(key: str) -> float:
    return float(json.loads(FLOORS.read_text(encoding="utf-8"))[key])


@pytest.mark.shared_data
def test_metadata_floor_on_extraction_dev(extraction_dev: Path) -> None:
    gold = {
        k: v for k, v in json.loads(DEV_GOLD.read_text(encoding="utf-8")).items() if k[0] != "_"
    }
    right = {"byline": 0, "date": 0}
    scored = {"byline": 0, "date": 0}
    for path in sorted((extraction_dev / "html").glob("*.html.gz")):
        g = gold.get(path.name[:10])
        if g is None:
            continue
        art = extract_html_metadata(gzip.decompress(path.read_bytes()))
        guess = {
            "byline": art.byline,
            "date": art.published_at.isoformat() if art.published_at else None,
        }
        for name in right:
            if name in g:
                scored[name] += 1
                right[name] += field_correct(name, g[name], guess[name])
    assert scored["byline"] >= 45 and scored["date"] >= 45
    for name in right:
        accuracy = right[name] / scored[name]
        floor = _floor(f"html_metadata_{name}_dev")
        assert accuracy >= floor, f"{name} accuracy {accuracy:.3f} fell below the floor {floor}"
