"""Snippets of the hits of one page: a fragment of at most ``SNIPPET_CHARS`` of the body
around the densest run of matched words, each wrapped in the highlight marks, with words as
the index's analyzer cuts them (so they are the words tantivy would highlight)."""

from __future__ import annotations

from ..analysis import _analyzers
from ..contract import HIGHLIGHT_END, HIGHLIGHT_START

__all__ = ["SNIPPET_CHARS", "snippet"]

SNIPPET_CHARS = 200


def _lead(body: str) -> str:
    if len(body) <= SNIPPET_CHARS:
        return body.strip()
    cut = body.rfind(" ", 0, SNIPPET_CHARS)
    return body[: cut if cut > 0 else SNIPPET_CHARS].strip() + " …"


def snippet(body: str, wanted: list[tuple[str, ...]]) -> str:
    """A fragment of at most ``SNIPPET_CHARS`` around the densest run of matched words, each
    wrapped in the highlight marks (words as the index's analyzer cuts them)."""
    if not wanted:
        return _lead(body)
    tokens = _analyzers()[0].pre_tokenize(body).tokens
    spans: list[tuple[int, int]] = []
    words = [t.text for t in tokens]
    for seq in wanted:
        n = len(seq)
        for i in range(len(words) - n + 1):
            if words[i] == seq[0] and tuple(words[i : i + n]) == seq:
                spans.extend(
                    (tokens[j].char_offset_from, tokens[j].char_offset_to) for j in range(i, i + n)
                )
    if not spans:
        return _lead(body)
    spans = sorted(set(spans))
    best_start, best_count = spans[0][0], 0
    right = 0
    for left, (start, _) in enumerate(spans):
        right = max(right, left)
        while right + 1 < len(spans) and spans[right + 1][1] - start <= SNIPPET_CHARS:
            right += 1
        if right - left + 1 > best_count:
            best_start, best_count = start, right - left + 1
    lo = max(0, best_start - 40)
    space = body.find(" ", lo, best_start)
    if lo > 0 and space != -1:
        lo = space + 1
    hi = min(len(body), lo + SNIPPET_CHARS)
    out: list[str] = []
    last = lo
    for start, end in spans:
        if start < last or end > hi:
            continue
        out.append(body[last:start])
        out.append(HIGHLIGHT_START + body[start:end] + HIGHLIGHT_END)
        last = end
    out.append(body[last:hi])
    return "".join(out).strip()
