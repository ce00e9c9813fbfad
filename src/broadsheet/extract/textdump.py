"""Article extraction from plain-text page dumps.

A text dump is what a browser shows of a page with the tags taken away: menus, phone
lists, share buttons, cookie and browser notices and related-story lists sit beside the
article as plain lines. :func:`extract_textdump` splits the dump into lines, scores every
line with a two-stage logistic model over general features (length, sentence punctuation,
stopwords, capitals, digits, links run together, position against the densest run of prose
and against the headline anchor; then the neighbours' scores near and 30 lines away),
keeps the article's lines as one region (the cluster below the headline weighs more; holes
inside it are filled), and reads the headline, byline, date, the lead image's title,
caption and credit, and the section headings around them.

The weights are data (``textdump_data/weights.json``), fitted by
``benchmarks/train_textdump.py``; nothing is downloaded or fitted at run time.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt

from broadsheet.budget import Budget
from broadsheet.errors import ExtractionError
from broadsheet.extract.textdump_features import (
    CONTEXT_NAMES,
    CREDIT,
    DATE_RE,
    FEATURE_NAMES,
    SENTENCE_END,
    URLISH,
    WORD,
    Line,
    consent_words,
    context_features,
    headline_anchor,
    is_prose,
    line_features,
    split_lines,
    titlecase_ratio,
)
from broadsheet.models import Article, Image, Paragraph, ParagraphKind

__all__ = ["TextdumpModel", "extract_textdump", "load_model", "read_article", "score_lines"]

MAX_CHARS = 5_000_000  # larger dumps are cut: no page has a longer article
MAX_LINES = 50_000  # and so are dumps of more lines (a page shows a few thousand at most)


@dataclass(frozen=True, slots=True)
class _Stage:
    weights: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def predict(self, rows: Sequence[Sequence[float]] | npt.NDArray[np.float64]) -> list[float]:
        if len(rows) == 0:
            return []
        x = (np.asarray(rows, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        z = np.clip(x @ np.asarray(self.weights[1:]) + self.weights[0], -40.0, 40.0)
        return [float(v) for v in 1.0 / (1.0 + np.exp(-z))]


@dataclass(frozen=True, slots=True)
class TextdumpModel:
    """The fitted two-stage line classifier and its decision threshold."""

    stage1: _Stage
    stage2: _Stage
    threshold: float
    gap: int = 0  # kept lines split by this many doubtful lines in a row form two clusters
    gap_p: float = 0.0  # a line scoring below this is doubtful (kept only if >= threshold)
    extend_p: float = 1.0  # prose just below the story is kept down to this score...
    extend_gap: int = 0  # ...across at most this many skipped lines in a row
    anchor_boost: float = 0.0  # a cluster starting just below the headline weighs 1 + this
    fill_gap: int = 0  # holes of at most this many lines inside the story are filled...
    fill_p: float = 1.0  # ...with their lines scoring at least this (not furniture)
    anchor_p: float = 1.0  # prose right below the headline anchor is kept down to this score


def _stage(data: dict[str, object], names: Sequence[str]) -> _Stage:
    if list(data["names"]) != list(names):  # type: ignore[call-overload]
        raise ExtractionError("text-dump weights do not match the feature set; refit them")
    return _Stage(
        tuple(float(x) for x in data["weights"]),  # type: ignore[attr-defined]
        tuple(float(x) for x in data["mean"]),  # type: ignore[attr-defined]
        tuple(float(x) for x in data["scale"]),  # type: ignore[attr-defined]
    )


@lru_cache(maxsize=1)
def load_model() -> TextdumpModel:
    """Load the committed weights (``textdump_data/weights.json``)."""
    path = resources.files("broadsheet.extract").joinpath("textdump_data/weights.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return TextdumpModel(
        _stage(data["stage1"], FEATURE_NAMES),
        _stage(data["stage2"], CONTEXT_NAMES),
        float(data["threshold"]),
        int(data.get("gap", 0)),
        float(data.get("gap_p", 0.0)),
        float(data.get("extend_p", 1.0)),
        int(data.get("extend_gap", 0)),
        float(data.get("anchor_boost", 0.0)),
        int(data.get("fill_gap", 0)),
        float(data.get("fill_p", 1.0)),
        float(data.get("anchor_p", 1.0)),
    )


def score_lines(lines: Sequence[Line], model: TextdumpModel | None = None) -> list[float]:
    """Probability that each line belongs to the article body."""
    if not lines:
        return []
    model = model or load_model()
    feats = line_features(lines)
    p1 = model.stage1.predict(feats)
    return model.stage2.predict(context_features(lines, p1, feats))


# --------------------------------------------------------------------------- reading

_BYLINE = re.compile(
    r"^(?:By|Von|Par|Por|Di|Door|Av|Written by|Posted by|Reporting by)\s+(.{2,80})$",
    re.IGNORECASE,
)
_DASHED_BYLINE = re.compile(r"^([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})\s+[-–—|]\s+.*\d")
_NAME_LINE = re.compile(r"^[A-Z][a-z'’.-]+(?: [A-Z]\.?)?(?: [A-Z][a-z'’-]+){1,2}$")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}


def _parse_date(text: str) -> datetime | None:
    m = DATE_RE.search(text)
    if not m:
        return None
    s = m.group(0)
    try:
        iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s)
        if iso:
            return datetime(int(iso[1]), int(iso[2]), int(iso[3]))
        if "/" in s:
            return None  # day/month order is ambiguous
        parts = re.findall(r"[A-Za-z]+|\d+", s)
        month = next((_MONTHS[p[:3].lower()] for p in parts if p[:3].lower() in _MONTHS), None)
        nums = [int(p) for p in parts if p.isdigit()]
        if month is None or len(nums) < 2:
            return None
        day, year = (nums[0], nums[-1]) if nums[-1] > 31 else (nums[-1], nums[0])
        return datetime(year, month, day)
    except ValueError:
        return None


def _is_credit(line: Line) -> bool:
    return line.n <= 60 and line.credit


def _split_credit(text: str) -> tuple[str | None, str | None]:
    m = CREDIT.search(text)
    if not m:
        return text, None
    start = m.start()
    # "… Smith/Getty Images": the credit begins at the name before the slash
    slash = text.rfind(" ", 0, start)
    if start > 0 and text[start - 1] == "/" and slash >= 0:
        start = slash + 1
    caption = text[:start].strip(" -–—|()") or None
    credit = text[start:].strip(" ()") or None
    if caption and len(WORD.findall(caption)) < 6 and not SENTENCE_END.search(caption):
        # "Jane Roe | Bloomberg | Getty Images": names and agencies, all of it credit
        return None, text.strip(" ()")
    return caption, credit


def _url_words(url: str | None) -> set[str]:
    if not url:
        return set()
    path = urlsplit(url).path
    return {w.lower() for w in WORD.findall(path.replace("_", " ")) if not w.isdigit()}


def _headline_score(line: Line, distance: int, slug: set[str]) -> float:
    if line.n < 3 or line.n > 30 or line.bullet:
        return -1.0
    if (line.boiler and line.n < 6) or _BYLINE.match(line.text):
        return -1.0
    if _NAME_LINE.match(line.text):
        return 0.05
    if DATE_RE.search(line.text) or _is_credit(line):
        return -1.0
    score = 1.0 - 0.03 * distance + min(line.n, 14) / 14.0
    if SENTENCE_END.search(line.text) and not line.text.endswith(("?", "!")):
        score -= 0.6
    if slug:
        words = {w.lower() for w in line.words}
        score += 2.0 * len(words & slug) / max(len(words), 1)
    return score


_COMMENTS_MARKER = re.compile(
    r"^(?:\[?\s*(?:\d+\s*)?(?:top rated |reader |show |view )?comments?\s*(?:\(\d+\))?\]?|"
    r"leave a (?:comment|reply)|post a comment|join the discussion|about the author|"
    r"you (?:may|might) also like)\s*:?$",
    re.IGNORECASE,
)
_RELATED_MARKER = re.compile(
    r"^(?:related(?: stories| articles| posts| news| content)?|tags?|"
    r"(?:more|other) (?:stories|news|articles)(?: from \w+)?|recommended(?: for you| stories)?|"
    r"more (?:from|in|on) \w+(?: \w+){0,4}|"
    r"read next|share this(?: article| story)?)\s*:?$",
    re.IGNORECASE,
)


def _cut_at_end_marker(kept: Sequence[int], lines: Sequence[Line], first: int) -> list[int]:
    """End the story at a "Related" line when less kept prose lies below it than above it,
    or at a "Comments" line with a good deal of prose above it."""
    if not kept:
        return []
    # kept prose words at or below each line, for the "less prose below" test
    below = [0] * (kept[-1] + 2)
    kept_set = set(kept)
    for i in range(kept[-1], -1, -1):
        own = lines[i].n if i in kept_set and lines[i].prose else 0
        below[i] = below[i + 1] + own
    before = 0
    for i in range(first, kept[-1] + 1):
        line = lines[i]
        if line.prose:
            before += line.n
            continue
        if before == 0 or line.n > 5:
            continue
        comments = bool(_COMMENTS_MARKER.match(line.text))
        if comments or _RELATED_MARKER.match(line.text):
            after = below[i + 1]
            # comment threads can outgrow the story; share bars above it have little prose
            if after < before or (comments and before >= 100):
                return [k for k in kept if k < i]
            if not comments and _teaser_list(lines, [k for k in kept if k > i]):
                return [k for k in kept if k < i]
    return list(kept)


def _teaser_title(line: Line) -> bool:
    """A teaser's headline: 4-20 words, not a sentence, not a list item."""
    return (
        4 <= line.n <= 20 and not line.prose and not line.bullet and not _ends_statement(line.text)
    )


