"""Quote attribution: who said what, with character offsets.

``find_quotes`` works on a spaCy parse. Candidates come from rules over the dependency
parse (a cue verb with its subject and its clause, quotation, infinitive or object;
"according to X"; "X said:" before a quotation; "..., X said" after one), and from the
quotation marks themselves. Which cue lemmas count under which pattern is data
(``data/cues.json``, and ``data/model.json`` fitted on the PolNeAR training split).
Speakers get their canonical name from the entity mention covering the source span; a
pronoun or a role noun ("the spokeswoman") resolves to the nearest fitting person or
organisation mentioned before it.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc, Token

from broadsheet.models import Entity, EntityType, Quote, QuoteKind

from .bounds import trim_tokens
from .marks import QUOTE_CHARS, find_quote_spans
from .speakers import SpeakerDetails, find_speaker_details

__all__ = ["find_quotes", "quote_kind"]

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
_INHERIT_DEPS = frozenset({"conj", "xcomp", "advcl", "ccomp", "relcl", "acl"})
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "i", "me", "we", "us"})
_GROUP_PRONOUNS = frozenset({"they", "them", "it"})
_RELATIVE = frozenset({"who", "which", "that", "whom"})
_TRIM = " \t\n,;:—–-"
_RAISING = frozenset({"seem", "appear", "look", "sound"})
_FIRST_WORDS = frozenset(
    {"that", "to", "the", "a", "an", "his", "her", "their", "it", "he", "she", "they", "we"}
    | {"i", "what", "whether", "how", "if", "this", "there", "in", "for"}
)
_CONTENT_PREPS = frozenset({"on", "about", "of", "for", "against", "to", "with", "over", "in"})


@dataclass(frozen=True, slots=True)
class _Lexicon:
    speech: frozenset[str]
    intent: frozenset[str]
    object: frozenset[str]
    person_nouns: frozenset[str]
    org_nouns: frozenset[str]
    lemmas: frozenset[str]  # verb lemmas worth looking at
    model: dict[str, float]  # feature weights of the attribution classifier
    bias: float
    cutoff: float  # keep a candidate whose score reaches this


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    base = resources.files(__package__) / "data"
    cues: dict[str, Any] = json.loads((base / "cues.json").read_text("utf-8"))
    model: dict[str, Any] = {}
    model_file = base / "model.json"
    if model_file.is_file():
        model = json.loads(model_file.read_text("utf-8"))
    weights = {str(k): float(v) for k, v in model.get("weights", {}).items()}
    lemmas = {k[2:] for k in weights if k.startswith("l=")}
    lemmas.update(cues["speech"], cues["intent"], cues["object"])
    return _Lexicon(
        speech=frozenset(cues["speech"]),
        intent=frozenset(cues["intent"]),
        object=frozenset(cues["object"]),
        person_nouns=frozenset(cues["person_nouns"]),
        org_nouns=frozenset(cues["org_nouns"]),
        lemmas=frozenset(lemmas),
        model=weights,
        bias=float(model.get("bias", 0.0)),
        cutoff=float(model.get("cutoff", 0.0)),
    )


def _has_quote_mark(body: str) -> bool:
    """Whether ``body`` holds a quotation mark. An apostrophe between letters ("shouldn’t",
    "Kim’s") is not one, although the reference scorer's kind rule counts it."""
    for i, ch in enumerate(body):
        if ch not in QUOTE_CHARS:
            continue
        if ch in "’'" and 0 < i < len(body) - 1 and body[i - 1].isalpha() and body[i + 1].isalpha():
            continue
        return True
    return False


def quote_kind(text: str) -> QuoteKind:
    """The kind of a quote from its content text: direct when it opens with a quotation
    mark, mixed when it holds one, indirect otherwise (the reference scorer's definition,
    except that an apostrophe inside a word is not a quotation mark)."""
    body = text.strip()
    if body[:1] in QUOTE_CHARS:
        return "direct"
    if _has_quote_mark(body):
        return "mixed"
    return "indirect"


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


# ----------------------------------------------------------------------------- spans


