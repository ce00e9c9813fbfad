"""Text-dump extraction on dumps written for Broadsheet, and its failure modes."""

from __future__ import annotations

import importlib
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadsheet.errors import ExtractionError
from broadsheet.extract import textdump
from broadsheet.extract.textdump import _Trees, extract_textdump, load_model
from broadsheet.extract.textdump_features import consent_words, headline_anchor, split_lines
from broadsheet.extract.textdump_vectors import CONTEXT_NAMES, FEATURE_NAMES, line_features
from broadsheet.models import Article
from tests.extract.textdump_pages import CASES, DumpCase

IDS = [c.name for c in CASES]


@pytest.fixture(scope="module", params=CASES, ids=IDS)
def case(request: pytest.FixtureRequest) -> tuple[DumpCase, Article]:
    c: DumpCase = request.param
    return c, extract_textdump(c.text)


def test_headline(case: tuple[DumpCase, Article]) -> None:
    c, article = case
    assert article.headline == c.headline


def test_body_is_the_story_in_order(case: tuple[DumpCase, Article]) -> None:
    c, article = case
    texts = [p.text for p in article.paragraphs if p.kind == "p"]
    assert texts == list(c.paragraphs)


def test_section_headings(case: tuple[DumpCase, Article]) -> None:
    c, article = case
    assert article.sections == c.headings
    # each heading sits where the page put it: right before the paragraph that followed it
    texts = [p.text for p in article.paragraphs]
    for heading in c.headings:
        after = c.text.split(heading, 1)[1].strip().split("\n\n", 1)[0]
        assert texts[texts.index(heading) + 1] == after


def test_boilerplate_stays_out(case: tuple[DumpCase, Article]) -> None:
    c, article = case
    body = article.body
    for text in c.boilerplate:
        assert text not in body, text
    assert c.headline not in body


def test_lead_image(case: tuple[DumpCase, Article]) -> None:
    c, article = case
    if c.credit is None:
        assert article.images == ()
        return
    (image,) = article.images
    assert (image.title, image.caption, image.credit) == (c.image_title, c.caption, c.credit)
    for part in (c.image_title, c.caption, c.credit):
        if part:
            assert part not in article.body


def test_byline_and_date(case: tuple[DumpCase, Article]) -> None:
    c, article = case
    assert article.byline == c.byline
    expected = datetime.fromisoformat(c.date) if c.date else None
    assert article.published_at == expected


def test_standfirst(case: tuple[DumpCase, Article]) -> None:
    c, article = case
    assert article.description == c.description


def test_url_is_kept() -> None:
    url = "https://gazette.example/news/ferries"
    assert extract_textdump(CASES[0].text, url=url).url == url


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n\t  \n", "\ufeff", "• \n\n• \n", "— — —\n\n* * *"],
    ids=["empty", "whitespace", "bom", "empty-bullets", "rules"],
)
def test_no_article_raises(text: str) -> None:
    with pytest.raises(ExtractionError):
        extract_textdump(text)


def test_rejects_bytes() -> None:
    with pytest.raises(ExtractionError):
        extract_textdump(b"bytes are not a dump")  # type: ignore[arg-type]


def test_lone_paragraph_is_read() -> None:
    text = (
        "The reservoir above Millbrook rose two feet overnight after the heaviest rain of the "
        "year, and the county opened its spillway for the first time since 2019."
    )
    article = extract_textdump(text)
    assert article.body == text


def test_headline_anchor_is_the_headline(case: tuple[DumpCase, Article]) -> None:
    # the line repeating the title, followed by the byline or date, and then the story;
    # not the menu above a cookie notice, nor a teaser headline further down
    c, _ = case
    lines = split_lines(c.text)
    anchor = headline_anchor(lines)
    assert anchor >= 0 and lines[anchor].text == c.headline


def test_headline_anchor_needs_a_title_like_line() -> None:
    prose = "The council met on Tuesday and agreed to the plan after a long debate, it said."
    assert headline_anchor(split_lines(f"{prose}\n\n{prose}\n")) == -1
    assert headline_anchor([]) == -1


def test_consent_words_count_different_words() -> None:
    from tests.extract.textdump_pages import SHORT_COOKIES, SHORT_PARAGRAPHS

    assert consent_words(SHORT_COOKIES.lower()) >= 3
    assert consent_words(SHORT_PARAGRAPHS[1].lower()) == 0
    assert consent_words("cookies cookies cookies") == 1


