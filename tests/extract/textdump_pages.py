"""Visible-text page dumps written for Broadsheet's text-dump tests.

The towns, companies, people and events below are invented. Each page is laid out the way
a browser's "save as text" lays out a news page: navigation as bullet lists, a headline,
byline and date, the lead photo's title, caption and credit, the story with its section
headings, then related stories, sharing, notices and the footer.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DumpCase:
    name: str
    text: str
    headline: str
    paragraphs: tuple[str, ...]
    headings: tuple[str, ...] = ()
    image_title: str | None = None
    caption: str | None = None
    credit: str | None = None
    byline: str | None = None
    date: str | None = None  # ISO date of published_at, when the page prints one
    description: str | None = None  # the standfirst under the headline, if any
    boilerplate: tuple[str, ...] = field(default=())


def _bullets(items: list[str]) -> str:
    return "\n\n".join(f"  • {item}" for item in items)


# --------------------------------------------------------------------------- ferry story

FERRY_HEADLINE = "Harbor City Council Approves Four Electric Ferries"
FERRY_PARAGRAPHS = (
    "Harbor City’s council voted seven to two on Tuesday night to add four electric ferries to "
    "the cross-bay service, the largest expansion of the fleet since the terminal opened in 1998.",
    "The plan, which the transit authority has been drafting for almost three years, would cut "
    "the wait between boats at rush hour from twenty minutes to eight and extend evening "
    "service until midnight on weekdays.",
    "Supporters packed the chamber, many of them wearing the green scarves of the commuter "
    "group Bay Riders United, and applauded when the clerk read out the final tally.",
    "The four vessels will be built at the Northpoint yard, which last delivered a ferry to the "
    "city in 2011 and has since worked mostly on fishing boats and private yachts.",
    "Councillor Ana Whitfield, who sponsored the measure, said the vote showed that the city "
    "could still make long-term bets on public transport despite a tight budget.",
    "The boats will be paid for with state grants, a bond issue of $48 million and a fare "
    "increase of twenty-five cents that takes effect next January, officials said.",
    "Critics on the council argued that the fare rise would fall hardest on shift workers who "
    "have no other practical way to cross the bay before dawn.",
    "Regular riders interviewed at the terminal on Wednesday morning were mostly pleased, "
    "though several worried about construction delays at the ageing south pier.",
    "The transit authority expects the first of the new ferries to enter service in the spring "
    "of 2028, with the remaining three following at six-month intervals.",
)
FERRY_HEADINGS = ("Paying for the Fleet", "What Riders Say")
COOKIE_NOTICE = (
    "We use cookies to improve your experience on our site. "
    "By continuing you accept our use of cookies."
)
FERRY_CAPTION_LINE = (
    "Commuters board the early ferry at the Harbor City terminal on Wednesday. "
    "Photo: Lena Park/Harbor Gazette"
)
CIDER_CAPTION_LINE = (
    "Workers sort apples at a Lumen Orchard press near Millbrook on Oct. 3, 2025. "
    "Photographer: Sam Ortega/Valley Ledger"
)
FERRY_BOILER = (
    "Subscriber Login Digital Edition Newsletters",
    "Customer Service",
    "+1 555 010 2000",
    "+44 20 7946 0123",
    COOKIE_NOTICE,
    "Most Read",
    "Lighthouse keeper retires after forty years on Gull Rock",
    "Share this article",
    "© 2026 Harbor Gazette Media. All rights reserved.",
    "Your browser is out of date. Please upgrade your browser to view this site.",
)


def _ferry() -> DumpCase:
    p = FERRY_PARAGRAPHS
    nav = _bullets(["News", "Business", "Sports", "Weather", "Opinion", "Obituaries", "Contact"])
    phones = (
        "Customer Service\n\n  • North America\n\n    +1 555 010 2000\n\n"
        "  • Europe\n\n    +44 20 7946 0123\n\n  • Asia Pacific\n\n    +65 6555 0100"
    )
    text = f"""Subscriber Login Digital Edition Newsletters


{nav}


{phones}


{COOKIE_NOTICE}

Accept


{FERRY_HEADLINE}

By Maria Okafor

March 14, 2026

Morning Commute on the Bay
{FERRY_CAPTION_LINE}

{p[0]}

{p[1]}

{p[2]}

{FERRY_HEADINGS[0]}

{p[3]}

{p[4]}

{p[5]}

{FERRY_HEADINGS[1]}

{p[6]}

{p[7]}

{p[8]}

Share this article

{_bullets(["Facebook", "Twitter", "Email", "Print"])}

Most Read

{
        _bullets(
            [
                "Lighthouse keeper retires after forty years on Gull Rock",
                "High school robotics team heads to national finals",
                "Storm closes coastal road for the third time this month",
            ]
        )
    }

About Us / Advertise / Careers / Contact

© 2026 Harbor Gazette Media. All rights reserved.

