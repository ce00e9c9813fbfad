"""The public Python API: the same service as the command line, with pandas DataFrames back.

import broadsheet
with broadsheet.open("~/news") as bs:
    bs.ingest("pages/")
    hits = bs.search('ticker:AAPL since:2008-01-01')   # a DataFrame
    story = bs.article(int(hits.id[0]))                 # a dict: the story and its annotations
    bars = bs.prices("AAPL", "2008-01-01", "2008-12-31")

Several processes may open one archive at once: a notebook reads while ``broadsheet poll
--watch`` or ``broadsheet serve`` writes (see docs/architecture.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import Settings, load_settings

if TYPE_CHECKING:
    import pandas as pd

    from .pipeline import BatchReport, Pipeline
    from .service import Service

__all__ = ["Broadsheet", "open_archive"]

_HIT_COLUMNS = ["id", "score", "headline", "source", "published_at", "first_seen_at", "snippet"]
_BAR_COLUMNS = ["date", "open", "high", "low", "close", "volume", "adj_close"]


class Broadsheet:
    """An open archive: a thin layer over ``broadsheet.service.Service``."""

    def __init__(self, settings: Settings, *, enrich: bool | None = None) -> None:
        from .service import open_service

        self.settings = settings
        self.service: Service = open_service(settings, enrich=enrich)

    def close(self) -> None:
        self.service.close()

    def __enter__(self) -> Broadsheet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ in

    def ingest(self, target: str | Path) -> BatchReport:
        """Take in a file, a folder, a WARC archive or a URL (page or feed) once."""
        return self.service.ingest([target])

    def subscribe(self, url: str) -> list[int]:
        """Subscribe to a feed (or a page's feeds); returns the source ids."""
        return [view.source.id for view in self.service.subscribe(url)]

    def poll(self) -> int:
        """Poll every due source once; returns the number of new stories."""
        return self.service.poll().new

    # ------------------------------------------------------------------ out

    def search(self, query: str, *, limit: int = 20, sort: str = "relevance") -> pd.DataFrame:
        """Stories matching a query as a DataFrame (id, score, headline, source, dates, snippet)."""
        import pandas as pd

        page = self.service.search(
            query, limit=limit, sort="newest" if sort == "newest" else "relevance"
        )
        rows = []
        for hit in page.hits:
            row = hit.to_json()
            row["published_at"], row["first_seen_at"] = hit.published_at, hit.first_seen_at
            rows.append(row)
        return pd.DataFrame.from_records(rows, columns=_HIT_COLUMNS)

    def article(self, article_id: int) -> dict[str, Any]:
        """One stored story with its entities, quotes, facts and topics (``read``'s JSON)."""
        return self.service.read(article_id).to_json()

    def prices(self, ticker: str, start: str | None = None, end: str | None = None) -> pd.DataFrame:
        """Daily bars for a ticker (index: date; open, high, low, close, volume, adj_close)."""
        import pandas as pd

        series = self.service.prices(ticker, start, end)
        frame = pd.DataFrame.from_records(
            [
                {
                    "date": b.date,
                    "open": b.open,
                    "high": b.high,
                    "low": b.low,
                    "close": b.close,
                    "volume": b.volume,
                    "adj_close": b.adj_close,
                }
                for b in series.bars
            ],
            columns=_BAR_COLUMNS,
        )
        return frame.set_index(pd.to_datetime(frame.pop("date")))

    @property
    def pipeline(self) -> Pipeline:
        return self.service.pipeline


def open_archive(
    home: str | Path | None = None, *, enrich: bool | None = None, **overrides: Any
) -> Broadsheet:
    """Open (or create) an archive. ``home`` defaults to ~/.local/share/broadsheet."""
    if home is not None:
        overrides["home"] = Path(home).expanduser()
    return Broadsheet(load_settings(None, overrides), enrich=enrich)
