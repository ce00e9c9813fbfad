"""The address blocks Broadsheet never connects to, as data.

Rows of the IANA IPv4 and IPv6 Special-Purpose Address Registries
(iana-ipv4-special-registry, iana-ipv6-special-registry; RFC 6890 and the RFCs named in each
row), plus the blocks of the IPv4 and IPv6 Address Space registries that are not global
unicast (multicast, the deprecated site-local block, IPv6 outside 2000::/3 and fc00::/7).
Each row: prefix, name, defining RFC, and the registry's "globally reachable" column
("" where the registry says N/A).

Every address in any row is refused, globally reachable or not: none of these blocks serves
news. The exceptions are the rows in :data:`EMBEDS_IPV4`: their addresses carry an IPv4
address (IPv4-mapped, NAT64, 6to4), and the guard checks that address instead.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import cache

__all__ = ["EMBEDS_IPV4", "SPECIAL_BLOCKS", "SpecialBlock", "special_block"]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class SpecialBlock:
    prefix: str
    name: str
    rfc: str
    globally_reachable: str  # "True", "False" or "" (N/A), as the registry says

    @property
    def network(self) -> IPNetwork:
        return ipaddress.ip_network(self.prefix)


_ROWS: tuple[tuple[str, str, str, str], ...] = (
    # IANA IPv4 Special-Purpose Address Registry
    ("0.0.0.0/8", '"This network"', "RFC 791", "False"),
    ("0.0.0.0/32", '"This host on this network"', "RFC 1122", "False"),
    ("10.0.0.0/8", "Private-Use", "RFC 1918", "False"),
    ("100.64.0.0/10", "Shared Address Space", "RFC 6598", "False"),
    ("127.0.0.0/8", "Loopback", "RFC 1122", "False"),
    ("169.254.0.0/16", "Link Local", "RFC 3927", "False"),
    ("172.16.0.0/12", "Private-Use", "RFC 1918", "False"),
    ("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890", "False"),
    ("192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335", "False"),
    ("192.0.0.8/32", "IPv4 dummy address", "RFC 7600", "False"),
    ("192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723", "True"),
    ("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155", "True"),
    ("192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880", "False"),
    ("192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880", "False"),
    ("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737", "False"),
    ("192.31.196.0/24", "AS112-v4", "RFC 7535", "True"),
    ("192.52.193.0/24", "AMT", "RFC 7450", "True"),
    ("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526", ""),
    ("192.168.0.0/16", "Private-Use", "RFC 1918", "False"),
    ("192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534", "True"),
    ("198.18.0.0/15", "Benchmarking", "RFC 2544", "False"),
    ("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737", "False"),
    ("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737", "False"),
    ("240.0.0.0/4", "Reserved", "RFC 1112", "False"),
    ("255.255.255.255/32", "Limited Broadcast", "RFC 919", "False"),
    # IANA IPv4 Address Space Registry: not unicast
    ("224.0.0.0/4", "Multicast", "RFC 5771", "False"),
    # IANA IPv6 Special-Purpose Address Registry
    ("::1/128", "Loopback Address", "RFC 4291", "False"),
    ("::/128", "Unspecified Address", "RFC 4291", "False"),
    ("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", "False"),
    ("64:ff9b::/96", "IPv4-IPv6 Translat.", "RFC 6052", "True"),
    ("64:ff9b:1::/48", "IPv4-IPv6 Translat.", "RFC 8215", "False"),
    ("100::/64", "Discard-Only Address Block", "RFC 6666", "False"),
    ("100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780", "False"),
    ("2001::/23", "IETF Protocol Assignments", "RFC 2928", "False"),
    ("2001::/32", "TEREDO", "RFC 4380", ""),
    ("2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723", "True"),
    ("2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155", "True"),
    ("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665", "True"),
    ("2001:2::/48", "Benchmarking", "RFC 5180", "False"),
    ("2001:3::/32", "AMT", "RFC 7450", "True"),
    ("2001:4:112::/48", "AS112-v6", "RFC 7535", "True"),
    ("2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843", ""),
    ("2001:20::/28", "ORCHIDv2", "RFC 7343", "True"),
    ("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374", "True"),
    ("2001:db8::/32", "Documentation", "RFC 3849", "False"),
    ("2002::/16", "6to4", "RFC 3056", ""),
    ("2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534", "True"),
    ("3fff::/20", "Documentation", "RFC 9637", "False"),
    ("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602", "False"),
    ("fc00::/7", "Unique-Local", "RFC 4193", "False"),
    ("fe80::/10", "Link-Local Unicast", "RFC 4291", "False"),
    # IANA IPv6 Address Space Registry: outside global unicast (2000::/3)
    ("::/8", "Reserved by IETF (IPv4-compatible and others)", "RFC 4291", "False"),
    ("100::/8", "Reserved by IETF", "RFC 4291", "False"),
    ("200::/7", "Reserved by IETF", "RFC 4048", "False"),
    ("400::/6", "Reserved by IETF", "RFC 4291", "False"),
    ("800::/5", "Reserved by IETF", "RFC 4291", "False"),
    ("1000::/4", "Reserved by IETF", "RFC 4291", "False"),
    ("4000::/3", "Reserved by IETF", "RFC 4291", "False"),
    ("6000::/3", "Reserved by IETF", "RFC 4291", "False"),
    ("8000::/3", "Reserved by IETF", "RFC 4291", "False"),
    ("a000::/3", "Reserved by IETF", "RFC 4291", "False"),
    ("c000::/3", "Reserved by IETF", "RFC 4291", "False"),
    ("e000::/4", "Reserved by IETF", "RFC 4291", "False"),
    ("f000::/5", "Reserved by IETF", "RFC 4291", "False"),
    ("f800::/6", "Reserved by IETF", "RFC 4291", "False"),
    ("fe00::/9", "Reserved by IETF", "RFC 4291", "False"),
    ("fec0::/10", "Deprecated site-local", "RFC 3879", "False"),
    ("ff00::/8", "Multicast", "RFC 4291", "False"),
)

SPECIAL_BLOCKS: tuple[SpecialBlock, ...] = tuple(SpecialBlock(*row) for row in _ROWS)

# rows whose addresses carry an IPv4 address that is checked instead of the row itself (the
# local-use NAT64 prefix and Teredo are refused whatever they carry)
EMBEDS_IPV4 = frozenset({"::ffff:0:0/96", "64:ff9b::/96", "2002::/16"})


@cache
def _by_length() -> tuple[tuple[SpecialBlock, IPNetwork], ...]:
    """The rows, most specific prefix first (the name of the narrowest block is the reason)."""
    rows = [(block, block.network) for block in SPECIAL_BLOCKS]
    return tuple(sorted(rows, key=lambda row: -row[1].prefixlen))


def special_block(address: IPAddress) -> SpecialBlock | None:
    """The narrowest special-purpose block holding ``address``, or None."""
    for block, network in _by_length():
        if network.version == address.version and address in network:
            return block
    return None
