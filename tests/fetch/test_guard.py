"""The SSRF guard: reliability scenarios 1 (forbidden targets), 2 (redirects) and 3 (rebinding)."""

from __future__ import annotations

import http.server
import itertools
import threading
from collections.abc import Callable

import pytest

from broadsheet.errors import BlockedURLError, FetchError, TooManyRedirectsError
from broadsheet.fetch import Fetcher, check_url, forbidden_reason
from broadsheet.fetch.guard import parse_ip_literal, resolve_checked

from .fetch_helpers import ALLOWED, LiveServer, loopback_resolver, settings

# --------------------------------------------------------------------------- address table


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private-use"),
        ("172.16.0.1", "private-use"),
        ("172.31.255.255", "private-use"),
        ("192.168.1.1", "private-use"),
        ("fc00::1", "unique-local"),
        ("fd12:3456::1", "unique-local"),
        ("169.254.169.254", "link local"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("100.64.0.1", "shared address space"),
        ("100.127.255.254", "shared address space"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "this host"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "limited broadcast"),
        ("::ffff:127.0.0.1", "embedded"),
        ("::ffff:169.254.169.254", "embedded"),
        ("::ffff:10.0.0.1", "embedded"),
        ("::127.0.0.1", "embedded"),
        ("::8.8.8.8", "ipv4-compatible"),
        ("64:ff9b::7f00:1", "embedded"),
        ("2002:7f00:1::", "embedded"),
        ("192.0.2.10", "documentation"),
        ("198.18.0.1", "benchmarking"),
        ("fec0::1", "site-local"),  # issue 13, item 8: these two passed the guard
        ("192.88.99.1", "6to4 relay anycast"),
    ],
)
def test_forbidden_addresses_have_a_reason(address: str, reason: str) -> None:
    why = forbidden_reason(address)
    assert why is not None
    assert reason in why.lower()


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses_pass(address: str) -> None:
    assert forbidden_reason(address) is None


@pytest.mark.parametrize(
    "host",
    ["2130706433", "0x7f.1", "0x7f000001", "0177.0.0.1", "127.1", "017700000001", "1.2.3.4.5"],
)
def test_odd_ip_literals_are_refused(host: str) -> None:
    with pytest.raises(BlockedURLError, match=r"numeric|literal"):
        parse_ip_literal(host)


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", "127.0.0.1"), ("[::1]", "::1"), ("example.com", None), ("8.8.8.8", "8.8.8.8")],
)
def test_canonical_literals_parse(host: str, expected: str | None) -> None:
    ip = parse_ip_literal(host)
    assert (str(ip) if ip is not None else None) == expected


# --------------------------------------------------------------------------- scenario 1


def forbidden_urls(port: int) -> list[str]:
    """Every spelling of 'the sentinel on loopback' plus other forbidden targets."""
    return [
        f"http://127.0.0.1:{port}/",
        f"http://127.0.0.2:{port}/",
        f"https://127.0.0.1:{port}/",
        f"http://localhost:{port}/",
        f"http://LOCALHOST.:{port}/",
        f"http://feeds.localhost:{port}/",
        f"http://[::1]:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/",
        f"http://[::ffff:7f00:1]:{port}/",
        f"http://[0:0:0:0:0:ffff:127.0.0.1]:{port}/",
        f"http://[::127.0.0.1]:{port}/",
        f"http://2130706433:{port}/",
        f"http://0x7f000001:{port}/",
        f"http://0x7f.0.0.1:{port}/",
        f"http://0177.0.0.1:{port}/",
        f"http://127.1:{port}/",
        f"http://127.0.1:{port}/",
        f"http://0:{port}/",
        f"http://0.0.0.0:{port}/",
        f"http://%31%32%37.0.0.1:{port}/",
        f"http://public.example:{port}/",  # resolves to 127.0.0.1 (simulated DNS)
        f"http://user:pw@{ALLOWED}:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1%25eth0]/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.0.1/",
        "http://100.64.0.1/",
        "http://[fc00::1]/",
        "http://224.0.0.1/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/_stats",
        "ftp://127.0.0.1/",
        "dict://127.0.0.1:11211/",
        "javascript:alert(1)",
        "//127.0.0.1/",
        "not a url",
    ]


def test_scenario_1_forbidden_targets_never_reach_the_sentinel(sentinel: LiveServer) -> None:
    urls = forbidden_urls(sentinel.port)
    with Fetcher(settings(), resolver=loopback_resolver) as fetcher:
        for url in urls:
            with pytest.raises(BlockedURLError) as info:
                fetcher.fetch(url)
            message = str(info.value)
            assert url in message or (info.value.url == url), message
            assert any(word in message for word in ("refused", "address", "name", "valid", "host"))
    assert sentinel.hits == 0


def test_scenario_1_static_check_refuses_the_literals_without_dns() -> None:
    for url in forbidden_urls(8080):
        if "public.example" in url:
            continue  # a name: only its DNS answer makes it forbidden
        with pytest.raises(BlockedURLError):
            check_url(url, settings())


def test_the_sentinel_counts_an_allowlisted_connection(sentinel: LiveServer) -> None:
    """Positive control: the same listener is reached through the allowlist."""
    with Fetcher(settings(), resolver=loopback_resolver) as fetcher:
        result = fetcher.fetch(sentinel.url("/"))
    assert result.body == b"sentinel reached"
    assert sentinel.hits == 1


