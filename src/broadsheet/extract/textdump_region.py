"""Choosing the story's region among a text dump's scored lines: the heaviest cluster of
kept lines (the one below the headline anchor weighs more), the prose run right below the
anchor, the story continued past embedded posts, doubted lines above the headline dropped,
doubted lines below an end marker dropped, holes inside it filled, notices, server warnings
and pitches trimmed at both ends, links to other stories, "read also" boxes and newsletter
pitches taken out, and the story ended at a "Comments", "Related" or tag line or at the next
article's headline."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from broadsheet.extract.textdump_features import Line, consent_words, is_prose
from broadsheet.extract.textdump_header import (
    BYLINE,
    DATE_RE,
    ends_statement,
    is_credit,
    title_like,
)
from broadsheet.extract.textdump_recall import story_paragraph

__all__ = [
    "below_anchor",
    "comment_stamp",
    "cut_at_comment_thread",
    "cut_at_end_marker",
    "cut_at_next_article",
    "drop_doubted_above",
    "drop_doubted_below",
    "drop_repeated",
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
    "teaser_list",
    "teaser_title",
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
# a 'Related' box inside a story: the marker and at most this many headlines
BOX_LINES = 4
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

_COMMENTS_MARKER = re.compile(
    r"^(?:\[?\s*(?:\d+\s*)?(?:top rated |reader |show |view )?comments?\s*(?:\(\d+\))?\]?|"
    r"leave a (?:comment|reply)|post a comment|join the discussion|about the author|"
    r"you (?:may|might) also like|"
    # the same in the other languages the features read (de, fr, es, it, pt)
    r"(?:\d+\s*)?(?:kommentare?|commentaires?|comentarios?|commenti|comentários?)"
    r"(?:\s*\(\d+\))?|kommentar schreiben|laisser un commentaire|deja un comentario|"
    r"lascia un commento|deixe (?:um|seu) comentário|"
    # invitations to comment ("Hinterlasse einen Kommentar", "Have your say")
    r"hinterlasse einen kommentar|schreibe einen kommentar|jetzt kommentieren|"
    r"kommentare abonnieren\??|add (?:a |your )?comment|write a comment|join the conversation|"
    r"have your say|start the conversation|ajouter un commentaire|écrire un commentaire|réagir|"
    r"escribe un comentario|scrivi un commento|escreva (?:um|seu) comentário|comente|"
    r"(?:das könnte (?:sie|dich) auch interessieren|vous aimerez aussi|"
    r"ti potrebbe interessare|você (?:também )?pode gostar))\s*[:.…]*$",
    re.IGNORECASE,
)
_RELATED_MARKER = re.compile(
    r"^(?:related(?: stories| articles| posts| news| content| coverage| links)?|tags?|"
    r"(?:more|other) (?:\w+ )?(?:\w+ )?(?:stories|news|articles|reads|videos)(?: from \w+)?|"
    r"recommended(?: for you| stories| reading)?|more (?:from|in|on) \w+(?: \w+){0,4}|"
    r"(?:read|up|what to read|watch) next|next up(?: in \w+(?: \S+){0,4})?|"
    r"most (?:read|popular|viewed|shared)(?: \w+)?|(?:trending|popular)(?: now| stories| news)?|"
    r"editor'?s'? picks?|don'?t miss|latest (?:news|stories|articles)|top stories|"
    r"around the web|further reading|keep reading|you may be interested in|"
    r"share this(?: article| story)?|"
    # the same in the other languages the features read (de, fr, es, it, pt)
    # (not "read also", "lesen Sie auch": a box set into a story more often than its end)
    r"(?:auch|ebenfalls) interessant|"
    r"(?:neueste|letzte|aktuelle) (?:artikel|beiträge)|(?:latest|recent) posts|"
    r"derniers articles|articles? en relation|entradas recientes|articoli recenti|"
    r"artigos recentes|"
    r"(?:weitere|ähnliche|verwandte) (?:artikel|beiträge|nachrichten|themen)|meistgelesene?n?|"
    r"am (?:meisten gelesen|beliebtesten)|teilen|schlagw(?:o|ö)rter?|"
    r"sur le même sujet|articles? (?:similaires|liés|connexes)|"
    r"les plus (?:lus|populaires|partagés)|dans la même rubrique|partager(?: cet article)?|"
    r"nos vidéos|mots[- ]clés|"
    r"(?:noticias|artículos|notas) relacionad[oa]s|lo más (?:leído|visto)|más leíd[oa]s|"
    r"compartir|etiquetas|"
    r"articoli correlati|(?:i )?più lett[ie]|condividi|"
    r"(?:notícias|matérias) relacionadas|"
    r"(?:as |os )?mais (?:lidas|lidos)(?: agora)?|compartilhe|"
    r"(?:about|sobre|über|à propos de|acerca de) (?:the )?\w+(?: \w+){0,3})\s*[:.…]*$",
    re.IGNORECASE,
)

# lines that open the furniture below a post, of any length up to META_WORDS words: where it
# is filed ("Filed under: ...", "Dieser Beitrag wurde unter ... abgelegt"), its author's
# other posts, a "like" or a support box, the count of its comments ("6 Comments on <title>")
META_WORDS = 40
# a tag list ("Tags: a, b", "Etiquetas:", "In this article: ...") ends a story of at least this
# many words of prose even when more kept prose follows it (the next story, teasers)
TAG_STORY = 50
_TAG_LIST = re.compile(
    r"^(?:tags?|tagged(?: with)?|getaggt mit|schlagw(?:o|ö)rter|schlagworte|stichwörter|"
    r"mots[- ]clés|etiquetas|in this article|labels|címkék)\s*:",
    re.IGNORECASE,
)
_META_MARKER = re.compile(
    r"^(?:filed under|posted in|tagged(?: with)?|categor(?:y|ies)|kategorien?|abgelegt unter|"
    r"schlagw(?:o|ö)rter|schlagworte|catégories?|mots[- ]clés|etiquetas|categorías?|"
    r"categorie|archiviato in|categorias|in this article|getaggt mit|labels|címkék|stichwörter)"
    r"\s*:|"
    # a blog's post footer ("Posted by K A at 12:11 PM")
    r"^posted by [^.!?]{1,60} at \d{1,2}:\d{2}|"
    r"^(?:this (?:entry|post) was posted|dieser (?:beitrag|artikel|eintrag) wurde|"
    r"der beitrag wurde am|ce (?:billet|article) a été publié|esta entrada fue publicada|"
    r"(?:view|see) all posts by|(?:zeige )?alle beiträge von|voir tous les articles (?:de|par)|"
    r"ver todas las entradas de|more posts by|"
    r"(?:like|gefällt mir|j'aime|me gusta|mi piace|curtir)(?: this| ça| esto| isso)?\s*:|"
    r"support us|unterstützen sie uns|soutenez[- ]nous|apóyanos|sostienici|apoie|"
    r"suggest a correction|report an? (?:error|typo)|fehler melden|signaler une erreur|"
    r"read or share this story|"
    # the post's navigation below it ("Previous post", "Nächster Artikel<title>"), pingbacks
    r"(?:previous|next|older|newer) (?:post|article|entry)|post navigation|"
    r"(?:vorheriger|nächster) (?:artikel|beitrag)|beitrags-navigation|"
    r"article (?:précédent|suivant)|navigation des articles|entrada (?:anterior|siguiente)|"
    r"navegación de entradas|articolo (?:precedente|successivo)|"
    r"(?:pingback|trackback)(?: von| from| de)?\b|"
    r"erstellt am .{0,80}abgelegt unter|"
    # a bracketed count of the comments below ("{ 38 comments… read them below or add one }")
    r"[{\[(]\s*\d+\s+(?:comments?|kommentare?|commentaires?|comentarios?)\b|"
    r"(?:\d+|no|one) (?:comments?|responses?|repl(?:y|ies)|thoughts?|antworten|kommentare?|"
    r"réponses?|commentaires?|respuestas?|comentarios?|risposte|commenti|respostas?|"
    r"comentários?)(?: (?:on|to|zu|à|a|para|su|sur|em)\b| so far| yet))",
    re.IGNORECASE,
)


def cut_at_end_marker(kept: Sequence[int], lines: Sequence[Line], first: int) -> list[int]:
    """End the story at a "Related" line when less kept prose lies below it than above it,
    or at a "Comments" line with a good deal of prose above it.

    A "Related" box set into a story (the marker and a few headlines, then the story's
    paragraphs again) does not end it: the box is taken out and the story read on.
    """
    if not kept:
        return []
    kept = list(kept)
    # kept prose words at or below each line, for the "less prose below" test
    below = [0] * (kept[-1] + 2)
    kept_set = set(kept)
    for i in range(kept[-1], -1, -1):
        own = lines[i].n if i in kept_set and lines[i].prose else 0
        below[i] = below[i + 1] + own
    before = 0
    for i in range(first, kept[-1] + 1):
        line = lines[i]
        # the post's filing, its author's other posts, a "like" or support box
        meta = before and line.n <= META_WORDS and _META_MARKER.match(line.text)
        tags = before >= TAG_STORY and line.n <= META_WORDS and _TAG_LIST.match(line.text)
        if (meta and below[i + 1] < before) or tags:
            return [k for k in kept if k < i]
        if line.prose:
            before += line.n
            continue
        if before == 0 or line.n > 5:
            continue
        comments = bool(_COMMENTS_MARKER.match(line.text))
        if comments or _RELATED_MARKER.match(line.text):
            after = below[i + 1]
            resume = -1 if comments else _story_resumes(lines, kept, i)
            if resume > 0:
                kept = [k for k in kept if not i <= k < resume]
                continue
            # comment threads can outgrow the story; share bars above it have little prose
            if after < before or (comments and before >= 100):
                return [k for k in kept if k < i]
            if not comments and teaser_list(lines, [k for k in kept if k > i]):
                return [k for k in kept if k < i]
    return cut_at_next_article(cut_at_comment_thread(kept, lines, first), lines, first)


# the next article below the story (a "more news" list or an endless-scroll page): its
# headline, then within NEXT_HEAD_LINES lines its byline with a date ("by CBS 42 Digital Team
# / Nov 20, 2020"), then its prose; cut only below NEXT_STORY words of this story's prose
NEXT_STORY = 150
NEXT_HEAD_LINES = 2


def next_article_byline(line: Line) -> bool:
    """A byline with a date in one short line: "By Jane Roe / Nov 20, 2020"."""
    return (
        line.n <= 14
        and not line.prose
        and bool(BYLINE.match(line.text))
        and bool(DATE_RE.search(line.text))
    )


def _next_headline(line: Line) -> bool:
    return title_like(line) or (4 <= line.n <= 30 and not ends_statement(line.text))


def cut_at_next_article(kept: Sequence[int], lines: Sequence[Line], first: int) -> list[int]:
    """End the story at the headline of the next article set below it: a title-like line,
    within ``NEXT_HEAD_LINES`` lines above a byline with a date, with kept prose right below
    that byline, and ``NEXT_STORY`` words of this story's prose above the headline."""
    if not kept:
        return []
    kept = list(kept)
    kept_set = set(kept)
    before = 0
    k = 0
    for j in range(first, kept[-1] + 1):
        while k < len(kept) and kept[k] < j:
            if lines[kept[k]].prose:
                before += lines[kept[k]].n
            k += 1
        if before < NEXT_STORY or not next_article_byline(lines[j]):
            continue
        head = next(
            (
                h
                for h in range(j - 1, max(first, j - NEXT_HEAD_LINES - 1), -1)
                if _next_headline(lines[h])
            ),
            -1,
        )
        if head < 0:
            continue
        if not any(x in kept_set and lines[x].prose for x in range(j + 1, min(len(lines), j + 4))):
            continue
        prose_above = sum(lines[x].n for x in kept if first <= x < head and lines[x].prose)
        if prose_above >= NEXT_STORY:
            return [x for x in kept if x < head]
    return kept


