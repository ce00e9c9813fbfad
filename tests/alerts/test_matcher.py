"""The percolator's compiled searches answer exactly as ``search.matches`` does, and a story
whose tokens are reused when its annotations arrive matches as if read afresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from broadsheet.alerts.compile import Moment, compile_search
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


RELATIVE = [
    "copper since:7d",
    "since:24h until:now",
    "since:today",
    "since:yesterday until:today",
    "copper AND NOT since:2w",
    "(copper since:1d) OR (tin until:yesterday)",
    "since:2020-01-01 until:3d",
    "-(since:today) results",
]


def test_relative_searches_read_their_dates_from_the_moment(tmp_path: Path) -> None:
    """A relative search compiled with a ``Moment`` answers as the query parsed at that
    moment does, without being parsed again (around midnight, too)."""
    stories = _stories(tmp_path, 3, 12)
    dates = [a.published_at or a.first_seen_at for a, _notes in stories]
    assert all(d is not None for d in dates)
    moment = Moment()
    searches = [
        compile_search(SavedSearch(n, "local", f"r{n}", q, True, datetime(2020, 1, 1, tzinfo=UTC)))
        for n, q in enumerate(RELATIVE)
    ]
    timed = [
        compile_search(SavedSearch(s.id, "local", s.name, s.query, True, s.created_at), moment)
        for s in searches
    ]
    assert all(s.relative for s in searches) and all(t.timed for t in timed)
    first = min(d for d in dates if d is not None)
    moments = [first + timedelta(days=k, hours=h) for k in (0, 1, 3, 8, 20) for h in (0, 23)]
    moments += [
        first.replace(hour=0, minute=0, second=0) + timedelta(days=1, seconds=s) for s in (-1, 0, 1)
    ]
    agreed = fired = 0
    for at in moments:
        moment.set(at)
        for article, notes in stories:
            fields = article_fields(article, notes)
            for search, fast in zip(searches, timed, strict=True):
                expected = matches(parse_query(search.query, now=at), prep(fields))
                assert fast.matcher(prep(fields)) == expected, (search.query, at)
                agreed += 1
                fired += expected
    assert agreed == len(moments) * len(stories) * len(RELATIVE)
    assert 0 < fired < agreed  # the moments put stories on both sides of the bounds
