"""Link company mentions to listed securities.

Sources of a link, in one article:

* ``$AAPL`` cashtags and exchange tags such as ``(NASDAQ: AAPL)`` or ``(NYSE:IBM)``; the
  organisation named just before an exchange tag is then linked wherever it recurs;
* organisation entities whose name, normalised (case, punctuation, "Inc.", "Corp",
  "Co.", "Ltd", "plc", "Class A" dropped), is in the alias table (``data/tickers.json``)
  or in the bundled SEC list (``broadsheet/data/sec_company_tickers.json``).

A company whose name is also an English word ("Target", "Gap", "Visa") needs a corporate cue
(well-known aliases such as "Apple" do not, when the model tags them as an organisation):
a legal suffix in the mention, an exchange tag for it in the article, or a cue word
("shares", "retailer", "chief executive"...) in the same sentence.

Relevance (0..1, the same for every mention of a ticker in the article) grows with the
number of mentions relative to the most-mentioned ticker and with a mention in the headline
(the first line, when it reads as a heading) or in the lead (first two paragraphs).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..models import Entity, Security, TickerMention
from .entities import find_heading_spans, load_entity_rules
from .patterns import alternation

__all__ = ["TickerTable", "find_tickers", "load_ticker_table", "normalise_company_name"]

_EXCHANGE_TAG = re.compile(
    r"\(\s*(?:NYSE\s+American|NYSE\s+Arca|NYSE|NASDAQ|Nasdaq|AMEX|NYSEAMERICAN|OTC|OTCQX|"
    r"OTCQB|CBOE|Cboe)\s*:\s*(?P<ticker>[A-Z][A-Z.\-]{0,6})\s*\)"
)
# "(?<![\w$])\$...", the look-behind written past the "$" (one character wider): the same
# matches, and ``re`` skips to each "$" instead of trying every character
_CASHTAG = re.compile(r"\$(?<![\w$]\$)(?P<ticker>[A-Z]{1,5}(?:[.\-][A-Z])?)(?![\w])")


@dataclass(frozen=True, slots=True)
class TickerTable:
    """Securities by ticker and by normalised name; built once, then read-only."""

    by_ticker: dict[str, Security]
    by_name: dict[str, str]
    aliases: dict[str, str]
    cue_names: frozenset[str]  # normalised names that need a corporate cue
    cue_aliases: frozenset[str]  # aliases ambiguous even when tagged as an organisation
    cue_words: frozenset[str]
    suffix_words: frozenset[str]
    alias_pattern: re.Pattern[str]  # well-known names, found even where NER missed them

    def needs_cue(self, key: str, *, tagged_org: bool) -> bool:
        """Whether a normalised name needs a corporate cue to count as the company: a
        common word does, unless it is a well-known alias the model tagged as an
        organisation (and not one of the few aliases ambiguous even then)."""
        if key in self.cue_aliases:
            return True
        if tagged_org and key in self.aliases:
            return False
        return key in self.cue_names

    def lookup(self, name: str) -> str | None:
        """Ticker for a company name as written, or None."""
        key = normalise_company_name(name, self.suffix_words)
        if not key:
            return None
        return self.aliases.get(key) or self.by_name.get(key)


# compiled once: the ticker table normalises ~10,000 names at load (re's cache look-up
# per call was a quarter of it)
_BRACKETS_OR_SLASH = re.compile(r"\([^)\n]{0,200}\)|/.*$")  # bounded: linear on any input
_SHARE_CLASS = re.compile(r"\bclass [a-c]\b|\bcl [a-c]\b")
_POSSESSIVE = re.compile(r"'s\b")
_PUNCT = re.compile(r"[^\w\s-]")


def normalise_company_name(name: str, suffix_words: frozenset[str] | None = None) -> str:
    """``"Apple Inc."`` -> ``"apple"``; ``"AMAZON COM INC"`` -> ``"amazon"``."""
    suffixes = suffix_words if suffix_words is not None else _default_suffixes()
    low = name.lower().replace("’", "'").replace("&", " and ")
    low = _BRACKETS_OR_SLASH.sub(" ", low)
    low = _SHARE_CLASS.sub(" ", low)
    low = _POSSESSIVE.sub("", low)
    low = _PUNCT.sub(" ", low)
    words = low.split()
    while words and words[-1] in suffixes:
        words.pop()
    while words and words[0] == "the":
        words.pop(0)
    return " ".join(words)


@lru_cache(maxsize=1)
def _rules_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("broadsheet.enrich").joinpath("data/tickers.json").read_text("utf-8")
    )
    return data


def _default_suffixes() -> frozenset[str]:
    return frozenset(_rules_data()["suffix_words"])


@lru_cache(maxsize=4)
def load_ticker_table(path: Path | None = None) -> TickerTable:
    """Read the SEC list (bundled unless ``path`` is given) and the alias data, once."""
    if path is None:
        raw_text = resources.files("broadsheet").joinpath("data/sec_company_tickers.json")
        table: dict[str, Any] = json.loads(raw_text.read_text("utf-8"))
    else:
        table = json.loads(path.read_text("utf-8"))
    rules = _rules_data()
    suffixes = frozenset(rules["suffix_words"])
    fields = table["fields"]
    i_cik, i_name = fields.index("cik"), fields.index("name")
    i_ticker, i_exchange = fields.index("ticker"), fields.index("exchange")
    by_ticker: dict[str, Security] = {}
    by_name: dict[str, str] = {}
    for row in table["data"]:  # ordered by size: the first holder of a name wins
        ticker = str(row[i_ticker])
        if ticker not in by_ticker:
            by_ticker[ticker] = Security(
                ticker=ticker, name=str(row[i_name]), cik=int(row[i_cik]), exchange=row[i_exchange]
            )
        key = normalise_company_name(str(row[i_name]), suffixes)
        if key:
            by_name.setdefault(key, ticker)
    aliases = {
        normalise_company_name(k, suffixes): v
        for k, v in rules["aliases"].items()
        if v in by_ticker
    }
    never = set(load_entity_rules().places)  # a country or city is never a company alone
    never |= {normalise_company_name(n, suffixes) for n in rules["never_link"]}
    for name in never:
        by_name.pop(name, None)
        aliases.pop(name, None)
    cue_aliases = frozenset(rules["cue_aliases"])
    cue_names = frozenset(rules["common_word_names"]) | cue_aliases
    written = sorted((k for k, v in rules["aliases"].items() if v in by_ticker), key=len)
    alias_pattern = re.compile(
        r"(?<![\w&$.-])" + alternation(list(reversed(written)), ignore_case=True) + r"(?![\w&-])",
        re.IGNORECASE,
    )
    return TickerTable(
        by_ticker=by_ticker,
        by_name=by_name,
        aliases=aliases,
        cue_names=cue_names,
        cue_aliases=cue_aliases,
        cue_words=frozenset(w.lower() for w in rules["cue_words"]),
        suffix_words=suffixes,
        alias_pattern=alias_pattern,
    )


def _has_suffix(surface: str, table: TickerTable) -> bool:
    words = re.sub(r"[^\w\s]", " ", surface.lower()).split()
    return bool(words) and words[-1] in table.suffix_words


def _sentence_bounds(text: str, at: int) -> tuple[int, int]:
    start = max(text.rfind(". ", 0, at), text.rfind("\n", 0, at)) + 1
    end_candidates = [i for i in (text.find(". ", at), text.find("\n", at)) if i >= 0]
    end = min(end_candidates) if end_candidates else len(text)
    return start, end


def _has_cue(text: str, start: int, end: int, table: TickerTable) -> bool:
    s, e = _sentence_bounds(text, start)
    window = text[s:e].lower()
    words = set(re.findall(r"[a-z][a-z.&]*", window))
    if words & table.cue_words:
        return True
    return any(" " in cue and cue in window for cue in table.cue_words)


def _modifies_common_noun(doc: Any, start: int, end: int) -> bool:
    """ "Apple pie": the name only modifies a lower-case noun, as a word would."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) != 1:
        return False
    tok = span[0]
    head = tok.head
    return (
        tok.dep_ in ("compound", "amod", "nmod")
        and head.i > tok.i
        and head.pos_ == "NOUN"
        and head.text[:1].islower()
    )