def _span_chars(doc: Doc, first: int, last: int) -> tuple[int, int]:
    """Character span of tokens first..last (inclusive), trimmed of edge punctuation."""
    while first < last and _is_edge_punct(doc[first], leading=True):
        first += 1
    while last > first and _is_edge_punct(doc[last], leading=False):
        last -= 1
    start = doc[first].idx
    end = doc[last].idx + len(doc[last].text)
    return start, end


def _is_edge_punct(tok: Token, *, leading: bool) -> bool:
    if tok.text in QUOTE_CHARS or tok.text in ("''", "``"):
        return False  # quote marks belong to the content; the snapping step decides
    if tok.is_punct or tok.is_space:
        return True
    return leading and tok.lower_ in ("and", "but", "or")


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


# ----------------------------------------------------------------------------- candidates


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
                add(*_subtree_bounds(c), "xcomp")
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
    if not out and subject is not None:
        out.append(_Candidate((-1, -1), subject, cue_span, "bare", lemma, cue))
    return out


# The writer's transition opening a sentence whose words a cue after them attributes.
_CONNECTIVE = re.compile(
    r"(?:at the same time|however|meanwhile|instead|indeed|in fact|moreover|in addition"
    r"|nevertheless|nonetheless|still|yet|also|now|then)\s*,\s+",
    re.IGNORECASE,
)
_SPLIT_MARKS = frozenset({",", ":", "—", "–", "--"})


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
        if tok.lower_ == "according":
            _according_candidates(tok, out)
        elif tok.pos_ == "VERB" and (lemmas is None or tok.lemma_.lower() in lemmas):
            out.extend(_verb_candidates(tok))
        elif tok.pos_ == "NOUN" and (lemmas is None or tok.lemma_.lower() in lemmas):
            out.extend(_noun_candidates(tok))
    return out


# ----------------------------------------------------------------------------- quotation marks


def _snap_to_quotes(
    content: tuple[int, int], quotes: Sequence[tuple[int, int]], starts: Sequence[int]
) -> tuple[int, int]:
    """Widen content to the whole quotations it reaches into.

    A content strictly inside a longer quotation (someone quoted within a quotation) is
    left alone; one that touches a quotation's edge or covers most of it takes it whole.
    """
    start, end = content
    i = max(bisect.bisect_left(starts, start) - 1, 0)
    while i < len(quotes) and quotes[i][0] < end:
        q_start, q_end = quotes[i]
        i += 1
        if q_end <= start:
            continue
        inside = q_start < start and end < q_end
        near_edge = start - q_start <= 2 or q_end - end <= 3
        if inside and not near_edge and (end - start) * 2 < q_end - q_start:
            continue
        start = min(start, q_start)
        end = max(end, q_end)
    return start, end


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


# ----------------------------------------------------------------------------- speakers


class _Entities:
    def __init__(self, entities: Sequence[Entity]) -> None:
        self.items = sorted(entities, key=lambda e: (e.start, e.end))
        self.starts = [e.start for e in self.items]

    def covering(self, start: int, end: int) -> Entity | None:
        """The PERSON/ORG entity overlapping [start, end), preferring the last one."""
        i = bisect.bisect_left(self.starts, end)
        best: Entity | None = None
        for e in reversed(self.items[max(0, i - 6) : i]):
            fits = e.end > start and e.start < end and e.type in ("PERSON", "ORG")
            if fits and (best is None or (best.type != "PERSON" and e.type == "PERSON")):
                best = e
        return best

    def person_named(self, word: str) -> Entity | None:
        """A person entity whose canonical name holds ``word`` ("Shirk" -> Susan Shirk)."""
        for e in self.items:
            if e.type == "PERSON" and word in e.name.split() and e.name != word:
                return e
        return None

    def preceding_named(
        self, pos: int, types: tuple[EntityType, ...], words: set[str], limit: int = 3000
    ) -> Entity | None:
        """The nearest earlier entity of a fitting type whose name holds one of ``words``."""
        i = bisect.bisect_left(self.starts, pos)
        for e in reversed(self.items[:i]):
            if e.start < pos - limit:
                break
            if e.type in types and e.end <= pos and words & set(e.name.lower().split()):
                return e
        return None

    def preceding(
        self, pos: int, types: tuple[EntityType, ...], limit: int = 1500
    ) -> Entity | None:
        i = bisect.bisect_left(self.starts, pos)
        for e in reversed(self.items[:i]):
            if e.start < pos - limit:
                break
            if e.type in types and e.end <= pos:
                return e
        return None


