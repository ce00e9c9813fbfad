"""Choosing the story's region among a text dump's scored lines: the heaviest cluster of
kept lines (the one below the headline anchor weighs more), the prose run right below the
anchor, the story continued past embedded posts, doubted lines above the headline dropped,
doubted lines below an end marker dropped, holes inside it filled, notices, server warnings
and pitches trimmed at both ends, links to other stories, "read also" boxes and newsletter
pitches taken out, and the story ended where ``textdump_end`` finds its end (a "Comments",
"Related" or tag line, a comment thread, the next article's headline)."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence

from broadsheet.extract.textdump_end import (
    META_MARKER,
    META_WORDS,
    TAG_LIST,
    short_marker,
    teaser_title,
)
from broadsheet.extract.textdump_features import Line, consent_words, is_prose
from broadsheet.extract.textdump_furniture import drop_repeated, drop_replayed
from broadsheet.extract.textdump_header import header_line, is_credit
from broadsheet.extract.textdump_recall import story_paragraph

__all__ = [
    "below_anchor",
    "drop_doubted_above",
    "drop_doubted_below",
    "drop_repeated",
    "drop_replayed",
    "drop_stray_fragments",
    "end_marker",
    "extend_story",
    "fill_holes",
    "furniture",
    "inline_boxes",
    "main_cluster",
    "promo_line",
    "server_notice",
    "teaser_link",
    "trim_head",
    "trim_tail",
]

# a notice near the end cuts the story only when less prose than this follows it
TAIL_PROSE = 30

# a sign-up box at the end: at least one line in this many speaks of newsletters, subscribing
PITCH_NOTICES = 2
# ... among the last this many kept lines
PITCH_LINES = 6
# the story's piece starts within this many lines below the headline anchor
STORY_REACH = 25
# a weak story below the headline: strong pieces further than this from it are dropped
FAR_DROP = 40
# a piece below the story past a share bar (this many short furniture lines: "Share",
# "Facebook", "Sign in") is dropped when its words score below this on average
PAST_BAR_LINES = 2
PAST_BAR_P = 0.6
# kept lines above the headline anchor go when their words score under ABOVE_P on average,
# the story's below score STORY_P or more, and no ABOVE_RUN prose lines in a row above score
# ABOVE_RUN_P or more
ABOVE_P = 0.5
STORY_P = 0.8
ABOVE_RUN = 3
ABOVE_RUN_P = 0.6
# kept lines below an end marker go when their words score under BELOW_P on average and
# this many prose words above it score STORY_P or more
BELOW_P = 0.5
BELOW_STORY = 50
BELOW_SURE = 0.8


def main_cluster(
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


# a server's error printed into the page ("Warning: Cannot modify header information ... in
# /var/www/site/index.php on line 12", "Strict Standards: ...", "Deprecated: ...")
_SERVER_NOTICE = re.compile(
    r"^(?:PHP )?(?:Warning|Notice|Deprecated|Strict Standards|(?:Catchable )?Fatal error|"
    r"Parse error)\s*:\s.*\sin (?:[A-Za-z]:)?[/\\]\S*\s+on line \d+\b"
)


# a link to another story set into this one: "READ MORE: <title>", "Voir aussi : <title>"
_TEASER_LINK = re.compile(
    r"^(?:read more|more|related|see also|also read|read also|voir aussi|lire aussi|"
    r"à lire aussi|lesen sie auch|mehr zum thema|leia também|lee también|leggi anche|"
    r"watch|listen)\s*[:：|]\s*\S",
    re.IGNORECASE,
)
TEASER_LINK_WORDS = 25


# a pitch set into the story, of up to PROMO_WORDS words: "CLICK HERE TO GET THE FOX NEWS
# APP", "Sign up for our newsletters to get today's top stories", "Get the Daily Edition by
# email and never miss our top stories", "Abonnieren Sie unser Daily Briefing"
PROMO_WORDS = 40
_PROMO = re.compile(
    r"^click here to (?:get|download)\b|"
    r"\b(?:sign up|subscribe|register) (?:for|to) (?:our|the free|free|the daily)\b"
    r"[^.!?]{0,60}\b(?:newsletters?|briefings?)\b|"
    r"\bdownload (?:the|our) app to\b|\bby email and never miss\b|"
    r"\bnever miss (?:the latest|our|a story|another)\b[^.!?]{0,60}\b(?:sign up|newsletters?)\b|"
    r"\babonnieren sie (?:unser(?:e|en)?|jetzt)\b|"
    r"\bmelden sie sich (?:jetzt )?für unseren? newsletter\b",
    re.IGNORECASE,
)


def promo_line(line: Line) -> bool:
    """A pitch for the site's newsletter or app set into the story."""
    return line.n <= PROMO_WORDS and bool(_PROMO.search(line.text))


