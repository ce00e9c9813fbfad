"""Finding organisations: well-known company names taken whole, "Shanghai’s Fudan
University" split into a place and an organisation, organisation keywords retyping spans,
"Party of" / "University of" extended to the name after, and untagged capitalised runs
ending in a keyword made organisations. Teams in sports reports are in ``sports``."""

from __future__ import annotations

import re
from functools import lru_cache

from broadsheet.models import EntityType

from .spans import _clean_span, _is_cap, _normalise_space, _Span
from .steps import _Steps


@lru_cache(maxsize=8)
def _keyword_pattern(keywords: frozenset[str]) -> re.Pattern[str]:
    r"""The capitalised keywords as written ("Party", "PARTY", "Corp."), one pattern:
    ``(?<![\w.])(?:P(?i:arty)|...)(?![\w])`` with the look-behind written past each capital
    (one character wider; the same matches), so ``re`` skips to the capitals."""
    words = sorted(keywords, key=len, reverse=True)
    firsts = [re.escape(w[:1].upper()) for w in words]
    return re.compile(
        "(?:"
        + "|".join(
            f + r"(?<![\w.]" + f + ")(?i:" + re.escape(w[1:]) + ")"
            for f, w in zip(firsts, words, strict=True)
        )
        + r")(?![\w])"
    )


