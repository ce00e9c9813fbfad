"""Finding teams in sports reports: organisations the model takes for places or people.

In a sports report (several scores or table rows) a club is usually written as its town
("Leicestershire beat Somerset") and often looks like a person ("Ajax", "Gloria
Bistrita"). The layout says which names are teams:

* a result line, "Ajax 2 PSV Eindhoven 1" (scorers or the innings in brackets after a
  score, "In Skopje :" before, Australian rules' "14.16 ( 100 )" as the score);
* a standings row, "Leeds 3 1 0 2 3 5 3": played = won + drawn + lost, or a winning
  percentage that is won over won and lost ("NEW YORK 74 58 .561 -");
* a fixture, "Millwall v Burnley";
* in a results list, the team after a rider's or driver's country ("Jean Alesi ( France )
  Benetton 1:55.101"), and a player's club in brackets ("Jaap Stam ( PSV )");
* a city followed by a plural nickname ("Minnesota Twins"): the nickname alone is the
  team too ("the Twins");
* a place followed by a score, or beating or drawing with another ("Somerset beat Kent").

Countries stay places: national sides are written so (CoNLL's convention too). A name
found a team once is a team wherever else the report names it ("Ajax were missing ...").
"""

from __future__ import annotations

import re
from functools import cached_property

from broadsheet.models import EntityType

from .spans import _clean_span, _is_dateline, _normalise_space, _Span
from .steps import _Steps

# "(?<![\w.-])\d{1,3}-\d{1,3}(?![\w.-])|(?<=[a-z] )\d{1,3} [A-Z][a-z]+ \d{1,3}\b", written
# to begin with the digit (its look-behinds moved past it, one character wider): the same
# matches, but ``re`` can skip to the digits instead of trying every character
_SCORE = re.compile(
    r"\d(?:(?<![\w.-]\d)\d{0,2}-\d{1,3}(?![\w.-])|(?<=[a-z] \d)\d{0,2} [A-Z][a-z]+ \d{1,3}\b)"
)
_TABLE_ROW = re.compile(r"^[A-Z][\w. ]{1,30} \d{1,3} \d{1,3}\b", re.MULTILINE)  # standings
_RANKED_ROW = re.compile(r"^\d{1,3}\.[ ][A-Z][^\n]*\d[^\s\d]{0,8}[ ]?$", re.MULTILINE)
_TEAM_AFTER = re.compile(
    r"[ ]\d{1,3}(?:[ ,;\n]|$)|[ ](?:beat|beats|drew|draw|v|vs\.?|lost to|defeated)[ ]"
)
_TEAM_BEFORE = re.compile(r"(?:[ ]v|vs\.?|beat|against|drew with)[ ]$")

