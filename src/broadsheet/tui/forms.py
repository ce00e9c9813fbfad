"""A small modal form: a title, a few labelled fields, Enter to save, Escape to cancel."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

__all__ = ["AskScreen"]


class AskScreen(ModalScreen[list[str] | None]):
    DEFAULT_CSS = """
    AskScreen { align: center middle; }
    AskScreen > Vertical { width: 76; height: auto; border: thick $accent; background: $surface;
        padding: 1 2; }
    AskScreen Label { margin-top: 1; }
    AskScreen #ask-hint { color: $secondary; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, fields: list[tuple[str, str]], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            for k, (label, placeholder) in enumerate(self.fields):
                yield Label(Text(label))
                yield Input(placeholder=placeholder, id=f"ask-{k}")
            yield Static(Text(self.hint or "Enter: save · Escape: cancel"), id="ask-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        values = [i.value.strip() for i in inputs]
        empty = next((i for i, v in zip(inputs, values, strict=True) if not v), None)
        if empty is not None:
            empty.focus()
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
