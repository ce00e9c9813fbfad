"""Reading the header and furniture of a text dump's article: the headline, byline, date,
lead image (title, caption, credit), photo credits inside the body, and each kept line's
paragraph kind. The region of the story itself is chosen in :mod:`textdump_region`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from broadsheet.extract.textdump_features import (
    CREDIT,
    DATE_RE,
    SENTENCE_END,
    URLISH,
    WORD,
    Line,
    is_prose,
    titlecase_ratio,
)
from broadsheet.extract.textdump_recall import story_paragraph
from broadsheet.models import Image, ParagraphKind

__all__ = [
    "BYLINE",
    "DASHED_BYLINE",
    "NAME_LINE",
    "ends_statement",
    "find_headline",
    "find_image",
    "header_line",
    "headline_score",
    "is_byline_or_date",
    "is_credit",
    "opens_story",
    "paragraph_kind",
    "paren_credit",
    "parse_date",
    "pull_captions",
    "split_credit",
    "title_like",
    "url_words",
]

BYLINE = re.compile(
    r"^(?:By|Von|Par|Por|Di|Door|Av|Written by|Posted by|Reporting by)\s+(.{2,80})$",
    re.IGNORECASE,
)
DASHED_BYLINE = re.compile(r"^([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})\s+[-–—|]\s+.*\d")
NAME_LINE = re.compile(r"^[A-Z][a-z'’.-]+(?: [A-Z]\.?)?(?: [A-Z][a-z'’-]+){1,2}$")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}


def parse_date(text: str) -> datetime | None:
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


# a caption's credit in brackets at its end: "(AP Photo/Jane Roe)", "(Jane Roe/Bloomberg via
# Getty Images)", "(Foto: dpa)", "(Image credit: Acme)"; read in the last bracket only
_PAREN_CREDIT_WORD = re.compile(
    r"\b(?:photos?|fotos?|getty images|credit:|courtesy|image credit|bild:|via)(?!\w)",
    re.IGNORECASE,
)
_PAREN_CREDIT_NAMES = re.compile(r"\b[A-Z][a-z]+/[A-Z][a-z]")  # "Jane Roe/Bloomberg"
PAREN_CREDIT_CHARS = 100


def paren_credit(text: str) -> bool:
    """A caption ending in a photo credit in brackets ("... in Moscow. (AP Photo/Jane Roe)")."""
    text = text.rstrip()
    if not text.endswith(")"):
        return False
    start = text.rfind("(", max(0, len(text) - PAREN_CREDIT_CHARS))
    if start <= 0:  # a whole line in brackets is not a caption's tail
        return False
    inner = text[start + 1 : -1]
    if "(" in inner or "://" in inner:
        return False
    return bool(_PAREN_CREDIT_WORD.search(inner) or _PAREN_CREDIT_NAMES.search(inner))


# a credit the features' pattern does not read: a stock agency then the photographer
# ("Getty Images / Jane Roe"), "Photo by Jane Roe on Unsplash" or "Image via Jane Roe." alone
# or after a caption's last sentence ("a photo by Ansel Adams." and "Illustrations by Jane
# Roe" in a title are not), "Source: Unsplash"
_STOCK = r"(?:Getty Images|Shutterstock|iStock(?:photo)?|Adobe Stock|Unsplash|Pexels|Pixabay|Alamy)"
_MORE_CREDIT = re.compile(
    r"^" + _STOCK + r"\s*/\s*\S[^.!?]{0,60}$|"
    r"(?:^|[.!?]\s+)(?:Photo|Image|Illustration|Picture)s?\s+(?:by|via)\s+[A-Z][^.!?]{0,60}?"
    r"(?:\s+(?:on|via|from)\s+(?:" + _STOCK + r"|Flickr|Wikimedia Commons))?\.?$|"
    r"^(?:(?:Image|Photo) )?[Ss]ource\s*:\s*" + _STOCK + r"\b"
)


def is_credit(line: Line) -> bool:
    return line.n <= 60 and (
        line.credit or paren_credit(line.text) or bool(_MORE_CREDIT.search(line.text))
    )


def split_credit(text: str) -> tuple[str | None, str | None]:
    m = CREDIT.search(text) or _MORE_CREDIT.search(text)
    if not m:
        return text, None
    start = m.start()
    if text[start] in ".!?":  # "... system. Image via Jane Roe.": the caption keeps its stop
        start += 1
        while text[start] == " ":
            start += 1
        return text[:start].strip() or None, text[start:].strip() or None
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


def url_words(url: str | None) -> set[str]:
    if not url:
        return set()
    path = urlsplit(url).path
    return {w.lower() for w in WORD.findall(path.replace("_", " ")) if not w.isdigit()}


def headline_score(line: Line, distance: int, slug: set[str]) -> float:
    if line.n < 3 or line.n > 30 or line.bullet:
        return -1.0
    if (line.boiler and line.n < 6) or BYLINE.match(line.text):
        return -1.0
    if NAME_LINE.match(line.text):
        return 0.05
    if DATE_RE.search(line.text) or is_credit(line):
        return -1.0
    score = 1.0 - 0.03 * distance + min(line.n, 14) / 14.0
    if SENTENCE_END.search(line.text) and not line.text.endswith(("?", "!")):
        score -= 0.6
    if slug:
        words = {w.lower() for w in line.words}
        score += 2.0 * len(words & slug) / max(len(words), 1)
    return score


def opens_story(line: Line) -> bool:
    """A line that can be the story's first paragraph: prose, not a list item or credit."""
    return is_prose(line) and not line.bullet and not is_credit(line)