_WORD = r"[A-Z][\w.'’&*-]*"
_LINK = r"(?:of|the|de|da|do|la|le|del|der|van|von|am|upon|on|y)"
_NAME = rf"{_WORD}(?:[ ](?:{_LINK}[ ]){{0,2}}{_WORD}){{0,4}}"
_COUNTRY = r"(?:[ ]\([ ]?[A-Z][\w. ]{1,30}?[ ]?\))?"
_POINTS = r"\d{1,3}(?:\.\d{1,2}(?:[ ]\([ ]?\d{1,3}[ ]?\))?)?"  # "2", AFL's "14.16 ( 100 )"
_AFTER_SCORE = r"(?:[ ]?\((?:[^()\n]*\)|[^()\n]*$))?"  # scorers, "( 10 innings )"
_VENUE = r"(?:(?:In|At)[ ][^:\n]{1,40}?[ ]?:[ ])?"
_RESULT_LINE = re.compile(
    rf"^{_VENUE}(?P<a>{_NAME})(?P<ac>{_COUNTRY})[ ]{_POINTS}{_AFTER_SCORE}"
    rf"[ ](?P<b>{_NAME})(?P<bc>{_COUNTRY})(?P<score>[ ]{_POINTS}{_AFTER_SCORE})?"
    r"(?:[ ]?[.*])?[ ]?$",
    re.MULTILINE,
)
_STANDINGS_ROW = re.compile(
    rf"^(?:\d{{1,3}}\.?[ ])?(?P<a>{_NAME}){_COUNTRY}"
    r"(?P<n>(?:[ ](?:\d+(?:\.\d+)?|\.\d{3}|-|\d+/\d+)){3,})[ ]?$",
    re.MULTILINE,
)
_FIXTURE = re.compile(
    rf"(?:^|(?<=[,:;][ ])|(?<=[ ][-–][ ]))(?P<a>{_NAME})[ ](?:v|vs\.?|V|VS)[ ](?P<b>{_NAME})"
    r"(?=[ ]?(?:[,.;(]|$))",
    re.MULTILINE,
)
_VERSUS = re.compile(r"[ ](?:v|vs\.?|V|VS)[ ]")  # in every fixture: none, no fixture
_TEAM_AFTER_COUNTRY = re.compile(
    rf"\([ ]?(?P<c>[A-Z][\w. ]{{1,30}}?)[ ]?\)[ ](?P<a>{_NAME})(?=[ ]\d)", re.MULTILINE
)
_CLUB_IN_BRACKETS = re.compile(rf"[ ]?\([ ]?(?P<a>{_NAME})[ ]?\)")
# begins "(?<![\w.’'-])[A-Z]", written with the look-behind past the capital (as _SCORE)
_PLACE_AND_NICKNAME = re.compile(
    r"[A-Z](?<![\w.’'-][A-Z])[a-z.]*(?:[ ][A-Z][a-z.]*){0,2}"
    r"[ ](?:[A-Z][a-z]+[ ])?[A-Z][a-z]+s(?![\w'’-])"
)
_NICKNAME = re.compile(r"[ ](?:[A-Z][a-z]+[ ])?(?:[A-Z][a-z]+s|Sox)(?![\w'’-])")
_INNINGS = re.compile(
    rf"(?:^|(?<=:[ ])|(?<=\)[ ],[ ]))(?P<a>{_NAME})[ ]\d{{1,3}}(?:-\d{{1,2}})?(?:[ ]declared)?"
    r"(?=[ ](?:\(|and[ ]|in[ ]\d|for[ ])|[ ]?[.,]?[ ]?$)",
    re.MULTILINE,
)
_RESULT = re.compile(r"\d{1,3}-\d{1,3}")
_BEATEN = frozenset({"beat", "beating", "defeated", "against", "over", "v", "vs", "vs."})
_PERSON_WORD = r"(?:[A-Z][a-z]*\.|[A-Z][\w'’-]*[a-z][\w'’-]*)"
_PERSON_NAME = (
    rf"{_PERSON_WORD}(?:[ ](?:(?:de|van|von|da|der|den|di|le|la|bin|al)[ ])?{_PERSON_WORD}){{0,2}}"
)
_PLAYERS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (re.compile(trigger), re.compile(pattern, re.MULTILINE))
    for trigger, pattern in (
        # a player and a country: "Pete Sampras ( U.S. ) beat", "Natalya Torshina ( Kazakhstan )"
        (
            r"\(",
            rf"(?:^|(?<=[ ]))(?P<a>{_PERSON_WORD}[ ]{_PERSON_NAME})"
            r"[ ]\([ ]?(?P<c>[A-Z][\w. ]{1,30}?)[ ]?\)",
        ),
        # a scorer and the minute: "( Marcelo 19th , 47th", ", Juan Esnaider 58th",
        # "Russia - Yuri Nikiforov ( 18th minute )"
        (
            r"\d(?:st|nd|rd|th)\b",
            rf"(?:^|(?<=\([ ])|(?<=,[ ])|(?<=[ ]-[ ]))(?P<a>{_PERSON_NAME})"
            r"[ ](?:\([ ])?\d{1,3}(?:st|nd|rd|th)\b",
        ),
        # a bowler's figures: "Mullally 22-6-56-2"
        (
            r"\d-\d+-\d+-\d",
            rf"(?P<a>{_PERSON_NAME})[ ]\d{{1,3}}(?:\.\d)?-\d{{1,3}}-\d{{1,3}}-\d{{1,2}}\b",
        ),
        # a numbered line-up: "8 - Zinzan Brooke , 7 - Josh Kronfeld ;"
        (
            r"\d[ ]-[ ][A-Z]",
            rf"(?:^|(?<=[ ]))\d{{1,2}}[ ]-[ ](?P<a>{_PERSON_NAME})(?=[ ]?(?:[,;.(]|$))",
        ),
        # a golfer's rounds: "Iain Pyman 71 75", "Jonzon ( Sweden ) 67 67"
        (
            r"[67]\d[ ][67]\d\b",
            rf"(?P<a>{_PERSON_NAME})(?:[ ]\([^()\n]{{2,30}}\))?[ ][67]\d[ ][67]\d\b",
        ),
        # a scorecard: "Saeed Anwar c Croft b Cork 176", "lbw b Jayasuriya"
        (
            r"\b(?:c|b|st)[ ][A-Z]",
            rf"(?:(?<=\bc[ ])|(?<=\bst[ ])|(?<=\bb[ ]))(?P<a>{_PERSON_NAME})"
            r"(?=[ ](?:b[ ]|\d|\()|$)",
        ),
        (
            r"[ ](?:c|b|st|lbw)[ ]",
            rf"^(?P<a>{_PERSON_NAME})(?=[ ](?:c|b|st|lbw|run[ ]out|not[ ]out)[ ])",
        ),
    )
)


