"""Generated stories and saved searches for the wire benchmark and the alert tests.

Everything is invented here (firms, tickers, people, events and their words), in the
manner of the demo wire (``broadsheet.demo.newswire``), whose outlets and analysts it
reuses. A story comes with the annotations enrichment would give it (entities, tickers,
quotes with speakers, topics) at the right offsets, so annotation fields can be searched
without running the NLP models. Deterministic for a seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from broadsheet.demo.newswire import ANALYSTS, ECONOMISTS, OUTLETS
from broadsheet.models import Annotations, Article, Entity, Paragraph, Quote, TickerMention

__all__ = ["GeneratedStory", "StoryMaker", "make_searches"]

_STEM_HEADS = [
    "Ar",
    "Bel",
    "Cor",
    "Dal",
    "El",
    "Fen",
    "Gal",
    "Har",
    "Is",
    "Jor",
    "Kel",
    "Lor",
    "Mar",
    "Nor",
    "Or",
    "Pel",
    "Quin",
    "Ros",
    "Sel",
    "Tor",
    "Ul",
    "Val",
    "Wel",
    "Yor",
    "Zan",
]
_STEM_TAILS = ["den", "ford", "wick", "ton", "mere", "by", "stead", "ham", "ley", "more"]
_KINDS = (
    ("Holdings", "companies"),
    ("Systems", "technology"),
    ("Foods", "agriculture"),
    ("Motors", "transport"),
    ("Energy", "energy"),
    ("Pharma", "health"),
    ("Bank", "banking"),
    ("Airlines", "transport"),
    ("Mining", "energy"),
    ("Realty", "real-estate"),
)
_PEOPLE_FIRST = [
    "Amara",
    "Bruno",
    "Celia",
    "Dmitri",
    "Esther",
    "Felix",
    "Greta",
    "Hamid",
    "Iris",
    "Jonas",
    "Keiko",
    "Lionel",
    "Mira",
    "Nikolai",
    "Odette",
    "Pavel",
    "Rosa",
    "Stellan",
    "Talia",
    "Umberto",
    "Vera",
    "Wendell",
    "Yara",
    "Zoltan",
]
_PEOPLE_LAST = [
    "Abernathy",
    "Brightman",
    "Castellanos",
    "Delacroix",
    "Eriksen",
    "Fairbanks",
    "Gallagher",
    "Halloran",
    "Ishikawa",
    "Jovanovic",
    "Kowalczyk",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okonkwo",
    "Petrakis",
    "Quigley",
    "Rasmussen",
    "Szymanski",
    "Trevelyan",
]
_PLACES = (
    "Rotterdam",
    "Singapore",
    "Houston",
    "Frankfurt",
    "Johannesburg",
    "Sao Paulo",
    "Mumbai",
    "Seoul",
    "Toronto",
    "Melbourne",
    "Dubai",
    "Oslo",
    "Lagos",
    "Jakarta",
    "Santiago",
    "Warsaw",
    "Nairobi",
    "Osaka",
    "Lisbon",
    "Denver",
    "Auckland",
    "Brussels",
    "Cairo",
    "Dublin",
    "Edinburgh",
    "Geneva",
    "Hanoi",
    "Istanbul",
    "Kyiv",
    "Lima",
    "Manila",
    "Montreal",
    "Perth",
    "Riyadh",
    "Shanghai",
    "Taipei",
    "Vienna",
    "Zurich",
    "Calgary",
    "Bogota",
)
_KIND_LETTERS = "HSFMEPBANR"  # one ticker letter per kind of firm
_EVENTS = (
    ("agreed to buy", "merger", "acquisition talks", "companies"),
    ("cut its profit forecast", "profit warning", "guidance cut", "earnings"),
    ("beat quarterly earnings estimates", "earnings beat", "record revenue", "earnings"),
    ("announced layoffs", "job cuts", "restructuring plan", "labour"),
    ("faces a regulatory probe", "antitrust inquiry", "regulatory probe", "regulation"),
    ("settled a patent lawsuit", "patent dispute", "court ruling", "crime-legal"),
    ("raised its dividend", "share buyback", "dividend increase", "markets"),
    ("launched a new product line", "product launch", "new factory", "technology"),
    ("issued bonds", "debt offering", "credit rating", "banking"),
    ("named a new chief executive", "leadership change", "board shake-up", "companies"),
)
_FILLER = (
    "Shares of {co} moved sharply in early trading in {place} as investors weighed the news.",
    "The company said the decision followed months of talks with lenders and suppliers.",
    "Analysts had expected a quieter quarter after a run of weak orders from retailers.",
    "Trading volume was roughly three times the daily average, exchange data showed.",
    "The board will meet next month to review the plan and its cost to shareholders.",
    "Rivals in the sector were mixed, with some gaining on hopes of consolidation.",
    "A spokesperson declined to give further details beyond the statement.",
    "Regulators in {place} have been watching the industry closely since last year.",
    "The firm employs about {n},000 people and runs plants on three continents.",
    "Bond prices slipped and the cost of insuring its debt rose in the afternoon.",
    "Management told employees in a memo that the timetable could still change.",
    "Some investors questioned whether the strategy would pay off before next year.",
    "Its chief financial officer is due to present the figures to analysts on Thursday.",
    "The wider market ended the session little changed after a volatile afternoon.",
)


@dataclass(frozen=True, slots=True)
class Firm:
    name: str
    ticker: str
    topic: str


@dataclass(frozen=True, slots=True)
class GeneratedStory:
    """One story, its outlet, and the annotations enrichment would find in it."""

    article: Article
    outlet: str
    annotations: Annotations
    tickers: tuple[str, ...]
    people: tuple[str, ...]


def _firms() -> list[Firm]:
    """About 1,200 invented listed firms, each with a unique ticker."""
    firms: list[Firm] = []
    taken: set[str] = set()
    for head in _STEM_HEADS:
        for tail in _STEM_TAILS:
            stem = head + tail
            for j, (kind, topic) in enumerate(_KINDS):
                ticker = (stem[:2] + tail[0]).upper() + _KIND_LETTERS[j]
                if ticker in taken:
                    continue
                taken.add(ticker)
                firms.append(Firm(f"{stem} {kind}", ticker, topic))
    return firms


def _people() -> list[tuple[str, str, str]]:
    """(name, title, affiliation): the demo's analysts and economists, and invented ones."""
    people = [(a[0], a[1], a[2]) for a in ANALYSTS] + [(e[0], e[1], e[2]) for e in ECONOMISTS]
    for first in _PEOPLE_FIRST:
        for last in _PEOPLE_LAST:
            people.append((f"{first} {last}", "analyst", f"{last} Research"))
    return people


