"""The online adapters' parsers on arbitrary bodies: bars that keep the contract, an empty
list, or MarketDataError — never another exception."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.errors import MarketDataError
from broadsheet.markets.providers import StooqProvider, YahooProvider

_NUM = st.one_of(st.none(), st.floats(-10, 1e4, allow_nan=False), st.integers(-5, 10**9))


@st.composite
def yahoo_bodies(draw: st.DrawFn) -> bytes:
    n = draw(st.integers(0, 6))
    stamps = sorted(
        draw(st.lists(st.integers(1_300_000_000, 1_400_000_000), min_size=n, max_size=n))
    )
    series = {
        k: draw(st.lists(_NUM, min_size=n, max_size=n))
        for k in ("open", "high", "low", "close", "volume")
    }
    adj = draw(st.lists(_NUM, min_size=n, max_size=n))
    doc = {
        "chart": {
            "result": [
                {
                    "meta": {"symbol": "AAPL", "exchangeTimezoneName": "America/New_York"},
                    "timestamp": stamps,
                    "indicators": {"quote": [series], "adjclose": [{"adjclose": adj}]},
                }
            ],
            "error": None,
        }
    }
    if draw(st.booleans()):  # sometimes break the shape
        doc = draw(
            st.sampled_from([{"chart": {}}, {"chart": {"result": None, "error": None}}, [], doc])
        )
    return json.dumps(doc).encode()


@settings(max_examples=100, deadline=None)
@given(body=st.one_of(yahoo_bodies(), st.binary(max_size=200)))
def test_yahoo_transform_data_total(body: bytes) -> None:
    provider = YahooProvider(fetcher=None)
    query = provider.transform_query({"ticker": "AAPL"})
    try:
        bars = provider.transform_data(query, body)
    except MarketDataError:
        return
    assert len({b.date for b in bars}) == len(bars)  # one bar per day
    assert all(b.ticker == "AAPL" and len(b.date) == 10 for b in bars)


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.dates().map(lambda d: d.isoformat()),
            *[
                st.one_of(
                    st.floats(0.01, 1e4, allow_nan=False).map(str), st.just(""), st.just("null")
                )
            ]
            * 4,
            st.integers(0, 10**9).map(str),
        ),
        max_size=8,
    ),
    junk=st.text(max_size=40),
)
def test_stooq_transform_data_total(rows: list[tuple[str, ...]], junk: str) -> None:
    provider = StooqProvider(fetcher=None)
    query = provider.transform_query({"ticker": "IBM"})
    for body in (
        ("Date,Open,High,Low,Close,Volume\n" + "\n".join(",".join(r) for r in rows)).encode(),
        junk.encode(),
    ):
        try:
            bars = provider.transform_data(query, body)
        except MarketDataError:
            continue
        assert all(b.ticker == "IBM" and len(b.date) == 10 for b in bars)