class _Sports(_Steps):
    """The mention-finding steps about teams in sports reports."""

    @cached_property
    def _sports_report(self) -> bool:
        """Results, standings, fixtures or a match report: several scores, table rows,
        ranked result rows or fixtures, or a sport named in the first line."""
        text = self.text
        if len(_SCORE.findall(text)) + len(_TABLE_ROW.findall(text)) >= 3:
            return True
        if len(_RANKED_ROW.findall(text)) >= 3 or (
            _VERSUS.search(text) and len(_FIXTURE.findall(text)) >= 2
        ):
            return True
        first = text[: text.find("\n")] if "\n" in text else text
        words = re.findall(r"[a-z]+", first[:200].lower())
        sports = self.rules.sport_words
        pairs = zip(words, [*words[1:], ""][: len(words)], strict=True)
        return any(w in sports or f"{w} {v}" in sports for w, v in pairs)

    def _country_like(self, name: str) -> bool:
        low = _normalise_space(name).lower()
        return low in self.rules.countries or low in self.rules.place_aliases

    def _teams(self, spans: list[_Span]) -> None:
        """In a sports report, a city or region followed by a score, or beating or drawing
        with another, is a team: "Chicago 5 Houston 3", "Leicestershire 22 points",
        "Somerset beat Kent"."""
        if not self._sports_report:
            return
        for sp in spans:
            if sp.type != "PLACE" or self._country_like(self.text[sp.start : sp.end]):
                continue
            after = self.text[sp.end : sp.end + 24]
            before = self.text[max(0, sp.start - 12) : sp.start]
            if _TEAM_AFTER.match(after) or _TEAM_BEFORE.search(before):
                sp.type = "ORG"

    def _team_sides(self, spans: list[_Span]) -> list[tuple[int, int]]:
        """The teams the layout names: result lines always, standings rows, fixtures, a
        team after a country in brackets and a club after a player in a sports report."""
        text = self.text
        found: list[tuple[int, int]] = []
        for m in _RESULT_LINE.finditer(text):
            if m.group("score") is None and not self._sports_report:
                continue
            found += [m.span("a"), m.span("b")]
        if not self._sports_report:
            return found
        for m in _STANDINGS_ROW.finditer(text):
            if _standings(m.group("n").split()):
                found.append(m.span("a"))
        for m in _FIXTURE.finditer(text):
            found += [m.span("a"), m.span("b")]
        for m in _TEAM_AFTER_COUNTRY.finditer(text):
            if self._country_like(m.group("c")):
                found.append(m.span("a"))
        people = {(sp.start, sp.end) for sp in spans if sp.type == "PERSON"}
        for m in _INNINGS.finditer(text):
            # a team's innings or a scorers' list: "Kent 323-5 declared ( C. Hooper 77",
            # "Waalwijk 2 ( Dos Santos 38th )"; not a player's two-word name
            if " " not in m.group("a") or m.span("a") not in people:
                found.append(m.span("a"))
        return found

    def _players(self, spans: list[_Span]) -> list[_Span]:
        """People a sports report's layout names: a player and a country in brackets
        ("Pete Sampras ( U.S. ) beat ..."), a scorer and the minute ("( Marcelo 19th"), a
        batsman, catcher or bowler on a scorecard ("Saeed Anwar c Croft b Cork")."""
        if not self._sports_report:
            return spans
        found: list[_Span] = []
        for trigger, pattern in _PLAYERS:
            if not trigger.search(self.text):
                continue  # a cheap test first: most reports have no scorecard
            for m in pattern.finditer(self.text):
                if "c" in m.groupdict() and not self._country_like(m.group("c")):
                    continue
                s, e = m.span("a")
                name = m.group("a").lower()
                if self._country_like(name) or name in self.rules.not_entities:
                    continue
                found.append(_Span(s, e, "PERSON", rule=True))
        if not found:
            return spans
        out = list(spans)
        for f in found:
            over = [sp for sp in out if sp.start < f.end and f.start < sp.end]
            if any(
                sp.rule or (sp.type == "PERSON" and sp.start <= f.start and f.end <= sp.end)
                for sp in over
            ):
                continue  # a rule's span, or the model's person already taking it in
            for sp in over:
                out.remove(sp)
            out.append(f)
        return sorted(out, key=lambda sp: sp.start)

    def _layout_teams(self, spans: list[_Span]) -> list[_Span]:
        """Each side the layout names (``_team_sides``) is a team, an organisation,
        whatever the model took it for — or a place when it is a country; spans it overlaps
        go, sides the model missed are added."""
        sides: dict[tuple[int, int], EntityType] = {}
        for s0, e0 in self._team_sides(spans) + self._nicknamed_teams():
            s, e = _clean_span(self.text, s0, e0)
            name = _normalise_space(self.text[s:e]).lower()
            if e <= s or name in self.rules.not_entities or not self.text[s].isupper():
                continue
            if name.split()[0] in self.rules.not_entities and len(name.split()) == 1:
                continue
            sides[(s, e)] = "PLACE" if self._country_like(name) else "ORG"
        sides.update(self._players_clubs(spans))
        if not sides:
            return spans
        new = [_Span(s, e, t, rule=True) for (s, e), t in sides.items()]
        kept = [sp for sp in spans if not any(n.start < sp.end and sp.start < n.end for n in new)]
        return self._absorb(kept + new)

    def _players_clubs(self, spans: list[_Span]) -> dict[tuple[int, int], EntityType]:
        """A player's club in brackets after the name in a sports report: "Jaap Stam
        ( PSV )" (a country there is a place: "Irina Privalova ( Russia )")."""
        if not self._sports_report:
            return {}
        out: dict[tuple[int, int], EntityType] = {}
        for sp in spans:
            if sp.type != "PERSON":
                continue
            m = _CLUB_IN_BRACKETS.match(self.text, sp.end)
            if m is None:
                continue
            name = _normalise_space(m.group("a")).lower()
            if name in self.rules.not_entities or len(name) < 2:
                continue
            out[m.span("a")] = "PLACE" if self._country_like(name) else "ORG"
        return out

    def _nicknamed_teams(self) -> list[tuple[int, int]]:
        """A known city or state followed by a plural nickname is a team ("Minnesota
        Twins", "Toronto Blue Jays"), unless the whole is a known place ("Florida Keys")."""
        out: list[tuple[int, int]] = []
        places = self.rules.places
        for m in _PLACE_AND_NICKNAME.finditer(self.text):
            words = m.group(0).split()
            if m.group(0).lower() in places or words[-1].lower() in self.rules.place_plurals:
                continue
            at = m.start()
            for i in range(len(words) - 1):
                heads = [k for k in (3, 2, 1) if 1 <= len(words) - i - k <= 2]
                if any(" ".join(words[i : i + k]).lower() in places for k in heads):
                    out.append((at, m.end()))
                    break
                at += len(words[i]) + 1
        return out

    def _teams_by_context(self, spans: list[_Span]) -> None:
        """A name written as a team is one, whatever the model took it for: followed by a
        plural verb ("Ajax were missing", "Kent have"; never said of one person), and in a
        sports report followed by a player's role or a result ("Lecce striker Jonathan
        Bachini", "Gloria Bistrita won 4-2") or after a word for a team ("Hamburg side St
        Pauli", "champions Ajax Amsterdam"). Countries stay places (national sides)."""
        doc = self.doc
        sports = self._sports_report
        for sp in spans:
            if sp.type not in ("PERSON", "PLACE", "ORG") or sp.rule:
                continue
            if sp.type == "ORG" and not sports:
                continue
            toks = self._tokens_between(sp.start, sp.end)
            if toks is None or not len(toks) or toks.end >= len(doc):
                continue
            if self._country_like(self.text[sp.start : sp.end]):
                continue
            nxt, after = doc[toks.end], doc[toks.end + 1] if toks.end + 1 < len(doc) else None
            prev = doc[toks.start - 1].lower_ if toks.start else ""
            team = (
                nxt.lower_ in ("were", "are", "have")
                and prev not in ("and", ",", "&", "both", "or")
                and not (after is not None and after.lower_ in ("been", "to", "not", "also"))
            )
            if sports and not team:
                team = (
                    nxt.lower_ in self.rules.team_roles
                    or prev in self.rules.team_nouns
                    or (
                        nxt.lower_ in ("won", "win", "beat", "drew", "lost", "lead", "led")
                        and after is not None
                        and bool(_RESULT.fullmatch(after.text))
                    )
                    or (prev in _BEATEN and bool(_RESULT.fullmatch(nxt.text)))
                    # "the Marlins", "the White Sox": a plural nickname
                    or (
                        prev == "the"
                        and sp.type != "ORG"
                        and bool(_NICKNAME.fullmatch(" " + self.text[sp.start : sp.end]))
                        and not self._known_place(sp)
                    )
                )
            if team:  # a team by this evidence is one wherever the report names it
                sp.type, sp.rule = "ORG", sports

    def _dateline(self, sp: _Span) -> bool:
        return _is_dateline(self.text, sp.start, sp.end)

    def _team_mentions(self, spans: list[_Span]) -> list[_Span]:
        """A name a rule found a team is a team wherever else the report names it: the
        model's other mentions of it are retyped, mentions it missed are added; the nickname
        of a nicknamed team ("Twins") is the team too."""
        names: set[str] = set()
        for sp in spans:
            if sp.type != "ORG":
                continue
            surface = _normalise_space(self.text[sp.start : sp.end])
            words = surface.split()
            if sp.rule and self._sports_report:
                names.add(surface)
            elif (
                len(words) >= 2
                and " ".join(words[:-1]).lower() in self.rules.places
                and _NICKNAME.fullmatch(" " + words[-1])
            ):
                names.add(words[-1])
        names = {n for n in names if len(n) >= 3 and n.lower() not in self.rules.not_entities} - {
            n for n in names if self._country_like(n)
        }
        if not names:
            return spans
        covered = bytearray(len(self.text) + 1)
        for sp in spans:
            if _normalise_space(self.text[sp.start : sp.end]) in names and not self._dateline(sp):
                sp.type = "ORG"
            covered[sp.start : sp.end] = b"\x01" * (sp.end - sp.start)
        pattern = re.compile(
            r"(?<![\w&'’-])(?:"
            + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(names, key=len)[::-1])
            + r")(?![\w&-])"
        )
        extra = [
            sp
            for m in pattern.finditer(self.text)
            for sp in [_Span(m.start(), m.end(), "ORG", rule=True)]
            if not any(covered[sp.start : sp.end])
            and not self.in_heading(sp.start)
            and not self._dateline(sp)
        ]
        if not extra:
            return spans
        return sorted(spans + extra, key=lambda sp: sp.start)


