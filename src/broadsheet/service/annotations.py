"""An article's annotations as JSON (the ``analyze`` contract, ``read --format json``,
``export``, the API): here, apart from the views, so that ``broadsheet analyze`` imports
no store or search index to write them."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from ..models import Annotations, Entity, Fact, Quote, TickerMention
from .text import Sentences

__all__ = ["annotation_json", "annotations_json"]


def _plain(value: Any) -> Any:
    """Tuples (spans) become lists; everything else as it is."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    """A model's field names, in order (``dataclasses.fields`` rebuilds them every call)."""
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(kind))
    return names


class _SentenceCache(Sentences):
    """``Sentences`` whose ``around`` is made once per sentence and limit: an article's
    annotations share sentences, and ``around`` depends only on those."""

    def __init__(self, body: str) -> None:
        super().__init__(body)
        self._around: dict[tuple[int, int, int], str] = {}

    def around(self, start: int, end: int, limit: int = 400) -> str:
        key = (*self.bounds(start, end), limit)
        sentence = self._around.get(key)
        if sentence is None:
            sentence = self._around[key] = super().around(start, end, limit)
        return sentence


def annotation_json(
    item: Entity | TickerMention | Quote | Fact, sentences: Sentences
) -> dict[str, Any]:
    """One annotation: every field of its model (spans as ``[start, end]``), plus ``text``
    (the words it covers) and ``sentence`` (the sentence behind it)."""
    body = sentences.body
    data = {name: _plain(getattr(item, name)) for name in _field_names(type(item))}
    if isinstance(item, Quote):
        start, end = item.content
        data["text"] = body[start:end]
        data["sentence"] = sentences.of_quote(item)
    else:
        start, end = item.start, item.end
        if not data.get("text"):
            data["text"] = body[start:end]
        data["sentence"] = sentences.around(start, end)
    return data


def annotations_json(annotations: Annotations, body: str) -> dict[str, Any]:
    """The annotation fields of an article (``docs/BENCHMARKS.md`` names the contract:
    entities ``{start, end, type, name}``, quotes ``{content, source, cue, speaker, kind}``,
    facts ``{start, end, value, unit, measure, period, subject}``, topics)."""
    sentences = _SentenceCache(body)
    return {
        "entities": [annotation_json(e, sentences) for e in annotations.entities],
        "tickers": [annotation_json(t, sentences) for t in annotations.tickers],
        "quotes": [annotation_json(q, sentences) for q in annotations.quotes],
        "facts": [annotation_json(f, sentences) for f in annotations.facts],
        "topics": list(annotations.topics),
        "tone": annotations.tone,
    }
