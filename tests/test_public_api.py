"""The public API is small and explicit: what __all__ names is what the package exports."""

from __future__ import annotations

import importlib

import pytest

import broadsheet

PACKAGES = [
    "broadsheet",
    "broadsheet.models",
    "broadsheet.errors",
    "broadsheet.config",
    "broadsheet.pipeline",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_exist(name: str) -> None:
    module = importlib.import_module(name)
    for export in module.__all__:
        assert hasattr(module, export), f"{name}.__all__ names {export} but it is missing"


def test_top_level_exports() -> None:
    public = {n for n in dir(broadsheet) if not n.startswith("_")}
    # submodules are attributes once imported; only count callables and classes
    exported = {n for n in public if not isinstance(getattr(broadsheet, n), type(broadsheet))}
    assert exported - {"annotations"} == set(broadsheet.__all__) - {"__version__"}


def test_py_typed_shipped() -> None:
    from importlib import resources

    assert resources.files("broadsheet").joinpath("py.typed").is_file()
