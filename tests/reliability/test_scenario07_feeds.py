"""Scenario 7 at pipeline level: feedparser's ill-formed, encoding and entity test documents
served from loopback and polled as feeds. 0 crashes; each problem is recorded on its source
(``last_error``) or the entries are stored; no good stored entry is overwritten by a broken
parse (a source whose feed becomes ill-formed keeps its stored articles unchanged).

The documents are read at test time from the shared data (skipped when absent, failed when
absent in CI: see tests/shared_data.py); nothing from them is copied into the repository.
"""

from __future__ import annotations

import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from broadsheet.pipeline import open_pipeline, poll_due
from tests.shared_data import Shared

from .helpers import Publisher, indexed_ids, make_settings, rss_feed, stored_ids

pytestmark = pytest.mark.shared_data

ARCHIVE = "feeds/feedparser-6.0.14-tests.tar.gz"
GROUPS = ("tests/illformed/", "tests/encoding/", "tests/entities/")
HEADER = re.compile(rb"^Header:\s+([A-Za-z-]+):\s*(.*?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Sample:
    name: str
    body: bytes
    content_type: str


def _samples(path: Path) -> list[Sample]:
    out = []
    with tarfile.open(path) as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith(GROUPS):
                continue
            if not member.name.endswith((".xml", ".rdf", ".atom", ".rss")):
                continue
            handle = tar.extractfile(member)
            assert handle is not None
            body = handle.read()
            content_type = "application/xml"
            for key, value in HEADER.findall(body[:4096]):
                if key.lower() == b"content-type":
                    content_type = value.decode("latin-1")
            out.append(Sample(member.name, body, content_type))
    assert out, "no documents found in the archive"
    return sorted(out, key=lambda s: s.name)


@pytest.fixture(scope="module")
def samples(shared: Shared) -> list[Sample]:
    return _samples(shared.path("data", *ARCHIVE.split("/")))


def test_every_document_polled_without_a_crash(
    home: Path, publisher: Publisher, samples: list[Sample]
) -> None:
    for n, sample in enumerate(samples):
        publisher.static(f"/fp/{n}.xml", sample.body, sample.content_type)
    with open_pipeline(make_settings(home, fetch_articles=False), enrich=False) as pipe:
        for n in range(len(samples)):
            pipe.store.add_source(f"{publisher.base}/fp/{n}.xml", "feed")
        outcomes = poll_due(pipe, force=True)
        assert len(outcomes) == len(samples)  # every source polled, none lost to a crash
        by_id = {s.id: s for s in pipe.store.list_sources()}
        statuses: dict[str, int] = {}
        for outcome in outcomes:
            statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
            source = by_id[outcome.source_id]
            if outcome.status == "error":
                assert source.last_error, f"{outcome.url}: error not recorded"
                assert source.error_count == 1
            else:
                assert outcome.status == "ok", outcome
                assert source.last_error is None and source.error_count == 0
        assert pipe.store.integrity_check() == []
        assert pipe.index is not None
        assert indexed_ids(pipe.index) == stored_ids(pipe.store)
        # documents with no items and a parser complaint are errors; every other one is ok
        assert statuses.get("ok", 0) > 0 and sum(statuses.values()) == len(samples)


def _good_feed(base: str, n: int) -> bytes:
    return rss_feed(base, [(f"good-{n}-{k}", n * 10 + k) for k in range(3)], full_text=True)


def _breakages(base: str, n: int) -> dict[str, bytes]:
    """Ways a publisher's feed goes bad; each keeps (some of) the stored items' guids."""
    good = _good_feed(base, n)
    cut = good.index(b"<content:encoded>", good.index(b"</item>")) + 60
    wrong_text = good.replace(b"Members of", b"MEMBERS OF BROKEN")
    return {
        "truncated-mid-content": good[:cut],
        "empty": b"",
        "html-error-page": b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>",
        "binary-noise": bytes(range(256)) * 8,
        "bad-ampersands": good.replace(b"&amp;", b"&").replace(b"<title>", b"<title>A & B "),
        "unclosed-cdata": good.replace(b"]]></content:encoded>", b"</content:encoded>", 1),
        "invalid-utf8": good.replace(b"Members", b"Memb\xff\xfers"),
        "changed-text-broken-xml": wrong_text.replace(b"</channel>", b""),
    }


def test_good_entries_survive_a_feed_that_turns_bad(
    home: Path, publisher: Publisher, samples: list[Sample]
) -> None:
    base = publisher.base
    ill = [s for s in samples if s.name.startswith("tests/illformed/")]
    kinds = list(_breakages(base, 0))
    cases = len(kinds) + len(ill)
    for n in range(cases):
        publisher.static(f"/src/{n}.xml", _good_feed(base, n), "application/rss+xml")
    with open_pipeline(make_settings(home, fetch_articles=False), enrich=False) as pipe:
        for n in range(cases):
            pipe.store.add_source(f"{base}/src/{n}.xml", "feed")
        first = poll_due(pipe, force=True)
        assert {o.status for o in first} == {"ok"}
        before = {a.id: (a.headline, a.body, a.version, a.url) for a in pipe.store.iter_articles()}
        assert len(before) == 3 * cases
        for n in range(cases):
            if n < len(kinds):
                body = _breakages(base, n)[kinds[n]]
                publisher.static(f"/src/{n}.xml", body, "application/rss+xml")
            else:
                sample = ill[n - len(kinds)]
                publisher.static(f"/src/{n}.xml", sample.body, sample.content_type)
        second = poll_due(pipe, force=True)
        assert len(second) == cases
        after = {a.id: (a.headline, a.body, a.version, a.url) for a in pipe.store.iter_articles()}
        changed = [i for i, row in before.items() if after.get(i) != row]
        assert changed == [], f"{len(changed)} good stored articles changed by a broken feed"
        for source in pipe.store.list_sources():
            outcome = next(o for o in second if o.source_id == source.id)
            assert outcome.status in ("ok", "error")
            if outcome.status == "error":
                assert source.last_error
        assert pipe.store.integrity_check() == []
