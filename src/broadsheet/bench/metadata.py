"""Metadata benchmark: headline, byline and publication date, Broadsheet against trafilatura.

A benchmark folder holds the pages (``*.html``, ``*.htm``, ``*.html.gz``, searched
recursively) and a gold file, ``metadata.json`` by default::

    {"<page id or file name>": {"headline": "...", "byline": ["Jane Roe"], "date": "2024-05-01"}}

A field left out of a page's entry is not scored on that page; an empty value ("" or [])
says the page has none, and then only an empty answer is right. Matching, per field:

- headline: equal after normalisation (Unicode NFKC, case folded, every run of characters
  that are not letters or digits taken as one space);
- byline: the same set of person names, each normalised the same way (an answer is split
  into names at commas, semicolons, "and", "und", "&");
- date: the same calendar day (the first ten characters of an ISO date, as written: a
  page's local day, not converted to UTC).

Each extractor runs over every page in each round (alternating order); accuracy is read
from the first round, and the time reported is the median round, wall clock and CPU.
Extractors compared, both given the page's bytes only (no URL), as ``broadsheet extract``:

- ``broadsheet``: :func:`broadsheet.extract.html.extract_html` (metadata of a page with no
  article text: :func:`broadsheet.extract.html.extract_html_metadata`);
- ``trafilatura``: ``trafilatura.extract_metadata`` (its own cascade, htmldate inside).
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from broadsheet.errors import BroadsheetError, ExtractionError

__all__ = [
    "FIELDS",
    "MetaGuess",
    "MetadataReport",
    "byline_names",
    "field_correct",
    "run_metadata_bench",
]

FIELDS = ("headline", "byline", "date")
_SUFFIXES = (".html.gz", ".htm.gz", ".html", ".htm")
_NON_WORD = re.compile(r"[\W_]+")
_NAME_SPLIT = re.compile(r"\s*(?:[,;&/]|\band\b|\bund\b)\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class MetaGuess:
    headline: str | None = None
    byline: str | None = None
    date: str | None = None  # ISO, as the extractor writes it


@dataclass(frozen=True, slots=True)
class FieldScore:
    scored: int  # pages whose gold has this field
    correct: int
    accuracy: float
    with_value: int  # pages whose gold has a value
    correct_with_value: int
    spurious: int  # gold empty, answer not


@dataclass(frozen=True, slots=True)
class ExtractorScore:
    name: str
    fields: dict[str, FieldScore]
    errors: int  # pages the extractor raised on (scored as empty answers)
    wall_s_median: float
    cpu_s_median: float
    pages_per_s_cpu: float


@dataclass(frozen=True, slots=True)
class MetadataReport:
    directory: str
    pages: int
    sites: int
    rounds: int
    results: tuple[ExtractorScore, ...] = field(default=())
    misses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def to_dict(self, *, with_misses: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if not with_misses:
            data.pop("misses")
        for r in data["results"]:
            for key in ("wall_s_median", "cpu_s_median", "pages_per_s_cpu"):
                r[key] = round(r[key], 3)
            for f in r["fields"].values():
                f["accuracy"] = round(f["accuracy"], 4)
        return data

    def to_json(self, *, with_misses: bool = False) -> str:
        return json.dumps(self.to_dict(with_misses=with_misses), indent=2, ensure_ascii=False)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", text).strip()


def byline_names(value: str | list[str] | None) -> frozenset[str]:
    """The set of normalised person names in a byline string or list of names."""
    if not value:
        return frozenset()
    items = value if isinstance(value, list) else [value]
    names: set[str] = set()
    for item in items:
        for part in _NAME_SPLIT.split(item):
            n = _norm(part)
            if n:
                names.add(n)
    return frozenset(names)


def field_correct(name: str, gold: Any, guess: str | None) -> bool:
    """Whether ``guess`` matches the gold value of field ``name`` (see the module doc)."""
    if name == "headline":
        return _norm(gold or "") == _norm(guess or "")
    if name == "byline":
        return byline_names(gold) == byline_names(guess)
    if name == "date":
        return (gold or "")[:10] == (guess or "")[:10]
    raise ValueError(f"unknown field {name!r}")


def _page_id(path: Path) -> str:
    lower = path.name.lower()
    for suffix in _SUFFIXES:
        if lower.endswith(suffix):
            return path.name[: -len(suffix)]
    return path.name


def load_metadata_set(
    directory: Path, gold_path: Path | None = None
) -> tuple[dict[str, bytes], dict[str, dict[str, Any]]]:
    """({page id: bytes}, {page id: gold}) for the pages that have a gold entry."""
    directory = Path(directory)
    gold_path = gold_path or directory / "metadata.json"
    if not gold_path.exists():
        raise ExtractionError(f"no gold file {gold_path}")
    try:
        raw = json.loads(gold_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ExtractionError(f"{gold_path}: not JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise ExtractionError(f"{gold_path}: expected an object of page id -> gold fields")
    gold = {_page_id(Path(k)): _valid(v) for k, v in raw.items() if isinstance(v, dict)}
    pages: dict[str, bytes] = {}
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        if not path.name.lower().endswith(_SUFFIXES):
            continue
        key = _page_id(path)
        if key not in gold:
            continue
        data = path.read_bytes()
        pages[key] = gzip.decompress(data) if path.name.lower().endswith(".gz") else data
    if not pages:
        raise ExtractionError(f"no page under {directory} has an entry in {gold_path}")
    return pages, {k: gold[k] for k in pages}


Extractor = Callable[[bytes], MetaGuess]


def _valid(entry: dict[str, Any]) -> dict[str, Any]:
    """A gold entry with each field of the wrong type left out (so not scored)."""
    out = dict(entry)
    for name in FIELDS:
        value = out.get(name)
        ok = isinstance(value, str) or (
            name == "byline" and isinstance(value, list) and all(isinstance(v, str) for v in value)
        )
        if name in out and not ok:
            del out[name]
    return out


def _broadsheet(page: bytes) -> MetaGuess:
    from broadsheet.extract.html import extract_html, extract_html_metadata

    try:
        art = extract_html(page)
        headline, byline, when = art.headline, art.byline, art.published_at
    except ExtractionError:
        meta = extract_html_metadata(page)
        headline, byline, when = meta.headline, meta.byline, meta.published_at
    return MetaGuess(headline, byline, when.isoformat() if when else None)


def _trafilatura(page: bytes) -> MetaGuess:
    from trafilatura import extract_metadata
    from trafilatura.utils import load_html

    tree = load_html(page)
    if tree is None:
        return MetaGuess()
    doc = extract_metadata(tree)
    return MetaGuess(doc.title, doc.author, doc.date)


EXTRACTORS: dict[str, Extractor] = {"broadsheet": _broadsheet, "trafilatura": _trafilatura}


def _run(
    extractor: Extractor, pages: dict[str, bytes]
) -> tuple[float, float, dict[str, MetaGuess], int]:
    out: dict[str, MetaGuess] = {}
    errors = 0
    cpu = time.process_time()
    start = time.perf_counter()
    for key, page in pages.items():
        try:
            out[key] = extractor(page)
        except (BroadsheetError, ValueError, TypeError, AttributeError):
            out[key] = MetaGuess()
            errors += 1
    return time.perf_counter() - start, time.process_time() - cpu, out, errors


def _score(
    gold: dict[str, dict[str, Any]], guesses: dict[str, MetaGuess]
) -> tuple[dict[str, FieldScore], dict[str, list[dict[str, Any]]]]:
    fields: dict[str, FieldScore] = {}
    misses: dict[str, list[dict[str, Any]]] = {}
    for name in FIELDS:
        scored = correct = with_value = correct_with_value = spurious = 0
        missed: list[dict[str, Any]] = []
        for key, g in gold.items():
            if name not in g:
                continue
            guess = getattr(guesses.get(key, MetaGuess()), name)
            ok = field_correct(name, g[name], guess)
            scored += 1
            correct += ok
            if g[name]:
                with_value += 1
                correct_with_value += ok
            elif guess:
                spurious += 1
            if not ok:
                missed.append({"page": key, "gold": g[name], "guess": guess})
        fields[name] = FieldScore(
            scored=scored,
            correct=correct,
            accuracy=correct / scored if scored else 0.0,
            with_value=with_value,
            correct_with_value=correct_with_value,
            spurious=spurious,
        )
        misses[name] = missed
    return fields, misses


def run_metadata_bench(
    directory: Path,
    gold_path: Path | None = None,
    *,
    rounds: int = 3,
    extractors: tuple[str, ...] = ("broadsheet", "trafilatura"),
) -> MetadataReport:
    """Score and time each extractor's metadata on the pages of ``directory``."""
    pages, gold = load_metadata_set(directory, gold_path)
    unknown = [n for n in extractors if n not in EXTRACTORS]
    if unknown:
        raise ExtractionError(f"unknown extractor(s): {', '.join(unknown)}")
    first = next(iter(pages.values()))
    for name in extractors:  # warm up: imports, compiled patterns
        _run(EXTRACTORS[name], {"warmup": first})
    walls: dict[str, list[float]] = {n: [] for n in extractors}
    cpus: dict[str, list[float]] = {n: [] for n in extractors}
    answers: dict[str, tuple[dict[str, MetaGuess], int]] = {}
    for round_no in range(max(1, rounds)):
        order = extractors if round_no % 2 == 0 else extractors[::-1]
        for name in order:
            wall, cpu, out, errors = _run(EXTRACTORS[name], pages)
            walls[name].append(wall)
            cpus[name].append(cpu)
            answers.setdefault(name, (out, errors))
    results = []
    all_misses: dict[str, list[dict[str, Any]]] = {}
    for name in extractors:
        out, errors = answers[name]
        fields, misses = _score(gold, out)
        for f, rows in misses.items():
            all_misses[f"{name}:{f}"] = rows
        cpu_med = statistics.median(cpus[name])
        results.append(
            ExtractorScore(
                name=name,
                fields=fields,
                errors=errors,
                wall_s_median=statistics.median(walls[name]),
                cpu_s_median=cpu_med,
                pages_per_s_cpu=len(pages) / cpu_med if cpu_med > 0 else 0.0,
            )
        )
    sites = {str(g.get("site") or "") for g in gold.values()} - {""}
    return MetadataReport(
        directory=str(directory),
        pages=len(pages),
        sites=len(sites) or len(pages),
        rounds=max(1, rounds),
        results=tuple(results),
        misses=all_misses,
    )
