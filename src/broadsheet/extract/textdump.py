"""Article extraction from plain-text page dumps.

A text dump is what a browser shows of a page with the tags taken away: menus, phone
lists, share buttons, cookie and browser notices and related-story lists sit beside the
article as plain lines. :func:`extract_textdump` splits the dump into lines, scores every
line with a two-stage model over general features (length, sentence punctuation,
stopwords, capitals, digits, links run together, position against the densest run of prose
and against the headline anchor; then the neighbours' scores near and 30 lines away); each
stage is gradient-boosted trees (or, in older weights, a logistic regression),
keeps the article's lines as one region (the cluster below the headline weighs more; holes
inside it are filled), and reads the headline, byline, date, the lead image's title,
caption and credit, and the section headings around them.

The weights are data (``textdump_data/weights.json``), fitted by
``benchmarks/train_textdump.py``; nothing is downloaded or fitted at run time. The region
rules live in :mod:`textdump_region`, the header and caption reading in
:mod:`textdump_header`, the line features in :mod:`textdump_features`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from broadsheet.budget import Budget
from broadsheet.errors import ExtractionError
from broadsheet.extract.textdump_end import (
    cut_at_end_marker,
)
from broadsheet.extract.textdump_features import (
    DATE_RE,
    Line,
    headline_anchor,
    is_prose,
    split_lines,
)
from broadsheet.extract.textdump_header import (
    BYLINE,
    DASHED_BYLINE,
    NAME_LINE,
    find_headline,
    find_image,
    is_byline_or_date,
    opens_story,
    paragraph_kind,
    parse_date,
    pull_captions,
    title_like,
)
from broadsheet.extract.textdump_lexicon import LEXICAL_NAME, Lexicon
from broadsheet.extract.textdump_region import (
    below_anchor,
    drop_repeated,
    drop_stray_fragments,
    extend_story,
    fill_holes,
    main_cluster,
    trim_head,
    trim_tail,
)
from broadsheet.extract.textdump_sections import continue_sections
from broadsheet.extract.textdump_seq import SequenceStage, StageMean, load_stage
from broadsheet.extract.textdump_teasers import drop_teaser_blocks
from broadsheet.extract.textdump_vectors import (
    CONTEXT_NAMES,
    FEATURE_NAMES,
    context_features,
    line_features,
)
from broadsheet.models import Article, Paragraph

__all__ = [
    "TextdumpModel",
    "extract_textdump",
    "load_model",
    "read_article",
    "score_lines",
    "scores_of",
]

MAX_CHARS = 5_000_000  # larger dumps are cut: no page has a longer article
# a weak piece of the region this many unkept lines away from the rest is dropped
STRAY_HOLE = 4
# a standfirst may stand this many lines above the story when only a header block is between
HEADER_SPAN = 12
# a body line of this many words or more that the page repeats outside the story is dropped
REPEAT_MIN = 8
# end markers are read again after a cut, at most this many times in all
CUT_PASSES = 3
MAX_LINES = 50_000  # and so are dumps of more lines (a page shows a few thousand at most)
TREE_ROWS = 256  # lines scored by the trees at once: bounds their working memory


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


@dataclass(frozen=True, slots=True, eq=False)
class _Trees:
    """Gradient-boosted regression trees over the same rows, all trees walked at once.

    The nodes of every tree sit in one set of arrays; a leaf points to itself and has an
    infinite threshold, so ``depth`` steps bring every row to its leaf in each tree (the
    pairs of a row and a tree already at a leaf stop walking)."""

    feature: npt.NDArray[np.intp]
    threshold: npt.NDArray[np.float64]
    left: npt.NDArray[np.intp]
    right: npt.NDArray[np.intp]
    value: npt.NDArray[np.float64]
    roots: npt.NDArray[np.intp]
    base: float
    depth: int
    # derived once: a node's children side by side (2 * node: left, 2 * node + 1: right;
    # a leaf is its own child), and which nodes are leaves
    child: npt.NDArray[np.intp] = field(init=False, repr=False)
    leaf: npt.NDArray[np.bool_] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "child", np.stack([self.left, self.right], axis=1).ravel())
        object.__setattr__(self, "leaf", self.left == np.arange(len(self.left)))

    def predict(self, rows: Sequence[Sequence[float]] | npt.NDArray[np.float64]) -> list[float]:
        if len(rows) == 0:
            return []
        x = np.nan_to_num(np.asarray(rows, dtype=np.float64))
        # a few thousand rows at a time: every row holds one node per tree while it walks
        z = np.concatenate([self._raw(x[i : i + TREE_ROWS]) for i in range(0, len(x), TREE_ROWS)])
        return [float(v) for v in 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))]

    def _raw(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        n, width = x.shape
        flat = x.ravel()
        trees = len(self.roots)
        node = np.tile(self.roots, n)  # row r's node in tree t at r * trees + t
        start = np.repeat(np.arange(n) * width, trees)
        # only the (row, tree) pairs not yet at a leaf take a step
        child, leaf = self.child, self.leaf
        active = np.flatnonzero(~leaf[node])
        for _ in range(self.depth):
            if not active.size:
                break
            at = node[active]
            right = flat[start[active] + self.feature[at]] > self.threshold[at]
            at = child[2 * at + right]
            node[active] = at
            active = active[~leaf[at]]
        raw: npt.NDArray[np.float64] = self.base + self.value[node].reshape(n, -1).sum(axis=1)
        return raw


@dataclass(frozen=True, slots=True)
class TextdumpModel:
    """The fitted two-stage line classifier and its decision threshold."""

    stage1: _Stage | _Trees
    stage2: _Stage | _Trees
    threshold: float
    gap: int = 0  # kept lines split by this many doubtful lines in a row form two clusters
    gap_p: float = 0.0  # a line scoring below this is doubtful (kept only if >= threshold)
    extend_p: float = 1.0  # prose just below the story is kept down to this score...
    extend_gap: int = 0  # ...across at most this many skipped lines in a row
    anchor_boost: float = 0.0  # a cluster starting just below the headline weighs 1 + this
    fill_gap: int = 0  # holes of at most this many lines inside the story are filled...
    fill_p: float = 1.0  # ...with their lines scoring at least this (not furniture)
    anchor_p: float = 1.0  # prose right below the headline anchor is kept down to this score
    lexicon: Lexicon | None = None  # terms' weights: one more first-stage input when set
    sequence: SequenceStage | StageMean | None = None  # the third stage (whole page), if set

    def stage1_rows(
        self, lines: Sequence[Line], feats: Sequence[Sequence[float]] | npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """The first stage's inputs: the line features, and the lexicon's log-odds."""
        rows = np.asarray(feats, dtype=np.float64).reshape(len(lines), -1)
        if self.lexicon is None:
            return rows
        return np.column_stack([rows, self.lexicon.logits(lines)])


def _trees(data: dict[str, object]) -> _Trees:
    """Trees from their JSON form: per tree, parallel lists ``feature``, ``threshold``,
    ``left``, ``right`` (indices within the tree, -1 at a leaf) and ``value``."""
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    roots: list[int] = []
    for tree in data["trees"]:  # type: ignore[attr-defined]
        start = len(feature)
        roots.append(start)
        for i, (f, t, lo, hi, v) in enumerate(
            zip(
                tree["feature"],
                tree["threshold"],
                tree["left"],
                tree["right"],
                tree["value"],
                strict=True,
            )
        ):
            leaf = lo < 0
            feature.append(0 if leaf else int(f))
            threshold.append(np.inf if leaf else float(t))
            left.append(start + (i if leaf else int(lo)))
            right.append(start + (i if leaf else int(hi)))
            value.append(float(v) if leaf else 0.0)
    return _Trees(
        np.asarray(feature, dtype=np.intp),
        np.asarray(threshold, dtype=np.float64),
        np.asarray(left, dtype=np.intp),
        np.asarray(right, dtype=np.intp),
        np.asarray(value, dtype=np.float64),
        np.asarray(roots, dtype=np.intp),
        float(data["base"]),  # type: ignore[arg-type]
        int(data["depth"]),  # type: ignore[call-overload]
    )


def _stage(data: dict[str, object], names: Sequence[str]) -> _Stage | _Trees:
    if list(data["names"]) != list(names):  # type: ignore[call-overload]
        raise ExtractionError("text-dump weights do not match the feature set; refit them")
    if data.get("kind") == "trees":
        return _trees(data)
    return _Stage(
        tuple(float(x) for x in data["weights"]),  # type: ignore[attr-defined]
        tuple(float(x) for x in data["mean"]),  # type: ignore[attr-defined]
        tuple(float(x) for x in data["scale"]),  # type: ignore[attr-defined]
    )


@lru_cache(maxsize=1)
def load_model() -> TextdumpModel:
    """Load the committed weights (``textdump_data/weights.json``)."""
    path = resources.files("broadsheet.extract").joinpath("textdump_data/weights.json")
    return model_from_json(json.loads(path.read_text(encoding="utf-8")))


def model_from_json(data: dict[str, Any]) -> TextdumpModel:
    """The model of a weights file's JSON (as ``benchmarks/train_textdump.py`` writes it)."""
    lexicon = Lexicon.from_json(data["lexicon"]) if "lexicon" in data else None
    names = (*FEATURE_NAMES, LEXICAL_NAME) if lexicon is not None else FEATURE_NAMES
    return TextdumpModel(
        _stage(data["stage1"], names),
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
        lexicon,
        load_stage(data["sequence"]) if "sequence" in data else None,
    )


