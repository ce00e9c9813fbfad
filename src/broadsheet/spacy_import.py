"""Import spaCy without its command line.

``import spacy`` runs ``from .cli.info import info`` (spaCy 3.8), and importing
``spacy.cli.info`` first runs ``spacy/cli/__init__.py``, which imports every spaCy command
and with them typer, weasel, requests, httpx, a YAML file read and parsed, and so on:
≈ 0.24 s CPU of the ≈ 0.73 s that ``import spacy`` takes here, in every ``analyze``
process, for a command line nobody calls (benchmarks/enrich.md, third session).

``import_spacy`` imports spaCy with those two modules standing in as placeholders: the
real modules' specs (``__path__`` and ``__file__`` as spaCy's), whose code has not run.
The only name spaCy takes from them, ``info``, is a function that imports the real
``spacy.cli.info`` when called. Any other attribute asked of a placeholder during the
import runs the real module into it there and then (a later spaCy that takes more from
its command line gets it whole; only the time is lost). Once spaCy is imported the
placeholders that never ran are dropped from ``sys.modules`` and from ``spacy``, so a
later ``import spacy.cli`` (``python -m spacy``, ``spacy.cli.download``) is the real,
ordinary import. Nothing of spaCy is patched: no function of it is replaced, and the
components and registries are spaCy's own (``spacy.cli`` registers none).

``broadsheet.enrich`` calls it before it imports spaCy (``enrich/_spacy_first.py``), so
every process that annotates (``analyze``, ``ingest``, ``enrich``, the worker processes,
the batch jobs) starts without spaCy's command line; when spaCy is already imported it
returns that module and does nothing. The module imports nothing of ours, so it can run
before anything else (``broadsheet.cli.spacy_import`` is the same function).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

__all__ = ["import_spacy"]

_CLI = "spacy.cli"
_INFO = "spacy.cli.info"


def _info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``: spaCy's own ``spacy.cli.info.info``, imported when called."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


_info.__name__ = _info.__qualname__ = "info"


class _Placeholder(importlib.abc.Loader):
    """Loads one module of ``spacy.cli`` without running it; runs it on demand."""

    def __init__(self, name: str, loader: Any, deferral: _Deferral) -> None:
        self.name = name
        self.loader = loader
        self.deferral = deferral
        self.module: ModuleType | None = None
        self.ran = False

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        created: ModuleType | None = self.loader.create_module(spec)
        return created

    def exec_module(self, module: ModuleType) -> None:
        self.module = module

        def __getattr__(attr: str) -> Any:  # a module __getattr__ (PEP 562)
            if self.name == _INFO and attr == "info":
                return _info
            if attr.startswith("__"):  # probes such as __wrapped__: as an unrun module
                raise AttributeError(attr)
            self.deferral.run_all()
            return getattr(module, attr)

        module.__getattr__ = __getattr__  # type: ignore[method-assign]

    def run(self) -> None:
        """Run the real module's code in the placeholder (once)."""
        if self.ran or self.module is None:
            return
        self.ran = True
        del self.module.__getattr__
        self.loader.exec_module(self.module)


class _Deferral(importlib.abc.MetaPathFinder):
    """Finds ``spacy.cli`` and ``spacy.cli.info`` as placeholders while it is installed."""

    def __init__(self) -> None:
        self.placeholders: dict[str, _Placeholder] = {}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in (_CLI, _INFO) or fullname in self.placeholders:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        placeholder = _Placeholder(fullname, spec.loader, self)
        self.placeholders[fullname] = placeholder
        spec.loader = placeholder
        return spec

    def run_all(self) -> None:
        """Something needs spaCy's command line after all: run it for real, info first
        (the package's ``__init__`` imports from it)."""
        for name in (_INFO, _CLI):
            placeholder = self.placeholders.get(name)
            if placeholder is not None:
                placeholder.run()

    def drop_unrun(self) -> None:
        """Take the placeholders that never ran out of ``sys.modules`` and ``spacy``."""
        for name, placeholder in self.placeholders.items():
            module = placeholder.module
            if placeholder.ran or module is None:
                continue
            if sys.modules.get(name) is module:
                del sys.modules[name]
            parent_name, _, child = name.rpartition(".")
            parent = sys.modules.get(parent_name)
            if parent is not None and parent.__dict__.get(child) is module:
                delattr(parent, child)


def import_spacy() -> ModuleType:
    """``import spacy``, without running ``spacy.cli`` (see the module's doc)."""
    already = sys.modules.get("spacy")
    if already is not None:
        return already
    deferral = _Deferral()
    sys.meta_path.insert(0, deferral)
    try:
        import spacy
    finally:
        sys.meta_path.remove(deferral)
        deferral.drop_unrun()
    return spacy