def teaser_link(line: Line) -> bool:
    """A link to another story set into this one ("READ MORE: <title>")."""
    return line.n <= TEASER_LINK_WORDS and bool(_TEASER_LINK.match(line.text))


# a "read also" box set into a story: its heading, then at most BOX_TITLES teaser titles
# (with short labels and dates between), then the story's prose again
BOX_TITLES = 4
_BOX_HEAD = re.compile(
    r"^(?:lesen sie (?:auch|mehr)|lies auch|das könnte sie (?:auch )?interessieren|"
    r"weitere beiträge zu diesem artikel|mehr zum thema|lire aussi|à lire aussi|"
    r"(?:nos lecteurs ont|ils ont) lu aussi|voir aussi|esto te puede interesar|lee también|"
    r"te puede interesar|leia também|veja também|leggi anche|read also|also read|see also|"
    r"related|you may like|don'?t miss|up next|(?:more )?trending(?: now| stories)?|"
    r"most (?:read|popular|viewed)|more stories|recommended(?: for you)?|"
    r"you might (?:also )?like)\s*[:.…]*$",
    re.IGNORECASE,
)


def inline_boxes(lines: Sequence[Line]) -> set[int]:
    """The lines of "read also" boxes set into the story: a heading ("Lesen Sie auch:",
    "Esto te puede interesar"), one to ``BOX_TITLES`` teaser titles under it (short labels
    and dates between them), and a prose line right after, where the story reads on."""
    out: set[int] = set()
    n = len(lines)
    for h in range(n):
        head = lines[h]
        if head.n == 0 or head.n > 6 or head.prose or not _BOX_HEAD.match(head.text):
            continue
        titles = 0
        j = h + 1
        end = min(n, h + 3 * BOX_TITLES + 2)  # labels and dates between, but not without end
        while j < end and titles <= BOX_TITLES:
            line = lines[j]
            if line.n == 0 or (line.n <= 3 and not line.prose):
                j += 1
                continue
            if not teaser_title(line):
                break
            titles += 1
            j += 1
        if 1 <= titles <= BOX_TITLES and j < n and lines[j].prose:
            out.update(range(h, j))
    return out


def server_notice(line: Line) -> bool:
    """A PHP warning or notice printed into the page: the server's, not the story's."""
    return bool(_SERVER_NOTICE.match(line.text))


def furniture(line: Line) -> bool:
    """A line of page furniture: a short one naming it, a notice of any length, or a
    server's warning."""
    if server_notice(line) or teaser_link(line) or promo_line(line):
        return True
    if not line.boiler:
        return False
    if line.n >= 40:  # a long consent notice: cookies, partners, privacy, settings...
        return consent_words(line.text.lower()) >= 3
    return line.n <= 12 or bool(_NOTICE.search(line.text))


