"""Extraction benchmark: Broadsheet against trafilatura, same run, same process.

``run_extract_bench(directory, ground_truth)`` reads every page of a benchmark folder into
memory first (reading and gunzipping are not timed), then times each extractor over all
pages, several rounds in alternating order, and reports each extractor's median round by
wall clock and by process CPU time (the honest-figures rule: the median, never the best).
Pages are HTML (``*.html``, ``*.htm``, ``*.html.gz``, e.g. ``extraction-dev/html/``) or
visible-text dumps (``*.txt``, e.g. ``textdump-dev/text/``). Scores use the reference metric,
:mod:`broadsheet.bench.extract_scoring`. Extractors compared:

- ``broadsheet``: :func:`extract_html` for HTML, ``extract_textdump`` for text dumps;
- ``trafilatura-fast``: ``trafilatura.extract(page, fast=True)`` (for text dumps: the text
  wrapped one ``<p>`` per line, the anchor of BENCHMARKS.md);
- ``trafilatura-precision`` (optional): ``favor_precision=True``;
- ``all-text``: every visible line (text dumps) or ``html2txt`` (HTML), a floor.
"""

from __future__ import annotations

import gzip
import html
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from broadsheet.bench.extract_scoring import macro_scores, score_extraction
from broadsheet.errors import BroadsheetError, ExtractionError

__all__ = ["BenchReport", "ExtractorResult", "load_pages", "run_extract_bench"]

_HTML_SUFFIXES = (".html.gz", ".htm.gz", ".html", ".htm")


@dataclass(frozen=True, slots=True)
class ExtractorResult:
    name: str
    pages_per_s: float  # wall clock
    seconds: float  # median round, all pages, wall clock
    cpu_pages_per_s: float  # process CPU time: steadier than the wall clock on a shared machine
    errors: int  # pages with no output (ExtractionError or None)
    f1: float | None = None
    precision: float | None = None
    recall: float | None = None


@dataclass(frozen=True, slots=True)
class BenchReport:
    directory: str
    kind: str  # "html" or "text"
    pages: int
    scored_pages: int
    rounds: int
    results: tuple[ExtractorResult, ...] = field(default=())

    def result(self, name: str) -> ExtractorResult:
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(name)

    def speedup(
        self, name: str = "broadsheet", baseline: str = "trafilatura-fast", *, cpu: bool = False
    ) -> float:
        """How many times the pages/s of ``baseline`` ``name`` runs at (wall clock or CPU)."""
        if cpu:
            base, ours = self.result(baseline).cpu_pages_per_s, self.result(name).cpu_pages_per_s
        else:
            base, ours = self.result(baseline).pages_per_s, self.result(name).pages_per_s
        return ours / base if base else 0.0

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["results"] = [
            {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(r).items()}
            for r in self.results
        ]
        if any(r.name == "trafilatura-fast" for r in self.results):
            data["speedup_vs_trafilatura_fast"] = round(self.speedup(), 3)
            data["cpu_speedup_vs_trafilatura_fast"] = round(self.speedup(cpu=True), 3)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


def _doc_id(path: Path) -> str:
    from broadsheet.extract import doc_id_for

    return doc_id_for(path)


def load_pages(directory: Path) -> tuple[str, dict[str, bytes]]:
    """("html" | "text", {id: bytes}) for the benchmark folder (searched recursively)."""
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    html_files = [p for p in files if p.name.lower().endswith(_HTML_SUFFIXES)]
    text_files = [p for p in files if p.name.lower().endswith(".txt")]
    chosen = html_files if len(html_files) >= len(text_files) else text_files
    kind = "html" if chosen is html_files else "text"
    pages: dict[str, bytes] = {}
    for path in chosen:
        data = path.read_bytes()
        if path.name.lower().endswith(".gz"):
            data = gzip.decompress(data)
        pages[_doc_id(path)] = data
    return kind, pages


def _load_truth(path: Path | None) -> dict[str, str] | None:
    if path is None or not path.exists():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {
        str(k): (v.get("articleBody") or "" if isinstance(v, dict) else str(v))
        for k, v in raw.items()
    }


Extractor = Callable[[bytes], str]


def _broadsheet_html(page: bytes) -> str:
    from broadsheet.extract.html import extract_html

    return extract_html(page).body


def _broadsheet_text(page: bytes) -> str:
    from broadsheet.extract import extract_text_document

    return extract_text_document(page.decode("utf-8", errors="replace")).body


