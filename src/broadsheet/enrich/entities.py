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
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from ..models import Entity, EntityType

__all__ = [
    "EntityRules",
    "entity_id_for",
    "find_entities",
    "find_heading_spans",
    "load_entity_rules",
]

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

_APOSTROPHES = "'’"
_TRAILING_PUNCT = "-–—,;:/|([{\"“”‘’'"
_KEEP_FINAL_DOT = frozenset({"inc.", "corp.", "co.", "ltd.", "jr.", "sr.", "bros.", "st."})
_HEADING_END_PUNCT = ".!?;:,"
_NOT_NAME_POS = frozenset(
    {"VERB", "PRON", "DET", "ADP", "AUX", "CCONJ", "SCONJ", "PART", "ADV", "INTJ", "NUM"}
)
_MARKUP = frozenset("=|{}[]<>#*_\\")
_NAME_PARTICLES = frozenset(
    {"de", "van", "von", "bin", "al", "da", "di", "le", "la", "der", "den", "dos", "du"}
)
_HTML_ENTITY = re.compile(r"&#?\w+;")
_QUOTE_CHARS = "\"'“”‘’«»"


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


def _as_written(word: str) -> str:
    """How a lower-case name word is written: "of" -> "of", "j.p." -> "J.P.", "martin" ->
    "Martin"."""
    if word in ("of", "and", "the", "&", "de"):
        return word
    if "." in word or len(word) <= 2:
        return word.upper()
    return word[:1].upper() + word[1:]


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
        company_pattern=re.compile(
            r"(?<![\w&-])(?:"
            + "|".join(
                re.escape(" ".join(_as_written(w) for w in k.split()))
                for k in sorted(aliases, key=len, reverse=True)
                if " " in k
            )
            + r")(?![\w&-])"
        ),
    )


def entity_id_for(type_: str, name: str) -> str:
    """Archive-wide id: ``person:kim-jong-il``."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    folded = folded.lower().replace("'", "").replace("&", " and ")
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return f"{type_.lower()}:{slug or 'x'}"


# --------------------------------------------------------------------------- headings


def find_heading_spans(text: str) -> list[tuple[int, int]]:
    """Lines that read as headings: short, alone between blank lines, no final punctuation.

    Only multi-paragraph text has headings (a single line is just a sentence).
    """
    if "\n\n" not in text.strip():
        return []
    spans: list[tuple[int, int]] = []
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    for i, (s, e) in enumerate(lines):
        body = text[s:e].strip()
        if not body:
            continue
        prev_blank = i == 0 or not text[lines[i - 1][0] : lines[i - 1][1]].strip()
        next_blank = i == len(lines) - 1 or not text[lines[i + 1][0] : lines[i + 1][1]].strip()
        if not (prev_blank and next_blank):
            continue
        if len(body) > 120 or len(body.split()) > 14:
            continue
        core = body.rstrip(_QUOTE_CHARS)
        if core and core[-1] in _HEADING_END_PUNCT:
            continue
        lead = len(text[s:e]) - len(text[s:e].lstrip())
        spans.append((s + lead, s + lead + len(body)))
    return spans


# --------------------------------------------------------------------------- working spans


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    type: EntityType
    rule: bool = False  # made by the rule layer rather than the statistical model


def _is_cap(word: str) -> bool:
    return bool(word) and (word[0].isupper() or (word[0].isdigit() and len(word) > 1))


def _clean_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip space, a leading "the", a trailing possessive and trailing punctuation."""
    changed = True
    while changed and start < end:
        changed = False
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        low = text[start:end].lower()
        for article in ("the ", "a ", "an "):
            if (
                low.startswith(article)
                and end - start > len(article) + 1
                and text[start + len(article)].isupper()
            ):
                start += len(article)
                changed = True
                break
        if changed:
            continue
        opening = text.find("(", start, end)
        if opening > start and text.find(")", opening, end) < 0:
            end = opening  # "Alliance for Democracy (PAD": the acronym is not the name
            changed = True
            continue
        if end - start > 2 and text[end - 2] in _APOSTROPHES and text[end - 1] in "sS":
            end -= 2
            changed = True
            continue
        if end - start > 1 and text[end - 1] in _APOSTROPHES and text[end - 2] in "sS":
            end -= 1
            changed = True
            continue
        if end > start and text[end - 1] in _TRAILING_PUNCT:
            end -= 1
            changed = True
            continue
        if end > start and text[start] in _TRAILING_PUNCT:
            start += 1
            changed = True
            continue
        if end > start and text[end - 1] == ".":
            words = text[start:end].split()
            if words[-1].lower() not in _KEEP_FINAL_DOT and words[-1].count(".") == 1:
                end -= 1
                changed = True
    return start, end


