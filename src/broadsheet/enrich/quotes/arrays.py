"""A parse read once into plain lists, for the token walks of the quote finder.

Every ``doc[i]`` (and ``tok.head``, ``tok.left_edge``, each child) makes a new spaCy
``Token``; the candidate rules and the cut table walk thousands of them per article.
``doc_arrays(doc)`` reads what those walks look at once per document: heads, subtree
edges, children (as spaCy's ``Token.children`` gives them: tokens headed by this one
inside its subtree's edges), punctuation and space flags, lower-case form, part of speech,
dependency, fine tag, lower-case lemma, text and character offsets. The last document read
is kept, so the calls of one ``find_quotes`` share one read; ``release`` drops it.
"""

from __future__ import annotations

import numpy
from spacy.attrs import (
    DEP,
    HEAD,
    IDX,
    IS_PUNCT,
    IS_SPACE,
    LEMMA,
    LENGTH,
    LOWER,
    ORTH,
    POS,
    SENT_START,
    SPACY,
    TAG,
)
from spacy.parts_of_speech import NAMES as _POS_NAMES
from spacy.tokens import Doc

__all__ = ["DocArrays", "doc_arrays", "release"]


# string of each hash read so far (a hash names the same string in every document); the
# lemmas lower-cased, as the rules compare them
_STRINGS: dict[int, str] = {}
_LEMMAS: dict[int, str] = {}
_MAX_STRINGS = 500_000


class DocArrays:
    """Per-token lists of one parse (index = token index)."""

    __slots__ = (
        "_children",
        "_sent_end",
        "_sent_start",
        "_spacy",
        "dep",
        "doc",
        "end",
        "head",
        "idx",
        "left",
        "lemma",
        "lower",
        "n",
        "pos",
        "punct",
        "right",
        "space",
        "tag",
        "text",
    )

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        n = self.n = len(doc)
        if len(_STRINGS) > _MAX_STRINGS:
            _STRINGS.clear()
        if len(_LEMMAS) > _MAX_STRINGS:
            _LEMMAS.clear()
        strings = doc.vocab.strings
        array = doc.to_array(
            [HEAD, IS_PUNCT, IS_SPACE, IDX, POS, DEP, LOWER, ORTH, TAG, LEMMA, LENGTH, SPACY]
        )

        def column(j: int) -> list[int]:
            values: list[int] = array[:, j].tolist() if n else []
            return values

        def words(j: int, memo: dict[int, str] = _STRINGS, lower: bool = False) -> list[str]:
            keys = column(j)
            for key in set(keys).difference(memo):
                value = strings[key] if key else ""
                memo[key] = value.lower() if lower else value
            return [memo[key] for key in keys]

        # to_array gives unsigned 64-bit values: a left head's offset wraps around, and
        # reads back as a negative one as signed 64 bits
        heads: list[int] = (array[:, 0].astype(numpy.int64) + numpy.arange(n)).tolist() if n else []
        self.head = heads
        self.punct = column(1)  # 0 or 1
        self.space = column(2)
        self.idx = column(3)
        ends: list[int] = (array[:, 3] + array[:, 10]).tolist() if n else []
        self.end = ends
        self.pos = [_POS_NAMES[v] for v in column(4)]
        self.dep = words(5)
        self.lower = words(6)
        self.text = words(7)
        self.tag = words(8)
        self.lemma = words(9, _LEMMAS, lower=True)
        left = self.left = [0] * n
        right = self.right = [0] * n
        for i, t in enumerate(doc):
            left[i] = t.left_edge.i
            right[i] = t.right_edge.i
        self._children: dict[int, list[int]] = {}
        self._spacy = column(11)
        self._sent_start: list[int] | None = None
        self._sent_end: list[int] | None = None

    def doc_text(self) -> str:
        """``doc.text`` (each token's text and its trailing space), without a Token each."""
        return "".join([t + " " if sp else t for t, sp in zip(self.text, self._spacy, strict=True)])

    def children(self, i: int) -> list[int]:
        """Indices of token i's children, as ``doc[i].children`` gives them (the tokens
        headed by i between its subtree's edges, left to right)."""
        found = self._children.get(i)
        if found is None:
            head = self.head
            found = [j for j in range(self.left[i], self.right[i] + 1) if head[j] == i and j != i]
            self._children[i] = found
        return found

    def sent_bounds(self, i: int) -> tuple[int, int]:
        """(start, end) of token i's sentence, as ``doc[i].sent`` gives them (from the
        sentence starts; spaCy's own answer when hooks or no sentence starts are set)."""
        if self._sent_start is None:
            doc = self.doc
            if doc.user_hooks or doc.user_span_hooks or not doc.has_annotation("SENT_START"):
                sent = doc[i].sent
                return sent.start, sent.end
            flags = [v == 1 for v in doc.to_array([SENT_START]).tolist()]
            starts = [0] * self.n
            ends = [0] * self.n
            current = 0
            for j, flag in enumerate(flags):
                if flag:
                    current = j
                starts[j] = current
            following = self.n
            for j in range(self.n - 1, -1, -1):
                ends[j] = following
                if flags[j]:
                    following = j
            self._sent_start, self._sent_end = starts, ends
        assert self._sent_end is not None
        return self._sent_start[i], self._sent_end[i]


_last: DocArrays | None = None


def doc_arrays(doc: Doc) -> DocArrays:
    """The lists of ``doc`` (read now unless they are the last document's)."""
    global _last
    if _last is None or _last.doc is not doc or _last.n != len(doc):
        _last = DocArrays(doc)
    return _last


def release() -> None:
    """Forget the last document read (a fresh read on the next call)."""
    global _last
    _last = None
