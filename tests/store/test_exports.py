from __future__ import annotations

import broadsheet.store as store_pkg


def test_all_names_exist_and_nothing_else_is_public() -> None:
    public = {n for n in dir(store_pkg) if not n.startswith("_")}
    submodules = {"contract", "copy", "dedupe", "importlib", "postgres", "sqlite", "times", "types"}
    assert set(store_pkg.__all__) == public - submodules - {"annotations"}
    for name in store_pkg.__all__:
        assert getattr(store_pkg, name) is not None
