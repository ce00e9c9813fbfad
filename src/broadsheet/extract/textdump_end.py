"""Where a text dump's story ends: a "Related", "Comments", filing or tag line with less
prose below it than above (a short box set into the story is read across), a comment thread
(three or more comment headers close together, with prose between), the next article's
headline over a dated byline, or a list of teaser titles below the story."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from broadsheet.extract.textdump_features import DATE_RE, Line
from broadsheet.extract.textdump_header import BYLINE, ends_statement, title_like

__all__ = [
    "BOX_LINES",
    "COMMENTS_MARKER",
    "FEEDBACK_MARKER",
    "FEEDBACK_WORDS",
    "META_MARKER",
    "META_WORDS",
    "RELATED_MARKER",
    "SOURCES_MARKER",
    "TAG_LIST",
    "comment_stamp",
    "cut_at_comment_thread",
    "cut_at_end_marker",
    "cut_at_next_article",
    "next_article_byline",
    "short_marker",
    "teaser_list",
    "teaser_title",
]

# a 'Related' box inside a story: the marker and at most this many short lines (three
# headlines, each with its writer's name under it)
BOX_LINES = 6
# ... or a longer box ("Most Popular": six headlines, each with its section and writer) when
# at least LONG_BOX_STORY words of the story's kept prose follow it
LONG_BOX_LINES = 24
LONG_BOX_STORY = 150

COMMENTS_MARKER = re.compile(
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
RELATED_MARKER = re.compile(
    r"^(?:related(?: stories| articles| posts| news| content| coverage| links)?|tags?|"
    r"(?:(?:see|view|read) )?(?:more|other) (?:\w+ )?(?:\w+ )?"
    r"(?:stories|news|articles|reads|videos|reviews|posts|guides)(?: from \w+)?|"
    r"recommended(?: for you| stories| reading)?|more (?:from|in|on) \w+(?: \w+){0,4}|"
    r"(?:read|up|what to read|watch) next|next up(?: in \w+(?: \S+){0,4})?|"
    r"most (?:read|popular|viewed|shared)(?: \w+)?|"
    r"(?:trending|popular)(?: now| stories| news| articles| posts| reads)?|"
    r"editor'?s'? picks?|don'?t miss|latest (?:news|stories|articles)|top stories|"
    r"around the web|further reading|keep reading|you may be interested in|"
    r"share this(?: article| story)?|"
    # the same in the other languages the features read (de, fr, es, it, pt)
    # (not "read also", "lesen Sie auch": a box set into a story more often than its end)
    r"(?:auch|ebenfalls) interessant|"
    r"(?:neueste|letzte|aktuelle) (?:artikel|beiträge|nachrichten)|(?:latest|recent) posts|"
    r"últimas noticias|ultime notizie|dernières (?:nouvelles|actualités|infos)|"
    r"últimas notícias|"
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

# the heading of what follows a story: its sources, references, links (a 'Related' marker;
# not "Source", a picture's credit line set into the story)
SOURCES_MARKER = re.compile(
    r"^(?:(?:view |show |see )?(?:article |the )?sources|references|bibliography|"
    r"citations?|works cited|footnotes|"
    r"(?:useful |additional |external |related |helpful )?links|"
    r"quellen(?:angaben)?|literatur(?:verzeichnis)?|einzelnachweise|références|sources et "
    r"références|fuentes|referencias|bibliografía|fonti|riferimenti|bibliografia|"
    r"referências|fontes)\s*[:.]?$",
    re.IGNORECASE,
)

# a feedback box below the story ("Was this page helpful?", "How was this issue?"), read as
# a "Comments" line
FEEDBACK_MARKER = re.compile(
    r"^(?:was this (?:page|article|post|story|guide|information|answer)? ?(?:helpful|useful)|"
    r"did you (?:find|like|enjoy) this (?:page|article|post|story|guide)(?: helpful| useful)?|"
    r"how (?:was|did you like|would you rate) this (?:issue|article|post|story|newsletter)|"
    r"rate this (?:article|post|story|page|issue)|"
    r"(?:war|ist) dieser (?:artikel|beitrag) hilfreich|cet article vous a-t-il été utile|"
    r"¿?(?:te|le) (?:ha )?(?:resultado|sido|fue) útil (?:este|esta) (?:artículo|página)|"
    r"¿?(?:fue|es) útil (?:este|esta) (?:artículo|página)|"
    r"questo articolo (?:ti )?è stato utile|este artigo (?:foi|é) útil)\s*(?:[?:.…]*$|\?\s)",
    re.IGNORECASE,
)
FEEDBACK_WORDS = 12
# a "Related" line with this many teaser titles among the next RUN_LOOK lines below it
# ends a story of at least RUN_STORY words even when more prose follows (reviews, a feed)
TITLE_RUN = 3
RUN_LOOK = 4
RUN_STORY = 150
# ...unless two kept prose lines in a row follow within this many lines (the story read on)
RUN_RESUME = 15

# lines that open the furniture below a post, of any length up to META_WORDS words: where it
# is filed ("Filed under: ...", "Dieser Beitrag wurde unter ... abgelegt"), its author's
# other posts, a "like" or a support box, the count of its comments ("6 Comments on <title>")
META_WORDS = 40
# a tag list ("Tags: a, b", "Etiquetas:", "In this article: ...") ends a story of at least this
# many words of prose even when more kept prose follows it (the next story, teasers)
TAG_STORY = 50
TAG_LIST = re.compile(
    r"^(?:tags?|tagged(?: with)?|getaggt mit|schlagw(?:o|ö)rter|schlagworte|stichwörter|"
    r"mots[- ]clés|etiquetas|in this article|labels|címkék)\s*:",
    re.IGNORECASE,
)
META_MARKER = re.compile(
    r"^(?:filed under|posted in|tagged(?: with)?|categor(?:y|ies)|kategorien?|abgelegt unter|"
    r"schlagw(?:o|ö)rter|schlagworte|catégories?|mots[- ]clés|etiquetas|categorías?|"
    r"categorie|archiviato in|categorias|in this article|getaggt mit|labels|címkék|stichwörter)"
    r"\s*:|"
    # a blog's post footer ("Posted by K A at 12:11 PM")
    r"^posted by [^.!?]{1,60} at \d{1,2}:\d{2}|"
    # the author's box ("About the author: Jane Roe is a photographer based in ...")
    r"^(?:about the author|über (?:den|die) autor(?:in)?|à propos de l'auteur|"
    r"sobre el autor|sobre o autor|sull'autore)\s*:|"
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
    repeated = _repeated_boxes(lines, kept, kept_set, first)
    for i in range(first, kept[-1] + 1):
        line = lines[i]
        # the post's filing, its author's other posts, a "like" or support box
        meta = before and line.n <= META_WORDS and META_MARKER.match(line.text)
        tags = before >= TAG_STORY and line.n <= META_WORDS and TAG_LIST.match(line.text)
        if (meta and below[i + 1] < before) or tags:
            return [k for k in kept if k < i]
        # a feedback box, read as a "Comments" line ("Did you like this article? ...")
        feedback = before and line.n <= FEEDBACK_WORDS and FEEDBACK_MARKER.match(line.text)
        if feedback and below[i + 1] < before:
            return [k for k in kept if k < i]
        if line.prose:
            before += line.n
            continue
        if before == 0 or line.n > 5:
            continue
        comments = bool(COMMENTS_MARKER.match(line.text))
        sources = bool(SOURCES_MARKER.match(line.text))  # citations read as prose
        if comments or sources or RELATED_MARKER.match(line.text):
            after = below[i + 1]
            resume = -1 if comments or sources else _story_resumes(lines, kept, i, i in repeated)
            if resume > 0:
                kept = [k for k in kept if not i <= k < resume]
                continue
            # comment threads can outgrow the story; share bars above it have little prose
            if after < before or (comments and before >= 100):
                return [k for k in kept if k < i]
            if not comments and teaser_list(lines, [k for k in kept if k > i]):
                return [k for k in kept if k < i]
            if (
                not comments
                and before >= RUN_STORY
                and _title_run(lines, i)
                and not _paragraphs_below(lines, set(kept), i)
            ):
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
# ... unless the kept prose below the first header is this many times the story's above it
LIVE_BLOG = 4


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
        below = sum(lines[k].n for k in kept if k > start and lines[k].prose)
        if below >= LIVE_BLOG * above:
            # a live blog's entries ("21:00 Jane Roe", then the entry) below a short lead,
            # not comments: a thread the model keeps this much more of than the story is the story
            return list(kept)
        out = [k for k in kept if k < start]
        # the commenter's name line right above the first header goes with it
        while out and out[-1] >= start - 2 and not lines[out[-1]].prose and lines[out[-1]].n <= 5:
            out.pop()
        return out
    return list(kept)


def _title_run(lines: Sequence[Line], marker: int) -> bool:
    """``TITLE_RUN`` titles (short lines that are not sentences) among the ``RUN_LOOK``
    lines right below a marker."""
    below = [line for line in lines[marker + 1 : marker + 1 + RUN_LOOK * 2] if line.n > 0]
    return sum(1 for line in below[:RUN_LOOK] if _link_title(line)) >= TITLE_RUN


def _paragraphs_below(lines: Sequence[Line], kept: set[int], marker: int) -> bool:
    """Two kept prose lines in a row within ``RUN_RESUME`` lines below a marker: the story
    going on past a box of titles ("Story continues below advertisement"), where reviews or
    a feed's entries put a name or a title between their lines."""
    prev = False
    for j in range(marker + 1, min(len(lines), marker + RUN_RESUME + 1)):
        if lines[j].n == 0:
            continue
        now = j in kept and lines[j].prose
        if now and prev:
            return True
        prev = now
    return False


