"""The query language: one grammar for the command line, saved searches (alerts) and the
terminal.

    oil prices                  both words (implicit AND)
    "oil prices"                the phrase: consecutive words
    oil OR gas                  either
    oil -gas, oil NOT gas       oil without gas
    (oil OR gas) AND opec       parentheses group
    headline:opec  source:reuters  lang:en  person:"Angela Merkel"  ticker:AAPL  quote:"no comment"
    person:Merkel  org:"Federal Reserve"  by:Glaser     (a name, or whole words of it)
    since:2010-05-03  until:2010-06  since:7d  since:24h  since:2w  since:today  until:yesterday

Words are compared as lower-cased tokens: everything that is not a letter or a digit separates
words, so ``covid-19`` is the phrase "covid 19". Keyword fields compare the whole value,
case-insensitively: ``ticker``, ``topic`` and ``lang`` only that. The name fields (``person``,
``org``, ``place``, ``by``, ``source``) also match any run of consecutive whole words of a
name: ``person:Merkel`` finds "Angela Merkel", ``org:"Federal Reserve"`` finds "Federal
Reserve Bank of New York", ``by:Glaser`` finds "Bonnie Glaser", ``source:reuters`` finds
"reuters.com"; ``by:Glas`` and ``by:"Glaser Bonnie"`` do not (runs of up to 8 words).
``since:`` / ``until:`` filter on the publication date (the first-seen date when an article
has none); ``until:`` includes the whole day, month or year named.
Dates are UTC unless ``now`` carries another time zone.

Precedence, tightest first: ``NOT`` / ``-``, then ``OR``, then ``AND`` (explicit or implied),
so ``oil OR gas prices`` means ``(oil OR gas) AND prices``, as in web search engines.
Operators are upper case; ``and``, ``or`` and ``not`` in lower case are ordinary words.
Punctuation standing alone (``&``, ``—``) is ignored.

``parse_query`` turns a string into a small typed tree (frozen dataclasses below) or raises
``QuerySyntaxError`` with the character position of the problem. ``matches`` evaluates a tree
against one article held in memory, with the same semantics as the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, TypeAlias

from ..errors import QuerySyntaxError
from .analysis import keyword_value, text_tokens
from .fields import (
    FieldSpec,
    field_names,
    get_field,
    to_utc,
)

__all__ = [
    "And",
    "DateRange",
    "Keyword",
    "MatchAll",
    "Not",
    "Or",
    "Phrase",
    "Query",
    "Term",
    "parse_query",
]


# --------------------------------------------------------------------------- the tree


@dataclass(frozen=True, slots=True)
class Term:
    """One lower-cased token in a text field (``None``: headline or body)."""

    field: str | None
    token: str


@dataclass(frozen=True, slots=True)
class Phrase:
    """Consecutive lower-cased tokens (two or more) in a text field (``None``: headline or body)."""

    field: str | None
    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Keyword:
    """A keyword value, lower-cased, in a keyword field: the whole value, or in a name field
    (``NAME_FIELDS``) also a run of consecutive words of one (``analysis.name_parts``)."""

    field: str
    value: str


@dataclass(frozen=True, slots=True)
class DateRange:
    """The article's date is in ``[start, end)``; ``None`` leaves a side open. Aware UTC."""

    start: datetime | None
    end: datetime | None


@dataclass(frozen=True, slots=True)
class And:
    parts: tuple[Query, ...]


@dataclass(frozen=True, slots=True)
class Or:
    parts: tuple[Query, ...]


@dataclass(frozen=True, slots=True)
class Not:
    part: Query


@dataclass(frozen=True, slots=True)
class MatchAll:
    """The empty query: every article."""


Query: TypeAlias = Term | Phrase | Keyword | DateRange | And | Or | Not | MatchAll


# --------------------------------------------------------------------------- lexing

_TokKind = Literal["(", ")", "AND", "OR", "NOT", "-", "TERM"]
_FIELD_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):")
_STOP = frozenset('()"')
_OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: _TokKind
    pos: int
    field: str | None = None  # TERM with a field prefix
    value: str = ""  # TERM text (without quotes)
    quoted: bool = False
    value_pos: int = 0


