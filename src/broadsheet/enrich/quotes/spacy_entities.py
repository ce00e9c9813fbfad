"""A minimal entity list from spaCy's own named entities.

The enrichment orchestrator supplies real entities; this stand-in lets quote attribution
be benchmarked and tested on its own: spaCy labels mapped to Broadsheet's entity types,
and a person's short mention ("Glaser", "Mr. Glaser") named after the fuller mention
("Bonnie Glaser") it abbreviates.
"""

from __future__ import annotations

from spacy.tokens import Doc

from broadsheet.models import Entity, EntityType

__all__ = ["entities_from_doc"]

_TYPES: dict[str, EntityType] = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "FAC": "ORG",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "NORP": "MISC",
    "PRODUCT": "PRODUCT",
    "EVENT": "EVENT",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
}
_HONORIFICS = frozenset(
    {"mr.", "mrs.", "ms.", "dr.", "mr", "mrs", "ms", "dr", "sen.", "rep.", "gov.", "gen.", "lt."}
)
_TITLES = frozenset(
    {
        "president",
        "senator",
        "governor",
        "mayor",
        "councillor",
        "councilman",
        "councilwoman",
        "minister",
        "secretary",
        "spokesman",
        "spokeswoman",
        "analyst",
        "professor",
        "judge",
        "general",
        "chancellor",
        "premier",
        "ambassador",
        "director",
        "chairman",
        "chairwoman",
        "congressman",
        "congresswoman",
        "representative",
        "speaker",
        "sheriff",
        "commissioner",
        "justice",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "candidate",
        "nominee",
        "leader",
        "former",
        "vice",
        "deputy",
        "chief",
        "executive",
    }
)


def _clean(text: str) -> str:
    for suffix in ("'s", "’s", "'", "’"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    words = text.split()
    while len(words) > 1 and (words[0].lower() in _HONORIFICS or words[0].lower() in _TITLES):
        words = words[1:]
    if words and words[0].lower() == "the":
        words = words[1:]
    return " ".join(words)


def entities_from_doc(doc: Doc, text: str | None = None) -> list[Entity]:
    """Entities from ``doc.ents`` with canonical names; offsets index ``text`` (or doc.text)."""
    body = doc.text if text is None else text
    out: list[Entity] = []
    people: list[str] = []  # full names seen so far, longest first when matching
    for ent in doc.ents:
        kind = _TYPES.get(ent.label_)
        if kind is None:
            continue
        start, end = ent.start_char, ent.end_char
        name = _clean(body[start:end])
        if not name:
            continue
        if kind == "PERSON":
            words = name.split()
            full = next(
                (
                    p
                    for p in people
                    if len(p.split()) > len(words) and p.split()[-len(words) :] == words
                ),
                None,
            )
            if full is not None:
                name = full
            elif len(words) > 1:
                people.append(name)
                people.sort(key=lambda p: -len(p.split()))
        out.append(Entity(start=start, end=end, type=kind, name=name, text=body[start:end]))
    # a later full name also names the earlier short mentions ("Glaser ... Bonnie Glaser")
    fixed: list[Entity] = []
    for e in out:
        if e.type in ("PERSON", "ORG") and len(e.name.split()) == 1:
            full = next((p for p in people if p.split()[-1] == e.name), None)
            if full is None:  # family name first: "Wang" for "Wang Jiarui"
                full = next((p for p in people if p.split()[0] == e.name), None)
            if full is not None:  # an ORG "Wang" after "Wang Jiarui" is that person
                e = Entity(start=e.start, end=e.end, type="PERSON", name=full, text=e.text)
        fixed.append(e)
    return fixed
