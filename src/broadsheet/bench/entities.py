"""Entity benchmark: Broadsheet's entities scored on a CoNLL-2003-format file.

``run_entities_bench(path)`` reads a CoNLL file (one token a line, the entity tag in the
last column that holds tags — ``O``, ``B-PER``, ``I-ORG``…, IOB1 or IOB2 —, a blank line
between sentences, ``-DOCSTART-`` between documents), rebuilds each document as text (a
sentence a line, tokens joined by single spaces), annotates it with the enrichment, and
scores exact spans of PER, ORG and LOC against Broadsheet's PERSON, ORG and PLACE
(MISC and Broadsheet's other types are not scored). A file without ``-DOCSTART-`` lines
is cut into documents before each dateline ("LONDON 1996-08-30", the line after the
headline). With ``anchor=True`` spaCy's own entities from the same parse are scored too
(GPE, LOC and FAC as places), the anchor of ``docs/BENCHMARKS.md``.

Micro-averaged precision, recall and F1 over the three types, and per type.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from broadsheet.errors import BroadsheetError

__all__ = [
    "ConllDocument",
    "EntityBenchReport",
    "Score",
    "read_conll",
    "run_entities_bench",
    "score_spans",
]

TYPES = ("PERSON", "ORG", "PLACE")
_CONLL_TYPES = {"PER": "PERSON", "ORG": "ORG", "LOC": "PLACE"}
_SPACY_TYPES = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}
_TAG = re.compile(r"(?:O|[BIES]-[A-Za-z]+)")
_DATELINE_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

Span = tuple[int, int, str]  # start char, end char, Broadsheet type


@dataclass(slots=True)
class ConllDocument:
    """One document: its sentences (tokens and tags) and, once built, its text."""

    sentences: list[list[tuple[str, str]]] = field(default_factory=list)

    def text_and_gold(self) -> tuple[str, list[tuple[int, int]], set[Span]]:
        """The text (a sentence a line), each token's character span, and the gold spans
        of the scored types."""
        parts: list[str] = []
        offsets: list[tuple[int, int]] = []
        gold: set[Span] = set()
        pos = 0
        for sentence in self.sentences:
            if parts:
                parts.append("\n")
                pos += 1
            open_span: list[Any] | None = None  # [start, end, conll type]
            prev_type: str | None = None
            for k, (token, tag) in enumerate(sentence):
                if k:
                    parts.append(" ")
                    pos += 1
                start, end = pos, pos + len(token)
                parts.append(token)
                offsets.append((start, end))
                pos = end
                kind = tag[2:] if tag != "O" else None
                begins = kind is not None and (tag[0] in "BS" or kind != prev_type)
                if open_span is not None and (kind is None or begins):
                    _add_gold(gold, open_span)
                    open_span = None
                if kind is not None:
                    if open_span is None:
                        open_span = [start, end, kind]
                    else:
                        open_span[1] = end
                prev_type = kind
            if open_span is not None:
                _add_gold(gold, open_span)
        return "".join(parts), offsets, gold


def _add_gold(gold: set[Span], span: Sequence[Any]) -> None:
    mapped = _CONLL_TYPES.get(str(span[2]))
    if mapped is not None:
        gold.add((int(span[0]), int(span[1]), mapped))


def _tag_column(rows: Sequence[Sequence[str]]) -> int:
    """The last column every row's value of which reads as an entity tag."""
    width = min(len(r) for r in rows)
    for col in range(width - 1, 0, -1):
        if all(_TAG.fullmatch(r[col]) for r in rows):
            return col
    raise BroadsheetError("no column of entity tags (O, B-PER, I-ORG…) in the CoNLL file")


