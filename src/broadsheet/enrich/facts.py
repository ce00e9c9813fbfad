"""Numeric facts: a number with what it measures, its unit, period and subject.

Numbers are found with one regular expression over the text (a qualifier such as "more
than", a currency, the number, a scale such as "billion", a unit such as "percent" or
"barrels"); bare numbers without a unit (dates, years, phone numbers, "No. 3") are not
facts, but year ranges ("1997-2003") are. The spaCy parse of the same text then gives:

* the measure: the "of" phrase after a share ("79 percent of ... commerce"), else the
  subject of the verb that reached the number ("economic growth that reached 11.9 percent"),
  else the noun the number counts;
* the subject: a place or organisation owning the measure ("China’s ethnic Koreans"), else
  the subject of the clause the number sits in, else the nearest one before it;
* the period: the nearest DATE phrase in the same sentence, normalised where simple
  ("first three months of this year" -> "Q1").

Lists of units, currencies and period patterns live in ``data/facts.json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

from ..models import Entity, Fact
from .nlp import doc_text
from .patterns import alternation

__all__ = ["FactRules", "find_facts", "load_fact_rules", "normalise_period", "parse_number"]

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


@dataclass(frozen=True, slots=True)
class FactRules:
    pattern: re.Pattern[str]
    scales: dict[str, float]
    currency_symbols: dict[str, str]
    currency_words: dict[str, str]
    percent_words: dict[str, str]
    count_units: frozenset[str]
    generic_count_units: frozenset[str]
    periods: tuple[tuple[re.Pattern[str], str], ...]
    stop_measure_words: frozenset[str]
    reaching_verbs: frozenset[str]
    # the longest qualifier and currency written before a number (``pattern``'s words):
    # how far before its first digit a match can begin; None: scan with ``finditer``
    reach: tuple[int, int] | None = None


def _alternation(words: Sequence[str]) -> str:
    """The words, longest first, grouped by first letter (``patterns.alternation``: the
    number pattern's scan 0.61 -> 0.50 ms an article on PolNeAR train and dev)."""
    return alternation(sorted(words, key=len, reverse=True), ignore_case=True)


@lru_cache(maxsize=1)
def load_fact_rules() -> FactRules:
    raw: dict[str, Any] = json.loads(
        resources.files("broadsheet.enrich").joinpath("data/facts.json").read_text("utf-8")
    )
    qual = _alternation(raw["qualifiers"])
    cur = _alternation(list(raw["currency_symbols"]))
    scale = _alternation(list(raw["scales"]))
    unit_words = list(raw["percent_words"]) + list(raw["currency_words"]) + list(raw["count_units"])
    unit = _alternation(unit_words)
    pattern = re.compile(
        rf"(?<![\w$€£¥.,-])"
        rf"(?:(?P<range>(?:1[5-9]|20)\d\d)\s?[-–]\s?(?P<range_end>(?:1[5-9]|20)\d\d|\d\d)(?![\w%-])"
        rf"|(?P<qual>(?:{qual})\s+)?(?P<cur>(?:{cur})\s?)?(?P<num>{_NUM})"
        rf"(?:(?:\s?|-)(?P<scale>{scale})(?![\w]))?"
        rf"(?:\s?(?P<unit>{unit})(?![\w]))?)",
        re.IGNORECASE,
    )
    return FactRules(
        pattern=pattern,
        scales={k.lower(): float(v) for k, v in raw["scales"].items()},
        currency_symbols=dict(raw["currency_symbols"]),
        currency_words={k.lower(): v for k, v in raw["currency_words"].items()},
        percent_words={k.lower(): v for k, v in raw["percent_words"].items()},
        count_units=frozenset(w.lower() for w in raw["count_units"]),
        generic_count_units=frozenset(w.lower() for w in raw["generic_count_units"]),
        periods=tuple((re.compile(p, re.IGNORECASE), code) for p, code in raw["periods"]),
        stop_measure_words=frozenset(raw["stop_measure_words"]),
        reaching_verbs=frozenset(raw["reaching_verbs"]),
        reach=None
        if any(c.isdigit() for w in [*raw["qualifiers"], *raw["currency_symbols"]] for c in w)
        else (max(map(len, raw["qualifiers"])), max(map(len, raw["currency_symbols"]))),
    )


def parse_number(number: str, scale: str | None = None, rules: FactRules | None = None) -> float:
    """``"1.78"``, ``"million"`` -> 1780000.0."""
    rules = rules or load_fact_rules()
    value = float(number.replace(",", ""))
    if scale:
        value *= rules.scales.get(scale.lower(), 1.0)
    return value


def normalise_period(period: str, rules: FactRules | None = None) -> str | None:
    """``"first three months of this year"`` -> ``"Q1"``; ``"second quarter of 2009"`` ->
    ``"2009-Q2"``; a bare year stays a year; anything else -> None."""
    rules = rules or load_fact_rules()
    year = re.search(r"\b((?:19|20)\d\d)\b", period)
    for pattern, code in rules.periods:
        m = pattern.search(period)
        if m:
            if "{1}" in code:
                return code.replace("{1}", m.group(1))
            return f"{year.group(1)}-{code}" if year else code
    if re.fullmatch(r"(?:in\s+)?((?:19|20)\d\d)", period.strip()):
        return period.strip()[-4:]
    return None


_DIGIT = re.compile(r"\d")
_NOT_BEFORE = frozenset("_$€£¥.,-")  # with letters and digits: the pattern's look-behind


def _number_matches(rules: FactRules, text: str) -> Iterator[re.Match[str]]:
    """``rules.pattern.finditer(text)``, with ``pattern.match`` tried only near digits.

    Every match holds a digit, and before its first one only a qualifier, white space and
    a currency (no digits: checked at load): a match begins at most ``reach`` characters
    and one run of white space before it. So from each first digit not yet inside a match,
    the places back to that bound are tried left to right (those after a letter, a digit
    or one of ``_NOT_BEFORE`` cannot begin one); the first match is finditer's next one.
    ``re`` would otherwise try every character of the text (0.48 ms an article)."""
    pattern = rules.pattern
    if rules.reach is None:
        yield from pattern.finditer(text)
        return
    words, symbols = rules.reach
    pos = 0
    while (digit := _DIGIT.search(text, pos)) is not None:
        first = digit.start()
        low = max(pos, first - symbols - 1)
        while low > pos and text[low - 1].isspace():
            low -= 1
        found = None
        for at in range(max(pos, low - words), first + 1):
            before = text[at - 1] if at else ""
            if before and (before.isalnum() or before in _NOT_BEFORE):
                continue
            found = pattern.match(text, at)
            if found is not None:
                break
        if found is None:
            pos = first + 1
        else:
            yield found
            pos = found.end()


class _FactFinder:
    def __init__(self, doc: Any, entities: Sequence[Entity], rules: FactRules) -> None:
        self.doc = doc
        self.text: str = doc_text(doc)
        self.rules = rules
        self.entity_at: dict[int, Entity] = {}
        for ent in entities:
            if ent.type in ("PLACE", "ORG"):
                for i in range(ent.start, ent.end):
                    self.entity_at[i] = ent

    @cached_property
    def dates(self) -> list[Any]:
        """The model's DATE spans, made when a fact first asks for its period (``doc.ents``
        makes a ``Span`` of every entity; an article without facts never needs them)."""
        return [e for e in self.doc.ents if e.label_ == "DATE"]

    def run(self) -> list[Fact]:
        facts: list[Fact] = []
        for m in _number_matches(self.rules, self.text):
            fact = self._fact(m)
            if fact is not None:
                facts.append(fact)
        return facts

    def _fact(self, m: re.Match[str]) -> Fact | None:
        start, end = m.start(), m.end()
        text = self.text
        if m.group("range"):
            first, last = m.group("range"), m.group("range_end")
            if len(last) == 2:
                last = first[:2] + last
            if int(last) <= int(first):
                return None
            value: float | str = f"{first}-{last}"
            unit: str | None = "years"
        else:
            cur, scale, unit_word = m.group("cur"), m.group("scale"), m.group("unit")
            if not (cur or scale or unit_word):
                return None
            if scale and scale.lower() in ("m", "b", "k") and not cur and not unit_word:
                return None  # "5m" alone: minutes? metres? too vague
            unit = None
            if cur:
                unit = self.rules.currency_symbols.get(cur.strip(), "USD")
            if unit_word:
                low = " ".join(unit_word.lower().split())
                if low in self.rules.percent_words:
                    unit = self.rules.percent_words[low]
                elif low in self.rules.currency_words:
                    if low in ("pounds",) and text[m.end() : m.end() + 3] == " of":
                        unit = "pounds"
                    else:
                        unit = self.rules.currency_words[low]
                else:
                    unit = low
            number = m.group("num")
            # a year with a unit like "2009 years" or a date-ish number is not a measure
            value = parse_number(number, scale, self.rules)
        before = text[max(0, start - 4) : start]
        if re.search(r"No\.\s?$", before):
            return None
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return Fact(start, end, value, unit, None, None, None, text[start:end])
        root = span.root
        sent = span.sent
        measure_tok = None if m.group("range") else self._measure_token(span, root, unit)
        if measure_tok is not None and span.start <= measure_tok.i < span.end:
            measure_tok = None
        measure = (
            self._np_text(measure_tok, span.start, span.end) if measure_tok is not None else None
        )
        if measure and measure.lower() in self.rules.stop_measure_words:
            measure = None
        subject = self._subject(span, root, measure_tok)
        period = None if m.group("range") else self._period(span, sent)
        period_norm = normalise_period(period, self.rules) if period else None
        return Fact(start, end, value, unit, measure, period, subject, text[start:end], period_norm)

    # ------------------------------------------------------------------ measure

    def _measure_token(self, span: Any, root: Any, unit: str | None) -> Any:
        doc = self.doc
        # "79 percent of X" / "a third of X"
        after = span.end
        if after < len(doc) and doc[after].lower_ == "of":
            objs = [c for c in doc[after].children if c.dep_ == "pobj"]
            if objs:
                return objs[0]
        # the unit noun is itself the measure of something else: "about 1.78 million people"
        if root.dep_ == "appos" and root.head.i != root.i:
            head = root.head
            following = doc[head.i + 1] if head.i + 1 < len(doc) else None
            if following is not None and following.lower_ == "of":
                objs = [c for c in following.children if c.dep_ == "pobj"]
                if objs:
                    return objs[0]
            return head
        # a counted noun after the number: "500 jobs", "$2 billion deal"
        if root.dep_ in ("nummod", "quantmod", "compound", "amod") and root.head.pos_ in (
            "NOUN",
            "PROPN",
        ):
            noun = root.head
            if noun.i >= span.end and noun.lower_ not in self.rules.generic_count_units:
                return noun
        # "exports of 3 million barrels"
        if span.start > 0 and doc[span.start - 1].lower_ == "of":
            head = doc[span.start - 1].head
            if head.pos_ in ("NOUN", "PROPN") and head.i < span.start:
                return head
        # the subject of the verb that reached the number: "growth that reached 11.9 percent"
        verb = root.head
        tok = root
        hops = 0
        while tok.dep_ in ("pobj", "prep") and hops < 3:
            tok = tok.head
            verb = tok.head
            hops += 1
        if verb.pos_ in ("VERB", "AUX") and (
            verb.lemma_ in self.rules.reaching_verbs or verb.lower_ in self.rules.reaching_verbs
        ):
            subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None:
                if subj.lower_ in ("that", "which", "who") and verb.dep_ == "relcl":
                    return verb.head
                if subj.pos_ != "PRON":
                    return subj
        return None

    def _np_text(self, head: Any, stop: int, span_end: int) -> str | None:
        """The noun phrase headed by ``head``: its left modifiers and the head."""
        left = [
            c
            for c in head.lefts
            if c.dep_ in ("det", "poss", "amod", "compound", "nmod", "nummod", "advmod", "case")
        ]
        start = min((c.left_edge.i for c in left), default=head.i)
        end = head.i + 1
        # "shares of Apple": keep a short "of" complement
        for c in head.rights:
            if c.dep_ == "prep" and c.lower_ == "of":
                objs = [o for o in c.children if o.dep_ == "pobj"]
                if objs and objs[0].i - head.i <= 4 and not head.i < stop <= objs[0].i:
                    end = objs[0].i + 1
            break
        if start < span_end and end > stop:  # never measure the number by itself
            start = span_end
        tokens = list(self.doc[start:end])
        while tokens and tokens[0].lower_ in ("the", "a", "an", "its", "their", "this"):
            tokens = tokens[1:]
        if not tokens:
            return None
        s = tokens[0].idx
        e = tokens[-1].idx + len(tokens[-1])
        return " ".join(self.text[s:e].split())

    # ------------------------------------------------------------------ subject

    def _entity_name(self, tok: Any) -> str | None:
        ent = self.entity_at.get(tok.idx)
        return ent.name if ent is not None else None

    def _subject(self, span: Any, root: Any, measure_tok: Any) -> str | None:
        # a place or organisation owning the measure: "China’s ethnic Koreans"
        if measure_tok is not None:
            for t in measure_tok.subtree:
                if t.dep_ in ("poss", "compound") or t.i < measure_tok.i:
                    name = self._entity_name(t)
                    if name:
                        return name
        # the subject of an enclosing clause
        tok = root
        for _ in range(8):
            head = tok.head
            for c in head.children:
                if c.dep_ in ("nsubj", "nsubjpass") and c.i != root.i:
                    for t in c.subtree:
                        name = self._entity_name(t)
                        if name:
                            return name
            if head.i == tok.i:
                break
            tok = head
        # the nearest one before it in the sentence
        sent = span.sent
        for t in reversed(self.doc[sent.start : span.start]):
            name = self._entity_name(t)
            if name:
                return name
        return None

    # ------------------------------------------------------------------ period

    def _period(self, span: Any, sent: Any) -> str | None:
        best: tuple[int, str] | None = None
        for d in self.dates:
            if d.start < sent.start or d.end > sent.end:
                continue
            if d.start < span.end and span.start < d.end:
                continue
            distance = d.start - span.end if d.start >= span.end else (span.start - d.end) + 3
            label = d.text
            label = re.sub(r"^(?:the|in|during)\s+", "", label, flags=re.IGNORECASE)
            label = re.sub(r"[’']s$", "", label)
            if not label or (re.fullmatch(r"[\d\s,.-]+", label) and len(label) < 4):
                continue
            if best is None or distance < best[0]:
                best = (distance, " ".join(label.split()))
        return best[1] if best else None


def find_facts(
    doc: Any, entities: Sequence[Entity] = (), rules: FactRules | None = None
) -> list[Fact]:
    """Numeric facts in one parsed article, in text order."""
    return _FactFinder(doc, entities, rules or load_fact_rules()).run()
