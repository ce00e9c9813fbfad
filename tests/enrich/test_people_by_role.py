"""A name the small model mistypes is a person when the story gives it a person's role."""

from __future__ import annotations

import pytest

from broadsheet.enrich import analyze_text


@pytest.mark.parametrize(
    ("text", "person"),
    [
        (
            "“Sales held up well,” said Odile Ferrand, the chief executive of Lumen Foods.",
            "Odile Ferrand",
        ),
        (
            "Ravi Castellano, an economist at the Calder Institute, said costs would rise.",
            "Ravi Castellano",
        ),
        ("Tarek Nasrallah, who runs the fund, said he was buying bonds.", "Tarek Nasrallah"),
        ("Analyst Mirela Dobos said demand was strong.", "Mirela Dobos"),
    ],
)
def test_role_makes_a_person(text: str, person: str) -> None:
    found = {(e.type, e.name) for e in analyze_text(text).entities}
    assert ("PERSON", person) in found


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("Calder Institute, a research group, said costs would rise.", "Calder Institute"),
        ("Lumen Foods, the largest frozen-meal maker, said profit rose.", "Lumen Foods"),
    ],
)
def test_organisations_stay_organisations(text: str, org: str) -> None:
    found = {(e.type, e.name) for e in analyze_text(text).entities}
    assert ("ORG", org) in found
