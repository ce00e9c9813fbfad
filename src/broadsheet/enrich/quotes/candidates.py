"""Candidate attributions read off the dependency parse, before any is chosen.

A cue verb gives one candidate per pattern its parse offers: its clause, infinitive, object
or prepositional object, or the sentence it interrupts ("A, X said, B"); a cue noun with
an owner ("his warning that ..."), "according to X", "X:" opening a paragraph, and a bare
"X said" next to a quotation give the others. Each candidate carries its content span,
its source token and its cue.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from .arrays import DocArrays, doc_arrays
from .bounds import trim_tokens
from .marks import QUOTE_CHARS

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
_INHERIT_DEPS = frozenset({"conj", "xcomp", "advcl", "ccomp", "relcl", "acl"})

_TRIM = " \t\n,;:—–-"
# patterns whose content is what the cue reports, not a thing it acts on
_CLAUSE_PATTERNS = frozenset(
    {"ccomp", "xcomp", "split", "split-gloss", "relative", "parataxis", "raising", "answer"}
)
_RAISING = frozenset({"seem", "appear", "look", "sound"})

_CONTENT_PREPS = frozenset({"on", "about", "of", "for", "against", "to", "with", "over", "in"})


@dataclass(slots=True)
class _Candidate:
    content: tuple[int, int]
    source: Token | None
    cue: tuple[int, int] | None
    pattern: str
    lemma: str
    verb: Token | None = None
    tokens: tuple[int, int] | None = None  # the parse's content tokens before any cut
    nested: bool = False  # the cue sits in what a speech verb's clause reports
    sibling: bool = False  # another verb of its sentence reports speech (not around it)


def _span_chars(doc: Doc, first: int, last: int) -> tuple[int, int]:
    """Character span of tokens first..last (inclusive), trimmed of edge punctuation."""
    a = doc_arrays(doc)
    while first < last and _is_edge_punct(a, first, leading=True):
        first += 1
    while last > first and _is_edge_punct(a, last, leading=False):
        last -= 1
    return a.idx[first], a.end[last]


def _is_edge_punct(a: DocArrays, i: int, *, leading: bool) -> bool:
    text = a.text[i]
    if text in QUOTE_CHARS or text in ("''", "``"):
        return False  # quote marks belong to the content; the snapping step decides
    if a.punct[i] or a.space[i]:
        return True
    return leading and a.lower[i] in ("and", "but", "or")


def _subtree_bounds(tok: Token, exclude: Token | None = None) -> tuple[int, int]:
    """Token bounds of tok's subtree, optionally leaving out a child subtree at one edge."""
    a = doc_arrays(tok.doc)
    return _subtree_bounds_i(a, tok.i, exclude.i if exclude is not None else -1)


def _subtree_bounds_i(a: DocArrays, t: int, exclude: int = -1) -> tuple[int, int]:
    """``_subtree_bounds`` on token indices (no exclusion when ``exclude`` is -1)."""
    first, last = a.left[t], a.right[t]
    if exclude >= 0:
        ex_first, ex_last = a.left[exclude], a.right[exclude]
        if ex_first <= first <= ex_last:
            first = ex_last + 1
        if ex_first <= last <= ex_last:
            last = ex_first - 1
    return first, last


def _noun_span(tok: Token) -> tuple[int, int]:
    """Characters of a subject noun phrase without its trailing appositive or clause."""
    first = tok.left_edge.i
    last = tok.i
    for child in tok.rights:
        if child.dep_ in ("compound", "flat", "nummod") and child.i == last + 1:
            last = child.i
        else:
            break
    doc = tok.doc
    while first < last and (doc[first].is_punct or doc[first].is_space):
        first += 1
    return doc[first].idx, doc[last].idx + len(doc[last].text)


def _subject(cue: Token) -> Token | None:
    """Who does the cue: the "by" agent of a passive, else the subject, found up through
    the clauses, participles and prepositions the cue hangs from ("X concluded by making it
    clear that", "a new poll showing that", "the man who said")."""
    found = _subject_i(doc_arrays(cue.doc), cue.i)
    return cue.doc[found] if found >= 0 else None


