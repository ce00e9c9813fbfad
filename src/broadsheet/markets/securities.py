"""The securities master: US listed companies (SEC list) with aliases, looked up by
ticker, name or alias.

Data: ``broadsheet/data/sec_company_tickers.json`` (CIK, name, ticker, exchange, ordered
by size as the SEC publishes it) and ``markets/aliases.json`` (names people use, and
tickers that changed: ``FB`` is today's ``META``). Lookups are exact after normalisation;
``search`` ranks partial matches.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from ..errors import MarketDataError
from ..models import Security

__all__ = [
    "SecuritiesMaster",
    "TickerChange",
    "company_tickers",
    "current_ticker",
    "load_securities",
    "normalize_name",
    "normalize_ticker",
    "price_history_ticker",
]

# Words that say what kind of company or share it is, not which company.
_NAME_NOISE = frozenset(
    {
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "companies",
        "ltd",
        "limited",
        "plc",
        "llc",
        "lp",
        "l p",
        "sa",
        "nv",
        "ag",
        "the",
        "de",
        "new",
    }
)
_CLASS_RE = re.compile(r"\b(?:class|cl|series)\s+[a-z]\b(?:\s+(?:common\s+)?(?:stock|shares?))?")
_TICKER_RE = re.compile(r"^\$?[A-Za-z][A-Za-z0-9]{0,5}(?:[.\-/][A-Za-z0-9]{1,2})?$")


def normalize_ticker(text: str) -> str:
    """``"$brk.b"`` → ``"BRK-B"``: upper case, no ``$``, share class after a dash."""
    t = text.strip().lstrip("$").upper()
    return t.replace(".", "-").replace("/", "-")


def normalize_name(text: str) -> str:
    """A company name for matching: lower case, no punctuation, no legal-form words
    (Inc., Corp, Co, Ltd, plc…) and no share class ("Class A")."""
    s = text.lower().replace("&", " and ")
    s = re.sub(r"/[a-z]{2}/", " ", s)  # SEC state suffixes: "APPLE INC /DE/"
    s = _CLASS_RE.sub(" ", s)
    s = re.sub(r"[^\w\s]", " ", s)
    words = [w for w in s.split() if w not in _NAME_NOISE]
    # "and co" at the end ("JPMORGAN CHASE & CO") leaves a dangling "and"
    while words and words[-1] == "and":
        words.pop()
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class TickerChange:
    """A ticker that now means something else: ``old`` became ``new`` after ``until``."""

    old: str
    new: str
    until: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class _Aliases:
    by_ticker: Mapping[str, tuple[str, ...]]
    former: Mapping[str, TickerChange]
    price_history: Mapping[str, TickerChange]
    share_classes: Mapping[str, tuple[str, ...]]  # ticker -> every class of its company


@cache
def _load_alias_data() -> _Aliases:
    raw: dict[str, Any] = json.loads(
        resources.files("broadsheet.markets").joinpath("aliases.json").read_text("utf-8")
    )
    by_ticker = {normalize_ticker(t): tuple(names) for t, names in raw["aliases"].items()}
    former = {
        normalize_ticker(old): TickerChange(
            old=normalize_ticker(old),
            new=normalize_ticker(v["ticker"]),
            until=v.get("until"),
            note=v.get("note", ""),
        )
        for old, v in raw["former_tickers"].items()
    }
    history = {
        normalize_ticker(old): TickerChange(
            old=normalize_ticker(old), new=normalize_ticker(v["ticker"]), note=v.get("note", "")
        )
        for old, v in raw["price_history_tickers"].items()
    }
    classes: dict[str, tuple[str, ...]] = {}
    for group in raw.get("share_classes", []):
        tickers = tuple(sorted(normalize_ticker(t) for t in group))
        for t in tickers:
            classes[t] = tickers
    return _Aliases(by_ticker, former, history, classes)


def current_ticker(ticker: str) -> str:
    """Today's ticker for a ticker that changed (``FB`` → ``META``); others unchanged."""
    t = normalize_ticker(ticker)
    change = _load_alias_data().former.get(t)
    return change.new if change else t


def price_history_ticker(source_ticker: str) -> str:
    """The ticker under which Broadsheet keeps a bundled series (``GOOG`` → ``GOOGL``)."""
    t = normalize_ticker(source_ticker)
    change = _load_alias_data().price_history.get(t)
    return change.new if change else t


def company_tickers(ticker: str) -> list[str]:
    """Every ticker under which stories about the same company may be tagged: the ticker,
    its share classes (GOOG and GOOGL), what it became and what it was (FB and META), and
    the ticker of its bundled price history. From ``aliases.json``, sorted."""
    data = _load_alias_data()
    names = {normalize_ticker(ticker)}
    for _ in range(2):  # a class of a renamed ticker, a rename of a class
        for t in list(names):
            names |= {current_ticker(t), price_history_ticker(t)}
            names |= set(data.share_classes.get(t, ()))
            names |= {c.old for c in data.former.values() if c.new == t}
    return sorted(names)


