"""The tables the entity rules read: spaCy's labels mapped to Broadsheet's types, and the
word lists of ``data/entity_rules.json`` (titles, organisation keywords, places, countries,
and the multi-word company names of ``data/tickers.json``), loaded once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from broadsheet.models import EntityType

# spaCy OntoNotes labels -> our types; labels not listed (DATE, MONEY, CARDINAL...) are not
# names and are left to the facts annotator
_LABELS: dict[str, EntityType] = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
    "PRODUCT": "PRODUCT",
    "EVENT": "EVENT",
    "NORP": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}


@dataclass(frozen=True, slots=True)
class EntityRules:
    """Word lists steering the rule layer (see ``data/entity_rules.json``)."""

    person_title_words: frozenset[str]
    title_phrases: tuple[tuple[str, ...], ...]
    org_keywords: frozenset[str]
    org_keywords_strong: frozenset[str]
    name_connectors: frozenset[str]
    not_entities: frozenset[str]
    places: frozenset[str]
    place_aliases: dict[str, str]
    possessive_name_words: frozenset[str]  # "People’s Bank": the possessive is in the name
    countries: frozenset[str]
    country_qualified_orgs: dict[str, str]  # "communist party" -> "Communist Party of {country}"
    companies: frozenset[str] = frozenset()  # multi-word company names (the ticker aliases)
    company_pattern: re.Pattern[str] | None = None  # the same names, as written in text
    products: frozenset[str] = frozenset()  # product names ("iphone"): PRODUCT, not ORG
    event_words: frozenset[str] = frozenset()  # a name ending so is an event ("U.S. Open")
    place_plurals: frozenset[str] = frozenset()  # "Florida Keys": a place, not a team
    sport_words: frozenset[str] = frozenset()  # a sport named in the first line
    team_roles: frozenset[str] = frozenset()  # "Lecce striker ...": the name is a team
    team_nouns: frozenset[str] = frozenset()  # "champions Ajax": the name is a team
    org_roles: frozenset[str] = frozenset()  # "Niugini Mining shares": an organisation
    org_nouns: frozenset[str] = frozenset()  # "conglomerate Bollore": an organisation
    demonyms: frozenset[str] = frozenset()  # "Frenchman", "Pole": not part of a name
    heading_words: frozenset[str] = frozenset()  # "LEAGUE STANDINGS": a heading, no name
    vehicle_makers: frozenset[str] = frozenset()  # "Ford Escort": a model (PRODUCT)


def _as_written(word: str) -> str:
    """How a lower-case name word is written: "of" -> "of", "j.p." -> "J.P.", "martin" ->
    "Martin"."""
    if word in ("of", "and", "the", "&", "de"):
        return word
    if "." in word or len(word) <= 2:
        return word.upper()
    return word[:1].upper() + word[1:]


def _after_no_word(name: str) -> str:
    r"""``(?<![\w&-])name`` with the look-behind written past the name's first character
    (one character wider): the same matches, and an alternation of these begins with
    literals, so ``re`` skips to their first letters instead of trying every character."""
    first = re.escape(name[:1])
    return first + r"(?<![\w&-]" + first + ")" + re.escape(name[1:])


@lru_cache(maxsize=1)
def load_entity_rules() -> EntityRules:
    """Read the bundled rule lists once."""
    raw: dict[str, Any] = json.loads(
        resources.files("broadsheet.enrich").joinpath("data/entity_rules.json").read_text("utf-8")
    )
    tickers_data: dict[str, Any] = json.loads(
        resources.files("broadsheet.enrich").joinpath("data/tickers.json").read_text("utf-8")
    )
    aliases: dict[str, str] = tickers_data["aliases"]
    return EntityRules(
        person_title_words=frozenset(w.lower() for w in raw["person_title_words"]),
        title_phrases=tuple(
            sorted((tuple(p.lower().split()) for p in raw["title_phrases"]), key=len, reverse=True)
        ),
        org_keywords=frozenset(w.lower() for w in raw["org_keywords"]),
        org_keywords_strong=frozenset(w.lower() for w in raw["org_keywords_strong"]),
        name_connectors=frozenset(w.lower() for w in raw["name_connectors"]),
        not_entities=frozenset(w.lower() for w in raw["not_entities"]),
        places=frozenset(w.lower() for w in raw["places"]),
        place_aliases={k.lower(): v for k, v in raw["place_aliases"].items()},
        possessive_name_words=frozenset(w.lower() for w in raw["possessive_name_words"]),
        countries=frozenset(w.lower() for w in raw["countries"]),
        country_qualified_orgs={k.lower(): v for k, v in raw["country_qualified_orgs"].items()},
        companies=frozenset(k.lower() for k in aliases if " " in k),
        products=frozenset(w.lower() for w in raw.get("products", ())),
        event_words=frozenset(w.lower() for w in raw.get("event_words", ())),
        place_plurals=frozenset(w.lower() for w in raw.get("place_plurals", ())),
        sport_words=frozenset(w.lower() for w in raw.get("sport_words", ())),
        team_roles=frozenset(w.lower() for w in raw.get("team_roles", ())),
        team_nouns=frozenset(w.lower() for w in raw.get("team_nouns", ())),
        org_roles=frozenset(w.lower() for w in raw.get("org_roles", ())),
        org_nouns=frozenset(w.lower() for w in raw.get("org_nouns", ())),
        demonyms=frozenset(w.lower() for w in raw.get("demonyms", ())),
        heading_words=frozenset(w.lower() for w in raw.get("heading_words", ())),
        vehicle_makers=frozenset(w.lower() for w in raw.get("vehicle_makers", ())),
        company_pattern=re.compile(
            "(?:"
            + "|".join(
                _after_no_word(" ".join(_as_written(w) for w in k.split()))
                for k in sorted(aliases, key=len, reverse=True)
                if " " in k
            )
            + r")(?![\w&-])"
        ),
    )