def _subject_i(a: DocArrays, cue: int) -> int:
    """``_subject`` on token indices (-1 for nobody)."""
    dep, head, pos = a.dep, a.head, a.pos
    for child in a.children(cue):  # passive with an agent: "it was announced by X"
        if dep[child] == "agent":
            for grand in a.children(child):
                if dep[grand] == "pobj":
                    return grand
    tok = cue
    for _ in range(5):
        for child in a.children(tok):
            if dep[child] in _SUBJECT_DEPS:
                child_tok = a.doc[child]
                if _is_dateline(child_tok):
                    past = _past_dateline(child_tok)
                    return past.i if past is not None else -1
                return child
        tok_dep, tok_head = dep[tok], head[tok]
        if tok_dep == "relcl" and pos[tok_head] in ("NOUN", "PROPN", "PRON"):
            return tok_head
        if tok_dep == "acl" and a.tag[tok] == "VBG" and pos[tok_head] in ("NOUN", "PROPN"):
            return tok_head
        climb = tok_dep in _INHERIT_DEPS or (
            tok_dep in ("pcomp", "prep") and pos[tok_head] in ("VERB", "AUX", "ADP")
        )
        if climb and tok_head != tok:
            tok = tok_head
            continue
        break
    return -1


def _is_dateline(tok: Token) -> bool:
    """ "PHILADELPHIA (AP) — Obama said ...": a place opening the paragraph before a
    bracket or dash is where the story was filed, never who speaks."""
    if tok.ent_type_ not in ("GPE", "LOC") and not tok.is_upper:
        return False
    doc = tok.doc
    start = tok.left_edge.i
    if start > 0 and "\n" not in doc[start - 1].text_with_ws and doc[start - 1].text != "\n":
        return False
    after = doc[tok.i + 1 : tok.i + 4]
    return any(t.text in ("(", "—", "–", "-", "--") for t in after)


def _past_dateline(tok: Token) -> Token | None:
    """The subject the parse hung under a dateline ("PHILADELPHIA (AP) — President Barack
    Obama praised": Obama is the dateline's last noun after the dash)."""
    window = tok.doc[tok.i + 1 : tok.i + 8]
    dash = next((t.i for t in window if t.text in ("—", "–", "-", "--")), -1)
    after = [c for c in tok.children if c.i > dash >= 0 and c.pos_ in ("PROPN", "NOUN", "PRON")]
    return after[-1] if after else None


def _verb_candidates(cue: Token) -> list[_Candidate]:
    """The attributions a verb could make, one per pattern its parse offers, in order of
    preference (clause, infinitive, the sentence it interrupts, object, preposition)."""
    doc = cue.doc
    a = doc_arrays(doc)
    ci = cue.i
    dep, left, right = a.dep, a.left, a.right
    lemma = a.lemma[ci]
    cue_span = (a.idx[ci], a.end[ci])
    s = _subject_i(a, ci)
    if s > ci + 12:
        s = -1
    if _agentless_passive(a, ci, s):
        s = -1  # "X was asked whether ...", "Asked about Y, he ...": nobody named
    subject = doc[s] if s >= 0 else None
    out: list[_Candidate] = []

    def add(first: int, last: int, pattern: str, source: Token | None = subject) -> None:
        end = last if pattern.startswith("split") else trim_tokens(doc, first, last, pattern)
        span = _span_chars(doc, first, end)
        out.append(_Candidate(span, source, cue_span, pattern, lemma, cue, (first, last)))

    relative = _relative_content(a, ci, s)
    if relative is not None:
        add(*relative, "relative")
    split = _split_sentence(a, ci, s)
    if split is not None:
        add(*split)
    kids = a.children(ci)
    clauses = [c for c in kids if dep[c] == "ccomp"]
    if clauses:
        first = min(left[c] for c in clauses)
        last = max(right[c] for c in clauses)
        if s >= 0 and first <= s <= last:
            if split is not None or any(left[c] <= s <= right[c] for c in clauses):
                return out  # the cue interrupts its clause: only the whole sentence will do
            # "“A,” Cruz said after “I'm sorry”", "more so, he said that CNN had": the
            # parse gave the cue a clause on each side of its subject; each is a reading
            for side in ([c for c in clauses if c < s], [c for c in clauses if c > s]):
                if side:
                    add(min(left[c] for c in side), max(right[c] for c in side), "ccomp")
            clauses = []
    if clauses:
        if dep[last] == "cc":
            sent_end = a.sent_bounds(ci)[1]
            if last + 1 < sent_end:
                last = sent_end - 1  # "said that A, and B": the parse dropped B
        add(first, last, "ccomp")
    for c in kids:
        if dep[c] == "xcomp" and c > ci:
            if lemma in _RAISING and s >= 0 and s < ci:
                # "the music seemed to match the mood": the whole clause, nobody's words
                add(left[s], right[c], "raising", None)
            else:
                first, last = left[c], right[c]
                # "urged his supporters to monitor polling places": PolNeAR's content takes
                # in whom the cue addresses (3 to 1 in train)
                obj = next((o for o in kids if dep[o] == "dobj" and ci < o < first), -1)
                add(left[obj] if obj >= 0 else first, last, "xcomp")
            break
    cue_head = a.head[ci]
    if dep[ci] == "parataxis" and cue_head < ci:
        first, last = _subtree_bounds_i(a, cue_head, ci)
        if last >= first:
            add(first, last, "parataxis")
    for c in kids:
        if dep[c] in ("dobj", "attr") and c > ci:
            last = right[ci]
            # "backed a “political revolution” and said ...": a second predicate is not
            # part of the object
            for other in kids:
                if dep[other] in ("cc", "conj") and other > c:
                    last = min(last, left[other] - 1)
            add(left[c], max(last, c), "dobj")
            break
    for c in kids:
        if dep[c] == "prep" and c > ci and a.lower[c] in _CONTENT_PREPS:
            pobj = next((g for g in a.children(c) if dep[g] in ("pobj", "pcomp")), -1)
            if pobj >= 0:
                add(left[pobj], right[pobj], "prep-" + a.lower[c])
                break
    if lemma in _ANSWER_CUES and ci + 1 < a.n:
        word = ci + 1
        if a.lower[word] in _ANSWERS and a.head[word] == ci:
            add(word, word, "answer")  # "55 percent said yes", "she thought so"
    if subject is not None and not any(c.pattern in _CLAUSE_PATTERNS for c in out):
        # "“...,” Clark said in a statement", "“...,” Trump told a rally": the cue's own
        # object or phrase is a candidate, and so is the quotation beside it
        out.append(_Candidate((-1, -1), subject, cue_span, "bare", lemma, cue))
    return out