def below_anchor(
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
        if line.prose and probs[j] >= low and not furniture(line) and not is_credit(line):
            add.append(j)
            skipped = 0
            continue
        skipped += 1
        if (add and skipped > 2) or (not add and j - anchor > 8):
            break
    return sorted(set(kept).union(add))


def extend_story(
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
        if line.prose and probs[i] >= low and not is_credit(line):
            out.append(i)
            skipped = 0
        else:
            skipped += 1
            if skipped > gap:
                break
    return out


def fill_holes(
    kept: Sequence[int], lines: Sequence[Line], probs: Sequence[float], gap: int, low: float
) -> list[int]:
    """Keep the headings, list items and short lines that sit between two kept lines.

    A story is one region: a hole of at most ``gap`` lines inside it is story too, except
    lines scoring below ``low``, page furniture and photo credits.
    """
    if gap <= 0 or len(kept) < 2:
        return list(kept)
    out = [kept[0]]
    boxes = inline_boxes(lines)
    for a, b in itertools.pairwise(kept):
        if 1 < b - a <= gap + 1:
            out.extend(
                i
                for i in range(a + 1, b)
                if probs[i] >= low
                and lines[i].n > 0
                and not (lines[i].boiler and lines[i].n <= 12)
                and not furniture(lines[i])
                and not is_credit(lines[i])
                and i not in boxes
            )
        out.append(b)
    return out


def trim_tail(kept: Sequence[int], lines: Sequence[Line]) -> list[int]:
    """Drop page furniture that trails the article: notices, pitches and what follows them.

    An article ends with prose; a short line below its last paragraph that speaks of
    browsers, sharing, newsletters and the like starts the page's furniture, and so do the
    few short lines after it (a pitch's one-sentence blurb, a browser list).
    """
    kept = list(kept)

    def pitch(rest: Sequence[int]) -> bool:
        # only short lines, and not two sentences' worth of prose ("Read more: ..." inside
        # a story is followed by its last paragraphs; a pitch by a one-sentence blurb)
        words = sum(lines[j].n for j in rest if is_prose(lines[j]))
        if not all(lines[j].n < 30 for j in rest):
            return False
        # or a sign-up box: its lines speak of newsletters, subscribing, signing in
        notices = sum(1 for j in rest if _NOTICE.search(lines[j].text))
        return words < TAIL_PROSE or (PITCH_NOTICES > 0 and notices * PITCH_NOTICES >= len(rest))

    # a short notice among the last few lines (kept, or passed over just above a kept
    # line), with only a pitch's few short lines from there on
    for k in range(max(1, len(kept) - PITCH_LINES), len(kept)):
        line = lines[kept[k]]
        notice = line.boiler and line.n <= 12
        passed = any(furniture(lines[j]) for j in range(kept[k - 1] + 1, kept[k]))
        if (notice and pitch(kept[k + 1 :])) or (passed and pitch(kept[k:])):
            kept = kept[:k]
            break
    end = len(kept)
    while end > 1:
        line = lines[kept[end - 1]]
        if furniture(line) or not is_prose(line):
            end -= 1
            continue
        break
    if any(furniture(lines[i]) for i in kept[end:]):
        return kept[:end]
    return kept


def trim_head(kept: Sequence[int], lines: Sequence[Line]) -> list[int]:
    """Drop notices (cookies, browsers, sign-in) kept above the article's first paragraph,
    and the header block's lines kept there (a byline or date line, a reading time, a
    breadcrumb trail: :func:`textdump_header.header_line`), which read as prose when long."""
    start = 0
    while start < len(kept) - 1:
        line = lines[kept[start]]
        if (
            (furniture(line) and not story_paragraph(line))
            or not is_prose(line)
            or header_line(line)
        ):
            start += 1
            continue
        break
    if any(furniture(lines[i]) for i in kept[:start]):
        return list(kept[start:])
    return [i for k, i in enumerate(kept) if k >= start or not _above_story(lines[i], start)]


# the lines above a story's first paragraph are read as a header block when at most this
# many; of them, a label of at most LABEL_WORDS words goes ("Summary", "Follow", "1 / 23")
HEAD_BLOCK = 8
HEAD_LABEL_WORDS = 3


def _above_story(line: Line, count: int) -> bool:
    """A line kept above the story's first paragraph that is the header's: a byline, date
    or breadcrumb line, or (in a short block) a label of a few words that neither asks
    nor leads in ("Injured?", "Contents:" stay)."""
    if header_line(line):
        return True
    return (
        count <= HEAD_BLOCK
        and 0 < line.n <= HEAD_LABEL_WORDS
        and not line.text.endswith(("?", ":", "!"))
    )


def drop_doubted_above(
    kept: Sequence[int], lines: Sequence[Line], probs: Sequence[float], anchor: int
) -> list[int]:
    """Drop the kept lines above the headline ``anchor`` when the model doubts them and is
    sure of the story below it.

    Teasers, a ticker, a "most read" block or an author's box between the page header and
    the headline score over the threshold on their own, but lower than a story's
    paragraphs: when their words score under ``ABOVE_P`` on average, the kept lines below
    the anchor score ``STORY_P`` or more and outweigh them, and no ``ABOVE_RUN`` prose lines
    in a row above score ``ABOVE_RUN_P`` or more (a story's own paragraphs above a heading
    or a wrong anchor do), the lines above go.
    """
    if anchor < 0:
        return list(kept)
    up = [i for i in kept if i < anchor]
    down = [i for i in kept if i > anchor]
    if not up or not down:
        return list(kept)
    up_words = sum(lines[i].n for i in up) or 1
    down_words = sum(lines[i].n for i in down) or 1
    if down_words < up_words:
        return list(kept)
    if sum(probs[i] * lines[i].n for i in up) >= ABOVE_P * up_words:
        return list(kept)
    if sum(probs[i] * lines[i].n for i in down) < STORY_P * down_words:
        return list(kept)
    run = 0
    for i in up:
        run = run + 1 if lines[i].prose and probs[i] >= ABOVE_RUN_P else 0
        if run >= ABOVE_RUN:
            return list(kept)
    return down


# headings of the boxes below a story that are too often set into one to end it by
# themselves ("Mehr zu diesem Thema", "Lesen Sie auch", "Most Popular", "Themen: ..."): they
# mark where the furniture starts for :func:`drop_doubted_below`, which weighs the scores
_BELOW_HEAD = re.compile(
    r"^(?:themen\s*:|weitere inhalte|"
    r"(?:vorherige|nächste|interessante|aktuelle|beliebte|weitere|neueste|die meistgelesenen) "
    r"(?:artikel|beiträge|nachrichten)\b|"
    r"últimas noticias|más leídas|read more|more (?:news|stories|articles|from)\b|"
    r"most popular|good deals|latest news|keep reading)",
    re.IGNORECASE,
)


def end_marker(line: Line) -> bool:
    """A "Related", "Comments", filing or tag line: where the furniture below a story starts."""
    text = line.text
    if short_marker(line):
        return True
    if line.n <= 8 and not line.prose and _BELOW_HEAD.match(text):
        return True
    return line.n <= META_WORDS and bool(META_MARKER.match(text) or TAG_LIST.match(text))


def drop_doubted_below(
    kept: Sequence[int], lines: Sequence[Line], probs: Sequence[float]
) -> list[int]:
    """Drop the kept lines below an end marker when the model doubts them and is sure of
    the story above it.

    Teasers with summaries, the next story's opening, an author's bio or a sign-up text
    under a "Related", "Comments", filing or tag line score over the threshold, but lower
    than a story's paragraphs: when their words score under ``ABOVE_P`` on average and the
    ``BELOW_STORY`` or more prose words above the marker score ``STORY_P`` or more, the
    lines below the first such marker go. A box set into the story (the story's paragraphs
    read on below it, scoring high) is left alone.
    """
    if not kept:
        return []
    kept = list(kept)
    # running sums over the kept lines, so each marker costs the same however many there are
    words, prose, mass = [0], [0], [0.0]
    for i in kept:
        words.append(words[-1] + lines[i].n)
        prose.append(prose[-1] + (lines[i].n if lines[i].prose else 0))
        mass.append(mass[-1] + probs[i] * lines[i].n)
    for m in range(kept[0] + 1, kept[-1]):
        if not end_marker(lines[m]):
            continue
        up, down = bisect.bisect_left(kept, m), bisect.bisect_right(kept, m)
        if prose[up] < BELOW_STORY:
            continue
        if mass[up] < BELOW_SURE * (words[up] or 1):
            continue
        if mass[-1] - mass[down] < BELOW_P * ((words[-1] - words[down]) or 1):
            return kept[:up]
    return kept


def drop_stray_fragments(
    kept: Sequence[int],
    lines: Sequence[Line],
    probs: Sequence[float],
    keep_p: float,
    hole: int,
    anchor: int = -1,
) -> list[int]:
    """Drop pieces of the kept region that only rules let in and a hole cuts off.

    The region grows by rules (prose below the headline anchor, prose after the story) down
    to scores below the keep threshold, ``keep_p``. The kept lines fall into pieces where at
    least ``hole`` lines of text in a row were not kept. The story's piece is the first piece
    with a line scoring ``keep_p`` that starts within ``STORY_REACH`` lines below the headline
    ``anchor``, or else the first piece starting right below it (a short story scores lower
    than a sidebar or a list of teasers). Other pieces none of whose lines reaches ``keep_p``
    are not the story (a "most read" line below the headline above a "More on" list), and
    hole filling would otherwise join them, and the furniture between, to the story. When
    the story's piece is itself weak (a short story), strong pieces more than ``FAR_DROP``
    lines away from it are dropped too. Below the story, a piece past a share bar or a
    sign-up block (``PAST_BAR_LINES`` short furniture lines in the hole) whose words score
    under ``PAST_BAR_P`` on average goes: teasers, a comment form, the site's feed. First
    of all, doubted lines above the headline go (:func:`drop_doubted_above`), and so do
    links to other stories set into this one (:func:`teaser_link`).
    """
    kept = drop_doubted_below(drop_doubted_above(kept, lines, probs, anchor), lines, probs)
    boxes = inline_boxes(lines)
    kept = [
        i for i in kept if not (teaser_link(lines[i]) or promo_line(lines[i])) and i not in boxes
    ]
    if hole <= 0 or len(kept) < 2:
        return list(kept)
    pieces: list[list[int]] = [[kept[0]]]
    for a, b in itertools.pairwise(kept):
        if sum(1 for i in range(a + 1, b) if lines[i].n > 0) >= hole:
            pieces.append([])
        pieces[-1].append(b)
    if len(pieces) == 1:
        return list(kept)
    strong = [max(probs[i] for i in p) >= keep_p for p in pieces]
    story = -1
    if anchor >= 0:
        near = [k for k, p in enumerate(pieces) if 0 < p[0] - anchor <= STORY_REACH]
        story = next((k for k in near if strong[k]), -1)
        if story < 0:
            story = next((k for k in near if pieces[k][0] - anchor <= 8), -1)
    if not any(strong):
        return list(kept)
    if story >= 0 and not strong[story]:
        # a weak story right below the headline: a strong piece far from it and not much
        # longer is a sidebar, a teaser or the footer, not more of a story this short (a
        # piece twice its length or more is the story, and the anchor was wrong)
        top, bottom = pieces[story][0], pieces[story][-1]
        size = sum(lines[i].n for i in pieces[story])
        return [
            i
            for k, p in enumerate(pieces)
            if k == story
            or (
                strong[k]
                and (
                    max(p[0] - bottom, top - p[-1]) <= FAR_DROP
                    or sum(lines[i].n for i in p) >= 2 * size
                )
            )
            for i in p
        ]
    keep = [strong[k] or k == story for k in range(len(pieces))]
    for k in range(max(story, 0) + 1, len(pieces)):
        # past a share bar or a sign-up block, a piece the model doubts (teasers, a comment
        # form, the feed) is the page's, not more of the story: a story's own paragraphs
        # after a break score high
        gap = range(pieces[k - 1][-1] + 1, pieces[k][0])
        bar = sum(1 for j in gap if lines[j].boiler and lines[j].n <= 12) >= PAST_BAR_LINES
        words = sum(lines[i].n for i in pieces[k]) or 1
        if keep[k] and bar and sum(probs[i] * lines[i].n for i in pieces[k]) < PAST_BAR_P * words:
            keep[k] = False
    return [i for k, p in enumerate(pieces) if keep[k] for i in p]