# a comment's header: a name with a time or an age ("Leo July 23, 2015 at 3:20 pm", "Am 29.
# Mai 2017 um 23:16 von X", "1 point · 6 years ago"), "X says:", or a lone "Reply"
_STAMP_TIME = re.compile(
    r"(?<![$€£¥\d.,])\b\d{1,2}(?::\d{2}|\.\d{2}\s*(?:uhr|h)\b)(?![.,:]?\d)|"
    r"\b\d+\s+(?:minutes?|mins?|hours?|days?|weeks?|months?|years?|minuten|stunden|tagen?|"
    r"wochen|monaten?|jahren?|heures?|jours?|semaines?|mois|ans?|horas?|días?|semanas?|"
    r"meses|años?|anos?|ore|giorni|settimane|mesi|anni)\s+(?:ago|fa|atrás)\b|"
    r"\b(?:vor|il y a|hace|há)\s+\d+\s+\w+",
    re.IGNORECASE,
)
_STAMP_SAYS = re.compile(
    r"^\S+(?:\s+\S+){0,3}\s+(?:says|said|wrote|schreibt|sagt|meint|dit|a écrit|escribió|"
    r"dice|scrive|disse|escreveu)\s*:?$",
    re.IGNORECASE,
)
_STAMP_REPLY = re.compile(
    r"^(?:reply|antworten|antwort|répondre|responder|rispondi|responda)\s*[↓↑→»]?$",
    re.IGNORECASE,
)
# (the three letters before the stop are looked behind for, so that a long run of letters
# is not tried again from each of its starts)
_SENTENCE_INSIDE = re.compile(r"(?<=\w\w\w)[.!?]\s+\w")
# what a live blog's entry time is made of ("5:28 p.m. ET", "Updated 10.42 GMT", "Mon 6 Dec
# 09:15"): with the time taken out and only these words left, the line names nobody, so it
# is an entry of the story, not a comment's header
_TIME_ONLY_WORDS = re.compile(
    r"^(?:\W|\d|a\.?m\.?|p\.?m\.?|am|pm|h|uhr|at|um|à|a las|on|updated?|posted|"
    r"gmt|bst|utc|cet|cest|mez|mesz|et|est|edt|ct|pt|pst|pdt|hkt|sgt|jst|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|"
    r"sat(?:urday)?|sun(?:day)?|today|yesterday|heute|gestern)*$",
    re.IGNORECASE,
)
# a comment thread: this many comment headers, each within THREAD_GAP lines of the next,
# with prose between at least two of them
THREAD_STAMPS = 3
THREAD_GAP = 15


