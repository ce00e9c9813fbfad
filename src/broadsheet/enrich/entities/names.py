"""Canonical names: one name per person, organisation and place within an article.

A surname or family name alone ("Kim", "Shirk") resolves to the full name seen in the
article; an acronym in brackets after an organisation resolves to it; a name many
countries' bodies share takes the article's country ("the Communist Party"); a name gets
one type, by vote; names found in the body are marked where headings repeat them.
``entity_id_for`` makes the archive-wide id of a canonical name.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache

from broadsheet.models import Entity, EntityType

from .spans import _is_dateline, _normalise_space, _Page, _Span


@lru_cache(maxsize=16384)  # the same names recur within and across articles
def entity_id_for(type_: str, name: str) -> str:
    """Archive-wide id: ``person:kim-jong-il``."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    folded = folded.lower().replace("'", "").replace("&", " and ")
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return f"{type_.lower()}:{slug or 'x'}"


_CAPS_START = re.compile(r"[A-Z][A-Z]")
_LOWER = re.compile(r"[^\W\d_A-Z]")  # a letter that is not a capital (ASCII or not)
_UPPER = re.compile(r"[A-Z]")
_CAPS_WORD = re.compile(r"[A-Za-z0-9][\w.'’&-]*")
_PARTICLE_PREFIX = re.compile(r"(?:al|el|ul|ad|ash|as|at|ar|an|az|bin|ben|ibn)[-‐‑]", re.IGNORECASE)


def _without_particle(word: str) -> str:
    """A family name without its joined particle: "al-Bashir" -> "Bashir"."""
    m = _PARTICLE_PREFIX.match(word)
    return word[m.end() :] if m and len(word) - m.end() >= 3 else word


_WORD_CHAR = re.compile(r"\w")


