"""What several mention-finding steps share: the tokens under a span, a span contained in a
longer one dropped, an organisation keyword among words, a known place, a line's start."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .spans import _is_cap, _normalise_space, _Page, _Span


class _Steps(_Page):
    """The helpers the mention-finding steps (``people``, ``orgs``, ``mentions``) call."""

    def _known_place(self, sp: _Span) -> bool:
        low = _normalise_space(self.text[sp.start : sp.end]).lower()
        return low in self.rules.places or low in self.rules.place_aliases

    def _line_start(self, pos: int) -> bool:
        line = self.text.rfind("\n", 0, pos)
        return not self.text[line + 1 : pos].strip()

    def _has_keyword(self, words: Sequence[str], keywords: frozenset[str]) -> bool:
        return any(_is_cap(w) and w.lower().strip(",") in keywords for w in words)

    def _tokens_between(self, start: int, end: int) -> Any:
        return self.doc.char_span(start, end, alignment_mode="expand")

    def _absorb(self, spans: list[_Span]) -> list[_Span]:
        """Drop spans contained in a longer one (the longer wins)."""
        spans.sort(key=lambda s: (s.start, -(s.end - s.start)))
        out: list[_Span] = []
        for sp in spans:
            if out and sp.start < out[-1].end:
                if sp.end <= out[-1].end:
                    continue  # inside the previous
                if (sp.end - sp.start) > (out[-1].end - out[-1].start):
                    out[-1] = sp
                continue
            out.append(sp)
        return out
