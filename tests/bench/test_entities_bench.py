"""The entity benchmark on a CoNLL-format fixture written for the project: reading (IOB1,
IOB2, -DOCSTART-, datelines), exact-span scoring, the CLI command and the quality floor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadsheet.bench.entities import read_conll, run_entities_bench, score_spans
from broadsheet.cli import cli
from broadsheet.errors import BroadsheetError

FIXTURE = Path(__file__).resolve().parent / "data" / "news.conll"
FLOORS = json.loads((Path(__file__).resolve().parents[1] / "quality_floors.json").read_text())


def test_reads_documents_and_gold_spans_iob1() -> None:
    docs = read_conll(FIXTURE)
    assert len(docs) == 3
    text, offsets, gold = docs[0].text_and_gold()
    assert text.splitlines()[1] == "PORTSMOUTH 2026-03-02"
    names = {(text[s:e], t) for s, e, t in gold}
    assert ("Margaret Ellery", "PERSON") in names
    assert ("Solent Ferries", "ORG") in names
    assert ("Isle of Wight Council", "ORG") in names
    assert ("Portsmouth", "PLACE") in names
    assert len(offsets) == sum(len(s) for s in docs[0].sentences)


def test_iob2_and_adjacent_names_and_no_docstart(tmp_path: Path) -> None:
    conll = "ROME 2026-01-05\nfell VBD\n\n"  # no column of tags
    bad = tmp_path / "bad.conll"
    bad.write_text(conll, "utf-8")
    with pytest.raises(BroadsheetError):
        read_conll(bad)
    rows = [
        "HEADLINE O",
        "",
        "ROME B-LOC",
        "2026-01-05 O",
        "",
        "Anna B-PER",
        "Rossi I-PER",
        "met",
        "",
        "SECOND O",
        "",
        "MILAN B-LOC",
        "2026-01-06 O",
        "",
        "Fiat B-ORG",
        "Chrysler B-ORG",
        "merged O",
        "",
    ]
    rows[7] = "met O"
    good = tmp_path / "good.conll"
    good.write_text("\n".join(rows) + "\n", "utf-8")
    docs = read_conll(good)
    assert len(docs) == 2  # cut before the headline of each dateline
    text, _, gold = docs[1].text_and_gold()
    assert {(text[s:e], t) for s, e, t in gold} == {
        ("MILAN", "PLACE"),
        ("Fiat", "ORG"),
        ("Chrysler", "ORG"),
    }


def test_exact_span_scores() -> None:
    gold = {(0, 5, "PERSON"), (10, 15, "ORG"), (20, 25, "PLACE")}
    pred = {(0, 5, "PERSON"), (10, 15, "PLACE"), (30, 35, "ORG")}
    scores = score_spans(pred, gold)
    assert scores["all"].true_positives == 1
    assert scores["all"].precision == pytest.approx(1 / 3)
    assert scores["all"].recall == pytest.approx(1 / 3)
    assert scores["PERSON"].f1 == 1.0
    assert scores["ORG"].f1 == 0.0


def test_bench_entities_command_and_floor() -> None:
    result = CliRunner().invoke(
        cli, ["bench", "entities", str(FIXTURE), "--format", "json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.strip().splitlines()[-1])
    assert data["documents"] == 3 and data["tokens"] == 147
    assert data["broadsheet"]["all"]["gold"] == 22
    assert data["spacy"]["all"]["gold"] == 22
    assert data["broadsheet"]["all"]["f1"] >= FLOORS["entities_f1_fixture"]
    assert data["broadsheet"]["all"]["f1"] > data["spacy"]["all"]["f1"]


def test_run_entities_bench_without_anchor() -> None:
    report = run_entities_bench(FIXTURE, anchor=False)
    assert report.spacy is None
    assert report.broadsheet["PERSON"]["gold"] == 5
