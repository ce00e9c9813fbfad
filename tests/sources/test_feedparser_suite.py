"""Scenario 7: feedparser's own test documents (BSD licensed) through parse_feed.

The documents are read from ``shared/data/feeds/feedparser-6.0.14-tests.tar.gz`` at test time
(never copied into this repository); the tests skip when the archive is absent, and fail
when it is absent in CI (see tests/shared_data.py).

* every well-formed, ill-formed, encoding and entity document: 0 uncaught exceptions (a
  :class:`FeedParseError` is a handled outcome, allowed only for documents that hold no feed);
* ill-formed documents that parse report problems;
* spot checks: each document's ``Expect:`` header states values (feed title, entry title,
  summary, content, id, link) that feedparser should produce; the share of those that
  parse_feed reproduces is pinned in ``tests/quality_floors.json``.
"""

from __future__ import annotations

import ast
import json
import re
import tarfile
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from lxml import html as lxml_html

from broadsheet.errors import FeedParseError
from broadsheet.models import ParsedFeed
from broadsheet.sources import parse_feed
from tests.shared_data import Shared

pytestmark = pytest.mark.shared_data

ARCHIVE = "data/feeds/feedparser-6.0.14-tests.tar.gz"
GROUPS = ("wellformed", "illformed", "encoding", "entities")
# documents that hold no feed at all (an empty document, an HTTP test stub): a FeedParseError
# is the right answer for them
NOT_FEEDS = {
    "tests/illformed/rss_empty_document.xml",
    "tests/http/http_status_302-no-location.xml",
}
FLOORS = Path(__file__).resolve().parents[1] / "quality_floors.json"
FLOOR_KEY = "feedparser_suite_expect_match"


@dataclass(frozen=True)
class SuiteDocument:
    name: str
    group: str
    body: bytes
    expect: str
    charset: str | None


_EXPECT = re.compile(r"Expect:\s*(.*)")
_HEADER_CHARSET = re.compile(r"^Header:\s*Content-type:.*?charset=\s*\"?([\w\-]+)", re.I | re.M)


def _comment_text(body: bytes) -> str:
    """The document as text, good enough to read its test header comment."""
    for bom, codec in (
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\xfe\xff", "utf-16"),
        (b"\xff\xfe", "utf-16"),
        (b"\x00<", "utf-16-be"),
        (b"<\x00", "utf-16-le"),
        (b"\x4c\x6f\xa7\x94", "cp037"),
    ):
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    return body.decode("latin-1")


@cache
def suite(archive: Path) -> tuple[SuiteDocument, ...]:
    documents: list[SuiteDocument] = []
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if not member.isfile() or not member.name.endswith(".xml") or len(parts) < 3:
                continue
            if parts[1] not in (*GROUPS, "http"):
                continue
            stream = tar.extractfile(member)
            assert stream is not None
            body = stream.read()
            header = _comment_text(body)
            expect = _EXPECT.search(header)
            charset = _HEADER_CHARSET.search(header)
            documents.append(
                SuiteDocument(
                    member.name,
                    parts[1],
                    body,
                    expect.group(1) if expect else "",
                    charset.group(1) if charset else None,
                )
            )
    return tuple(documents)


@pytest.fixture(scope="module")
def documents(shared: Shared) -> tuple[SuiteDocument, ...]:
    found = suite(shared.path(*ARCHIVE.split("/")))
    if not found:
        shared.missing(f"no feedparser test documents in {ARCHIVE}")
    return found


@cache
def outcomes(documents: tuple[SuiteDocument, ...]) -> dict[str, ParsedFeed | FeedParseError]:
    results: dict[str, ParsedFeed | FeedParseError] = {}
    for document in documents:
        try:
            results[document.name] = parse_feed(
                document.body, url="http://feeds.example/feed.xml", charset=document.charset
            )
        except FeedParseError as exc:
            results[document.name] = exc
    return results


def test_every_document_parses_without_crashing(documents: tuple[SuiteDocument, ...]) -> None:
    counts = Counter(d.group for d in documents)
    assert all(counts[group] > 10 for group in GROUPS), counts
    results = outcomes(documents)  # any exception other than FeedParseError fails the test here
    refused = {name for name, r in results.items() if isinstance(r, FeedParseError)}
    assert refused == NOT_FEEDS


