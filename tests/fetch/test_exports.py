"""The fetch package exports exactly what contracts.md promises (and names it in __all__)."""

from __future__ import annotations

import inspect

import broadsheet.fetch as fetch


def test_all_names_exist() -> None:
    for name in fetch.__all__:
        assert hasattr(fetch, name), name


def test_contract_signatures() -> None:
    assert list(inspect.signature(fetch.Fetcher.fetch).parameters) == [
        "self",
        "url",
        "etag",
        "last_modified",
        "accept",
    ]
    assert list(inspect.signature(fetch.check_url).parameters) == ["url", "settings"]
    assert list(inspect.signature(fetch.next_poll_delay).parameters) == [
        "error_count",
        "interval",
        "cap",
        "retry_after",
        "rng",
    ]
    assert "resolver" in inspect.signature(fetch.Fetcher).parameters
    assert callable(fetch.Fetcher.close)
