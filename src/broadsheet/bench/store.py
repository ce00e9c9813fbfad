"""Store throughput benchmark: ``python -m broadsheet.bench.store --articles 2000 --bars 200000``
(``--store postgresql://...``: on an empty PostgreSQL database instead of a SQLite file).

Prints one JSON object: saves per second for new stories, re-polls (unchanged), lightly
edited copies from other outlets (near-duplicates), and price-bar rows per second. The text
is synthetic (a seeded generator over a made-up vocabulary), about 300 words per story.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from broadsheet.models import Article, Paragraph, PriceBar
from broadsheet.store import open_store

__all__ = ["bench_store", "main"]

_SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ren",
    "tu",
    "sa",
    "vel",
    "dor",
    "pi",
    "en",
    "ost",
    "ar",
    "bru",
    "ne",
)


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words = {"".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(size)}
    return sorted(words)


def _story(rng: random.Random, vocab: list[str], n: int) -> Article:
    paragraphs = []
    for _ in range(6):
        sentence_count = rng.randint(2, 4)
        sentences = [
            " ".join(rng.choice(vocab) for _ in range(rng.randint(10, 16))).capitalize() + "."
            for _ in range(sentence_count)
        ]
        paragraphs.append(Paragraph(" ".join(sentences)))
    return Article(
        paragraphs=tuple(paragraphs),
        headline=f"Bench story {n}",
        url=f"https://bench.example/story/{n}",
        published_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=n),
    )


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else float("inf")


def bench_store(
    articles: int = 2000,
    bars: int = 200_000,
    folder: Path | None = None,
    location: str | None = None,
) -> dict[str, object]:
    """Run the benchmark in ``folder`` (a temporary directory by default), or in the store at
    ``location`` (an empty database: a postgresql:// URL)."""
    rng = random.Random(2024)
    vocab = _vocabulary(rng)
    stories = [_story(rng, vocab, n) for n in range(articles)]
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        store = open_store(location or str(Path(tmp) / "bench.db"))
        try:
            start = time.perf_counter()
            cpu = time.process_time()
            for story in stories:
                store.save_article(story)
            new_s = time.perf_counter() - start
            new_cpu = time.process_time() - cpu
            start = time.perf_counter()
            for story in stories:
                store.save_article(story)
            unchanged_s = time.perf_counter() - start
            copies = []
            for n, story in enumerate(stories[: max(1, articles // 4)]):
                edited = list(story.paragraphs)
                edited[-1] = Paragraph(edited[-1].text + " Reporting by the wire desk.")
                copies.append(
                    replace(story, url=f"https://copy.example/{n}", paragraphs=tuple(edited))
                )
            start = time.perf_counter()
            results = [store.save_article(c) for c in copies]
            copies_s = time.perf_counter() - start
            day0 = datetime(2000, 1, 3)
            tickers = max(1, bars // 2500)
            rows = [
                PriceBar(
                    f"TK{t:04d}",
                    (day0 + timedelta(days=d)).strftime("%Y-%m-%d"),
                    10.0 + d,
                    11.0 + d,
                    9.0 + d,
                    10.5 + d,
                    1e6 + d,
                    10.4 + d,
                )
                for t in range(tickers)
                for d in range(bars // tickers)
            ]
            start = time.perf_counter()
            store.save_bars(rows)
            bars_s = time.perf_counter() - start
            start = time.perf_counter()
            store.save_bars(rows)
            rebars_s = time.perf_counter() - start
            start = time.perf_counter()
            reads = 0
            for t in range(min(tickers, 50)):
                reads += len(store.get_bars(f"TK{t:04d}", "2001-01-01", "2001-12-31"))
            get_s = time.perf_counter() - start
            return {
                "articles": articles,
                "store": store.database,
                "save_new_per_s": _rate(articles, new_s),
                "save_new_cpu_ms_each": round(new_cpu / max(1, articles) * 1000, 3),
                "save_unchanged_per_s": _rate(articles, unchanged_s),
                "save_near_duplicate_per_s": _rate(len(copies), copies_s),
                "near_duplicates_joined": sum(
                    1 for r in results if r.status == "new" and r.story_id != r.article_id
                ),
                "near_duplicates_saved": len(copies),
                "bars": len(rows),
                "save_bars_rows_per_s": _rate(len(rows), bars_s),
                "upsert_bars_rows_per_s": _rate(len(rows), rebars_s),
                "get_bars_ms_per_year": round(get_s / max(1, min(tickers, 50)) * 1000, 3),
                "bars_read": reads,
            }
        finally:
            store.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--bars", type=int, default=200_000)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the database")
    parser.add_argument("--store", default=None, help="an empty store to use (postgresql://...)")
    args = parser.parse_args(argv)
    print(json.dumps(bench_store(args.articles, args.bars, args.dir, args.store)))


if __name__ == "__main__":
    main()
