"""Finding the mentions: spaCy's spans, corrected and completed by the rules.

Spans are cut at line breaks and slashes and stripped; well-known company names are taken
whole; "Shanghai’s Fudan University" splits into a place and an organisation; organisation
keywords retype spans and make organisations of untagged capitalised runs; "Party of" and
"University of" take in the name after them; titles come off people's names; a short name
given a person's role is a person; what is not a name is dropped.

The steps about people are in ``people``, those about organisations in ``orgs``, the
helpers they share in ``steps``; this module has spaCy's spans, places, the final filter,
and ``_Mentions``, all the steps together.
"""

from __future__ import annotations

import re
from functools import lru_cache

from broadsheet.models import EntityType

from .orgs import _Organisations
from .people import _INITIAL, _People
from .rules import _LABELS
from .spans import _clean_span, _is_cap, _normalise_space, _segments, _Span
from .sports import _Sports

_NOT_NAME_POS = frozenset(
    {"VERB", "PRON", "DET", "ADP", "AUX", "CCONJ", "SCONJ", "PART", "ADV", "INTJ", "NUM"}
)
_MARKUP = frozenset("=|{}[]<>#*_\\")
_NAME_PARTICLES = frozenset(
    {"de", "van", "von", "bin", "al", "da", "di", "le", "la", "der", "den", "dos", "du"}
)
_HTML_ENTITY = re.compile(r"&#?\w+;")
_TRAILING_NUMBER = re.compile(r"\s\d[\d\s,.:/-]*$")
_BRANDED_PRODUCT = re.compile(r"[ie][A-Z][a-z]+(?: [A-Z0-9][\w]*)?")  # iPhone, iPad Pro, eBook
_COLUMN_HEAD = re.compile(r"[A-Z]{1,3}")
_WORD = re.compile(r"[A-Za-z][A-Za-z.]*")
_NAME_BREAK = re.compile(r"[ ][-–—][ ]|[ ]\d[\d.,]*[ ](?=[A-Z])")
_BRACKETED = re.compile(r"[ ]?\([ ]?([A-Za-z][A-Za-z. ]{1,30}?)[ ]?\)")
_DATELINE_REST = re.compile(
    r"(?:[ ]?,[ ]?[A-Z][\w.]*(?:[ ][A-Z][\w.]*){0,2})?[ ]?(?:\d{4}-\d\d-\d\d|\(\w+\)[ ]?[-–—])"
)


@lru_cache(maxsize=4)
def _first_words(places: frozenset[str]) -> frozenset[str]:
    """The first words of the known places (``_known_place_runs``' filter)."""
    return frozenset(p.split(" ")[0] for p in places)


