"""The search benchmark runs end to end on a tiny corpus (its figures are not checked here)."""

from __future__ import annotations

from pathlib import Path

from broadsheet.bench.search import SyntheticCorpus, run_search_bench
from broadsheet.search import SearchIndex


def test_bench_result_has_the_documented_shape(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    result = run_search_bench(
        600,
        workdir=tmp_path,
        queries_per_class=8,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert set(result) == {"articles", "queries", "searchable_after_ms"}
    assert result["articles"] == 600
    assert set(result["queries"]) == {"one", "two", "phrase", "filtered"}
    for figures in result["queries"].values():
        assert set(figures) == {"p50_ms", "p99_ms"}
        assert 0 < figures["p50_ms"] <= figures["p99_ms"]
    assert set(result["searchable_after_ms"]) == {"p50", "p99"}
    assert 0 < result["searchable_after_ms"]["p50"] <= result["searchable_after_ms"]["p99"]
    assert seen[-1] == (600, 600)
    with SearchIndex(tmp_path / "index") as index:  # the writer was released
        assert index.count() >= 600


def test_corpus_is_reproducible_and_in_time_order() -> None:
    first = [a for batch in SyntheticCorpus(50, seed=3).batches(batch=20) for a in batch]
    again = [a for batch in SyntheticCorpus(50, seed=3).batches(batch=20) for a in batch]
    other = [a for batch in SyntheticCorpus(50, seed=4).batches(batch=20) for a in batch]
    assert first == again
    assert [a.headline for a in first] != [a.headline for a in other]
    assert [a.id for a in first] == list(range(1, 51))
    dates = [a.published_at for a in first if a.published_at is not None]
    assert len(dates) == 50 and dates == sorted(dates)
    assert len({a.source_name for a in first}) > 5
    lengths = [len(a.body.split()) for a in first]
    assert min(lengths) >= 80 and max(lengths) <= 320
