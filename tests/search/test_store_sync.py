"""The index follows the real store: catch_up from its change log, rebuild from scratch."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import tantivy

from broadsheet.models import Article, Paragraph
from broadsheet.search import SearchIndex
from broadsheet.search.fields import INDEXED_KEYWORD_FIELDS
from broadsheet.store import SQLiteStore, open_store

from .conftest import ITEMS, NOW, Item, annotations_of


def article_of(item: Item, body: str | None = None) -> Article:
    return Article(
        paragraphs=tuple(Paragraph(p) for p in (body or item.body).split("\n\n")),
        headline=item.headline,
        published_at=item.published,
        url=item.url or f"https://news.example/{item.key}",
        language=item.lang,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = open_store(str(tmp_path / "broadsheet.db"))
    yield s
    s.close()


def save_all(store: SQLiteStore) -> dict[str, int]:
    ids = {}
    for item in ITEMS:
        result = store.save_article(article_of(item), first_seen_at=item.first_seen)
        assert result.status == "new" and result.article_id is not None
        ids[item.key] = result.article_id
        store.save_annotations(result.article_id, annotations_of(item))
    return ids


def found(index: SearchIndex, query: str) -> set[int]:
    return {h.article_id for h in index.search(query, limit=100, now=NOW).hits}


def test_catch_up_follows_saves_versions_annotations_and_deletes(
    store: SQLiteStore, tmp_path: Path
) -> None:
    ids = save_all(store)
    path = tmp_path / "index"
    with SearchIndex(path) as index:
        assert index.catch_up(store) >= len(ITEMS)
        assert index.last_seq == store.max_seq()
        assert index.count() == len(ITEMS)
        assert found(index, "oil") == {ids["oil"], ids["covid"]}
        assert found(index, 'by:"tom reyes"') == {ids["rates"]}
        assert found(index, "place:rotterdam") == {ids["oil"]}
        assert index.catch_up(store) == 0  # nothing new

        # a new version of an article replaces the old text
        gas = next(i for i in ITEMS if i.key == "gas")
        result = store.save_article(article_of(gas, "Gas deliveries resumed on Friday."))
        assert result.status == "new_version" and result.article_id == ids["gas"]
        # annotations saved later are picked up too
        oil_item = next(i for i in ITEMS if i.key == "oil")
        store.save_annotations(ids["oil"], annotations_of(oil_item))
        store.delete_article(ids["covid"])
        assert found(index, "canisters") == {ids["gas"]}  # not applied yet
        assert index.catch_up(store, batch=2) >= 3  # several small batches
        assert found(index, "canisters") == set()
        assert found(index, "resumed") == {ids["gas"]}
        assert found(index, "oil") == {ids["oil"]}
        assert index.count() == len(ITEMS) - 1
        seq = index.last_seq
        assert seq == store.max_seq()

    # last_seq was persisted with the commit: a reopened index only reads what is new
    with SearchIndex(path) as index:
        assert index.last_seq == seq
        assert index.catch_up(store) == 0
        phone = next(i for i in ITEMS if i.key == "phone")
        store.save_article(article_of(phone, "Acme delayed the phone launch to May."))
        assert index.catch_up(store) == 1
        assert found(index, "delayed") == {ids["phone"]}


def test_rebuild_replaces_everything(store: SQLiteStore, tmp_path: Path) -> None:
    ids = save_all(store)
    store.delete_article(ids["ships"])
    with SearchIndex(tmp_path / "index") as index:
        # stale content the store does not have
        index.index_articles([(store.get_article(ids["oil"]), None)])
        index.commit()
        bogus = store.get_article(ids["rates"])
        index.index_articles(
            [(type(bogus)(**{**{f: getattr(bogus, f) for f in bogus.__slots__}, "id": 1}), None)]
        )
        index.commit()
        calls: list[tuple[int, int]] = []
        n = index.rebuild(store, progress=lambda done, total: calls.append((done, total)))
        assert n == len(ITEMS) - 1 == index.count()
        assert calls[-1] == (n, store.count_articles())
        assert index.last_seq == store.max_seq()
        assert 1 not in found(index, "")
        assert found(index, "cranes") == set()
        assert found(index, 'person:"priya nair"') == {ids["phone"]}
        assert index.catch_up(store) == 0


def test_rebuild_of_an_empty_store(store: SQLiteStore) -> None:
    index = SearchIndex(None)
    assert index.rebuild(store) == 0
    assert index.count() == 0
    assert index.last_seq == store.max_seq() == 0


def test_an_index_from_before_name_parts_is_refilled_by_catch_up(
    store: SQLiteStore, tmp_path: Path
) -> None:
    """A user's index of schema 2 (whole-value keyword terms only, fully caught up) is
    started over on opening, and the next catch_up (run by every search command) refills it
    from the store, with name parts."""
    ids = save_all(store)
    path = tmp_path / "index"
    path.mkdir()
    old = tantivy.SchemaBuilder()  # the fields of schema 2, before name parts
    old.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    for name in ("headline", "body", "quote", "grams"):
        old.add_text_field(name, stored=name != "quote")
    for name in INDEXED_KEYWORD_FIELDS:
        old.add_text_field(name, stored=name == "source", tokenizer_name="raw")
    old_index = tantivy.Index(old.build(), path=str(path))
    writer = old_index.writer(15_000_000, 1)
    doc = tantivy.Document()
    doc.add_unsigned("id", ids["rates"])
    doc.add_text("by", "tom reyes")
    writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    (path / "broadsheet-search.json").write_text(
        json.dumps({"schema": 2, "last_seq": store.max_seq()})
    )
    with SearchIndex(path) as index:
        assert index.count() == 0
        assert index.last_seq == 0 < store.max_seq()  # so a search command catches up
        index.catch_up(store)
        assert index.count() == len(ITEMS)
        assert found(index, "by:reyes") == {ids["rates"]}
        assert found(index, 'by:"tom reyes"') == {ids["rates"]}
        assert found(index, "person:nair") == {ids["phone"]}
    state = json.loads((path / "broadsheet-search.json").read_text())
    assert state == {"schema": 3, "last_seq": store.max_seq()}
    with SearchIndex(path) as again:  # and it is not started over a second time
        assert again.count() == len(ITEMS)
        assert found(again, "org:kestrel") == {ids["rates"]}