def comment_stamp(line: Line) -> bool:
    """A comment's header line: short, not prose, a time or an age, "X says:", "Reply"."""
    if line.prose or line.n == 0 or line.n > 14:
        return False
    text = line.text
    if _SENTENCE_INSIDE.search(text):  # "Price may be higher now. Price of 02.01.2023 12:53"
        return False
    if _STAMP_SAYS.match(text) or _STAMP_REPLY.match(text):
        return True
    time = _STAMP_TIME.search(text)
    if time is None:
        return False
    # a lone time is a live blog's entry, whose entries are the story: a comment's header
    # also names its writer ("Leo July 23, 2015 at 3:20 pm")
    rest = (text[: time.start()] + " " + text[time.end() :]).split()
    return not all(_TIME_ONLY_WORDS.match(word) for word in rest)


def cut_at_comment_thread(kept: Sequence[int], lines: Sequence[Line], first: int) -> list[int]:
    """End the story where a comment thread starts below it: ``THREAD_STAMPS`` comment
    headers (a name and a time, "X says:", "Reply") close together with replies between.
    The story's own prose above the first header must come first (a forum post or a page of
    comments with no story above is left alone)."""
    if not kept:
        return []
    kept_set = set(kept)
    stamps = [j for j in range(first + 1, kept[-1] + 1) if comment_stamp(lines[j])]
    for a in range(len(stamps)):
        run = [stamps[a]]
        for b in stamps[a + 1 :]:
            if b - run[-1] > THREAD_GAP:
                break
            run.append(b)
        if len(run) < THREAD_STAMPS:
            continue
        replies = sum(
            1
            for x, y in itertools.pairwise([*run, run[-1] + THREAD_GAP])
            if any(j in kept_set and lines[j].prose for j in range(x + 1, min(y, len(lines))))
        )
        if replies < 2:
            continue
        start = run[0]
        above = sum(lines[k].n for k in kept if first <= k < start and lines[k].prose)
        if above < 50:
            return list(kept)
        out = [k for k in kept if k < start]
        # the commenter's name line right above the first header goes with it
        while out and out[-1] >= start - 2 and not lines[out[-1]].prose and lines[out[-1]].n <= 5:
            out.pop()
        return out
    return list(kept)


