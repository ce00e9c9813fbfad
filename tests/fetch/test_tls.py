"""HTTPS through the guard: the socket goes to the checked IP, while TLS (SNI and certificate
verification) and the Host header still use the host name."""

from __future__ import annotations

import http.server
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from broadsheet.errors import BlockedURLError, FetchError
from broadsheet.fetch import Fetcher

from .fetch_helpers import ALLOWED, ALLOWED_2, loopback_resolver, settings


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make test certificates")
    folder = tmp_path_factory.mktemp("tls")
    curve = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _openssl(
        "req",
        "-x509",
        *curve,
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Broadsheet test CA",
        cwd=folder,
    )
    _openssl(
        "req",
        *curve,
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        f"/CN={ALLOWED}",
        cwd=folder,
    )
    (folder / "ext.cnf").write_text(f"subjectAltName=DNS:{ALLOWED}\n")
    _openssl(
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "leaf.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        cwd=folder,
    )
    return folder


class TLSServer:
    def __init__(self, folder: Path) -> None:
        self.server_names: list[str | None] = []
        self.hosts: list[str | None] = []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(folder / "leaf.pem", folder / "leaf.key")

        def remember_sni(sock: ssl.SSLObject, name: str | None, ctx: ssl.SSLContext) -> None:
            self.server_names.append(name)

        context.sni_callback = remember_sni
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.hosts.append(self.headers.get("Host"))
                body = b"secure feed"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def tls_server(certificates: Path) -> Iterator[TLSServer]:
    server = TLSServer(certificates)
    yield server
    server.close()


def client_context(certificates: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificates / "ca.pem"))


def test_tls_uses_the_host_name_while_connecting_to_the_checked_address(
    tls_server: TLSServer, certificates: Path
) -> None:
    url = f"https://{ALLOWED}:{tls_server.port}/feed"
    with Fetcher(
        settings(), resolver=loopback_resolver, ssl_context=client_context(certificates)
    ) as fetcher:
        result = fetcher.fetch(url)
    assert result.body == b"secure feed"
    assert tls_server.server_names == [ALLOWED]
    assert tls_server.hosts == [f"{ALLOWED}:{tls_server.port}"]


def test_certificate_for_another_name_is_refused(tls_server: TLSServer, certificates: Path) -> None:
    """The certificate names feeds.test; asked for feeds2.test it must not verify."""
    url = f"https://{ALLOWED_2}:{tls_server.port}/feed"
    with (
        Fetcher(
            settings(), resolver=loopback_resolver, ssl_context=client_context(certificates)
        ) as fetcher,
        pytest.raises(FetchError) as info,
    ):
        fetcher.fetch(url)
    assert not isinstance(info.value, BlockedURLError)
    assert url in str(info.value)


def test_unknown_certificate_authority_is_refused(tls_server: TLSServer) -> None:
    with Fetcher(settings(), resolver=loopback_resolver) as fetcher, pytest.raises(FetchError):
        fetcher.fetch(f"https://{ALLOWED}:{tls_server.port}/feed")