def _resolve(
    source: Token, span: tuple[int, int], ents: _Entities, lex: _Lexicon, text: str
) -> tuple[str | None, EntityType | None]:
    ent = ents.covering(*span)
    if ent is not None:
        return ent.name, ent.type
    word = source.lower_
    if word in _RELATIVE and source.head.head.i != source.head.i:
        antecedent = source.head.head  # who -> relcl verb -> noun
        if antecedent.pos_ in ("PROPN", "NOUN"):
            ent = ents.covering(antecedent.idx, antecedent.idx + len(antecedent.text))
            if ent is not None:
                return ent.name, ent.type
    if word in _PERSON_PRONOUNS:
        if word in ("i", "me", "we", "us"):
            return None, None
        ent = ents.preceding(span[0], ("PERSON",))
        return (ent.name, ent.type) if ent is not None else (None, None)
    if word in _GROUP_PRONOUNS:
        ent = ents.preceding(span[0], ("ORG",), limit=400)
        if ent is None or (word != "it" and _plural_subject_between(source, ent.end)):
            return None, None  # "Chinese leaders ... They don't want": not the ministry
        return ent.name, ent.type
    if source.pos_ == "NOUN":
        return _resolve_role(source, span, ents, lex)
    if source.pos_ == "PROPN":
        named = ents.person_named(source.text)
        if named is not None:
            return named.name, named.type
        return text[span[0] : span[1]], None
    return None, None


def _plural_subject_between(pronoun: Token, after: int) -> bool:
    """Whether a plural common-noun subject ("Chinese leaders") stands between an earlier
    organisation's mention (ending at ``after``) and "they": the nearer group it refers to."""
    doc = pronoun.doc
    start = doc[max(pronoun.sent.start - 1, 0)].sent.start
    return any(
        t.tag_ == "NNS" and t.dep_ in ("nsubj", "nsubjpass") and t.idx >= after
        for t in doc[start : pronoun.i]
    )


def _resolve_role(
    source: Token, span: tuple[int, int], ents: _Entities, lex: _Lexicon
) -> tuple[str | None, EntityType | None]:
    """ "the spokeswoman", "the ministry", "the department's news office": the nearest
    fitting earlier entity, preferring one whose name holds the noun."""
    lemma = source.lemma_.lower()
    if source.tag_ in ("NNS", "NNPS"):
        return None, None
    words = {
        t.lemma_.lower() for t in source.subtree if t.pos_ in ("NOUN", "PROPN") and t.i <= source.i
    }
    types: tuple[EntityType, ...]
    if lemma in lex.person_nouns:
        types = ("PERSON",)
    elif words & lex.org_nouns:
        types = ("ORG",)
    else:
        return None, None
    named = ents.preceding_named(span[0], types, words)
    if named is not None:
        return named.name, named.type
    if not any(t.dep_ == "det" and t.lower_ in ("the", "this", "that") for t in source.children):
        return None, None
    ent = ents.preceding(span[0], types)
    return (ent.name, ent.type) if ent is not None else (None, None)


# ----------------------------------------------------------------------------- main


def _prior(cand: _Candidate, lex: _Lexicon) -> bool:
    """The hand-written lexicon's verdict, for cues the fitted weights have not seen."""
    if cand.pattern in ("according", "colon"):
        return True
    if cand.pattern in ("ccomp", "bare-quote", "parataxis"):
        return cand.lemma in lex.speech
    if cand.pattern == "xcomp":
        return cand.lemma in lex.intent
    if cand.pattern == "dobj":
        return cand.lemma in lex.object
    return False


def _bucket(n: int) -> str:
    for limit in (1, 3, 7, 15, 31, 63):
        if n <= limit:
            return str(limit)
    return "more"


