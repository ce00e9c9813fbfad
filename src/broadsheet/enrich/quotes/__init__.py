"""Quote attribution: who said what, with character offsets into the article text.

find            ``find_quotes(doc, entities)``: candidates chosen and made quotes
candidates      candidate attributions read off the dependency parse
bounds          where a quote's content ends (a cut table fitted on PolNeAR train)
content         a quote's content: its paragraph, whole quotations, what continues it
features        what the attribution classifier sees of a candidate, and its score
lexicon         cue lemmas and classifier weights, read once from ``data/``
resolve         the canonical name of the speaker behind a source mention; a plural noun
                phrase ("American officials") is a group speaker, not a person inside it
classes         the cue class of a quote: speech, writing, thought (or belief), action
speakers        titles and affiliations of the people quoted
marks           pairing quotation marks, quote kinds; ``straighten_quotes`` for the parser
spacy_entities  a minimal entity list from spaCy's own entities, to run quotes on their own
data/           cue lexicon (``cues.json``), classifier (``model.json``), cut table
                (``bounds.json``); fitted by ``python -m broadsheet.bench.quotes_fit``;
                cue-class lexicons (``cue_classes.json``, written by hand)
"""

from __future__ import annotations

from .find import find_quotes
from .marks import QUOTE_CHARS, find_quote_spans, quote_kind, straighten_quotes
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
