"""Broadsheet: an open-source news and markets terminal.

The public Python API::

    import broadsheet
    with broadsheet.open("~/news") as bs:
        bs.ingest("pages/")
        frame = bs.search("ticker:AAPL")
"""

from __future__ import annotations

from .api import Broadsheet
from .api import open_archive as open
from .config import Settings, load_settings
from .errors import BroadsheetError

__version__ = "0.1.0"


__all__ = ["Broadsheet", "BroadsheetError", "Settings", "__version__", "load_settings", "open"]