FIRMS = _firms()
PEOPLE = _people()


class StoryMaker:
    """Makes story ``n`` of a seeded stream (the same ``n`` always gives the same story)."""

    def __init__(self, seed: int = 11) -> None:
        self.seed = seed

    def story(self, n: int) -> GeneratedStory:
        rng = random.Random(self.seed * 1_000_003 + n)
        firm = rng.choice(FIRMS)
        other = rng.choice(FIRMS)
        verb, phrase_a, phrase_b, topic = rng.choice(_EVENTS)
        place = rng.choice(_PLACES)
        speaker, title, affiliation = rng.choice(PEOPLE)
        outlet = rng.choice(OUTLETS)
        headline = f"{firm.name} {verb}; {phrase_a} in focus (wire {n})"
        lead = (
            f"{firm.name} ({firm.ticker}) {verb} on {rng.choice(_WEEKDAYS)}, a step that "
            f"puts the {phrase_a} and the {phrase_b} at the centre of talks with {other.name}."
        )
        said = f"We see the {phrase_b} as a turning point for {firm.name}"
        quote_par = f'"{said}," said {speaker}, {title} at {affiliation}.'
        fillers = rng.sample(_FILLER, 6)
        body_pars = [lead, quote_par] + [
            f.format(co=firm.name, place=place, n=rng.randint(2, 90)) for f in fillers
        ]
        paragraphs = tuple(Paragraph(p) for p in body_pars)
        article = Article(
            paragraphs=paragraphs,
            headline=headline,
            url=f"https://{outlet.slug}.example/wire/{self.seed}/{n}",
            language="en",
            site_name=outlet.name,
        )
        body = article.body
        entities: list[Entity] = []
        tickers: list[TickerMention] = []

        def mention(text: str, kind: str, name: str) -> tuple[int, int] | None:
            start = body.find(text)
            if start < 0:
                return None
            end = start + len(text)
            entities.append(Entity(start, end, kind, name, text))  # type: ignore[arg-type]
            return start, end

        span = mention(firm.name, "ORG", firm.name)
        if span is not None:
            tickers.append(TickerMention(span[0], span[1], firm.ticker, firm.name, 0.9))
        other_span = mention(other.name, "ORG", other.name)
        if other_span is not None and other.ticker != firm.ticker:
            tickers.append(
                TickerMention(other_span[0], other_span[1], other.ticker, other.name, 0.3)
            )
        mention(place, "PLACE", place)
        speaker_span = mention(speaker, "PERSON", speaker)
        content_start = body.find(said)
        quotes: tuple[Quote, ...] = ()
        if content_start >= 0 and speaker_span is not None:
            cue = body.find("said", content_start + len(said))
            quotes = (
                Quote(
                    content=(content_start, content_start + len(said)),
                    source=speaker_span,
                    cue=(cue, cue + 4),
                    speaker=speaker,
                    kind="direct",
                    speaker_type="PERSON",
                    speaker_title=title,
                    speaker_affiliation=affiliation,
                ),
            )
        annotations = Annotations(
            entities=tuple(sorted(entities, key=lambda e: e.start)),
            tickers=tuple(tickers),
            quotes=quotes,
            topics=tuple(dict.fromkeys((topic, firm.topic))),
        )
        return GeneratedStory(
            article,
            outlet.name,
            annotations,
            tuple(t.ticker for t in tickers),
            (speaker,),
        )


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
_WORDS = [
    "merger",
    "acquisition",
    "layoffs",
    "lawsuit",
    "dividend",
    "buyback",
    "forecast",
    "earnings",
    "revenue",
    "probe",
    "antitrust",
    "patent",
    "bonds",
    "factory",
    "restructuring",
    "shareholders",
    "regulators",
    "lenders",
    "suppliers",
    "retailers",
    "orders",
    "volatile",
    "consolidation",
]


