"""READ <id>: a story read like an analyst. People, companies, quotes and facts are
highlighted; Left/Right walk from one to the next, ``s`` shows the sentence and the source
behind the one under the cursor, ``v`` the story's other versions and ``o`` the same story
from other outlets (Enter reads it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from ...models import CUE_CLASSES
from ...service import Sentences
from ..text import plain, when
from .base import Live, Panel

if TYPE_CHECKING:
    from ...service import ArticleView

__all__ = ["Mark", "ReaderPanel", "marks_of"]


@dataclass(frozen=True, slots=True)
class Mark:
    """One highlighted annotation: where it is, what it is, and what is behind it."""

    start: int
    end: int
    kind: str  # person, company, quote, fact, place
    label: str  # "Maria Okafor", "AAPL (Apple Inc.)", "quote by Clara Voss", "9.3 percent"
    detail: str  # titles, the quote's speaker and kind, the fact's measure and period
    sentence: str


def marks_of(view: ArticleView) -> list[Mark]:
    """The story's annotations worth highlighting, in reading order."""
    art, ann = view.article, view.annotations
    sentences = Sentences(art.body)
    marks: list[Mark] = []
    for e in ann.entities:
        if e.type in ("PERSON", "ORG", "PLACE"):
            kind = {"PERSON": "person", "ORG": "company", "PLACE": "place"}[e.type]
            marks.append(
                Mark(e.start, e.end, kind, e.name, e.type.lower(), sentences.around(e.start, e.end))
            )
    for t in ann.tickers:
        marks.append(
            Mark(
                t.start,
                t.end,
                "company",
                f"{t.ticker} ({t.company})",
                f"ticker, relevance {t.relevance:.2f}",
                sentences.around(t.start, t.end),
            )
        )
    for q in ann.quotes:
        who = q.speaker or "unattributed"
        about = ", ".join(x for x in (q.speaker_title, q.speaker_affiliation) if x)
        kind = q.kind if q.cue_class == "speech" else f"{q.kind} {q.cue_class}"
        detail = f"{kind} quote" + (f"; {who}: {about}" if about else "")
        said = sentences.of_quote(q) or sentences.around(*q.content)
        marks.append(Mark(q.content[0], q.content[1], "quote", f"quote by {who}", detail, said))
    for f in ann.facts:
        parts = [f.measure, f.period_norm or f.period, f"of {f.subject}" if f.subject else None]
        detail = " · ".join(str(p) for p in parts if p) or "figure"
        value = f"{f.value}{' ' + f.unit if f.unit else ''}"
        marks.append(Mark(f.start, f.end, "fact", value, detail, sentences.around(f.start, f.end)))
    marks.sort(key=lambda m: (m.start, -m.end))
    return marks


class ArticleBody(VerticalScroll, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "next_mark", "Next annotation"),
        Binding("left", "previous_mark", "Previous annotation"),
        Binding("s", "behind", "Sentence & source"),
        Binding("v", "versions", "Versions"),
        Binding("o", "others", "Other sources"),
    ]

    def action_next_mark(self) -> None:
        self._reader().move(1)

    def action_previous_mark(self) -> None:
        self._reader().move(-1)

    def action_behind(self) -> None:
        self._reader().toggle_behind()

    def action_versions(self) -> None:
        self._reader().show_aside("versions")

    def action_others(self) -> None:
        self._reader().show_aside("others")

    def _reader(self) -> ReaderPanel:
        panel = next(a for a in self.ancestors if isinstance(a, ReaderPanel))
        return panel


