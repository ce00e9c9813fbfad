"""Furniture above and inside a text dump's story: server warnings printed into the page
and blocks of teasers between the page header and the story (rules of
``textdump_region``, on lines written for these tests, so each rule is checked apart from
the fitted model)."""

from __future__ import annotations

from broadsheet.extract.textdump_features import Line, split_lines
from broadsheet.extract.textdump_region import fill_holes, server_notice, trim_head

from .test_textdump_region import PARA, PARA2

WARNINGS = [
    "Warning: Cannot modify header information - headers already sent by (output started "
    "at /var/www/town/wp-config.php:3) in /var/www/town/wp-includes/pluggable.php on line 12",
    "Strict Standards: Declaration of Town_Walker::start_el() should be compatible with "
    "Walker::start_el(&$output) in /var/www/town/wp-includes/classes.php on line 1199",
    "Deprecated: Function split() is deprecated in /var/www/town/index.php on line 40",
]


def _lines(*rows: str) -> list[Line]:
    return split_lines("\n\n".join(rows))


def test_server_warnings_are_notices_and_a_story_warning_is_not() -> None:
    assert all(server_notice(line) for line in _lines(*WARNINGS))
    others = [
        "Warning: the river is rising fast and the council has closed the footbridge again.",
        "Notice: the ferry runs on the winter timetable from Monday, on line 12 as before",
        PARA,
    ]
    assert not any(server_notice(line) for line in _lines(*others))


def test_server_warnings_above_and_inside_the_story_are_not_kept() -> None:
    lines = _lines(*WARNINGS, PARA, WARNINGS[0], PARA2)
    # kept by the model above the story: trimmed
    assert trim_head([0, 1, 2, 3, 5], lines) == [3, 5]
    # a warning between two paragraphs is not filled in as a heading of the story
    assert fill_holes([3, 5], lines, [0.9] * 6, 3, 0.02) == [3, 5]
