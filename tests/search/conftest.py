"""A small hand-written news corpus, indexed for real in a temporary directory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadsheet.models import Annotations, Entity, Quote, StoredArticle, TickerMention
from broadsheet.search import SearchIndex

NOW = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    key: str
    headline: str
    body: str
    source: str
    published: datetime | None
    first_seen: datetime
    lang: str = "en"
    url: str | None = None
    people: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    tickers: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    quotes: tuple[tuple[str, str], ...] = ()  # (words said, speaker)


def _d(y: int, m: int, d: int, h: int = 9) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


ITEMS: tuple[Item, ...] = (
    Item(
        "rates",
        "Central bank raises interest rates again",
        "The central bank raised interest rates by a quarter point on Monday, its third "
        "increase this year. Governor Lena Marsh said inflation remained too high.\n\n"
        'Analysts at Kestrel Partners had expected the move. "Rates will stay high for a '
        'while," said Tom Reyes, an economist.',
        "Harbour Ledger",
        _d(2010, 5, 3),
        _d(2010, 5, 3, 10),
        url="https://www.harbourledger.example/2010/05/rates",
        people=("Lena Marsh", "Tom Reyes"),
        orgs=("Kestrel Partners",),
        topics=("economy",),
        quotes=(("Rates will stay high for a while", "Tom Reyes"),),
    ),
    Item(
        "oil",
        "Oil prices slump as supply grows",
        "Oil prices fell sharply on Tuesday as producers pumped more crude. Gas prices held "
        "steady. Traders in Rotterdam said demand was weak.",
        "Morning Courier",
        _d(2010, 5, 4),
        _d(2010, 5, 4, 11),
        places=("Rotterdam",),
        topics=("energy", "markets"),
    ),
    Item(
        "gas",
        "Gas shortage hits northern towns",
        "Families in three northern towns queued for gas canisters after deliveries stopped. "
        "The mayor blamed the cold winter.",
        "Harbour Ledger",
        _d(2010, 6, 15),
        _d(2010, 6, 15, 12),
        topics=("energy",),
    ),
    Item(
        "phone",
        "Tech maker Acme unveils a new phone",
        "Acme Corp. showed a new phone in San Jose. Its chief executive, Priya Nair, said "
        "sales of the U.S. model would start in March.",
        "Valley Herald",
        None,  # no publication date: filed under first seen
        _d(2011, 1, 10),
        people=("Priya Nair",),
        orgs=("Acme Corp.",),
        places=("San Jose",),
        tickers=("ACME",),
        topics=("technology",),
        quotes=(("sales of the U.S. model would start in March", "Priya Nair"),),
    ),
    Item(
        "taux",
        "La banque centrale maintient ses taux",
        "La banque centrale a maintenu ses taux d'intérêt. À Zürich et à Genève, les "
        "marchés ont salué la décision.",
        "Le Quotidien",
        _d(2010, 5, 3, 15),
        _d(2010, 5, 3, 16),
        lang="fr",
        places=("Zürich", "Genève"),
        topics=("economy",),
    ),
    Item(
        "savers",
        "Savers lose interest as bank rates stall",
        "Savers say the rates on offer are poor. Interest in fixed bonds is fading, and "
        "rates interest nobody, one adviser joked.",
        "Morning Courier",
        _d(2012, 11, 7),
        _d(2012, 11, 7, 10),
        topics=("economy",),
    ),
    Item(
        "covid",
        "Hospitals prepare for COVID-19 surge",
        "Hospitals across the region prepared for a surge of COVID-19 patients, cancelling "
        "routine operations. Nurses said the oil of the machine was running low.",
        "Valley Herald",
        _d(2020, 3, 15),
        _d(2020, 3, 15, 10),
        topics=("health",),
    ),
    Item(
        "strike1",
        "Port strike enters second week",
        "Dock workers stayed off the job for an eighth day. Ships waited outside the port.",
        "Harbour Ledger",
        _d(2024, 3, 1),
        _d(2024, 3, 1, 10),
        topics=("labour",),
    ),
    Item(
        "strike2",
        "Port strike ends after deal",
        "Union leaders and the port authority signed a deal late on Saturday.",
        "Morning Courier",
        _d(2024, 3, 9, 18),
        _d(2024, 3, 9, 19),
        topics=("labour",),
    ),
    Item(
        "ships",
        "Ships return to the port",
        "The first container ships docked at dawn as cranes started moving again.",
        "Valley Herald",
        _d(2024, 3, 10, 8),
        _d(2024, 3, 10, 8),
        topics=("labour", "shipping"),
    ),
)


def annotations_of(item: Item) -> Annotations:
    body = item.body
    entities = []
    for kind, names in (("PERSON", item.people), ("ORG", item.orgs), ("PLACE", item.places)):
        for name in names:
            start = body.find(name)
            start = max(start, 0)
            entities.append(Entity(start, start + len(name), kind, name, name))  # type: ignore[arg-type]
    tickers = tuple(TickerMention(0, 0, t, t.title(), 1.0) for t in item.tickers)
    quotes = []
    for said, speaker in item.quotes:
        start = body.find(said)
        assert start >= 0, said
        quotes.append(Quote((start, start + len(said)), None, None, speaker, "direct"))
    return Annotations(
        entities=tuple(entities), tickers=tickers, quotes=tuple(quotes), topics=item.topics
    )


def stored_of(item: Item, article_id: int) -> StoredArticle:
    return StoredArticle(
        id=article_id,
        version=1,
        source_id=None,
        url=item.url,
        canonical_url=None,
        headline=item.headline,
        byline=None,
        published_at=item.published,
        first_seen_at=item.first_seen,
        language=item.lang,
        body=item.body,
        sections=(),
        images=(),
        story_id=None,
        source_name=item.source,
    )


IDS = {item.key: 100 + n for n, item in enumerate(ITEMS)}
KEYS = {v: k for k, v in IDS.items()}
PAIRS = [(stored_of(item, IDS[item.key]), annotations_of(item)) for item in ITEMS]


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    path: Path = tmp_path_factory.mktemp("index")
    index = SearchIndex(path)
    index.index_articles(PAIRS)
    index.commit()
    yield index
    index.close()


def keys_of(index: SearchIndex, query: str) -> set[str]:
    results = index.search(query, limit=100, now=NOW)
    assert results.total == len(results.hits)
    return {KEYS[h.article_id] for h in results.hits}