class ReaderPanel(Panel):
    DEFAULT_CSS = """
    ReaderPanel #reader-head { height: auto; padding: 0 1; border-bottom: solid $primary 30%; }
    ReaderPanel ArticleBody { height: 1fr; padding: 0 1; }
    ReaderPanel #reader-behind { height: auto; max-height: 10; padding: 0 1;
        border-top: solid $accent; display: none; }
    ReaderPanel #reader-aside { height: auto; max-height: 12; display: none;
        border-top: solid $accent; }
    """

    def __init__(self, command: str, article_id: int, *, all_quotes: bool = False) -> None:
        super().__init__(command, title=f"READ {article_id}" + (" ALL" if all_quotes else ""))
        self.article_id = article_id
        # what was said or written; READ <id> ALL adds thoughts, beliefs and actions
        self.cue_classes = CUE_CLASSES if all_quotes else None
        self.view: ArticleView | None = None
        self.marks: list[Mark] = []
        self.current = -1
        self.aside_kind = ""
        self.head = Static(id="reader-head")
        self.text = Static(id="reader-text")
        self.behind = Static(id="reader-behind")
        self.aside: DataTable[Text] = DataTable(cursor_type="row", id="reader-aside")

    def body(self) -> ComposeResult:
        yield self.head
        with ArticleBody():
            yield self.text
        yield self.behind
        yield self.aside

    async def load(self) -> None:
        view = await self.call(self.host.svc.read, self.article_id, cue_classes=self.cue_classes)
        self.view = view
        self.marks = marks_of(view)
        self.current = min(self.current, len(self.marks) - 1)
        self._show_head()
        self._show_text()
        if self.behind.display:
            self._show_behind()

    def _show_head(self) -> None:
        assert self.view is not None
        art, ann = self.view.article, self.view.annotations
        head = plain(art.headline or "(no headline)", "bold")
        head.append("\n")
        versions = len(self.view.versions) or 1
        meta = [
            art.source_name or "unknown source",
            f"published {when(art.published_at)}",
            f"seen {when(art.first_seen_at)}",
            f"version {art.version} of {versions}",
            f"story #{art.story_id or art.id}",
        ]
        head.append_text(plain(" · ".join(meta), "dim"))
        if art.byline:
            head.append("\n")
            head.append_text(plain(art.byline, "italic"))
        extras = []
        if ann.topics:
            extras.append("topics: " + ", ".join(ann.topics))
        if self.view.others:
            n = len(self.view.others)
            extras.append(f"{n} other source{'s' if n > 1 else ''} (o)")
        if versions > 1:
            extras.append(f"{versions} versions (v)")
        counts = {k: sum(m.kind == k for m in self.marks) for k in ("person", "company", "quote")}
        extras.append(
            f"{counts['person']} people · {counts['company']} companies · {counts['quote']} quotes"
            " · ←/→ walk them, s: the sentence behind"
        )
        head.append("\n")
        head.append_text(plain(" │ ".join(extras), "dim"))
        self.head.update(head)

    def _styles(self) -> dict[str, str]:
        theme = self.app.current_theme
        return {
            "person": f"bold underline {theme.accent}",
            "company": f"bold {theme.secondary}",
            "place": "underline",
            "quote": "italic",
            "fact": f"bold {theme.success}",
        }

    def _show_text(self) -> None:
        assert self.view is not None
        body = self.view.article.body
        text = plain(body, lines=True)
        styles = self._styles()
        for m in self.marks:
            if m.kind == "quote":
                text.stylize(styles["quote"], m.start, m.end)
        for m in self.marks:
            if m.kind != "quote":
                text.stylize(styles[m.kind], m.start, m.end)
        if 0 <= self.current < len(self.marks):
            m = self.marks[self.current]
            text.stylize("reverse", m.start, m.end)
        self.text.update(text)

    def move(self, step: int) -> None:
        if not self.marks:
            return
        self.current = (self.current + step) % len(self.marks)
        self._show_text()
        if self.behind.display:
            self._show_behind()
        scroller = self.query_one(ArticleBody)
        assert self.view is not None
        share = self.marks[self.current].start / max(1, len(self.view.article.body))
        scroller.scroll_to(y=max(0, int(share * scroller.virtual_size.height) - 3), animate=False)

    def toggle_behind(self) -> None:
        if self.current < 0 and self.marks:
            self.move(1)
        self.behind.display = not self.behind.display
        self._show_behind()

    def _show_behind(self) -> None:
        if self.view is None or not (0 <= self.current < len(self.marks)):
            self.behind.update(plain("No annotation chosen: ←/→ walk the highlighted ones."))
            return
        m = self.marks[self.current]
        art = self.view.article
        text = Text()
        text.append(f"{m.kind.upper()}  ", style="bold reverse")
        text.append_text(plain(f" {m.label}", "bold"))
        text.append_text(plain(f"  ({m.detail})", "dim"))
        text.append("\nSentence: ", style="bold")
        text.append_text(plain(m.sentence))
        text.append("\nSource: ", style="bold")
        where = art.canonical_url or art.url or "stored text"
        text.append_text(
            plain(
                f"{art.source_name or 'unknown'} · {where} · characters {m.start}-{m.end}"
                f" of story {art.id} version {art.version}"
            )
        )
        self.behind.update(text)

    def show_aside(self, kind: str) -> None:
        if self.view is None:
            return
        if self.aside.display and self.aside_kind == kind:
            self.aside.display = False
            self.query_one(ArticleBody).focus()
            return
        self.aside_kind = kind
        self.aside.clear(columns=True)
        if kind == "versions":
            self.aside.add_columns("version", "saved", "headline", "content")
            for v in self.view.versions:
                self.aside.add_row(
                    Text(str(v.version)),
                    Text(when(v.saved_at)),
                    plain(v.headline or ""),
                    Text(v.content_hash[:12], style="dim"),
                    key=f"v{v.version}",
                )
            if not self.view.versions:
                self.aside.add_row(Text("1"), Text(""), plain("only one version"), Text(""))
        else:
            self.aside.add_columns("seen", "source", "headline")
            for o in self.view.others:
                self.aside.add_row(
                    Text(when(o.when)),
                    plain(o.source or ""),
                    plain(o.headline or ""),
                    key=str(o.id),
                )
            if not self.view.others:
                self.aside.add_row(Text(""), Text(""), plain("no other outlet carries this story"))
        self.aside.display = True
        self.aside.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        if self.aside_kind == "others" and key is not None and key.isdigit():
            self.host.read_story(int(key))

    def focus_main(self) -> None:
        self.query_one(ArticleBody).focus()

    def on_live(self, live: Live) -> None:
        """This story changed (a new version, its annotations): show it as it is now."""
        if any(getattr(e, "article_id", None) == self.article_id for e in live.events):
            self.reload(quiet=True)
