"""Who a quote's source mention is: the canonical name of the entity behind it.

The entity mention covering the source span names it; a relative pronoun takes its
antecedent's; "he" or "she" the nearest person mentioned before, "they" or "it" the nearest
organisation; a role noun ("the spokeswoman", "the ministry") the nearest fitting entity
before it, preferring one whose name holds the noun. A plural noun phrase ("analysts",
"American officials", "Obama administration officials") names a group: the group is the
speaker, never a person named inside the phrase ("Obama"), and never nobody.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from spacy.tokens import Token

from broadsheet.models import Entity, SpeakerType

from .lexicon import _Lexicon

_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "i", "me", "we", "us"})
_GROUP_PRONOUNS = frozenset({"they", "them", "it"})
_RELATIVE = frozenset({"who", "which", "that", "whom"})


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
        self, pos: int, types: tuple[SpeakerType, ...], words: set[str], limit: int = 3000
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
        self, pos: int, types: tuple[SpeakerType, ...], limit: int = 1500
    ) -> Entity | None:
        i = bisect.bisect_left(self.starts, pos)
        for e in reversed(self.items[:i]):
            if e.start < pos - limit:
                break
            if e.type in types and e.end <= pos:
                return e
        return None


_GROUP_DROP = frozenset({"det", "predet", "punct"})


def _resolve(
    source: Token, span: tuple[int, int], ents: _Entities, lex: _Lexicon, text: str
) -> tuple[str | None, SpeakerType | None]:
    ent = ents.covering(*span)
    if _is_group(source, ent):
        return _group_name(source, span, text), "GROUP"
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


def _is_group(source: Token, ent: Entity | None) -> bool:
    """Whether the source is a group named by a plural noun ("analysts", "American
    officials", "Obama administration officials", "Democrats"), not the person or
    organisation an entity inside the phrase names."""
    if source.tag_ not in ("NNS", "NNPS") or source.lower_ in _GROUP_PRONOUNS:
        return False
    if ent is None:
        return True
    head = (source.idx, source.idx + len(source.text))
    return not (ent.start < head[1] and head[0] < ent.end)  # the entity only modifies it


def _group_name(source: Token, span: tuple[int, int], text: str) -> str:
    """The group's noun phrase as written, without a leading determiner ("the analysts"
    -> "analysts"; "Obama administration officials" whole)."""
    start = span[0]
    doc = source.doc
    for tok in doc[source.left_edge.i : source.i]:
        if tok.idx < start:
            continue
        if tok.dep_ not in _GROUP_DROP:
            break
        start = tok.idx + len(tok.text)
    name = " ".join(text[start : span[1]].split())
    return name or source.text


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
) -> tuple[str | None, SpeakerType | None]:
    """ "the spokeswoman", "the ministry", "the department's news office": the nearest
    fitting earlier entity, preferring one whose name holds the noun."""
    lemma = source.lemma_.lower()
    if source.tag_ in ("NNS", "NNPS"):
        return None, None
    words = {
        t.lemma_.lower() for t in source.subtree if t.pos_ in ("NOUN", "PROPN") and t.i <= source.i
    }
    types: tuple[SpeakerType, ...]
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
