"""The percolator's compiled searches answer exactly as ``search.matches`` does, and a story
whose tokens are reused when its annotations arrive matches as if read afresh."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from broadsheet.alerts.compile import compile_search
from broadsheet.bench.alerts_corpus import StoryMaker, make_searches
from broadsheet.models import Annotations, StoredArticle
from broadsheet.search import article_fields, compile_matcher, matches, parse_query
from broadsheet.search import prepare_article as prep
from broadsheet.store import SavedSearch, open_store

from .helpers import store_story

# forms the bench's corpus lacks: phrases in a field, NOT at the top, three-way AND/OR,
# dates, the empty query
EXTRA = [
    'headline:"copper prices"',
    'body:"rose sharply" OR body:"fell sharply"',
    "-copper",
    "copper AND rose AND NOT fell",
    "copper OR tin OR zinc OR results",
    "since:2020-01-01",
    "",
]


def _stories(tmp_path: Path, seed: int, count: int) -> list[tuple[StoredArticle, Annotations]]:
    store = open_store(str(tmp_path / "store.db"))
    try:
        maker = StoryMaker(seed)
        made = [maker.story(n) for n in range(count)]
        ids = [store_story(store, m.article, m.annotations) for m in made]
        return [(a, store.get_annotations(a.id)) for a in store.get_articles(ids)]
    finally:
        store.close()


def test_compiled_searches_agree_with_matches_on_every_story(tmp_path: Path) -> None:
    stories = _stories(tmp_path, 5, 40)
    trees = [parse_query(q) for _name, q in make_searches(600, 5)] + [parse_query(q) for q in EXTRA]
    compiled = [compile_matcher(t) for t in trees]
    checked = fired = 0
    for article, notes_of in stories:
        for notes in (notes_of, Annotations()):
            fields = article_fields(article, notes)
            for tree, matcher in zip(trees, compiled, strict=True):
                expected = matches(tree, prep(fields))
                assert matcher(prep(fields)) == expected, (tree, article.headline)
                checked += 1
                fired += expected
    assert checked == 2 * len(stories) * len(trees)
    assert fired > 100  # the corpus matches often enough for the comparison to mean much


def test_reused_tokens_match_as_a_fresh_read(tmp_path: Path) -> None:
    moment = datetime(2020, 1, 1, tzinfo=UTC)
    searches = [
        compile_search(SavedSearch(n, "local", f"s{n}", q, True, moment))
        for n, (_name, q) in enumerate(make_searches(2000, 9))
    ]
    fired = 0
    for article, notes_of in _stories(tmp_path, 9, 20):
        before = prep(article_fields(article, Annotations()))
        for search in searches:
            search.matcher(before)  # fills its token caches as the first decision would
        after = prep(article_fields(article, notes_of))
        after.reuse(before)
        fresh = prep(article_fields(article, notes_of))
        for search in searches:
            expected = matches(search.tree, fresh)
            assert search.matcher(after) == expected, search.query
            fired += expected
    assert fired > 10
