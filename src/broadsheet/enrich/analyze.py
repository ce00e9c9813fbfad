"""The enrichment orchestrator: one spaCy parse per article, shared by every annotator.

    text -> spaCy Doc -> entities -> tickers, quotes (given the entities), facts
                      -> lemmas  -> topics, tone

The parse is the model's own, computed in part by our code with the model's weights and
rules (same output, measured): ``FastNER`` decodes its NER (``fastner.py``; by default it
scores only tokens that may begin an entity: 0.2 % of spans differ, see its docstring),
``FastTagger`` stands for its attribute ruler and lemmatizer (``fasttags.py``).

All offsets are Python ``str`` indices into the text given. Texts longer than
``MAX_CHARS`` are analysed on their first ``MAX_CHARS`` characters (offsets stay valid).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from itertools import islice
from multiprocessing import get_context
from typing import Any

# isort: off
from . import _spacy_first  # noqa: F401  (first: spaCy without its command line)

# isort: on
from spacy.attrs import IS_SPACE, LEMMA

from ..errors import EnrichmentError
from ..models import Annotations, Entity, Quote
from .entities import EntityRules, find_entities, load_entity_rules
from .facts import FactRules, find_facts, load_fact_rules
from .fastner import FastNER
from .fasttags import FastTagger
from .fasttok2vec import CachedEmbedTok2Vec
from .nlp import (
    blas_ops,
    doc_text,
    keep_freed_memory,
    load_nlp,
    prepare_text,
    release_freed_memory,
    restore_text,
)
from .tickers import TickerTable, find_tickers, load_ticker_table
from .tone import ToneLexicon, load_tone_lexicon, score_tone
from .topics import Taxonomy, load_taxonomy, select_topics

__all__ = [
    "MAX_CHARS",
    "Enricher",
    "analyze_text",
    "annotations_to_dict",
    "enrich_many_parallel",
]

MAX_CHARS = 200_000
_SLOW_PARTS = ("attribute_ruler", "lemmatizer")
_log = logging.getLogger(__name__)

QuoteFinder = Callable[[Any, Sequence[Entity]], list[Quote]]


def _load_quote_finder() -> QuoteFinder | None:
    """``broadsheet.enrich.quotes.find_quotes`` if it is installed, else None."""
    try:
        module = importlib.import_module("broadsheet.enrich.quotes")
    except ImportError:
        return None
    finder = getattr(module, "find_quotes", None)
    return finder if callable(finder) else None


class Enricher:
    """Annotates article texts. Load once, reuse: the model and tables are read at init."""

    def __init__(
        self,
        model: str = "en_core_web_sm",
        *,
        quotes: bool = True,
        tickers: TickerTable | None = None,
        fast_tags: bool = True,
        fast_ner: bool = True,
        blis: bool = False,
    ) -> None:
        """``blis=True`` parses with spaCy's own BLIS matrix products instead of numpy's
        OpenBLAS (``nlp.load_nlp``): same parses, slower here; kept to measure the two.
        ``fast_tags=False`` / ``fast_ner=False`` run the model's own attribute ruler and
        lemmatizer / NER decoding instead of ``FastTagger`` / ``FastNER`` (same output but
        for ``FastNER``'s entity-start subset)."""
        self.model = model
        # the batches' arrays reuse freed memory instead of fresh pages (≈ 1 s of 7 a run)
        keep_freed_memory()
        self.fast_tagger: FastTagger | None = None
        self.fast_ner: FastNER | None = None
        self.nlp: Any = None
        # one load: the components the fast paths replace are loaded but left out of the pipe
        wanted = [(*_SLOW_PARTS, "ner"), _SLOW_PARTS, ("ner",)]
        for parts in wanted:
            if ("ner" in parts and not fast_ner) or (_SLOW_PARTS[0] in parts and not fast_tags):
                continue
            nlp = self._load_without(model, parts, blis)
            if nlp is None or ("ner" in parts and not FastNER.usable(nlp.get_pipe("ner"))):
                continue
            self.nlp = nlp
            if _SLOW_PARTS[0] in parts:
                # same tags and lemmas as the model's own two components, a quarter less time
                self.fast_tagger = FastTagger(nlp)
            if "ner" in parts:
                # same entities as the model's NER, its decoding loop in numpy (fastner.py)
                self.fast_ner = FastNER(nlp.get_pipe("ner"), blas_ops())
            break
        if self.nlp is None:
            self.nlp = load_nlp(model, blis=blis)
        if "tok2vec" in self.nlp.pipe_names:
            component = self.nlp.get_pipe("tok2vec")
            if not isinstance(component.predict, CachedEmbedTok2Vec) and CachedEmbedTok2Vec.usable(
                component
            ):
                # the tagger's and parser's vectors to the bit, embeddings cached per word
                CachedEmbedTok2Vec(component).install()
        self.entity_rules: EntityRules = load_entity_rules()
        self.fact_rules: FactRules = load_fact_rules()
        self.tickers: TickerTable = tickers or load_ticker_table()
        self.taxonomy: Taxonomy = load_taxonomy()
        self.tone_lexicon: ToneLexicon = load_tone_lexicon()
        self.find_quotes: QuoteFinder | None = _load_quote_finder() if quotes else None
        self._lowered: dict[int, str] = {}

    @staticmethod
    def _load_without(model: str, parts: tuple[str, ...], blis: bool) -> Any:
        """The pipeline with ``parts`` loaded but disabled, or None when the model lacks
        one of them."""
        try:
            nlp = load_nlp(model, parts, blis=blis)
        except ValueError:  # a model without those components
            return None
        return nlp if all(p in nlp.component_names for p in parts) else None

    def parse(self, text: str) -> Any:
        """The full spaCy parse (tags, parse, entities, lemmas) every annotator reads: made on
        the text with straight quotes (``nlp.prepare_text``), sentences broken at paragraph
        ends, ``doc.text`` the original text."""
        text = text[:MAX_CHARS]
        prepared = prepare_text(text)
        doc = self.nlp(prepared)
        if self.fast_ner is not None:
            self.fast_ner([doc])
        if self.fast_tagger is not None:
            doc = self.fast_tagger(doc)
        return restore_text(doc, text, prepared)

    def parse_many(self, texts: Iterable[str], batch_size: int = 16) -> Iterator[Any]:
        """Full parses of many texts, in order, in batches (``nlp.pipe``)."""
        pairs = (
            (prepared, (t, prepared)) for t in texts for prepared in [prepare_text(t[:MAX_CHARS])]
        )
        parsed = self.nlp.pipe(pairs, batch_size=batch_size, as_tuples=True)
        while batch := list(islice(parsed, batch_size)):
            if self.fast_ner is not None:
                self.fast_ner([doc for doc, _ in batch])
            for doc, (text, prepared) in batch:
                if self.fast_tagger is not None:
                    doc = self.fast_tagger(doc)
                yield restore_text(doc, text[:MAX_CHARS], prepared)

    def release_memory(self) -> bool:
        """Give back what the batches freed (:func:`nlp.release_freed_memory`): call when a
        run ends in a process that lives on."""
        return release_freed_memory()

    def analyze(self, text: str) -> Annotations:
        """Annotations of one article text."""
        if not text.strip():
            return Annotations()
        return self.analyze_doc(self.parse(text))

    def analyze_many(self, texts: Iterable[str], batch_size: int = 16) -> Iterator[Annotations]:
        """Annotations of many texts, in order, parsed in batches (``nlp.pipe``)."""
        for doc in self.parse_many(texts, batch_size=batch_size):
            yield self.analyze_doc(doc) if doc_text(doc).strip() else Annotations()

    def _lower_lemmas(self, doc: Any) -> list[str]:
        """The lower-case lemmas of the doc's non-space tokens, read from its arrays (making a
        ``Token`` per word cost more than the lookups); lower-casing cached per lemma."""
        if not len(doc):
            return []
        rows: Any = doc.to_array([LEMMA, IS_SPACE])
        lemma_ids: list[int] = rows[rows[:, 1] == 0, 0].tolist()
        cache = self._lowered
        strings = doc.vocab.strings
        for lemma in set(lemma_ids).difference(cache):
            cache[lemma] = strings[lemma].lower()
        return [cache[lemma] for lemma in lemma_ids]

    def analyze_doc(self, doc: Any) -> Annotations:
        """Annotations from a full spaCy parse (``parse``); offsets index ``doc.text``."""
        full: str = doc_text(doc)
        entities = find_entities(doc, self.entity_rules)
        tickers = find_tickers(full, entities, self.tickers, doc)
        facts = find_facts(doc, entities, self.fact_rules)
        lemmas = self._lower_lemmas(doc)
        topics = select_topics(lemmas, self.taxonomy)
        tone = score_tone(lemmas, self.tone_lexicon)
        quotes: list[Quote] = []
        if self.find_quotes is not None:
            try:
                quotes = list(self.find_quotes(doc, entities))
            except Exception:  # one annotator's bug must not cost the article its other ones
                _log.exception("quote attribution failed; the article is kept without quotes")
        return Annotations(
            entities=tuple(entities),
            tickers=tuple(tickers),
            quotes=tuple(quotes),
            facts=tuple(facts),
            topics=topics,
            tone=tone,
        )


@lru_cache(maxsize=2)
def _default_enricher(model: str) -> Enricher:
    return Enricher(model)


def analyze_text(text: str, *, enricher: Enricher | None = None) -> Annotations:
    """Annotations of one text, with a shared default ``Enricher`` unless one is given."""
    return (enricher or _default_enricher("en_core_web_sm")).analyze(text)


# --------------------------------------------------------------------------- bulk

_WORKER: Enricher | None = None


def _init_worker(model: str, quotes: bool) -> None:
    global _WORKER  # one Enricher per worker process, built once
    _WORKER = Enricher(model, quotes=quotes)


def _work(batch: list[str]) -> list[Annotations]:
    if _WORKER is None:  # pragma: no cover - the initializer always runs first
        raise EnrichmentError("worker not initialised")
    return list(_WORKER.analyze_many(batch))


def _chunks(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    it = iter(texts)
    while chunk := list(islice(it, size)):
        yield chunk


def enrich_many_parallel(
    texts: Iterable[str],
    processes: int,
    *,
    model: str = "en_core_web_sm",
    chunk_size: int = 32,
    quotes: bool = True,
) -> Iterator[Annotations]:
    """Annotations of many texts, in order, on a pool of ``processes`` worker processes.

    Each worker loads the model once. ``processes <= 1`` runs in this process.
    """
    if processes <= 1:
        yield from Enricher(model, quotes=quotes).analyze_many(texts)
        return
    ctx = get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=processes, mp_context=ctx, initializer=_init_worker, initargs=(model, quotes)
    ) as pool:
        for result in pool.map(_work, _chunks(texts, chunk_size)):
            yield from result


# --------------------------------------------------------------------------- output rows


def annotations_to_dict(annotations: Annotations) -> dict[str, object]:
    """The ``analyze`` command's annotation fields (see docs/BENCHMARKS.md), plus tickers
    and tone."""
    return {
        "entities": [
            {"start": e.start, "end": e.end, "type": e.type, "name": e.name, "id": e.entity_id}
            for e in annotations.entities
        ],
        "quotes": [
            {
                "content": list(q.content),
                "source": list(q.source) if q.source else None,
                "cue": list(q.cue) if q.cue else None,
                "speaker": q.speaker,
                "kind": q.kind,
                "cue_class": q.cue_class,
            }
            for q in annotations.quotes
        ],
        "facts": [
            {
                "start": f.start,
                "end": f.end,
                "value": f.value,
                "unit": f.unit,
                "measure": f.measure,
                "period": f.period,
                "period_norm": f.period_norm,
                "subject": f.subject,
            }
            for f in annotations.facts
        ],
        "topics": list(annotations.topics),
        "tickers": [
            {
                "start": t.start,
                "end": t.end,
                "ticker": t.ticker,
                "company": t.company,
                "relevance": t.relevance,
            }
            for t in annotations.tickers
        ],
        "tone": annotations.tone,
    }
