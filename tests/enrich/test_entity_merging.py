"""Mentions of one entity merged within an article, products, initials, known places.

Texts written for the project."""

from __future__ import annotations

from functools import lru_cache

from broadsheet.enrich import Enricher
from broadsheet.enrich.entities import find_entities
from broadsheet.models import Entity


@lru_cache(maxsize=1)
def _enricher() -> Enricher:
    return Enricher(quotes=False)


def _entities(text: str) -> list[Entity]:
    return find_entities(_enricher().parse(text))


def _by_text(text: str) -> dict[str, tuple[str, str]]:
    return {e.text: (e.type, e.name) for e in _entities(text)}


def test_bin_laden_is_osama_bin_laden() -> None:
    got = _by_text(
        "Osama bin Laden was last seen near Kandahar, officials said.\n\n"
        "Bin Laden left the city before the raid, according to the report."
    )
    assert got["Osama bin Laden"] == ("PERSON", "Osama bin Laden")
    assert got["Bin Laden"] == ("PERSON", "Osama bin Laden")


def test_bashir_is_the_full_name_joined_by_a_particle() -> None:
    got = _by_text(
        "Sudan's president, Omar Hassan al-Bashir, met the envoys in Khartoum on Friday.\n\n"
        "Bashir has ruled the country since 1989."
    )
    assert got["Omar Hassan al-Bashir"] == ("PERSON", "Omar Hassan al-Bashir")
    assert got["Bashir"] == ("PERSON", "Omar Hassan al-Bashir")


def test_surname_alone_takes_the_full_name_and_one_type() -> None:
    ents = _entities(
        "Margaret Ellery, the chief executive of Solent Ferries, said fares would rise.\n\n"
        "Ellery said the rise would pay for two new vessels. Ellery declined to say more."
    )
    ellery = [e for e in ents if "Ellery" in e.text]
    assert len(ellery) == 3
    assert {(e.type, e.name) for e in ellery} == {("PERSON", "Margaret Ellery")}


def test_a_product_is_not_its_maker() -> None:
    got = _by_text("Apple sold more iPhone handsets in China, and the new iPad Pro did well.")
    assert got["Apple"][0] == "ORG"
    assert got["iPhone"][0] == "PRODUCT"
    assert got["iPad Pro"][0] == "PRODUCT"


def test_an_initial_and_a_surname_are_one_person() -> None:
    got = _by_text("The ball was caught by D. Fulton at slip, and M. Vaughan was out next.")
    assert got.get("D. Fulton", ("", ""))[0] == "PERSON"
    assert got.get("M. Vaughan", ("", ""))[0] == "PERSON"


def test_a_known_place_keeps_its_type_despite_an_organisation_word() -> None:
    got = _by_text("Israeli troops entered the West Bank town on Monday, witnesses said.")
    assert got["West Bank"] == ("PLACE", "West Bank")


def test_a_dateline_place_in_capitals_is_found_without_its_date() -> None:
    got = _by_text("TOKYO 2026-03-02\nJapan's central bank held its key rate on Monday.")
    assert got.get("TOKYO", ("", ""))[0] == "PLACE"
    assert not any("2026" in text for text in got)


def test_result_lines_name_teams_and_events_are_not_organisations() -> None:
    got = _by_text(
        "SOCCER - NORTHERN LEAGUE RESULTS\n"
        "Results of Northern League matches on Saturday:\n"
        "Harbourside 2 Westfield Rovers 1\n"
        "Leeds 0 Carlisle 3\n"
        "England 1 Wales 1\n\n"
        "Harbourside meet Carlisle in the Northern Cup next week."
    )
    assert got["Westfield Rovers"][0] == "ORG"
    assert got["Leeds"][0] == "ORG" and got["Carlisle"][0] == "ORG"
    assert got["England"][0] == "PLACE"  # a national side keeps its country's type
    assert got["Northern Cup"][0] == "EVENT"
    assert "SOCCER" not in got