Your browser is out of date. Please upgrade your browser to view this site.
"""
    return DumpCase(
        name="ferry",
        text=text,
        headline=FERRY_HEADLINE,
        paragraphs=p,
        headings=FERRY_HEADINGS,
        image_title="Morning Commute on the Bay",
        caption="Commuters board the early ferry at the Harbor City terminal on Wednesday.",
        credit="Photo: Lena Park/Harbor Gazette",
        byline="Maria Okafor",
        date="2026-03-14",
        boilerplate=FERRY_BOILER,
    )


# --------------------------------------------------------------------------- markets story

CIDER_HEADLINE = "Cider Maker’s Shares Slide After Late Frost Cuts Its Forecast"
CIDER_PARAGRAPHS = (
    "Shares of Lumen Orchard, the cider maker that went public last spring, fell 12 percent on "
    "Friday after the company cut its sales forecast for the second time this year.",
    "The company blamed a late frost that damaged apple blossoms across the valley, leaving "
    "its presses idle for much of the autumn and forcing it to buy fruit from other growers.",
    "Analysts had expected a warning but not one of this size, and several lowered their price "
    "targets within hours of the announcement on the company’s website.",
    "“We are not going to pretend this was a good year,” chief executive Dora Lindqvist told "
    "investors on a call, adding that long-term demand for dry cider was still growing.",
    "Lumen Orchard said it would postpone the opening of a tasting room in the old rail depot "
    "until the harvest recovers, probably not before the summer of next year.",
    "The stock has lost almost half its value since its debut, when it was priced at $18 a "
    "share and briefly traded above $25 on its first day.",
)
CIDER_BOILER = (
    "Markets Tech Politics Wealth Pursuits",
    "Sign up for the Morning Ledger newsletter",
    "Related Stories",
    "Grain prices climb as barge traffic slows on the river",
    "Terms of Service Privacy Policy Cookie Settings",
)


def _cider() -> DumpCase:
    p = CIDER_PARAGRAPHS
    text = f"""Markets Tech Politics Wealth Pursuits

Sign In    Subscribe

{CIDER_HEADLINE}

{CIDER_CAPTION_LINE}

Priya Natarajan

February 6, 2026, 3:45 PM EST

{p[0]}

{p[1]}

{p[2]}

{p[3]}

{p[4]}

{p[5]}

Sign up for the Morning Ledger newsletter

Get the day’s market news in your inbox before the opening bell.

Related Stories

{
        _bullets(
            [
                "Grain prices climb as barge traffic slows on the river",
                "Valley winemakers count the cost of a wet harvest",
                "Regional bank posts record quarter on farm lending",
            ]
        )
    }

Terms of Service Privacy Policy Cookie Settings
"""
    return DumpCase(
        name="cider",
        text=text,
        headline=CIDER_HEADLINE,
        paragraphs=p,
        caption="Workers sort apples at a Lumen Orchard press near Millbrook on Oct. 3, 2025.",
        credit="Photographer: Sam Ortega/Valley Ledger",
        byline="Priya Natarajan",
        date="2026-02-06",
        boilerplate=CIDER_BOILER,
    )


# --------------------------------------------------------------------------- science story

SCIENCE_HEADLINE = "Volunteers Count a Record Number of Migrating Cranes"
SCIENCE_PARAGRAPHS = (
    "Volunteers along the Silver River counted more than 41,000 sandhill cranes over the "
    "weekend, the highest tally since the annual survey began in 1987.",
    "The count is carried out each March by about two hundred people who spread out along a "
    "sixty-mile stretch of the river at dawn, when the birds leave their overnight roosts.",
    "Organizers said mild weather and flooded fields to the south had probably brought the "
    "birds north earlier than usual, bunching them up along the river at the same time.",
    "Biologists cautioned that a single year’s count says little about the health of the "
    "population, which is tracked more reliably by aerial surveys on the wintering grounds.",
    "Still, the numbers were welcome news for a region that depends on visitors who come to "
    "watch the cranes, filling motels and diners in small towns along the highway.",
    "The survey’s results will be shared with state wildlife agencies and posted on the "
    "organizers’ website later this spring, along with maps of the main roosting sites.",
)
SCIENCE_HEADINGS = ("A Crowded River",)
SCIENCE_BOILER = (
    "Skip to main content",
    "Donate",
    "Please enable JavaScript to view the comments.",
    "You might also like",
    "Call our newsroom: (555) 014-2299",
)


def _science() -> DumpCase:
    p = SCIENCE_PARAGRAPHS
    text = f"""Skip to main content

Donate

{_bullets(["Home", "Environment", "Science", "Health", "Education", "Podcasts", "Events"])}

{SCIENCE_HEADLINE}

{p[0]}

{p[1]}

{SCIENCE_HEADINGS[0]}

{p[2]}

{p[3]}

{p[4]}

{p[5]}

{_bullets(["Share on Facebook", "Share on Twitter", "Copy link"])}

Comments

Please enable JavaScript to view the comments.

You might also like

