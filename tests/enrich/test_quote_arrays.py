"""The quote finder's one-time read of a parse (``quotes.arrays``) gives what spaCy's
Token objects give: heads (left heads included), subtree edges, children, sentences,
strings, offsets and the document text."""

from __future__ import annotations

from broadsheet.enrich.nlp import load_nlp
from broadsheet.enrich.quotes import straighten_quotes
from broadsheet.enrich.quotes.arrays import DocArrays, doc_arrays, release

TEXT = (
    "WASHINGTON (AP) — “We will not back down,” Sen. Maria Lopez, a Democrat from Ohio, "
    "told reporters on Tuesday, adding that the bill, which she said Mexico would never "
    "pay for, was dead.\n\nAccording to a new Quinnipiac poll, 40 percent of voters "
    "disagree.  Smith:   “No comment.”\n"
)


def test_arrays_match_spacy_tokens() -> None:
    doc = load_nlp()(straighten_quotes(TEXT))
    arrays = DocArrays(doc)
    assert arrays.n == len(doc)
    assert arrays.doc_text() == doc.text
    assert any(t.head.i < t.i for t in doc)  # a left head: the wrapped offset is read back
    for t in doc:
        i = t.i
        assert arrays.head[i] == t.head.i
        assert (arrays.left[i], arrays.right[i]) == (t.left_edge.i, t.right_edge.i)
        assert arrays.children(i) == [c.i for c in t.children]
        assert arrays.sent_bounds(i) == (t.sent.start, t.sent.end)
        assert (arrays.idx[i], arrays.end[i]) == (t.idx, t.idx + len(t.text))
        assert bool(arrays.punct[i]) == t.is_punct and bool(arrays.space[i]) == t.is_space
        assert (arrays.text[i], arrays.lower[i], arrays.pos[i]) == (t.text, t.lower_, t.pos_)
        assert (arrays.dep[i], arrays.tag[i]) == (t.dep_, t.tag_)
        assert arrays.lemma[i] == t.lemma_.lower()


def test_doc_arrays_reads_each_document() -> None:
    nlp = load_nlp()
    first, second = nlp("She said no."), nlp("He said yes, loudly.")
    assert doc_arrays(first) is doc_arrays(first)
    assert doc_arrays(second).doc is second
    release()
    assert doc_arrays(second).n == len(second)