def score_lines(lines: Sequence[Line], model: TextdumpModel | None = None) -> list[float]:
    """Probability that each line belongs to the article body."""
    if not lines:
        return []
    model = model or load_model()
    return scores_of(lines, line_features(lines), model)


def scores_of(
    lines: Sequence[Line],
    feats: Sequence[Sequence[float]] | npt.NDArray[np.float64],
    model: TextdumpModel,
) -> list[float]:
    """:func:`score_lines` for lines whose features are known: stage 1, stage 2 and, when
    the weights have one, the sequence stage mixed in."""
    if not lines:
        return []
    p1 = model.stage1.predict(model.stage1_rows(lines, feats))
    p2 = model.stage2.predict(context_features(lines, p1, feats))
    if model.sequence is None:
        return p2
    return model.sequence.rescore(p2, feats, [line.text for line in lines])


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


def _header_bit(line: Line) -> bool:
    """A short line of an article's header block: a name, a date, "By", an e-mail address."""
    return line.n <= 8 and not line.prose


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
    kept = below_anchor(kept, lines, probs, anchor, model.anchor_p)
    kept = main_cluster(kept, lines, probs, model.gap, model.gap_p, anchor, model.anchor_boost)
    kept = extend_story(kept, lines, probs, model.extend_p, model.extend_gap)
    kept = drop_stray_fragments(kept, lines, probs, model.threshold, STRAY_HOLE, anchor)
    kept = fill_holes(kept, lines, probs, model.fill_gap, model.fill_p)
    kept = continue_sections(kept, lines, probs, model.fill_gap)
    kept = drop_teaser_blocks(kept, lines, probs)
    kept = trim_head(trim_tail(kept, lines), lines)
    first = next(
        (i for i in kept if opens_story(lines[i])),
        next((i for i in kept if is_prose(lines[i])), kept[0]),
    )
    head = -1
    if title_like(lines[first]) and len(kept) > 1:
        # a long headline reads as prose; it has no full stop and the story follows it
        head = first
        kept = [i for i in kept if i != first]
        first = next((i for i in kept if i > head and is_prose(lines[i])), kept[0])
    dek = -1
    following = next((i for i in kept if i > first and is_prose(lines[i])), -1)
    between = range(first + 1, following)
    if (
        0 < following - first <= HEADER_SPAN
        and any(is_byline_or_date(lines[i]) for i in between)
        and (following - first <= 5 or all(_header_bit(lines[i]) for i in between))
    ):
        # a standfirst: one prose line above the byline or the date, the story below them;
        # the short lines between (names, "Biography", an e-mail, the date) are header
        dek, first = first, following
        kept = [i for i in kept if i != dek and not (dek < i < first and _header_bit(lines[i]))]
    for _ in range(CUT_PASSES):  # a cut lower down can leave less below an earlier marker
        cut = cut_at_end_marker(kept, lines, first)
        if cut == kept:
            break
        kept = cut
    # the lead image sits between the headline and the first paragraph
    image, image_lines = find_image(lines, max(head + 1, first - 12), first + 1)
    if head < 0:
        head = find_headline(lines, dek if dek >= 0 else first, image_lines, url)
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
        if byline is None and (m := BYLINE.match(t)):
            byline = re.split(r"\s+[-–—|,]\s+|\s{2,}", m.group(1))[0].strip()
        elif byline is None and (m := DASHED_BYLINE.match(t)) and DATE_RE.search(t):
            byline = m.group(1)
        elif byline is None and NAME_LINE.match(t) and not lines[i].boiler:
            byline = t
        if published is None and DATE_RE.search(t):
            published = parse_date(t)
    body_idx = [
        i
        for i in kept
        if i not in taken
        and i > head
        and not (i < first and is_byline_or_date(lines[i]))  # header lines above the story
    ]
    body_idx = drop_repeated(body_idx, lines, REPEAT_MIN)
    body_idx, more_images = pull_captions(body_idx, lines)
    paragraphs = tuple(
        Paragraph(lines[i].text, paragraph_kind(lines, i, body_idx, pos))
        for pos, i in enumerate(body_idx)
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
