"""The seed article's people, organisations, places and facts, read from the shared seed at
test time (never copied here); scores are pinned in tests/quality_floors.json."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from broadsheet.enrich import Enricher
from broadsheet.models import Annotations

FLOORS = json.loads((Path(__file__).resolve().parents[1] / "quality_floors.json").read_text())


STOP = {"the", "a", "of", "in", "s", "share", "living", "three", "china", "north", "korea"}


@lru_cache(maxsize=2)
def _read_seed(seed: Path, which: str) -> tuple[str, dict[str, Any], Annotations]:
    """The seed as a visible-text page dump ("dump") or as its gold article body ("body")."""
    expected_path = seed / "expected.json"
    texts = sorted(seed.glob("*.txt"))
    if which == "dump":
        text = texts[0].read_text("utf-8")
    else:
        gold = json.loads((seed / "ground-truth.json").read_text("utf-8"))
        text = gold[texts[0].stem]["articleBody"]
    expected = json.loads(expected_path.read_text("utf-8"))
    return text, expected, Enricher(quotes=False).analyze(text)


FORMS = pytest.mark.parametrize("which", ["dump", "body"])


def _words(s: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", s.lower().replace("’", "'")) if w not in STOP}


@FORMS
def test_seed_offsets_index_the_text(seed_dir: Path, which: str) -> None:
    text, _, ann = _read_seed(seed_dir, which)
    for ent in ann.entities:
        assert text[ent.start : ent.end] == ent.text
    for fact in ann.facts:
        assert text[fact.start : fact.end] == fact.text


@FORMS
def test_seed_people(seed_dir: Path, which: str) -> None:
    _, expected, ann = _read_seed(seed_dir, which)
    people = {e.name for e in ann.entities if e.type == "PERSON"}
    found = [p for p in expected["people"]["must"] if p in people]
    assert len(found) >= FLOORS["seed_people_found"], sorted(
        set(expected["people"]["must"]) - people
    )
    assert people.isdisjoint(expected["people"]["not_people"])


@FORMS
def test_seed_aliases_resolve(seed_dir: Path, which: str) -> None:
    _, expected, ann = _read_seed(seed_dir, which)
    resolved = 0
    for alias, full in expected["people"]["aliases_resolved"].items():
        mentions = [e for e in ann.entities if e.text == alias]
        if mentions and all(e.type == "PERSON" and e.name == full for e in mentions):
            resolved += 1
    assert resolved >= FLOORS["seed_aliases_resolved"]


@pytest.mark.parametrize(("group", "type_"), [("organizations", "ORG"), ("places", "PLACE")])
@FORMS
def test_seed_organisations_and_places(seed_dir: Path, which: str, group: str, type_: str) -> None:
    _, expected, ann = _read_seed(seed_dir, which)
    names = {e.name for e in ann.entities if e.type == type_}
    names |= {e.text for e in ann.entities if e.type == type_}
    found = [n for n in expected[group]["must"] if n in names]
    key = "seed_orgs_found" if type_ == "ORG" else "seed_places_found"
    assert len(found) >= FLOORS[key], sorted(set(expected[group]["must"]) - names)


@FORMS
def test_seed_facts(seed_dir: Path, which: str) -> None:
    _, expected, ann = _read_seed(seed_dir, which)
    matched = 0
    for want in expected["facts"]["must"]:
        for fact in ann.facts:
            if want["value"].lower() not in fact.text.lower():
                continue
            if "period" in want and fact.period != want["period"]:
                continue
            if not fact.measure or not (_words(fact.measure) & _words(want["measure"])):
                continue
            matched += 1
            break
    assert matched >= FLOORS["seed_facts_found"]


@FORMS
def test_seed_fact_details(seed_dir: Path, which: str) -> None:
    _, _, ann = _read_seed(seed_dir, which)
    growth = next(f for f in ann.facts if f.text == "11.9 percent")
    assert (growth.value, growth.unit, growth.subject, growth.period_norm) == (
        11.9,
        "%",
        "China",
        "Q1",
    )
    people = next(f for f in ann.facts if "1.78 million" in f.text)
    assert (people.value, people.unit) == (1_780_000.0, "people")
