"""Entities: canonical names, titles, organisation and place typing, headings, offsets."""

from __future__ import annotations

from functools import lru_cache

import pytest

from broadsheet.enrich import Enricher, entity_id_for
from broadsheet.enrich.entities import find_heading_spans
from broadsheet.models import Entity


@lru_cache(maxsize=1)
def _enricher() -> Enricher:
    return Enricher(quotes=False)


def _entities(text: str) -> tuple[Entity, ...]:
    entities = _enricher().analyze(text).entities
    for ent in entities:
        assert text[ent.start : ent.end] == ent.text, ent
    return entities


def _names(text: str, type_: str) -> set[str]:
    return {e.name for e in _entities(text) if e.type == type_}


# (text, surface as written, expected type, expected canonical name)
CANONICAL = [
    (
        "Finance Minister Maria Lopez said the plan would work. Lopez added that more "
        "help was coming.",
        "Lopez",
        "PERSON",
        "Maria Lopez",
    ),
    (
        "Secretary of State John Harlan arrived in Tokyo on Monday. Harlan met "
        "officials for two hours.",
        "Harlan",
        "PERSON",
        "John Harlan",
    ),
    (
        "The company hired analyst Peter Okafor last year. Okafor’s forecasts were "
        "cautious, and investors listened to Okafor.",
        "Okafor",
        "PERSON",
        "Peter Okafor",
    ),
    (
        "Spokeswoman Chen Meiling said the ministry would reply. Chen did not give a date.",
        "Chen",
        "PERSON",
        "Chen Meiling",
    ),
]


@pytest.mark.parametrize(("text", "surface", "type_", "name"), CANONICAL)
def test_surname_resolves_to_full_name(text: str, surface: str, type_: str, name: str) -> None:
    mentions = [e for e in _entities(text) if e.text == surface]
    assert mentions, f"no mention of {surface!r}"
    for ent in mentions:
        assert (ent.type, ent.name) == (type_, name)


@pytest.mark.parametrize(
    ("text", "person", "not_names"),
    [
        (
            "Finance Minister Maria Lopez said the plan would work.",
            "Maria Lopez",
            {"Finance Minister Maria Lopez", "Minister Maria Lopez"},
        ),
        (
            "Secretary of State John Harlan arrived in Tokyo on Monday.",
            "John Harlan",
            {"State", "Secretary of State", "Secretary of State John Harlan"},
        ),
        (
            "Trade Ministry Spokesman Ali Hassan said talks had stalled.",
            "Ali Hassan",
            {"Spokesman Ali Hassan", "Trade Ministry Spokesman Ali Hassan"},
        ),
        (
            "Leader Park Sun Ho’s government refused to comment.",
            "Park Sun Ho",
            {"Park Sun Ho’s", "Leader Park Sun Ho"},
        ),
    ],
)
def test_titles_and_possessives_are_stripped(text: str, person: str, not_names: set[str]) -> None:
    entities = _entities(text)
    assert person in {e.name for e in entities if e.type == "PERSON"}
    assert not_names.isdisjoint({e.name for e in entities})


@pytest.mark.parametrize(
    ("text", "type_", "name"),
    [
        (
            "She teaches at the Institute for Fiscal Research in Lisbon.",
            "ORG",
            "Institute for Fiscal Research",
        ),
        ("She teaches at the Institute for Fiscal Research in Lisbon.", "PLACE", "Lisbon"),
        (
            "A report by the Nordic Trade Council was published on Friday.",
            "ORG",
            "Nordic Trade Council",
        ),
        ("Oslo’s Nordic Trade Council said exports were steady.", "PLACE", "Oslo"),
        ("Oslo’s Nordic Trade Council said exports were steady.", "ORG", "Nordic Trade Council"),
        ("The Ministry of Energy in Brasilia rejected the bid.", "ORG", "Ministry of Energy"),
        (
            "He studied at the University of Texas, Austin, before joining the bank.",
            "ORG",
            "University of Texas, Austin",
        ),
        ("Delegates of the Green Farmers’ Party met in Nairobi.", "PLACE", "Nairobi"),
    ],
)
def test_organisations_and_places_are_typed(text: str, type_: str, name: str) -> None:
    assert name in _names(text, type_)


def test_keyword_names_are_never_people() -> None:
    text = (
        "Economists at the Center for Monetary Studies said growth would slow. "
        "The Center for Monetary Studies is based in Geneva."
    )
    assert "Center for Monetary Studies" in _names(text, "ORG")
    assert not any("Center" in n for n in _names(text, "PERSON"))