def candidate_features(cand: _Candidate, content: tuple[int, int], text: str) -> list[str]:
    """What the attribution classifier sees of one candidate."""
    pattern, lemma = cand.pattern, cand.lemma
    body = text[content[0] : content[1]]
    quoted = {"direct": "q1", "mixed": "qm", "indirect": "q0"}[quote_kind(body)]
    src = cand.source
    if src is None:
        subj = "none"
    elif src.pos_ == "PRON":
        subj = "pron-" + src.lower_
    else:
        subj = src.pos_ + "-" + (src.ent_type_ or "x")
    feats = [
        "p=" + pattern,
        "l=" + lemma,
        "lp=" + lemma + "|" + pattern,
        "pq=" + pattern + "|" + quoted,
        "ps=" + pattern + "|" + subj.split("-")[0],
        "s=" + subj,
        "plen=" + pattern + "|" + _bucket(len(body.split())),
    ]
    verb = cand.verb
    if verb is not None:
        feats.append("pt=" + pattern + "|" + verb.tag_)
        feats.append("pd=" + pattern + "|" + verb.dep_)
        feats.append("lt=" + lemma + "|" + verb.tag_)
        if any(c.dep_ == "neg" for c in verb.children):
            feats.append("neg")
        if any(
            c.dep_ == "aux" and c.lower_ in ("will", "would", "could", "might")
            for c in verb.children
        ):
            feats.append("modal|" + pattern)
    if cand.cue is not None and cand.cue[0] > content[1]:
        feats.append("after|" + pattern)
    if cand.cue is not None and _within_quotation(text, cand.cue[0]):
        feats.append("inq|" + pattern)
        feats.append("inql|" + lemma)
    feats.append("lq=" + lemma + "|" + quoted)
    if cand.sibling:
        feats.append("sibling|" + pattern)
        feats.append("siblingl|" + lemma)
    if cand.nested:
        feats.append("nested|" + pattern)
        feats.append("nestedl|" + lemma)
    lex = _lexicon()
    cls = (
        "speech"
        if lemma in lex.speech
        else "intent"
        if lemma in lex.intent
        else "object"
        if lemma in lex.object
        else "other"
    )
    feats.append("cp=" + cls + "|" + pattern)
    feats.append("cpq=" + cls + "|" + pattern + "|" + quoted)
    feats.append("psq=" + pattern + "|" + subj.split("-")[0] + "|" + quoted)

    feats.append("ls=" + lemma + "|" + subj.split("-")[0])
    if src is not None and verb is not None:
        feats.append("dist=" + _bucket(abs(src.i - verb.i)))
    if cand.cue is not None and content[0] < cand.cue[0] < content[1]:
        feats.append("cue-inside|" + pattern)
    if body[:5].lower().startswith("that "):
        feats.append("that|" + pattern)
    first = body.split(None, 1)[0].lower() if body.strip() else ""
    if first in _FIRST_WORDS:
        feats.append("lf=" + lemma + "|" + first)
    if src is not None and src.pos_ == "NOUN":
        feats.append("sl=" + src.lemma_.lower())
        feats.append("sll=" + src.lemma_.lower() + "|" + lemma)
    if verb is not None:
        if verb.dep_ in ("xcomp", "ccomp", "conj", "advcl") and verb.head.pos_ in ("VERB", "AUX"):
            feats.append("hl=" + verb.head.lemma_.lower() + "|" + verb.dep_)
        feats.append("lpd=" + lemma + "|" + pattern + "|" + verb.dep_)
    return feats


def _within_quotation(text: str, pos: int) -> bool:
    """Whether ``pos`` sits inside a quotation opened earlier in its paragraph (a cue in
    someone's quoted words: "“... I heard Trump say he would win,” she said")."""
    para = text[text.rfind("\n", 0, pos) + 1 : pos]
    return (
        para.count("“") > para.count("”")
        or para.count('"') % 2 == 1
        or para.count("''") % 2 == 1
        or para.count("«") > para.count("»")
    )


def _score(cand: _Candidate, content: tuple[int, int], text: str) -> float:
    """The classifier's score of a candidate (the hand lexicon's 1/-1 without a model)."""
    lex = _lexicon()
    if not lex.model:
        return 1.0 if _prior(cand, lex) else -1.0
    feats = candidate_features(cand, content, text)
    return lex.bias + sum(lex.model.get(f, 0.0) for f in feats)