class _Mentions(_People, _Organisations, _Sports):
    """The mention-finding steps of the rule layer, in the order ``run`` applies them."""

    def _model_spans(self) -> list[_Span]:
        out: list[_Span] = []
        for ent in self.doc.ents:
            type_ = _LABELS.get(ent.label_)
            if type_ is None:
                continue
            for s0, e0 in _segments(self.text, ent.start_char, ent.end_char):
                for s, e in self._pieces(s0, e0):
                    s, e = _clean_span(self.text, s, e)
                    e = self._drop_trailing_numbers(s, e, type_)
                    s, e = self._trim_words(s, e, type_)
                    if e > s and not self.in_heading(s):
                        out.append(_Span(s, e, self._retype(s, e, type_)))
        return out

    def _trim_words(self, start: int, end: int, type_: EntityType) -> tuple[int, int]:
        """Common words the model ran into a name come off its end ("Xinhua news agency",
        "Van province", "Oval on"), and a nationality off a person's front ("Frenchman
        Cedric Pioline", "Pole Wojtek Lazarek")."""
        if type_ not in ("PERSON", "PLACE", "ORG"):
            return start, end
        text = self.text
        while True:
            cut = text.rfind(" ", start, end)
            if cut < 0 or not text[cut + 1 : end].isalpha() or not text[cut + 1 : end].islower():
                break
            end = _clean_span(text, start, cut)[1]
        if type_ == "PERSON":
            first = text.find(" ", start, end)
            if first > 0 and text[start:first].lower() in self.rules.demonyms:
                start = first + 1
        return start, end

    def _pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """A span cut where a name cannot go on: at a spaced dash ("CRICKET - ENGLAND") and
        at a number between names ("Chelsea 2 Coventry 0")."""
        out: list[tuple[int, int]] = []
        pos = start
        for m in _NAME_BREAK.finditer(self.text, start, end):
            out.append((pos, m.start()))
            pos = m.end()
        out.append((pos, end))
        return [(s, e) for s, e in out if e > s]

    def _retype(self, start: int, end: int, type_: EntityType) -> EntityType:
        """Types the model gets wrong in a systematic way: a name ending in an event word
        is an event ("U.S. Open", "Davis Cup"); an initial and a surname are a person
        ("C. Lewis"); a name followed by a country in brackets is a person ("Irina
        Privalova (Russia)"); a place name in capitals opening a dateline is a place."""
        surface = self.text[start:end]
        words = surface.split()
        low = [w.lower() for w in words]
        if (
            type_ in ("ORG", "PERSON", "PLACE")
            and len(words) >= 2
            and (low[-1] in self.rules.event_words or " ".join(low[-2:]) in self.rules.event_words)
        ):
            return "EVENT"
        if type_ in ("ORG", "PLACE", "MISC") and len(words) == 2 and _INITIAL.fullmatch(words[0]):
            return "PERSON" if words[1][:1].isupper() and words[1].isalpha() else type_
        if type_ in ("ORG", "PLACE") and 2 <= len(words) <= 3:
            m = _BRACKETED.match(self.text, end, min(len(self.text), end + 40))
            inside = m.group(1).lower() if m else ""
            if (inside in self.rules.countries or inside in self.rules.place_aliases) and all(
                w.isalpha() and w[:1].isupper() and w.lower() not in self.rules.org_keywords
                for w in words
            ):
                return "PERSON"
        dateline = type_ == "ORG" and surface.isupper() and self._line_start(start)
        if dateline and _DATELINE_REST.match(self.text, end, min(len(self.text), end + 60)):
            return "PLACE"
        return type_

    def _drop_trailing_numbers(self, start: int, end: int, type_: EntityType) -> int:
        """A date or a score the model ran into a name ("JOHANNESBURG 1996-08-22",
        "Kent 255-3") comes off; a plain number stays on an organisation or a product
        ("Channel 4", "Boeing 737")."""
        if type_ not in ("PERSON", "PLACE", "ORG"):
            return end
        m = _TRAILING_NUMBER.search(self.text, start, end)
        if m is None or m.start() == start:
            return end
        if type_ == "ORG" and not any(c in m.group(0) for c in "-/:"):
            return end
        return _clean_span(self.text, start, m.start())[1]

    def _untagged_places(self, spans: list[_Span]) -> list[_Span]:
        """Known places the model left untagged — mostly in capitals, as in datelines
        ("BONN", "KUALA LUMPUR") — written with a capital and inside no other mention."""
        places = self.rules.places
        if not places:
            return spans
        taken = bytearray(len(self.text) + 1)
        for sp in spans:
            taken[sp.start : sp.end] = b"\x01" * (sp.end - sp.start)
        found: list[_Span] = []
        for s, e in self._known_place_runs():
            if any(taken[s:e]) or self.in_heading(s):
                continue
            surface = self.text[s:e]
            words = surface.split()
            if not all(_is_cap(w) or w.lower() in self.rules.name_connectors for w in words):
                continue
            # a capitalised word before or after makes it part of a longer name
            before = self.text[max(0, s - 40) : s].split()
            after = self.text[e : e + 40].split()
            if (before and _is_cap(before[-1]) and not self._line_start(s)) or (
                after and _is_cap(after[0]) and not surface.isupper()
            ):
                continue
            found.append(_Span(s, e, "PLACE", rule=True))
        if not found:
            return spans
        return sorted(spans + found, key=lambda sp: sp.start)

    def _known_place_runs(self) -> list[tuple[int, int]]:
        """Runs of up to four words, the first capitalised, that spell a known place (any
        case), longest first, left to right, not overlapping: set look-ups per word, not one
        regular expression of every place tried at every character."""
        text, places = self.text, self.rules.places
        firsts = _first_words(places)
        words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        out: list[tuple[int, int]] = []
        free = 0  # a place found covers its words
        for i in [i for i, (s, _) in enumerate(words) if text[s].isupper()]:
            s, first_end = words[i]
            if i < free or (s and text[s - 1] in "&.-"):
                continue
            hit = 0
            # a run of two or more words can only spell a place that begins with its first
            # word (the words are joined by single spaces): most capitals try one length
            lengths = (4, 3, 2, 1) if text[s:first_end].lower() in firsts else (1,)
            for n in lengths:
                j = i + n - 1
                if j >= len(words) or any(
                    text[words[k][1] : words[k + 1][0]] != " " for k in range(i, j)
                ):
                    continue
                e = words[j][1]
                name = text[s:e].lower()
                if name in places or name.rstrip(".") in places:
                    hit = n
                    if name not in places:
                        e -= 1
                    out.append((s, e))
                    break
            free = i + (hit or 1)
        return out

    def _filter(self, spans: list[_Span]) -> list[_Span]:
        out: list[_Span] = []
        for sp in spans:
            surface = self.text[sp.start : sp.end]
            low = surface.lower()
            if not any(c.isupper() for c in surface) or any(c in _MARKUP for c in surface):
                continue
            if _HTML_ENTITY.search(surface):
                continue
            if sp.type != "ORG" and _normalise_space(surface).lower() in self.rules.companies:
                sp.type = "ORG"  # a well-known company the model took for a person or place
            if low in self.rules.not_entities or low.rstrip(".") in self.rules.not_entities:
                continue
            words = low.split()
            if words[-1] in self.rules.heading_words or (
                len(words) >= 2 and all(_COLUMN_HEAD.fullmatch(w) for w in surface.split())
            ):
                continue  # "MAJOR LEAGUE STANDINGS", "W L PCT GB": a table's headings
            if (
                len(words) == 2
                and words[0] in self.rules.vehicle_makers
                and words[1] not in self.rules.org_keywords
                and words[1] not in self.rules.org_keywords_strong
                and surface.split()[1][:1].isupper()
            ):
                sp.type = "PRODUCT"  # "Ford Escort", "Toyota Celica": a model, not its maker
            if _normalise_space(low) in self.rules.products or _BRANDED_PRODUCT.fullmatch(surface):
                sp.type = "PRODUCT"  # "iPhone": a product, not its maker
                out.append(sp)
                continue
            toks = self._tokens_between(sp.start, sp.end)
            if (
                not sp.rule
                and toks is not None
                and len(toks) == 1
                and toks[0].pos_ in _NOT_NAME_POS
            ):
                continue  # a rule's span stands on its own evidence ("Schalke 3 0 2 1": a row)
            if sp.type == "PERSON":
                words = surface.split()
                if any(any(c.isdigit() for c in w) for w in words):
                    continue
                if not all(
                    _is_cap(w)
                    or w.lower() in _NAME_PARTICLES
                    or w[0] in "-'’"
                    or w.split("-")[0].lower() in _NAME_PARTICLES  # "al-Bashir"
                    for w in words
                ):
                    continue
                if self._has_keyword(words, self.rules.org_keywords_strong) or (
                    len(words) >= 2 and words[-1].lower() in self.rules.org_keywords
                ):
                    sp.type = "ORG"
            out.append(sp)
        return out
