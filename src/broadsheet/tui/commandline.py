"""The command line at the top: a mnemonic and its argument, with history (Up/Down),
completion (shown in grey; Tab or Right accepts it) and errors that point at their place."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Static

from .commands import COMMANDS, complete_command
from .history import CommandHistory
from .text import clean

__all__ = ["CommandBar", "CommandInput"]

MNEMONICS = frozenset(c.name for c in COMMANDS)


class _Completion(Suggester):
    def __init__(self, saved: Callable[[], Sequence[str]], history: CommandHistory) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._saved = saved
        self._history = history

    async def get_suggestion(self, value: str) -> str | None:
        return complete_command(value, self._saved(), self._history.entries)


class CommandInput(Input):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "older", "Earlier command", show=False),
        Binding("down", "newer", "Later command", show=False),
        Binding("tab", "complete", "Complete", show=False, priority=True),
    ]

    def __init__(self, history: CommandHistory, saved: Callable[[], Sequence[str]]) -> None:
        super().__init__(
            placeholder="TOP · N <query> · READ <id> · GP <ticker> · ALRT · SRC · HELP",
            suggester=_Completion(saved, history),
            id="command-input",
        )
        self.history = history

    def action_older(self) -> None:
        self.value = self.history.older(self.value)
        self.cursor_position = len(self.value)

    def action_newer(self) -> None:
        self.value = self.history.newer()
        self.cursor_position = len(self.value)

    def action_complete(self) -> None:
        if self._suggestion and self._suggestion != self.value:
            head, sep, rest = self._suggestion.partition(" ")
            if head.upper() in MNEMONICS:
                head = head.upper()
            self.value = head + sep + rest
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()


class CommandBar(Vertical):
    """The prompt, the input and the line under it that shows where a command went wrong."""

    DEFAULT_CSS = """
    CommandBar { dock: top; height: auto; background: $panel; }
    CommandBar Horizontal { height: 1; }
    CommandBar #prompt { width: 3; color: $accent; text-style: bold; background: $panel; }
    CommandBar Input { border: none; height: 1; padding: 0; background: $panel; width: 1fr; }
    CommandBar Input:focus { border: none; background: $panel; }
    CommandBar #command-error { height: auto; color: $error; padding: 0 0 0 3; display: none; }
    CommandBar #command-error.shown { display: block; }
    """

    class Entered(Message):
        """A command line was entered (the text as typed)."""

        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    def __init__(self, history: CommandHistory, saved: Callable[[], Sequence[str]]) -> None:
        super().__init__(id="command-bar")
        self.history = history
        self._saved = saved

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static(Text("»", style="bold"), id="prompt")
            yield CommandInput(self.history, self._saved)
        yield Static(id="command-error")

    @property
    def input(self) -> CommandInput:
        return self.query_one(CommandInput)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        line = event.value
        if not line.strip():
            return
        self.history.add(line)
        self.clear_error()
        self.post_message(self.Entered(line))

    def show_error(self, line: str, position: int, message: str) -> None:
        """Show ``message`` under the command line with a caret at ``position``."""
        shown = clean(line)
        position = max(0, min(position, len(shown)))
        text = Text(shown + "\n", style="bold")
        text.append(" " * position + "^ ", style="bold")
        text.append(clean(message))
        err = self.query_one("#command-error", Static)
        err.update(text)
        err.add_class("shown")
        self.input.value = line
        self.input.cursor_position = position

    def clear_error(self) -> None:
        err = self.query_one("#command-error", Static)
        err.update("")
        err.remove_class("shown")
