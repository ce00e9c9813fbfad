"""Where the tests look for the shared data, and that missing data fails them in CI instead
of skipping them (tests/shared_data.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared_data import Shared, locate_shared

ROOT = Path(__file__).resolve().parents[1]


def _folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A clone, a shared folder beside it, and a default folder elsewhere."""
    clone, beside, default = tmp_path / "clone", tmp_path / "shared", tmp_path / "default"
    for folder in (clone, beside, default):
        folder.mkdir()
    return clone, beside, default


@pytest.mark.parametrize(
    ("environ", "make", "root", "strict"),
    [
        ({}, ("shared", "default"), "shared", False),  # ../shared beside the clone first
        ({}, ("default",), "default", False),  # then the default
        ({}, (), None, False),  # none: skip
        ({"CI": "true"}, (), None, True),  # none, in CI: fail
        ({"CI": "false"}, (), None, False),
        ({"BROADSHEET_SHARED": "named"}, ("named", "shared"), "named", True),  # named wins
        ({"BROADSHEET_SHARED": "named"}, ("shared", "default"), None, True),  # and only it
        ({"BROADSHEET_SHARED": ""}, ("shared",), "shared", False),  # empty = not set
    ],
)
def test_lookup_order_and_strictness(
    tmp_path: Path,
    environ: dict[str, str],
    make: tuple[str, ...],
    root: str | None,
    strict: bool,
) -> None:
    clone = tmp_path / "clone"
    clone.mkdir()
    for name in make:
        (tmp_path / name).mkdir()
    env = {
        k: (str(tmp_path / v) if k == "BROADSHEET_SHARED" and v else v) for k, v in environ.items()
    }
    found = locate_shared(env, clone=clone, default=tmp_path / "default")
    assert found.root == (tmp_path / root if root else None)
    assert found.strict is strict


def test_missing_data_skips_on_a_developer_machine(tmp_path: Path) -> None:
    clone, beside, default = _folders(tmp_path)
    found = locate_shared({}, clone=clone, default=default)
    assert found.path() == beside
    with pytest.raises(pytest.skip.Exception, match="data/quotes-dev is not in the shared"):
        found.path("data", "quotes-dev")


@pytest.mark.parametrize("environ", [{"CI": "1"}, {"BROADSHEET_SHARED": "shared"}])
def test_missing_data_fails_in_ci(tmp_path: Path, environ: dict[str, str]) -> None:
    clone, _, default = _folders(tmp_path)
    env = {k: str(tmp_path / v) if k == "BROADSHEET_SHARED" else v for k, v in environ.items()}
    found = locate_shared(env, clone=clone, default=default)
    with pytest.raises(pytest.fail.Exception, match="an error here, not a reason to skip"):
        found.path("data", "quotes-dev")


def test_a_named_folder_that_is_missing_fails(tmp_path: Path) -> None:
    found = locate_shared({"BROADSHEET_SHARED": str(tmp_path / "nowhere")})
    assert found == Shared(None, True, (tmp_path / "nowhere",), "BROADSHEET_SHARED is set")
    with pytest.raises(pytest.fail.Exception, match="BROADSHEET_SHARED is set"):
        found.path("seed")


def test_ci_names_the_shared_data() -> None:
    """.ci/run sets BROADSHEET_SHARED, which is what makes missing data fail in CI."""
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    setting = script.index("export BROADSHEET_SHARED=")
    assert setting < script.index("\nmake test")
