"""Quote attribution: who said what, with character offsets into the article text.

find            ``find_quotes(doc, entities)``: candidates from the parse, scored, as quotes
bounds          where a quote's content ends (a cut table fitted on PolNeAR train)
marks           pairing quotation marks; ``straighten_quotes`` for the parser
speakers        titles and affiliations of the people quoted
spacy_entities  a minimal entity list from spaCy's own entities, to run quotes on their own
data/           cue lexicon (``cues.json``), classifier (``model.json``), cut table
                (``bounds.json``); fitted by ``python -m broadsheet.bench.quotes_fit``
"""

from __future__ import annotations

from .find import find_quotes, quote_kind
from .marks import QUOTE_CHARS, find_quote_spans, straighten_quotes
from .spacy_entities import entities_from_doc
from .speakers import SpeakerDetails, find_speaker_details

__all__ = [
    "QUOTE_CHARS",
    "SpeakerDetails",
    "entities_from_doc",
    "find_quote_spans",
    "find_quotes",
    "find_speaker_details",
    "quote_kind",
    "straighten_quotes",
]
