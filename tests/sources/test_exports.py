"""The sources package exports exactly what contracts.md promises (and names it in __all__)."""

from __future__ import annotations

import inspect

import broadsheet.sources as sources


def test_all_names_exist() -> None:
    for name in sources.__all__:
        assert hasattr(sources, name), name


def test_contract_signatures() -> None:
    def params(name: str) -> list[str]:
        return list(inspect.signature(getattr(sources, name)).parameters)

    assert params("parse_feed") == ["body", "url", "charset"]
    assert params("discover_feeds") == ["html", "base_url"]
    assert params("read_opml") == ["data"]
    assert params("write_opml") == ["sources", "title"]
    assert params("iter_documents") == ["path", "on_error"]
    assert params("count_documents") == ["path"]
    assert params("entry_document") == ["entry", "feed_url", "fetched_at"]
    assert [f for f in sources.OpmlOutline.__dataclass_fields__] == [
        "url",
        "title",
        "html_url",
        "category",
    ]