def _lex(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)

    def error(message: str, pos: int) -> QuerySyntaxError:
        return QuerySyntaxError(message, query=text, position=pos)

    def read_phrase(start: int) -> tuple[str, int]:
        end = text.find('"', start + 1)
        if end < 0:
            raise error('this quote is never closed: add a closing "', start)
        return text[start + 1 : end], end + 1

    def read_word(start: int) -> tuple[str, int]:
        j = start
        while j < n and not text[j].isspace() and text[j] not in _STOP:
            j += 1
        return text[start:j], j

    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c in "()":
            toks.append(_Tok(c, i))  # type: ignore[arg-type]
            i += 1
            continue
        if c == '"':
            value, j = read_phrase(i)
            toks.append(_Tok("TERM", i, None, value, True, i + 1))
            i = j
            continue
        if c == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in ")-":
            toks.append(_Tok("-", i))
            i += 1
            continue
        m = _FIELD_RE.match(text, i)
        if m is not None:
            name = m.group(1)
            j = m.end()
            if j < n and text[j] == '"':
                value, k = read_phrase(j)
                toks.append(_Tok("TERM", i, name, value, True, j + 1))
                i = k
                continue
            value, k = read_word(j)
            if not value:
                raise error(f'put a word or a "phrase" right after {name}:', j)
            toks.append(_Tok("TERM", i, name, value, False, j))
            i = k
            continue
        word, j = read_word(i)
        if word in _OPERATORS:
            toks.append(_Tok(word, i))  # type: ignore[arg-type]
        elif text_tokens(word) or any(ch.isalnum() for ch in word):
            toks.append(_Tok("TERM", i, None, word, False, i))
        # else: punctuation standing alone ("&", "—", "-") is not searchable: skip it
        i = j
    return toks


# --------------------------------------------------------------------------- dates

_RELATIVE_RE = re.compile(r"(\d{1,6})([hdw])")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def _start_of_day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _date_bound(value: str, kind: Literal["since", "until"], now: datetime) -> datetime:
    """The bound a since:/until: value means; until: bounds are exclusive. Raises ValueError."""
    v = value.strip().lower()
    if v == "now":
        return now
    if v in ("today", "yesterday"):
        day = _start_of_day(now) - (timedelta(days=1) if v == "yesterday" else timedelta())
        return day if kind == "since" else day + timedelta(days=1)
    m = _RELATIVE_RE.fullmatch(v)
    if m is not None:
        return now - timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
    if re.fullmatch(r"\d{4}", v):
        start = datetime(int(v), 1, 1, tzinfo=UTC)
        return start if kind == "since" else start.replace(year=start.year + 1)
    if re.fullmatch(r"\d{4}-\d{2}", v):
        year, month = int(v[:4]), int(v[5:])
        start = datetime(year, month, 1, tzinfo=UTC)
        if kind == "since":
            return start
        return datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        start = datetime.fromisoformat(v).replace(tzinfo=UTC)
        return start if kind == "since" else start + timedelta(days=1)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?", v):
        moment = to_utc(datetime.fromisoformat(v.upper()))
        return moment if kind == "since" else moment + timedelta(seconds=1)
    raise ValueError(value)


# --------------------------------------------------------------------------- parsing


MAX_NESTING = 32  # levels of parentheses and NOT: deeper is an error, never a RecursionError


