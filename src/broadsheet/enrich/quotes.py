"""Quote attribution: who said what, with character offsets.

``find_quotes`` works on a spaCy parse. Candidates come from rules over the dependency
parse (a cue verb with its subject and its clause, quotation, infinitive or object;
"according to X"; "X said:" before a quotation; "..., X said" after one), and from the
quotation marks themselves. Which cue lemmas count under which pattern is data
(``quotes_data/cues.json``, and ``quotes_data/weights.json`` fitted on the PolNeAR training
split). Speakers get their canonical name from the entity mention covering the source
span; a pronoun or a role noun ("the spokeswoman") resolves to the nearest fitting
person or organisation mentioned before it.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc, Token

from ..models import Entity, EntityType, Quote, QuoteKind
from .quotes_marks import QUOTE_CHARS, find_quote_spans
from .quotes_speakers import SpeakerDetails, find_speaker_details

__all__ = ["find_quotes", "quote_kind"]

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
_INHERIT_DEPS = frozenset({"conj", "xcomp", "advcl", "ccomp", "relcl", "acl"})
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "i", "me", "we", "us"})
_GROUP_PRONOUNS = frozenset({"they", "them", "it"})
_RELATIVE = frozenset({"who", "which", "that", "whom"})
_TRIM = " \t\n,;:—–-"


@dataclass(frozen=True, slots=True)
class _Lexicon:
    speech: frozenset[str]
    intent: frozenset[str]
    object: frozenset[str]
    person_nouns: frozenset[str]
    org_nouns: frozenset[str]
    weights: dict[str, float]
    threshold: float


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    base = resources.files(__package__) / "quotes_data"
    cues: dict[str, Any] = json.loads((base / "cues.json").read_text("utf-8"))
    weights: dict[str, Any] = {}
    weights_file = base / "weights.json"
    if weights_file.is_file():
        weights = json.loads(weights_file.read_text("utf-8"))
    return _Lexicon(
        speech=frozenset(cues["speech"]),
        intent=frozenset(cues["intent"]),
        object=frozenset(cues["object"]),
        person_nouns=frozenset(cues["person_nouns"]),
        org_nouns=frozenset(cues["org_nouns"]),
        weights={str(k): float(v) for k, v in weights.get("precision", {}).items()},
        threshold=float(weights.get("threshold", 0.0)),
    )


def quote_kind(text: str) -> QuoteKind:
    """The kind of a quote from its content text (the reference scorer's definition)."""
    body = text.strip()
    if body[:1] in QUOTE_CHARS:
        return "direct"
    if any(q in body for q in QUOTE_CHARS):
        return "mixed"
    return "indirect"


@dataclass(slots=True)
class _Candidate:
    content: tuple[int, int]
    source: Token | None
    cue: tuple[int, int] | None
    pattern: str
    lemma: str


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
    tok = cue
    for _ in range(4):
        for child in tok.children:
            if child.dep_ in _SUBJECT_DEPS:
                return child
        if tok.dep_ == "relcl" and tok.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return tok.head
        if tok.dep_ in _INHERIT_DEPS and tok.head is not tok:
            tok = tok.head
            continue
        break
    for child in cue.children:  # passive with an agent: "it was announced by X"
        if child.dep_ == "agent":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    return None


def _speech_candidates(cue: Token, lex: _Lexicon, out: list[_Candidate]) -> None:
    doc = cue.doc
    lemma = cue.lemma_.lower()
    cue_span = (cue.idx, cue.idx + len(cue.text))
    subject = _subject(cue)
    if subject is not None and subject.i > cue.i + 12:
        subject = None
    clauses = [c for c in cue.children if c.dep_ == "ccomp"]
    if clauses and lemma in lex.speech:
        first = min(c.left_edge.i for c in clauses)
        last = max(c.right_edge.i for c in clauses)
        if subject is not None and first <= subject.i <= last:
            return
        out.append(_Candidate(_span_chars(doc, first, last), subject, cue_span, "ccomp", lemma))
        return
    if lemma in lex.intent:
        for c in cue.children:
            if c.dep_ == "xcomp" and c.i > cue.i:
                first, last = _subtree_bounds(c)
                out.append(
                    _Candidate(_span_chars(doc, first, last), subject, cue_span, "xcomp", lemma)
                )
                return
    if lemma in lex.speech and cue.dep_ == "parataxis" and cue.head.i < cue.i:
        first, last = _subtree_bounds(cue.head, exclude=cue)
        if last >= first:
            out.append(
                _Candidate(_span_chars(doc, first, last), subject, cue_span, "parataxis", lemma)
            )
            return
    if lemma in lex.object:
        objs = [c for c in cue.children if c.dep_ in ("dobj", "attr") and c.i > cue.i]
        if objs:
            first = objs[0].left_edge.i
            last = cue.right_edge.i
            out.append(_Candidate(_span_chars(doc, first, last), subject, cue_span, "dobj", lemma))
            return
    if lemma in lex.speech and subject is not None:
        out.append(_Candidate((-1, -1), subject, cue_span, "bare", lemma))


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
    span = _span_chars(doc, first, last)
    cue = (tok.idx, to.idx + len(to.text))
    out.append(_Candidate(span, pobj, cue, "according", "according to"))


def _collect_candidates(doc: Doc, lex: _Lexicon) -> list[_Candidate]:
    out: list[_Candidate] = []
    verbs = lex.speech | lex.intent | lex.object
    for tok in doc:
        if tok.lower_ == "according":
            _according_candidates(tok, out)
        elif tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in verbs:
            _speech_candidates(tok, lex, out)
    return out


# ----------------------------------------------------------------------------- quotation marks


def _snap_to_quotes(
    content: tuple[int, int], quotes: Sequence[tuple[int, int]], starts: Sequence[int]
) -> tuple[int, int]:
    """Widen content to whole quotations it overlaps; a content that is mostly one
    quotation becomes that quotation."""
    start, end = content
    i = bisect.bisect_left(starts, start) - 1
    i = max(i, 0)
    while i < len(quotes) and quotes[i][0] < end:
        q_start, q_end = quotes[i]
        if q_end > start:
            if q_start < start:
                start = q_start
            if q_end > end:
                end = q_end
        i += 1
    return start, end


def _attach_quotes(
    doc: Doc,
    cands: list[_Candidate],
    quotes: Sequence[tuple[int, int]],
) -> None:
    """Give content to bare cues ("X said:" + quotation, quotation + "X said")."""
    text = doc.text
    for cand in cands:
        if cand.pattern != "bare" or cand.cue is None:
            continue
        cue_start, cue_end = cand.cue
        src = cand.source
        left = min(cue_start, src.idx if src is not None else cue_start)
        # quotation closing just before the clause: “...,” he said.
        best: tuple[int, int] | None = None
        for q_start, q_end in quotes:
            if q_end <= left and text[q_end:left].strip(_TRIM + " ") == "":
                best = (q_start, q_end)
            elif q_start >= cue_end and text[cue_end:q_start].strip(" \n,") in (":", ""):
                if text[cue_end:q_start].count("\n") <= 2:
                    best = best or (q_start, q_end)
                break
        if best is not None:
            cand.content = best
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
    source: Token, span: tuple[int, int], ents: _Entities, lex: _Lexicon
) -> tuple[str | None, EntityType | None]:
    ent = ents.covering(*span)
    if ent is not None:
        return ent.name, ent.type
    word = source.lower_
    if word in _RELATIVE and source.head.head is not source.head:
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
        return (ent.name, ent.type) if ent is not None else (None, None)
    lemma = source.lemma_.lower()
    if source.pos_ == "NOUN":
        if lemma in lex.person_nouns:
            ent = ents.preceding(span[0], ("PERSON",))
            return (ent.name, ent.type) if ent is not None else (None, None)
        if lemma in lex.org_nouns:
            ent = ents.preceding(span[0], ("ORG",))
            return (ent.name, ent.type) if ent is not None else (None, None)
    if source.pos_ == "PROPN":
        return source.doc.text[span[0] : span[1]], None
    return None, None