def find_tickers(
    text: str,
    entities: Sequence[Entity],
    table: TickerTable | None = None,
    doc: Any = None,
) -> list[TickerMention]:
    """Ticker mentions in one article, with a relevance per ticker. ``doc`` (the spaCy
    parse of ``text``), when given, guards names used as modifiers ("Apple pie")."""
    table = table or load_ticker_table()
    hits: list[tuple[int, int, str]] = []
    tagged: set[str] = set()
    local: dict[str, str] = {}  # canonical ORG name -> ticker, from exchange tags
    orgs = [e for e in entities if e.type == "ORG"]
    for m in _EXCHANGE_TAG.finditer(text):
        ticker = m.group("ticker")
        if ticker not in table.by_ticker:
            continue
        hits.append((m.start("ticker"), m.end("ticker"), ticker))
        tagged.add(ticker)
        before = [e for e in orgs if 0 <= m.start() - e.end <= 12]
        if before:
            local[before[-1].name] = ticker
    for m in _CASHTAG.finditer(text):
        ticker = m.group("ticker")
        if ticker in table.by_ticker:
            hits.append((m.start("ticker"), m.end("ticker"), ticker))
            tagged.add(ticker)
    suffixed: set[str] = set()
    candidates: list[tuple[Entity, str, str]] = []
    for ent in orgs:
        ticker = local.get(ent.name) or table.lookup(ent.name) or table.lookup(ent.text)
        if ticker is None:
            continue
        key = normalise_company_name(ent.name, table.suffix_words)
        candidates.append((ent, ticker, key))
        if _has_suffix(ent.text, table):
            suffixed.add(ticker)
    for ent, ticker, key in candidates:
        if (
            (
                table.needs_cue(key, tagged_org=True)
                or (
                    doc is not None
                    and key in table.cue_names
                    and _modifies_common_noun(doc, ent.start, ent.end)
                )
            )
            and ent.name not in local
            and not (
                ticker in tagged or ticker in suffixed or _has_cue(text, ent.start, ent.end, table)
            )
        ):
            continue
        hits.append((ent.start, ent.end, ticker))
    hits.extend(_gazetteer_hits(text, entities, table, tagged | suffixed))
    if not hits:
        return []
    return _with_relevance(text, hits, table)