def _teaser_list(lines: Sequence[Line], below: Sequence[int]) -> bool:
    """Kept lines below a "Related" line that read as a list of teasers: most of their
    prose lines are short summaries right under a title-like line (a story's sections
    run to more than one paragraph each)."""
    prose = [i for i in below if lines[i].prose]
    if len(prose) < 2:
        return False
    teasers = sum(1 for i in prose if lines[i].n <= 50 and i > 0 and _teaser_title(lines[i - 1]))
    return teasers * 3 >= len(prose) * 2


def _opens_story(line: Line) -> bool:
    """A line that can be the story's first paragraph: prose, not a list item or credit."""
    return is_prose(line) and not line.bullet and not _is_credit(line)


_CLOSERS = "\"'”’»)]"


def _ends_statement(text: str) -> bool:
    """Ends with . : ; , … or ) and then only closing quotes and brackets. (The pattern
    ``[.:;,…)][closers]*$`` read a run of ")" once from each of its positions.)"""
    text = text.removesuffix("\n")
    body = text.rstrip(_CLOSERS)
    return (bool(body) and body[-1] in ".:;,…)") or ")" in text[len(body) :]


def _is_byline_or_date(line: Line) -> bool:
    text = line.text
    if text.lower() in ("by", "von", "par", "por"):
        return True
    return bool(_BYLINE.match(text)) or (line.n <= 10 and bool(DATE_RE.search(text)))