_SPLIT_MARKS = frozenset({",", ":", "—", "–", "--"})
_WH_WORDS = frozenset({"which", "who", "whom", "what"})
_ANSWER_CUES = frozenset({"say", "think", "believe", "answer", "reply", "respond", "hope"})
_ANSWERS = frozenset({"so", "yes", "no", "otherwise"})


def _relative_content(a: DocArrays, cue: int, subject: int) -> tuple[int, int] | None:
    """ "a wall, which he said Mexico should pay for", "what he calls corruption": the
    cue sits inside a relative (or free relative) clause whose wh-word belongs to what is
    said. PolNeAR's content runs from the wh-word to the clause's end, cue and source
    inside; the source is the cue's own subject, after the wh-word (token indices; -1 for
    no subject)."""
    if subject < 0 or a.head[subject] != cue or subject > cue:
        return None
    first = a.left[cue]
    if a.lower[first] not in _WH_WORDS or a.left[subject] != first + 1:
        return None  # "which he said ...": the speaker right after the wh-word
    last = a.right[cue]
    if last <= cue:
        return None
    return first, last


def _agentless_passive(a: DocArrays, cue: int, subject: int) -> bool:
    """A passive cue with no "by" agent: its grammatical subject is who was asked, expected
    or named, not who speaks (PolNeAR leaves the source empty)."""
    dep = a.dep
    kids = a.children(cue)
    if a.tag[cue] != "VBN" or any(dep[c] == "agent" for c in kids):
        return False
    if subject >= 0 and dep[subject] == "nsubjpass" and a.head[subject] == cue:
        return True
    return dep[cue] == "advcl" and not any(dep[c] in _SUBJECT_DEPS for c in kids)


