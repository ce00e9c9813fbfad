"""Article text -> annotations: entities with canonical names, tickers, quotes, numeric facts,
topics and tone, all with character offsets into the text, from one spaCy parse."""

from __future__ import annotations

from .analyze import (
    MAX_CHARS,
    Enricher,
    analyze_text,
    annotations_to_dict,
    enrich_many_parallel,
)
from .entities import entity_id_for, find_entities
from .facts import find_facts, normalise_period
from .nlp import load_nlp
from .tickers import TickerTable, find_tickers, load_ticker_table, normalise_company_name
from .tone import score_tone
from .topics import score_topics, select_topics

__all__ = [
    "MAX_CHARS",
    "Enricher",
    "TickerTable",
    "analyze_text",
    "annotations_to_dict",
    "enrich_many_parallel",
    "entity_id_for",
    "find_entities",
    "find_facts",
    "find_tickers",
    "load_nlp",
    "load_ticker_table",
    "normalise_company_name",
    "normalise_period",
    "score_tone",
    "score_topics",
    "select_topics",
]
