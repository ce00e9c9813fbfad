"""The public Python API: the same engine as the command line, with pandas DataFrames back.

import broadsheet
with broadsheet.open("~/news") as bs:
    bs.ingest("pages/")
    hits = bs.search('ticker:AAPL since:2008-01-01')   # a DataFrame
    story = bs.article(int(hits.id[0]))                 # a dict with annotations
    bars = bs.prices("AAPL", "2008-01-01", "2008-12-31")
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import Settings, load_settings

if TYPE_CHECKING:
    import pandas as pd

    from .pipeline import BatchReport, Pipeline

__all__ = ["Broadsheet", "open_archive"]


class Broadsheet:
    """An open archive: store, search index and the pipeline that fills them."""

    def __init__(self, settings: Settings, *, enrich: bool | None = None) -> None:
        from .pipeline import open_pipeline

        self.settings = settings
        self._pipe: Pipeline = open_pipeline(settings, enrich=enrich)

    def close(self) -> None:
        self._pipe.close()

    def __enter__(self) -> Broadsheet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ in

    def ingest(self, target: str | Path) -> BatchReport:
        """Take in a file, a folder, a WARC archive or a URL (page or feed) once."""
        text = str(target)
        if text.startswith(("http://", "https://")):
            from .pipeline import ingest_url

            report = ingest_url(self._pipe, text)
            self._pipe.flush()
            return report
        return self._pipe.ingest_path(Path(text).expanduser())

    def subscribe(self, url: str) -> list[int]:
        """Subscribe to a feed (or a page's feeds); returns the source ids."""
        from .pipeline import add_source

        return [s.id for s in add_source(self._pipe, url)]

    def poll(self) -> int:
        """Poll every due source once; returns the number of new stories."""
        from .pipeline import poll_due

        return sum(o.new for o in poll_due(self._pipe))

    # ------------------------------------------------------------------ out

    def search(self, query: str, *, limit: int = 20, sort: str = "relevance") -> pd.DataFrame:
        """Stories matching a query as a DataFrame (id, score, headline, source, dates, snippet)."""
        import pandas as pd

        from .cli.render import plain_snippet
        from .search import SortOrder, parse_query

        if self._pipe.index is None:
            raise RuntimeError("the search index is not available (held by another process?)")
        order: SortOrder = "newest" if sort == "newest" else "relevance"
        results = self._pipe.index.search(parse_query(query), limit=limit, sort=order)
        return pd.DataFrame.from_records(
            [
                {
                    "id": h.article_id,
                    "score": h.score,
                    "headline": h.headline,
                    "source": h.source,
                    "published_at": h.published_at,
                    "first_seen_at": h.first_seen_at,
                    "snippet": plain_snippet(h.snippet or ""),
                }
                for h in results.hits
            ],
            columns=[
                "id",
                "score",
                "headline",
                "source",
                "published_at",
                "first_seen_at",
                "snippet",
            ],
        )

    def article(self, article_id: int) -> dict[str, Any]:
        """One stored story with its entities, quotes, facts and topics."""
        from dataclasses import asdict

        from .cli.render import article_record

        art = self._pipe.store.get_article(article_id)
        ann = self._pipe.store.get_annotations(article_id)
        record = article_record(art, ann)
        record["entities"] = [asdict(e) for e in ann.entities]
        record["quotes"] = [
            asdict(q) | {"text": art.body[q.content[0] : q.content[1]]} for q in ann.quotes
        ]
        record["facts"] = [asdict(f) for f in ann.facts]
        return record

    def prices(self, ticker: str, start: str | None = None, end: str | None = None) -> pd.DataFrame:
        """Daily bars for a ticker (index: date; open, high, low, close, volume, adj_close)."""
        import pandas as pd

        bars = self._pipe.store.get_bars(ticker.upper(), start, end)
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
                for b in bars
            ],
            columns=["date", "open", "high", "low", "close", "volume", "adj_close"],
        )
        return frame.set_index(pd.to_datetime(frame.pop("date")))

    @property
    def pipeline(self) -> Pipeline:
        return self._pipe


def open_archive(
    home: str | Path | None = None, *, enrich: bool | None = None, **overrides: Any
) -> Broadsheet:
    """Open (or create) an archive. ``home`` defaults to ~/.local/share/broadsheet."""
    if home is not None:
        overrides["home"] = Path(home).expanduser()
    return Broadsheet(load_settings(None, overrides), enrich=enrich)