def _whole_word_hits(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    r"""Where ``(?<!\w)(?:w1|w2|...)(?!\w)`` matches in ``text`` (``finditer``: left to
    right, not overlapping, the first alternative that fits at a place), found with
    ``str.find`` instead of compiling that expression for every article."""
    starts: dict[int, list[int]] = defaultdict(list)  # place -> alternatives there, in order
    for k, word in enumerate(words):
        at = text.find(word)
        while at >= 0:
            starts[at].append(k)
            at = text.find(word, at + 1)
    out: list[tuple[int, int]] = []
    free = 0  # where the next match may begin
    for at in sorted(starts):
        if at < free or (at and _WORD_CHAR.match(text, at - 1)):
            continue
        for k in sorted(starts[at]):
            end = at + len(words[k])
            if not _WORD_CHAR.match(text, end):
                out.append((at, end))
                free = end
                break
    return out


class _Names(_Page):
    """The naming steps of the rule layer: canonical names for the mentions found."""

    def _resolve(self, spans: list[_Span]) -> list[Entity]:
        text = self.text
        rules = self.rules
        # full names of people, with their mention counts and first positions
        full_counts: Counter[str] = Counter()
        first_seen: dict[str, int] = {}
        for sp in spans:
            if sp.type == "PERSON":
                name = _normalise_space(text[sp.start : sp.end])
                if len(name.split()) >= 2:
                    full_counts[name] += 1
                    first_seen.setdefault(name, sp.start)
        by_part: dict[str, list[str]] = defaultdict(list)
        for name in full_counts:
            parts = name.split()
            # "al-Bashir" is also called "Bashir"; "bin Laden" also "Laden" (rarely alone)
            for part in {parts[0], parts[-1], _without_particle(parts[-1])}:
                usable = len(part) > 1 and part.lower() not in rules.person_title_words
                if usable and name not in by_part[part]:
                    by_part[part].append(name)

        def person_for(part: str, at: int) -> str | None:
            cands = by_part.get(part)
            if not cands:
                return None
            before = [c for c in cands if first_seen[c] < at] or cands
            return max(before, key=lambda c: (full_counts[c], first_seen[c]))

        # untagged surname mentions ("Shirk and Barry Naughton")
        covered = bytearray(len(text) + 1)
        for sp in spans:
            covered[sp.start : sp.end] = b"\x01" * (sp.end - sp.start)
        extra: list[_Span] = []
        if by_part:  # the parts found in the text, then their tokens (not every token)
            for start, end in _whole_word_hits(text, sorted(by_part, key=len, reverse=True)):
                if covered[start] or self.in_heading(start):
                    continue
                toks = self.doc.char_span(start, end)
                if toks is not None and len(toks) == 1 and toks[0].pos_ == "PROPN":
                    extra.append(_Span(start, end, "PERSON"))
        spans = sorted(spans + extra, key=lambda s: s.start)

        # acronyms in brackets after an organisation: "Communist Party of China (CPC)"
        acronyms: dict[str, str] = {}
        for sp in spans:
            if sp.type != "ORG":
                continue
            m = re.match(r"(?:[’']s)?\s*\(([A-Z][A-Za-z&.]{1,9})\)", text[sp.end : sp.end + 16])
            if m:
                name = _normalise_space(text[sp.start : sp.end])
                initials = "".join(w[0] for w in name.split() if w[0].isupper())
                acr = m.group(1).replace(".", "")
                if acr.upper() == initials.upper() or acr[0] == initials[:1]:
                    acronyms[m.group(1)] = name
        if acronyms:  # later mentions of the acronym the model did not tag
            covered = bytearray(len(text) + 1)
            for sp in spans:
                covered[sp.start : sp.end] = b"\x01" * (sp.end - sp.start)
            extra = [
                _Span(tok.idx, tok.idx + len(tok.text), "ORG")
                for tok in self.doc
                if tok.text in acronyms and not covered[tok.idx] and not self.in_heading(tok.idx)
            ]
            spans = sorted(spans + extra, key=lambda s: s.start)
        org_names = {_normalise_space(text[s.start : s.end]) for s in spans if s.type == "ORG"}

        entities: list[Entity] = []
        for sp in spans:
            surface = text[sp.start : sp.end]
            name = _normalise_space(surface)
            type_: EntityType = sp.type
            if len(name.split()) == 1:
                full = person_for(name, sp.start)
                if full is not None and (type_ != "PLACE" or name.lower() not in rules.places):
                    type_, name = "PERSON", full
            if type_ != "PLACE" and len(name.split()) >= 2:
                tail = " " + name.lower()  # "Bin Laden" for "Osama bin Laden"
                longer = [f for f in full_counts if f.lower().endswith(tail)]
                if longer:  # "de Villepin" -> "Dominique de Villepin"
                    type_ = "PERSON"
                    name = max(longer, key=lambda c: (full_counts[c], first_seen[c]))
            if type_ == "ORG":
                if name in acronyms:
                    name = acronyms[name]
                else:
                    longer = [
                        o
                        for o in org_names
                        if o.startswith(name + " of ") or o.startswith(name + ", ")
                    ]
                    if len(longer) == 1:
                        name = longer[0]
            elif type_ == "PLACE":
                name = rules.place_aliases.get(name.lower(), name)
            entities.append(
                Entity(sp.start, sp.end, type_, name, surface, entity_id_for(type_, name))
            )
        entities = self._qualify_by_country(entities)
        datelines = {
            sp.start for sp in spans if sp.type == "PLACE" and _is_dateline(text, sp.start, sp.end)
        }  # "NEW YORK 1996-08-25" is the place, whatever the standings call New York
        entities = _vote_types(entities, datelines)
        entities.extend(self._heading_mentions(entities))
        entities.extend(self._capitals_mentions(entities))
        entities.sort(key=lambda e: (e.start, e.end))
        return entities

    def _qualify_by_country(self, entities: list[Entity]) -> list[Entity]:
        """Names shared by many countries' bodies get the country: "the Communist Party" in
        an article about China (or "China’s Communist Party") is the Communist Party of China."""
        templates = self.rules.country_qualified_orgs
        if not any(e.type == "ORG" and e.name.lower() in templates for e in entities):
            return entities
        counts = Counter(
            e.name for e in entities if e.type == "PLACE" and e.name.lower() in self.rules.countries
        )
        dominant = counts.most_common(1)[0] if counts else None
        by_end = {e.end: e for e in entities if e.type == "PLACE"}
        out: list[Entity] = []
        for ent in entities:
            template = templates.get(ent.name.lower()) if ent.type == "ORG" else None
            if template is not None:
                country: str | None = None
                m = re.search(r"[’']s\s+$", self.text[max(0, ent.start - 4) : ent.start])
                owner = by_end.get(ent.start - len(m.group(0))) if m else None
                if owner is not None and owner.name.lower() in self.rules.countries:
                    country = owner.name
                elif dominant is not None and dominant[1] >= 2:
                    country = dominant[0]
                if country is not None:
                    name = template.format(country=country)
                    ent = Entity(
                        ent.start, ent.end, "ORG", name, ent.text, entity_id_for("ORG", name)
                    )
            out.append(ent)
        return out

    def _capitals_mentions(self, entities: Sequence[Entity]) -> list[Entity]:
        """Names found elsewhere in the article, where a line in capitals repeats them (a
        headline, "SOCCER - FIORENTINA BEAT MILAN"): the model rarely tags words in
        capitals."""
        text = self.text
        lines: list[tuple[int, int]] = []
        pos = 0
        for line in text.split("\n"):
            if _CAPS_START.search(line):  # a line without two capitals in a row is skipped
                lower, upper = len(_LOWER.findall(line)), len(_UPPER.findall(line))
                if upper >= 6 and upper >= 4 * lower and not self.in_heading(pos):
                    lines.append((pos, pos + len(line)))
            pos += len(line) + 1
        if not lines or not entities:
            return []
        known: dict[str, tuple[EntityType, str]] = {}
        parts: dict[str, set[str]] = defaultdict(set)
        for ent in entities:
            if ent.text.isupper():
                continue
            for key in (ent.text, ent.name):
                if len(key) >= 3:
                    known.setdefault(key.upper(), (ent.type, ent.name))
            words = ent.name.split()
            if ent.type == "PERSON" and len(words) >= 2:
                for part in (words[0], words[-1]):
                    if len(part) >= 3 and part.lower() not in self.rules.person_title_words:
                        parts[part.upper()].add(ent.name)
        for part, names in parts.items():
            if len(names) == 1:
                known.setdefault(part, ("PERSON", next(iter(names))))
        if not known:
            return []
        covered = bytearray(len(text) + 1)
        for ent in entities:
            covered[ent.start : ent.end] = b"\x01" * (ent.end - ent.start)
        longest = max(len(k.split()) for k in known)
        out: list[Entity] = []
        for s, e in lines:  # runs of up to ``longest`` spots, longest first: set look-ups
            spots = [(m.start(), m.end()) for m in _CAPS_WORD.finditer(text, s, e)]
            i = 0
            while i < len(spots):
                hit = 0
                for n in range(min(longest, len(spots) - i), 0, -1):
                    ws, we = spots[i][0], spots[i + n - 1][1]
                    key = text[ws:we]
                    if key not in known and key.rstrip(".") in known:
                        key = key.rstrip(".")
                        we = ws + len(key)
                    if key in known and not any(covered[ws:we]):
                        type_, name = known[key]
                        if _is_dateline(text, ws, we):
                            type_ = "PLACE"  # "PORTSMOUTH 2026-03-02", whatever the body said
                        out.append(Entity(ws, we, type_, name, key, entity_id_for(type_, name)))
                        hit = n
                        break
                i += hit or 1
        return out

    def _heading_mentions(self, entities: Sequence[Entity]) -> list[Entity]:
        """Mark names already found in the body where they occur in headings."""
        if not self.headings or not entities:
            return []
        known: dict[str, tuple[EntityType, str]] = {}
        for ent in entities:
            if len(ent.text) >= 3:
                known.setdefault(ent.text, (ent.type, ent.name))
            if len(ent.name) >= 3:
                known.setdefault(ent.name, (ent.type, ent.name))
        parts: dict[str, set[str]] = defaultdict(set)
        for ent in entities:
            words = ent.name.split()
            if ent.type == "PERSON" and len(words) >= 2:
                for part in (words[0], words[-1]):
                    if len(part) >= 3 and part.lower() not in self.rules.person_title_words:
                        parts[part].add(ent.name)
        for part, names in parts.items():
            if len(names) == 1:
                known.setdefault(part, ("PERSON", next(iter(names))))
        if not known:
            return []
        alternatives = sorted(known, key=len, reverse=True)
        pattern = re.compile(
            r"(?<![\w])(?:" + "|".join(re.escape(a) for a in alternatives) + r")(?![\w])"
        )
        out: list[Entity] = []
        for s, e in self.headings:
            for m in pattern.finditer(self.text, s, e):
                type_, name = known[m.group(0)]
                out.append(
                    Entity(m.start(), m.end(), type_, name, m.group(0), entity_id_for(type_, name))
                )
        return out


_TYPE_PRIORITY: dict[str, int] = {"ORG": 5, "PLACE": 4, "PERSON": 3, "EVENT": 2, "PRODUCT": 1}


def _vote_types(
    entities: list[Entity], fixed: frozenset[int] | set[int] = frozenset()
) -> list[Entity]:
    """One type per canonical name within an article: the most frequent one wins (not over
    the mentions starting at ``fixed`` offsets, which neither vote nor change)."""
    fixed = fixed or set()
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for ent in entities:
        if ent.start not in fixed:
            votes[ent.name][ent.type] += 1
    out: list[Entity] = []
    for ent in entities:
        counter = votes[ent.name]
        if len(counter) > 1 and ent.start not in fixed:
            best = max(counter, key=lambda t: (counter[t], _TYPE_PRIORITY.get(t, 0)))
            if best != ent.type:
                best_type: EntityType = best  # type: ignore[assignment]
                ent = Entity(
                    ent.start, ent.end, best_type, ent.name, ent.text, entity_id_for(best, ent.name)
                )
        out.append(ent)
    return out
