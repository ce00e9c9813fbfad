"""What the pages, the REST API and the Reader API share: the service behind the app and the
admin check."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from fastapi import Request

from .errors import WebError
from .security import Principal

if TYPE_CHECKING:
    from ..service import Service

__all__ = ["require_admin", "service"]


def service(request: Request) -> Service:
    """The application service the app was made over."""
    return cast("Service", request.app.state.svc)


def require_admin(principal: Principal) -> None:
    """403 unless the user is an admin."""
    if not principal.user.admin:
        raise WebError(403, "forbidden", "only an admin may do that")