def _title_like(line: Line) -> bool:
    text = line.text
    return (
        5 <= line.n <= 30
        and not line.bullet
        and not _ends_statement(text)
        and not _is_credit(line)
        and not URLISH.search(text)
        and titlecase_ratio(line.words) >= 0.5
    )


def _find_headline(lines: Sequence[Line], start: int, taken: set[int], url: str | None) -> int:
    slug = _url_words(url)
    best, best_score = -1, 0.0
    for dist, i in enumerate(range(start - 1, max(-1, start - 26), -1)):
        if i in taken:
            continue
        s = _headline_score(lines[i], dist, slug)
        if s > best_score:
            best, best_score = i, s
        if s > 0 and not slug and dist < 25:
            # the nearest title-like line wins unless a URL slug says otherwise
            return i
    return best


def _find_image(lines: Sequence[Line], lo: int, hi: int) -> tuple[Image | None, set[int]]:
    """The first captioned image between lines ``lo`` and ``hi`` and the lines it used."""
    for i in range(max(lo, 0), min(hi, len(lines))):
        line = lines[i]
        if not _is_credit(line):
            continue
        used = {i}
        caption, credit = _split_credit(line.text)
        title = None
        prev = i - 1
        if caption is None and prev >= lo and lines[prev].block == line.block:
            caption = lines[prev].text
            used.add(prev)
            prev -= 1
        if (
            prev >= lo
            and lines[prev].block == line.block
            and lines[prev].n <= 14
            and not SENTENCE_END.search(lines[prev].text)
        ):
            title = lines[prev].text
            used.add(prev)
        return Image(title=title, caption=caption, credit=credit), used
    return None, set()


