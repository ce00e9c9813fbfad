"""HTML made from the service's views: an article body with its people, companies, quotes
and facts highlighted (each linked to the sentence behind it), search snippets, and a
price chart with news markers drawn as SVG on the server.

Everything from outside is escaped as it is placed, and the article HTML is passed through
nh3 (an allow-list sanitiser) before it is shown: a story's text is data, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

import nh3
from markupsafe import Markup

from ..search import HIGHLIGHT_END, HIGHLIGHT_START
from ..service import ArticleView, ChartView, Sentences
from ..textsafe import clean_text as strip_controls

__all__ = ["Highlight", "article_html", "chart_svg", "safe_url", "sanitise", "snippet_html", "text"]

_TAGS = {"p", "br", "a", "mark", "span", "em", "strong", "blockquote", "ul", "ol", "li"}
_ATTRS = {"a": {"href", "class", "id"}, "mark": {"class"}, "span": {"class"}}
_RULES: dict[str, Any] = {
    "tags": _TAGS,
    "attributes": _ATTRS,
    "url_schemes": {"http", "https"},
    "link_rel": "noopener noreferrer nofollow",
    "strip_comments": True,
}
# The allow-list built once (nh3 >= 0.2.18): nh3.clean builds it anew from the sets on every
# call, three times the work for a search snippet (20 a page).
_CLEANER = nh3.Cleaner(**_RULES) if hasattr(nh3, "Cleaner") else None


def sanitise(html: str) -> Markup:
    """HTML kept to a small allow-list (no script, style, handlers or foreign URLs)."""
    clean = _CLEANER.clean(html) if _CLEANER is not None else nh3.clean(html, **_RULES)
    return Markup(clean)


def text(value: Any) -> str:
    """Outside text for HTML: control characters removed (escaping is Jinja's)."""
    return strip_controls(str(value)) if value is not None else ""


def safe_url(value: str | None) -> str:
    """An outside link only when it is http(s); anything else (javascript:, data:) is "#"."""
    if not value:
        return "#"
    clean = value.strip()
    scheme = clean.split(":", 1)[0].lower() if ":" in clean else ""
    return clean if scheme in ("http", "https") else "#"


def snippet_html(snippet: str) -> Markup:
    """A search snippet with its matched words in <mark>."""
    out: list[str] = []
    for i, part in enumerate(snippet.split(HIGHLIGHT_START)):
        if i == 0:
            out.append(escape(text(part)))
            continue
        hit, _, rest = part.partition(HIGHLIGHT_END)
        out.append(f"<mark>{escape(text(hit))}</mark>{escape(text(rest))}")
    return sanitise("".join(out))


@dataclass(frozen=True, slots=True)
class Highlight:
    """One highlighted span: what kind, its label, and the sentence behind it."""

    number: int
    kind: str  # person, org, place, ticker, quote, fact
    label: str
    sentence: str
    start: int
    end: int
    link: str | None = None  # the person's or company's page


def _highlights(view: ArticleView) -> list[Highlight]:
    body = view.article.body
    sentences = Sentences(body)
    found: list[tuple[int, int, str, str, str, str | None]] = []
    ann = view.annotations
    for q in ann.quotes:
        who = q.speaker or "unattributed"
        found.append(
            (*q.content, "quote", f"quote: {who}", sentences.of_quote(q), _person_link(q.speaker))
        )
    for e in ann.entities:
        kind = {"PERSON": "person", "ORG": "org", "PLACE": "place"}.get(e.type, "entity")
        link = _person_link(e.name) if kind == "person" else None
        found.append((e.start, e.end, kind, e.name, sentences.around(e.start, e.end), link))
    for t in ann.tickers:
        label = f"{t.company} ({t.ticker})"
        found.append(
            (t.start, t.end, "ticker", label, sentences.around(t.start, t.end), _company(t.ticker))
        )
    for f in ann.facts:
        parts = [str(f.value), f.unit or "", f.measure or "", f.period or "", f.subject or ""]
        label = "fact: " + " ".join(p for p in parts if p)
        found.append((f.start, f.end, "fact", label, sentences.around(f.start, f.end), None))
    found = [s for s in found if 0 <= s[0] < s[1] <= len(body)]
    found.sort(key=lambda s: (s[0], -s[1]))
    return [
        Highlight(n, kind, label, sent, a, b, link)
        for n, (a, b, kind, label, sent, link) in enumerate(found, 1)
    ]


def _person_link(name: str | None) -> str | None:
    from urllib.parse import quote

    return f"/people/{quote(name, safe='')}" if name else None


def _company(ticker: str) -> str:
    from urllib.parse import quote

    return f"/companies/{quote(ticker, safe='')}"


def article_html(view: ArticleView) -> tuple[Markup, list[Highlight]]:
    """The body as paragraphs with nested highlights (spans that cross are left out), and
    the highlights shown, each linked from its span to the sentence behind it."""
    body = view.article.body
    spans = _highlights(view)
    kept: list[Highlight] = []
    stack: list[Highlight] = []
    for span in spans:  # keep spans that nest or follow; drop ones that cross
        while stack and stack[-1].end <= span.start:
            stack.pop()
        if stack and span.end > stack[-1].end:
            continue
        stack.append(span)
        kept.append(span)
    opens: dict[int, list[Highlight]] = {}
    closes: dict[int, int] = {}
    for span in kept:
        opens.setdefault(span.start, []).append(span)
        closes[span.end] = closes.get(span.end, 0) + 1
    out: list[str] = ["<p>"]
    depth = 0
    run: list[str] = []

    def flush() -> None:
        if run:
            out.append(escape(strip_controls("".join(run))))
            run.clear()

    for i, ch in enumerate(body + "\0"):
        if i in closes:
            flush()
            for _ in range(closes[i]):
                out.append("</a>")
                depth -= 1
        if i == len(body):
            break
        for span in opens.get(i, ()):
            flush()
            out.append(f'<a class="hl {span.kind}" href="#ann-{span.number}">')
            depth += 1
        if ch == "\n":
            flush()
            if depth == 0:
                out.append("</p><p>")
            else:
                out.append("<br>")
            continue
        run.append(ch)
    flush()
    out.append("</p>")
    return sanitise("".join(out).replace("<p></p>", "")), kept


# ------------------------------------------------------------------------------ the chart

_W, _H, _PAD = 760, 320, 40


def chart_svg(view: ChartView) -> Markup:
    """Adjusted closes as a line, stories as markers linking to them (SVG, no script)."""
    bars = view.bars
    if not bars:
        return Markup("")
    closes = [b.adj_close if b.adj_close is not None else b.close for b in bars]
    low, high = min(closes), max(closes)
    span = (high - low) or 1.0
    step = (_W - 2 * _PAD) / max(1, len(bars) - 1)

    def x(i: int) -> float:
        return _PAD + i * step

    def y(v: float) -> float:
        return _H - _PAD - (v - low) / span * (_H - 2 * _PAD)

    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(closes))
    days = {_day(b.date): i for i, b in enumerate(bars)}
    parts = [
        f'<svg class="chart" viewBox="0 0 {_W} {_H}" role="img" '
        f'aria-label="{escape(view.title)}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="{_PAD}" y="20" class="axis">{escape(f"{high:.2f}")}</text>',
        f'<text x="{_PAD}" y="{_H - 10}" class="axis">{escape(f"{low:.2f}")} · '
        f"{escape(_day(bars[0].date))} – {escape(_day(bars[-1].date))}</text>",
        f'<polyline class="price" fill="none" points="{points}"/>',
    ]
    for m in view.markers:
        i = days.get(_day(m.at)[:10])
        if i is None:
            continue
        label = escape(text(m.label) or "story")
        cx, cy = x(i), y(closes[i])
        dot = (
            f'<circle class="marker" cx="{cx:.1f}" cy="{cy:.1f}" r="5">'
            f"<title>{label}</title></circle>"
        )
        if m.article_id is not None:
            dot = f'<a href="/articles/{int(m.article_id)}">{dot}</a>'
        parts.append(dot)
    parts.append("</svg>")
    return Markup("".join(parts))


def _day(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]
