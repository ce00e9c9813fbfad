"""Pages written for Broadsheet's extraction tests (the shared data's fixtures are in the
root conftest)."""

from __future__ import annotations

# --------------------------------------------------------------------------- hand-written pages
# Everything below was written for these tests: the harbour, the ferries and the people are
# invented.

FERRY_PARAGRAPHS = (
    "Harbor City’s council voted 7 to 2 on Tuesday night to add four electric ferries to the "
    "cross-bay service, the largest expansion of the fleet since the terminal opened in 1998.",
    "The plan, which the transit authority has been drafting for almost three years, would cut "
    "the wait between boats at rush hour from twenty minutes to eight and extend evening "
    "service until midnight on weekdays.",
    "Supporters packed the chamber, many wearing the green scarves of the commuter group Bay "
    "Riders United, and applauded as the final tally was read out by the clerk.",
    "The four vessels will be built at the Northpoint yard, which last delivered a ferry to the "
    "city in 2011 and has since worked mostly on fishing boats and private yachts.",
    "Councillor Ana Whitfield, who sponsored the measure, said the vote showed that the city "
    "could still make long-term bets on public transport despite a tight budget.",
    "The boats will be paid for with a mix of state grants, a bond issue of $48 million and a "
    "fare increase of twenty-five cents that takes effect next January.",
    "Critics on the council argued that the fare rise would fall hardest on shift workers who "
    "have no other practical way to cross the bay before dawn.",
    "Regular riders interviewed at the terminal on Wednesday morning were mostly pleased, "
    "though several worried about construction delays at the ageing south pier.",
    "The transit authority expects the first of the new ferries to enter service in the spring "
    "of 2028, with the remaining three following at six-month intervals.",
)

FERRY_QUOTE = (
    "We have waited a decade for a ferry service that treats the bay as a road and not as an "
    "obstacle, and tonight we finally have one."
)
FERRY_LIST = ("Four new electric ferries", "Boats every eight minutes at rush hour")
FERRY_CAPTION = "Commuters board the morning ferry at the Harbor City terminal on Wednesday."
FERRY_CREDIT = "Photo: Lena Park/Harbor Gazette"
FERRY_HEADLINE = "Harbor City Council Approves Ferry Expansion"

BOILERPLATE_TEXTS = (
    "We use cookies to improve your experience on our site",
    "Subscribe to the Morning Tide newsletter",
    "Sports Weather Opinion Obituaries",
    "© 2026 Harbor Gazette Media. All rights reserved.",
    "Most read: Lighthouse keeper retires after 40 years",
    "Advertisement",
)


def ferry_page() -> str:
    p = FERRY_PARAGRAPHS
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="utf-8">
<title>{FERRY_HEADLINE} | Harbor Gazette</title>
<link rel="canonical" href="/news/2026/03/14/ferry-expansion">
<meta property="og:site_name" content="Harbor Gazette">
<meta property="og:title" content="{FERRY_HEADLINE}">
<meta name="description" content="Four electric ferries will join the cross-bay service.">
<meta property="og:image" content="https://cdn.harborgazette.example/img/ferry-og.jpg">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle",
  "headline": "{FERRY_HEADLINE}",
  "datePublished": "2026-03-14T09:30:00-04:00",
  "dateModified": "2026-03-15T08:00:00-04:00",
  "author": [{{"@type": "Person", "name": "Maria Okafor"}},
             {{"@type": "Person", "name": "Tom Reyes"}}],
  "publisher": {{"@type": "Organization", "name": "Harbor Gazette"}}}}
</script>
<script>window.dataLayer = [{{"page": "article"}}];</script>
<style>.cookie {{ position: fixed; }}</style>
</head>
<body>
<div class="cookie-banner" id="cookie-consent"><p>{BOILERPLATE_TEXTS[0]}.
  <button>Accept all</button></p></div>
<header class="site-header">
  <a class="logo" href="/">Harbor Gazette</a>
  <nav><ul><li><a href="/sports">Sports</a></li><li><a href="/weather">Weather</a></li>
  <li><a href="/opinion">Opinion</a></li><li><a href="/obits">Obituaries</a></li></ul></nav>