def _main_cluster(
    kept: Sequence[int],
    lines: Sequence[Line],
    probs: Sequence[float],
    gap: int,
    gap_p: float,
    anchor: int = -1,
    boost: float = 0.0,
) -> list[int]:
    """The kept lines of the heaviest cluster.

    Clusters are split where ``gap`` lines in a row score below ``gap_p`` (a bar at or above
    the keep threshold, so doubtful lines separate as well as dropped ones do). A cluster
    that starts within 20 lines below the headline ``anchor`` weighs ``1 + boost`` times
    its score mass: a short story there beats a longer list of teasers further down.
    """
    if gap <= 0 or not kept:
        return list(kept)
    clusters: list[list[int]] = [[]]
    keep = set(kept)
    run = 0
    for i in range(kept[0], kept[-1] + 1):
        if i in keep:
            if run >= gap and clusters[-1]:
                clusters.append([])
            clusters[-1].append(i)
        run = run + 1 if probs[i] < gap_p else 0

    def weight(c: list[int]) -> float:
        mass = sum(probs[i] * lines[i].n for i in c)
        return mass * (1.0 + boost) if c and anchor >= 0 and 0 < c[0] - anchor <= 20 else mass

    return max(clusters, key=weight)


_NOTICE = re.compile(
    r"\b(?:cookies?|browsers?|javascript|newsletters?|subscri\w*|sign(?:ed)?[ -]?(?:up|in)|"
    r"log[ -]?in|rights reserved|copyright|advertis\w*|out[ -]of[ -]date)\b|©",
    re.IGNORECASE,
)


def _furniture(line: Line) -> bool:
    """A line of page furniture: a short one naming it, or a notice of any length."""
    if not line.boiler:
        return False
    if line.n >= 40:  # a long consent notice: cookies, partners, privacy, settings...
        return consent_words(line.text.lower()) >= 3
    return line.n <= 12 or bool(_NOTICE.search(line.text))


def _below_anchor(
    kept: Sequence[int], lines: Sequence[Line], probs: Sequence[float], anchor: int, low: float
) -> list[int]:
    """Add the run of prose right below the headline anchor, down to score ``low``.

    A short story scores lower than a long list of teasers or a sidebar; the run that starts
    within 8 lines below the headline (after the byline and date) is the story all the same.
    The run ends after 3 lines in a row that are not such prose.
    """
    if anchor < 0 or low >= 1.0:
        return list(kept)
    add: list[int] = []
    skipped = 0
    for j in range(anchor + 1, min(len(lines), anchor + 400)):
        line = lines[j]
        if line.prose and probs[j] >= low and not _furniture(line) and not _is_credit(line):
            add.append(j)
            skipped = 0
            continue
        skipped += 1
        if (add and skipped > 2) or (not add and j - anchor > 8):
            break
    return sorted(set(kept).union(add))


def _extend_story(
    kept: Sequence[int], lines: Sequence[Line], probs: Sequence[float], low: float, gap: int
) -> list[int]:
    """Continue the story below its last kept line while prose keeps coming.

    Embedded posts and pictures break a story into pieces, and the pieces after the break
    score lower; prose lines scoring at least ``low`` join the story until ``gap`` lines in
    a row have been passed over, or a line of page furniture is met.
    """
    if not kept or gap <= 0:
        return list(kept)
    out = list(kept)
    skipped = 0
    for i in range(kept[-1] + 1, len(lines)):
        line = lines[i]
        if line.boiler and line.n <= 12:
            break
        if line.prose and probs[i] >= low and not _is_credit(line):
            out.append(i)
            skipped = 0
        else:
            skipped += 1
            if skipped > gap:
                break
    return out


