"""What the attribution classifier sees of a candidate, and its score.

Features name the candidate's pattern, cue lemma, quoting, subject and length, and the
context ``_mark_context`` sets (a cue nested in reported words; another speech verb in the
sentence). Without a fitted model the hand lexicon decides (``_prior``).
"""

from __future__ import annotations

import bisect
from itertools import repeat

from .arrays import doc_arrays
from .candidates import _Candidate
from .lexicon import _Lexicon, _lexicon
from .marks import quote_kind

_FIRST_WORDS = frozenset(
    {"that", "to", "the", "a", "an", "his", "her", "their", "it", "he", "she", "they", "we"}
    | {"i", "what", "whether", "how", "if", "this", "there", "in", "for"}
)


_CLAUSE_LIKE = frozenset({"ccomp", "split", "split-gloss", "parataxis", "relative", "xcomp"})


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


_QUOTED = {"direct": "q1", "mixed": "qm", "indirect": "q0"}


def candidate_features(cand: _Candidate, content: tuple[int, int], text: str) -> list[str]:
    """What the attribution classifier sees of one candidate."""
    pattern, lemma = cand.pattern, cand.lemma
    body = text[content[0] : content[1]]
    quoted = _QUOTED[quote_kind(body)]
    src = cand.source
    verb = cand.verb
    if src is None:
        subj = "none"
        src_pos = ""
    else:
        arrays = doc_arrays(src.doc)
        src_pos = arrays.pos[src.i]
        if src_pos == "PRON":
            subj = "pron-" + arrays.lower[src.i]
        else:
            subj = src_pos + "-" + (src.ent_type_ or "x")
    subj_kind = subj.split("-")[0]
    feats = [
        "p=" + pattern,
        "l=" + lemma,
        "lp=" + lemma + "|" + pattern,
        "pq=" + pattern + "|" + quoted,
        "ps=" + pattern + "|" + subj_kind,
        "s=" + subj,
        # words counted up to 65: every count over 63 is the same bucket
        "plen=" + pattern + "|" + _bucket(len(body.split(None, 64))),
    ]
    if verb is not None:
        arrays = doc_arrays(verb.doc)
        dep = arrays.dep
        v = verb.i
        verb_tag, verb_dep = arrays.tag[v], dep[v]
        feats.append("pt=" + pattern + "|" + verb_tag)
        feats.append("pd=" + pattern + "|" + verb_dep)
        feats.append("lt=" + lemma + "|" + verb_tag)
        kids = arrays.children(v)
        if any(dep[c] == "neg" for c in kids):
            feats.append("neg")
        if any(
            dep[c] == "aux" and arrays.lower[c] in ("will", "would", "could", "might") for c in kids
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
    feats.append("psq=" + pattern + "|" + subj_kind + "|" + quoted)

    feats.append("ls=" + lemma + "|" + subj_kind)
    if src is not None and verb is not None:
        feats.append("dist=" + _bucket(abs(src.i - verb.i)))
    if cand.cue is not None and content[0] < cand.cue[0] < content[1]:
        feats.append("cue-inside|" + pattern)
    if body[:5].lower().startswith("that "):
        feats.append("that|" + pattern)
    words = body.split(None, 1)
    first = words[0].lower() if words else ""
    if first in _FIRST_WORDS:
        feats.append("lf=" + lemma + "|" + first)
    if src is not None and src_pos == "NOUN":
        src_lemma = doc_arrays(src.doc).lemma[src.i]
        feats.append("sl=" + src_lemma)
        feats.append("sll=" + src_lemma + "|" + lemma)
    if verb is not None and pattern not in _CLAUSE_LIKE:
        # what the cue acts on: "unleashed a flurry of tweets", "attacked Machado"
        span = verb.doc.char_span(content[0], content[1], alignment_mode="expand")
        if span is not None and len(span):
            root = span.root
            kind = root.ent_type_ or root.pos_
            feats.append("ch=" + root.lemma_.lower())
            feats.append("pce=" + pattern + "|" + kind)
            feats.append("lce=" + lemma + "|" + kind)
    if verb is not None:
        arrays = doc_arrays(verb.doc)
        v = verb.i
        verb_dep, verb_head = arrays.dep[v], arrays.head[v]
        if verb_dep in ("xcomp", "ccomp", "conj", "advcl") and arrays.pos[verb_head] in (
            "VERB",
            "AUX",
        ):
            feats.append("hl=" + arrays.lemma[verb_head] + "|" + verb_dep)
        feats.append("lpd=" + lemma + "|" + pattern + "|" + verb_dep)
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
    return lex.bias + sum(map(lex.model.get, feats, repeat(0.0)))


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
    sentence = {
        cand.verb.i: doc_arrays(cand.verb.doc).sent_bounds(cand.verb.i)[0]
        for cand, _ in prepared
        if cand.verb is not None
    }
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
