"""Where the shared reference data is, and what a test does when it is missing.

The shared folder (``../shared``: the seed page, the development sets, the reference
scorers) is never copied into the repository. It is looked for at ``$BROADSHEET_SHARED``,
then ``../shared`` beside the clone, then ``/work/shared``.

Missing data skips a test on a developer's machine, with a message saying what is missing.
It fails the test when ``BROADSHEET_SHARED`` is set (whoever set it said the data is
there) or when ``CI`` is set: ``.ci/run`` sets ``BROADSHEET_SHARED``, so in CI a quality
floor can never pass by being skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

ENV = "BROADSHEET_SHARED"
DEFAULT = Path("/work/shared")
CLONE = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Shared:
    """The shared folder found (``root``, None when none is), and whether missing data is an
    error (``strict``) rather than a reason to skip."""

    root: Path | None
    strict: bool
    looked_in: tuple[Path, ...]
    why_strict: str = ""

    def path(self, *parts: str) -> Path:
        """``root/parts`` when it exists; otherwise skip, or fail when strict."""
        if self.root is not None:
            found = self.root.joinpath(*parts)
            if found.exists():
                return found
        self.missing(f"{'/'.join(parts)} is not in the shared data")

    def missing(self, what: str) -> NoReturn:
        """Skip (a developer's machine) or fail (strict) because ``what`` is missing."""
        where = ", ".join(str(p) for p in self.looked_in)
        if self.strict:
            pytest.fail(
                f"{what} (looked in {where}); {self.why_strict}, so missing shared data is "
                "an error here, not a reason to skip",
                pytrace=False,
            )
        pytest.skip(f"{what} (looked in {where}); set {ENV} to the shared folder to run this")


def _is_set(value: str | None) -> bool:
    return bool(value) and str(value).strip().lower() not in ("0", "false", "no")


def locate_shared(
    environ: Mapping[str, str], clone: Path = CLONE, default: Path = DEFAULT
) -> Shared:
    """The shared folder for these settings: ``$BROADSHEET_SHARED`` when set (and then only
    it), else ``../shared`` beside ``clone``, else ``default``."""
    named = environ.get(ENV, "").strip()
    if named:
        folder = Path(named).expanduser()
        root = folder.resolve() if folder.is_dir() else None
        return Shared(root, True, (folder,), f"{ENV} is set")
    candidates = (clone.parent / "shared", default)
    root = next((c.resolve() for c in candidates if c.is_dir()), None)
    ci = _is_set(environ.get("CI"))
    return Shared(root, ci, candidates, "CI is set" if ci else "")
