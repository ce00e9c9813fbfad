"""``patterns.alternation`` matches what the flat alternation of the same words matches."""

from __future__ import annotations

import re

import pytest

from broadsheet.enrich.patterns import alternation

TEXT = (
    "More than 3 million, more Than 5, MORE 7; Moreover over Over 2; about US$ 4 bn, "
    "u.s.$ 3, US 1, €5 £ 6; Ölpreis Öl oil; a an and Andes; ſome Some KELVIN \u212aelvin"
)


@pytest.mark.parametrize("ignore_case", [True, False])
@pytest.mark.parametrize(
    "words",
    [
        ["more than", "more", "moreover", "over", "Over", "about"],
        ["US$", "U.S.$", "US", "u", "$", "€", "£"],
        ["Öl", "Ölpreis", "oil", "a", "an", "and", "Andes"],
        ["some", "kelvin", "Kelvin", "s"],
    ],
)
def test_same_matches_as_the_flat_alternation(words: list[str], ignore_case: bool) -> None:
    flags = re.IGNORECASE if ignore_case else 0
    flat = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")", flags)
    grouped = re.compile(r"(?<!\w)" + alternation(words, ignore_case=ignore_case), flags)
    want = [(m.span(), m.group(0)) for m in flat.finditer(TEXT)]
    assert [(m.span(), m.group(0)) for m in grouped.finditer(TEXT)] == want
    assert want


def test_groups_by_first_letter() -> None:
    assert alternation(["ab", "ac", "b"], ignore_case=False) == "(?:a(?:b|c)|b(?:))"
    assert alternation(["Ab", "ac"], ignore_case=True) == "(?:a(?:b|c))"
    assert alternation(["Öl", "oil"], ignore_case=True) == "(?:Öl|oil)"  # not ASCII: flat
