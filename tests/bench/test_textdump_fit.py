"""Leave-sites-out validation of the text-dump classifier with pages fitted on only.

The dumps are the ones written for Broadsheet's text-dump tests.
"""

from __future__ import annotations

import re

import pytest

from broadsheet.bench.textdump_fit import (
    Page,
    cross_validate,
    fold_of,
    prepare,
    prepare_extra,
)
from tests.extract.textdump_pages import CASES


def _page(i: int, site: str) -> Page:
    case = CASES[i % len(CASES)]
    gold = "\n\n".join(case.paragraphs)
    return Page(f"p{i}-{site}", case.text, gold, f"https://{site}/story", site, "tr")


def test_extra_pages_of_a_folds_test_sites_are_not_fitted_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # three folds; the sites of each fold's fit fall in both halves of the stage-2 cross-fit
    by_residue: dict[int, str] = {}
    for n in range(200):
        site = f"site{n}.example"
        by_residue.setdefault(int(fold_of(site, 6)), site)
    sites = [by_residue[r] for r in range(6)]  # fold_of(s, 3) == r % 3
    docs = prepare([_page(i, s) for i, s in enumerate(sites)])
    extra = prepare(
        [
            _page(5, "news." + sites[0]),  # fold 0's site under another host: not in its fit
            _page(6, "other.example"),  # no test site's: in every fold's fit
            _page(7, sites[1]),  # fold 1's site: in the fits of folds 0 and 2
        ]
    )
    pairs = cross_validate(docs, k=3, extra=extra)
    assert len(pairs) == 6 and all(0.0 <= p <= 1.0 and 0.0 <= r <= 1.0 for p, r in pairs)
    err = capsys.readouterr().err
    fitted = [int(m) for m in re.findall(r"(\d+) of 3 extra pages fitted on", err)]
    assert fitted == [2, 2, 3]
    assert all(f"fold {k}: 2 pages held out" in err for k in range(3))


def test_extra_pages_weigh_the_given_share_of_a_corpus_page() -> None:
    pages = [_page(i, f"site{i}.example") for i in range(2)]
    plain = prepare(pages)
    half = prepare_extra(pages, 0.5)
    for a, b in zip(plain, half, strict=True):
        assert (b.w == a.w * 0.5).all() and (b.y == a.y).all()


def test_human_labelled_pages_weigh_their_share(monkeypatch: pytest.MonkeyPatch) -> None:
    from broadsheet.bench import textdump_fit

    machine = _page(0, "site0.example")
    human = Page(machine.key + "-wx", machine.text, machine.gold, machine.url, machine.site, "wx")
    monkeypatch.setattr(textdump_fit, "HUMAN_WEIGHT", 2.5)
    a, b = prepare([machine, human])
    assert (b.w == a.w * 2.5).all() and (b.y == a.y).all()
