"""A quote's content: held to its paragraph, widened to whole quotations, trimmed, and
continued by the quotations that follow it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Token

from broadsheet.models import Quote

from .arrays import doc_arrays
from .candidates import _TRIM, _adjacent_quote, _Candidate
from .marks import QUOTE_CHARS, quote_kind

# The writer's transition opening a sentence whose words a cue after them attributes.
_CONNECTIVE = re.compile(
    r"(?:at the same time|however|meanwhile|instead|indeed|in fact|moreover|in addition"
    r"|nevertheless|nonetheless|still|yet|also|now|then)\s*,\s+",
    re.IGNORECASE,
)


def _snap_to_quotes(
    content: tuple[int, int], quotes: Sequence[tuple[int, int]], starts: Sequence[int]
) -> tuple[int, int]:
    """Widen content to the whole quotations it reaches into.

    A content strictly inside a longer quotation (someone quoted within a quotation) is
    left alone; one that touches a quotation's edge or covers most of it takes it whole.
    """
    start, end = content
    i = max(bisect.bisect_left(starts, start) - 1, 0)
    while i < len(quotes) and quotes[i][0] < end:
        q_start, q_end = quotes[i]
        i += 1
        if q_end <= start:
            continue
        inside = q_start < start and end < q_end
        near_edge = start - q_start <= 2 or q_end - end <= 3
        if inside and not near_edge and (end - start) * 2 < q_end - q_start:
            continue
        start = min(start, q_start)
        end = max(end, q_end)
    return start, end


_NEWLINE = re.compile("\n")


def _paragraph_bounds(text: str) -> list[int]:
    """Sorted offsets of every line break (paragraph boundaries)."""
    return [found.start() for found in _NEWLINE.finditer(text)]


def _clip(span: tuple[int, int], anchor: int, breaks: Sequence[int]) -> tuple[int, int]:
    """The part of span inside the paragraph holding offset ``anchor``."""
    i = bisect.bisect_right(breaks, anchor)
    lo = breaks[i - 1] + 1 if i > 0 else 0
    hi = breaks[i] if i < len(breaks) else span[1]
    return max(span[0], lo), min(span[1], hi)


def _continuations(
    text: str,
    out: list[tuple[_Candidate, Quote]],
    quotes: Sequence[tuple[int, int]],
) -> list[tuple[_Candidate, Quote]]:
    """Quotations nobody is said to say, following a quote in the same paragraph (or
    opening the next one): the same speaker goes on talking.

    The quote it continues within its paragraph grows to take it in (“A,” she said. “B.”
    is one attribution, A through B). The continuation is also a quote of its own when
    that quote came in mid-sentence, after the writer's words (The Chinese “can't stand
    ...,” he said. “But ...”): there A..B is mostly framing, and B is what a reader looks
    for. A continuation in a later paragraph is always its own quote."""
    taken = sorted(q.content for _, q in out if not _inside_quotation(q.content, quotes))
    extra: list[tuple[_Candidate, Quote]] = []
    order = sorted(range(len(out)), key=lambda k: out[k][1].content[1])
    ends = [out[k][1].content[1] for k in order]
    grown: dict[int, int] = {}
    for q_start, q_end in quotes:
        if any(s < q_end and q_start < e for s, e in taken):
            continue
        i = bisect.bisect_right(ends, q_start) - 1
        # “A,” she said, adding that ... “B.”: the speaker's gloss between the quotations
        # is a quote of its own (no quotation in it); B continues A
        k = next(
            (
                order[j]
                for j in range(i, max(i - 3, -1), -1)
                if out[order[j]][1].source is not None
                and _holds_quotation(out[order[j]][1].content, quotes)
            ),
            -1,
        )
        if k < 0:
            continue
        cand, prev = out[k]
        gap = text[grown.get(k, prev.content[1]) : q_start]
        if (
            gap.count("\n") > 2
            or len(gap) > 400
            or (gap.count("\n") and not _is_quote_paragraph(text, q_start))
        ):
            continue
        if any(q in gap for q in '"“”«»') or "''" in gap:
            continue
        if "\n" not in text[prev.content[0] : q_end]:
            grown[k] = q_end  # the quote it continues takes it in as well
        if k in grown and not _opens_mid_sentence(text, prev.content[0], quotes):
            continue  # “A,” she said. “B.” is one quote, A through B
        extra.append(
            (
                _Candidate((q_start, q_end), cand.source, cand.cue, "continued", cand.lemma),
                replace(prev, content=(q_start, q_end), kind="direct"),
            )
        )
    for k, end in grown.items():
        cand, prev = out[k]
        content = (prev.content[0], end)
        out[k] = (cand, replace(prev, content=content, kind=quote_kind(text[content[0] : end])))
    return extra


def _opens_mid_sentence(text: str, start: int, quotes: Sequence[tuple[int, int]]) -> bool:
    """Whether the first quotation at or after ``start`` follows the writer's own words in
    its sentence ("The Chinese “can't stand ...”") rather than opening it."""
    i = bisect.bisect_left(quotes, (start, start))
    if i >= len(quotes):
        return False
    q_start = quotes[i][0]
    line = text.rfind("\n", 0, q_start) + 1
    lead = text[line:q_start]
    for stop in (". ", "? ", "! "):
        cut = lead.rfind(stop)
        if cut >= 0:
            lead = lead[cut + 2 :]
    return any(ch.isalnum() for ch in lead)


def _holds_quotation(span: tuple[int, int], quotes: Sequence[tuple[int, int]]) -> bool:
    """Whether span takes in a whole quotation (any marks: ``“…”``, ``"…"``, ``''…''``)."""
    i = bisect.bisect_left(quotes, (span[0], span[0]))
    return i < len(quotes) and quotes[i][1] <= span[1]


def _inside_quotation(span: tuple[int, int], quotes: Sequence[tuple[int, int]]) -> bool:
    """Whether span is a small part inside a quotation (words quoted within it)."""
    for q_start, q_end in quotes:
        if q_start < span[0] and span[1] < q_end and (span[1] - span[0]) * 2 < q_end - q_start:
            return True
    return False


def _is_quote_paragraph(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    return text[line_start:pos].strip() == ""


def _content(
    text: str,
    cand: _Candidate,
    quotes: Sequence[tuple[int, int]],
    starts: Sequence[int],
    breaks: Sequence[int],
) -> tuple[int, int] | None:
    """The candidate's content held to its paragraph and widened to whole quotations."""
    anchor = cand.cue[0] if cand.cue is not None else cand.content[0]
    content = cand.content
    if cand.pattern == "xcomp" and cand.source is None and cand.verb is not None:
        content = _with_passive_subject(cand.verb, content)
    if cand.pattern != "bare-quote":
        content = _clip(content, anchor, breaks)
        if content[1] - content[0] < 2 and cand.verb is not None and cand.source is not None:
            # the parse ran the sentence across paragraphs: trust the quotation marks
            content = _adjacent_quote(text, cand.verb, cand.source, quotes) or content
        if content[1] - content[0] < 2:
            return None
        content = _snap_to_quotes(content, quotes, starts)
    content = _strip(text, content)
    inside = cand.source is not None and content[0] <= cand.source.idx < content[1]
    if inside and not cand.pattern.startswith("split") and cand.pattern != "relative":
        return None  # the speaker is inside the words: a quotation within the quote
    if cand.cue is not None and content[1] <= cand.cue[0]:
        content = _drop_lead_in(text, content)
        connective = _CONNECTIVE.match(text, content[0], content[1])
        if connective is not None:  # "At the same time, party ties ..., said X"
            content = (connective.end(), content[1])
    if content[1] - content[0] < 2:
        return None
    return content


