"""The presearcher never loses a match: on generated queries and stories, every saved
search that ``search.matches`` finds by brute force is among the story's candidates."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadsheet.alerts import Presearcher, compile_search, story_terms
from broadsheet.alerts.compile import count_keys
from broadsheet.errors import QuerySyntaxError
from broadsheet.models import Annotations, Entity, Quote, StoredArticle, TickerMention
from broadsheet.search import article_fields, matches, prepare_article
from broadsheet.store import SavedSearch

WORDS = ["oil", "gas", "rates", "bank", "merger", "harbor", "strike", "copper", "vote", "fund"]
PEOPLE = ["Ada Morrow", "Ben Okoro", "Cleo Vance"]
TICKERS = ["ACME", "BOLT", "CRUX"]
TOPICS = ["energy", "banking", "labour"]
SOURCES = ["Harbor Ledger", "Meridian Wire"]
NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)

leaf = st.one_of(
    st.sampled_from(WORDS),
    st.builds(lambda a, b: f'"{a} {b}"', st.sampled_from(WORDS), st.sampled_from(WORDS)),
    st.builds(lambda w: f"headline:{w}", st.sampled_from(WORDS)),
    st.builds(lambda w: f"quote:{w}", st.sampled_from(WORDS)),
    st.builds(lambda p: f'person:"{p}"', st.sampled_from(PEOPLE)),
    st.builds(lambda p: f"person:{p.split()[1]}", st.sampled_from(PEOPLE)),
    st.builds(lambda p: f"by:{p.split()[0]}", st.sampled_from(PEOPLE)),
    st.builds(lambda t: f"ticker:{t}", st.sampled_from(TICKERS)),
    st.builds(lambda t: f"topic:{t}", st.sampled_from(TOPICS)),
    st.builds(lambda s: f'source:"{s}"', st.sampled_from(SOURCES)),
    st.builds(lambda s: f"source:{s.split()[0]}", st.sampled_from(SOURCES)),
    st.sampled_from(["since:2026-01-01", "until:2025-12-31", "since:7d", "since:today"]),
)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda a, b: f"{a} {b}", children, children),
        st.builds(lambda a, b: f"({a} OR {b})", children, children),
        st.builds(lambda a, b: f"{a} AND {b}", children, children),
        st.builds(lambda a: f"NOT ({a})", children),
        st.builds(lambda a, b: f"{a} -({b})", children, children),
    )


queries = st.recursive(leaf, _combine, max_leaves=6)


@st.composite
def stories(draw: st.DrawFn) -> StoredArticle:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=12))
    head = draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=4))
    body = " ".join(words) or "nothing"
    published = draw(st.sampled_from([None, datetime(2025, 12, 30, tzinfo=UTC), NOW]))
    return StoredArticle(
        id=draw(st.integers(1, 10**6)),
        version=1,
        source_id=None,
        url=None,
        canonical_url=None,
        headline=" ".join(head),
        byline=None,
        published_at=published,
        first_seen_at=NOW,
        language="en",
        body=body,
        sections=(),
        images=(),
        story_id=1,
        source_name=draw(st.sampled_from(SOURCES)),
    )


@st.composite
def annotations(draw: st.DrawFn, body: str) -> Annotations:
    people = draw(st.lists(st.sampled_from(PEOPLE), max_size=2, unique=True))
    tickers = draw(st.lists(st.sampled_from(TICKERS), max_size=2, unique=True))
    topics = draw(st.lists(st.sampled_from(TOPICS), max_size=2, unique=True))
    quoted = draw(st.booleans()) and bool(body)
    quotes = ()
    if quoted and people:
        quotes = (Quote((0, min(len(body), 10)), None, None, people[0], "direct"),)
    return Annotations(
        entities=tuple(Entity(0, 1, "PERSON", p, p) for p in people),
        tickers=tuple(TickerMention(0, 1, t, t, 0.5) for t in tickers),
        quotes=quotes,
        topics=tuple(topics),
    )


def _compiled(texts: list[str]) -> list[SavedSearch]:
    out = []
    for i, text in enumerate(texts):
        try:
            compile_search(SavedSearch(i, "local", f"s{i}", text, True, NOW))
        except QuerySyntaxError:
            continue
        out.append(SavedSearch(i, "local", f"s{i}", text, True, NOW))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(queries, min_size=5, max_size=40),
    data=st.data(),
    sample=st.integers(0, 3),
)
def test_candidates_hold_every_brute_force_match(
    texts: list[str], data: st.DataObject, sample: int
) -> None:
    saved = _compiled(texts)
    arts = [data.draw(stories()) for _ in range(6)]
    prepared = [prepare_article(article_fields(a, data.draw(annotations(a.body)))) for a in arts]
    # term costs from some of the stories (any costs must give a sound index)
    pre = Presearcher(count_keys(prepared[:sample]), sample=sample)
    compiled = [compile_search(s) for s in saved]
    for search in compiled:
        pre.add(search)
    for prep in prepared:
        candidates = {c.id for c in pre.candidates(prep)}
        for search in compiled:
            if matches(search.tree_at(NOW), prep):
                assert search.id in candidates, search.query
    # refining with what was seen keeps it sound
    for prep in prepared:
        pre.observe(*story_terms(prep))
    for _ in range(64):  # enough stories seen to choose every search's terms again
        pre.observe(())
    pre.refine(budget=10_000)
    for prep in prepared:
        candidates = {c.id for c in pre.candidates(prep)}
        for search in compiled:
            if matches(search.tree_at(NOW), prep):
                assert search.id in candidates, search.query


def test_an_and_is_indexed_under_its_rarest_term() -> None:
    stats = {"w\x1fsaid": 90, "w\x1fcopper": 2}
    pre = Presearcher(stats, sample=100)
    search = compile_search(SavedSearch(1, "local", "a", "said copper", True, NOW))
    pre.add(search)
    assert pre.always == 0
    assert pre._keys[1] == frozenset({"w\x1fcopper"})


def test_pure_not_and_dates_go_to_the_always_list() -> None:
    pre = Presearcher()
    for i, text in enumerate(["-oil", "since:7d", "NOT ticker:ACME", "oil OR -gas"]):
        pre.add(compile_search(SavedSearch(i, "local", f"s{i}", text, True, NOW)))
    assert pre.always == 4


def test_compiled_search_knows_relative_dates_and_annotation_needs() -> None:
    def compiled(text: str):
        return compile_search(SavedSearch(1, "local", "a", text, True, NOW))

    assert compiled("oil since:7d").relative
    assert not compiled("oil since:2020-01-01").relative
    assert compiled("oil").annotations == "none"
    assert compiled("ticker:ACME oil").annotations == "monotone"
    assert compiled("oil -ticker:ACME").annotations == "awaits"
    assert compiled("oil NOT (gas OR person:Morrow)").annotations == "awaits"
    assert compiled("NOT (NOT topic:energy)").annotations == "monotone"
