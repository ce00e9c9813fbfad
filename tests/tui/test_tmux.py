"""The scripted session as a user types it: `broadsheet demo` in a real terminal (tmux),
keys sent with `send-keys`, the screen read with `capture-pane`.

TOP → Enter on a headline (the story) → GP AAPL → ALRT ADD for a story the wire has not
published yet → the alert pops up when the live wire publishes it. tmux is installed by
`.ci/run`; where it is missing the test fails in CI and is skipped elsewhere, saying so."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from broadsheet.demo.newswire import generate_wire

EVENTS = 6


def _need_tmux() -> str:
    found = shutil.which("tmux")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is not installed: .ci/run installs it (apt-get install -y tmux)")
        pytest.skip("tmux is not installed here (apt-get install -y tmux); CI runs this test")
    return found


class Terminal:
    """A tmux session running one command, 140x42."""

    def __init__(self, tmux: str, command: str) -> None:
        self.name = f"broadsheet-test-{uuid.uuid4().hex[:8]}"
        # a server of its own (-L), without the user's configuration (-f /dev/null)
        self.tmux = [tmux, "-L", self.name, "-f", "/dev/null"]
        self._run("new-session", "-d", "-s", self.name, "-x", "140", "-y", "42", command)

    def _run(self, *args: str) -> str:
        done = subprocess.run(
            [*self.tmux, *args], capture_output=True, text=True, timeout=30, check=True
        )
        return done.stdout

    def screen(self) -> str:
        return self._run("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        self._run("send-keys", "-t", self.name, *keys)
        time.sleep(0.3)

    def type(self, text: str, *, escape: bool = True) -> None:
        """Escape to the command line, then the text as typed, then Enter. (A pause after
        Escape, as a person makes: Escape and a letter at once read as Alt+letter.)"""
        if escape:
            self.keys("Escape")
            time.sleep(0.7)
        self._run("send-keys", "-t", self.name, "-l", text)
        self.keys("Enter")

    def wait_for(self, seen: Callable[[str], bool], what: str, tries: int = 600) -> str:
        """Read the screen every 0.3 s until ``seen`` (bounded by a count of reads)."""
        screen = ""
        for _ in range(tries):
            try:
                screen = self.screen()
            except subprocess.CalledProcessError:  # the session ended
                break
            if seen(screen):
                return screen
            time.sleep(0.3)
        raise AssertionError(f"never saw {what}; the screen was:\n{screen}")

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Callable[[str], Terminal]]:
    tmux = _need_tmux()
    opened: list[Terminal] = []

    def open_terminal(command: str) -> Terminal:
        term = Terminal(tmux, command)
        opened.append(term)
        return term

    yield open_terminal
    for term in opened:
        term.close()


_STORY_ROW = re.compile(r"│ \d{4}-\d\d-\d\d \d\d:\d\d  \S")


def _published(screen: str) -> int:
    m = re.search(r"(\d+)/\d+ published", screen)
    return int(m.group(1)) if m else 0


def test_demo_session_typed_in_tmux(tmp_path: Path, terminal: Callable[[str], Terminal]) -> None:
    stories = generate_wire(date(2008, 1, 1), date(2008, 12, 31), seed=7, max_events=EVENTS)
    first_apple = next(k for k, s in enumerate(stories) if "AAPL" in s.tickers)
    last = stories[-1]
    home = tmp_path / "home"
    log = tmp_path / "exit.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROADSHEET_")}
    env["TERM"] = "xterm-256color"
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items() if k in _PASS)
    command = (
        f"env -u COLUMNS -u LINES {exports} {shlex.quote(sys.executable)} -m broadsheet.cli "
        f"--home {home} demo --events {EVENTS} --pace 6; echo EXIT=$? > {log}; sleep 30"
    )
    term = terminal(command)

    # the app opens on the live wire and TOP fills in
    term.wait_for(lambda s: "SIMULATED" in s and "sources" in s, "the demo wire's TOP")
    term.type("TOP", escape=False)  # the command line has the keyboard when the app opens
    term.wait_for(
        lambda s: "╭─ TOP" in s and "Open beside" in s and _STORY_ROW.search(s) is not None,
        "TOP's stories, the list focused",
    )

    # Enter on the highlighted headline reads it
    term.keys("Enter")
    story = term.wait_for(lambda s: "╭─ READ" in s and "story #" in s, "a story")
    assert "published" in story

    # GP AAPL once the wire has published an Apple story
    term.wait_for(lambda s: _published(s) > first_apple, "an Apple story on the wire")
    term.type("GP AAPL")
    chart = term.wait_for(lambda s: "╭─ GP AAPL" in s and "stories marked" in s, "the chart")
    assert "▲" in chart

    # an alert for the last story of the replay, which the wire has not published yet
    assert _published(chart) < len(stories)
    term.type(f'ALRT ADD last headline:"{last.headline}"')
    term.wait_for(lambda s: "╭─ ALRT" in s and "last" in s, "the new alert")
    fired = term.wait_for(lambda s: "ALERT last" in s, "the alert popping up", tries=900)
    assert "ALERTS 1 unread" in fired or "unread" in fired

    term.keys("C-q")
    term.wait_for(lambda s: log.exists(), "the app quitting")
    assert log.read_text().strip() == "EXIT=0"


_PASS = ("PATH", "PYTHONPATH", "HOME", "LANG", "LC_ALL", "TERM", "VIRTUAL_ENV")
