"""The terminal's mnemonics: the table of commands, the parser of a command line, completion.

A command line is a mnemonic and its argument: ``TOP``, ``TOP AAPL``, ``N "rate cut" since:7d``,
``READ 1712345678901000``, ``GP AAPL 2008-01-01 2008-12-31``, ``ALRT ADD rates "rate cut"``.
Mnemonics are case-insensitive; the argument is kept as typed. A saved search's name is a
mnemonic of its own (it runs the saved query). Nothing here touches the archive: the parser
is pure, so the app, its tests and the help screen share one table.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "COMMANDS",
    "KEYS",
    "CommandError",
    "CommandSpec",
    "ParsedCommand",
    "alert_parts",
    "complete_command",
    "parse_command",
    "scope_query",
]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    usage: str
    summary: str
    needs_argument: bool = False


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("TOP", "TOP [topic|ticker|person]", "Top stories now, one row per story"),
    CommandSpec("N", "N <query>", "News search in the query language", True),
    CommandSpec("READ", "READ <id>", "Read a story like an analyst", True),
    CommandSpec("CN", "CN <ticker>", "Company news", True),
    CommandSpec("DES", "DES <ticker>", "The company: price, key figures, people", True),
    CommandSpec("GP", "GP <ticker> [from] [to]", "Price chart with news markers", True),
    CommandSpec("PEOP", "PEOP <name>", "A person: titles, quotes, company kept", True),
    CommandSpec("ALRT", "ALRT [ADD <name> <query>]", "Alerts (saved searches) and the inbox"),
    CommandSpec("SRC", "SRC [ADD <url>]", "Sources and their health; add and remove feeds"),
    CommandSpec("HELP", "HELP [HELP]", "Every command and key; HELP HELP: getting support"),
    CommandSpec("THEME", "THEME [amber|paper]", "Switch between the dark and light themes"),
    CommandSpec("CLOSE", "CLOSE", "Close the focused pane"),
    CommandSpec("QUIT", "QUIT", "Leave the terminal"),
)

_BY_NAME = {c.name: c for c in COMMANDS}

# key, where it works, what it does: the help screen's second table
KEYS: tuple[tuple[str, str, str], ...] = (
    ("Enter", "command line", "Run the command"),
    ("Up / Down", "command line", "Earlier and later commands (history)"),
    ("Tab / Right", "command line", "Accept the completion shown in grey"),
    ("Escape or :", "anywhere", "Back to the command line"),
    ("Ctrl+P", "anywhere", "Command palette: every action by name"),
    ("Ctrl+O", "anywhere", "Split: the next story or command opens in a new pane beside"),
    ("Ctrl+W", "anywhere", "Close the focused pane"),
    ("F6 / Shift+F6", "anywhere", "Next / previous pane"),
    ("Ctrl+T", "anywhere", "Switch theme (amber on black, paper)"),
    ("Ctrl+A", "anywhere", "The alerts inbox"),
    ("Ctrl+Q", "anywhere", "Quit"),
    ("Enter", "lists", "Open the story (or the source, alert, person) under the cursor"),
    ("o", "lists, chart", "Open the story in a new pane beside this one"),
    ("Left / Right", "chart", "Previous / next news marker"),
    ("Enter", "chart", "Read the story of the marker"),
    ("Up / Down", "reader", "Previous / next annotation (person, company, quote, fact)"),
    ("s", "reader", "The sentence and source behind the highlighted annotation"),
    ("v", "reader", "Other versions of this story"),
    ("o", "reader", "Other sources carrying this story"),
    ("a / p / d / e", "alerts", "Add, pause or resume, delete, preview an alert"),
    ("a / p / d", "sources", "Add a feed, pause or resume, remove the source"),
    ("r", "any screen", "Reload"),
)


class CommandError(ValueError):
    """A command line that cannot run; ``position`` is where in the line the problem is."""

    def __init__(self, message: str, position: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    name: str  # a mnemonic of COMMANDS, or "SAVED" for a saved search called by name
    argument: str = ""  # as typed, stripped
    offset: int = 0  # where the argument starts in the line (to point at query errors)
    words: tuple[str, ...] = ()  # the argument split like a shell would (quotes kept whole)


_DAY = re.compile(r"\d{4}-\d\d-\d\d$")


def parse_command(line: str, saved: Iterable[str] = ()) -> ParsedCommand:
    """The command ``line`` asks for; ``CommandError`` (with a position) when it cannot run.

    ``saved``: the names of the user's saved searches, which work as mnemonics too.
    """
    stripped = line.lstrip()
    if not stripped:
        raise CommandError("type a command, e.g. TOP, N <query>, HELP", 0)
    start = len(line) - len(stripped)
    head = stripped.split(None, 1)[0]
    after = stripped[len(head) :]
    offset = start + len(head) + len(after) - len(after.lstrip())
    argument = line[offset:].strip()
    mnemonic = head.upper()
    spec = _BY_NAME.get(mnemonic)
    if spec is None:
        for name in saved:
            if name.casefold() == head.casefold():
                return ParsedCommand("SAVED", name, start)
        if head.isdigit():  # a bare story id reads it
            return ParsedCommand("READ", head, start, (head,))
        raise CommandError(f"unknown command {head!r}; HELP lists them", start)
    if spec.needs_argument and not argument:
        raise CommandError(f"{spec.name} needs an argument: {spec.usage}", len(line.rstrip()))
    try:
        words = tuple(shlex.split(argument)) if argument else ()
    except ValueError:  # an unbalanced quote: a query's parser says where; others need none
        if mnemonic in ("N", "TOP", "ALRT"):
            words = tuple(argument.split())
        else:
            raise CommandError("unbalanced quote", len(line.rstrip())) from None
    parsed = ParsedCommand(mnemonic, argument, offset, words)
    _check(parsed, line)
    return parsed


def _check(cmd: ParsedCommand, line: str) -> None:
    if cmd.name == "READ" and not (
        len(cmd.words) in (1, 2)
        and cmd.words[0].isdigit()
        and (len(cmd.words) == 1 or cmd.words[1].upper() == "ALL")
    ):
        raise CommandError("READ needs a story id (a number), then ALL or nothing", cmd.offset)
    if cmd.name == "GP":
        for _k, word in enumerate(cmd.words[1:3], start=1):
            if not _DAY.match(word):
                where = line.find(word, cmd.offset)
                raise CommandError(f"GP: {word!r} is not a date (YYYY-MM-DD)", max(where, 0))
        if len(cmd.words) > 3:
            raise CommandError("GP takes a ticker and at most two dates", cmd.offset)
    if cmd.name == "ALRT" and cmd.words:
        verb = cmd.words[0].upper()
        if verb != "ADD":
            raise CommandError("ALRT takes nothing, or ADD <name> <query>", cmd.offset)
        if len(cmd.words) < 3:
            raise CommandError("ALRT ADD needs a name and a query", len(line.rstrip()))
    if cmd.name == "SRC" and cmd.words and (cmd.words[0].upper() != "ADD" or len(cmd.words) != 2):
        raise CommandError("SRC takes nothing, or ADD <url>", cmd.offset)
    if cmd.name == "HELP" and cmd.argument and cmd.argument.upper() != "HELP":
        raise CommandError("HELP takes nothing, or HELP", cmd.offset)
    if cmd.name == "THEME" and cmd.words and cmd.words[0].lower() not in ("amber", "paper"):
        raise CommandError("THEME is amber or paper", cmd.offset)


def alert_parts(cmd: ParsedCommand) -> tuple[str, str]:
    """``ALRT ADD <name> <query>``: the name (quoted when it has spaces) and the query as
    typed after it."""
    rest = cmd.argument.lstrip()[3:].lstrip()  # after ADD (checked by parse_command)
    if rest[:1] in ("'", '"'):
        close = rest.find(rest[0], 1)
        if close < 0:
            raise CommandError("the alert's name has no closing quote", cmd.offset)
        name, query = rest[1:close], rest[close + 1 :]
    else:
        name = rest.split(None, 1)[0] if rest else ""
        query = rest[len(name) :]
    if not name or not query.strip():
        raise CommandError("ALRT ADD needs a name and a query", cmd.offset)
    return name, query.strip()


def scope_query(scope: str) -> str:
    """``TOP <scope>``: the stories tagged with it as a ticker, a topic or a person."""
    value = scope.strip().strip("\"'")
    if not value:
        return ""
    quoted = '"' + value.replace('"', "") + '"'
    return f"(ticker:{quoted} OR topic:{quoted} OR person:{quoted} OR org:{quoted})"


def complete_command(
    line: str, saved: Sequence[str] = (), history: Sequence[str] = ()
) -> str | None:
    """The line completed: a mnemonic (or saved search) from its first letters, or the most
    recent earlier command that starts the same way. None when nothing fits."""
    if not line.strip():
        return None
    for earlier in reversed(history):
        if earlier != line and earlier.upper().startswith(line.upper()):
            return line + earlier[len(line) :]
    if " " in line.strip():
        return None
    head = line.strip()
    names = [c.name for c in COMMANDS] + list(saved)
    for name in names:
        if name.upper().startswith(head.upper()) and len(name) > len(head):
            return line + name[len(head) :] + ("" if name in saved else " ")
    return None
