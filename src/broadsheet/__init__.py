"""Broadsheet: an open-source news and markets terminal.

The public Python API::

    import broadsheet
    with broadsheet.open("~/news") as bs:
        bs.ingest("pages/")
        frame = bs.search("ticker:AAPL")
"""

from __future__ import annotations

import typing as _typing

from .errors import BroadsheetError

if _typing.TYPE_CHECKING:
    from .api import Broadsheet
    from .api import open_archive as open
    from .config import Settings, load_settings

__version__ = "0.1.0"

# The API and the settings (pydantic) are imported on first use, so that importing any
# part of the package (``broadsheet.cli`` runs this file first) does not pay for them.
_LAZY = {
    "Broadsheet": ("api", "Broadsheet"),
    "open": ("api", "open_archive"),
    "Settings": ("config", "Settings"),
    "load_settings": ("config", "load_settings"),
}


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    module, attr = _LAZY[name]
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = ["Broadsheet", "BroadsheetError", "Settings", "__version__", "load_settings", "open"]
