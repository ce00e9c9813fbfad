"""Line model and features for text-dump extraction.

A text dump is the visible text of a web page: one element per line, blank lines between
blocks, list items drawn as ``•``. Every non-empty line becomes a :class:`Line`; here are
the line-level signs (prose, boilerplate, dates, credits), the densest run of prose and the
headline anchor, which :mod:`broadsheet.extract.textdump_vectors` turns into the feature
vectors the classifier in :mod:`broadsheet.extract.textdump` weighs. The signs are general
(length, punctuation, stopwords, capitals, digits) so that they carry over to sites never
seen while the weights were fitted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "BOILER",
    "COPYRIGHT",
    "CREDIT",
    "DATE_RE",
    "SENTENCE_END",
    "STOPWORDS",
    "URLISH",
    "WORD",
    "Line",
    "consent_words",
    "headline_anchor",
    "is_prose",
    "main_region",
    "prose_runs",
    "split_lines",
    "titlecase_ratio",
]

WORD = re.compile(r"\w+")
_BULLET = re.compile(r"^\s*(?:[•·▪◦●○■□►▶–\-*]|\d{1,2}[.)])\s+")
SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
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
COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|all rights reserved", re.IGNORECASE)

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
    return bool(COPYRIGHT.search(line.text)) and line.n < 40


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


def titlecase_ratio(words: Sequence[str]) -> float:
    alpha = [w for w in words if w[0].isalpha()]
    if not alpha:
        return 0.0
    return sum(1 for w in alpha if w[0].isupper()) / len(alpha)
