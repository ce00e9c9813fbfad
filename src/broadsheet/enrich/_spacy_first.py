"""Imported by ``enrich/analyze.py`` before anything of spaCy: spaCy without its command
line (``broadsheet/spacy_import.py``: ≈ 0.24 s CPU of every process that annotates, the
``ingest``/``enrich`` commands, the worker processes and batch jobs as ``analyze``)."""

from __future__ import annotations

from ..spacy_import import import_spacy

import_spacy()
