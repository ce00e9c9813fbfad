"""Quote attribution on sentences written for these tests: every pattern find_quotes knows."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from broadsheet.enrich.nlp import load_nlp
from broadsheet.enrich.quotes import (
    entities_from_doc,
    find_quote_spans,
    find_quotes,
    quote_kind,
    straighten_quotes,
)
from broadsheet.models import Quote


def _quotes(text: str) -> list[Quote]:
    nlp = load_nlp()
    doc = nlp(straighten_quotes(text))
    return find_quotes(doc, entities_from_doc(doc, text))


def _find(text: str, quotes: list[Quote], fragment: str) -> Quote:
    for q in quotes:
        if fragment in text[q.content[0] : q.content[1]]:
            return q
    shown = [text[q.content[0] : q.content[1]] for q in quotes]
    raise AssertionError(f"no quote contains {fragment!r}; found {shown}")


# (text, fragment of the content, speaker, kind, source text)
CASES = [
    (
        "“The bridge will open in May,” said Marta Velasquez, the city engineer.",
        "The bridge will open in May",
        "Marta Velasquez",
        "direct",
        "Marta Velasquez",
    ),
    (
        "Harold Pemberton said: “We have no plans to sell the mill.”",
        "We have no plans to sell the mill",
        "Harold Pemberton",
        "direct",
        "Harold Pemberton",
    ),
    (
        "Councillor Sarah Collins said the budget was “a disgrace to the town.”",
        "a disgrace to the town",
        "Sarah Collins",
        "mixed",
        "Sarah Collins",
    ),
    (
        "Sarah Collins said that the budget would be rewritten before the vote.",
        "the budget would be rewritten before the vote",
        "Sarah Collins",
        "indirect",
        "Sarah Collins",
    ),
    (
        "Tomas Brandt warned that interest rates could climb again next year.",
        "interest rates could climb again next year",
        "Tomas Brandt",
        "indirect",
        "Tomas Brandt",
    ),
    (
        "Grain prices will fall sharply this autumn, according to Olwen Hardcastle, "
        "an economist at Northfield Bank.",
        "Grain prices will fall sharply this autumn",
        "Olwen Hardcastle",
        "indirect",
        "Olwen Hardcastle",
    ),
    (
        "According to Northfield Bank, the merger will be completed by June.",
        "the merger will be completed by June",
        "Northfield Bank",
        "indirect",
        "Northfield Bank",
    ),
    (
        "Desmond Okafor arrived late on Tuesday. He told reporters the talks had collapsed.",
        "the talks had collapsed",
        "Desmond Okafor",
        "indirect",
        "He",
    ),
    (
        "Priya Raman runs the clinic. “We treat everyone who walks in,” she said.",
        "We treat everyone who walks in",
        "Priya Raman",
        "direct",
        "she",
    ),
    (
        "“My father told me ‘never sell the land,’ and I never will,” said Robert Kittredge.",
        "and I never will",
        "Robert Kittredge",
        "direct",
        "Robert Kittredge",
    ),
    (
        "Lena Sorvino, who teaches law at Eastbrook University, argued the ruling was wrong.",
        "the ruling was wrong",
        "Lena Sorvino",
        "indirect",
        "Lena Sorvino",
    ),
    (
        "The harbour will be dredged next spring, Mayor Colm Fitzgerald said on Monday.",
        "The harbour will be dredged next spring",
        "Colm Fitzgerald",
        "indirect",
        "Colm Fitzgerald",
    ),
]


@pytest.mark.parametrize(("text", "fragment", "speaker", "kind", "source"), CASES)
def test_find_quotes_patterns(
    text: str, fragment: str, speaker: str, kind: str, source: str
) -> None:
    quotes = _quotes(text)
    quote = _find(text, quotes, fragment)
    assert quote.speaker == speaker
    assert quote.kind == kind
    assert quote.source is not None
    assert source in text[quote.source[0] : quote.source[1]]
    assert quote.cue is not None
    assert quote.cue[1] <= len(text)


def test_multi_paragraph_quote_is_one_quote() -> None:
    text = (
        "Rosalind Achebe, the festival director, spoke at length.\n\n"
        "“We started with forty chairs in a church hall. Nobody came the first year,\n\n"
        "“but the second year the hall was full and we had to turn people away,” she said."
    )
    quote = _find(text, _quotes(text), "forty chairs")
    body = text[quote.content[0] : quote.content[1]]
    assert "turn people away" in body
    assert quote.speaker == "Rosalind Achebe"
    assert quote.kind == "direct"


def test_speaker_title_and_affiliation() -> None:
    text = (
        "Shipping costs will keep rising, said analyst Wendell Marsh. "
        "Marsh, who studies freight markets at the Institute for Maritime Research in Oslo, "
        "said in an interview that “the worst is still ahead.” "
        "“Ports are full,” said Ingrid Solberg, a professor of logistics at the University "
        "of Bergen."
    )
    quotes = _quotes(text)
    marsh = _find(text, quotes, "the worst is still ahead")
    assert marsh.speaker == "Wendell Marsh"
    assert marsh.speaker_title == "analyst"
    assert marsh.speaker_affiliation == "Institute for Maritime Research"
    solberg = _find(text, quotes, "Ports are full")
    assert solberg.speaker == "Ingrid Solberg"
    assert solberg.speaker_title == "professor of logistics"
    assert solberg.speaker_affiliation == "University of Bergen"


def test_no_attribution_in_plain_narrative() -> None:
    text = "The river flooded the lower town in March. Boats carried families to the school."
    assert _quotes(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said “yes” twice.", ["“yes”"]),
        ('He said "yes" and "no".', ['"yes"', '"no"']),
        ("“Outer ‘inner’ outer,” she said.", ["“Outer ‘inner’ outer,”"]),
        ("It’s Sam’s ‘view’, not mine.", []),
        ("“First paragraph\n\n“second paragraph.”", ["“First paragraph\n\n“second paragraph.”"]),
        ("“Unclosed paragraph\n\nNext paragraph plain.", ["“Unclosed paragraph"]),
        ("''Wire style,'' she said.", ["''Wire style,''"]),
    ],
)
def test_find_quote_spans(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in find_quote_spans(text)] == expected


@pytest.mark.parametrize(
    ("content", "kind"),
    [("“All of it.”", "direct"), ("it was “fine”", "mixed"), ("it was fine", "indirect")],
)
def test_quote_kind(content: str, kind: str) -> None:
    assert quote_kind(content) == kind


def test_straighten_quotes_keeps_offsets() -> None:
    text = "“It’s ‘done’,” she said — «fin»."
    flat = straighten_quotes(text)
    assert len(flat) == len(text)
    assert "“" not in flat and "’" not in flat and "«" not in flat


@given(st.text(alphabet="ab .,\n\"“”‘’«»'", max_size=80))
def test_find_quote_spans_properties(text: str) -> None:
    spans = find_quote_spans(text)
    assert spans == sorted(spans)
    for (_, e1), (s2, _) in itertools.pairwise(spans):
        assert e1 <= s2  # never overlapping
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert text[start] in "\"“«'`"  # every passage opens with a quote mark


def test_parse_breaks_paragraphs_and_keeps_the_original_text() -> None:
    from broadsheet.enrich.analyze import Enricher

    text = "Rates Rise Again\nThe bank’s chair said “we’re not done” on Monday.\n“Prices matter.”"
    enricher = Enricher(quotes=False)
    doc = enricher.parse(text)
    assert doc.text == text
    starts = {s.start_char for s in doc.sents}
    assert {0, text.index("The bank"), text.index("“Prices")} <= starts
    chair = next(t for t in doc if t.text == "chair")
    assert chair.dep_ == "nsubj"
    assert [t.text for t in doc if t.text.startswith("’")] == ["’s", "’re"]
    docs = list(enricher.parse_many([text, "Plain words."]))
    assert docs[0].text == text and docs[1].text == "Plain words."


@pytest.mark.parametrize(
    ("text", "starts", "ends", "left_out"),
    [
        (
            "The union endorsed Maria Lopez on Tuesday, saying she would fight for the mill.",
            "Maria Lopez",
            "Tuesday",
            "saying",
        ),
        (
            "The council backed the new tram line, which opens next spring after a long delay.",
            "the new tram line",
            "tram line",
            "which",
        ),
    ],
)
def test_object_content_ends_before_trailing_clauses(
    text: str, starts: str, ends: str, left_out: str
) -> None:
    quotes = _quotes(text)
    q = _find(text, quotes, starts)
    content = text[q.content[0] : q.content[1]]
    assert content.startswith(starts) and content.endswith(ends), content
    assert left_out not in content


def test_doubled_apostrophe_quotations_continue_like_curly_ones() -> None:
    text = "''We are not leaving,'' said Tom Reyes, who runs the bakery. ''This street is home.''"
    quotes = _quotes(text)
    whole = _find(text, quotes, "We are not leaving")
    assert text[whole.content[0] : whole.content[1]].endswith("is home.''")
    assert whole.speaker == "Tom Reyes"
    # the quotation opened the sentence: “A,” she said. “B.” is one quote, A through B
    assert not any(text[q.content[0] :].startswith("''This street") for q in quotes)


def test_continuation_after_a_partial_quotation_is_also_its_own_quote() -> None:
    text = (
        "The bakers “will not be moved by a rent rise,” said Tom Reyes, who runs the bakery. "
        "“This street is home and we intend to stay.”"
    )
    quotes = _quotes(text)
    whole = _find(text, quotes, "“will not be moved")
    assert text[whole.content[0] : whole.content[1]].endswith("intend to stay.”")
    second = next(q for q in quotes if text[q.content[0] :].startswith("“This street"))
    assert second.speaker == whole.speaker == "Tom Reyes"
    assert second.kind == "direct"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "The plant will reopen in March, Ms. Okafor said, once the new kilns are tested.",
            "Okafor",
        ),
        (
            "“Every order counts,” Dana Whitfield said on Monday, “and we have fewer of them.”",
            "Dana Whitfield",
        ),
    ],
)
def test_a_cue_interrupting_the_words_takes_the_whole_sentence(text: str, speaker: str) -> None:
    quotes = _quotes(text)
    q = max(quotes, key=lambda q: q.content[1] - q.content[0])
    content = text[q.content[0] : q.content[1]]
    assert content.startswith(("The plant", "“Every")), content
    assert content.rstrip(".”").endswith(("tested", "of them")), content
    assert q.speaker is not None and speaker in q.speaker


def test_a_cue_inside_someones_quoted_words_is_not_a_quote_of_its_own() -> None:
    text = "“I heard the governor say that the plant would close,” Ms. Okafor said."
    quotes = _quotes(text)
    assert len(quotes) == 1, quotes
    assert text[quotes[0].content[0] :].startswith("“I heard")
    assert quotes[0].speaker is not None and "Okafor" in quotes[0].speaker


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ("party ties shouldn’t be underestimated", "indirect"),
        ("Kim’s regime can't last", "indirect"),
        ("the ministry wasn’t “the competent authority”", "mixed"),
        ("“We will win,”", "direct"),
        ("the so-called ‘reform’ package", "mixed"),
    ],
)
def test_an_apostrophe_inside_a_word_is_not_a_quotation_mark(content: str, kind: str) -> None:
    assert quote_kind(content) == kind


def test_the_writers_transition_is_not_part_of_the_words() -> None:
    text = (
        "At the same time, party ties shouldn’t be underestimated as a driver of policy, "
        "said analyst Bonnie Glaser."
    )
    q = _find(text, _quotes(text), "party ties")
    assert text[q.content[0] :].startswith("party ties shouldn’t")
    assert q.kind == "indirect" and q.speaker == "Bonnie Glaser"


def test_they_after_a_plural_group_is_not_the_organisation_named_earlier() -> None:
    text = (
        "The Foreign Ministry declined to comment. Chinese leaders have resisted condemning "
        "the North for several reasons. They said they want to avoid a collapse of the regime."
    )
    quotes = _quotes(text)
    q = _find(text, quotes, "they want to avoid")
    assert q.speaker is None, q


@pytest.mark.parametrize(
    ("text", "content", "source"),
    [
        (
            "The governor wants a new bridge, which he said the state should pay for.",
            "which he said the state should pay for",
            "he",
        ),
        (
            "The rules, which Democrats say could hurt small farms, were approved.",
            "which Democrats say could hurt small farms",
            "Democrats",
        ),
    ],
)
def test_a_cue_inside_a_relative_clause_reports_the_whole_clause(
    text: str, content: str, source: str
) -> None:
    from broadsheet.enrich.quotes.candidates import _collect_candidates

    doc = load_nlp()(text)
    found = [
        (text[c.content[0] : c.content[1]], c.source.text if c.source is not None else None)
        for c in _collect_candidates(doc, None, text, [])
        if c.pattern == "relative"
    ]
    assert (content, source) in found


def test_said_yes_or_so_is_an_answer_with_its_speaker() -> None:
    from broadsheet.enrich.quotes.candidates import _collect_candidates

    text = "Most voters were asked about the plan, and 55 percent said yes."
    doc = load_nlp()(text)
    found = [
        (text[c.content[0] : c.content[1]], c.source.text if c.source is not None else None)
        for c in _collect_candidates(doc, None, text, [])
        if c.pattern == "answer"
    ]
    assert found == [("yes", "percent")]


def _jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


@pytest.mark.parametrize(
    "text",
    [
        "Donald Trump urged his supporters to monitor polling places on Election Day.",
        "The mayor called on residents to conserve water during the drought.",
        "Sarah Collins said the council would review the budget, and she promised "
        "to publish the figures before the vote.",
    ],
)
def test_no_two_quotes_report_the_same_words(text: str) -> None:
    quotes = _quotes(text)
    for a, b in itertools.combinations(quotes, 2):
        assert _jaccard(a.content, b.content) < 0.5, (a, b)


def test_an_infinitive_cue_takes_in_whom_it_addresses() -> None:
    text = "Donald Trump urged his supporters to monitor polling places on Election Day."
    quote = _find(text, _quotes(text), "monitor polling places")
    assert text[quote.content[0] : quote.content[1]].startswith("his supporters to monitor")
    assert quote.speaker == "Donald Trump"


@pytest.mark.parametrize(
    ("text", "content", "source"),
    [
        ("Senator Graham has been critical of the new tariffs.", "the new tariffs", "Graham"),
        (
            "The mayor was sure the bridge would open in May.",
            "the bridge would open in May",
            "mayor",
        ),
        ("Ms. Collins is a staunch opponent of the death penalty.", "the death penalty", "Collins"),
    ],
)
def test_a_stance_said_with_be_is_a_candidate(text: str, content: str, source: str) -> None:
    from broadsheet.enrich.quotes.candidates import _collect_candidates

    doc = load_nlp()(text)
    found = [
        (text[c.content[0] : c.content[1]], c.source.text if c.source is not None else None)
        for c in _collect_candidates(doc, None, text, [])
        if c.pattern.startswith("copula")
    ]
    assert found == [(content, source)]


def test_an_impersonal_be_is_nobodys_stance() -> None:
    from broadsheet.enrich.quotes.candidates import _collect_candidates

    text = "It was unclear whether the judges would rule on the mines."
    doc = load_nlp()(text)
    assert not [
        c for c in _collect_candidates(doc, None, text, []) if c.pattern.startswith("copula")
    ]


@pytest.mark.parametrize(
    ("text", "words", "source"),
    [
        (
            "“The crime numbers are worse. Much worse.” Trump told a rally in Ohio on Monday.",
            "“The crime numbers are worse. Much worse.”",
            "Trump",
        ),
        (
            "“Very good reporter, very good reporter this guy,” Trump said of the journalist.",
            "“Very good reporter, very good reporter this guy,”",
            "Trump",
        ),
        (
            "“Not us but we cannot argue with it!” Murphy tweeted on Friday with an image.",
            "“Not us but we cannot argue with it!”",
            "Murphy",
        ),
    ],
)
def test_a_quotation_beside_a_cue_with_its_own_object_is_a_candidate(
    text: str, words: str, source: str
) -> None:
    """ "said in a statement", "told a rally": the cue's phrase is one candidate, the
    quotation beside it another (before, a cue with an object or phrase offered no
    quotation)."""
    from broadsheet.enrich.quotes.candidates import _attach_quotes, _collect_candidates
    from broadsheet.enrich.quotes.marks import find_quote_spans

    doc = load_nlp()(straighten_quotes(text))
    spans = find_quote_spans(text)
    cands = _collect_candidates(doc, None, text, spans)
    _attach_quotes(text, cands, spans)
    found = [
        (text[c.content[0] : c.content[1]], c.source.text if c.source is not None else None)
        for c in cands
        if c.pattern == "bare-quote"
    ]
    assert (words, source) in found


def test_a_cue_reporting_a_clause_takes_no_quotation_beside_it() -> None:
    from broadsheet.enrich.quotes.candidates import _attach_quotes, _collect_candidates
    from broadsheet.enrich.quotes.marks import find_quote_spans

    text = "“It is over.” Collins told reporters that the vote would wait."
    doc = load_nlp()(straighten_quotes(text))
    spans = find_quote_spans(text)
    cands = _collect_candidates(doc, None, text, spans)
    _attach_quotes(text, cands, spans)
    told = [c.pattern for c in cands if c.lemma == "tell"]
    assert "ccomp" in told
    assert "bare-quote" not in told and "bare" not in told


@pytest.mark.parametrize(
    ("text", "pattern", "content", "source"),
    [
        (
            "In a new CNN poll, Clinton leads Trump by four points.",
            "source-in",
            "Clinton leads Trump by four points",
            "poll",
        ),
        (
            "For most Democrats today, the Clinton years remain the good old days.",
            "source-for",
            "the Clinton years remain the good old days",
            "Democrats",
        ),
    ],
)
def test_a_poll_or_a_for_phrase_is_the_source_of_its_sentence(
    text: str, pattern: str, content: str, source: str
) -> None:
    from broadsheet.enrich.quotes.candidates import _collect_candidates

    doc = load_nlp()(text)
    found = [
        (text[c.content[0] : c.content[1]], c.source.text if c.source is not None else None)
        for c in _collect_candidates(doc, None, text, [])
        if c.pattern == pattern
    ]
    assert found == [(content, source)]


def test_for_a_time_or_a_place_is_no_source() -> None:
    from broadsheet.enrich.quotes.candidates import _collect_candidates

    text = "For now, the senator is waiting in Iowa for the results."
    doc = load_nlp()(text)
    assert not [
        c for c in _collect_candidates(doc, None, text, []) if c.pattern.startswith("source")
    ]


def _xcomp_content(text: str) -> str:
    from broadsheet.enrich.quotes.candidates import _collect_candidates
    from broadsheet.enrich.quotes.content import _content, _paragraph_bounds

    doc = load_nlp()(text)
    shaped = [
        _content(text, c, [], [], _paragraph_bounds(text))
        for c in _collect_candidates(doc, None, text, [])
        if c.pattern == "xcomp"
    ]
    assert len(shaped) == 1 and shaped[0] is not None
    return text[shaped[0][0] : shaped[0][1]]


@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "The harbour master is expected to close the old pier next spring.",
            "The harbour master is expected to close the old pier next spring",
        ),
        (
            "Two of the striking nurses were asked to return to the ward on Friday.",
            "Two of the striking nurses were asked to return to the ward on Friday",
        ),
    ],
)
def test_an_agentless_passive_cue_reports_its_subject_with_the_infinitive(
    text: str, content: str
) -> None:
    assert _xcomp_content(text) == content


def test_an_active_cue_keeps_its_infinitive_alone() -> None:
    text = "The harbour master wants to close the old pier next spring."
    assert _xcomp_content(text) == "to close the old pier next spring"