def _gazetteer_hits(
    text: str, entities: Sequence[Entity], table: TickerTable, vouched: set[str]
) -> list[tuple[int, int, str]]:
    """Well-known company names (the alias table) outside any entity: the small model
    misses some ("Shares of Walmart"). Written capitalised; short names in capitals."""
    covered = bytearray(len(text) + 1)
    for ent in entities:
        covered[ent.start : ent.end] = b"\x01" * (ent.end - ent.start)
    out: list[tuple[int, int, str]] = []
    for m in table.alias_pattern.finditer(text):
        surface = m.group(0)
        if covered[m.start()] or covered[m.end() - 1]:
            continue
        if not surface[:1].isupper() and not surface[:1].isdigit():
            continue
        if len(surface) <= 4 and not surface.isupper():
            continue
        key = normalise_company_name(surface, table.suffix_words)
        ticker = table.aliases.get(key)
        if ticker is None:
            continue
        if table.needs_cue(key, tagged_org=False) and not (
            ticker in vouched or _has_cue(text, m.start(), m.end(), table)
        ):
            continue
        out.append((m.start(), m.end(), ticker))
    return out


def _with_relevance(
    text: str, hits: list[tuple[int, int, str]], table: TickerTable
) -> list[TickerMention]:
    headings = find_heading_spans(text)
    first_char = len(text) - len(text.lstrip())
    headline_end = headings[0][1] if headings and headings[0][0] == first_char else 0
    paragraphs = [m.end() for m in re.finditer(r"\n\s*\n", text)]
    lead_paragraphs = 3 if headline_end else 2
    lead_end = paragraphs[lead_paragraphs - 1] if len(paragraphs) >= lead_paragraphs else len(text)
    lead_end = min(max(lead_end, 400), len(text))
    counts: dict[str, int] = defaultdict(int)
    in_headline: set[str] = set()
    in_lead: set[str] = set()
    seen: set[tuple[int, int, str]] = set()
    unique: list[tuple[int, int, str]] = []
    for hit in sorted(hits):
        if hit in seen:
            continue
        seen.add(hit)
        unique.append(hit)
        start, _, ticker = hit
        counts[ticker] += 1
        if start < headline_end:
            in_headline.add(ticker)
        elif start < lead_end:
            in_lead.add(ticker)
    top = max(counts.values())
    relevance = {
        t: round(
            min(
                1.0,
                0.45 * (c / top)
                + 0.1 * min(c - 1, 3) / 3
                + (0.35 if t in in_headline else 0.0)
                + (0.15 if t in in_lead else 0.0),
            ),
            3,
        )
        for t, c in counts.items()
    }
    return [TickerMention(s, e, t, table.by_ticker[t].name, relevance[t]) for s, e, t in unique]
