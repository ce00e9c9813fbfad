"""The seed article's quotes (read from the shared seed at test time, never copied here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from broadsheet.cli import cli
from broadsheet.enrich.nlp import load_nlp
from broadsheet.enrich.quotes import entities_from_doc, find_quotes, straighten_quotes
from broadsheet.models import READER_CUE_CLASSES, Quote


@pytest.fixture(scope="module")
def seed(seed_dir: Path) -> tuple[str, list[Quote], dict[str, Any]]:
    expected = json.loads((seed_dir / "expected.json").read_text("utf-8"))["quotes"]
    truth = json.loads((seed_dir / "ground-truth.json").read_text("utf-8"))
    body = next(iter(truth.values()))["articleBody"]
    doc = load_nlp()(straighten_quotes(body))
    return body, find_quotes(doc, entities_from_doc(doc, body)), expected


def _match(body: str, quotes: list[Quote], item: dict[str, str]) -> Quote | None:
    """The quote carrying item's words near its start ("starts_with" after any lead-in)."""
    for q in quotes:
        content = body[q.content[0] : q.content[1]]
        at = content.find(item["starts_with"])
        if 0 <= at <= 40 and q.kind == item["kind"]:
            return q
    return None


def _speakers(item: dict[str, str]) -> set[str]:
    return {s.strip() for s in item["speaker"].split(";")}


def _missing_musts(
    body: str, quotes: list[Quote], expected: dict[str, Any]
) -> list[tuple[dict[str, str], Quote | None]]:
    """The "must" quotes not found with their speaker (and the nearest match, if any)."""
    missing = []
    for item in expected["must"]:
        q = _match(body, quotes, item)
        if q is None or q.speaker not in _speakers(item):
            missing.append((item, q))
    return missing


def test_seed_must_quotes(seed: tuple[str, list[Quote], dict[str, Any]]) -> None:
    body, quotes, expected = seed
    missing = _missing_musts(body, quotes, expected)
    assert not missing, missing


def test_seed_should_quotes(seed: tuple[str, list[Quote], dict[str, Any]]) -> None:
    body, quotes, expected = seed
    found = [item for item in expected["should"] if _match(body, quotes, item) is not None]
    assert len(found) >= 2, found


def test_seed_quotes_are_shown_to_a_reader(seed: tuple[str, list[Quote], dict[str, Any]]) -> None:
    """Every expected quote is words said or written: ``read`` and ``people`` show it
    without --all-quotes."""
    body, quotes, expected = seed
    classes = {}
    for item in expected["must"] + expected["should"]:
        q = _match(body, quotes, item)
        if q is not None:
            classes[item["starts_with"]] = q.cue_class
    assert len(classes) >= len(expected["must"])
    assert set(classes.values()) <= set(READER_CUE_CLASSES), classes


def test_seed_speaker_details(seed: tuple[str, list[Quote], dict[str, Any]]) -> None:
    _, quotes, expected = seed
    details = expected["speaker_details"]
    seen: dict[str, tuple[str | None, str | None]] = {}
    for q in quotes:
        if (
            q.speaker is not None
            and q.speaker in details
            and (q.speaker_title or q.speaker_affiliation)
        ):
            seen[q.speaker] = (q.speaker_title, q.speaker_affiliation)
    wrong = []
    for name, description in details.items():
        title, affiliation = seen.get(name, (None, None))
        flat = description.replace("’", "'")
        parts = [p for p in (title, affiliation) if p]
        if not parts or any(p.replace("’", "'") not in flat for p in parts):
            wrong.append((name, title, affiliation, description))
    assert not wrong, wrong


def test_seed_must_quotes_through_analyze_on_the_page_dump(tmp_path: Path, seed_dir: Path) -> None:
    """What a user gets from `broadsheet analyze` on the scraped page itself: extraction,
    then enrichment; offsets index the extracted articleBody."""
    dumps = sorted(seed_dir.glob("*.txt"))
    expected = json.loads((seed_dir / "expected.json").read_text("utf-8"))["quotes"]
    result = CliRunner().invoke(
        cli, ["--home", str(tmp_path), "analyze", str(dumps[0]), "--format", "jsonl"]
    )
    assert result.exit_code == 0, result.output
    row = json.loads(result.output.splitlines()[0])
    body = row["articleBody"]
    quotes = [
        Quote(
            content=tuple(q["content"]),
            source=tuple(q["source"]) if q["source"] else None,
            cue=tuple(q["cue"]) if q["cue"] else None,
            speaker=q["speaker"],
            kind=q["kind"],
        )
        for q in row["quotes"]
    ]
    missing = _missing_musts(body, quotes, expected)
    assert not missing, missing