def _link_title(line: Line) -> bool:
    return not line.prose and 2 <= line.n <= 20 and not line.text.endswith((".", ":"))


def short_marker(line: Line) -> bool:
    """A short "Related", "Most read" or "Comments" line."""
    return line.n <= 5 and bool(RELATED_MARKER.match(line.text) or COMMENTS_MARKER.match(line.text))


def _repeated_boxes(
    lines: Sequence[Line], kept: Sequence[int], kept_set: set[int], first: int
) -> set[int]:
    """The "Related" headings the page sets into the story more than once: the same heading
    again above or below, with at least two kept prose lines between the two ("Most
    Popular" every few paragraphs of a long guide); such a box is not the story's end.
    (One pass over the lines and the nearest repeat each: a dump of a thousand such lines
    costs no more than one.)"""
    if not kept:
        return set()
    prose = [0]  # kept prose lines above each line
    for j, line in enumerate(lines):
        prose.append(prose[-1] + (1 if j in kept_set and line.prose else 0))
    seen: dict[str, int] = {}
    out: set[int] = set()
    for j in range(first, kept[-1] + 1):
        if not short_marker(lines[j]):
            continue
        text = lines[j].text.lower()
        last = seen.get(text)
        if last is not None and prose[j] - prose[last + 1] >= 2:
            out.update((last, j))
        seen[text] = j
    return out


