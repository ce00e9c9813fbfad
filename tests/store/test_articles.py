"""Saving articles: idempotency, versions, stories, tombstones, time-ordered ids, the change log."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from broadsheet.errors import NotFoundError
from broadsheet.models import Annotations, Article, Entity, Paragraph
from broadsheet.store import SQLiteStore, article_id_at
from tests.store.store_corpus import edit_text, make_article, make_text

BASE_URL = "https://news.example/base?utm_source=feed"
CANONICAL = "https://news.example/base"


def _base(store: SQLiteStore) -> tuple[Article, int, int]:
    """The first story: saved from source A with a guid; returns (article, source A id, id)."""
    source = store.add_source("https://news.example/feed.xml", "feed", "Example")
    article = make_article(1, url=BASE_URL, canonical_url=CANONICAL)
    result = store.save_article(article, source_id=source.id, guid="guid-1")
    assert result.status == "new" and result.article_id is not None
    return article, source.id, result.article_id


def _saved(store: SQLiteStore, article: Article, **kwargs: Any) -> int:
    result = store.save_article(article, **kwargs)
    assert result.article_id is not None, result
    return result.article_id


def _other_source(store: SQLiteStore) -> int:
    return store.add_source("https://other.example/rss", "feed", "Other").id


CASES: list[tuple[str, Any, str, bool, bool]] = [
    # (case, second save made from (article, source a, store), status, same id, same story)
    (
        "same url",
        lambda a, s, st: (replace(a, canonical_url=None), {"source_id": s}),
        "unchanged",
        True,
        True,
    ),
    (
        "same canonical, other url",
        lambda a, s, st: (replace(a, url="https://m.news.example/base"), {"source_id": s}),
        "unchanged",
        True,
        True,
    ),
    (
        "same guid in the source, other urls",
        lambda a, s, st: (
            replace(a, url="https://news.example/x", canonical_url=None),
            {"source_id": s, "guid": "guid-1"},
        ),
        "unchanged",
        True,
        True,
    ),
    (
        "same content at another address in another source",
        lambda a, s, st: (
            replace(a, url="https://other.example/copy", canonical_url=None),
            {"source_id": _other_source(st), "guid": "other-1"},
        ),
        "unchanged",
        True,
        True,
    ),
    (
        "same content once normalised (case, punctuation, spacing)",
        lambda a, s, st: (
            replace(
                a,
                url="https://other.example/shout",
                canonical_url=None,
                paragraphs=tuple(
                    Paragraph("  " + p.text.upper().replace(",", " ;") + "!! ")
                    for p in a.paragraphs
                ),
            ),
            {},
        ),
        "unchanged",
        True,
        True,
    ),
    (
        "changed text at the same canonical url",
        lambda a, s, st: (
            replace(a, paragraphs=(*a.paragraphs, Paragraph("Update: the vote was delayed."))),
            {"source_id": s},
        ),
        "new_version",
        True,
        True,
    ),
    (
        "changed text under the same guid",
        lambda a, s, st: (
            replace(
                a,
                url="https://news.example/renamed",
                canonical_url=None,
                paragraphs=(Paragraph(make_text(1) + " Correction appended."),),
            ),
            {"source_id": s, "guid": "guid-1"},
        ),
        "new_version",
        True,
        True,
    ),
    (
        "changed headline only",
        lambda a, s, st: (replace(a, headline="Story number 1, updated"), {"source_id": s}),
        "new_version",
        True,
        True,
    ),
    (
        "near-duplicate from another source",
        lambda a, s, st: (
            replace(
                a,
                url="https://other.example/wire-copy",
                canonical_url=None,
                headline="Wire: story one",
                paragraphs=tuple(Paragraph(edit_text(p.text, 7)) for p in a.paragraphs),
            ),
            {"source_id": _other_source(st), "guid": "wire-1"},
        ),
        "new",
        False,
        True,
    ),
    (
        "a different story",
        lambda a, s, st: (make_article(2), {"source_id": s, "guid": "guid-2"}),
        "new",
        False,
        False,
    ),
    (
        "same guid in another source is another story",
        lambda a, s, st: (make_article(3), {"source_id": _other_source(st), "guid": "guid-1"}),
        "new",
        False,
        False,
    ),
]


@pytest.mark.parametrize(
    ("case", "second", "status", "same_id", "same_story"), CASES, ids=[c[0] for c in CASES]
)
def test_idempotency_table(
    store: SQLiteStore, case: str, second: Any, status: str, same_id: bool, same_story: bool
) -> None:
    article, source_a, first_id = _base(store)
    first_story = store.get_article(first_id).story_id
    again, kwargs = second(article, source_a, store)
    result = store.save_article(again, **kwargs)
    assert result.status == status, case
    assert (result.article_id == first_id) is same_id
    assert (result.story_id == first_story) is same_story
    expected_rows = 1 if same_id else 2
    assert store.count_articles() == expected_rows
    # and saving the same thing a third time changes nothing at all
    seq = store.max_seq()
    third = store.save_article(again, **kwargs)
    assert third.status == "unchanged"
    assert third.article_id == result.article_id
    assert store.max_seq() == seq
    assert store.count_articles() == expected_rows


def test_new_version_keeps_old_text(store: SQLiteStore) -> None:
    article, source, article_id = _base(store)
    v2 = replace(article, paragraphs=(*article.paragraphs, Paragraph("Second edition line.")))
    v3 = replace(v2, paragraphs=(*v2.paragraphs, Paragraph("Third edition line.")))
    assert store.save_article(v2, source_id=source).version == 2
    assert store.save_article(v3, source_id=source).version == 3
    versions = store.article_versions(article_id)
    assert [v.version for v in versions] == [1, 2, 3]
    assert [v.body for v in versions] == [article.body, v2.body, v3.body]
    current = store.get_article(article_id)
    assert current.version == 3 and current.body == v3.body
    assert current.content_hash == versions[-1].content_hash
    # an old text seen again (a page flip-flopping) is not a new version
    back = store.save_article(article, source_id=source)
    assert back.status == "unchanged" and back.version == 3
    ops = [(c.article_id, c.op) for c in store.changes_since(0)]
    assert ops == [(article_id, "upsert")] * 3


def test_new_version_drops_annotations_of_the_old_text(store: SQLiteStore) -> None:
    article, source, article_id = _base(store)
    store.save_annotations(
        article_id, Annotations(entities=(Entity(0, 6, "ORG", "Report", "Report"),))
    )
    assert store.get_article(article_id).enrich_status == "ok"
    v2 = replace(article, paragraphs=(Paragraph("Entirely rewritten text " * 5),))
    assert store.save_article(v2, source_id=source).status == "new_version"
    assert store.get_annotations(article_id) == Annotations()
    assert store.get_article(article_id).enrich_status is None


@pytest.mark.parametrize(
    "again",
    [
        "same url",
        "same canonical",
        "same guid",
        "same text elsewhere",
        "changed text at the same canonical",
    ],
)
def test_deleted_story_never_comes_back(store: SQLiteStore, again: str) -> None:
    article, source, article_id = _base(store)
    store.delete_article(article_id)
    with pytest.raises(NotFoundError):
        store.get_article(article_id)
    variants: dict[str, tuple[Article, dict[str, Any]]] = {
        "same url": (replace(article, canonical_url=None), {}),
        "same canonical": (replace(article, url="https://amp.news.example/base"), {}),
        "same guid": (
            replace(article, url=None, canonical_url=None, headline="renamed"),
            {"source_id": source, "guid": "guid-1"},
        ),
        "same text elsewhere": (
            replace(article, url="https://other.example/x", canonical_url=None),
            {},
        ),
        "changed text at the same canonical": (
            replace(article, paragraphs=(Paragraph("A rewritten story " * 10),)),
            {},
        ),
    }
    variant, kwargs = variants[again]
    result = store.save_article(variant, **kwargs)
    assert result.status == "deleted" and result.article_id is None
    assert store.count_articles() == 0
    assert store.seen_guid(source, "guid-1")
    assert [c.op for c in store.changes_since(0)] == ["upsert", "delete"]


def test_scenario_15_delete_then_fetch_again(store: SQLiteStore) -> None:
    source = store.add_source("https://news.example/feed.xml", "feed").id
    stories = [make_article(i) for i in range(120)]
    ids = [_saved(store, a, source_id=source, guid=f"g{i}") for i, a in enumerate(stories)]
    doomed = {i for i in range(0, 120, 3)}
    for i in doomed:
        store.delete_article(ids[i])
    results = [store.save_article(a, source_id=source, guid=f"g{i}") for i, a in enumerate(stories)]
    assert [r.status for i, r in enumerate(results) if i in doomed] == ["deleted"] * len(doomed)
    assert {r.status for i, r in enumerate(results) if i not in doomed} == {"unchanged"}
    assert store.count_articles() == 120 - len(doomed)


def test_delete_unknown_article_raises(store: SQLiteStore) -> None:
    with pytest.raises(NotFoundError):
        store.delete_article(12345)


def test_ids_follow_first_seen_at_and_are_not_reused(store: SQLiteStore) -> None:
    t0 = datetime(2025, 1, 1, 12, tzinfo=UTC)
    # saved out of order, several in the same millisecond
    moments = [t0 + timedelta(seconds=s) for s in (5, 1, 3, 3, 3, 0, 4)]
    ids = [_saved(store, make_article(i), first_seen_at=m) for i, m in enumerate(moments)]
    assert len(set(ids)) == len(ids)
    by_id = sorted(zip(ids, moments, strict=True), key=lambda p: p[0])
    assert [m for _, m in by_id] == sorted(moments)
    for article_id, moment in zip(ids, moments, strict=True):
        stored = store.get_article(article_id)
        assert stored.first_seen_at == moment
        assert (
            article_id_at(moment) <= stored.id < article_id_at(moment + timedelta(milliseconds=1))
        )
    # a deleted id is never handed out again, even in the same millisecond
    last = max(i for i, m in zip(ids, moments, strict=True) if m == moments[2])
    store.delete_article(last)
    fresh = _saved(store, make_article(99), first_seen_at=moments[2])
    assert fresh > last


def test_first_seen_is_kept_apart_from_published(store: SQLiteStore) -> None:
    published = datetime(2020, 5, 17, 9, 30, tzinfo=UTC)
    seen = datetime(2025, 2, 2, 8, 0, tzinfo=UTC)
    article_id = _saved(store, make_article(5, published_at=published), first_seen_at=seen)
    stored = store.get_article(article_id)
    assert stored.published_at == published and stored.first_seen_at == seen


def test_reading_articles(store: SQLiteStore) -> None:
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    ids = [
        _saved(store, make_article(i), first_seen_at=t0 + timedelta(minutes=i)) for i in range(25)
    ]
    assert store.count_articles() == 25
    picked = [ids[7], 424242, ids[3]]
    assert [a.id for a in store.get_articles(picked)] == [ids[7], ids[3]]
    assert [a.id for a in store.iter_articles(batch=4)] == ids
    assert [a.id for a in store.latest_articles(limit=3)] == ids[::-1][:3]
    assert [a.id for a in store.latest_articles(limit=2, offset=3)] == ids[::-1][3:5]
    stored = store.get_article(ids[0])
    assert stored.body == make_article(0).body
    assert stored.sections == () and stored.source_name == "Example News"
    assert stored.story_id is not None
    assert [a.id for a in store.story_articles(stored.story_id)] == [ids[0]]


def test_find_article_by_any_address(store: SQLiteStore) -> None:
    article, _source, article_id = _base(store)
    assert store.save_article(replace(article, url="https://amp.news.example/base")).status == (
        "unchanged"
    )
    for address in (CANONICAL, BASE_URL, "https://amp.news.example/base"):
        found = store.find_article(address)
        assert found is not None and found.id == article_id, address
    assert store.find_article("https://news.example/nothing") is None


def test_story_cluster_holds_each_copy(store: SQLiteStore) -> None:
    original = make_article(40)
    first = store.save_article(original)
    copies = [
        replace(
            original,
            url=f"https://outlet{n}.example/story",
            paragraphs=tuple(Paragraph(edit_text(p.text, n)) for p in original.paragraphs),
        )
        for n in range(3)
    ]
    results = [store.save_article(c) for c in copies]
    assert {r.status for r in results} == {"new"}
    assert {r.story_id for r in results} == {first.story_id}
    assert first.story_id is not None
    assert len(store.story_articles(first.story_id)) == 4


def test_change_log(store: SQLiteStore) -> None:
    assert store.max_seq() == 0 and store.changes_since(0) == []
    a = _saved(store, make_article(1))
    b = _saved(store, make_article(2))
    store.save_annotations(a, Annotations(topics=("transport",)))
    store.delete_article(b)
    changes = store.changes_since(0)
    assert [(c.seq, c.article_id, c.op, c.kind) for c in changes] == [
        (1, a, "upsert", "stored"),
        (2, b, "upsert", "stored"),
        (3, a, "upsert", "annotated"),
        (4, b, "delete", "deleted"),
    ]
    assert all(c.at is not None for c in changes)
    assert store.max_seq() == 4
    assert store.changes_since(2, limit=1) == [changes[2]]
    assert store.changes_since(4) == []


def test_boilerplate_body_under_other_headlines_is_kept(store: SQLiteStore) -> None:
    stub = "Subscribe to keep reading."
    first = make_article(1, body=stub, headline="Port strike ends")
    second = make_article(2, body=stub, headline="Mayor resigns")
    assert store.save_article(first).status == "new"
    assert store.save_article(second).status == "new"
    assert store.save_article(replace(second, url="https://news.example/mirror")).status == (
        "unchanged"
    )
    assert store.count_articles() == 2


def test_articles_without_addresses_or_text(store: SQLiteStore) -> None:
    empty = Article(paragraphs=())
    first = store.save_article(empty)
    assert first.status == "new"
    # no key to recognise it by: a second empty article is another row, but never a crash
    assert store.save_article(empty).status == "new"
    short = Article(paragraphs=(Paragraph("Brief."),), url="https://news.example/brief")
    assert store.save_article(short).status == "new"
    assert store.save_article(short).status == "unchanged"
