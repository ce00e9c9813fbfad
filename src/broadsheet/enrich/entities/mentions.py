"""Finding the mentions: spaCy's spans, corrected and completed by the rules.

Spans are cut at line breaks and slashes and stripped; well-known company names are taken
whole; "Shanghai’s Fudan University" splits into a place and an organisation; organisation
keywords retype spans and make organisations of untagged capitalised runs; "Party of" and
"University of" take in the name after them; titles come off people's names; a short name
given a person's role is a person; what is not a name is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from broadsheet.models import EntityType

from .rules import _LABELS
from .spans import _clean_span, _is_cap, _normalise_space, _Page, _segments, _Span

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
_INITIAL = re.compile(r"[A-Z]\.")
_WORD = re.compile(r"[A-Za-z][A-Za-z.]*")
_NAME_BREAK = re.compile(r"[ ][-–—][ ]|[ ]\d[\d.,]*[ ](?=[A-Z])")
_BRACKETED = re.compile(r"[ ]?\([ ]?([A-Za-z][A-Za-z. ]{1,30}?)[ ]?\)")
_DATELINE_REST = re.compile(
    r"(?:[ ]?,[ ]?[A-Z][\w.]*(?:[ ][A-Z][\w.]*){0,2})?[ ]?(?:\d{4}-\d\d-\d\d|\(\w+\)[ ]?[-–—])"
)
_SCORE = re.compile(
    r"(?<![\w.-])\d{1,3}-\d{1,3}(?![\w.-])|(?<=[a-z] )\d{1,3} [A-Z][a-z]+ \d{1,3}\b"
)
_TEAM_AFTER = re.compile(
    r"[ ]\d{1,3}(?:[ ,;\n]|$)|[ ](?:beat|beats|drew|draw|v|vs\.?|lost to|defeated)[ ]"
)
_TABLE_ROW = re.compile(r"^[A-Z][\w. ]{1,30} \d{1,3} \d{1,3}\b", re.MULTILINE)  # standings
_SCORE_LINE = re.compile(
    r"^([A-Z][^\d\n()]{1,40}?)[ ](\d{1,3})[ ]([A-Z][^\d\n()]{1,40}?)[ ](\d{1,3})[ ]?$", re.MULTILINE
)
_TEAM_BEFORE = re.compile(r"(?:[ ]v|vs\.?|beat|against|drew with)[ ]$")
_PARTICLE_NAME = re.compile(
    r"((?:[A-Z][a-z]+[ ]){1,3})(?:al|el|ad|bin|ben|ibn)(?:-|[ ])([A-Z][a-z]+)(?![\w-])"
)


class _Mentions(_Page):
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
                    if e > s and not self.in_heading(s):
                        out.append(_Span(s, e, self._retype(s, e, type_)))
        return out

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
        words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        out: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            s = words[i][0]
            if not text[s].isupper() or (s and text[s - 1] in "&.-"):
                i += 1
                continue
            hit = 0
            for n in (4, 3, 2, 1):
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
            i += hit or 1
        return out

    def _initials(self, spans: list[_Span]) -> list[_Span]:
        """An initial and a surname are one person: "D. Fulton", where the model tagged the
        initial alone (or nothing but the surname)."""
        doc = self.doc
        changed = False
        for sp in spans:
            if sp.type not in ("PERSON", "MISC", "ORG"):
                continue
            toks = self._tokens_between(sp.start, sp.end)
            if toks is None or not len(toks):
                continue
            if len(toks) == 1 and _INITIAL.fullmatch(toks[0].text) and toks.end < len(doc):
                nxt = doc[toks.end]
                if nxt.is_alpha and nxt.text[:1].isupper() and toks[0].whitespace_:
                    sp.end, sp.type, changed = nxt.idx + len(nxt.text), "PERSON", True
                    continue
            if sp.type == "PERSON":
                j = toks.start - 1
                while j >= 0 and _INITIAL.fullmatch(doc[j].text) and doc[j].whitespace_:
                    sp.start, changed = doc[j].idx, True
                    j -= 1
        return self._absorb(spans) if changed else spans

    def _untagged_initials(self, spans: list[_Span]) -> list[_Span]:
        """An initial and a proper-noun surname the model left untagged ("A. Giles")."""
        doc = self.doc
        taken = bytearray(len(self.text) + 1)
        for sp in spans:
            taken[sp.start : sp.end] = b"\x01" * (sp.end - sp.start)
        found: list[_Span] = []
        for tok in doc[:-1]:
            if len(tok.text) != 2 or not _INITIAL.fullmatch(tok.text) or not tok.whitespace_:
                continue
            nxt = doc[tok.i + 1]
            if tok.i and (doc[tok.i - 1].text[:1].isupper() and not doc[tok.i - 1].is_punct):
                continue  # inside a longer capitalised run
            if nxt.pos_ != "PROPN" or not nxt.is_alpha or not nxt.text[:1].isupper():
                continue
            if taken[tok.idx] or taken[nxt.idx] or self.in_heading(tok.idx):
                continue
            found.append(_Span(tok.idx, nxt.idx + len(nxt.text), "PERSON", rule=True))
        if not found:
            return spans
        return sorted(spans + found, key=lambda sp: sp.start)

    def _particle_names(self, spans: list[_Span]) -> list[_Span]:
        """Full names joined by a particle that the model missed or cut ("Omar Hassan
        al-Bashir", "Osama bin Laden"), found from a surname it did tag as a person: the
        particle, the surname and up to three capitalised words before it (titles off)."""
        surnames = {
            self.text[sp.start : sp.end]
            for sp in spans
            if sp.type == "PERSON" and " " not in self.text[sp.start : sp.end].strip()
        }
        surnames = {w for w in surnames if len(w) >= 3 and w[:1].isupper() and w.isalpha()}
        if not surnames:
            return spans
        owner = bytearray(len(self.text) + 1)  # 1: inside a mention other than a person's
        for sp in spans:
            if sp.type != "PERSON":
                owner[sp.start : sp.end] = b"\x01" * (sp.end - sp.start)
        ends = {sp.end for sp in spans if sp.type == "PERSON"}
        found: list[_Span] = []
        for m in _PARTICLE_NAME.finditer(self.text):
            if m.group(2) not in surnames or self.in_heading(m.start()):
                continue
            start = m.start(2) - 1
            while start > 0 and self.text[start - 1] in "-‐‑ ":
                start -= 1
            start = self.text.rfind(" ", 0, start) + 1  # the particle
            taken = 0
            for word in reversed(m.group(1).split()):
                at = self.text.rfind(word, m.start(1), start)
                low = word.lower().rstrip(".")
                if at < 0 or low in self.rules.person_title_words or owner[at]:
                    break
                if low in self.rules.not_entities or taken == 3:
                    break
                start, taken = at, taken + 1
            if not taken or (
                m.end() in ends
                and any(
                    sp.start <= start and sp.end == m.end() for sp in spans if sp.type == "PERSON"
                )
            ):
                continue
            found.append(_Span(start, m.end(), "PERSON", rule=True))
        if not found:
            return spans
        kept = [sp for sp in spans if not any(f.start < sp.end and sp.start < f.end for f in found)]
        return sorted(kept + found, key=lambda sp: sp.start)

    def _teams(self, spans: list[_Span]) -> None:
        """In a sports report (several scores or table rows), a city or region followed by a
        score, or beating or drawing with another, is a team: an organisation
        ("Chicago 5 Houston 3",
        "Leicestershire 22 points", "Somerset beat Kent"). Countries stay places, as
        national sides are usually written (CoNLL's convention too)."""
        if len(_SCORE.findall(self.text)) + len(_TABLE_ROW.findall(self.text)) < 3:
            return
        for sp in spans:
            if sp.type != "PLACE":
                continue
            name = _normalise_space(self.text[sp.start : sp.end]).lower()
            if name in self.rules.countries or name in self.rules.place_aliases:
                continue
            after = self.text[sp.end : sp.end + 24]
            before = self.text[max(0, sp.start - 12) : sp.start]
            if _TEAM_AFTER.match(after) or _TEAM_BEFORE.search(before):
                sp.type = "ORG"

    def _score_lines(self, spans: list[_Span]) -> list[_Span]:
        """A result line, "Ajax 2 PSV Eindhoven 1", names two teams: organisations, whatever
        the model took them for (countries stay places); sides it missed are added."""
        found: list[tuple[int, int]] = []
        for m in _SCORE_LINE.finditer(self.text):
            for g in (1, 3):
                s, e = _clean_span(self.text, m.start(g), m.end(g))
                if e > s:
                    found.append((s, e))
        if not found:
            return spans
        out = list(spans)
        for s, e in found:
            name = _normalise_space(self.text[s:e]).lower()
            if name in self.rules.countries or name in self.rules.place_aliases:
                continue
            if name in self.rules.not_entities or not self.text[s].isupper():
                continue
            inside = [
                sp
                for sp in out
                if (s <= sp.start and sp.end <= e) or (sp.type == "MISC" and sp.start == s)
            ]
            if any(sp.start < e and s < sp.end for sp in out if sp not in inside):
                continue
            for sp in inside:
                out.remove(sp)
            out.append(_Span(s, e, "ORG", rule=True))
        return sorted(out, key=lambda sp: sp.start)

    def _known_place(self, sp: _Span) -> bool:
        low = _normalise_space(self.text[sp.start : sp.end]).lower()
        return low in self.rules.places or low in self.rules.place_aliases

    def _line_start(self, pos: int) -> bool:
        line = self.text.rfind("\n", 0, pos)
        return not self.text[line + 1 : pos].strip()

    def _known_companies(self, spans: list[_Span]) -> list[_Span]:
        """Well-known multi-word company names the model split or mistyped
        ("Lockheed" ORG + "Martin" PERSON -> "Lockheed Martin" ORG)."""
        pattern = self.rules.company_pattern
        if pattern is None:
            return spans
        found = [
            _Span(m.start(), m.end(), "ORG", rule=True)
            for m in pattern.finditer(self.text)
            if not self.in_heading(m.start())
        ]
        if not found:
            return spans
        kept = [
            sp
            for sp in spans
            if not any(
                sp.start < f.end and f.start < sp.end and sp.end - sp.start <= f.end - f.start
                for f in found
            )
        ]
        kept.extend(f for f in found if not any(k.start < f.end and f.start < k.end for k in kept))
        return sorted(kept, key=lambda sp: sp.start)

    def _split_possessives(self, spans: list[_Span]) -> list[_Span]:
        """ "Shanghai’s Fudan University" -> PLACE "Shanghai" + ORG "Fudan University"."""
        out: list[_Span] = []
        for sp in spans:
            surface = self.text[sp.start : sp.end]
            m = re.search(r"[’']s\s+", surface)
            if m is None or sp.type == "PERSON":
                out.append(sp)
                continue
            left, right = surface[: m.start()], surface[m.end() :]
            left_words, right_words = left.split(), right.split()
            left_is_place = (
                left.lower() in self.rules.places or left.lower() in self.rules.place_aliases
            )
            if (
                left_words
                and len(right_words) >= 2
                and all(_is_cap(w) for w in left_words)
                and all(_is_cap(w) or w.lower() in self.rules.name_connectors for w in right_words)
                and (
                    left_is_place
                    or (
                        self._has_keyword(right_words, self.rules.org_keywords_strong)
                        and left.lower() not in self.rules.possessive_name_words
                    )
                )
            ):
                left_type: EntityType = sp.type
                if left_is_place:
                    left_type = "PLACE"
                elif self._has_keyword(left_words, self.rules.org_keywords_strong):
                    left_type = "ORG"
                out.append(_Span(sp.start, sp.start + len(left), left_type))
                out.append(_Span(sp.start + m.end(), sp.end, sp.type))
            else:
                out.append(sp)
        return out

    def _has_keyword(self, words: Sequence[str], keywords: frozenset[str]) -> bool:
        return any(_is_cap(w) and w.lower().strip(",") in keywords for w in words)

    def _type_by_keywords(self, spans: list[_Span]) -> None:
        for sp in spans:
            words = self.text[sp.start : sp.end].split()
            low = self.text[sp.start : sp.end].lower()
            if low in self.rules.places or low in self.rules.place_aliases:
                sp.type = "PLACE"  # "West Bank": a known place, whatever its words
            elif self._has_keyword(words, self.rules.org_keywords_strong) and sp.type != "EVENT":
                sp.type = "ORG"

    def _tokens_between(self, start: int, end: int) -> Any:
        return self.doc.char_span(start, end, alignment_mode="expand")

    def _expand_right(self, tok_i: int) -> int:
        """Index past the last token of a name continued by "of X", "for X and Y"."""
        doc = self.doc
        i = tok_i
        end = tok_i
        while i < len(doc):
            tok = doc[i]
            if tok.is_space or "\n" in tok.text:
                break
            if tok.lower_ in self.rules.name_connectors or (
                tok.lower_ == "the"
                and i > tok_i
                and doc[i - 1].lower_ in self.rules.name_connectors
            ):
                i += 1
                continue
            if (
                _is_cap(tok.text)
                and tok.tag_ != "POS"
                and tok.lower_ not in self.rules.person_title_words
                and tok.ent_type_ != "PERSON"
            ):
                i += 1
                end = i
                continue
            break
        return end

    def _extend_orgs(self, spans: list[_Span]) -> list[_Span]:
        """ "Communist Party of" + "China’s" -> "Communist Party of China";
        "University of California" + ", San Diego" -> one name."""
        doc = self.doc
        by_start = {sp.start: sp for sp in spans}
        drop: set[int] = set()
        for sp in spans:
            if sp.type != "ORG":
                continue
            toks = self._tokens_between(sp.start, sp.end)
            if toks is None or len(toks) == 0:
                continue
            after = toks.end
            # a name cut before (or just after) its "of X"
            if toks[-1].lower_ in ("of", "for"):
                after -= 1
            nxt = doc[after] if after < len(doc) else None
            if nxt is not None and nxt.lower_ in ("of", "for") and after + 1 < len(doc):
                new_end = self._expand_right(after)
                if new_end > after + 1:
                    last = doc[new_end - 1]
                    sp.end = _clean_span(self.text, sp.start, last.idx + len(last))[1]
            # "University of California, San Diego": a campus after a comma
            surface = self.text[sp.start : sp.end]
            if surface.lower().startswith("university of"):
                m = re.match(r",\s+", self.text[sp.end :])
                if m:
                    other = by_start.get(sp.end + m.end())
                    if other is not None and other.type == "PLACE":
                        sp.end = other.end
                        drop.add(id(other))
        kept = [sp for sp in spans if id(sp) not in drop]
        return self._absorb(kept)

    def _absorb(self, spans: list[_Span]) -> list[_Span]:
        """Drop spans contained in a longer one (the longer wins)."""
        spans.sort(key=lambda s: (s.start, -(s.end - s.start)))
        out: list[_Span] = []
        for sp in spans:
            if out and sp.start < out[-1].end:
                if sp.end <= out[-1].end:
                    continue  # inside the previous
                if (sp.end - sp.start) > (out[-1].end - out[-1].start):
                    out[-1] = sp
                continue
            out.append(sp)
        return out

    def _rule_orgs(self, spans: list[_Span]) -> list[_Span]:
        """Untagged capitalised runs ending in an organisation keyword."""
        doc = self.doc
        owner: dict[int, _Span] = {}
        for sp in spans:
            for i in range(sp.start, sp.end):
                owner[i] = sp
        new: list[_Span] = []
        for tok in doc:
            if tok.lower_ not in self.rules.org_keywords_strong or not tok.text[:1].isupper():
                continue
            if self.in_heading(tok.idx):
                continue
            cur = owner.get(tok.idx)
            if cur is not None and cur.type in ("ORG", "PERSON", "EVENT"):
                continue
            if cur is not None and cur.type == "PLACE" and self._known_place(cur):
                continue  # "West Bank" is a place, "Bank" notwithstanding
            j = tok.i - 1
            start_i = tok.i
            while j >= 0:
                t = doc[j]
                o = owner.get(t.idx)
                if o is not None and o.type in ("PERSON", "PLACE", "ORG") and o is not cur:
                    break
                if t.tag_ == "POS" and j - 1 >= 0 and _is_cap(doc[j - 1].text):
                    prev_owner = owner.get(doc[j - 1].idx)
                    if prev_owner is not None and prev_owner.type != "MISC":
                        break
                    j -= 1
                    continue
                if (
                    _is_cap(t.text)
                    and t.lower_ not in ("the", "a", "an")
                    and t.lower_ not in self.rules.person_title_words
                    and not t.is_sent_start
                    and t.tag_ in ("NNP", "NNPS", "JJ", "NN", "NNS")
                ):
                    start_i = j
                    j -= 1
                    continue
                if _is_cap(t.text) and t.is_sent_start and t.lower_ not in ("the", "a", "an"):
                    if t.tag_ in ("NNP", "NNPS"):
                        start_i = j
                    break
                break
            end_i = tok.i + 1
            if end_i < len(doc) and doc[end_i].lower_ in ("of", "for"):
                end_i = max(end_i, self._expand_right(end_i))
            if end_i - start_i < 2:
                continue
            s = doc[start_i].idx
            e = doc[end_i - 1].idx + len(doc[end_i - 1])
            s, e = _clean_span(self.text, s, e)
            if e > s and "\n" not in self.text[s:e]:
                new.append(_Span(s, e, "ORG", rule=True))
        if not new:
            return spans
        # a rule span replaces model spans inside it; it yields to a longer overlapping span
        merged = [
            sp for sp in spans if not any(n.start <= sp.start and sp.end <= n.end for n in new)
        ]
        merged.extend(new)
        return self._absorb(merged)

    def _apply_titles(self, spans: list[_Span]) -> list[_Span]:
        """Strip titles from people; drop entities that are part of a title phrase."""
        doc = self.doc
        phrase_ranges: list[tuple[int, int]] = []
        lowers = [t.lower_ for t in doc]
        first_words = {p[0] for p in self.rules.title_phrases}
        for i, low in enumerate(lowers):
            if low not in first_words:
                continue
            for phrase in self.rules.title_phrases:
                n = len(phrase)
                if tuple(lowers[i : i + n]) == phrase:
                    last = doc[i + n - 1]
                    phrase_ranges.append((doc[i].idx, last.idx + len(last)))
                    break
        out: list[_Span] = []
        for sp in spans:
            if sp.type != "PERSON" and any(
                s <= sp.start and sp.end <= e and (sp.start, sp.end) != (s, e)
                for s, e in phrase_ranges
            ):
                continue
            if sp.type != "PERSON" and any((sp.start, sp.end) == r for r in phrase_ranges):
                continue
            if sp.type == "PERSON":
                self._extend_person(sp)
                for s, e in phrase_ranges:
                    if s <= sp.start < e < sp.end:
                        sp.start, sp.end = _clean_span(self.text, e, sp.end)
                toks = self._tokens_between(sp.start, sp.end)
                if toks is not None:
                    k = 0
                    while k < len(toks) - 1 and (
                        toks[k].lower_ in self.rules.person_title_words
                        or toks[k].lower_.rstrip(".") in self.rules.person_title_words
                    ):
                        k += 1
                    if k:
                        sp.start, sp.end = _clean_span(self.text, toks[k].idx, sp.end)
                    # "Arcelor Chairman": an organisation followed by a title, no name
                    j = len(toks)
                    while j > k + 1 and toks[j - 1].lower_ in self.rules.person_title_words:
                        j -= 1
                    if j < len(toks) and toks[j - 1].i >= toks[k].i:
                        last = toks[j - 1]
                        sp.end = _clean_span(self.text, sp.start, last.idx + len(last))[1]
                        sp.type = "ORG"
            if sp.end > sp.start:
                out.append(sp)
        return out

    def _people_by_role(self, spans: list[_Span]) -> None:
        """A short capitalised name the model took for something else is a person when the
        story gives it a person's role: "Odile Ferrand, the chief executive of ...",
        "Ravi Castellano, who studies ...", "analyst Jane Roe"."""
        doc = self.doc
        titles = self.rules.person_title_words | {p[0] for p in self.rules.title_phrases}
        for sp in spans:
            if sp.type == "PERSON":
                continue
            toks = self._tokens_between(sp.start, sp.end)
            if toks is None or not 2 <= len(toks) <= 3:
                continue
            if not all(t.is_alpha and t.text[:1].isupper() for t in toks):
                continue
            words = [t.text for t in toks]
            if self._has_keyword(words, self.rules.org_keywords) or self._has_keyword(
                words, self.rules.org_keywords_strong
            ):
                continue
            after = toks.end
            role = False
            if after + 1 < len(doc) and doc[after].text == ",":
                nxt = doc[after + 1]
                if nxt.lower_ == "who":
                    role = True
                else:
                    j = after + 1 + (nxt.lower_ in ("the", "a", "an"))
                    window = [t.lower_.rstrip(".") for t in doc[j : j + 3]]
                    role = any(w in titles for w in window)
            before = toks.start - 1
            if before >= 0 and doc[before].lower_.rstrip(".") in titles:
                role = True
            if role:
                sp.type = "PERSON"

    def _extend_person(self, sp: _Span) -> None:
        """Take in up to two proper-noun tokens the model left off a name ("Park Sun" Ho)."""
        doc = self.doc
        toks = self._tokens_between(sp.start, sp.end)
        if toks is None or len(toks) == 0:
            return
        i = toks.end
        added = 0
        while i < len(doc) and added < 2:
            tok = doc[i]
            if tok.tag_ != "NNP" or tok.ent_type_ or not tok.text[:1].isupper():
                break
            if tok.whitespace_ == "" and i + 1 < len(doc) and doc[i + 1].tag_ not in ("POS", "."):
                break
            sp.end = tok.idx + len(tok.text)
            added += 1
            i += 1
        # and one the model left off the front ("Tarek" Nasrallah), unless it is a title
        j = toks.start - 1
        if j >= 0:
            tok = doc[j]
            if (
                tok.tag_ == "NNP"
                and not tok.ent_type_
                and tok.is_alpha
                and tok.text[:1].isupper()
                and tok.whitespace_
                and tok.lower_ not in self.rules.person_title_words
                and tok.lower_ not in {p[0] for p in self.rules.title_phrases}
                and not self._has_keyword([tok.text], self.rules.org_keywords)
                and not self._has_keyword([tok.text], self.rules.org_keywords_strong)
                # it must start the capitalised run: "Ministry Spokeswoman Jiang" is a title
                and (j == 0 or not doc[j - 1].text[:1].isupper() or doc[j - 1].is_sent_start)
            ):
                sp.start = tok.idx

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
            if _normalise_space(low) in self.rules.products or _BRANDED_PRODUCT.fullmatch(surface):
                sp.type = "PRODUCT"  # "iPhone": a product, not its maker
                out.append(sp)
                continue
            toks = self._tokens_between(sp.start, sp.end)
            if toks is not None and len(toks) == 1 and toks[0].pos_ in _NOT_NAME_POS:
                continue
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