_CLOSERS = "\"'”’»)]"


def ends_statement(text: str) -> bool:
    """Ends with . : ; , … or ) and then only closing quotes and brackets. (The pattern
    ``[.:;,…)][closers]*$`` read a run of ")" once from each of its positions.)"""
    text = text.removesuffix("\n")
    body = text.rstrip(_CLOSERS)
    return (bool(body) and body[-1] in ".:;,…)") or ")" in text[len(body) :]


def is_byline_or_date(line: Line) -> bool:
    text = line.text
    if text.lower() in ("by", "von", "par", "por"):
        return True
    return bool(BYLINE.match(text)) or (line.n <= 10 and bool(DATE_RE.search(text)))


# a line of the header block under a headline, read when it is kept above the story: a
# byline or a date line ("Posted by Jane Roe on Friday ...", "Published on May 2nd, 2025 by
# ...", "Authors: ..."), a reading time, a breadcrumb trail ("Home » Guides » Bridges")
HEADER_WORDS = 20
_DATE_AT = r"(?:\d|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d)"
_NAME_AT = r"(?-i:[A-Z][\w.'’-]*[a-z])"
_DAY_AT = (
    r"(?:(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|montag|dienstag|"
    r"mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
    r"dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo)\.?,?\s+)?"
)
_HEADER_START = re.compile(
    r"^(?:(?:posted|published|(?:last )?updated|written|reviewed|fact[- ]checked|edited) by\s+"
    + _NAME_AT
    + r"|authors?\s*:\s*"
    + _NAME_AT
    + r"|(?:(?:posted|published|(?:last )?updated) on|publish(?:ed)? date|published|"
    r"(?:last )?updated|"
    r"veröffentlicht(?: am)?|aktualisiert(?: am)?|publié le|mis à jour le|publicado(?: el)?|"
    r"actualizado(?: el)?)\s*:?\s*" + _DAY_AT + _DATE_AT + r")",
    re.IGNORECASE,
)
# "By Jane Roe", "Von Hans Muster": a name after the word, and no sentence ended ("By 2030,
# half of all cars ..." opens a story)
_NAME_BYLINE = re.compile(
    r"^(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or)\s+(?:[A-Z]\.\s*)?[A-Z][\w.'’-]*[a-zA-Z]"
)
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?"
# months and weekdays of the other languages a dump's date line is often in, and numeric
# dates with dots ("01.02.2022", "2.9.2020 klo 12.45")
_MONTHS_OTHER = (
    r"(?:januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|"
    r"janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|"
    r"diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
    r"janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|"
    r"januari|februari|maart|mei|augustus)"
)
_WEEKDAY_OTHER = (
    r"(?:(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|"
    r"jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo)"
    r",?\s+)?"
)
_LEADING_DATE = re.compile(
    r"^(?:"
    + _WEEKDAY
    + r"(?:"
    + DATE_RE.pattern
    + r")|\d{1,2}\.\d{1,2}\.\d{2,4}\b|"
    + _WEEKDAY_OTHER
    + r"\d{1,2}\.?\s+(?:de\s+)?"
    + _MONTHS_OTHER
    + r"\b)",
    re.IGNORECASE,
)
_READ_TIME = re.compile(
    r"(?<!\d)\d+\s*(?:min(?:ute)?s?|mins?)\.?\s+read\b|\btemps de lecture\b|\blesezeit\b",
    re.IGNORECASE,
)
_CRUMB = re.compile(r"\s[»›>|/]\s?|\s?[»›]\s")