def _paragraph_bounds(text: str) -> list[int]:
    """Sorted offsets of every line break (paragraph boundaries)."""
    return [i for i, ch in enumerate(text) if ch == "\n"]


def _clip(span: tuple[int, int], anchor: int, breaks: Sequence[int]) -> tuple[int, int]:
    """The part of span inside the paragraph holding offset ``anchor``."""
    i = bisect.bisect_right(breaks, anchor)
    lo = breaks[i - 1] + 1 if i > 0 else 0
    hi = breaks[i] if i < len(breaks) else span[1]
    return max(span[0], lo), min(span[1], hi)


def _continuations(
    text: str,
    out: list[tuple[_Candidate, Quote]],
    quotes: Sequence[tuple[int, int]],
) -> list[tuple[_Candidate, Quote]]:
    """Quotations nobody is said to say, following a quote in the same paragraph (or
    opening the next one): the same speaker goes on talking.

    The quote it continues within its paragraph grows to take it in (“A,” she said. “B.”
    is one attribution, A through B). The continuation is also a quote of its own when
    that quote came in mid-sentence, after the writer's words (The Chinese “can't stand
    ...,” he said. “But ...”): there A..B is mostly framing, and B is what a reader looks
    for. A continuation in a later paragraph is always its own quote."""
    taken = sorted(q.content for _, q in out if not _inside_quotation(q.content, quotes))
    extra: list[tuple[_Candidate, Quote]] = []
    order = sorted(range(len(out)), key=lambda k: out[k][1].content[1])
    ends = [out[k][1].content[1] for k in order]
    grown: dict[int, int] = {}
    for q_start, q_end in quotes:
        if any(s < q_end and q_start < e for s, e in taken):
            continue
        i = bisect.bisect_right(ends, q_start) - 1
        # “A,” she said, adding that ... “B.”: the speaker's gloss between the quotations
        # is a quote of its own (no quotation in it); B continues A
        k = next(
            (
                order[j]
                for j in range(i, max(i - 3, -1), -1)
                if out[order[j]][1].source is not None
                and _holds_quotation(out[order[j]][1].content, quotes)
            ),
            -1,
        )
        if k < 0:
            continue
        cand, prev = out[k]
        gap = text[grown.get(k, prev.content[1]) : q_start]
        if (
            gap.count("\n") > 2
            or len(gap) > 400
            or (gap.count("\n") and not _is_quote_paragraph(text, q_start))
        ):
            continue
        if any(q in gap for q in '"“”«»') or "''" in gap:
            continue
        if "\n" not in text[prev.content[0] : q_end]:
            grown[k] = q_end  # the quote it continues takes it in as well
        if k in grown and not _opens_mid_sentence(text, prev.content[0], quotes):
            continue  # “A,” she said. “B.” is one quote, A through B
        extra.append(
            (
                _Candidate((q_start, q_end), cand.source, cand.cue, "continued", cand.lemma),
                replace(prev, content=(q_start, q_end), kind="direct"),
            )
        )
    for k, end in grown.items():
        cand, prev = out[k]
        content = (prev.content[0], end)
        out[k] = (cand, replace(prev, content=content, kind=quote_kind(text[content[0] : end])))
    return extra


def _opens_mid_sentence(text: str, start: int, quotes: Sequence[tuple[int, int]]) -> bool:
    """Whether the first quotation at or after ``start`` follows the writer's own words in
    its sentence ("The Chinese “can't stand ...”") rather than opening it."""
    i = bisect.bisect_left(quotes, (start, start))
    if i >= len(quotes):
        return False
    q_start = quotes[i][0]
    line = text.rfind("\n", 0, q_start) + 1
    lead = text[line:q_start]
    for stop in (". ", "? ", "! "):
        cut = lead.rfind(stop)
        if cut >= 0:
            lead = lead[cut + 2 :]
    return any(ch.isalnum() for ch in lead)


