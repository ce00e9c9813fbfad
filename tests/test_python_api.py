"""The Python API: the same engine as the CLI, pandas DataFrames back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import broadsheet

PAGE = (
    "<html><head><title>{h}</title><meta property='article:published_time' content='{d}'>"
    "</head><body><article><h1>{h}</h1><p>{p}</p><p>Officials said the figures would be "
    "revised next month after late returns from the northern districts.</p></article>"
    "</body></html>"
)


def test_open_ingest_search_article_prices(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.html").write_text(
        PAGE.format(
            h="Grain Exports Climb",
            d="2009-04-02T10:00:00+00:00",
            p="Grain exports from the port of Tamsby rose 8 percent in March, the harbour board "
            "said on Thursday.",
        ),
        "utf-8",
    )
    (pages / "b.html").write_text(
        PAGE.format(
            h="Tamsby Ferry Fares Frozen",
            d="2009-04-03T10:00:00+00:00",
            p="The Tamsby ferry company froze fares for the summer season, its chairman said.",
        ),
        "utf-8",
    )
    with broadsheet.open(tmp_path / "home", enrich=False) as bs:
        report = bs.ingest(pages)
        assert report.counts == {"new": 2}
        hits = bs.search("tamsby", sort="newest")
        assert isinstance(hits, pd.DataFrame)
        assert list(hits["headline"]) == ["Tamsby Ferry Fares Frozen", "Grain Exports Climb"]
        story = bs.article(int(hits["id"].iloc[1]))
        assert story["headline"] == "Grain Exports Climb" and "8 percent" in story["body"]
        from broadsheet.markets import load_bundled_prices

        load_bundled_prices(bs.pipeline.store)
        bars = bs.prices("AAPL", "2009-04-01", "2009-04-03")
        assert list(bars.columns) == ["open", "high", "low", "close", "volume", "adj_close"]
        assert [d.strftime("%Y-%m-%d") for d in bars.index] == [
            "2009-04-01",
            "2009-04-02",
            "2009-04-03",
        ]
