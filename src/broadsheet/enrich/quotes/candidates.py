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
    first, last = tok.left_edge.i, tok.right_edge.i
    if exclude is not None:
        ex_first, ex_last = exclude.left_edge.i, exclude.right_edge.i
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
    for child in cue.children:  # passive with an agent: "it was announced by X"
        if child.dep_ == "agent":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    tok = cue
    for _ in range(5):
        for child in tok.children:
            if child.dep_ in _SUBJECT_DEPS:
                return _past_dateline(child) if _is_dateline(child) else child
        if tok.dep_ == "relcl" and tok.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return tok.head
        if tok.dep_ == "acl" and tok.tag_ == "VBG" and tok.head.pos_ in ("NOUN", "PROPN"):
            return tok.head
        climb = tok.dep_ in _INHERIT_DEPS or (
            tok.dep_ in ("pcomp", "prep") and tok.head.pos_ in ("VERB", "AUX", "ADP")
        )
        if climb and tok.head.i != tok.i:
            tok = tok.head
            continue
        break
    return None


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
    lemma = cue.lemma_.lower()
    cue_span = (cue.idx, cue.idx + len(cue.text))
    subject = _subject(cue)
    if subject is not None and subject.i > cue.i + 12:
        subject = None
    if _agentless_passive(cue, subject):
        subject = None  # "X was asked whether ...", "Asked about Y, he ...": nobody named
    out: list[_Candidate] = []

    def add(first: int, last: int, pattern: str, source: Token | None = subject) -> None:
        end = last if pattern.startswith("split") else trim_tokens(doc, first, last, pattern)
        span = _span_chars(doc, first, end)
        out.append(_Candidate(span, source, cue_span, pattern, lemma, cue, (first, last)))

    relative = _relative_content(cue, subject)
    if relative is not None:
        add(*relative, "relative")
    split = _split_sentence(cue, subject)
    if split is not None:
        add(*split)
    clauses = [c for c in cue.children if c.dep_ == "ccomp"]
    if clauses:
        first = min(c.left_edge.i for c in clauses)
        last = max(c.right_edge.i for c in clauses)
        if subject is not None and first <= subject.i <= last:
            return out  # the cue interrupts its clause: only the whole sentence will do
        if doc[last].dep_ == "cc" and last + 1 < cue.sent.end:
            last = cue.sent.end - 1  # "said that A, and B": the parse dropped B
        add(first, last, "ccomp")
    for c in cue.children:
        if c.dep_ == "xcomp" and c.i > cue.i:
            if lemma in _RAISING and subject is not None and subject.i < cue.i:
                # "the music seemed to match the mood": the whole clause, nobody's words
                add(subject.left_edge.i, c.right_edge.i, "raising", None)
            else:
                first, last = _subtree_bounds(c)
                # "urged his supporters to monitor polling places": PolNeAR's content takes
                # in whom the cue addresses (3 to 1 in train)
                obj = next(
                    (o for o in cue.children if o.dep_ == "dobj" and cue.i < o.i < first), None
                )
                add(obj.left_edge.i if obj is not None else first, last, "xcomp")
            break
    if cue.dep_ == "parataxis" and cue.head.i < cue.i:
        first, last = _subtree_bounds(cue.head, exclude=cue)
        if last >= first:
            add(first, last, "parataxis")
    for c in cue.children:
        if c.dep_ in ("dobj", "attr") and c.i > cue.i:
            last = cue.right_edge.i
            # "backed a “political revolution” and said ...": a second predicate is not
            # part of the object
            for other in cue.children:
                if other.dep_ in ("cc", "conj") and other.i > c.i:
                    last = min(last, other.left_edge.i - 1)
            add(c.left_edge.i, max(last, c.i), "dobj")
            break
    for c in cue.children:
        if c.dep_ == "prep" and c.i > cue.i and c.lower_ in _CONTENT_PREPS:
            pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None:
                add(*_subtree_bounds(pobj), "prep-" + c.lower_)
                break
    if lemma in _ANSWER_CUES and cue.i + 1 < len(doc):
        word = doc[cue.i + 1]
        if word.lower_ in _ANSWERS and word.head.i == cue.i:
            add(word.i, word.i, "answer")  # "55 percent said yes", "she thought so"
    if subject is not None and not any(c.pattern in _CLAUSE_PATTERNS for c in out):
        # "“...,” Clark said in a statement", "“...,” Trump told a rally": the cue's own
        # object or phrase is a candidate, and so is the quotation beside it
        out.append(_Candidate((-1, -1), subject, cue_span, "bare", lemma, cue))
    return out


_SPLIT_MARKS = frozenset({",", ":", "—", "–", "--"})
_WH_WORDS = frozenset({"which", "who", "whom", "what"})
_ANSWER_CUES = frozenset({"say", "think", "believe", "answer", "reply", "respond", "hope"})
_ANSWERS = frozenset({"so", "yes", "no", "otherwise"})


def _relative_content(cue: Token, subject: Token | None) -> tuple[int, int] | None:
    """ "a wall, which he said Mexico should pay for", "what he calls corruption": the
    cue sits inside a relative (or free relative) clause whose wh-word belongs to what is
    said. PolNeAR's content runs from the wh-word to the clause's end, cue and source
    inside; the source is the cue's own subject, after the wh-word."""
    if subject is None or subject.head.i != cue.i or subject.i > cue.i:
        return None
    first = cue.left_edge
    if first.lower_ not in _WH_WORDS or subject.left_edge.i != first.i + 1:
        return None  # "which he said ...": the speaker right after the wh-word
    last = cue.right_edge.i
    if last <= cue.i:
        return None
    return first.i, last


