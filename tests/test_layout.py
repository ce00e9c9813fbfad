"""Runtime code holds no benchmarks: measuring and fitting live in ``broadsheet.bench``, and
no runtime package imports it (only the ``broadsheet bench`` command of the CLI does)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "broadsheet"
BENCH = PACKAGE / "bench"
# the interfaces that run benchmarks on request ("broadsheet bench ...")
MAY_IMPORT_BENCH = (PACKAGE / "cli",)


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, relative imports made absolute."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target
            yield from (f"{target}.{alias.name}" for alias in node.names)


def _is_bench(module: str) -> bool:
    return module == "broadsheet.bench" or module.startswith("broadsheet.bench.")


def _inside(path: Path, *folders: Path) -> bool:
    return any(folder in path.parents for folder in folders)


def test_the_module_names_are_read_right() -> None:
    cmd_measure = PACKAGE / "cli" / "cmd_measure.py"
    assert _module_name(cmd_measure) == "broadsheet.cli.cmd_measure"
    assert "broadsheet.bench.extract" in set(_imported(cmd_measure))


def test_runtime_code_does_not_import_bench() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(m for m in _imported(path) if _is_bench(m))
        for path in _modules()
        if not _inside(path, BENCH, *MAY_IMPORT_BENCH)
    }
    assert not {name: found for name, found in offenders.items() if found}


def test_benchmarks_and_fitting_live_in_bench() -> None:
    misplaced = [
        str(path.relative_to(PACKAGE))
        for path in _modules()
        if not _inside(path, BENCH)
        and (path.stem == "bench" or path.stem.endswith(("_bench", "_fit")))
    ]
    assert not misplaced