def make_searches(n: int, seed: int = 11) -> list[tuple[str, str]]:
    """``n`` saved searches (name, query): a mix of words, phrases, fields (ticker:,
    person:, source:, topic:, place:, by:) and AND / OR / NOT forms, about the stories
    ``StoryMaker`` writes, so that some of them match each story."""
    rng = random.Random(seed)
    topics = sorted({k[1] for k in _KINDS} | {e[3] for e in _EVENTS})
    out: list[tuple[str, str]] = []
    for i in range(n):
        firm, other = rng.choice(FIRMS), rng.choice(FIRMS)
        person = rng.choice(PEOPLE)[0]
        phrase = rng.choice(_EVENTS)[rng.choice((1, 2))]
        word = rng.choice(_WORDS)
        outlet = rng.choice(OUTLETS).name
        topic = rng.choice(topics)
        form = i % 12
        if form == 0:
            query = f"ticker:{firm.ticker}"
        elif form == 1:
            query = f'"{firm.name}" {word}'
        elif form == 2:
            query = f'person:"{person}"'
        elif form == 3:
            query = f'"{phrase}" AND place:"{rng.choice(_PLACES)}"'
        elif form == 4:
            query = f"ticker:{firm.ticker} OR ticker:{other.ticker}"
        elif form == 5:
            query = f'ticker:{firm.ticker} -"{phrase}"'
        elif form == 6:
            query = f'source:"{outlet}" "{firm.name}"'
        elif form == 7:
            query = f'by:"{person}" ({word} OR {rng.choice(_WORDS)})'
        elif form == 8:
            query = f'place:"{rng.choice(_PLACES)}" topic:{topic} since:30d'
        elif form == 9:
            query = f'headline:"{firm.name}" NOT "{phrase}"'
        elif form == 10:
            query = f"({firm.name} OR {other.name}) {word} -{rng.choice(_WORDS)}"
        else:
            query = f'topic:{topic} "{firm.name}" -person:"{person}"'
        out.append((f"watch-{i:05d}", query))
    return out