def test_headings_are_not_entities_but_known_names_in_them_are() -> None:
    text = (
        "Harlan’s Journey\n\n"
        "Secretary of State John Harlan flew to Tokyo on Monday for talks on trade.\n\n"
        "Market Outlook\n\n"
        "Shares in Tokyo were little changed after the meeting, traders said."
    )
    entities = _entities(text)
    assert "Harlan’s Journey" not in {e.text for e in entities}
    assert "Market Outlook" not in {e.text for e in entities}
    heading = [e for e in entities if e.start < len("Harlan’s Journey")]
    assert [(e.text, e.name, e.type) for e in heading] == [("Harlan", "John Harlan", "PERSON")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Title Here\n\nA body sentence follows here.", [(0, 10)]),
        ("A sentence without structure", []),
        ("Intro paragraph.\n\nEnds with a stop.\n\nSection Two\n\nBody.", [(37, 48)]),
        ("‘Quoted Heading’\n\nBody text.", [(0, 16)]),
        ("Line one\nline two\n\nBody.", []),
    ],
)
def test_heading_detection(text: str, expected: list[tuple[int, int]]) -> None:
    assert find_heading_spans(text) == expected


@pytest.mark.parametrize(
    ("type_", "name", "expected"),
    [
        ("PERSON", "Kim Jong Il", "person:kim-jong-il"),
        ("ORG", "Korean Worker’s Party", "org:korean-workers-party"),
        ("PLACE", "São Paulo", "place:sao-paulo"),
        ("ORG", "AT&T", "org:at-and-t"),
    ],
)
def test_entity_ids(type_: str, name: str, expected: str) -> None:
    assert entity_id_for(type_, name) == expected


def test_entity_ids_agree_across_articles() -> None:
    first = _entities("Governor Anna Berg spoke in Oslo. Berg said rates would stay.")
    second = _entities("Anna Berg, the governor, was in Oslo again on Tuesday.")
    ids_first = {e.entity_id for e in first if e.type == "PERSON"}
    ids_second = {e.entity_id for e in second if e.type == "PERSON"}
    assert ids_first == ids_second == {"person:anna-berg"}


@pytest.mark.parametrize(
    ("text", "surface", "type_", "name"),
    [
        (
            "The People’s Bank of China cut rates on Friday, and traders cheered.",
            "People’s Bank of China",
            "ORG",
            "People’s Bank of China",
        ),
        (
            "The Farmers Alliance for Reform (FAR) held a rally. FAR said prices were too low.",
            "FAR",
            "ORG",
            "Farmers Alliance for Reform",
        ),
        (
            "Prime Minister Louis de Montfort resigned on Monday. Critics said de Montfort "
            "had lost the party's trust.",
            "de Montfort",
            "PERSON",
            "Louis de Montfort",
        ),
    ],
)
def test_names_within_an_article(text: str, surface: str, type_: str, name: str) -> None:
    mentions = [e for e in _entities(text) if e.text == surface]
    assert mentions, [(e.text, e.type, e.name) for e in _entities(text)]
    assert {(e.type, e.name) for e in mentions} == {(type_, name)}


def test_markup_is_never_an_entity() -> None:
    text = "Sales rose in Spain.\n\n==References==\n\n* [[Madrid]] report"
    assert not any("=" in e.text or "[" in e.text for e in _entities(text))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Vietnam’s Communist Party named a new leader. Delegates in Vietnam cheered, and "
            "the Communist Party said reforms would continue.",
            "Communist Party of Vietnam",
        ),
        (
            "Cuba held a congress. The Communist Party chose its delegates in Cuba.",
            "Communist Party of Cuba",
        ),
        ("The Communist Party met in a city hall.", "Communist Party"),
    ],
)
def test_names_shared_across_countries_get_the_country(text: str, name: str) -> None:
    assert {e.name for e in _entities(text) if e.text == "Communist Party"} == {name}


def test_heading_with_only_short_names_in_the_body() -> None:
    text = "Weekly Roundup\n\nThe EU and UN met.\n\nOther News\n\nThe EU agreed."
    assert all(e.start > len("Weekly Roundup") for e in _entities(text))


@pytest.mark.parametrize(
    ("text", "type_", "name"),
    [
        ("Lockheed Martin won the contract, the Pentagon said.", "ORG", "Lockheed Martin"),
        ("Goldman Sachs advised the buyer on the deal.", "ORG", "Goldman Sachs"),
    ],
)
def test_well_known_companies_are_organisations(text: str, type_: str, name: str) -> None:
    assert name in _names(text, type_)


def test_html_entities_are_not_names() -> None:
    text = "The IR said, &quot;We will appeal,&quot; in a statement from Wellington."
    assert not any("&" in e.text for e in _entities(text))
