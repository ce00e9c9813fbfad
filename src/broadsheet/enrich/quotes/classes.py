"""What a quote's cue reports: speech, writing, thought (or belief), or an action.

PolNeAR counts every attribution: "said", but also "believes", "ordered a strike" and "will
announce a strategy". For a reader, quotes are what was said or written, so each quote
gets a cue class and the interfaces show speech and writing unless asked for all.

The class comes from the cue's lemma (hand lexicons in ``data/cue_classes.json``), then
its context:

- a cue said "in a statement", "in a letter", "on Twitter", or whose source is a report,
  a study or a poll ("a report found that ...", "according to documents") is writing;
- a speech or writing cue in the future or under a modal, taking an object rather than
  words ("will announce a strategy", "would sign the bill"), is an action;
- words in quotation marks are speech, whatever verb reports them ("“A,” she laughed");
- a cue in none of the lexicons is an action ("ordered a strike", "refused to testify").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from broadsheet.models import CUE_CLASSES, CueClass

if TYPE_CHECKING:
    from spacy.tokens import Token

    from .candidates import _Candidate

__all__ = ["CUE_CLASSES", "CueClass", "classify_cue", "lemma_class"]

# patterns whose content is the words a cue reports, not the cue's object
_WORD_PATTERNS = frozenset(
    {"ccomp", "split", "split-gloss", "parataxis", "bare-quote", "colon", "noun-clause"}
    | {"relative", "answer"}
)


@dataclass(frozen=True, slots=True)
class _Classes:
    speech: frozenset[str]
    writing: frozenset[str]
    thought: frozenset[str]
    writing_places: frozenset[str]
    future_aux: frozenset[str]


@lru_cache(maxsize=1)
def _classes() -> _Classes:
    base = resources.files(__package__) / "data"
    data = json.loads((base / "cue_classes.json").read_text("utf-8"))
    return _Classes(
        speech=frozenset(data["speech"]),
        writing=frozenset(data["writing"]),
        thought=frozenset(data["thought"]),
        writing_places=frozenset(data["writing_places"]),
        future_aux=frozenset(data["future_aux"]),
    )


def lemma_class(lemma: str) -> CueClass:
    """The class a cue lemma has on its own ("say" speech, "tweet" writing, "believe"
    thought; anything else an action)."""
    c = _classes()
    word = lemma.lower()
    if word in c.writing:
        return "writing"
    if word in c.speech:
        return "speech"
    if word in c.thought:
        return "thought"
    return "action"


def classify_cue(cand: _Candidate, direct: bool) -> CueClass:
    """The class of a candidate attribution's cue; ``direct`` when its content opens with
    a quotation mark."""
    c = _classes()
    if cand.pattern == "source-in":
        return "writing"  # "in the new Morning Consult poll, 40 percent ..."
    if cand.pattern == "source-for":
        return "thought"  # "for most Democrats, the Clinton years remain ..."
    cls = lemma_class(cand.lemma)
    source = cand.source
    if cls in ("speech", "thought") and source is not None and _written_source(source, c):
        return "writing"  # "the report found", "according to documents", "a poll showed"
    verb = cand.verb
    if verb is not None and cls == "speech" and _written_place(verb, c):
        return "writing"  # "said in a statement", "said on Twitter"
    if direct:
        return cls if cls != "action" else "speech"
    if (
        verb is not None
        and cls in ("speech", "writing")
        and cand.pattern not in _WORD_PATTERNS
        and _future(verb, c)
    ):
        return "action"  # "will announce a strategy"
    return cls


def _written_source(source: Token, c: _Classes) -> bool:
    """ "a report", "the study", "census figures", "court records" """
    if source.pos_ != "NOUN":
        return False
    words = {source.lemma_.lower(), source.lower_}
    return bool(words & c.writing_places or words & c.writing)


def _written_place(verb: Token, c: _Classes) -> bool:
    """ "said in a statement", "wrote on Facebook", "said in an email to reporters" """
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ not in ("in", "on", "via", "through"):
            continue
        for pobj in prep.children:
            if pobj.dep_ == "pobj" and pobj.lemma_.lower() in c.writing_places:
                return True
    return False


def _future(verb: Token, c: _Classes) -> bool:
    """A modal or future auxiliary on the verb ("will announce", "would sign"), or the
    verb is the infinitive of a plan ("plans to unveil", "is going to release")."""
    if any(a.dep_ == "aux" and a.lower_ in c.future_aux for a in verb.children):
        return True
    return verb.dep_ == "xcomp" and verb.tag_ == "VB"
