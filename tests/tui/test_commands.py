"""The command line's parser, completion and history (no app needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.search import parse_query
from broadsheet.tui.commands import (
    COMMANDS,
    CommandError,
    alert_parts,
    complete_command,
    parse_command,
    scope_query,
)
from broadsheet.tui.history import CommandHistory


@pytest.mark.parametrize(
    ("line", "name", "argument", "words"),
    [
        ("TOP", "TOP", "", ()),
        ("top", "TOP", "", ()),
        ("  TOP   AAPL ", "TOP", "AAPL", ("AAPL",)),
        ('TOP "Maria Okafor"', "TOP", '"Maria Okafor"', ("Maria Okafor",)),
        ('N "rate cut" since:7d', "N", '"rate cut" since:7d', ("rate cut", "since:7d")),
        ("n by:Glaser", "N", "by:Glaser", ("by:Glaser",)),
        ("READ 1712345678901000", "READ", "1712345678901000", ("1712345678901000",)),
        ("1712345678901000", "READ", "1712345678901000", ("1712345678901000",)),
        ("READ 17 all", "READ", "17 all", ("17", "all")),  # every attribution, not only words
        ("CN aapl", "CN", "aapl", ("aapl",)),
        ("DES IBM", "DES", "IBM", ("IBM",)),
        ("GP AAPL", "GP", "AAPL", ("AAPL",)),
        ("GP AAPL 2008-01-01 2008-12-31", "GP", "AAPL 2008-01-01 2008-12-31", None),
        ("PEOP Clara Voss", "PEOP", "Clara Voss", ("Clara", "Voss")),
        ("ALRT", "ALRT", "", ()),
        ('ALRT ADD fed "federal funds"', "ALRT", 'ADD fed "federal funds"', None),
        ("SRC", "SRC", "", ()),
        ("SRC ADD https://example.com/feed.xml", "SRC", "ADD https://example.com/feed.xml", None),
        ("HELP", "HELP", "", ()),
        ("help help", "HELP", "help", ("help",)),
        ("THEME paper", "THEME", "paper", ("paper",)),
        ("QUIT", "QUIT", "", ()),
    ],
)
def test_commands_parse(line: str, name: str, argument: str, words: tuple[str, ...] | None) -> None:
    cmd = parse_command(line)
    assert (cmd.name, cmd.argument) == (name, argument)
    if words is not None:
        assert cmd.words == words


@pytest.mark.parametrize(
    ("line", "position", "message"),
    [
        ("", 0, "type a command"),
        ("FOO bar", 0, "unknown command"),
        ("  XYZ", 2, "unknown command"),
        ("N", 1, "needs an argument"),
        ("N   ", 1, "needs an argument"),
        ("READ abc", 5, "story id"),
        ("READ 17 everything", 5, "ALL or nothing"),
        ("GP AAPL 2008-13", 8, "not a date"),
        ("GP AAPL 2008-01-01 2008-12-31 x", 3, "at most two dates"),
        ("ALRT DROP x", 5, "ALRT takes"),
        ("ALRT ADD onlyname", 17, "name and a query"),
        ("SRC ADD", 4, "SRC takes"),
        ("HELP ME", 5, "HELP takes"),
        ("THEME neon", 6, "amber or paper"),
        ('PEOP "unbalanced', 16, "unbalanced quote"),
    ],
)
def test_mistakes_point_at_their_place(line: str, position: int, message: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse_command(line)
    assert caught.value.position == position
    assert message in caught.value.message


def test_a_saved_search_is_a_mnemonic() -> None:
    cmd = parse_command("Rates", saved=["rates", "apple"])
    assert (cmd.name, cmd.argument) == ("SAVED", "rates")
    assert parse_command("TOP", saved=["top"]).name == "TOP"  # built-ins come first


def test_alert_parts_keep_the_query_as_typed() -> None:
    assert alert_parts(parse_command('ALRT ADD fed "rate cut" OR by:Voss')) == (
        "fed",
        '"rate cut" OR by:Voss',
    )
    assert alert_parts(parse_command('ALRT add "big moves" ticker:AAPL')) == (
        "big moves",
        "ticker:AAPL",
    )


@pytest.mark.parametrize("scope", ["AAPL", "markets", "Clara Voss", '"Federal Reserve"', "a'b"])
def test_top_scopes_are_valid_queries(scope: str) -> None:
    parse_query(scope_query(scope))


def test_completion_from_mnemonics_saved_searches_and_history() -> None:
    assert complete_command("RE") == "READ "
    assert complete_command("he") == "heLP "  # shown after what was typed; Tab upper-cases it
    assert complete_command("ap", saved=["apple"]) == "apple"
    assert complete_command("N ti", history=["N ticker:AAPL", "TOP"]) == "N ticker:AAPL"
    assert complete_command("zz") is None
    assert complete_command("") is None


def test_every_command_has_a_usage_and_summary() -> None:
    names = [c.name for c in COMMANDS]
    assert len(names) == len(set(names))
    for c in COMMANDS:
        assert c.usage.startswith(c.name) and c.summary


def test_history_walks_and_persists(tmp_path: Path) -> None:
    path = tmp_path / "history"
    history = CommandHistory(path, limit=3)
    for line in ("TOP", "N apple", "N apple", "GP AAPL", "HELP"):
        history.add(line)
    assert history.entries == ["N apple", "GP AAPL", "HELP"]
    assert history.older("typed") == "HELP"
    assert history.older("") == "GP AAPL"
    assert history.newer() == "HELP"
    assert history.newer() == ""
    again = CommandHistory(path)
    assert again.entries == ["N apple", "GP AAPL", "HELP"]


def test_history_never_keeps_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "history"
    path.write_text("TOP\n\x1b[31mN red\x07\n\n", "utf-8")
    history = CommandHistory(path)
    assert history.entries == ["TOP", "[31mN red"]
    history.add("N \x1b]0;title\x07x")
    assert all(ch.isprintable() for line in history.entries for ch in line)