def _standings(cells: list[str]) -> bool:
    """A standings row's numbers: played = won + drawn + lost (or won + lost, or "-" for
    none), or a winning percentage equal to won / (won + lost) (ties as halves)."""
    nums: list[float | None] = []
    for c in cells:
        if c == "-":
            nums.append(0.0)
        elif re.fullmatch(r"\d+(?:\.\d+)?|\.\d{3}", c):
            nums.append(float(c))
        else:
            nums.append(None)
    ints = [n is not None and "." not in c for n, c in zip(nums, cells, strict=True)]
    if len(cells) >= 4 and all(ints[:4]):
        p, w, d, lost = (int(n or 0) for n in nums[:4])
        if p == w + d + lost and p > 0:
            return True
        if len(cells) >= 5 and all(ints) and "-" not in cells and p == w + d and p > 0:
            return True  # played, won, lost
    for i in (2, 3):
        if i >= len(cells) or not re.fullmatch(r"\.\d{3}|[01]\.\d{3}", cells[i]):
            continue
        pct, won, second = nums[i], nums[0], nums[1]
        if pct is None or won is None or second is None:
            continue
        if i == 2 and won + second > 0 and abs(won / (won + second) - pct) < 0.0015:
            return True
        third = nums[2]
        if i == 3 and third is not None and won + second + third > 0:
            shares = (
                won / (won + third) if won + third else -1.0,  # won, tied, lost
                (won + second / 2) / (won + second + third),  # ties as halves
            )
            if any(abs(share - pct) < 0.0015 for share in shares):
                return True
    return False