def test_weights_match_features() -> None:
    model = load_model()
    # the lexicon, when the weights have one, is the first stage's last input
    width1 = len(FEATURE_NAMES) + (model.lexicon is not None)
    for stage, width in ((model.stage1, width1), (model.stage2, len(CONTEXT_NAMES))):
        if isinstance(stage, _Trees):
            assert stage.depth > 0 and len(stage.roots) > 0
            assert stage.feature.min() >= 0 and stage.feature.max() < width
        else:
            assert len(stage.weights) == width + 1
    rows = line_features(split_lines(CASES[0].text))
    assert all(len(row) == len(FEATURE_NAMES) for row in rows)
    assert 0.0 < model.threshold < 1.0


def test_split_lines_strips_bullets_and_numbers_blocks() -> None:
    lines = split_lines("  • Home\n\n  • News\nSecond line\n\n\nThird block")
    assert [(x.text, x.block, x.bullet) for x in lines] == [
        ("Home", 0, True),
        ("News", 1, True),
        ("Second line", 1, False),
        ("Third block", 2, False),
    ]


_LINE = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["", "  • Home", "Photo: A/B", "+1 555 010 2000", "By Jane Roe", "©"]),
    st.lists(
        st.sampled_from(["the", "council", "said", "on", "Tuesday", ".", ","]), max_size=40
    ).map(" ".join),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, max_size=60).map("\n".join))
def test_fuzz_any_text(text: str) -> None:
    try:
        article = extract_textdump(text)
    except ExtractionError:
        pass
    else:
        assert article.paragraphs
        assert all(p.text.strip() for p in article.paragraphs)


def test_a_dump_is_read_up_to_max_lines() -> None:
    """The work is bounded by lines read, not by a clock: the story after the cut is unread."""
    story = "\n".join(
        [
            "Harbour cranes return",
            *[f"The harbour authority said on day {n} that work went on." for n in range(8)],
        ]
    )
    assert "harbour" in extract_textdump(story).body
    with pytest.raises(ExtractionError):
        extract_textdump("\n" * textdump.MAX_LINES + story)
    padded = extract_textdump(story + "\n" * (2 * textdump.MAX_LINES) + "Late line. " * 20)
    assert "Late line" not in padded.body


def test_an_exhausted_budget_stops_the_dump() -> None:
    from broadsheet.budget import Budget

    with pytest.raises(ExtractionError, match="over its time budget"):
        Budget(-1.0, what="dump", error=ExtractionError).check("scoring lines")


@pytest.mark.parametrize(
    "module",
    [
        "broadsheet.extract.textdump",
        "broadsheet.extract.textdump_features",
        "broadsheet.extract.textdump_header",
        "broadsheet.extract.textdump_region",
    ],
)
def test_exports_exist(module: str) -> None:
    imported = importlib.import_module(module)
    assert imported.__all__
    for name in imported.__all__:
        assert hasattr(imported, name), f"{module}.__all__ names {name} but it is missing"


def _para(k: int) -> str:
    return (
        f"The council's budget panel heard evidence on point {k} for most of the afternoon, "
        "and members said they would return to the question when the figures were ready."
    )


def test_headline_anchor_climbs_from_a_section_heading_to_the_headline() -> None:
    # the section heading is repeated (a "jump to" list) and scores higher than the
    # headline; prose right above it shows it sits inside the story that the headline opens
    text = "\n\n".join(
        [
            "Home",
            "News",
            "Council agrees a smaller budget for the coming year",
            *(_para(k) for k in range(3)),
            "What the council decided about libraries",
            *(_para(k) for k in range(3, 12)),
            "Jump to",
            "What the council decided about libraries",
            "Contact us",
        ]
    )
    lines = split_lines(text)
    anchor = headline_anchor(lines)
    assert lines[anchor].text == "Council agrees a smaller budget for the coming year"


def test_headline_anchor_passes_over_a_list_of_teaser_titles() -> None:
    # five teaser titles in a row above the story, each repeated in a "Most read" box below
    # it: the last one is title-like, repeated and close to the story's prose, but a title
    # among several others is a link, not the headline
    teasers = [
        "Storm closes the coast road for a second night",
        "Harbour fees rise again as the port seeks new owners",
        "School run changes agreed after a long summer of talks",
        "Rail line reopens after weekend repairs are finished",
        "Market traders win a fight over their Sunday pitches",
    ]
    text = "\n\n".join(
        [
            *teasers,
            *("Advertisement", "Share", "Facebook", "Twitter", "Email"),
            "Council agrees a smaller budget for the coming year",
            *(_para(k) for k in range(12)),
            "Most read",
            *teasers,
        ]
    )
    lines = split_lines(text)
    anchor = headline_anchor(lines)
    assert lines[anchor].text == "Council agrees a smaller budget for the coming year"
