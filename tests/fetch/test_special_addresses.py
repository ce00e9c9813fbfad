"""Issue 13, item 8: the guard refuses every row of the IANA special-purpose registries, and
internationalised host names are fetched through their IDNA form, still guarded."""

from __future__ import annotations

import ipaddress

import pytest

from broadsheet.errors import BlockedURLError
from broadsheet.fetch import Fetcher, check_url, forbidden_reason
from broadsheet.fetch.special_addresses import EMBEDS_IPV4, SPECIAL_BLOCKS, special_block

from .fetch_helpers import LiveServer, loopback_resolver, settings

REFUSED = [b for b in SPECIAL_BLOCKS if b.prefix not in EMBEDS_IPV4]
EMBEDDING = [b for b in SPECIAL_BLOCKS if b.prefix in EMBEDS_IPV4]


def _literal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    return f"[{address}]" if address.version == 6 else str(address)


@pytest.mark.parametrize("block", REFUSED, ids=[f"{b.prefix} {b.name}" for b in REFUSED])
def test_every_registry_row_is_refused(block: object) -> None:
    network = block.network  # type: ignore[attr-defined]
    for address in {network[0], network[network.num_addresses // 2], network[-1]}:
        why = forbidden_reason(address)
        assert why is not None, f"{address} in {block} passed the guard"
        narrowest = special_block(address)
        assert narrowest is not None
        assert narrowest.name in why or "embedded" in why  # Teredo, NAT64: what they carry
        with pytest.raises(BlockedURLError):
            check_url(f"http://{_literal(address)}/feed.xml", settings(allow_private_hosts=()))


@pytest.mark.parametrize("block", EMBEDDING, ids=[b.prefix for b in EMBEDDING])
def test_rows_that_carry_ipv4_are_judged_by_the_ipv4_address(block: object) -> None:
    network = block.network  # type: ignore[attr-defined]
    carriers = {
        "::ffff:0:0/96": ("::ffff:127.0.0.1", "::ffff:8.8.8.8"),
        "64:ff9b::/96": ("64:ff9b::7f00:1", "64:ff9b::808:808"),
        "2002::/16": ("2002:7f00:1::", "2002:808:808::"),
    }[block.prefix]  # type: ignore[attr-defined]
    loopback, public = (ipaddress.IPv6Address(a) for a in carriers)
    assert loopback in network and public in network
    assert "embedded" in (forbidden_reason(loopback) or "")
    assert forbidden_reason(public) is None


def test_the_registry_rows_are_well_formed() -> None:
    for block in SPECIAL_BLOCKS:
        assert block.network.with_prefixlen == block.prefix  # a network address, as written
        assert block.rfc.startswith("RFC ") and block.name
        assert block.globally_reachable in ("True", "False", "")


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2a00:1450::1"]
)
def test_public_unicast_still_passes(address: str) -> None:
    assert forbidden_reason(address) is None


@pytest.mark.parametrize(
    "host", ["bücher.example", "BÜCHER.example.", "例え.テスト", "xn--bcher-kva.example"]
)
def test_internationalised_names_pass_the_static_check(host: str) -> None:
    check_url(f"https://{host}/feed.xml", settings(allow_private_hosts=()))


@pytest.mark.parametrize(
    "host", ["ｌｏｃａｌｈｏｓｔ", "feeds.ｌｏｃａｌｈｏｓｔ", "bad_name!.example", "ex ample.com"]
)
def test_names_that_map_to_refused_ones_stay_refused(host: str) -> None:
    with pytest.raises(BlockedURLError):
        check_url(f"http://{host}/", settings(allow_private_hosts=()))


def test_an_internationalised_name_is_resolved_in_idna_form_and_guarded(
    sentinel: LiveServer,
) -> None:
    asked: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return loopback_resolver(host, port)

    url = f"http://bücher.test:{sentinel.port}/"
    with Fetcher(settings(), resolver=resolver) as fetcher, pytest.raises(BlockedURLError):
        fetcher.fetch(url)  # resolves to loopback and is not allowed
    assert asked == ["xn--bcher-kva.test"]
    assert sentinel.hits == 0
    allowed = settings(allow_private_hosts=("bücher.test",))
    with Fetcher(allowed, resolver=resolver) as fetcher:
        assert fetcher.fetch(url).body == b"sentinel reached"
    assert sentinel.hits == 1
