"""Quote attribution: who said what, with character offsets.

``find_quotes`` works on a spaCy parse. Candidates come from rules over the dependency
parse (a cue verb with its subject and its clause, quotation, infinitive or object;
"according to X"; "X said:" before a quotation; "..., X said" after one), and from the
quotation marks themselves (``candidates``). Which cue lemmas count under which pattern is
data (``data/cues.json``, and ``data/model.json`` fitted on the PolNeAR training split;
``lexicon``, ``features``). Each kept candidate's content is held to its paragraph and
widened to whole quotations (``content``). Speakers get their canonical name from the
entity mention covering the source span; a pronoun or a role noun ("the spokeswoman")
resolves to the nearest fitting person or organisation mentioned before it (``resolve``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from spacy.tokens import Doc

from broadsheet.models import Entity, Quote, SpeakerType

from .arrays import doc_arrays, release
from .candidates import _attach_quotes, _Candidate, _collect_candidates, _noun_span
from .classes import classify_cue
from .content import _clip, _content, _continuations, _paragraph_bounds, _signed
from .features import _mark_context, _score
from .lexicon import _lexicon
from .marks import find_quote_spans, quote_kind
from .resolve import _Entities, _resolve
from .speakers import SpeakerDetails, find_speaker_details

__all__ = ["find_quotes"]
_SAME_WORDS = 0.5  # two quotes overlapping this much (Jaccard) report the same words


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def _overlaps_any(a: tuple[int, int], seen: set[tuple[int, int]]) -> bool:
    """Whether ``a`` overlaps one of ``seen`` at least ``_SAME_WORDS`` (``_overlap``
    inlined: this runs for every pair of kept and scored candidates)."""
    start, end = a
    for b_start, b_end in seen:
        inter = min(end, b_end) - max(start, b_start)
        if inter <= 0:
            continue
        union = max(end, b_end) - min(start, b_start)
        if union > 0 and inter / union >= _SAME_WORDS:
            return True
    return False


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
    release()  # the parse is read afresh for each call (``arrays``)
    text = doc_arrays(doc).doc_text()
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
        if one_per_verb and _overlaps_any(content, seen):
            # the same words from a second verb ("urged X to visit polling places" and
            # "visit polling places"): the likelier reading only
            continue
        if one_per_verb and cand.verb is not None:
            if value < best[cand.verb.i]:
                continue
            best[cand.verb.i] = float("inf")  # one quote per verb, even on a tie
        seen.add(content)
        source_span: tuple[int, int] | None = None
        speaker: str | None = None
        speaker_type: SpeakerType | None = None
        if cand.source is not None:
            source_span = _clip(_noun_span(cand.source), cand.source.idx, breaks)
            if source_span[0] < content[1] and content[0] < source_span[1]:
                source_span = (cand.source.idx, cand.source.idx + len(cand.source.text))
            speaker, speaker_type = _resolve(cand.source, source_span, ents, lex, text)
        title = affiliation = None
        if speaker_type == "GROUP" and source_span is not None:
            # "Pentagon officials": the group's organisation, when an entity names one
            org = ents.covering(*source_span)
            affiliation = org.name if org is not None and org.type == "ORG" else None
        elif speaker is not None and speaker_type in ("PERSON", None):
            if details is None:
                details = find_speaker_details(doc, entities)
            found = details.get(speaker)
            if found is not None:
                title, affiliation = found.title, found.affiliation
                speaker_type = speaker_type or "PERSON"
        kind = quote_kind(text[content[0] : content[1]])
        quote = Quote(
            content=content,
            source=source_span,
            cue=cand.cue,
            speaker=speaker,
            kind=kind,
            speaker_type=speaker_type,
            speaker_title=title,
            speaker_affiliation=affiliation,
            cue_class=classify_cue(cand, kind == "direct"),
        )
        out.append((cand, quote))
    out.extend(_continuations(text, out, quotes))
    taken = [q.content for _, q in out]
    for content, source_span, cue in _signed(text, quotes):
        if any(a < content[1] and content[0] < b for a, b in taken):
            continue
        ent = ents.covering(*source_span)
        speaker = ent.name if ent is not None else text[source_span[0] : source_span[1]]
        signed = _Candidate(content, None, cue, "signed", "signed")
        quote = Quote(
            content=content,
            source=source_span,
            cue=cue,
            speaker=speaker,
            kind="direct",
            speaker_type=ent.type if ent is not None else None,
            cue_class="speech",
        )
        out.append((signed, quote))
    out.sort(key=lambda pair: pair[1].content)
    release()
    return out


def find_quotes(doc: Doc, entities: Sequence[Entity]) -> list[Quote]:
    """Quotes in a parsed article: content, source mention, cue, canonical speaker and kind.

    ``entities`` are the article's named-entity mentions with canonical names; offsets of
    both the input and the output are ``str`` indices into ``doc.text``.
    """
    lex = _lexicon()
    cutoff = lex.cutoff if lex.model else 0.0
    return [quote for _, quote in _build(doc, entities, _score, lex.lemmas, cutoff=cutoff)]