def _holds_quotation(span: tuple[int, int], quotes: Sequence[tuple[int, int]]) -> bool:
    """Whether span takes in a whole quotation (any marks: ``“…”``, ``"…"``, ``''…''``)."""
    i = bisect.bisect_left(quotes, (span[0], span[0]))
    return i < len(quotes) and quotes[i][1] <= span[1]


def _inside_quotation(span: tuple[int, int], quotes: Sequence[tuple[int, int]]) -> bool:
    """Whether span is a small part inside a quotation (words quoted within it)."""
    for q_start, q_end in quotes:
        if q_start < span[0] and span[1] < q_end and (span[1] - span[0]) * 2 < q_end - q_start:
            return True
    return False


def _is_quote_paragraph(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    return text[line_start:pos].strip() == ""


def _content(
    text: str,
    cand: _Candidate,
    quotes: Sequence[tuple[int, int]],
    starts: Sequence[int],
    breaks: Sequence[int],
) -> tuple[int, int] | None:
    """The candidate's content held to its paragraph and widened to whole quotations."""
    anchor = cand.cue[0] if cand.cue is not None else cand.content[0]
    content = cand.content
    if cand.pattern != "bare-quote":
        content = _clip(content, anchor, breaks)
        if content[1] - content[0] < 2 and cand.verb is not None and cand.source is not None:
            # the parse ran the sentence across paragraphs: trust the quotation marks
            content = _adjacent_quote(text, cand.verb, cand.source, quotes) or content
        if content[1] - content[0] < 2:
            return None
        content = _snap_to_quotes(content, quotes, starts)
    content = _strip(text, content)
    inside = cand.source is not None and content[0] <= cand.source.idx < content[1]
    if inside and not cand.pattern.startswith("split"):
        return None  # the speaker is inside the words: a quotation within the quote
    if cand.cue is not None and content[1] <= cand.cue[0]:
        content = _drop_lead_in(text, content)
        connective = _CONNECTIVE.match(text, content[0], content[1])
        if connective is not None:  # "At the same time, party ties ..., said X"
            content = (connective.end(), content[1])
    if content[1] - content[0] < 2:
        return None
    return content


def _build(
    doc: Doc,
    entities: Sequence[Entity],
    score: Callable[[_Candidate, tuple[int, int], str], float],
    lemmas: frozenset[str] | None,
    *,
    cutoff: float = 0.0,
    one_per_verb: bool = True,
) -> list[tuple[_Candidate, Quote]]:
    """Candidates scoring at least ``cutoff`` (only the best of each verb's patterns when
    ``one_per_verb``), as quotes, with the quotations that continue them."""
    lex = _lexicon()
    text = doc.text
    quotes = find_quote_spans(text)
    starts = [q[0] for q in quotes]
    cands = _collect_candidates(doc, lemmas, text, quotes)
    _attach_quotes(text, cands, quotes)
    ents = _Entities(entities)
    details: dict[str, SpeakerDetails] | None = None
    seen: set[tuple[int, int]] = set()
    breaks = _paragraph_bounds(text)
    out: list[tuple[_Candidate, Quote]] = []
    scored: list[tuple[_Candidate, tuple[int, int], float]] = []
    best: dict[int, float] = {}
    prepared: list[tuple[_Candidate, tuple[int, int]]] = []
    for cand in cands:
        if cand.content[0] < 0 or cand.content[1] - cand.content[0] < 2:
            continue
        content = _content(text, cand, quotes, starts, breaks)
        if content is not None:
            prepared.append((cand, content))
    _mark_context(prepared, lex)
    for cand, content in prepared:
        value = score(cand, content, text)
        if value < cutoff:
            continue
        scored.append((cand, content, value))
        if cand.verb is not None:
            best[cand.verb.i] = max(value, best.get(cand.verb.i, value))
    # best first: of candidates with the same content, the likeliest source is kept
    scored.sort(key=lambda item: -item[2])
    for cand, content, value in scored:
        if content in seen:
            continue
        if one_per_verb and cand.verb is not None:
            if value < best[cand.verb.i]:
                continue
            best[cand.verb.i] = float("inf")  # one quote per verb, even on a tie
        seen.add(content)
        source_span: tuple[int, int] | None = None
        speaker: str | None = None
        speaker_type: EntityType | None = None
        if cand.source is not None:
            source_span = _clip(_noun_span(cand.source), cand.source.idx, breaks)
            if source_span[0] < content[1] and content[0] < source_span[1]:
                source_span = (cand.source.idx, cand.source.idx + len(cand.source.text))
            speaker, speaker_type = _resolve(cand.source, source_span, ents, lex, text)
        title = affiliation = None
        if speaker is not None and speaker_type in ("PERSON", None):
            if details is None:
                details = find_speaker_details(doc, entities)
            found = details.get(speaker)
            if found is not None:
                title, affiliation = found.title, found.affiliation
                speaker_type = speaker_type or "PERSON"
        quote = Quote(
            content=content,
            source=source_span,
            cue=cand.cue,
            speaker=speaker,
            kind=quote_kind(text[content[0] : content[1]]),
            speaker_type=speaker_type,
            speaker_title=title,
            speaker_affiliation=affiliation,
        )
        out.append((cand, quote))
    out.extend(_continuations(text, out, quotes))
    out.sort(key=lambda pair: pair[1].content)
    return out


_REPORTING = frozenset({"ccomp", "split", "parataxis", "bare-quote", "according", "colon"})


def _mark_context(prepared: list[tuple[_Candidate, tuple[int, int]]], lex: _Lexicon) -> None:
    """Context features for the classifier: ``nested``, the cue lies inside the reported
    words of a speech cue ("she said that Trump wants ..."), and ``sibling``, another verb
    of its sentence reports speech ("criticized X, saying ..."). Nested cues are attributed
    less often than the outer one; siblings often share a speaker."""
    spans = sorted(
        content
        for cand, content in prepared
        if cand.pattern in _REPORTING and (cand.lemma in lex.speech or cand.verb is None)
    )
    starts = [s for s, _ in spans]
    sentence = {cand.verb.i: cand.verb.sent.start for cand, _ in prepared if cand.verb is not None}
    reporting: dict[int, set[int]] = {}
    for cand, content in prepared:
        if cand.cue is not None:
            pos = cand.cue[0]
            i = bisect.bisect_right(starts, pos)
            cand.nested = any(
                s <= pos < e and (s, e) != content for s, e in spans[max(0, i - 8) : i]
            )
        if cand.verb is not None and cand.pattern in _REPORTING and cand.lemma in lex.speech:
            reporting.setdefault(sentence[cand.verb.i], set()).add(cand.verb.i)
    for cand, _ in prepared:
        if cand.verb is not None and not cand.nested:
            cand.sibling = bool(reporting.get(sentence[cand.verb.i], set()) - {cand.verb.i})


def find_quotes(doc: Doc, entities: Sequence[Entity]) -> list[Quote]:
    """Quotes in a parsed article: content, source mention, cue, canonical speaker and kind.

    ``entities`` are the article's named-entity mentions with canonical names; offsets of
    both the input and the output are ``str`` indices into ``doc.text``.
    """
    lex = _lexicon()
    cutoff = lex.cutoff if lex.model else 0.0
    return [quote for _, quote in _build(doc, entities, _score, lex.lemmas, cutoff=cutoff)]


def _drop_lead_in(text: str, content: tuple[int, int]) -> tuple[int, int]:
    """“The Chinese “can't stand ...,” he said": a short lead-in before a quotation that
    runs to the end of the content is the writer's, not the speaker's (unless it is a
    possessive that the quotation continues: "The department's “objectives are ...”")."""
    start, end = content
    if text[start] in QUOTE_CHARS:
        return content
    mark = next((i for i in range(start, min(end, start + 40)) if text[i] in '"“«'), -1)
    if mark < 0 or text[end - 1] not in QUOTE_CHARS:
        return content
    lead = text[start:mark].strip()
    if len(lead.split()) > 3 or lead.endswith(("'s", "’s")):
        return content
    if any(q in text[mark + 1 : end - 1] for q in '"“”'):
        return content  # more than one quotation: keep the writer's words between them
    return mark, end


def _strip(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end