def _split_sentence(a: DocArrays, cue: int, subject: int) -> tuple[int, int, str] | None:
    """ "A, X said, B." / "“A,” said X, “B.”": the speaker and cue interrupt the words they
    attribute, set off by commas. The content is the whole sentence, cue and all (PolNeAR's
    convention: one attribution from the first word said to the last)."""
    if subject < 0 or abs(subject - cue) > 6:
        return None
    dep, text, head, right = a.dep, a.text, a.head, a.right
    sent_start, sent_end = a.sent_bounds(cue)
    first = min(a.left[subject], cue)
    last = max(subject, cue)
    # "said Monday", "said in an interview": the cue's own modifiers belong to the phrase
    while (
        last + 1 < sent_end - 1
        and last - cue < 8
        and not a.punct[last + 1]
        and dep[last + 1] not in ("ccomp", "mark", "nsubj", "nsubjpass")
        and first <= head[last + 1] <= last
    ):
        last = right[last + 1] if right[last + 1] < sent_end - 1 else last + 1
    before, after = first - 1, last + 1
    if before - sent_start < 2 or sent_end - 1 - after < 3:
        return None
    left = text[before]
    if left not in _SPLIT_MARKS and not (
        (left in QUOTE_CHARS or left == "''") and before > sent_start and text[before - 1] == ","
    ):
        return None
    if text[after] not in _SPLIT_MARKS:
        return None
    kids = a.children(cue)
    # the words go on after the cue: its clause, or the sentence it interrupts
    goes_on = any(dep[c] == "ccomp" and right[c] > after for c in kids) or (
        dep[cue] in ("parataxis", "ccomp", "conj") and not first <= head[cue] <= last
    )
    if goes_on:
        return sent_start, sent_end - 1, "split"
    # "“A,” X said, referring to ...": PolNeAR takes the speaker's gloss in as well
    gloss = any(dep[c] == "advcl" and a.tag[c] == "VBG" and c > after for c in kids)
    return (sent_start, sent_end - 1, "split-gloss") if gloss else None


def _noun_candidates(cue: Token) -> list[_Candidate]:
    """ "his warning that ...", "Pence's call for a special prosecutor", "a claim by X that
    ...": a noun whose owner (possessive, or "by"/"from" X) is the source and whose clause,
    infinitive or prepositional object is the content."""
    doc = cue.doc
    a = doc_arrays(doc)
    ci = cue.i
    dep, lower = a.dep, a.lower
    kids = a.children(ci)
    src = next((c for c in kids if dep[c] == "poss"), -1)
    if src < 0:
        for c in kids:
            if dep[c] == "prep" and lower[c] in ("by", "from") and c > ci:
                src = next((g for g in a.children(c) if dep[g] == "pobj"), -1)
                break
    if src < 0:
        return []
    source = doc[src]
    lemma = a.lemma[ci]
    cue_span = (a.idx[ci], a.end[ci])
    out: list[_Candidate] = []

    def add(first: int, last: int, pattern: str) -> None:
        end = trim_tokens(doc, first, last, pattern)
        span = _span_chars(doc, first, end)
        out.append(_Candidate(span, source, cue_span, pattern, lemma, cue, (first, last)))

    for c in kids:
        if c <= ci or c == src:
            continue
        if dep[c] in ("acl", "ccomp", "relcl") and any(
            dep[g] in ("mark", "aux") and lower[g] in ("that", "to") and g < c
            for g in a.children(c)
        ):
            add(a.left[c], a.right[c], "noun-clause")
            break
        if dep[c] == "prep" and lower[c] in _CONTENT_PREPS and lower[c] not in ("by", "from"):
            pobj = next((g for g in a.children(c) if dep[g] in ("pobj", "pcomp")), -1)
            if pobj >= 0:
                add(a.left[pobj], a.right[pobj], "noun-prep-" + lower[c])
                break
    return out


def _adjacent_quote(
    text: str, cue: Token, subject: Token, quotes: Sequence[tuple[int, int]]
) -> tuple[int, int] | None:
    """A quotation closing right before "he said" / "said X", or opening right after
    "X said:"."""
    left = min(cue.idx, subject.left_edge.idx)
    right_tok = cue.right_edge if cue.right_edge.i < cue.i + 12 else cue
    right = max(right_tok.idx + len(right_tok.text), cue.idx + len(cue.text))
    i = bisect.bisect_left(quotes, (left, left))
    if i > 0:
        q_start, q_end = quotes[i - 1]
        if q_end <= left and text[q_end:left].strip(_TRIM) == "":
            return q_start, q_end
    cue_end = cue.idx + len(cue.text)
    for q_start, q_end in quotes[i : i + 3]:
        if q_start < cue_end:
            continue
        for end in (cue_end, right):
            gap = text[end:q_start]
            if gap.strip(" \n,") in (":", "") and gap.count("\n") <= 2:
                return q_start, q_end
        break
    return None


