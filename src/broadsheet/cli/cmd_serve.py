"""broadsheet serve: the web app, its REST API, live stream and Google Reader API."""

from __future__ import annotations

from typing import Any

import click

from .app import Context, cli, handle_errors, pass_ctx


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on.",
)
@click.option(
    "--public-url",
    "public_urls",
    multiple=True,
    metavar="URL",
    help="The address users reach through a reverse proxy (https://news.example.com): "
    "its Origin is accepted on state changes and the live stream.",
)
@click.option(
    "--behind-proxy",
    is_flag=True,
    help="Trust X-Forwarded-Proto/-For/-Host from a reverse proxy on this machine.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes sharing the port (each with its own service over the home).",
)
@pass_ctx
@handle_errors
def serve(
    ctx: Context,
    host: str,
    port: int,
    public_urls: tuple[str, ...],
    behind_proxy: bool,
    workers: int,
) -> None:
    """Serve the web app: pages, the REST API (/api/v1), live alerts (/api/v1/stream) and
    the Google Reader API, on http://HOST:PORT.

    Create a user first (`broadsheet user add NAME`). Session cookies are `__Host-`
    cookies, which browsers keep only over HTTPS or on loopback: off this machine, put
    a reverse proxy with TLS in front (see the README's "Web app").
    """
    import os

    import uvicorn

    from ..web import create_app
    from ..web.app import WORKER_ENV, worker_env

    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "proxy_headers": behind_proxy,
        "forwarded_allow_ips": "127.0.0.1,::1" if behind_proxy else None,
        "server_header": False,
        "timeout_graceful_shutdown": 3,
    }
    if workers > 1:
        ctx.service().close()  # the home made (and migrated) once, before the workers start
        os.environ[WORKER_ENV] = worker_env(
            ctx.settings, enrich=ctx.enrich, allowed_origins=public_urls, trust_proxy=behind_proxy
        )
        ctx.err.print(
            f"serving on http://{host}:{port} with {workers} processes  (Ctrl-C stops)",
            markup=False,
        )
        uvicorn.run("broadsheet.web.app:worker_app", factory=True, workers=workers, **options)
        return
    with ctx.service(follow=True) as svc:
        app = create_app(svc, allowed_origins=public_urls, trust_proxy=behind_proxy)
        ctx.err.print(f"serving on http://{host}:{port}  (Ctrl-C stops)", markup=False)
        uvicorn.run(app, **options)
