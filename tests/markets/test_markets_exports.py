"""The markets API is what ``__all__`` says, and the bundled data ships in the package."""

from __future__ import annotations

import importlib
from importlib import resources

import pytest

MODULES = [
    "broadsheet.markets",
    "broadsheet.markets.providers",
    "broadsheet.markets.securities",
    "broadsheet.markets.calendar",
    "broadsheet.markets.clean",
    "broadsheet.markets.events",
    "broadsheet.markets.chart",
    "broadsheet.markets.frames",
    "broadsheet.markets.news",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist(name: str) -> None:
    module = importlib.import_module(name)
    assert len(set(module.__all__)) == len(module.__all__)
    for export in module.__all__:
        assert hasattr(module, export), f"{name}.__all__ names {export} but it is missing"


def test_package_exports_every_public_name() -> None:
    import broadsheet.markets as markets

    public = {
        n
        for n in vars(markets)
        if not n.startswith("_") and not isinstance(getattr(markets, n), type(markets))
    }
    assert public - {"annotations"} == set(markets.__all__)


@pytest.mark.parametrize(
    ("package", "path"),
    [
        ("broadsheet.data", "prices/stocks.csv.gz"),
        ("broadsheet.data", "sec_company_tickers.json"),
        ("broadsheet.markets", "aliases.json"),
    ],
)
def test_data_files_ship(package: str, path: str) -> None:
    assert resources.files(package).joinpath(path).is_file()