def test_allowlisted_literal_address_is_reachable(sentinel: LiveServer) -> None:
    with Fetcher(settings(allow_private_hosts=("127.0.0.1",))) as fetcher:
        assert fetcher.fetch(f"http://127.0.0.1:{sentinel.port}/").status == 200
    assert sentinel.hits == 1


def test_real_dns_of_localhost_is_checked(sentinel: LiveServer) -> None:
    """With the system resolver, a name that resolves to loopback is refused at connect."""
    with Fetcher(settings(allow_private_hosts=())) as fetcher, pytest.raises(BlockedURLError):
        fetcher.fetch(f"http://localhost:{sentinel.port}/")
    assert sentinel.hits == 0


# --------------------------------------------------------------------------- scenario 2


def redirect_route(
    target: Callable[[str], str],
) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    def route(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(302)
        h.send_header("Location", target(h.path))
        h.send_header("Content-Length", "0")
        h.end_headers()

    return route


def test_scenario_2_redirects_to_loopback_are_blocked(
    serve: Callable[..., LiveServer], sentinel: LiveServer
) -> None:
    port = sentinel.port
    targets = [
        f"http://127.0.0.1:{port}/",
        f"http://localhost:{port}/",
        f"http://public.example:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/",
        f"http://2130706433:{port}/",
        f"//127.0.0.1:{port}/",
        f"//[::1]:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "gopher://127.0.0.1/",
    ]
    redirector = serve(redirect_route(lambda path: targets[int(path.strip("/"))]))
    with Fetcher(settings(), resolver=loopback_resolver) as fetcher:
        for index, target in enumerate(targets):
            with pytest.raises(BlockedURLError) as info:
                fetcher.fetch(redirector.url(f"/{index}"))
            assert info.value.url is not None
            assert target.split("//", 1)[-1].split("/")[0].split(":")[0].strip("[]") in str(
                info.value
            ) or "scheme" in str(info.value)
    assert sentinel.hits == 0
    assert redirector.hits == len(targets)


def test_scenario_2_redirect_to_an_allowlisted_name_is_followed(
    serve: Callable[..., LiveServer], sentinel: LiveServer
) -> None:
    redirector = serve(redirect_route(lambda path: sentinel.url("/landing")))
    with Fetcher(settings(), resolver=loopback_resolver) as fetcher:
        result = fetcher.fetch(redirector.url("/start"))
    assert result.url == sentinel.url("/landing")
    assert sentinel.hits == 1


def test_redirect_loop_gives_up(serve: Callable[..., LiveServer]) -> None:
    loop = serve(redirect_route(lambda path: f"/{int(path.strip('/')) + 1}"))
    with (
        Fetcher(settings(max_redirects=3), resolver=loopback_resolver) as fetcher,
        pytest.raises(TooManyRedirectsError, match="more than 3 redirects"),
    ):
        fetcher.fetch(loop.url("/0"))
    assert len(loop.stats.requests) == 4


# --------------------------------------------------------------------------- scenario 3


class CountingResolver:
    """Simulated DNS whose answers follow a script, counting every lookup."""

    def __init__(self, answers: list[list[str]]) -> None:
        self._answers = itertools.cycle(answers)
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, host: str, port: int) -> list[str]:
        with self._lock:
            self.calls += 1
            if host == ALLOWED:
                return ["127.0.0.1"]
            return list(next(self._answers))


def test_scenario_3_rebinding_between_check_and_connect(sentinel: LiveServer) -> None:
    """A check that resolves (public answer) cannot make the connect (loopback answer) unsafe."""
    resolver = CountingResolver([["93.184.215.14"], ["127.0.0.1"]])
    config = settings()
    url = f"http://rebind.example:{sentinel.port}/"
    with Fetcher(config, resolver=resolver) as fetcher:
        for _ in range(100):
            assert resolve_checked("rebind.example", sentinel.port, config, resolver) == [
                "93.184.215.14"
            ]
            with pytest.raises(BlockedURLError, match=r"127\.0\.0\.1"):
                fetcher.fetch(url)
    assert resolver.calls == 200  # exactly one lookup per connection: nothing to rebind
    assert sentinel.hits == 0


@pytest.mark.parametrize(
    "answer",
    [
        ["93.184.215.14", "127.0.0.1"],
        ["127.0.0.1", "93.184.215.14"],
        ["::ffff:127.0.0.1"],
        ["0.0.0.0"],
        ["169.254.169.254"],
        ["not-an-ip"],
    ],
)
def test_scenario_3_any_forbidden_answer_blocks_before_connecting(
    sentinel: LiveServer, answer: list[str]
) -> None:
    resolver = CountingResolver([answer])
    with Fetcher(settings(), resolver=resolver) as fetcher:
        for _ in range(100):
            with pytest.raises(BlockedURLError):
                fetcher.fetch(f"http://mixed.example:{sentinel.port}/")
    assert resolver.calls == 100
    assert sentinel.hits == 0


def test_failed_lookup_is_a_fetch_error_naming_the_url() -> None:
    def no_dns(host: str, port: int) -> list[str]:
        raise OSError("no such host")

    with (
        Fetcher(settings(), resolver=no_dns) as fetcher,
        pytest.raises(FetchError, match=r"http://nowhere.example/.*cannot resolve"),
    ):
        fetcher.fetch("http://nowhere.example/")