def _trafilatura(*, fast: bool = False, favor_precision: bool = False) -> Extractor:
    def run(page: bytes) -> str:
        import trafilatura

        text = trafilatura.extract(page, fast=fast, favor_precision=favor_precision)
        return str(text) if text else ""

    return run


def _wrapped(extractor: Extractor) -> Extractor:
    """A text dump as HTML, one <p> per non-blank line, for HTML extractors."""

    def run(page: bytes) -> str:
        lines = page.decode("utf-8", errors="replace").splitlines()
        body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line.strip())
        return extractor(f"<html><body>{body}</body></html>".encode())

    return run


def _all_html_text(page: bytes) -> str:
    from trafilatura import html2txt

    return html2txt(page) or ""


def _all_lines(page: bytes) -> str:
    lines = page.decode("utf-8", errors="replace").splitlines()
    return "\n\n".join(line.strip() for line in lines if line.strip())


def _run_once(
    extractor: Extractor, pages: dict[str, bytes]
) -> tuple[float, float, dict[str, str], int]:
    preds: dict[str, str] = {}
    errors = 0
    cpu = time.process_time()
    start = time.perf_counter()
    for key, page in pages.items():
        try:
            preds[key] = extractor(page)
        except (BroadsheetError, ValueError, TypeError):
            preds[key] = ""
        if not preds[key]:
            errors += 1
    return time.perf_counter() - start, time.process_time() - cpu, preds, errors


def run_extract_bench(
    directory: Path,
    ground_truth: Path | None,
    *,
    rounds: int = 5,
    with_precision: bool = False,
    with_all_text: bool = True,
) -> BenchReport:
    """Score and time Broadsheet and trafilatura on the pages of ``directory``."""
    directory = Path(directory)
    if ground_truth is None and (directory / "ground-truth.json").exists():
        ground_truth = directory / "ground-truth.json"
    kind, pages = load_pages(directory)
    if not pages:
        raise ExtractionError(f"no .html, .html.gz or .txt pages under {directory}")
    truth = _load_truth(ground_truth)

    extractors: dict[str, Extractor] = {}
    if kind == "html":
        extractors["broadsheet"] = _broadsheet_html
        extractors["trafilatura-fast"] = _trafilatura(fast=True)
        if with_precision:
            extractors["trafilatura-precision"] = _trafilatura(favor_precision=True)
        if with_all_text:
            extractors["all-text"] = _all_html_text
    else:
        extractors["broadsheet"] = _broadsheet_text
        extractors["trafilatura-fast"] = _wrapped(_trafilatura(fast=True))
        if with_precision:
            extractors["trafilatura-precision"] = _wrapped(_trafilatura(favor_precision=True))
        if with_all_text:
            extractors["all-text"] = _all_lines

    # warm up (imports, compiled patterns, loaded models) outside the timed rounds
    first = next(iter(pages.values()))
    for extractor in extractors.values():
        _run_once(extractor, {"warmup": first})

    walls: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    outputs: dict[str, tuple[dict[str, str], int]] = {}
    names = list(extractors)
    for round_no in range(max(1, rounds)):
        order = names if round_no % 2 == 0 else names[::-1]
        for name in order:
            seconds, cpu_seconds, preds, errors = _run_once(extractors[name], pages)
            walls.setdefault(name, []).append(seconds)
            cpus.setdefault(name, []).append(cpu_seconds)
            outputs[name] = (preds, errors)  # deterministic: every round gives the same output
    best = {name: (statistics.median(walls[name]), *outputs[name]) for name in names}
    best_cpu = {name: statistics.median(cpus[name]) for name in names}

    results: list[ExtractorResult] = []
    scored = 0
    for name in names:
        seconds, preds, errors = best[name]
        f1 = precision = recall = None
        if truth is not None:
            keys = [k for k in truth if k in pages]
            scored = len(keys)
            score = macro_scores(score_extraction(truth[k], preds.get(k, "")) for k in keys)
            f1, precision, recall = score.f1, score.precision, score.recall
        results.append(
            ExtractorResult(
                name=name,
                pages_per_s=len(pages) / seconds if seconds > 0 else 0.0,
                seconds=seconds,
                cpu_pages_per_s=len(pages) / best_cpu[name] if best_cpu[name] > 0 else 0.0,
                errors=errors,
                f1=f1,
                precision=precision,
                recall=recall,
            )
        )
    return BenchReport(
        directory=str(directory),
        kind=kind,
        pages=len(pages),
        scored_pages=scored,
        rounds=max(1, rounds),
        results=tuple(results),
    )