def test_ill_formed_documents_report_problems(documents: tuple[SuiteDocument, ...]) -> None:
    results = outcomes(documents)
    ill = [d for d in documents if d.group == "illformed" and d.name not in NOT_FEEDS]
    bozo = [d for d in ill if re.match(r"\s*bozo\b", d.expect)]
    assert len(bozo) >= 5
    silent = [
        d.name for d in bozo if isinstance(r := results[d.name], ParsedFeed) and not r.problems
    ]
    assert silent == []


def test_well_formed_documents_report_no_xml_errors(documents: tuple[SuiteDocument, ...]) -> None:
    results = outcomes(documents)
    clean = [d for d in documents if d.group == "wellformed" and "not bozo" in d.expect]
    assert len(clean) > 1000
    xml_errors = [
        d.name
        for d in clean
        if isinstance(r := results[d.name], ParsedFeed)
        and any("SAXParseException" in p for p in r.problems)
    ]
    assert len(xml_errors) <= len(clean) // 100, xml_errors[:10]


_CLAUSE = re.compile(
    r"""(feed|entries\[(\d+)\])\[['"](\w+)['"]\](\[0\]\[['"]value['"]\])?\s*==\s*"""
    r"""(u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))"""
)
_FIELDS = {
    "title": "title",
    "description": "summary",
    "summary": "summary",
    "id": "guid",
    "link": "link",
    "content": "content_html",
    "author": "author",
}


def _plain_text(markup: str) -> str:
    """The text a reader sees of an HTML title: tags dropped, entities decoded, spaces joined."""
    if "<" not in markup and "&" not in markup:
        return markup
    fragment = lxml_html.fragment_fromstring(markup, create_parent="div")
    return " ".join(str(fragment.text_content()).split())


def expect_match_rate(documents: tuple[SuiteDocument, ...]) -> tuple[float, int, list[str]]:
    """Share of the Expect clauses about our fields that parse_feed reproduces."""
    results = outcomes(documents)
    total = matched = 0
    misses: list[str] = []
    for document in documents:
        if document.group not in GROUPS or "base" in document.name.split("/")[2]:
            continue  # the base/ documents need HTTP headers the archive does not carry
        result = results[document.name]
        for clause in _CLAUSE.finditer(document.expect):
            field = _FIELDS.get(clause.group(3))
            if field is None or (clause.group(1) == "feed" and field not in ("title", "link")):
                continue
            if " or " in document.expect:
                continue  # alternatives: not a single expected value
            want = ast.literal_eval(clause.group(5).lstrip("u"))
            if isinstance(result, FeedParseError):
                got: object = None
            elif clause.group(1) == "feed":
                got = getattr(result, field)
            else:
                index = int(clause.group(2))
                got = getattr(result.entries[index], field) if index < len(result.entries) else None
            total += 1
            wants = {str(want).strip()}
            if field == "title":
                # feedparser gives an HTML title as (sanitised) markup; ours is its plain text
                wants.add(_plain_text(str(want)))
                got = got or ""
            if isinstance(got, str) and got.strip() in wants:
                matched += 1
            else:
                misses.append(f"{document.name}: {field} {want!r} != {got!r}")
    return (matched / total if total else 0.0), total, misses


def test_expected_values_survive(documents: tuple[SuiteDocument, ...]) -> None:
    rate, total, misses = expect_match_rate(documents)
    assert total > 800
    floor = json.loads(FLOORS.read_text())[FLOOR_KEY]
    assert rate >= floor, f"{rate:.3f} < floor {floor}; first misses: {misses[:10]}"


@pytest.mark.parametrize(
    ("name", "field", "expected"),
    [
        ("tests/encoding/x80_koi8-r.xml", "title", "\u2500"),
        ("tests/encoding/demoronize-1.xml", None, "don\u2019t"),
        ("tests/wellformed/rss/item_description_not_a_doctype2.xml", None, "<!DOCTYPE"),
        ("tests/illformed/always_strip_doctype.xml", "title", "found"),
    ],
)
def test_spot_checks(
    documents: tuple[SuiteDocument, ...], name: str, field: str | None, expected: str
) -> None:
    result = outcomes(documents)[name]
    assert isinstance(result, ParsedFeed)
    if field == "title":
        assert result.title == expected
    else:
        assert result.entries[0].summary == expected