def _fill_holes(
    kept: Sequence[int], lines: Sequence[Line], probs: Sequence[float], gap: int, low: float
) -> list[int]:
    """Keep the headings, list items and short lines that sit between two kept lines.

    A story is one region: a hole of at most ``gap`` lines inside it is story too, except
    lines scoring below ``low``, page furniture and photo credits.
    """
    if gap <= 0 or len(kept) < 2:
        return list(kept)
    out = [kept[0]]
    for a, b in itertools.pairwise(kept):
        if 1 < b - a <= gap + 1:
            out.extend(
                i
                for i in range(a + 1, b)
                if probs[i] >= low
                and lines[i].n > 0
                and not (lines[i].boiler and lines[i].n <= 12)
                and not _furniture(lines[i])
                and not _is_credit(lines[i])
            )
        out.append(b)
    return out


def _trim_tail(kept: Sequence[int], lines: Sequence[Line]) -> list[int]:
    """Drop page furniture that trails the article: notices, pitches and what follows them.

    An article ends with prose; a short line below its last paragraph that speaks of
    browsers, sharing, newsletters and the like starts the page's furniture, and so do the
    few short lines after it (a pitch's one-sentence blurb, a browser list).
    """
    kept = list(kept)
    # a short notice among the last few lines (kept, or passed over just above a kept
    # line), with only short lines from there on
    for k in range(max(1, len(kept) - 4), len(kept)):
        line = lines[kept[k]]
        notice = line.boiler and line.n <= 12
        passed = any(_furniture(lines[j]) for j in range(kept[k - 1] + 1, kept[k]))
        if (notice and all(lines[j].n < 30 for j in kept[k + 1 :])) or (
            passed and all(lines[j].n < 30 for j in kept[k:])
        ):
            kept = kept[:k]
            break
    end = len(kept)
    while end > 1:
        line = lines[kept[end - 1]]
        if _furniture(line) or not is_prose(line):
            end -= 1
            continue
        break
    if any(_furniture(lines[i]) for i in kept[end:]):
        return kept[:end]
    return kept


def _trim_head(kept: Sequence[int], lines: Sequence[Line]) -> list[int]:
    """Drop notices (cookies, browsers, sign-in) kept above the article's first paragraph."""
    start = 0
    while start < len(kept) - 1:
        line = lines[kept[start]]
        if _furniture(line) or not is_prose(line):
            start += 1
            continue
        break
    if any(_furniture(lines[i]) for i in kept[:start]):
        return list(kept[start:])
    return list(kept)


def _pull_captions(body: Sequence[int], lines: Sequence[Line]) -> tuple[list[int], list[Image]]:
    """Take photo credits (and the caption line right above each) out of the body."""
    drop: set[int] = set()
    images: list[Image] = []
    for pos, i in enumerate(body):
        line = lines[i]
        if line.n > 40 or not _is_credit(line):
            continue
        caption, credit = _split_credit(line.text)
        drop.add(i)
        prev = body[pos - 1] if pos > 0 else -1
        if caption is None and prev == i - 1 and prev not in drop and lines[prev].n <= 60:
            caption = lines[prev].text
            drop.add(prev)
        images.append(Image(caption=caption, credit=credit))
    if len(drop) >= len(body):
        return list(body), []
    return [i for i in body if i not in drop], images


def _kind(lines: Sequence[Line], i: int, kept: Sequence[int], pos: int) -> ParagraphKind:
    line = lines[i]
    if line.bullet:
        return "list"
    if is_prose(line) or line.n > 15 or line.n == 0:
        return "p"
    if re.search(r"[.,;]$", line.text):
        return "p"
    nxt = kept[pos + 1] if pos + 1 < len(kept) else None
    prv = kept[pos - 1] if pos > 0 else None
    if nxt is not None and is_prose(lines[nxt]) and prv is not None and is_prose(lines[prv]):
        return "heading"
    return "p"