# ----------------------------------------------------------------------------- main


def _keep(cand: _Candidate, lex: _Lexicon) -> bool:
    if cand.content[0] < 0 or cand.content[1] - cand.content[0] < 2:
        return False
    if not lex.weights:
        return cand.pattern in ("ccomp", "according", "bare-quote", "parataxis") or (
            cand.pattern in ("xcomp", "dobj")
            and cand.lemma in ("want", "plan", "vow", "support", "endorse")
        )
    key = f"{cand.lemma}|{cand.pattern}"
    weight = lex.weights.get(key, lex.weights.get(f"*|{cand.pattern}", 0.0))
    return weight >= lex.threshold


def find_quotes(doc: Doc, entities: Sequence[Entity]) -> list[Quote]:
    """Quotes in a parsed article: content, source mention, cue, canonical speaker and kind.

    ``entities`` are the article's named-entity mentions with canonical names; offsets of
    both the input and the output are ``str`` indices into ``doc.text``.
    """
    lex = _lexicon()
    text = doc.text
    quotes = find_quote_spans(text)
    starts = [q[0] for q in quotes]
    cands = _collect_candidates(doc, lex)
    _attach_quotes(doc, cands, quotes)
    ents = _Entities(entities)
    details: dict[str, SpeakerDetails] | None = None
    seen: set[tuple[int, int]] = set()
    out: list[Quote] = []
    for cand in cands:
        if not _keep(cand, lex):
            continue
        content = _snap_to_quotes(cand.content, quotes, starts)
        content = _strip(text, content)
        if content[1] - content[0] < 2 or content in seen:
            continue
        seen.add(content)
        source_span: tuple[int, int] | None = None
        speaker: str | None = None
        speaker_type: EntityType | None = None
        if cand.source is not None:
            source_span = _noun_span(cand.source)
            if source_span[0] < content[1] and content[0] < source_span[1]:
                source_span = (cand.source.idx, cand.source.idx + len(cand.source.text))
            speaker, speaker_type = _resolve(cand.source, source_span, ents, lex)
        title = affiliation = None
        if speaker is not None and speaker_type in ("PERSON", None):
            if details is None:
                details = find_speaker_details(doc, entities)
            found = details.get(speaker)
            if found is not None:
                title, affiliation = found.title, found.affiliation
                speaker_type = speaker_type or "PERSON"
        out.append(
            Quote(
                content=content,
                source=source_span,
                cue=cand.cue,
                speaker=speaker,
                kind=quote_kind(text[content[0] : content[1]]),
                speaker_type=speaker_type,
                speaker_title=title,
                speaker_affiliation=affiliation,
            )
        )
    out.sort(key=lambda q: q.content)
    return out


def _strip(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end
