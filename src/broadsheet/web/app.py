"""The app factory: one FastAPI app over one (following) application service."""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import BroadsheetError
from .errors import WebError, code_for, error_body, status_for
from .render import safe_url, text
from .security import LoginRequired, SecurityHeaders

__all__ = ["WORKER_ENV", "create_app", "worker_app", "worker_env"]

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
_JSON_PREFIXES = ("/api/", "/reader/", "/accounts/", "/openapi.json")


def create_app(
    service: Any,
    *,
    allowed_origins: tuple[str, ...] = (),
    trust_proxy: bool = False,
    heartbeat: float = 15.0,
    reader_key: bytes | None = None,
) -> FastAPI:
    """The web app over ``service`` (opened with ``follow=True`` so alerts fire live).

    ``allowed_origins``: other origins the browser pages may be served from (a reverse
    proxy's public address); ``trust_proxy``: believe X-Forwarded-Host/Proto from it;
    ``reader_key``: the key of the Reader API's edit tokens (the same in every worker
    process; a fresh one otherwise).
    """
    from . import api, pages, reader, stream

    app = FastAPI(
        title="Broadsheet",
        version=_version(),
        description="News and markets, read like an analyst: the REST API of `broadsheet "
        "serve`. Every resource has the same JSON form as the command line's "
        '`--format json`. Errors are `{"error": {"code", "message"}}`.',
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.svc = service
    app.state.allowed_origins = frozenset(o.rstrip("/") for o in allowed_origins)
    app.state.trust_proxy = trust_proxy
    app.state.heartbeat = heartbeat
    app.state.reader_key = reader_key or secrets.token_bytes(32)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    templates.env.auto_reload = False  # no stat() of each template file on every page
    templates.env.globals.update(t=text, u=safe_url)
    app.state.templates = templates
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    # the pages first: most requests are pages, and a request is matched against the routes
    # in this order (no two routers share a path)
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(stream.router)
    app.include_router(reader.router)
    _errors(app)
    return app


# ------------------------------------------------------------------ serve --workers N

WORKER_ENV = "_BROADSHEET_SERVE_WORKER"  # what a worker process is to serve (JSON)


def worker_env(
    settings: Any, *, enrich: bool, allowed_origins: tuple[str, ...], trust_proxy: bool
) -> str:
    """The ``WORKER_ENV`` value from which each worker process of ``serve --workers N``
    builds the same app: the settings, and one Reader API key for all of them."""
    return json.dumps(
        {
            "settings": settings.model_dump(mode="json"),
            "enrich": enrich,
            "allowed_origins": list(allowed_origins),
            "trust_proxy": trust_proxy,
            "reader_key": secrets.token_hex(32),
        }
    )


def worker_app() -> FastAPI:
    """The app of one worker process (uvicorn's factory): its own following service over
    the home, closed when the worker stops. Several processes may serve one home: sessions
    live in the store, and each process's percolator publishes every new inbox item, its
    own and the other processes', on its own live stream."""
    from ..config import Settings
    from ..service import open_service

    spec = json.loads(os.environ[WORKER_ENV])
    service = open_service(
        Settings.model_validate(spec["settings"]), enrich=spec["enrich"], follow=True
    )
    app = create_app(
        service,
        allowed_origins=tuple(spec["allowed_origins"]),
        trust_proxy=bool(spec["trust_proxy"]),
        reader_key=bytes.fromhex(spec["reader_key"]),
    )

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        try:
            yield
        finally:
            service.close()

    app.router.lifespan_context = lifespan
    return app


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("broadsheet")
    except Exception:  # pragma: no cover - not installed
        return "0"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(_JSON_PREFIXES)


def _error_response(
    request: Request, status: int, code: str, message: str, extra: dict[str, Any] | None = None
) -> Response:
    headers: dict[str, str] = {}
    if status == 401 and request.url.path.startswith("/api/"):
        headers["WWW-Authenticate"] = 'Bearer realm="broadsheet"'
    if status == 401 and request.url.path.startswith("/reader/"):
        headers["X-Reader-Google-Bad-Token"] = "true"
    if _wants_json(request):
        return JSONResponse(error_body(code, message, extra), status_code=status, headers=headers)
    templates: Jinja2Templates = request.app.state.templates
    principal = getattr(request.state, "principal", None)
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "status": status,
            "code": code,
            "message": message,
            "me": principal,
            "csrf": principal.csrf if principal else "",
        },
        status_code=status,
        headers=headers,
    )


def _errors(app: FastAPI) -> None:
    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError) -> Response:
        return _error_response(request, exc.status, exc.code, exc.message, exc.extra)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(BroadsheetError)
    async def broadsheet_error(request: Request, exc: BroadsheetError) -> Response:
        status, code, extra = status_for(exc)
        if status >= 500:
            log.error("request failed: %s", exc, exc_info=exc)
        return _error_response(request, status, code, str(exc), extra)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            problems.append(f"{where}: {err.get('msg', 'invalid')}")
        return _error_response(request, 422, "invalid_request", "; ".join(problems) or "invalid")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail) if exc.detail else "error"
        return _error_response(request, exc.status_code, code_for(exc.status_code), message)