def _story_resumes(lines: Sequence[Line], kept: Sequence[int], marker: int) -> int:
    """Where the story resumes below a "Related" box set into it, or -1.

    The box is the marker and at most ``BOX_LINES`` short lines that are not prose (its
    headlines); the story resumes at the kept prose line below them when at least two kept
    prose lines of 60 words or more in all lie from there on and they do not read as a
    list of teasers (a title-like line above most of them).
    """
    if BOX_LINES <= 0:
        return -1
    resume = -1
    for j in range(marker + 1, min(len(lines), marker + BOX_LINES + 2)):
        line = lines[j]
        if line.n == 0:
            continue
        if line.prose:
            resume = j
            break
        if line.n > 20:
            return -1
    if resume < 0 or resume not in set(kept):
        return -1
    rest = [k for k in kept if k >= resume]
    prose = [k for k in rest if lines[k].prose]
    if len(prose) < 2 or sum(lines[k].n for k in prose) < 60:
        return -1
    return -1 if teaser_list(lines, rest) else resume


def teaser_title(line: Line) -> bool:
    """A teaser's headline: 4-20 words, not a sentence, not a list item."""
    return (
        4 <= line.n <= 20 and not line.prose and not line.bullet and not ends_statement(line.text)
    )


def teaser_list(lines: Sequence[Line], below: Sequence[int]) -> bool:
    """Kept lines below a "Related" line that read as a list of teasers: most of their
    prose lines are short summaries right under a title-like line (a story's sections
    run to more than one paragraph each)."""
    prose = [i for i in below if lines[i].prose]
    if len(prose) < 2:
        return False
    teasers = sum(1 for i in prose if lines[i].n <= 50 and i > 0 and teaser_title(lines[i - 1]))
    return teasers * 3 >= len(prose) * 2


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
    r"related|you may like|don'?t miss|up next)\s*[:.…]*$",
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
    """Drop notices (cookies, browsers, sign-in) kept above the article's first paragraph."""
    start = 0
    while start < len(kept) - 1:
        line = lines[kept[start]]
        if (furniture(line) and not story_paragraph(line)) or not is_prose(line):
            start += 1
            continue
        break
    if any(furniture(lines[i]) for i in kept[:start]):
        return list(kept[start:])
    return list(kept)


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
    if line.n <= 5 and (_RELATED_MARKER.match(text) or _COMMENTS_MARKER.match(text)):
        return True
    if line.n <= 8 and not line.prose and _BELOW_HEAD.match(text):
        return True
    return line.n <= META_WORDS and bool(_META_MARKER.match(text) or _TAG_LIST.match(text))


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
    for m in range(kept[0] + 1, kept[-1]):
        if not end_marker(lines[m]):
            continue
        up = [i for i in kept if i < m]
        down = [i for i in kept if i > m]
        up_words = sum(lines[i].n for i in up if lines[i].prose)
        down_words = sum(lines[i].n for i in down) or 1
        if up_words < BELOW_STORY:
            continue
        if sum(probs[i] * lines[i].n for i in up) < BELOW_SURE * (sum(lines[i].n for i in up) or 1):
            continue
        if sum(probs[i] * lines[i].n for i in down) < BELOW_P * down_words:
            return [i for i in kept if i < m]
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


def drop_repeated(body: Sequence[int], lines: Sequence[Line], min_words: int) -> list[int]:
    """Drop body lines (``min_words`` words or more) that the page shows again outside the
    story's span: a teaser's summary also listed in a sidebar, a gallery caption repeated in
    the gallery. A story's own paragraphs are not printed a second time around it."""
    if not body or min_words <= 0:
        return list(body)
    lo, hi = body[0], body[-1]
    outside = {
        line.text for j, line in enumerate(lines) if line.n >= min_words and not lo <= j <= hi
    }
    return [i for i in body if lines[i].n < min_words or lines[i].text not in outside]
