"""Docs cannot drift: the CLI reference and the settings reference are generated, and the
checked-in copies must match what the code says today (run `make docs`)."""

from __future__ import annotations

from pathlib import Path

from broadsheet.cli.docs import render_cli_reference, render_config_reference
from broadsheet.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current() -> None:
    assert (ROOT / "docs" / "cli.md").read_text("utf-8").rstrip() == render_cli_reference().rstrip()


def test_configuration_reference_is_current() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text("utf-8")
    assert text.rstrip() == render_config_reference().rstrip()


def test_every_setting_has_a_description() -> None:
    from pydantic import BaseModel

    for name, field in Settings.model_fields.items():
        assert field.description, name
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            for sub, subfield in annotation.model_fields.items():
                assert subfield.description, f"{name}.{sub} has no description"


def test_readme_names_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "make demo" in readme and "make test" in readme