def _segments(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """Cut a span at line breaks and slashes; keep the first slash part only."""
    pos = start
    for piece in re.split(r"(\n+)", text[start:end]):
        if piece and not piece.startswith("\n"):
            slash = piece.find("/")
            yield (pos, pos + (slash if slash >= 0 else len(piece)))
        pos += len(piece)


class _Annotator:
    def __init__(self, doc: Any, rules: EntityRules) -> None:
        self.doc = doc
        self.text: str = doc.text
        self.rules = rules
        self.headings = find_heading_spans(self.text)
        self._heading_chars = self._mark_headings()

    def _mark_headings(self) -> bytearray:
        marks = bytearray(len(self.text) + 1)
        for s, e in self.headings:
            marks[s:e] = b"\x01" * (e - s)
        return marks

    def in_heading(self, start: int) -> bool:
        return bool(self._heading_chars[start])

    # ------------------------------------------------------------------ pipeline

    def run(self) -> list[Entity]:
        spans = self._model_spans()
        spans = self._known_companies(spans)
        spans = self._split_possessives(spans)
        self._type_by_keywords(spans)
        spans = self._extend_orgs(spans)
        spans = self._rule_orgs(spans)
        self._people_by_role(spans)
        spans = self._apply_titles(spans)
        spans = self._filter(spans)
        return self._resolve(spans)

    def _model_spans(self) -> list[_Span]:
        out: list[_Span] = []
        for ent in self.doc.ents:
            type_ = _LABELS.get(ent.label_)
            if type_ is None:
                continue
            for s, e in _segments(self.text, ent.start_char, ent.end_char):
                s, e = _clean_span(self.text, s, e)
                if e > s and not self.in_heading(s):
                    out.append(_Span(s, e, type_))
        return out

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
            if self._has_keyword(words, self.rules.org_keywords_strong) and sp.type != "EVENT":
                sp.type = "ORG"
            elif low in self.rules.places or low in self.rules.place_aliases:
                sp.type = "PLACE"

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
            toks = self._tokens_between(sp.start, sp.end)
            if toks is not None and len(toks) == 1 and toks[0].pos_ in _NOT_NAME_POS:
                continue
            if sp.type == "PERSON":
                words = surface.split()
                if any(any(c.isdigit() for c in w) for w in words):
                    continue
                if not all(
                    _is_cap(w) or w.lower() in _NAME_PARTICLES or w[0] in "-'’" for w in words
                ):
                    continue
                if self._has_keyword(words, self.rules.org_keywords_strong) or (
                    len(words) >= 2 and words[-1].lower() in self.rules.org_keywords
                ):
                    sp.type = "ORG"
            out.append(sp)
        return out

    # ------------------------------------------------------------------ canonical names

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
            for part in {parts[0], parts[-1]}:
                if len(part) > 1 and part.lower() not in rules.person_title_words:
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
        if by_part:
            for tok in self.doc:
                if (
                    tok.text in by_part
                    and not covered[tok.idx]
                    and tok.pos_ == "PROPN"
                    and not self.in_heading(tok.idx)
                ):
                    extra.append(_Span(tok.idx, tok.idx + len(tok.text), "PERSON"))
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
                longer = [f for f in full_counts if f.endswith(" " + name)]
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
        entities = _vote_types(entities)
        entities.extend(self._heading_mentions(entities))
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


def _vote_types(entities: list[Entity]) -> list[Entity]:
    """One type per canonical name within an article: the most frequent one wins."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for ent in entities:
        votes[ent.name][ent.type] += 1
    out: list[Entity] = []
    for ent in entities:
        counter = votes[ent.name]
        if len(counter) > 1:
            best = max(counter, key=lambda t: (counter[t], _TYPE_PRIORITY.get(t, 0)))
            if best != ent.type:
                best_type: EntityType = best  # type: ignore[assignment]
                ent = Entity(
                    ent.start, ent.end, best_type, ent.name, ent.text, entity_id_for(best, ent.name)
                )
        out.append(ent)
    return out


def _normalise_space(name: str) -> str:
    return " ".join(name.split())


def find_entities(doc: Any, rules: EntityRules | None = None) -> list[Entity]:
    """Entities of one parsed article, in text order, offsets into ``doc.text``."""
    return _Annotator(doc, rules or load_entity_rules()).run()
