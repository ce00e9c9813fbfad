"""``broadsheet bench search``: a reproducible synthetic news corpus, indexed, then timed.

The corpus: N articles with ids in time order, published over 2010-2025 by 40 sources.
Words are drawn from a Zipfian vocabulary (exponent 1.0) of 60,000 words: about 400 common
news words at the top ranks, people's and places' names, then made-up words built from
syllables for the long tail. Headlines have 6-12 words, bodies 80-320 (200 on average) in
paragraphs. The same seed gives the same corpus and the same queries.

Timed (top 20 by relevance, through ``SearchIndex.search`` with a query string, so parsing,
counting all matches, loading the 20 documents and making their snippets are all included;
each query runs three times and counts with its median):

- ``one``: one word; ``two``: two words (AND); ``phrase``: two consecutive words of a
  random article; ``filtered``: one word, ``source:`` and a one-year ``since:``/``until:``.
  Query words are drawn uniformly from the 5,000 most frequent words of the vocabulary, from
  "said" (in every article) down to words in about 0.5% of them; phrases are two consecutive
  words at a random place in a random article, so they follow the corpus's own frequencies.
- ``searchable_after_ms``: an article is written to a real store (SQLite), indexed and
  committed, then searched for until it is found; from the start of the write to the find.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from broadsheet.models import Article, Paragraph, StoredArticle
from broadsheet.search.index import SearchIndex

__all__ = ["SyntheticCorpus", "run_search_bench"]


def _words(text: str) -> list[str]:
    return text.split()


_NEWS_WORDS = _words(
    """
said the of to and in a for on that is with was by as at from it has have be are will
not an its but after were more their this which new who had year would been than also
government minister president company market prices percent billion million shares
officials people country state police court trade economy bank bonds oil gas energy
election vote party leaders talks deal report week month today yesterday announced
according told statement spokesman analysts investors growth inflation rates interest
central federal reserve stocks index dollar euro yen currency exports imports tariffs
china united states europe japan india russia brazil germany france britain canada
security military forces attack war peace troops border crisis protest strike workers
union health hospital virus vaccine doctors patients climate weather storm flood fire
earthquake disaster rescue aid water food farmers crops drought energy power nuclear
coal solar wind electricity fuel pipeline refinery production output demand supply sales
profit revenue earnings quarter forecast outlook results shareholders chief executive
board merger acquisition bid offer stake lawsuit judge trial verdict charges
investigation fraud corruption scandal resignation parliament congress senate house bill
law tax budget spending debt deficit cuts reform pension jobs unemployment wages housing
homes mortgage loans lending credit banks insurance regulators rules agency technology
software internet phone data privacy online users platform network chips cars electric
batteries airline flights airport travel tourism hotels shipping ports football match
team season coach players championship league cup final victory defeat film music
festival museum art book author prize award school students university research
scientists study space mission satellite rocket launch ocean species forest city capital
region province village residents community church religious leader minister foreign
diplomatic embassy ambassador sanctions negotiations agreement treaty summit meeting
conference council committee commission inquiry hearing testimony opposition coalition
candidate campaign voters polls ballot results turnout majority rebels militants
fighting ceasefire refugees migrants asylum camp humanitarian relief prime secretary
general director spokeswoman adviser governor mayor chairman analyst rose fell climbed
dropped surged slumped gained lost jumped declined steady higher lower record highest
lowest early late first second third last next previous former
"""
)

_FIRST = _words(
    """
Anna Ben Carlos Dina Erik Fatima Grace Hiro Ines Jamal Karin Luis Maya Nikolai Olga
Pedro Quinn Rosa Samir Tara Umar Vera Wei Xenia Yusuf Zara Amir Beatrice Chen David
Elena Farid Gloria Hannah Ivan Julia Kenji Leila Marco Nadia
"""
)
_LAST = _words(
    """
Adams Bauer Costa Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kowalski Lopez Moreau
Nakamura Okafor Petrov Quintero Rossi Silva Tanaka Ueda Varga Wagner Xu Yilmaz Zhou
Abbott Brennan Castillo Delgado Evans Fontaine Gupta Horvat Ibrahim Jovanovic Kim Larsen
Mendes Novak
"""
)
_PLACES = _words(
    """