def extract_textdump(
    text: str, *, url: str | None = None, model: TextdumpModel | None = None
) -> Article:
    """Read the article out of a visible-text page dump.

    ``model`` defaults to the committed weights. Raises :class:`ExtractionError` when the
    dump holds no article text at all.
    """
    if not isinstance(text, str):
        raise ExtractionError("a text dump must be str")
    text = text[:MAX_CHARS]
    if text.count("\n", 0, MAX_CHARS) >= MAX_LINES:  # cut after MAX_LINES lines
        text = "\n".join(text.split("\n", MAX_LINES)[:MAX_LINES])
    budget = Budget.for_size(len(text), what=url or "text dump", error=ExtractionError)
    lines = split_lines(text)
    if not lines:
        raise ExtractionError("the text dump is empty")
    model = model or load_model()
    budget.check("splitting lines")
    probs = score_lines(lines, model)
    budget.check("scoring lines")
    return read_article(lines, probs, model, url=url)


def read_article(
    lines: Sequence[Line], probs: Sequence[float], model: TextdumpModel, *, url: str | None
) -> Article:
    """Build the article from scored lines (the second half of :func:`extract_textdump`)."""
    kept = [i for i, p in enumerate(probs) if p >= model.threshold and lines[i].n > 0]
    if not kept:
        best = max(range(len(lines)), key=lambda i: probs[i])
        if lines[best].n == 0:
            raise ExtractionError("no article text found in the dump")
        kept = [best]
    anchor = headline_anchor(lines) if model.anchor_boost > 0 or model.anchor_p < 1 else -1
    kept = _below_anchor(kept, lines, probs, anchor, model.anchor_p)
    kept = _main_cluster(kept, lines, probs, model.gap, model.gap_p, anchor, model.anchor_boost)
    kept = _extend_story(kept, lines, probs, model.extend_p, model.extend_gap)
    kept = _fill_holes(kept, lines, probs, model.fill_gap, model.fill_p)
    kept = _trim_head(_trim_tail(kept, lines), lines)
    first = next(
        (i for i in kept if _opens_story(lines[i])),
        next((i for i in kept if is_prose(lines[i])), kept[0]),
    )
    head = -1
    if _title_like(lines[first]) and len(kept) > 1:
        # a long headline reads as prose; it has no full stop and the story follows it
        head = first
        kept = [i for i in kept if i != first]
        first = next((i for i in kept if i > head and is_prose(lines[i])), kept[0])
    dek = -1
    following = next((i for i in kept if i > first and is_prose(lines[i])), -1)
    if 0 < following - first <= 5 and any(
        _is_byline_or_date(lines[i]) for i in range(first + 1, following)
    ):
        # a standfirst: one prose line above the byline or the date, the story below them
        dek, first = first, following
        kept = [i for i in kept if i != dek]
    kept = _cut_at_end_marker(kept, lines, first)
    # the lead image sits between the headline and the first paragraph
    image, image_lines = _find_image(lines, max(head + 1, first - 12), first + 1)
    if head < 0:
        head = _find_headline(lines, dek if dek >= 0 else first, image_lines, url)
    taken = set(image_lines)
    if head >= 0:
        taken.add(head)
    byline: str | None = None
    published = None
    lo = head + 1 if head >= 0 else max(0, first - 6)
    for i in range(lo, first):
        if i in taken:
            continue
        t = lines[i].text
        if byline is None and (m := _BYLINE.match(t)):
            byline = re.split(r"\s+[-–—|,]\s+|\s{2,}", m.group(1))[0].strip()
        elif byline is None and (m := _DASHED_BYLINE.match(t)) and DATE_RE.search(t):
            byline = m.group(1)
        elif byline is None and _NAME_LINE.match(t) and not lines[i].boiler:
            byline = t
        if published is None and DATE_RE.search(t):
            published = _parse_date(t)
    body_idx = [
        i
        for i in kept
        if i not in taken
        and i > head
        and not (i < first and _is_byline_or_date(lines[i]))  # header lines above the story
    ]
    body_idx, more_images = _pull_captions(body_idx, lines)
    paragraphs = tuple(
        Paragraph(lines[i].text, _kind(lines, i, body_idx, pos)) for pos, i in enumerate(body_idx)
    )
    if not paragraphs:
        raise ExtractionError("no article text found in the dump")
    return Article(
        paragraphs=paragraphs,
        headline=lines[head].text if head >= 0 else None,
        byline=byline,
        published_at=published,
        url=url,
        images=((image,) if image else ()) + tuple(more_images),
        description=lines[dek].text if dek >= 0 else None,
    )
