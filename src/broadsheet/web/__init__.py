"""The web app (``broadsheet serve``): server-rendered pages, a REST API under ``/api/v1``,
a live stream of alerts and stories (SSE), and the Google Reader API for news-reader apps.

It is a thin caller of the application service, like the command line: every page and
route calls one service method and shows (or returns) its view's ``to_json()`` form. It
never imports another interface (cli, tui).

    from broadsheet.web import create_app
    app = create_app(open_service(settings, follow=True))
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