def header_line(line: Line) -> bool:
    """A short line of the header block: a byline or date line, a reading time, a
    breadcrumb trail; not one that ends a sentence ("March 3, 2025 was the day ...",
    "By 2030, ...") unless it says what it is ("Posted by", "Published on")."""
    text = line.text
    if line.n == 0 or line.n > HEADER_WORDS:
        return False
    if _HEADER_START.match(text):
        return True
    if SENTENCE_END.search(text) and not text.endswith(":"):
        return False
    if _NAME_BYLINE.match(text):
        return True
    if _LEADING_DATE.match(text) or _READ_TIME.search(text):
        return True
    return len(_CRUMB.findall(text)) >= 2


def title_like(line: Line) -> bool:
    text = line.text
    return (
        5 <= line.n <= 30
        and not line.bullet
        and not ends_statement(text)
        and not is_credit(line)
        and not URLISH.search(text)
        and titlecase_ratio(line.words) >= 0.5
    )


def find_headline(lines: Sequence[Line], start: int, taken: set[int], url: str | None) -> int:
    slug = url_words(url)
    best, best_score = -1, 0.0
    for dist, i in enumerate(range(start - 1, max(-1, start - 26), -1)):
        if i in taken:
            continue
        s = headline_score(lines[i], dist, slug)
        if s > best_score:
            best, best_score = i, s
        if s > 0 and not slug and dist < 25:
            # the nearest title-like line wins unless a URL slug says otherwise
            return i
    return best


def find_image(lines: Sequence[Line], lo: int, hi: int) -> tuple[Image | None, set[int]]:
    """The first captioned image between lines ``lo`` and ``hi`` and the lines it used."""
    for i in range(max(lo, 0), min(hi, len(lines))):
        line = lines[i]
        if not is_credit(line):
            continue
        used = {i}
        caption, credit = split_credit(line.text)
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


def pull_captions(body: Sequence[int], lines: Sequence[Line]) -> tuple[list[int], list[Image]]:
    """Take photo credits (and the caption line right above each) out of the body."""
    drop: set[int] = set()
    images: list[Image] = []
    for pos, i in enumerate(body):
        line = lines[i]
        if line.n > 40 or not is_credit(line):
            continue
        caption, credit = split_credit(line.text)
        drop.add(i)
        prev = body[pos - 1] if pos > 0 else -1
        # a long credit line carries its own caption ("FILE PHOTO: Traders work on ...
        # REUTERS/Name"); the paragraph above it is the story
        if (
            caption is None
            and line.n <= 12
            and prev == i - 1
            and prev not in drop
            and lines[prev].n <= 60
            and not story_paragraph(lines[prev])
        ):
            caption = lines[prev].text
            drop.add(prev)
        images.append(Image(caption=caption, credit=credit))
    if len(drop) >= len(body):
        return list(body), []
    return [i for i in body if i not in drop], images


def paragraph_kind(lines: Sequence[Line], i: int, kept: Sequence[int], pos: int) -> ParagraphKind:
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
