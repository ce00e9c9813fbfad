"""A parse read once into plain lists, for the token walks of the quote finder.

Every ``doc[i]`` (and ``tok.head``, ``tok.left_edge``, each child) makes a new spaCy
``Token``; the candidate rules and the cut table walk thousands of them per article.
``doc_arrays(doc)`` reads what those walks look at once per document: heads, subtree
edges, children (as spaCy's ``Token.children`` gives them: tokens headed by this one
inside its subtree's edges), punctuation and space flags, lower-case form, part of speech,
dependency, text and character offsets. The last document read is kept, so the calls of
one ``find_quotes`` share one read; ``release`` drops it.
"""

from __future__ import annotations

from spacy.attrs import DEP, HEAD, IDX, IS_PUNCT, IS_SPACE, LOWER, ORTH, POS
from spacy.parts_of_speech import NAMES as _POS_NAMES
from spacy.tokens import Doc

__all__ = ["DocArrays", "doc_arrays", "release"]


class DocArrays:
    """Per-token lists of one parse (index = token index)."""

    __slots__ = (
        "children",
        "dep",
        "doc",
        "end",
        "head",
        "idx",
        "left",
        "lower",
        "n",
        "pos",
        "punct",
        "right",
        "space",
        "text",
        "_sent_start",
        "_sent_end",
    )

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        n = self.n = len(doc)
        strings = doc.vocab.strings
        rows = doc.to_array([HEAD, IS_PUNCT, IS_SPACE, IDX, POS, DEP, LOWER, ORTH]).tolist()
        memo: dict[int, str] = {}

        def string(key: int) -> str:
            value = memo.get(key)
            if value is None:
                value = memo[key] = strings[key] if key else ""
            return value

        head = self.head = [0] * n
        self.punct = [False] * n
        self.space = [False] * n
        self.idx = [0] * n
        self.pos = [""] * n
        self.dep = [""] * n
        self.lower = [""] * n
        self.text = [""] * n
        self.end = [0] * n
        for i, (rel, punct, space, idx, pos, dep, lower, orth) in enumerate(rows):
            # to_array gives unsigned 64-bit values: a left head's offset wraps around
            head[i] = i + (rel - (1 << 64) if rel >= 1 << 63 else rel)
            self.punct[i] = bool(punct)
            self.space[i] = bool(space)
            self.idx[i] = idx
            self.pos[i] = _POS_NAMES[pos]
            self.dep[i] = string(dep)
            self.lower[i] = string(lower)
            text = self.text[i] = string(orth)
            self.end[i] = idx + len(text)
        left = self.left = [0] * n
        right = self.right = [0] * n
        for t in doc:
            i = t.i
            left[i] = t.left_edge.i
            right[i] = t.right_edge.i
        children: list[list[int]] = [[] for _ in range(n)]
        for i in range(n):
            h = head[i]
            if h != i and left[h] <= i <= right[h]:
                children[h].append(i)
        self.children = children
        self._sent_start: list[int] | None = None
        self._sent_end: list[int] | None = None

    def sent_bounds(self, i: int) -> tuple[int, int]:
        """(start, end) of token i's sentence, as ``doc[i].sent`` gives them."""
        if self._sent_start is None:
            starts = [0] * self.n
            ends = [0] * self.n
            for sent in self.doc.sents:
                s, e = sent.start, sent.end
                for j in range(s, e):
                    starts[j] = s
                    ends[j] = e
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
