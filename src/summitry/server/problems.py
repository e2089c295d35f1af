"""API errors: one exception per HTTP status, rendered as ``{"error": "..."}``.

Routes raise these; :func:`install_handlers` turns them (and FastAPI's own 404, 405 and
validation errors, and anything unexpected) into JSON with the right status.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = [
    "ApiError",
    "BadRequest",
    "Conflict",
    "Forbidden",
    "InvalidScenario",
    "NotFound",
    "TooLarge",
    "TooManyRequests",
    "Unauthorized",
    "install_handlers",
]

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error answered to the client as ``{"error": message}`` with ``status``."""

    status = 500

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers


class BadRequest(ApiError):
    """400: the request is malformed (not JSON, a missing or wrong field)."""

    status = 400


class Unauthorized(ApiError):
    """401: no token, or a token this session does not know (forged, revoked, another session's)."""

    status = 401


class Forbidden(ApiError):
    """403: a valid token that may not do this (an observer acting, a party reading the admin's routes)."""

    status = 403


class NotFound(ApiError):
    """404: no such session (or route)."""

    status = 404


class Conflict(ApiError):
    """409: not allowed now (not your turn, an illegal action, the negotiation is over or not yet)."""

    status = 409


class TooLarge(ApiError):
    """413: the body, a text or a scenario's outcome space is too large."""

    status = 413


class InvalidScenario(ApiError):
    """422: the scenario could not be read or does not fit the session asked for."""

    status = 422


class TooManyRequests(ApiError):
    """429: too many requests from this client or token; retry after the given seconds."""

    status = 429


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """Return the JSON error response ``{"error": message}``."""
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def install_handlers(app: FastAPI) -> None:
    """Make every error the app answers a JSON ``{"error": ...}``."""

    async def api_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)  # reason: registered for ApiError only
        return error_response(exc.status, exc.message, exc.headers)

    async def http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)  # reason: registered for it only
        message = {404: "not found", 405: "method not allowed"}.get(exc.status_code, str(exc.detail))
        return error_response(exc.status_code, message, getattr(exc, "headers", None))

    async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)  # reason: registered for it only
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        return error_response(400, f"{where}: {first.get('msg', 'invalid request')}")

    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return error_response(500, "internal error (logged on the server)")

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected)
