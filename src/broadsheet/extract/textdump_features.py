"""Line model and features for text-dump extraction.

A text dump is the visible text of a web page: one element per line, blank lines between
blocks, list items drawn as ``•``. Every non-empty line becomes a :class:`Line`; each line
gets a fixed-length feature vector (:func:`line_features`) that the classifier in
:mod:`broadsheet.extract.textdump` weighs. The features are general (length, punctuation,
stopwords, capitals, digits, position against the densest run of prose) so that they carry
over to sites never seen while the weights were fitted.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "BOILER",
    "CONTEXT_NAMES",
    "CREDIT",
    "DATE_RE",
    "FEATURE_NAMES",
    "SENTENCE_END",
    "URLISH",
    "WORD",
    "Line",
    "consent_words",
    "context_features",
    "headline_anchor",
    "is_prose",
    "line_features",
    "main_region",
    "prose_runs",
    "split_lines",
    "titlecase_ratio",
]

WORD = re.compile(r"\w+")
_BULLET = re.compile(r"^\s*(?:[•·▪◦●○■□►▶–\-*]|\d{1,2}[.)])\s+")
SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’»)]*\s+[\"'“‘«(]?[A-ZÀ-ÖØ-ÞА-Я0-9]")
_PHONE = re.compile(
    r"(?:\+\d[\d\s().-]{6,}\d|\(\d{3}\)\s*\d{3}[-.\s]\d{4}|\b\d{3}[-.]\d{3}[-.]\d{4}\b)"
)
URLISH = re.compile(r"(?:https?://|www\.|\.com\b|\.org\b|\.net\b|@\w+\.\w+)", re.IGNORECASE)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DATE_RE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})\b",
    re.IGNORECASE,
)
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?|GMT|UTC|[A-Z]{2,4}T)?\b", re.IGNORECASE)
CREDIT = re.compile(
    r"(?:\b(?:Photographer|Photograph|Photo|Photos|Picture|Image|Credit|Foto|Bild)"
    r"(?:\s+(?:by|credit|courtesy))?\s*[:：]|©|\(Photo\b|\bPhoto courtesy\b|"
    r"\b(?:Getty Images|AFP|Reuters|AP Photo|Shutterstock|iStock|EPA)\b\s*$)",
    re.IGNORECASE,
)
# Words that mark page furniture in most English-language templates: calls to action,
# consent and browser notices, sharing, account and subscription pitches. Matched against
# the lower-cased line: a case-blind pattern is several times slower.
BOILER = re.compile(
    r"\b(?:cookies?|browser|javascript|subscribe|subscription|newsletter|sign\s?up|sign\s?in|"
    r"log\s?in|log\s?out|register|share|tweet|facebook|twitter|whatsapp|linkedin|pinterest|"
    r"instagram|youtube|reddit|e-?mail|print|comments?|advertis\w*|sponsored|copyright|"
    r"rights reserved|privacy|terms of (?:use|service)|read more|related|recommended|"
    r"trending|popular|most read|follow us|click here|skip to|menu|search|loading|"
    r"download|app store|google play|all rights|"
    # the same furniture in the other languages the stopword lists cover (de, fr, es, it, pt)
    r"teilen|anmelden|abonnieren|abonnement|kommentare?|werbung|impressum|datenschutz|"
    r"weiterlesen|mehr lesen|drucken|alle rechte|partager|connexion|inscri(?:vez|re|ption)|"
    r"abonnez|commentaires?|publicité|mentions légales|lire la suite|imprimer|droits réservés|"
    r"compartir|suscr[ií]b\w*|suscripción|reg[ií]strate|iniciar sesión|comentarios?|"
    r"publicidad|aviso legal|leer más|imprimir|derechos reservados|condividi|iscriviti|"
    r"accedi|commenti|pubblicità|leggi (?:di più|tutto)|diritti riservati|compartilh\w*|"
    r"assine|inscreva|comentários?|publicidade|leia mais|direitos reservados)\b",
)
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|all rights reserved", re.IGNORECASE)

# Function words of the languages the terminal reads most; a high share of them marks
# running prose in any template.
_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers him his how i if in into is it its itself just
me more most my no nor not now of off on once only or other our out over own same she should
so some such than that the their them then there these they this those through to too under
until up very was we were what when where which while who whom why will with would you your
said says after since among according its it's
der die das und ist nicht ein eine den dem des zu mit sich auf für von im als auch es an
werden wird bei oder aus nach wie noch nur um sind hat einer dass
le la les et est un une des du en que qui dans pour pas sur au avec ce il elle sont par plus
el los las y es un una del en que por con para se lo como su al más pero sus
il la le di che è e un una per non con del della si sono da al nel gli
o os as e um uma do da dos das em que para com não por mais se na no
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

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


@dataclass(frozen=True, slots=True)
class Line:
    """One non-empty line of a dump."""

    text: str  # stripped, bullet removed
    block: int  # index of the blank-line-separated block it belongs to
    bullet: bool
    words: tuple[str, ...]
    prose: bool = False  # reads like running text (see :func:`is_prose`)
    boiler: bool = False  # names page furniture (share, cookies, subscribe...)
    n: int = 0  # number of words
    credit: bool = False  # carries a photo credit ("Photo: ...", "... /Getty Images")


# Words of consent, privacy and account notices; three different ones make a notice of
# any length (a story about cookies or privacy rarely has three in one paragraph).
_CONSENT = re.compile(
    r"\b(?:cookies?|consent|privacy|partners|accept|preferences|personali[sz]ed|"
    r"third[- ]part(?:y|ies)|browser|javascript|subscri\w*|newsletters?|log in|sign in|"
    r"ad ?blocker|settings|data protection|datenschutz|einwilligung|zustimm\w*|"
    r"einstellungen|akzeptieren|consentement|confidentialité|paramètres|accepter|"
    r"consentimiento|privacidad|configuración|aceptar|consenso|accett\w+|"
    r"privacidade|aceitar)\b"
)


def consent_words(text: str) -> int:
    """How many different consent/notice words ``text`` has (lower-case it first)."""
    return len(set(_CONSENT.findall(text)))


_GLUE = re.compile(r"[a-z\u00df-\u00ff][A-Z\u00c0-\u00de]")
_BYLINE_START = re.compile(r"^(?:by|von|par|por|di|door|written by|posted by)\s", re.IGNORECASE)
_TIME_WORDS = re.compile(
    r"\b(?:updated|published|posted|\d+ (?:min(?:ute)?s?|hours?|days?) ago)\b", re.IGNORECASE
)


def _header_line(line: Line) -> bool:
    """A byline or a date line: what follows a headline on most article pages."""
    if line.n > 14:
        return False
    text = line.text
    return bool(
        _BYLINE_START.match(text)
        or DATE_RE.search(text)
        or _TIME.search(text)
        or _TIME_WORDS.search(text)
    )


def _title_candidate(line: Line) -> bool:
    return (
        4 <= line.n <= 30
        and not line.bullet
        and not line.prose
        and not (line.boiler and line.n <= 8)
        and not line.text.endswith((".", ":", ";", ","))
        and not DATE_RE.search(line.text)
        and not _BYLINE_START.match(line.text)
    )


def headline_anchor(lines: Sequence[Line]) -> int:
    """The line most likely to be the article's headline, or -1.

    A headline is a title-like line (4-30 words, no full stop) that is usually repeated on
    the page (breadcrumbs, share text) and followed within a few lines by a byline or a date
    line, and then by running prose. Each candidate scores on those three signs; the prose
    sign counts the prose words (consent notices left out) in the 40 lines below it, against
    the page's heaviest such window, so a teaser headline above a one-line summary scores
    less than the real one; the nearer the byline and the prose, the better. A candidate
    with three or more other title-like lines within five lines of it sits in a list of
    teasers or links and scores less. When the winner has prose right above it (a section
    heading inside a story), an earlier candidate that scores nearly as well and whose
    prose runs down to the winner is the headline (:func:`_climb_to_headline`).
    """
    n = len(lines)
    if n == 0:
        return -1
    counts = Counter(line.text.lower() for line in lines)
    prose_cum = [0]
    for line in lines:  # consent and sign-up notices read as prose but are not the story
        story = line.prose and not (line.boiler and consent_words(line.text.lower()) >= 3)
        prose_cum.append(prose_cum[-1] + (min(line.n, 80) if story else 0))
    below = [prose_cum[min(n, i + 41)] - prose_cum[i + 1] for i in range(n)]
    top = max(below) or 1
    title_like = [_title_candidate(line) for line in lines]
    scores: dict[int, float] = {}
    best, best_score = -1, 0.0
    for i, line in enumerate(lines):
        if not title_like[i] or below[i] < 0.25 * top:
            continue
        score = 2.0 * below[i] / top
        repeats = counts[line.text.lower()]
        if repeats == 2:  # the headline again in a breadcrumb or share text
            score += 1.0
        elif repeats > 2:  # a line every teaser or section repeats
            score -= 1.0
        if line.boiler:
            score -= 1.0
        if line.n <= 4:
            score -= 0.5
        header = next((j for j in range(i + 1, min(n, i + 6)) if _header_line(lines[j])), -1)
        if header >= 0:
            score += 1.8 - 0.3 * (header - i)
        first_prose = next((j for j in range(i + 1, min(n, i + 16)) if lines[j].prose), -1)
        if first_prose >= 0:
            score += 1.0 - 0.1 * (first_prose - i)
        if titlecase_ratio(line.words) >= 0.6:
            score += 0.3
        if sum(title_like[max(0, i - _LIST_REACH) : i + _LIST_REACH + 1]) > _LIST_LINES:
            score -= 0.5  # one of a list of teaser or link titles
        scores[i] = score
        if score > best_score:
            best, best_score = i, score
    return _climb_to_headline(lines, scores, best)


# a title-like line with more than this many others (itself included) within _LIST_REACH
# lines of it is in a list of teasers
_LIST_REACH = 5
_LIST_LINES = 3
# how far above a section-heading-like winner an earlier candidate may be, and how much less
# it may score
_CLIMB_REACH = 60
_CLIMB_MARGIN = 1.0


def _climb_to_headline(lines: Sequence[Line], scores: dict[int, float], best: int) -> int:
    """Move the anchor up from a heading inside a story to the story's headline.

    ``best`` has prose in the 3 lines right above it: it may be a section heading. An
    earlier candidate (within 60 lines) scoring at most 1.0 less, with prose within 6 lines
    below it and at least half the words from there down to ``best`` in prose lines (the
    same story runs on), is taken instead; the best scoring such one, and again from there.
    """
    while best > 0:
        if not any(lines[j].prose for j in range(max(0, best - 3), best)):
            return best
        floor = scores[best] - _CLIMB_MARGIN
        options = []
        for c, score in scores.items():
            if not best - _CLIMB_REACH <= c < best or score < floor:
                continue
            first = next((j for j in range(c + 1, min(best, c + 7)) if lines[j].prose), -1)
            if first < 0:
                continue
            words = sum(line.n for line in lines[first:best])
            prose = sum(line.n for line in lines[first:best] if line.prose)
            if words and 2 * prose >= words:
                options.append((score, c))
        if not options:
            return best
        best = max(options)[1]
    return best


def split_lines(text: str) -> list[Line]:
    """The non-empty lines of ``text`` with their block numbers, bullets stripped."""
    lines: list[Line] = []
    block = 0
    blank = True
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped:
            if not blank:
                block += 1
            blank = True
            continue
        blank = False
        m = _BULLET.match(stripped)
        bullet = bool(m) and stripped[0] in "•·▪◦●○■□►▶*"
        body = stripped[m.end() :].strip() if (m and bullet) else stripped
        body = re.sub(r"[ \t\u00a0]+", " ", body)
        if not body:
            continue
        words = tuple(WORD.findall(body))
        prose = len(words) >= 20 or (
            len(words) >= 8 and not bullet and bool(SENTENCE_END.search(body))
        )
        boiler = bool(BOILER.search(body.lower()))
        credit = _maybe_credit(body) and bool(CREDIT.search(body))
        lines.append(Line(body, block, bullet, words, prose, boiler, len(words), credit))
    return lines


_AGENCIES = ("images", "afp", "reuters", "photo", "shutterstock", "istock", "epa")


def _maybe_credit(text: str) -> bool:
    """A cheap test that lets most lines skip the credit pattern."""
    if any(ch in text for ch in ":：©("):
        return True
    lower = text.lower()
    return "courtesy" in lower or lower.rstrip().endswith(_AGENCIES)


def is_prose(line: Line) -> bool:
    """A line that reads like running text: long enough and ending like a sentence."""
    return line.prose


def prose_weight(line: Line) -> float:
    """Contribution of a line to the densest-prose search (positive for prose)."""
    if is_prose(line) and not _copyright_line(line):
        return float(min(line.n, 80))
    if line.bullet:
        return -4.0
    if line.boiler and line.n < 12:
        return -6.0
    return -2.0 - 0.1 * line.n


def _copyright_line(line: Line) -> bool:
    return bool(_COPYRIGHT.search(line.text)) and line.n < 40


def main_region(lines: Sequence[Line]) -> tuple[int, int]:
    """Start and end (exclusive) of the run of lines with the most prose (Kadane)."""
    best, best_lo, best_hi = 0.0, 0, 0
    cur, lo = 0.0, 0
    for i, line in enumerate(lines):
        w = prose_weight(line)
        if cur <= 0:
            cur, lo = w, i
        else:
            cur += w
        if cur > best:
            best, best_lo, best_hi = cur, lo, i + 1
    return best_lo, best_hi


def prose_runs(lines: Sequence[Line], gap: int = 2) -> tuple[list[int], list[int]]:
    """Group prose lines into runs split by more than ``gap`` non-prose lines.

    Returns each line's run number (-1 for lines outside every run: before the first, after
    the last, or in a gap longer than ``gap``) and each run's prose token count.
    """
    run_of = [-1] * len(lines)
    tokens: list[int] = []
    last_prose = -(10**6)
    current = -1
    start_of_gap = 0
    for i, line in enumerate(lines):
        if not is_prose(line):
            continue
        if current < 0 or i - last_prose - 1 > gap:
            current += 1
            tokens.append(0)
            start_of_gap = i
        else:
            start_of_gap = last_prose + 1
        for j in range(start_of_gap, i + 1):
            run_of[j] = current
        tokens[current] += min(line.n, 120)
        last_prose = i
    return run_of, tokens


def _shape(line: Line) -> str:
    """A line with its digits blanked: "Rating: 12 Votes" and "Rating: 7 Votes" share one."""
    return re.sub(r"\d+", "0", line.text.lower()) if line.n <= 12 else ""


def _stopword_ratio(words: Sequence[str]) -> float:
    if not words:
        return 0.0
    return sum(map(STOPWORDS.__contains__, map(str.lower, words))) / len(words)


def titlecase_ratio(words: Sequence[str]) -> float:
    alpha = [w for w in words if w[0].isalpha()]
    if not alpha:
        return 0.0
    return sum(1 for w in alpha if w[0].isupper()) / len(alpha)


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
                1.0 if _COPYRIGHT.search(text) else 0.0,
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
