"""Teams and players a sports report's layout names, headlines in capitals, and the
product / merging rules kept working. Texts written for the project."""

from __future__ import annotations

from functools import lru_cache

from broadsheet.enrich import Enricher
from broadsheet.enrich.entities import find_entities


@lru_cache(maxsize=1)
def _enricher() -> Enricher:
    return Enricher(quotes=False)


def _by_text(text: str) -> dict[str, tuple[str, str]]:
    return {e.text: (e.type, e.name) for e in find_entities(_enricher().parse(text))}


def test_standings_rows_name_teams_and_countries_stay_places() -> None:
    got = _by_text(
        "SOCCER - NORTHERN LEAGUE TABLE\n"
        "Standings in the Northern League after Saturday's matches:\n"
        "Harbourside 3 2 1 0 6 2 7\n"
        "Westfield Rovers 3 1 1 1 4 4 4\n"
        "Carlisle 3 0 2 1 2 3 2\n"
        "Ballinford 3 0 0 3 1 7 0\n"
        "Harbourside were the only side unbeaten after three rounds.\n"
    )
    for team in ("Harbourside", "Westfield Rovers", "Carlisle", "Ballinford"):
        assert got[team][0] == "ORG", team


def test_a_row_that_is_not_a_standing_names_no_team() -> None:
    # batting averages: matches, innings, not out, runs... (played != won + drawn + lost)
    got = _by_text(
        "CRICKET - SERIES AVERAGES\n"
        "Batting averages after the second test:\n"
        "Daniel Ashworth 2 4 0 190 113 47.50\n"
        "Peter Calloway 2 3 1 88 40 44.00\n"
        "Ashworth scored his runs at a brisk rate, 5-0 up in sixes.\n"
    )
    assert got["Daniel Ashworth"][0] == "PERSON"


def test_players_and_countries_scorers_and_clubs() -> None:
    got = _by_text(
        "TENNIS - RESULTS FROM THE CITY OPEN\n"
        "Results on Tuesday:\n"
        "Tomas Verhaegen ( Belgium ) beat Lorenzo Abatelli ( Italy ) 6-3 6-4\n"
        "Anika Sorensen ( Denmark ) beat Mira Kovac ( Croatia ) 7-5 6-2\n"
        "Midfielders - Jaap Dekkerman ( Harbourside ) , Olle Brandt ( Westfield Rovers )\n"
    )
    assert got["Tomas Verhaegen"][0] == "PERSON"
    assert got["Lorenzo Abatelli"][0] == "PERSON"
    assert got["Belgium"][0] == "PLACE"
    assert got["Westfield Rovers"][0] == "ORG"  # a player's club, not a place


def test_a_plural_verb_and_a_nickname_make_teams() -> None:
    got = _by_text(
        "BASEBALL - CHICAGO BEAT HOUSTON\n"
        "The Chicago Cubs beat the Houston Astros 5-3 on Tuesday.\n"
        "The Astros have lost four in a row, and Chicago lead the division by two games.\n"
        "Kent were bowled out for 120 in the county match, 3-0 down in the series.\n"
    )
    assert got["Chicago Cubs"][0] == "ORG"
    assert got["Houston Astros"][0] == "ORG"
    assert got["Astros"][0] == "ORG"
    assert got["Kent"][0] == "ORG"


def test_a_name_found_in_the_body_is_marked_in_a_headline_in_capitals() -> None:
    got = _by_text(
        "MARGARET ELLERY TO LEAVE SOLENT FERRIES\n"
        "PORTSMOUTH 2026-03-02\n"
        "Margaret Ellery, the chief executive of Solent Ferries, said on Monday she would "
        "step down in June after eight years.\n"
    )
    assert got["Margaret Ellery"] == ("PERSON", "Margaret Ellery")
    assert got.get("MARGARET ELLERY") == ("PERSON", "Margaret Ellery")


def test_nationalities_and_trailing_common_words_come_off_names() -> None:
    got = _by_text(
        "Frenchman Julien Marceau won the stage on Sunday, the Xinhua news agency reported."
    )
    assert "Julien Marceau" in got and got["Julien Marceau"][0] == "PERSON"
    assert "Frenchman Julien Marceau" not in got
    assert "Xinhua news agency" not in got


def test_products_and_merging_still_hold() -> None:
    got = _by_text(
        "Apple sold more iPhone handsets in March.\n\n"
        "Osama bin Laden was last seen near Kandahar.\n\n"
        "Bin Laden left the city before the raid."
    )
    assert got["iPhone"][0] == "PRODUCT"
    assert got["Bin Laden"] == ("PERSON", "Osama bin Laden")
