"""Settings layers: defaults → file → environment → flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.config import load_settings
from broadsheet.errors import ConfigError


def test_defaults() -> None:
    s = load_settings(None, {"home": "/tmp/x"})
    assert s.fetch.max_body_bytes == 15 * 1024 * 1024
    assert s.database == "/tmp/x/broadsheet.db"
    assert s.index_dir == Path("/tmp/x/index")


def test_file_then_env_then_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "b.toml"
    cfg.write_text("[fetch]\nmax_body_bytes = 1000\nread_timeout = 3.0\n[poll]\nworkers = 3\n")
    s = load_settings(cfg)
    assert (s.fetch.max_body_bytes, s.fetch.read_timeout, s.poll.workers) == (1000, 3.0, 3)
    monkeypatch.setenv("BROADSHEET_FETCH__MAX_BODY_BYTES", "2000")
    s = load_settings(cfg)
    assert s.fetch.max_body_bytes == 2000  # environment beats the file
    assert s.fetch.read_timeout == 3.0  # the file still counts for what env does not set
    s = load_settings(cfg, {"fetch": {"max_body_bytes": 3000}})
    assert s.fetch.max_body_bytes == 3000  # flags beat everything


@pytest.mark.parametrize(
    "text", ["[fetch]\nmax_body_bytes = 'lots'\n", "[fetch]\nno_such_setting = 1\n", "not toml ["]
)
def test_bad_files_are_clear_errors(tmp_path: Path, text: str) -> None:
    cfg = tmp_path / "b.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigError):
        load_settings(cfg)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")