</header>
<main>
<article class="story">
  <h1 class="headline">{FERRY_HEADLINE}</h1>
  <div class="byline">By <a rel="author" href="/staff/okafor">Maria Okafor</a> and
    <a href="/staff/reyes">Tom Reyes</a></div>
  <time datetime="2026-03-14T09:30:00-04:00">March 14, 2026</time>
  <figure class="lead-image">
    <img src="/img/ferry-terminal.jpg" alt="The Harbor City ferry terminal at dawn">
    <figcaption>{FERRY_CAPTION} <span class="credit">{FERRY_CREDIT}</span></figcaption>
  </figure>
  <div class="article-body">
    <p>{p[0]}</p>
    <p>{p[1]}</p>
    <div class="ad-slot"><p>{BOILERPLATE_TEXTS[5]}</p></div>
    <p>{p[2]}</p>
    <h2>Funding the fleet</h2>
    <p>{p[3]}</p>
    <p>{p[4]}</p>
    <blockquote><p>{FERRY_QUOTE}</p></blockquote>
    <p>{p[5]}</p>
    <ul><li>{FERRY_LIST[0]}</li><li>{FERRY_LIST[1]}</li></ul>
    <p>{p[6]}</p>
    <h2>What riders say</h2>
    <p>{p[7]}</p>
    <p>{p[8]}</p>
  </div>
  <div class="newsletter-signup"><p>{BOILERPLATE_TEXTS[1]}</p>
    <form><input type="email"><button>Sign up</button></form></div>
</article>
<aside class="most-read"><h3>Most read</h3>
  <ul><li><a href="/a">{BOILERPLATE_TEXTS[4]}</a></li></ul></aside>
</main>
<footer><p>{BOILERPLATE_TEXTS[3]}</p>
  <a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>
</body>
</html>"""


MARKET_PARAGRAPHS = (
    "Shares of Lumen Orchard, the cider maker that went public last spring, fell 12 percent "
    "on Friday after the company cut its sales forecast for the second time this year.",
    "The company blamed a late frost that damaged apple blossoms across the valley, leaving "
    "its presses idle for much of the autumn and forcing it to buy fruit from other growers.",
    "Analysts had expected the warning but not its size, and several lowered their price "
    "targets within hours of the announcement on the company’s website.",
    "Lumen Orchard said it would postpone the opening of a new tasting room in the old rail "
    "depot until the harvest recovers, probably not before the summer of next year.",
    "The chief executive told investors on a call that the business remained sound and that "
    "long-term demand for dry cider was still growing faster than for beer or wine.",
)
MARKET_CAPTION = "Workers sort apples at a Lumen Orchard press near Millbrook."
MARKET_CREDIT = "Photo: Sam Ortega/Valley Ledger"
MARKET_HEADLINE = "Cider Maker’s Shares Slide After Frost Cuts Forecast"


def market_page_cp1252() -> bytes:
    """A windows-1252 page declaring its charset only after a long script, late in the head."""
    paragraphs = "\n".join(f"<p>{t}</p>" for t in MARKET_PARAGRAPHS)
    filler = "var x = 1;\n" * 600
    page = f"""<html><head>
<title>{MARKET_HEADLINE} - Valley Ledger</title>
<script>{filler}</script>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<meta property="article:published_time" content="2026-02-06T15:45:00Z">
<meta name="author" content="Priya Natarajan">
</head><body>
<div class="menu"><a href="/">Home</a> | <a href="/markets">Markets</a></div>
<div id="story">
<h1>{MARKET_HEADLINE}</h1>
<figure><img src="https://img.valleyledger.example/apples.jpg">
<figcaption>{MARKET_CAPTION} ({MARKET_CREDIT})</figcaption></figure>
{paragraphs}
</div>
<div class="footer">Valley Ledger · 12 Mill Street · Contact us</div>
</body></html>"""
    return page.encode("cp1252")


def navigation_only_page() -> str:
    links = "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(12))
    return f"<html><head><title>Index</title></head><body><nav><ul>{links}</ul></nav></body></html>"