def _according_candidates(tok: Token, out: list[_Candidate]) -> None:
    """ "according to X, ..." and "..., according to X" """
    to = next((c for c in tok.children if c.lower_ == "to"), None)
    if to is None:
        if tok.head.lower_ == "to":  # parsed as "according" <- "to"
            to = tok.head
        else:
            return
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return
    sent = tok.sent
    phrase_first = min(tok.i, to.i)
    phrase_last = max(to.right_edge.i, tok.right_edge.i if tok.right_edge.i < sent.end else tok.i)
    before = (sent.start, phrase_first - 1)
    after = (phrase_last + 1, sent.end - 1)
    size_before = before[1] - before[0] + 1
    size_after = after[1] - after[0] + 1
    first, last = before if size_before >= size_after else after
    if last - first < 2:
        return
    doc = tok.doc
    span = _span_chars(doc, first, trim_tokens(doc, first, last, "according"))
    cue = (tok.idx, to.idx + len(to.text))
    out.append(_Candidate(span, pobj, cue, "according", "according to", None, (first, last)))


_SOURCE_NOUNS = frozenset({"poll", "survey", "study", "report", "analysis", "count", "tally"})


def _prep_source_candidates(tok: Token, out: list[_Candidate]) -> None:
    """ "In the new Morning Consult poll, 40 percent ... back Sanders", "Trump is ahead in
    polls in Florida", "For most Democrats, the Clinton years remain the good old days": a
    poll (or survey, study, report) the sentence's claim is found "in", and the people a
    sentence-opening "For X," gives the view of, are its source; the content is the rest of
    the sentence, as with "according to"."""
    if tok.dep_ != "prep" or (tok.lower_ == "for" and not tok.is_sent_start):
        return  # cheap checks first: this runs on every "in" and "for"
    pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return
    doc = tok.doc
    if tok.lower_ == "in":
        if pobj.lemma_.lower() not in _SOURCE_NOUNS or tok.head.pos_ not in ("VERB", "AUX"):
            return
        sent = tok.sent
        pattern = "source-in"
    else:
        # "For X," opening the sentence, a comma right after the phrase ("For most
        # Democrats today, ...")
        if pobj.pos_ not in ("NOUN", "PROPN", "PRON"):
            return
        if pobj.ent_type_ in ("DATE", "TIME") or pobj.like_num:
            return
        sent = tok.sent
        window = doc[tok.right_edge.i + 1 : min(tok.right_edge.i + 3, sent.end)]
        comma = next((t.i for t in window if t.text == ","), -1)
        if comma < 0:
            return
        phrase_last = comma
        pattern = "source-for"
    phrase_first = tok.i
    if pattern == "source-in":
        phrase_last = tok.right_edge.i
    before = (sent.start, phrase_first - 1)
    after = (phrase_last + 1, sent.end - 1)
    first, last = before if before[1] - before[0] >= after[1] - after[0] else after
    if last - first < 2:
        return
    span = _span_chars(doc, first, trim_tokens(doc, first, last, "according"))
    cue = (tok.idx, tok.idx + len(tok.text))
    out.append(_Candidate(span, pobj, cue, pattern, tok.lower_, None, (first, last)))


def _colon_candidates(doc: Doc, text: str, out: list[_Candidate]) -> None:
    """ "SMITH: We will win." / "Jones: “...”" — a name and a colon opening a paragraph."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        colon = text.find(":", start, min(end, start + 40))
        if colon > start and end - colon > 8:
            head = doc.char_span(start, colon, alignment_mode="contract")
            if (
                head is not None
                and 0 < len(head) <= 4
                and all(t.pos_ == "PROPN" or t.is_title or t.is_upper or t.is_punct for t in head)
            ):
                body = (colon + 1, end)
                out.append(_Candidate(body, head[-1], (colon, colon + 1), "colon", "colon", None))
            else:
                _colon_mid(doc, text, start, end, out)
        else:
            _colon_mid(doc, text, start, end, out)
        start = end + 1


_HEAD_BREAKS = (" - ", " — ", " – ", "—", ". ")


def _colon_mid(doc: Doc, text: str, start: int, end: int, out: list[_Candidate]) -> None:
    """ "Clinton camp: Trump's Islamaphobia threatens national security", "WSJ editorial:
    'Deport Nikki Haley.'", "... - Mark Blumenthal and Jon Cohen: “Although ...”": a noun
    phrase and a colon in a headline line, or before a quotation, further into the line
    than ``_colon_candidates`` looks; the noun phrase's last word is the source."""
    colon = text.find(":", start, end)
    if colon < 0 or end - colon <= 8:
        return
    after = text[colon + 1 : end].lstrip()
    if not (after[:1] in QUOTE_CHARS or end - start <= 160):
        return  # a sentence with a colon in it, not a headline or a quotation
    head_start = start
    for mark in _HEAD_BREAKS:
        k = text.rfind(mark, start, colon)
        if k >= 0:
            head_start = max(head_start, k + len(mark))
    head = doc.char_span(head_start, colon, alignment_mode="contract")
    if head is None or not 0 < len(head) <= 6 or head[-1].pos_ not in ("PROPN", "NOUN"):
        return
    out.append(
        _Candidate((colon + 1, end), head[-1], (colon, colon + 1), "colon", "colon-mid", None)
    )