class _Organisations(_Steps):
    """The mention-finding steps about organisations (and teams)."""

    def _orgs_by_context(self, spans: list[_Span]) -> None:
        """A name the model took for a person or an unknown place is an organisation when
        the text says so: after a word for one ("conglomerate Bollore", "state bank
        Banespa", "the daily Gente") or before its shares, units or spokesman ("Niugini
        Mining shares", "a Barrick spokesman"). Not a name the article also gives a person
        ("Clinton spokesman Mike McCurry")."""
        doc = self.doc
        people: set[str] = set()
        for sp in spans:
            words = self.text[sp.start : sp.end].split()
            if sp.type == "PERSON" and len(words) >= 2:
                people.update(words)
        for sp in spans:
            if sp.type not in ("PERSON", "PLACE") or sp.rule:
                continue
            surface = _normalise_space(self.text[sp.start : sp.end])
            low = surface.lower()
            if sp.type == "PLACE" and (low in self.rules.places or low in self.rules.place_aliases):
                continue
            if any(w in people for w in surface.split()):
                continue
            toks = self._tokens_between(sp.start, sp.end)
            if toks is None or not len(toks):
                continue
            k = toks.end
            if k < len(doc) and doc[k].tag_ == "POS":
                k += 1
            after = doc[k].lower_ if k < len(doc) else ""
            before = doc[toks.start - 1].lower_ if toks.start else ""
            if after in self.rules.org_roles or before in self.rules.org_nouns:
                sp.type = "ORG"

    def _known_companies(self, spans: list[_Span]) -> list[_Span]:
        """Well-known multi-word company names the model split or mistyped
        ("Lockheed" ORG + "Martin" PERSON -> "Lockheed Martin" ORG)."""
        pattern = self.rules.company_pattern
        if pattern is None:
            return spans
        found = [
            _Span(m.start(), m.end(), "ORG", rule=True)
            for m in pattern.finditer(self.text)
            if not self.in_heading(m.start())
        ]
        if not found:
            return spans
        kept = [
            sp
            for sp in spans
            if not any(
                sp.start < f.end and f.start < sp.end and sp.end - sp.start <= f.end - f.start
                for f in found
            )
        ]
        kept.extend(f for f in found if not any(k.start < f.end and f.start < k.end for k in kept))
        return sorted(kept, key=lambda sp: sp.start)

    def _split_possessives(self, spans: list[_Span]) -> list[_Span]:
        """ "Shanghai’s Fudan University" -> PLACE "Shanghai" + ORG "Fudan University"."""
        out: list[_Span] = []
        for sp in spans:
            surface = self.text[sp.start : sp.end]
            m = re.search(r"[’']s\s+", surface)
            if m is None or sp.type == "PERSON":
                out.append(sp)
                continue
            left, right = surface[: m.start()], surface[m.end() :]
            left_words, right_words = left.split(), right.split()
            left_is_place = (
                left.lower() in self.rules.places or left.lower() in self.rules.place_aliases
            )
            if (
                left_words
                and len(right_words) >= 2
                and all(_is_cap(w) for w in left_words)
                and all(_is_cap(w) or w.lower() in self.rules.name_connectors for w in right_words)
                and (
                    left_is_place
                    or (
                        self._has_keyword(right_words, self.rules.org_keywords_strong)
                        and left.lower() not in self.rules.possessive_name_words
                    )
                )
            ):
                left_type: EntityType = sp.type
                if left_is_place:
                    left_type = "PLACE"
                elif self._has_keyword(left_words, self.rules.org_keywords_strong):
                    left_type = "ORG"
                out.append(_Span(sp.start, sp.start + len(left), left_type))
                out.append(_Span(sp.start + m.end(), sp.end, sp.type))
            else:
                out.append(sp)
        return out

    def _type_by_keywords(self, spans: list[_Span]) -> None:
        for sp in spans:
            words = self.text[sp.start : sp.end].split()
            low = self.text[sp.start : sp.end].lower()
            if low in self.rules.places or low in self.rules.place_aliases:
                sp.type = "PLACE"  # "West Bank": a known place, whatever its words
            elif self._has_keyword(words, self.rules.org_keywords_strong) and sp.type != "EVENT":
                sp.type = "ORG"

    def _expand_right(self, tok_i: int) -> int:
        """Index past the last token of a name continued by "of X", "for X and Y"."""
        doc = self.doc
        i = tok_i
        end = tok_i
        while i < len(doc):
            tok = doc[i]
            if tok.is_space or "\n" in tok.text:
                break
            if tok.lower_ in self.rules.name_connectors or (
                tok.lower_ == "the"
                and i > tok_i
                and doc[i - 1].lower_ in self.rules.name_connectors
            ):
                i += 1
                continue
            if (
                _is_cap(tok.text)
                and tok.tag_ != "POS"
                and tok.lower_ not in self.rules.person_title_words
                and tok.ent_type_ != "PERSON"
            ):
                i += 1
                end = i
                continue
            break
        return end

    def _extend_orgs(self, spans: list[_Span]) -> list[_Span]:
        """ "Communist Party of" + "China’s" -> "Communist Party of China";
        "University of California" + ", San Diego" -> one name."""
        doc = self.doc
        by_start = {sp.start: sp for sp in spans}
        drop: set[int] = set()
        for sp in spans:
            if sp.type != "ORG":
                continue
            toks = self._tokens_between(sp.start, sp.end)
            if toks is None or len(toks) == 0:
                continue
            after = toks.end
            # a name cut before (or just after) its "of X"
            if toks[-1].lower_ in ("of", "for"):
                after -= 1
            nxt = doc[after] if after < len(doc) else None
            if nxt is not None and nxt.lower_ in ("of", "for") and after + 1 < len(doc):
                new_end = self._expand_right(after)
                if new_end > after + 1:
                    last = doc[new_end - 1]
                    sp.end = _clean_span(self.text, sp.start, last.idx + len(last))[1]
            # "University of California, San Diego": a campus after a comma
            surface = self.text[sp.start : sp.end]
            if surface.lower().startswith("university of"):
                m = re.match(r",\s+", self.text[sp.end :])
                if m:
                    other = by_start.get(sp.end + m.end())
                    if other is not None and other.type == "PLACE":
                        sp.end = other.end
                        drop.add(id(other))
        kept = [sp for sp in spans if id(sp) not in drop]
        return self._absorb(kept)

    def _rule_orgs(self, spans: list[_Span]) -> list[_Span]:
        """Untagged capitalised runs ending in an organisation keyword."""
        doc = self.doc
        owner: dict[int, _Span] = {}
        for sp in spans:
            for i in range(sp.start, sp.end):
                owner[i] = sp
        new: list[_Span] = []
        for m in _keyword_pattern(self.rules.org_keywords_strong).finditer(self.text):
            one = doc.char_span(m.start(), m.end())
            if one is None or len(one) != 1:
                continue  # not every token: the capitalised keywords
            tok = one[0]
            if tok.lower_ not in self.rules.org_keywords_strong or not tok.text[:1].isupper():
                continue
            if self.in_heading(tok.idx):
                continue
            cur = owner.get(tok.idx)
            if cur is not None and cur.type in ("ORG", "PERSON", "EVENT"):
                continue
            if cur is not None and cur.type == "PLACE" and self._known_place(cur):
                continue  # "West Bank" is a place, "Bank" notwithstanding
            j = tok.i - 1
            start_i = tok.i
            while j >= 0:
                t = doc[j]
                o = owner.get(t.idx)
                if o is not None and o.type in ("PERSON", "PLACE", "ORG") and o is not cur:
                    break
                if t.tag_ == "POS" and j - 1 >= 0 and _is_cap(doc[j - 1].text):
                    prev_owner = owner.get(doc[j - 1].idx)
                    if prev_owner is not None and prev_owner.type != "MISC":
                        break
                    j -= 1
                    continue
                if (
                    _is_cap(t.text)
                    and t.lower_ not in ("the", "a", "an")
                    and t.lower_ not in self.rules.person_title_words
                    and not t.is_sent_start
                    and t.tag_ in ("NNP", "NNPS", "JJ", "NN", "NNS")
                ):
                    start_i = j
                    j -= 1
                    continue
                if _is_cap(t.text) and t.is_sent_start and t.lower_ not in ("the", "a", "an"):
                    if t.tag_ in ("NNP", "NNPS"):
                        start_i = j
                    break
                break
            end_i = tok.i + 1
            if end_i < len(doc) and doc[end_i].lower_ in ("of", "for"):
                end_i = max(end_i, self._expand_right(end_i))
            if end_i - start_i < 2:
                continue
            s = doc[start_i].idx
            e = doc[end_i - 1].idx + len(doc[end_i - 1])
            s, e = _clean_span(self.text, s, e)
            if e > s and "\n" not in self.text[s:e]:
                new.append(_Span(s, e, "ORG", rule=True))
        if not new:
            return spans
        # a rule span replaces model spans inside it; it yields to a longer overlapping span
        merged = [
            sp for sp in spans if not any(n.start <= sp.start and sp.end <= n.end for n in new)
        ]
        merged.extend(new)
        return self._absorb(merged)