def _agentless_passive(cue: Token, subject: Token | None) -> bool:
    """A passive cue with no "by" agent: its grammatical subject is who was asked, expected
    or named, not who speaks (PolNeAR leaves the source empty)."""
    if cue.tag_ != "VBN" or any(c.dep_ == "agent" for c in cue.children):
        return False
    if subject is not None and subject.dep_ == "nsubjpass" and subject.head.i == cue.i:
        return True
    return cue.dep_ == "advcl" and not any(c.dep_ in _SUBJECT_DEPS for c in cue.children)


def _split_sentence(cue: Token, subject: Token | None) -> tuple[int, int, str] | None:
    """ "A, X said, B." / "“A,” said X, “B.”": the speaker and cue interrupt the words they
    attribute, set off by commas. The content is the whole sentence, cue and all (PolNeAR's
    convention: one attribution from the first word said to the last)."""
    if subject is None or abs(subject.i - cue.i) > 6:
        return None
    doc = cue.doc
    sent = cue.sent
    first = min(subject.left_edge.i, cue.i)
    last = max(subject.i, cue.i)
    # "said Monday", "said in an interview": the cue's own modifiers belong to the phrase
    while (
        last + 1 < sent.end - 1
        and last - cue.i < 8
        and not doc[last + 1].is_punct
        and doc[last + 1].dep_ not in ("ccomp", "mark", "nsubj", "nsubjpass")
        and doc[last + 1].head.i in range(first, last + 1)
    ):
        last = doc[last + 1].right_edge.i if doc[last + 1].right_edge.i < sent.end - 1 else last + 1
    before, after = first - 1, last + 1
    if before - sent.start < 2 or sent.end - 1 - after < 3:
        return None
    left = doc[before].text
    if left not in _SPLIT_MARKS and not (
        left in QUOTE_CHARS and before > sent.start and doc[before - 1].text == ","
    ):
        return None
    if doc[after].text not in _SPLIT_MARKS:
        return None
    # the words go on after the cue: its clause, or the sentence it interrupts
    goes_on = any(c.dep_ == "ccomp" and c.right_edge.i > after for c in cue.children) or (
        cue.dep_ in ("parataxis", "ccomp", "conj") and not first <= cue.head.i <= last
    )
    if goes_on:
        return sent.start, sent.end - 1, "split"
    # "“A,” X said, referring to ...": PolNeAR takes the speaker's gloss in as well
    gloss = any(c.dep_ == "advcl" and c.tag_ == "VBG" and c.i > after for c in cue.children)
    return (sent.start, sent.end - 1, "split-gloss") if gloss else None


def _noun_candidates(cue: Token) -> list[_Candidate]:
    """ "his warning that ...", "Pence's call for a special prosecutor", "a claim by X that
    ...": a noun whose owner (possessive, or "by"/"from" X) is the source and whose clause,
    infinitive or prepositional object is the content."""
    source = next((c for c in cue.children if c.dep_ == "poss"), None)
    if source is None:
        for c in cue.children:
            if c.dep_ == "prep" and c.lower_ in ("by", "from") and c.i > cue.i:
                source = next((g for g in c.children if g.dep_ == "pobj"), None)
                break
    if source is None:
        return []
    doc = cue.doc
    lemma = cue.lemma_.lower()
    cue_span = (cue.idx, cue.idx + len(cue.text))
    out: list[_Candidate] = []

    def add(first: int, last: int, pattern: str) -> None:
        end = trim_tokens(doc, first, last, pattern)
        span = _span_chars(doc, first, end)
        out.append(_Candidate(span, source, cue_span, pattern, lemma, cue, (first, last)))

    for c in cue.children:
        if c.i <= cue.i or c.i == source.i:
            continue
        if c.dep_ in ("acl", "ccomp", "relcl") and any(
            g.dep_ in ("mark", "aux") and g.lower_ in ("that", "to") and g.i < c.i
            for g in c.children
        ):
            add(*_subtree_bounds(c), "noun-clause")
            break
        if c.dep_ == "prep" and c.lower_ in _CONTENT_PREPS and c.lower_ not in ("by", "from"):
            pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None:
                add(*_subtree_bounds(pobj), "noun-prep-" + c.lower_)
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
        start = end + 1


def _collect_candidates(
    doc: Doc, lemmas: frozenset[str] | None, text: str, quotes: Sequence[tuple[int, int]]
) -> list[_Candidate]:
    """Candidates from every verb whose lemma is in ``lemmas`` (all verbs when None)."""
    out: list[_Candidate] = []
    _colon_candidates(doc, text, out)
    for tok in doc:
        word, pos = tok.lower_, tok.pos_  # each read once: spaCy makes them on every access
        if word == "according":
            _according_candidates(tok, out)
        elif pos == "ADP":
            if word in ("in", "for"):
                _prep_source_candidates(tok, out)
        elif pos == "VERB" and (lemmas is None or tok.lemma_.lower() in lemmas):
            out.extend(_verb_candidates(tok))
        elif pos == "NOUN" and (lemmas is None or tok.lemma_.lower() in lemmas):
            out.extend(_noun_candidates(tok))
        elif pos == "AUX" and tok.lemma_ == "be":
            out.extend(_copula_candidates(tok, lemmas))
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