class _Parser:
    def __init__(self, text: str, now: datetime) -> None:
        self.text = text
        self.now = now
        self.toks = _lex(text)
        self.i = 0
        self.depth = 0

    def enter(self, tok: _Tok) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error(
                f"nested too deeply: at most {MAX_NESTING} levels of ( ) and NOT", tok.pos
            )

    def error(self, message: str, pos: int) -> QuerySyntaxError:
        return QuerySyntaxError(message, query=self.text, position=pos)

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> Query:
        if not self.toks:
            return MatchAll()
        tree = self.parse_and()
        tok = self.peek()
        if tok is not None:
            # only a stray ")" can stop parse_and early
            raise self.error("this closing parenthesis has no opening one", tok.pos)
        return tree

    def starts_operand(self, tok: _Tok | None) -> bool:
        return tok is not None and tok.kind in ("(", "NOT", "-", "TERM")

    def parse_and(self) -> Query:
        parts = [self.parse_or()]
        while True:
            tok = self.peek()
            if tok is None or tok.kind == ")":
                break
            if tok.kind == "AND":
                self.i += 1
                if not self.starts_operand(self.peek()):
                    raise self.error("AND needs a term on both sides", tok.pos)
            elif tok.kind == "OR":
                raise self.error("OR needs a term on both sides", tok.pos)
            parts.append(self.parse_or())
        return _combine(And, parts)

    def parse_or(self) -> Query:
        parts = [self.parse_unary()]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.i += 1
            if not self.starts_operand(self.peek()):
                raise self.error("OR needs a term on both sides", tok.pos)
            parts.append(self.parse_unary())
        return _combine(Or, parts)

    def parse_unary(self) -> Query:
        tok = self.peek()
        if tok is None:
            raise self.error("the query ends where a term was expected", len(self.text))
        if tok.kind in ("NOT", "-"):
            self.i += 1
            if not self.starts_operand(self.peek()):
                what = "NOT" if tok.kind == "NOT" else "-"
                raise self.error(f"{what} needs a term right after it", tok.pos)
            self.enter(tok)
            inner = self.parse_unary()
            self.depth -= 1
            return inner.part if isinstance(inner, Not) else Not(inner)
        return self.parse_primary()

    def parse_primary(self) -> Query:
        tok = self.peek()
        assert tok is not None
        if tok.kind == "(":
            self.i += 1
            nxt = self.peek()
            if nxt is None:
                raise self.error("this parenthesis is never closed: add a )", tok.pos)
            if nxt.kind == ")":
                raise self.error("empty parentheses: put a term inside", tok.pos)
            self.enter(tok)
            inner = self.parse_and()
            self.depth -= 1
            close = self.peek()
            if close is None or close.kind != ")":
                raise self.error("this parenthesis is never closed: add a )", tok.pos)
            self.i += 1
            return inner
        if tok.kind == ")":
            raise self.error("this closing parenthesis has no opening one", tok.pos)
        if tok.kind in ("AND", "OR"):
            raise self.error(f"{tok.kind} needs a term on both sides", tok.pos)
        self.i += 1
        return self.term(tok)

    def term(self, tok: _Tok) -> Query:
        if tok.field is None:
            return self.text_node(None, tok)
        spec = get_field(tok.field)
        if spec is None:
            known = ", ".join(f"{name}:" for name in field_names())
            raise self.error(
                f'unknown field "{tok.field}:" (known: {known}); '
                f"put the text in quotes to search for it as words",
                tok.pos,
            )
        return self.field_node(tok.field.lower(), spec, tok)

    def field_node(self, name: str, spec: FieldSpec, tok: _Tok) -> Query:
        target = spec.target_for(name)
        if spec.kind == "text":
            return self.text_node(target, tok)
        if spec.kind == "keyword":
            value = keyword_value(tok.value.strip())
            if not value:
                raise self.error(f"{name}: needs a value", tok.value_pos)
            return Keyword(target, value)
        try:
            bound = _date_bound(tok.value, spec.kind, self.now)
        except (ValueError, OverflowError):
            raise self.error(
                f'"{tok.value}" is not a date: use 2010-05-03, 2010-05, 2010, '
                "7d, 24h, 2w, today, yesterday or now",
                tok.value_pos,
            ) from None
        bound = to_utc(bound)
        return DateRange(bound, None) if spec.kind == "since" else DateRange(None, bound)

    def text_node(self, field: str | None, tok: _Tok) -> Query:
        tokens = text_tokens(tok.value)
        if not tokens:
            where = "this phrase" if tok.quoted else f"{tok.field}:" if tok.field else "this term"
            if any(ch.isalnum() for ch in tok.value):
                message = f"{where} has only words too long to search for (40 bytes at most)"
            else:
                message = f"{where} has no letters or digits to search for"
            raise self.error(message, tok.value_pos)
        if len(tokens) == 1:
            return Term(field, tokens[0])
        return Phrase(field, tuple(tokens))


def _combine(kind: type[And] | type[Or], parts: list[Query]) -> Query:
    if len(parts) == 1:
        return parts[0]
    flat: list[Query] = []
    for part in parts:
        if isinstance(part, kind):
            flat.extend(part.parts)
        else:
            flat.append(part)
    return kind(tuple(flat))


def parse_query(text: str, *, now: datetime | None = None) -> Query:
    """Parse a query string into a tree; raises ``QuerySyntaxError(position=...)``.

    ``now`` anchors relative dates (``7d``, ``today``); default: the current UTC time.
    """
    moment = to_utc(now) if now is not None else datetime.now(UTC).replace(microsecond=0)
    if now is not None and now.tzinfo is not None:
        moment = now.replace(microsecond=0)  # keep the caller's zone for "today"
    return _Parser(text, moment).parse()
