"""Issue 13: every regular expression in Broadsheet runs in (near) linear time.

Fetched text reaches most of them (feeds, pages, text dumps, WARC headers, article bodies,
queries). Python cannot interrupt a regex running in C, so one that backtracks holds a
worker and the GIL. The audit takes every compiled pattern at module level in the package
and builds hostile inputs from the pattern's own literals: each literal, and each pair of
them, repeated to 10,000 characters (or to the length the code reads, see BOUNDED), with and
without a final character that makes the match fail. It runs ``search`` (``match`` for the
patterns the code applies at one position, see ANCHORED) and ``fullmatch`` on them. A
quadratic scan of such an input costs seconds and an exponential one never ends; the linear
patterns need milliseconds. The bound is CPU seconds of the matching thread (see
tests/hang_guard.py), many times what they need.

``regexploit`` (a static ReDoS checker on PyPI) was also run over src/ during the audit; its
only finding, the cubic ``_CREDIT_TEXT`` in extract/html/figures.py, is bounded by its {2,120}
repetitions and is among the patterns checked here.
"""

from __future__ import annotations

import importlib
import itertools
import pkgutil
import re
import re._parser as sre_parse  # the parsed form of a pattern, to find its literals
from collections.abc import Iterator

import pytest

import broadsheet

from .hang_guard import CPU_BOUND, cpu_seconds

LENGTH = 10_000
KILLERS = ("", "\x00", "\n")
# Patterns the code only applies at one position (``match`` where a token starts, then the
# scan moves past it): audited with match and fullmatch, not search from every position.
ANCHORED = {
    "broadsheet.enrich.fasttags",  # attribute-ruler patterns: fullmatch on one token
    "broadsheet.extract.encoding._XML_PROLOG",
    "broadsheet.search.query._FIELD_RE",
    "broadsheet.search.query._RELATIVE_RE",
    "broadsheet.sources.xmltext._DECL",
    "broadsheet.sources.xmltext._DECL_ANY",
    "broadsheet.sources.xmltext._DECL_CLOSE",
    "broadsheet.sources.xmltext._ENTITY_HEAD",
    "broadsheet.sources.xmltext._ROOT_NAME",
    "broadsheet.sources.feeds._HTML_TAG",
    "broadsheet.store.migrate._NAME",
}
# Patterns the code applies to a bounded slice of the input: audited at that length.
BOUNDED = {
    "broadsheet.sources.xmltext._DECL_ENCODING": 1024,
    "broadsheet.extract.encoding._CHARSET_ATTR": 1024,
    "broadsheet.sources.xmltext._SAFE_VALUE": 200,
}
SKIP_MODULES = ("broadsheet.cli", "broadsheet.demo", "broadsheet.__main__")  # no fetched text


def _patterns() -> Iterator[tuple[str, re.Pattern[str] | re.Pattern[bytes]]]:
    seen: set[int] = set()
    for info in pkgutil.walk_packages(broadsheet.__path__, "broadsheet."):
        if info.name.startswith((*SKIP_MODULES, "broadsheet.bench")):
            continue  # benchmarks read no fetched text (and importing them changes packages)
        module = importlib.import_module(info.name)
        for name, value in sorted(vars(module).items()):
            if isinstance(value, re.Pattern) and id(value) not in seen:
                seen.add(id(value))
                yield f"{info.name}.{name}", value


def _literals(pattern: re.Pattern[str] | re.Pattern[bytes]) -> list[str]:
    """Runs of literal characters in the pattern, and one member of each character class."""
    runs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            runs.append("".join(current))
            current.clear()

    def walk(items: object) -> None:
        for op, arg in items:  # type: ignore[attr-defined]
            name = str(op)
            if name == "LITERAL":
                current.append(chr(arg))
                continue
            flush()
            if name == "IN":
                for kind, value in arg:
                    if str(kind) == "LITERAL":
                        runs.append(chr(value))
                    elif str(kind) == "RANGE":
                        runs.append(chr(value[0]))
                    elif str(kind) == "CATEGORY":
                        runs.append(" " if "SPACE" in str(value) else "a")
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                walk(arg[2])
            elif name == "SUBPATTERN":
                walk(arg[-1])
            elif name == "BRANCH":
                for branch in arg[1]:
                    walk(branch)
                    flush()
            elif name in ("ASSERT", "ASSERT_NOT"):
                walk(arg[1])
            flush()
        flush()

    source = pattern.pattern
    text = source.decode("latin-1") if isinstance(source, bytes) else source
    walk(sre_parse.parse(text, pattern.flags & ~re.DEBUG))
    unique = sorted({r for r in runs if r}, key=lambda r: (-len(r), r))
    return unique[:24]


def _inputs(pattern: re.Pattern[str] | re.Pattern[bytes], length: int) -> Iterator[str]:
    pieces = [*_literals(pattern)[:10], " ", "a", "0", "<", ")", "-"]
    units = {*pieces, *(a + b for a, b in itertools.permutations(pieces[:6], 2))}
    units |= {a + " " + b for a, b in itertools.permutations(pieces[:4], 2)}
    for unit in sorted(units):
        body = unit * (length // len(unit) + 1)
        for killer in KILLERS:
            yield body[:length] + killer


PATTERNS = list(_patterns())


def test_the_audit_sees_the_patterns_that_read_fetched_text() -> None:
    names = {name for name, _ in PATTERNS}
    for expected in (
        "broadsheet.extract.encoding._META_START",
        "broadsheet.sources.feeds._HTML_TAG",
        "broadsheet.sources.xmltext._ENTITY_HEAD",
        "broadsheet.extract.html.figures._CREDIT_TEXT",
        "broadsheet.extract.textdump.BYLINE",
        "broadsheet.search.query._FIELD_RE",
    ):
        assert expected in names
    assert len(PATTERNS) > 60


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[n for n, _ in PATTERNS])
def test_no_pattern_backtracks_on_repeated_pieces_of_itself(
    name: str, pattern: re.Pattern[str] | re.Pattern[bytes]
) -> None:
    is_bytes = isinstance(pattern.pattern, bytes)
    anchored = name in ANCHORED or name.rsplit(".", 1)[0] in ANCHORED
    length = BOUNDED.get(name, LENGTH)

    def run() -> None:
        for text in _inputs(pattern, length):
            subject = text.encode("utf-8") if is_bytes else text
            if anchored:
                pattern.match(subject)  # type: ignore[arg-type]
            else:
                pattern.search(subject)  # type: ignore[arg-type]
            pattern.fullmatch(subject)  # type: ignore[arg-type]

    _, cpu = cpu_seconds(run)
    assert cpu < CPU_BOUND * 4, f"{name}: {cpu:.2f} CPU s on inputs of {length} characters"