def _collect_candidates(
    doc: Doc, lemmas: frozenset[str] | None, text: str, quotes: Sequence[tuple[int, int]]
) -> list[_Candidate]:
    """Candidates from every verb whose lemma is in ``lemmas`` (all verbs when None)."""
    out: list[_Candidate] = []
    _colon_candidates(doc, text, out)
    a = doc_arrays(doc)
    lower, pos, lemma = a.lower, a.pos, a.lemma  # read once: no Token made per word
    for i in range(a.n):
        word, tag = lower[i], pos[i]
        if word == "according":
            _according_candidates(doc[i], out)
        elif tag == "ADP":
            if word in ("in", "for") and a.dep[i] == "prep":
                _prep_source_candidates(doc[i], out)
        elif tag == "VERB" and (lemmas is None or lemma[i] in lemmas):
            out.extend(_verb_candidates(doc[i]))
        elif tag == "NOUN" and (lemmas is None or lemma[i] in lemmas):
            out.extend(_noun_candidates(doc[i]))
        elif tag == "AUX" and lemma[i] == "be" and doc[i].lemma_ == "be":
            out.extend(_copula_candidates(doc[i], lemmas))
    return out


def _copula_candidates(be: Token, lemmas: frozenset[str] | None) -> list[_Candidate]:
    """ "Graham has been critical of Trump", "she was sure Trump would win", "a staunch
    opponent of the death penalty": a stance said with "be" and an adjective or noun. The
    cue is the adjective or noun (its lemma is what the classifier weighs); the content is
    its clause, else its prepositional object; the source is the subject of "be"."""
    pred = next((c for c in be.children if c.dep_ in ("acomp", "attr") and c.i > be.i), None)
    if pred is None or pred.pos_ not in ("ADJ", "NOUN"):
        return []
    lemma = pred.lemma_.lower()
    if lemmas is not None and lemma not in lemmas:
        return []
    subject = _subject(be)
    if subject is None or subject.i > be.i:
        return []  # "it was unclear whether ...": nobody's stance
    doc = be.doc
    cue_span = (be.idx, pred.idx + len(pred.text))
    bounds: tuple[int, int] | None = None
    pattern = ""
    for c in pred.children:
        if c.dep_ == "ccomp" and c.i > pred.i:
            bounds, pattern = _subtree_bounds(c), "copula-clause"
            break
    if bounds is None:
        for c in pred.children:
            if c.dep_ == "prep" and c.i > pred.i and c.lower_ in _CONTENT_PREPS:
                pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
                if pobj is not None:
                    bounds, pattern = _subtree_bounds(pobj), "copula-prep"
                    cue_span = (be.idx, c.idx + len(c.text))
                break
    if bounds is None:
        return []
    first, last = bounds
    end = trim_tokens(doc, first, last, pattern)
    span = _span_chars(doc, first, end)
    return [_Candidate(span, subject, cue_span, pattern, lemma, be, (first, last))]


def _attach_quotes(
    text: str,
    cands: list[_Candidate],
    quotes: Sequence[tuple[int, int]],
) -> None:
    """Give content to bare cues ("X said:" + quotation, quotation + "X said")."""
    for cand in cands:
        if cand.pattern != "bare" or cand.verb is None or cand.source is None:
            continue
        quote = _adjacent_quote(text, cand.verb, cand.source, quotes)
        if quote is not None:
            cand.content = quote
            cand.pattern = "bare-quote"
