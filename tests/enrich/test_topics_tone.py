"""Topics from the fixed taxonomy and tone on small invented articles."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pytest

from broadsheet.enrich import Enricher, score_tone, select_topics
from broadsheet.models import Annotations

CENTRAL_BANK = (
    "The central bank of Freedonia raised its benchmark interest rate by 50 basis points on "
    "Wednesday, its third rate hike this year, as inflation climbed to 7 percent. "
    "Policymakers said monetary policy would stay tight until consumer prices cool. "
    "Economists expect the economy to slow, and bond yields rose after the decision."
)
OIL = (
    "Crude oil prices jumped after OPEC members agreed to cut output by one million barrels a "
    "day. Brent crude rose 4 percent, and refinery margins widened. Natural gas and gasoline "
    "futures also climbed as traders bet on tighter energy supplies."
)
EARNINGS = (
    "Northwind Analytics reported quarterly earnings of $1.40 per share, beating forecasts, as "
    "revenue rose 12 percent to $3.2 billion. Net income climbed, and the company raised its "
    "dividend and its full-year guidance. Profit margins improved in every division."
)
COURT = (
    "A federal judge sentenced the former chief financial officer to eight years in prison for "
    "fraud. Prosecutors said he had embezzled money from investors; his lawyer said he would "
    "appeal the conviction. The court also ordered a settlement with the victims."
)
DIPLOMACY = (
    "The foreign minister met the ambassador for talks on a new treaty, and diplomats from both "
    "countries said the summit improved bilateral relations. The envoy will return next month "
    "to discuss sanctions and cooperation on the border."
)


@lru_cache(maxsize=1)
def _enricher() -> Enricher:
    return Enricher(quotes=False)


def _analyze(text: str) -> Annotations:
    return _enricher().analyze(text)


@pytest.mark.parametrize(
    ("text", "must", "must_not"),
    [
        (CENTRAL_BANK, {"central-banks", "economy"}, {"health", "crime-legal", "energy"}),
        (OIL, {"energy"}, {"health", "elections", "central-banks"}),
        (EARNINGS, {"earnings"}, {"conflict", "elections", "health"}),
        (COURT, {"crime-legal"}, {"energy", "technology", "trade"}),
        (DIPLOMACY, {"diplomacy"}, {"earnings", "energy", "health"}),
    ],
)
def test_topics(text: str, must: set[str], must_not: set[str]) -> None:
    topics = set(_analyze(text).topics)
    assert must <= topics, topics
    assert not (must_not & topics), topics


def test_short_neutral_text_has_no_topic() -> None:
    assert (
        _analyze("The meeting took place on a sunny afternoon in the old town hall.").topics == ()
    )


def test_taxonomy_is_documented() -> None:
    raw = json.loads(
        resources.files("broadsheet.enrich").joinpath("data/topics.json").read_text("utf-8")
    )
    doc = Path(__file__).resolve().parents[2] / "docs" / "topics.md"
    if not doc.is_file():
        pytest.skip("docs/topics.md is not in this checkout")
    text = doc.read_text("utf-8")
    for topic in raw["topics"]:
        assert f"`{topic}`" in text, f"docs/topics.md does not describe {topic}"


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        (EARNINGS, 1),
        ("Shares plunged and the company warned of heavy losses as the crisis deepened.", -1),
        ("The recovery was strong, profits improved and investors were optimistic.", 1),
        ("Exports did not improve, and the outlook was not strong.", -1),
        ("The company reported no losses and no layoffs this year.", 1),
        ("The meeting took place on Tuesday in the town hall.", 0),
    ],
)
def test_tone_sign(text: str, sign: int) -> None:
    tone = _analyze(text).tone
    assert -1.0 < tone < 1.0
    if sign == 0:
        assert tone == 0.0
    else:
        assert tone * sign > 0.2, tone


@pytest.mark.parametrize(
    ("lemmas", "expected"),
    [
        (["profit", "rise"], pytest.approx(1.7 / (1.7 + 4.0), abs=1e-4)),
        (["not", "strong"], pytest.approx(-1.0 / (1.0 + 4.0), abs=1e-4)),
        (["not", "a", "big", "very", "strong"], pytest.approx(1.0 / (1.0 + 4.0), abs=1e-4)),
        ([], 0.0),
    ],
)
def test_tone_arithmetic(lemmas: list[str], expected: float) -> None:
    assert score_tone(lemmas) == expected


def test_select_topics_from_lemmas() -> None:
    lemmas = ["the", "central", "bank", "raise", "interest", "rate", "as", "inflation", "rise"]
    assert select_topics(lemmas)[0] == "central-banks"
