"""Feature vectors of text-dump lines, for the classifier in :mod:`broadsheet.extract.textdump`.

:func:`line_features` gives each :class:`~broadsheet.extract.textdump_features.Line` a
fixed-length vector (length, punctuation, stopwords, capitals, digits, position against the
densest run of prose and the headline anchor); :func:`context_features` sets each line's
first-stage score beside its neighbours' for the second stage.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .textdump_features import (
    COPYRIGHT,
    DATE_RE,
    SENTENCE_END,
    STOPWORDS,
    URLISH,
    Line,
    consent_words,
    headline_anchor,
    is_prose,
    main_region,
    prose_runs,
    titlecase_ratio,
)

_SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’»)]*\s+[\"'“‘«(]?[A-ZÀ-ÖØ-ÞА-Я0-9]")
_PHONE = re.compile(
    r"(?:\+\d[\d\s().-]{6,}\d|\(\d{3}\)\s*\d{3}[-.\s]\d{4}|\b\d{3}[-.]\d{3}[-.]\d{4}\b)"
)
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")

__all__ = ["CONTEXT_NAMES", "FEATURE_NAMES", "context_features", "line_features"]

FEATURE_NAMES: tuple[str, ...] = (
    "bias",
    "log_tokens",
    "long10",
    "long25",
    "ends_sentence",
    "sentences",
    "comma_density",
    "stopword_ratio",
    "titlecase_ratio",
    "bullet",
    "digit_ratio",
    "phone",
    "date_short",
    "boiler_short",
    "boiler_any",
    "repeated",
    "in_region",
    "before_region",
    "after_region",
    "rel_position",
    "prev_prose",
    "next_prose",
    "window_prose",
    "block_lines",
    "urlish",
    "all_caps",
    "avg_word_len",
    "copyright",
    "credit",
    "between_prose",
    "region_share",
    "in_main_run",
    "run_share",
    "runs_away",
    "before_main_run",
    "after_main_run",
    "run_rank1",
    "empty",
    "run_density",
    "tight_share",
    "shape_repeated",
    "glued",
    "anchor_after",
    "anchor_before",
    "anchor_near",
    "link_like",
    "consent",
)

_GLUE = re.compile(r"[a-z\u00df-\u00ff][A-Z\u00c0-\u00de]")


def _shape(line: Line) -> str:
    """A line with its digits blanked: "Rating: 12 Votes" and "Rating: 7 Votes" share one."""
    return re.sub(r"\d+", "0", line.text.lower()) if line.n <= 12 else ""


def _stopword_ratio(words: Sequence[str]) -> float:
    if not words:
        return 0.0
    return sum(map(STOPWORDS.__contains__, map(str.lower, words))) / len(words)


def line_features(lines: Sequence[Line]) -> list[list[float]]:
    """One feature vector per line, in :data:`FEATURE_NAMES` order."""
    n = len(lines)
    if n == 0:
        return []
    lo, hi = main_region(lines)
    prose = [is_prose(line) for line in lines]
    run_of, run_tokens = prose_runs(lines, gap=2)
    run_len = Counter(r for r in run_of if r >= 0)
    run_prose = Counter(run_of[i] for i in range(n) if prose[i] and run_of[i] >= 0)

    def run_score(k: int) -> float:
        return run_tokens[k] * (run_prose[k] / run_len[k]) ** 2

    main_run = max(range(len(run_tokens)), key=run_score) if run_tokens else -1
    main_tokens = run_tokens[main_run] if run_tokens else 1
    tight_of, tight_tokens = prose_runs(lines, gap=1)
    tight_main = max(tight_tokens) if tight_tokens else 1
    main_lines = [i for i, r in enumerate(run_of) if r == main_run] or [0]
    main_lo, main_hi = main_lines[0], main_lines[-1]
    # the run each gap line sits nearest to (the one before it)
    nearest = list(run_of)
    prev_run = -1
    for i in range(n):
        if run_of[i] >= 0:
            prev_run = run_of[i]
        else:
            nearest[i] = prev_run
    sorted_runs = sorted(run_tokens, reverse=True)
    counts = Counter(line.text.lower() for line in lines)
    shapes = [_shape(line) for line in lines]
    shape_counts = Counter(shapes)
    block_sizes = Counter(line.block for line in lines)
    region_tokens = sum(line.n for line in lines[lo:hi])
    all_tokens = sum(line.n for line in lines) or 1
    # index of the nearest prose line before/after each line
    prev_prose_idx: list[int] = []
    last = -(10**6)
    for i in range(n):
        prev_prose_idx.append(last)
        if prose[i]:
            last = i
    next_prose_idx: list[int] = [0] * n
    nxt = 10**6
    for i in range(n - 1, -1, -1):
        next_prose_idx[i] = nxt
        if prose[i]:
            nxt = i
    prose_cum = [0]
    for line in lines:
        prose_cum.append(prose_cum[-1] + (min(line.n, 60) if line.prose else 0))
    anchor = headline_anchor(lines)
    out: list[list[float]] = []
    for i, line in enumerate(lines):
        text = line.text
        words = line.words
        chars = len(text) or 1
        digits = len(_DIGIT.findall(text))
        letters = len(_LETTER.findall(text))
        upper = sum(map(str.isupper, text))
        window_prose = (prose_cum[min(n, i + 4)] - prose_cum[max(0, i - 3)]) / 120.0
        before = max(0, lo - i)
        after = max(0, i - hi + 1)
        out.append(
            [
                1.0,
                math.log1p(line.n),
                1.0 if line.n >= 10 else 0.0,
                1.0 if line.n >= 25 else 0.0,
                1.0 if SENTENCE_END.search(text) else 0.0,
                min(len(_SENTENCE_BREAK.findall(text)), 5) / 5.0,
                min(text.count(",") / max(line.n, 1) * 5.0, 1.0),
                _stopword_ratio(words),
                titlecase_ratio(words),
                1.0 if line.bullet else 0.0,
                digits / chars,
                1.0 if digits >= 7 and _PHONE.search(text) else 0.0,
                1.0 if digits and line.n <= 10 and DATE_RE.search(text) else 0.0,
                1.0 if line.boiler and line.n <= 8 else 0.0,
                1.0 if line.boiler else 0.0,
                1.0 if counts[text.lower()] > 1 else 0.0,
                1.0 if lo <= i < hi else 0.0,
                math.log1p(before),
                math.log1p(after),
                i / n,
                1.0 if i - prev_prose_idx[i] <= 2 else 0.0,
                1.0 if next_prose_idx[i] - i <= 2 else 0.0,
                min(window_prose, 2.0),
                math.log1p(block_sizes[line.block]),
                1.0 if URLISH.search(text) else 0.0,
                1.0 if letters >= 4 and upper / letters > 0.8 else 0.0,
                min(sum(len(w) for w in words) / max(line.n, 1), 15.0) / 15.0,
                1.0 if COPYRIGHT.search(text) else 0.0,
                1.0 if line.credit and line.n <= 30 else 0.0,
                1.0
                if (not prose[i] and i - prev_prose_idx[i] <= 2 and next_prose_idx[i] - i <= 2)
                else 0.0,
                region_tokens / all_tokens,
                1.0 if run_of[i] == main_run and main_run >= 0 else 0.0,
                run_tokens[run_of[i]] / main_tokens if run_of[i] >= 0 else 0.0,
                math.log1p(abs(nearest[i] - main_run)) if main_run >= 0 else 3.0,
                1.0 if i < main_lo else 0.0,
                1.0 if i > main_hi else 0.0,
                (
                    1.0
                    if run_of[i] >= 0
                    and len(sorted_runs) > 1
                    and run_tokens[run_of[i]] == sorted_runs[0]
                    and sorted_runs[1] < 0.5 * sorted_runs[0]
                    else 0.0
                ),
                1.0 if line.n == 0 else 0.0,
                run_prose[run_of[i]] / run_len[run_of[i]] if run_of[i] >= 0 else 0.0,
                tight_tokens[tight_of[i]] / tight_main if tight_of[i] >= 0 else 0.0,
                min(shape_counts[shapes[i]] - 1, 4) / 4.0 if line.n <= 12 else 0.0,
                min(len(_GLUE.findall(text)), 3) / 3.0,
                math.log1p(i - anchor) if anchor >= 0 and i > anchor else 0.0,
                math.log1p(anchor - i) if anchor >= 0 and i <= anchor else 0.0,
                1.0 if anchor >= 0 and 0 < i - anchor <= 12 else 0.0,
                1.0
                if (not line.prose and titlecase_ratio(words) >= 0.6 and 3 <= line.n <= 16)
                else 0.0,
                min(consent_words(text.lower()) if line.boiler else 0, 4) / 4.0,
            ]
        )
    return out


CONTEXT_NAMES: tuple[str, ...] = (
    "p",
    "p_prev1",
    "p_next1",
    "p_prev2",
    "p_next2",
    "p_win_mean",
    "p_block_mean",
    "short",
    "prose",
    "in_main_run",
    "after_main_run",
    "before_main_run",
    "short_x_window",
    "boiler_short",
    "anchor_near",
    "anchor_before",
    "glued",
    "p_wide_prev",
    "p_wide_next",
    "p_wide_both",
    "p_wide_both_x_short",
)


def context_features(
    lines: Sequence[Line],
    probs: Sequence[float],
    feats: Sequence[Sequence[float]] | npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Second-stage features: each line's first-stage score beside its neighbours'.

    ``feats`` are the first-stage features (:func:`line_features`) of the same lines.
    One row per line, in :data:`CONTEXT_NAMES` order.
    """
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(CONTEXT_NAMES)))
    p = np.asarray(probs, dtype=np.float64)
    f = np.asarray(feats, dtype=np.float64)
    col = {name: k for k, name in enumerate(FEATURE_NAMES)}
    padded = np.concatenate([np.zeros(2), p, np.zeros(2)])
    # mean over the window i-5 .. i+5, clipped to the page
    cum = np.concatenate([[0.0], np.cumsum(p)])
    idx = np.arange(n)
    lo, hi = np.maximum(0, idx - 5), np.minimum(n, idx + 6)
    win = (cum[hi] - cum[lo]) / (hi - lo)
    # mean score over the 30 lines above and the 30 below: a heading or a list inside a
    # story has the story on both sides
    lo30, hi30 = np.maximum(0, idx - 30), np.minimum(n, idx + 31)
    prev30 = np.where(idx > 0, (cum[idx] - cum[lo30]) / np.maximum(idx - lo30, 1), 0.0)
    next30 = np.where(idx < n - 1, (cum[hi30] - cum[idx + 1]) / np.maximum(hi30 - idx - 1, 1), 0.0)
    both = np.minimum(prev30, next30)
    blocks = np.fromiter((line.block for line in lines), dtype=np.int64, count=n)
    block_mean = (np.bincount(blocks, weights=p) / np.bincount(blocks))[blocks]
    short = np.fromiter((1.0 if line.n < 8 else 0.0 for line in lines), np.float64, count=n)
    prose = np.fromiter((1.0 if line.prose else 0.0 for line in lines), np.float64, count=n)
    return np.column_stack(
        [
            p,
            padded[1 : n + 1],
            padded[3 : n + 3],
            padded[0:n],
            padded[4 : n + 4],
            win,
            block_mean,
            short,
            prose,
            f[:, col["in_main_run"]],
            f[:, col["after_main_run"]],
            f[:, col["before_main_run"]],
            short * win,
            f[:, col["boiler_short"]],
            f[:, col["anchor_near"]],
            f[:, col["anchor_before"]],
            f[:, col["glued"]],
            prev30,
            next30,
            both,
            both * short,
        ]
    )
