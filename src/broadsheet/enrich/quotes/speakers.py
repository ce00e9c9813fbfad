"""Titles and affiliations of the people an article quotes, as the article gives them.

Three constructions are read off the parse, at any mention of the person:
a title before the name ("analyst Bonnie Glaser", "Foreign Ministry Spokeswoman Jiang Yu"),
an appositive ("Susan Shirk, a professor ... at the University of California, San Diego"),
and a relative clause ("Glaser, who studies ... at the Center for Strategic and
International Studies"). The first title and the first affiliation found win.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from broadsheet.models import Entity

from .arrays import doc_arrays

__all__ = ["SpeakerDetails", "find_speaker_details"]

_ORG_LABELS = frozenset({"ORG", "FAC"})
_TRAILING_JUNK = frozenset(
    {"at", "of", "for", "with", "in", "on", "the", "a", "an", "and", "who", ",", "’s", "'s"}
)
_MAX_TITLE_TOKENS = 14
_ENTS_KEY = "broadsheet.quotes.ents"


@dataclass(frozen=True, slots=True)
class SpeakerDetails:
    title: str | None
    affiliation: str | None


def _org_in(doc: Doc, first: int, last: int) -> tuple[int, str] | None:
    """First organisation named in tokens first..last: (start token, name)."""
    ents: list[Span] = doc.user_data.get(_ENTS_KEY) or list(doc.ents)
    for ent in ents:
        if ent.start < first:
            continue
        if ent.start > last:
            break
        if ent.label_ in _ORG_LABELS:
            start, end = ent.start, ent.end
            if doc[start].lower_ == "the":
                start += 1
            if end >= len(doc):
                return start, doc[start:end].text
            # "the University of California, San Diego": a place in apposition belongs to it
            if doc[end].text == "," and end + 1 < len(doc):
                place = next(
                    (e for e in doc.ents if e.start == end + 1 and e.label_ == "GPE"), None
                )
                if place is not None:
                    return start, doc[start : place.end].text
            return start, doc[start:end].text
    return None


def _clean_title(tokens: Span) -> str | None:
    doc = tokens.doc
    a = doc_arrays(doc)
    dep, punct, lower = a.dep, a.punct, a.lower
    first, last = tokens.start, tokens.end - 1
    while first <= last and (
        dep[first] == "det" or punct[first] or lower[first] in ("who", "is", "was")
    ):
        first += 1
    while first <= last and (
        lower[last] in _TRAILING_JUNK or punct[last] or doc[last].ent_type_ == "GPE"
    ):
        last -= 1
    if first > last or last - first + 1 > _MAX_TITLE_TOKENS:
        return None
    return str(doc[first : last + 1].text)


def _prefix_title(doc: Doc, ent_start: int, mention_start: int) -> tuple[str | None, str | None]:
    """'analyst Bonnie Glaser' -> ('analyst', None)."""
    a = doc_arrays(doc)
    i = ent_start - 1
    while i >= 0 and a.dep[i] in ("compound", "amod", "nmod") and not a.punct[i]:
        if i < mention_start and doc[i].ent_type_ in ("PERSON", "DATE", "CARDINAL"):
            break
        i -= 1
    first = i + 1
    if first >= ent_start:
        return None, None
    title = _clean_title(doc[first:ent_start])
    org = _org_in(doc, first, ent_start - 1)
    return title, org[1] if org is not None else None


def _clause_details(doc: Doc, head: Token) -> tuple[str | None, str | None]:
    for child in head.rights:
        if child.dep_ == "appos":
            first, last = child.left_edge.i, child.right_edge.i
            for tok in child.children:  # "a professor ..., and a former official"
                if tok.dep_ in ("cc", "conj") and tok.i > child.i:
                    last = min(last, tok.i - 1)
            org = _org_in(doc, first, last)
            stop = org[0] if org is not None else last + 1
            return _clean_title(doc[first:stop]), org[1] if org is not None else None
        if child.dep_ == "relcl" and child.left_edge.lower_ in ("who", "whose"):
            first, last = child.left_edge.i, child.right_edge.i
            org = _org_in(doc, first, last)
            stop = org[0] if org is not None else last + 1
            return _clean_title(doc[first:stop]), org[1] if org is not None else None
    return None, None


def find_speaker_details(doc: Doc, entities: Sequence[Entity]) -> dict[str, SpeakerDetails]:
    """Title and affiliation of every PERSON entity name that the article describes."""
    found: dict[str, tuple[str | None, str | None]] = {}
    doc.user_data[_ENTS_KEY] = list(doc.ents)
    try:
        _describe(doc, entities, found)
    finally:
        doc.user_data.pop(_ENTS_KEY, None)
    return {name: SpeakerDetails(t, a) for name, (t, a) in found.items() if t or a}


def _describe(
    doc: Doc, entities: Sequence[Entity], found: dict[str, tuple[str | None, str | None]]
) -> None:
    for ent in entities:
        if ent.type != "PERSON":
            continue
        span = doc.char_span(ent.start, ent.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        title, affiliation = found.get(ent.name, (None, None))
        if title is not None and affiliation is not None:
            continue
        head = span.root
        name_start = span.start
        first_word = ent.name.split()[0] if ent.name else ""
        while name_start < span.end - 1 and doc[name_start].text != first_word:
            name_start += 1  # "Spokeswoman Jiang Yu": the title inside the mention
        if doc[name_start].text != first_word:
            name_start = span.start
        pre_title, pre_org = _prefix_title(doc, name_start, span.start)
        post_title, post_org = _clause_details(doc, head)
        title = title or pre_title or post_title
        affiliation = affiliation or pre_org or post_org
        found[ent.name] = (title, affiliation)
