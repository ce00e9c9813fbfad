"""Quotes as a reader means them: read, quotes and people show what was said or written,
and --all-quotes every attribution (a belief, an order). A group's words are no one
person's. Driven as a user drives the CLI, on a real archive in a temp home, with stories
written for Broadsheet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadsheet.cli import cli
from broadsheet.config import load_settings
from broadsheet.errors import InvalidRequestError
from broadsheet.models import CUE_CLASSES
from broadsheet.service import open_service

PARAGRAPHS = [
    "“We will reopen the eastern quay by June,” said Ines Molnar, the harbour master of "
    "Calder, on Tuesday.",
    "Molnar believes the new tariffs will drive cargo to rival ports in the north.",
    "Molnar ordered a full inspection of the cranes after a cable snapped last week.",
    "Molnar aides said the inspection would take at least a month.",
    "Molnar wrote in a letter to the council that the quay needed new pilings.",
]


def run(home: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_read_quotes_and_people_show_speech_and_writing_unless_asked(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    (folder / "quay.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Calder Quay to Reopen - The Test Gazette</title>"
        "<meta property='article:published_time' content='2012-03-06T10:00:00+00:00'>"
        f"</head><body><article><h1>Calder Quay to Reopen</h1>{body}</article></body></html>",
        "utf-8",
    )
    home = tmp_path / "home"
    run(home, "ingest", str(folder))
    (hit,) = [
        json.loads(x) for x in run(home, "search", "quay", "--format", "jsonl").split("\n") if x
    ]
    article_id = str(hit["id"])

    shown = json.loads(run(home, "read", article_id, "--format", "json"))["quotes"]
    every = json.loads(run(home, "read", article_id, "--format", "json", "--all-quotes"))["quotes"]
    assert {q["cue_class"] for q in shown} == {"speech", "writing"}
    assert {q["cue_class"] for q in every} == {"speech", "writing", "thought", "action"}
    texts = {q["text"] for q in every} - {q["text"] for q in shown}
    assert any("new tariffs" in t for t in texts) and any(
        "inspection of the cranes" in t for t in texts
    )
    group = next(q for q in every if "take at least a month" in q["text"])
    assert group["speaker"] == "Molnar aides" and group["speaker_type"] == "GROUP"
    # the text view marks a quote that is not speech with its class
    plain = run(home, "read", article_id)
    assert "writing" in plain and "thought" not in plain and "action" not in plain
    plain = run(home, "read", article_id, "--all-quotes")
    assert "thought" in plain and "action" in plain

    said = [
        json.loads(x) for x in run(home, "quotes", "quay", "--format", "jsonl").split("\n") if x
    ]
    assert {q["cue_class"] for q in said} == {"speech", "writing"}
    everything = run(home, "quotes", "quay", "--format", "jsonl", "--all-quotes")
    assert "new tariffs" in everything
    # by:Molnar is Ines Molnar's words, never her aides'
    hers = run(home, "quotes", "by:Molnar", "--format", "jsonl", "--all-quotes")
    assert "take at least a month" not in hers and "reopen the eastern quay" in hers

    profile = json.loads(run(home, "people", "Ines Molnar", "--format", "json"))
    assert profile["name"] == "Ines Molnar"
    words = " ".join(q["text"] for q in profile["quotes"])
    assert "reopen the eastern quay" in words and "new pilings" in words
    assert "new tariffs" not in words and "take at least a month" not in words
    everything = json.loads(run(home, "people", "Ines Molnar", "--format", "json", "--all-quotes"))
    words = " ".join(q["text"] for q in everything["quotes"])
    assert "new tariffs" in words and "take at least a month" not in words

    # the service the web calls: the same default, every class on request, a clear error
    with open_service(load_settings(None, {"home": home}), enrich=False) as svc:
        view = svc.read(int(article_id))
        assert {q.cue_class for q in view.annotations.quotes} == {"speech", "writing"}
        every_class = svc.read(int(article_id), cue_classes=CUE_CLASSES).annotations.quotes
        assert len(every_class) == len(every)
        only = svc.quotes("quay", cue_classes=["thought"])
        assert only and {q.cue_class for q in only} == {"thought"}
        assert [q.to_json()["cue_class"] for q in only] == ["thought"] * len(only)
        with pytest.raises(InvalidRequestError, match="unknown quote class 'rumour'"):
            svc.quotes("quay", cue_classes=["rumour"])  # type: ignore[list-item]