def read_conll(path: Path) -> list[ConllDocument]:
    """The documents of a CoNLL-2003-format file (see the module docstring)."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BroadsheetError(f"cannot read {path}: {exc}") from exc
    rows = [line.split() for line in lines]
    token_rows = [r for r in rows if r and r[0] != "-DOCSTART-"]
    if not token_rows:
        raise BroadsheetError(f"{path} holds no tokens")
    if min(len(r) for r in token_rows) < 2:
        raise BroadsheetError(f"{path}: every token line needs a token and a tag")
    col = _tag_column(token_rows)
    marked = any(r and r[0] == "-DOCSTART-" for r in rows)
    docs: list[ConllDocument] = [ConllDocument()]
    sentence: list[tuple[str, str]] = []

    def close_sentence() -> None:
        if sentence:
            docs[-1].sentences.append(list(sentence))
            sentence.clear()

    for r in rows:
        if not r:
            close_sentence()
        elif r[0] == "-DOCSTART-":
            close_sentence()
            if docs[-1].sentences:
                docs.append(ConllDocument())
        else:
            sentence.append((r[0], r[col]))
    close_sentence()
    if not marked:
        docs = [d for doc in docs for d in _split_at_datelines(doc)]
    return [d for d in docs if d.sentences]


def _is_dateline(sentence: Sequence[tuple[str, str]]) -> bool:
    return 1 < len(sentence) <= 8 and bool(_DATELINE_DATE.fullmatch(sentence[-1][0]))


def _split_at_datelines(doc: ConllDocument) -> list[ConllDocument]:
    """A file without document marks, cut before each headline (the line before a
    dateline)."""
    out: list[ConllDocument] = [ConllDocument()]
    sents = doc.sentences
    for i, sentence in enumerate(sents):
        starts = i + 1 < len(sents) and _is_dateline(sents[i + 1]) and not _is_dateline(sentence)
        if starts and out[-1].sentences:
            out.append(ConllDocument())
        out[-1].sentences.append(sentence)
    return out


@dataclass(frozen=True, slots=True)
class Score:
    true_positives: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "f1": round(self.f1, 4),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "true_positives": self.true_positives,
            "predicted": self.predicted,
            "gold": self.gold,
        }


def score_spans(predicted: Iterable[Span], gold: Iterable[Span]) -> dict[str, Score]:
    """Exact-span scores, overall (``"all"``) and per type."""
    pred, want = set(predicted), set(gold)
    out = {"all": Score(len(pred & want), len(pred), len(want))}
    for t in TYPES:
        p = {s for s in pred if s[2] == t}
        g = {s for s in want if s[2] == t}
        out[t] = Score(len(p & g), len(p), len(g))
    return out


def _snap(start: int, end: int, offsets: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """A predicted span widened to whole tokens (None when it covers none)."""
    inside = [(s, e) for s, e in offsets if s < end and start < e]
    if not inside:
        return None
    return inside[0][0], inside[-1][1]


@dataclass(frozen=True, slots=True)
class EntityBenchReport:
    file: str
    documents: int
    sentences: int
    tokens: int
    broadsheet: dict[str, dict[str, float | int]]
    spacy: dict[str, dict[str, float | int]] | None
    seconds: float
    cpu_seconds: float

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def _scores_json(scores: dict[str, Score]) -> dict[str, dict[str, float | int]]:
    return {k: v.as_dict() for k, v in scores.items()}


def run_entities_bench(
    path: Path, *, anchor: bool = False, enricher: Any = None
) -> EntityBenchReport:
    """Score Broadsheet's entities (and with ``anchor``, spaCy's own) on a CoNLL file."""
    from broadsheet.enrich import Enricher
    from broadsheet.enrich.entities import find_entities

    docs = read_conll(path)
    built = [d.text_and_gold() for d in docs]
    enricher = enricher or Enricher(quotes=False)
    wall, cpu = time.perf_counter(), time.process_time()
    ours: set[Span] = set()
    theirs: set[Span] = set()
    gold: set[Span] = set()
    base = 0
    texts = [text for text, _, _ in built]
    for (text, offsets, doc_gold), doc in zip(built, enricher.parse_many(texts), strict=True):
        gold.update((s + base, e + base, t) for s, e, t in doc_gold)
        for ent in find_entities(doc, enricher.entity_rules):
            snapped = _snap(ent.start, ent.end, offsets) if ent.type in TYPES else None
            if snapped is not None:
                ours.add((snapped[0] + base, snapped[1] + base, ent.type))
        if anchor:
            for ent in doc.ents:
                kind = _SPACY_TYPES.get(ent.label_)
                snapped = _snap(ent.start_char, ent.end_char, offsets) if kind else None
                if kind is not None and snapped is not None:
                    theirs.add((snapped[0] + base, snapped[1] + base, kind))
        base += len(text) + 1
    return EntityBenchReport(
        file=str(path),
        documents=len(docs),
        sentences=sum(len(d.sentences) for d in docs),
        tokens=sum(len(s) for d in docs for s in d.sentences),
        broadsheet=_scores_json(score_spans(ours, gold)),
        spacy=_scores_json(score_spans(theirs, gold)) if anchor else None,
        seconds=round(time.perf_counter() - wall, 2),
        cpu_seconds=round(time.process_time() - cpu, 2),
    )
