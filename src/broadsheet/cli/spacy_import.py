"""``import_spacy``: spaCy without its command line (``broadsheet/spacy_import.py``)."""

from __future__ import annotations

from ..spacy_import import import_spacy

__all__ = ["import_spacy"]
