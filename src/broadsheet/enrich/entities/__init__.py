"""Named entities with canonical names, from one spaCy parse plus a small rule layer.

spaCy's statistical NER proposes spans; rules (all lists in ``data/entity_rules.json``)
then clean and correct them:

* spans are cut at line breaks and slashes; a leading "the", a trailing possessive
  ("'s", "’s") and trailing punctuation are stripped;
* "Shanghai’s Fudan University" splits into a place and an organisation;
* organisation keywords (University, Ministry, Party, Committee...) make a span an ORG, and
  an untagged run of capitalised words ending in one becomes an ORG
  ("Korean Worker’s Party"); "Party of" / "University of" are extended to the name after;
* titles ("Spokeswoman", "State Councilor") are stripped from people's names, and a title
  phrase ("Secretary of State") is never an entity itself;
* a short line standing alone between blank lines without final punctuation is a heading:
  only names already found in the body are marked in it;
* within an article, a surname or family name alone ("Kim", "Shirk") resolves to the full
  name seen in the article, and an acronym in brackets after an organisation resolves to it.

``entity_id`` is archive-wide: ``type:slug`` of the canonical name ("person:kim-jong-il").

rules     the tables: spaCy labels, the word lists of ``data/entity_rules.json``
spans     the article under annotation (``_Page``), headings, working spans
mentions  finding the mentions (``_Mentions``): spaCy's spans, places, the final filter
people    the steps about people (``_People``): initials, particles, titles, roles
orgs      the steps about organisations (``_Organisations``): companies, keywords
sports    the steps about teams in sports reports (``_Sports``): results, standings, fixtures
steps     what those steps share (``_Steps``)
names     canonical names and archive-wide ids (``_Names``)
"""

from __future__ import annotations

from typing import Any

from broadsheet.models import Entity

from .mentions import _Mentions
from .names import _Names, entity_id_for
from .rules import EntityRules, load_entity_rules
from .spans import find_heading_spans

__all__ = [
    "EntityRules",
    "entity_id_for",
    "find_entities",
    "find_heading_spans",
    "load_entity_rules",
]


class _Annotator(_Mentions, _Names):
    """The rule layer over one parsed article: find the mentions, then name them."""

    def run(self) -> list[Entity]:
        spans = self._model_spans()
        spans = self._known_companies(spans)
        spans = self._untagged_places(spans)
        spans = self._split_possessives(spans)
        spans = self._initials(spans)
        spans = self._untagged_initials(spans)
        spans = self._particle_names(spans)
        self._type_by_keywords(spans)
        self._teams(spans)
        spans = self._players(spans)
        spans = self._layout_teams(spans)
        self._teams_by_context(spans)
        self._orgs_by_context(spans)
        spans = self._extend_orgs(spans)
        spans = self._rule_orgs(spans)
        self._people_by_role(spans)
        spans = self._apply_titles(spans)
        spans = self._team_mentions(spans)
        spans = self._filter(spans)
        return self._resolve(spans)


def find_entities(doc: Any, rules: EntityRules | None = None) -> list[Entity]:
    """Entities of one parsed article, in text order, offsets into ``doc.text``."""
    return _Annotator(doc, rules or load_entity_rules()).run()