{
        _bullets(
            [
                "Beavers return to a creek drained for farmland a century ago",
                "How a small town turned its landfill into a solar farm",
            ]
        )
    }

Call our newsroom: (555) 014-2299

© 2026 Prairie Public Radio
"""
    return DumpCase(
        name="science",
        text=text,
        headline=SCIENCE_HEADLINE,
        paragraphs=p,
        headings=SCIENCE_HEADINGS,
        boilerplate=SCIENCE_BOILER,
    )


# --------------------------------------------------------------------------- standfirst

LIBRARY_HEADLINE = "Millbrook Library Will Stay Open Until Midnight During Exam Season"
LIBRARY_DEK = (
    "The trial follows a petition signed by more than 3,000 students who said they had "
    "nowhere quiet to study at night."
)
LIBRARY_PARAGRAPHS = (
    "The Millbrook Public Library will keep its main reading room open until midnight for "
    "six weeks this spring, the library board decided at its monthly meeting on Thursday.",
    "Students from the community college and the two high schools have asked for longer "
    "hours for years, arguing that cafés close early and that many homes are too crowded "
    "for serious study.",
    "The board estimated that the extra hours would cost about $22,000, mostly for two "
    "security guards and overtime for the staff who volunteered for the late shifts.",
    "If the trial goes well, the director said, the library could offer late opening every "
    "exam season, and perhaps on weekends during the rest of the school year.",
)


def _library() -> DumpCase:
    p = LIBRARY_PARAGRAPHS
    text = f"""Millbrook Courier

{_bullets(["Local", "Schools", "Business", "Events", "Letters"])}

{LIBRARY_HEADLINE}

{LIBRARY_DEK}

By Tom Reyes

April 2, 2026

{p[0]}

{p[1]}

{p[2]}

{p[3]}

Related Stories

{_bullets(["Book sale raises record sum for children's wing", "New bus route serves the college"])}

Subscribe to the Courier for $1 a week
"""
    return DumpCase(
        name="standfirst",
        text=text,
        headline=LIBRARY_HEADLINE,
        paragraphs=p,
        byline="Tom Reyes",
        date="2026-04-02",
        description=LIBRARY_DEK,
        boilerplate=(LIBRARY_DEK, "Subscribe to the Courier for $1 a week", "Related Stories"),
    )


# --------------------------------------------------------------------------- a short story

SHORT_HEADLINE = "Bridge Over Alder Creek Reopens After Two-Week Repair"
SHORT_PARAGRAPHS = (
    "ALDERTON — The Alder Creek bridge on County Road 9 reopened to traffic on Monday morning, "
    "two weeks after a delivery truck struck one of its railings and loosened a support beam.",
    "County engineer Malia Okafor said crews replaced the beam and the railing ahead of "
    "schedule, and that the weight limit of 20 tons would stay in place until an inspection "
    "next month.",
)
SHORT_COOKIES = (
    "We use cookies and similar technologies to remember your preferences, measure how our "
    "pages are used and show you relevant offers from our partners. By clicking accept you "
    "agree to their use on this website; you can change your choice at any time in the "
    "settings, where you will also find more information about each of our partners and the "
    "purposes for which they process your data."
)
SHORT_TEASERS = (
    "School board delays vote on the new bus routes",
    "The board said on Thursday that it needed more time to review the cost of the plan and "
    "would take the question up again at its meeting in March.",
    "Farmers market moves indoors for the winter months",
    "Vendors will set up in the old armory on Saturdays from November to April, the market’s "
    "organisers said, and the parking lot behind it will be free.",
    "Library extends its hours during the exam season",
    "Students will be able to use the reading rooms until midnight from Monday, after a "
    "petition signed by more than four hundred of them was handed to the trustees.",
)
SHORT_SIDEBAR = (
    "The Alderton Courier has covered the towns of the upper valley since 1911 and is owned by "
    "its readers, who elect its board every two years at the annual meeting in the town hall."
)


def _short() -> DumpCase:
    p = SHORT_PARAGRAPHS
    t = SHORT_TEASERS
    text = f"""Alderton Courier

News Sports Opinion Obituaries

{SHORT_COOKIES}

Accept all    Manage settings

Local News

{SHORT_HEADLINE}

By Jonah Whitfield

March 2, 2026

{p[0]}

{p[1]}

Share this article

More from Local News

{t[0]}

{t[1]}

{t[2]}

{t[3]}

{t[4]}

{t[5]}

About the Courier

{SHORT_SIDEBAR}

© 2026 Alderton Courier. All rights reserved.
"""
    return DumpCase(
        name="short",
        text=text,
        headline=SHORT_HEADLINE,
        paragraphs=p,
        byline="Jonah Whitfield",
        date="2026-03-02",
        boilerplate=(SHORT_COOKIES, t[1], t[3], t[5], SHORT_SIDEBAR, "Share this article"),
    )


CASES: tuple[DumpCase, ...] = (_ferry(), _cider(), _science(), _library(), _short())