def _story_resumes(
    lines: Sequence[Line], kept: Sequence[int], marker: int, repeated: bool = False
) -> int:
    """Where the story resumes below a "Related" box set into it, or -1.

    The box is the marker and at most ``BOX_LINES`` short lines that are not prose (its
    headlines); the story resumes at the kept prose line below them when at least two kept
    prose lines of 60 words or more in all lie from there on and they do not read as a
    list of teasers (a title-like line above most of them). A longer box, of up to
    ``LONG_BOX_LINES`` lines, needs the story to read on in paragraphs (``LONG_BOX_STORY``
    words, four of the next six kept lines prose) and no second marker inside it ("Next Up
    In News" ... "Most Read"), unless the page ``repeated`` the box elsewhere in the story.
    """
    if BOX_LINES <= 0:
        return -1
    resume = -1
    kept_set = set(kept)
    for j in range(marker + 1, min(len(lines), marker + LONG_BOX_LINES + 2)):
        line = lines[j]
        if line.n == 0:
            continue
        if line.prose and (j - marker <= BOX_LINES + 1 or (j in kept_set and line.n > 12)):
            resume = j
            break
        if line.n > 20:  # (a headline of a long box reads as prose: "Which Is the Safest Seat?")
            return -1
    if resume < 0 or resume not in kept_set:
        return -1
    rest = [k for k in kept if k >= resume]
    prose = [k for k in rest if lines[k].prose]
    words = sum(lines[k].n for k in prose)
    if len(prose) < 2 or words < 60:
        return -1
    if (
        resume - marker > BOX_LINES + 1
        and not repeated
        and (
            len(prose) < 3
            or words < LONG_BOX_STORY
            or sum(lines[k].prose for k in rest[:6]) < 4
            or any(short_marker(lines[j]) for j in range(marker + 1, resume))
        )
    ):
        # a long box: the story reads on in paragraphs, not a review or a feed with a name
        # or a title between its lines
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