Ankara Bogota Cairo Dakar Edinburgh Frankfurt Geneva Hanoi Istanbul Jakarta Kyiv Lagos
Madrid Nairobi Oslo Paris Quito Riyadh Seoul Tokyo Utrecht Vienna Warsaw Yangon Zagreb
"""
)
_SOURCES = """Daily Ledger|Morning Courier|Evening Standard Post|Harbor Times|Capital Wire|
Northern Gazette|Metro Tribune|Valley Herald|Coastal Observer|Continental Press|
Financial Chronicle|Market Journal|Global Dispatch|City Bulletin|Union Review|
Sunday Examiner|Weekly Sentinel|Atlantic Record|Pacific Report|Mountain News|
River Mail|Prairie Voice|Island Telegraph|Frontier Times|Central Register|
Business Today|Trade Monitor|World Desk|National Courier|Regional Post|
Free Press Daily|Citizen Journal|Public Ledger|Star Tribune Online|Morning Wire|
Evening Dispatch|Herald Online|Gazette Weekly|Observer Daily|Newsroom One""".replace(
    "\n", ""
).split("|")
_SYLLABLES = _words(
    """
ka lo mi ne ta ri so vu ba de gi ho ju ke la mo nu pe ra si to va we xi yo za bri cla
dro fen gal hur ist jor kel lum mar nor ost pil quo ren sta tur vel wyn zor
"""
)

VOCABULARY = 60_000
ZIPF_EXPONENT = 1.0
QUERY_RANKS = 5_000
START = datetime(2010, 1, 1, tzinfo=UTC)
END = datetime(2026, 1, 1, tzinfo=UTC)


def _vocabulary(rng: random.Random) -> list[str]:
    words: list[str] = list(dict.fromkeys(w.lower() for w in _NEWS_WORDS))
    names = [*_FIRST, *_LAST, *_PLACES]
    rng.shuffle(names)
    # names sit among the common words, every seventh rank from 100 on
    for k, name in enumerate(names):
        words.insert(min(len(words), 100 + 7 * k), name)
    seen = set(words)
    while len(words) < VOCABULARY:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


@dataclass
class SyntheticCorpus:
    """A reproducible stream of synthetic articles (see the module docstring)."""

    size: int
    seed: int = 7

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        self.words = _vocabulary(rng)
        self._vocab = np.array(self.words, dtype=object)
        ranks = np.arange(1, VOCABULARY + 1, dtype=np.float64)
        weights = ranks**-ZIPF_EXPONENT
        self._cdf = np.cumsum(weights / weights.sum())
        self.sources = _SOURCES
        source_w = 1.0 / np.arange(1, len(_SOURCES) + 1) ** 0.8
        self._source_cdf = np.cumsum(source_w / source_w.sum())
        span = (END - START).total_seconds()
        self._step = span / max(1, self.size)

    def _draw(self, gen: np.random.Generator, n: int) -> Any:
        idx = np.searchsorted(self._cdf, gen.random(n), side="right")
        return np.minimum(idx, VOCABULARY - 1)

    def date_of(self, article_id: int) -> datetime:
        return START + timedelta(seconds=int((article_id - 1) * self._step))

    def batches(self, batch: int = 10_000) -> Any:
        """Yield lists of StoredArticle, ids 1..size in time order."""
        gen = np.random.default_rng(self.seed)
        for first in range(1, self.size + 1, batch):
            count = min(batch, self.size - first + 1)
            head_len = gen.integers(6, 13, count)
            body_len = gen.integers(80, 321, count)
            words = self._vocab[self._draw(gen, int(head_len.sum() + body_len.sum()))].tolist()
            srcs = np.searchsorted(self._source_cdf, gen.random(count), side="right")
            out: list[StoredArticle] = []
            pos = 0
            for k in range(count):
                article_id = first + k
                h = int(head_len[k])
                b = int(body_len[k])
                headline = " ".join(words[pos : pos + h]).capitalize()
                pos += h
                body_words = words[pos : pos + b]
                pos += b
                paragraphs = [
                    " ".join(body_words[i : i + 50]).capitalize() + "." for i in range(0, b, 50)
                ]
                published = self.date_of(article_id)
                source = self.sources[min(int(srcs[k]), len(self.sources) - 1)]
                out.append(
                    StoredArticle(
                        id=article_id,
                        version=1,
                        source_id=None,
                        url=None,
                        canonical_url=None,
                        headline=headline,
                        byline=None,
                        published_at=published,
                        first_seen_at=published + timedelta(minutes=5),
                        language="en",
                        body="\n\n".join(paragraphs),
                        sections=(),
                        images=(),
                        story_id=None,
                        source_name=source,
                    )
                )
            yield out

    def query_word(self, rng: random.Random) -> str:
        """A word a user might search for: uniform over the 5,000 most frequent words."""
        return self.words[rng.randrange(QUERY_RANKS)]


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return p50, p99


def _time_queries(index: Any, queries: list[str], runs: int = 3) -> dict[str, float]:
    """Each query is run ``runs`` times and its median kept (this 2-core machine is shared:
    a single run's time is often one scheduler slice of someone else's work)."""
    for q in queries[:10]:  # warm up caches
        index.search(q, limit=20)
    samples = []
    for q in queries:
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            index.search(q, limit=20)
            times.append((time.perf_counter() - t0) * 1000)
        samples.append(statistics.median(times))
    p50, p99 = _percentiles(samples)
    return {"p50_ms": round(p50, 3), "p99_ms": round(p99, 3)}


def _make_queries(
    corpus: SyntheticCorpus, bodies: dict[int, str], n: int, seed: int
) -> dict[str, list[str]]:
    rng = random.Random(seed + 1)
    one = [corpus.query_word(rng) for _ in range(n)]
    two = []
    for _ in range(n):
        a = corpus.query_word(rng)
        b = corpus.query_word(rng)
        while b == a:
            b = corpus.query_word(rng)
        two.append(f"{a} {b}")
    phrase = []
    for article_id in sorted(bodies):
        words = bodies[article_id].split()
        i = rng.randrange(0, max(1, len(words) - 1))
        pair = [w.strip(".").lower() for w in words[i : i + 2]]
        phrase.append('"' + " ".join(pair) + '"')
    filtered = []
    for _ in range(n):
        word = corpus.query_word(rng)
        source = rng.choice(corpus.sources)
        start = START + timedelta(days=rng.randrange(0, (END - START).days - 366))
        until = start + timedelta(days=364)
        filtered.append(
            f'{word} source:"{source}" since:{start.date().isoformat()} '
            f"until:{until.date().isoformat()}"
        )
    return {"one": one, "two": two, "phrase": phrase, "filtered": filtered}


def _searchable_after(index: SearchIndex, workdir: Path, tries: int = 50) -> dict[str, float]:
    try:
        from broadsheet.store import open_store
    except ImportError:  # the store package is not there: time the index alone
        open_store = None  # type: ignore[assignment]
    store: Any = open_store(str(workdir / "bench-store.db")) if open_store is not None else None
    samples = []
    try:
        for k in range(tries):
            token = f"zzfresh{k}marker"
            body = f"A fresh report mentions {token} among other things."
            t0 = time.perf_counter()
            if store is not None:
                article = Article(
                    paragraphs=(Paragraph(body),),
                    headline=f"Fresh story {k}",
                    published_at=datetime.now(UTC),
                    url=f"https://bench.example/fresh/{k}",
                )
                saved = store.save_article(article)
                stored = store.get_article(saved.article_id)
            else:
                now = datetime.now(UTC)
                stored = StoredArticle(
                    id=10**12 + k, version=1, source_id=None, url=None, canonical_url=None,
                    headline=f"Fresh story {k}", byline=None, published_at=now,
                    first_seen_at=now, language="en", body=body, sections=(), images=(),
                    story_id=None,
                )  # fmt: skip
            index.index_articles([(stored, None)])
            index.commit()
            while index.search(token, limit=1).total < 1:
                time.sleep(0.001)
            samples.append((time.perf_counter() - t0) * 1000)
    finally:
        if store is not None:
            store.close()
    p50, p99 = _percentiles(samples)
    return {"p50": round(p50, 3), "p99": round(p99, 3)}


def build_bench_index(
    corpus: SyntheticCorpus,
    path: Path,
    progress: Callable[[int, int], None] | None = None,
    keep: dict[int, str] | None = None,
) -> SearchIndex:
    """Index the whole corpus in bulk (big writer heap, one commit, merges awaited).

    ``keep``: ids whose bodies are wanted (the dict is filled in place).
    """
    index = SearchIndex(path, writer_heap=1_000_000_000, writer_threads=2)
    done = 0
    for batch in corpus.batches():
        if keep:
            for article in batch:
                if article.id in keep:
                    keep[article.id] = article.body
        done += index.index_articles(((a, None) for a in batch), upsert=False)
        if progress is not None:
            progress(done, corpus.size)
    index.commit()
    index.close()  # waits for the merges the commit started
    index.commit()  # reload the searcher onto the merged segments
    return index


def build_postgres_index(
    corpus: SyntheticCorpus,
    url: str,
    method: str,
    progress: Callable[[int, int], None] | None = None,
    keep: dict[int, str] | None = None,
) -> Any:
    """Fill PostgreSQL search (``search_docs`` in the empty database at ``url``) with the
    corpus, ranked with ``method`` ("rum" or "gin"), then ANALYZE it."""
    from broadsheet.search.postgres import PostgresSearch, index_rows

    index = PostgresSearch(url, method=method)  # type: ignore[arg-type]
    done = 0
    for batch in corpus.batches(2000):
        if keep:
            for article in batch:
                if article.id in keep:
                    keep[article.id] = article.body
        done += index_rows(index, ((a, None) for a in batch))
        if progress is not None:
            progress(done, corpus.size)
    index.analyze()
    return index


def _searchable_after_postgres(index: Any, url: str, tries: int = 50) -> dict[str, float]:
    """Saved in the PostgreSQL store, then found by PostgreSQL search (its catch-up)."""
    from broadsheet.store import open_store

    store = open_store(url)
    samples = []
    try:
        for k in range(tries):
            token = f"zzfresh{k}marker"
            t0 = time.perf_counter()
            store.save_article(
                Article(
                    paragraphs=(Paragraph(f"A fresh report mentions {token} among others."),),
                    headline=f"Fresh story {k}",
                    published_at=datetime.now(UTC),
                    url=f"https://bench.example/fresh/{k}",
                )
            )
            index.catch_up(store)
            while index.search(token, limit=1).total < 1:
                time.sleep(0.001)
            samples.append((time.perf_counter() - t0) * 1000)
    finally:
        store.close()
    p50, p99 = _percentiles(samples)
    return {"p50": round(p50, 3), "p99": round(p99, 3)}


def run_search_bench(
    articles: int,
    *,
    workdir: Path,
    seed: int = 7,
    queries_per_class: int = 200,
    progress: Callable[[int, int], None] | None = None,
    timings: dict[str, float] | None = None,
    backend: str = "tantivy",
    postgres_url: str | None = None,
) -> dict[str, Any]:
    """Build the corpus in ``workdir``, time the four query classes and store-to-searchable.

    ``backend``: "tantivy", or "postgres-rum" / "postgres-gin" (PostgreSQL search in the
    empty database at ``postgres_url``, ranked with RUM or with GIN and ts_rank).

    Returns ``{"articles", "queries": {"one"|"two"|"phrase"|"filtered": {"p50_ms","p99_ms"}},
    "searchable_after_ms": {"p50","p99"}}``. ``timings`` (if given) receives ``build_s``.
    """
    workdir = Path(workdir)
    corpus = SyntheticCorpus(articles, seed)
    pick = random.Random(seed + 2)
    bodies = {pick.randint(1, articles): "" for _ in range(queries_per_class)}
    t0 = time.perf_counter()
    if backend != "tantivy":
        if not postgres_url:
            raise ValueError(f"the {backend} search benchmark needs a PostgreSQL database URL")
        method = backend.removeprefix("postgres-")
        pg = build_postgres_index(corpus, postgres_url, method, progress, bodies)
        if timings is not None:
            timings["build_s"] = round(time.perf_counter() - t0, 1)
        try:
            queries = _make_queries(corpus, bodies, queries_per_class, seed)
            return {
                "articles": articles,
                "backend": f"postgres-{pg.method}",
                "queries": {name: _time_queries(pg, qs) for name, qs in queries.items()},
                "searchable_after_ms": _searchable_after_postgres(pg, postgres_url),
            }
        finally:
            pg.close()
    index = build_bench_index(corpus, workdir / "index", progress, bodies)
    if timings is not None:
        timings["build_s"] = round(time.perf_counter() - t0, 1)
    try:
        queries = _make_queries(corpus, bodies, queries_per_class, seed)
        result: dict[str, Any] = {
            "articles": articles,
            "queries": {name: _time_queries(index, qs) for name, qs in queries.items()},
            "searchable_after_ms": _searchable_after(index, workdir),
        }
    finally:
        index.close()
    return result
