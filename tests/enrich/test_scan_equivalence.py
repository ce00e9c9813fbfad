"""The faster scans of the entity and fact rules find what the plain expressions find."""

from __future__ import annotations

import json
import random
import re
from importlib import resources

import pytest

from broadsheet.enrich.entities import people, sports
from broadsheet.enrich.entities.names import _whole_word_hits
from broadsheet.enrich.entities.orgs import _keyword_pattern
from broadsheet.enrich.entities.rules import _as_written, load_entity_rules
from broadsheet.enrich.facts import _number_matches, load_fact_rules
from broadsheet.enrich.tickers import _CASHTAG

_SCORE = re.compile(
    r"(?<![\w.-])\d{1,3}-\d{1,3}(?![\w.-])|(?<=[a-z] )\d{1,3} [A-Z][a-z]+ \d{1,3}\b"
)
_PLACE_AND_NICKNAME = re.compile(
    r"(?<![\w.’'-])[A-Z][a-z.]*(?:[ ][A-Z][a-z.]*){0,2}"
    r"[ ](?:[A-Z][a-z]+[ ])?[A-Z][a-z]+s(?![\w'’-])"
)

_INITIAL_IN_TEXT = re.compile(r"(?<![^\W_])[A-Z]\.(?=\s)")
_PARTICLE_NAME = re.compile(
    r"((?:[A-Z][a-z]+[ ]){1,3})(?:al|el|ad|bin|ben|ibn)(?:-|[ ])([A-Z][a-z]+)(?![\w-])"
)
_CASHTAG_PLAIN = re.compile(r"(?<![\w$])\$(?P<ticker>[A-Z]{1,5}(?:[.\-][A-Z])?)(?![\w])")

_TEXTS = [
    "Chicago 5 Houston 3. Kent beat Essex 3-1 (2-0) on 1996-08-25; 12-10, a.3-2, x-4-5.",
    "the 4 Bulls 2 and 10 Kings 11; Minnesota Twins, St. Louis Cardinals, .Red Sox",
    "Toronto Blue Jays beat New York Yankees' fans; O'Brien Jets and Jean-Paul Hawks",
    "It rose more than  5% to US$ 1.2 billion, about\n€300m, at least 2,000 barrels.",
    "Rs. 40 crore, No. 3, A4 paper, 1997-2003, 2009-10, -5, ,7, _8, $9 and approximately 12",
    "",
]


def _spans(matches: object) -> list[tuple[tuple[int, int], str]]:
    return [(m.span(), m.group(0)) for m in matches]  # type: ignore[attr-defined]


def _generated(alphabet: list[str], count: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12))) for _ in range(count)]


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        (sports._SCORE, _SCORE),
        (sports._PLACE_AND_NICKNAME, _PLACE_AND_NICKNAME),
        (_CASHTAG, _CASHTAG_PLAIN),
        (people._INITIAL_IN_TEXT, _INITIAL_IN_TEXT),
        (people._PARTICLE_NAME, _PARTICLE_NAME),
    ],
)
def test_rewritten_patterns_match_as_written_plainly(
    written: re.Pattern[str], plain: re.Pattern[str]
) -> None:
    alphabet = [*"0123 -.aZbQs’'_\nvV,$", "Sox", "Twins", "St.", "$AAPL", "BRK.B", "$$"]
    alphabet += ["Osama bin Laden", "Omar al-Bashir", "J. ", "A.B. ", "Abu ", "é"]
    for text in _TEXTS + _generated(alphabet, 20_000, 1):
        assert [(m.span(), m.groups()) for m in written.finditer(text)] == [
            (m.span(), m.groups()) for m in plain.finditer(text)
        ], text


def test_company_pattern_matches_the_plain_alternation() -> None:
    pattern = load_entity_rules().company_pattern
    assert pattern is not None
    raw = resources.files("broadsheet.enrich").joinpath("data/tickers.json").read_text("utf-8")
    aliases = json.loads(raw)["aliases"]
    names = [
        " ".join(_as_written(w) for w in k.split())
        for k in sorted(aliases, key=len, reverse=True)
        if " " in k
    ]
    plain = re.compile(r"(?<![\w&-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w&-])")
    alphabet = [*names[:30], *names[-30:], *" -&xA.", "a-", "Co"]
    for text in _TEXTS + _generated(alphabet, 5_000, 4):
        assert _spans(pattern.finditer(text)) == _spans(plain.finditer(text)), text


def test_keyword_pattern_matches_the_plain_alternation() -> None:
    keywords = load_entity_rules().org_keywords_strong
    words = sorted(keywords, key=len, reverse=True)
    plain = re.compile(
        r"(?<![\w.])(?:"
        + "|".join(re.escape(w[:1].upper()) + "(?i:" + re.escape(w[1:]) + ")" for w in words)
        + r")(?![\w])"
    )
    cased = [w.capitalize() for w in words[:20]] + [w.upper() for w in words[:10]]
    alphabet = [*cased, *words[:10], *" .x-_\n", "Co."]
    for text in _TEXTS + _generated(alphabet, 5_000, 5):
        assert _spans(_keyword_pattern(keywords).finditer(text)) == _spans(plain.finditer(text))


def test_number_matches_are_finditers() -> None:
    rules = load_fact_rules()
    assert rules.reach is not None  # the fast path is the one tested
    alphabet = ["more than", "About", "at least", "US$", "U.S.$", "$", "€", "Rs.", "1", "20"]
    alphabet += ["1999", "-", "–", ",", ".", "5,000", " ", "  ", "\n", "x", "_", "million", "%"]
    for text in _TEXTS + _generated(alphabet, 20_000, 2):
        fast = [(m.span(), m.groupdict()) for m in _number_matches(rules, text)]
        plain = [(m.span(), m.groupdict()) for m in rules.pattern.finditer(text)]
        assert fast == plain, text


def test_whole_word_hits_are_the_alternation() -> None:
    rnd = random.Random(3)
    alphabet = "ab A.-'é_ 1"
    for _ in range(20_000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
        words = sorted(
            {"".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 4))) for _ in range(3)},
            key=len,
            reverse=True,
        )
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)")
        assert _whole_word_hits(text, words) == [m.span() for m in pattern.finditer(text)]