def _with_passive_subject(verb: Token, content: tuple[int, int]) -> tuple[int, int]:
    """ "The French president is expected to run again": an agentless passive cue's
    infinitive reports something said of its subject, and PolNeAR's content starts at that
    subject, cue inside, not at "to run" (in 630 train documents, 23 such candidates match
    the gold only so widened, 1 only without)."""
    a = doc_arrays(verb.doc)
    v = verb.i
    for c in a.children(v):
        if a.dep[c] == "nsubjpass" and c < v:
            return min(content[0], a.idx[a.left[c]]), content[1]
    return content


def _drop_lead_in(text: str, content: tuple[int, int]) -> tuple[int, int]:
    """“The Chinese “can't stand ...,” he said": a short lead-in before a quotation that
    runs to the end of the content is the writer's, not the speaker's (unless it is a
    possessive that the quotation continues: "The department's “objectives are ...”")."""
    start, end = content
    if text[start] in QUOTE_CHARS:
        return content
    mark = next((i for i in range(start, min(end, start + 40)) if text[i] in '"“«'), -1)
    if mark < 0 or text[end - 1] not in QUOTE_CHARS:
        return content
    lead = text[start:mark].strip()
    if len(lead.split()) > 3 or lead.endswith(("'s", "’s")):
        return content
    if any(q in text[mark + 1 : end - 1] for q in '"“”'):
        return content  # more than one quotation: keep the writer's words between them
    return mark, end


def _strip(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


_SIGN_DASHES = ("―", "—", "–", "--")
_SIGN_MAX_WORDS = 6


def _signed(text: str, quotes: Sequence[tuple[int, int]]) -> list[tuple[tuple[int, int], ...]]:
    """Quotations signed like an epigraph: a paragraph that is one quotation, then a dash
    and a name to the end of the line ("“He scares me.” ― Esther Tapia"). Each as
    (content, source, cue) spans."""
    out: list[tuple[tuple[int, int], ...]] = []
    for q_start, q_end in quotes:
        line_start = text.rfind("\n", 0, q_start) + 1
        if text[line_start:q_start].strip():
            continue  # the quotation does not open its paragraph
        line_end = text.find("\n", q_end)
        line_end = len(text) if line_end < 0 else line_end
        rest = text[q_end:line_end]
        body = rest.lstrip()
        dash = next((d for d in _SIGN_DASHES if body.startswith(d)), None)
        if dash is None:
            continue
        cue_start = q_end + len(rest) - len(body)
        name = body[len(dash) :]
        name_start = cue_start + len(dash) + len(name) - len(name.lstrip())
        name = name.strip()
        cut = min((i for i in (name.find(","), name.find("(")) if i >= 0), default=len(name))
        name = name[:cut].rstrip(" .")
        words = name.split()
        if not 0 < len(words) <= _SIGN_MAX_WORDS or not words[0][:1].isupper():
            continue
        out.append(
            (
                (q_start, q_end),
                (name_start, name_start + len(name)),
                (cue_start, cue_start + len(dash)),
            )
        )
    return out