class SecuritiesMaster:
    """Every security known to Broadsheet, indexed by ticker, normalised name and alias."""

    def __init__(
        self,
        securities: Iterable[Security],
        *,
        former_tickers: Mapping[str, TickerChange] | None = None,
    ) -> None:
        self._by_ticker: dict[str, Security] = {}
        self._by_name: dict[str, Security] = {}
        self._by_alias: dict[str, Security] = {}
        self._former: dict[str, TickerChange] = dict(former_tickers or {})
        for sec in securities:
            ticker = normalize_ticker(sec.ticker)
            if ticker in self._by_ticker:
                continue  # first listing wins (the SEC list is ordered by size)
            self._by_ticker[ticker] = sec
            # a name shared by share classes (GOOGL/GOOG) goes to the first, larger listing
            self._by_name.setdefault(normalize_name(sec.name), sec)
            for alias in sec.aliases:
                self._by_alias[normalize_name(alias)] = sec
        for change in self._former.values():
            target = self._by_ticker.get(change.new)
            if target is not None:
                self._by_alias.setdefault(normalize_name(change.old), target)

    def __len__(self) -> int:
        return len(self._by_ticker)

    def __iter__(self) -> Iterator[Security]:
        return iter(self._by_ticker.values())

    def __contains__(self, ticker: object) -> bool:
        return isinstance(ticker, str) and normalize_ticker(ticker) in self._by_ticker

    def get(self, ticker: str) -> Security | None:
        """The security with exactly this ticker (a former ticker resolves to today's)."""
        t = normalize_ticker(ticker)
        sec = self._by_ticker.get(t)
        if sec is None and t in self._former:
            sec = self._by_ticker.get(self._former[t].new)
        return sec

    def former_ticker(self, ticker: str) -> TickerChange | None:
        """How a ticker that changed maps to today's (``FB`` → ``META``), if it did."""
        return self._former.get(normalize_ticker(ticker))

    def lookup(self, text: str) -> Security | None:
        """Ticker (``AAPL``, ``$aapl``, ``BRK.B``, former ``FB``), alias (``Google``) or
        company name (``Apple Inc.``, ``microsoft corporation``), in that order."""
        text = text.strip()
        if not text:
            return None
        if _TICKER_RE.match(text):
            sec = self.get(text)
            if sec is not None:
                return sec
        key = normalize_name(text)
        if not key:
            return None
        return self._by_alias.get(key) or self._by_name.get(key)

    def search(self, text: str, limit: int = 10) -> list[Security]:
        """Securities matching ``text``, best first: exact lookup, ticker prefix, name prefix,
        then names containing every word of the query."""
        text = text.strip()
        if not text or limit <= 0:
            return []
        out: dict[str, Security] = {}

        def add(sec: Security | None) -> bool:
            if sec is not None and sec.ticker not in out:
                out[sec.ticker] = sec
            return len(out) >= limit

        if add(self.lookup(text)):
            return list(out.values())
        t = normalize_ticker(text)
        key = normalize_name(text)
        words = key.split()
        tiers: list[list[Security]] = [[], [], [], []]
        for alias, sec in self._by_alias.items():
            if key and alias.startswith(key):
                tiers[1].append(sec)
        for ticker, sec in self._by_ticker.items():
            name = normalize_name(sec.name)
            if ticker.startswith(t):
                tiers[0].append(sec)
            elif key and name.startswith(key):
                tiers[1].append(sec)
            elif words and all(re.search(rf"\b{re.escape(w)}", name) for w in words):
                tiers[2].append(sec)
        tiers[0].sort(key=lambda s: len(s.ticker))  # AAPL before AAPLX; stable: size order
        for tier in tiers:
            for sec in tier:
                if add(sec):
                    return list(out.values())
        return list(out.values())


@cache
def _load_sec_rows() -> tuple[Security, ...]:
    try:
        raw = json.loads(
            resources.files("broadsheet.data")
            .joinpath("sec_company_tickers.json")
            .read_text("utf-8")
        )
        fields: list[str] = raw["fields"]
        idx = {name: fields.index(name) for name in ("cik", "name", "ticker", "exchange")}
        rows: list[list[Any]] = raw["data"]
    except (OSError, ValueError, KeyError) as exc:
        raise MarketDataError(f"cannot read the bundled securities list: {exc}") from exc
    aliases = _load_alias_data().by_ticker
    out: list[Security] = []
    for row in rows:
        ticker = normalize_ticker(str(row[idx["ticker"]]))
        cik = row[idx["cik"]]
        exchange = row[idx["exchange"]]
        out.append(
            Security(
                ticker=ticker,
                name=str(row[idx["name"]]),
                cik=int(cik) if cik is not None else None,
                exchange=str(exchange) if exchange else None,
                aliases=aliases.get(ticker, ()),
            )
        )
    return tuple(out)


def load_securities(extra: Iterable[Security] = ()) -> SecuritiesMaster:
    """The bundled securities master (SEC list plus aliases), with optional extra entries
    (which win over bundled ones with the same ticker)."""
    extra_list = [replace(s, ticker=normalize_ticker(s.ticker)) for s in extra]
    return SecuritiesMaster(
        [*extra_list, *_load_sec_rows()], former_tickers=_load_alias_data().former
    )
