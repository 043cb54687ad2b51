"""The one table that maps core exceptions to HTTP status codes and CLI exit codes.

Over HTTP every error, from the core or from the protocol (unknown route, wrong
method, unacceptable ``Accept``, unsupported body type, body too large, invalid
parameter, missing token), has one JSON shape::

    {"error": {"status": 400, "code": "query_error", "message": "malformed SPARQL query: ..."}}

``code`` is a stable name: the core exception's (``query_error``,
``query_refused``, ``query_timeout``, ``entity_not_found``, ...) or the HTTP
condition's (``not_found``, ``method_not_allowed``, ``not_acceptable``, ...).
:func:`install_error_handlers` installs the handlers on an app; FastAPI and
Starlette are imported there, so the CLI that uses the tables does not load them.
"""

from __future__ import annotations

import logging
from typing import Any

from ..graph import errors as e

__all__ = [
    "EXIT_CODES",
    "HTTP_CODES",
    "HTTP_STATUS",
    "HTTPError",
    "error_body",
    "error_code",
    "exit_code",
    "http_status",
    "install_error_handlers",
]

_log = logging.getLogger("caucasus_kg.api")

# Most specific first: the first class an exception is an instance of wins.
HTTP_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (e.EntityNotFound, 404),
    (e.NoPath, 404),
    (e.QueryRefused, 400),
    (e.QueryError, 400),
    (e.QueryTimeout, 503),
    (e.QuoteNotFound, 422),
    (e.DataError, 422),
    (e.InvalidArgument, 400),
    (e.ReadOnlyError, 403),
    (e.CaucasusKGError, 400),
)

EXIT_CODES: tuple[tuple[type[Exception], int], ...] = (
    (e.InvalidArgument, 2),
    (e.DataError, 3),
    (e.QueryError, 4),
    (e.QueryTimeout, 5),
    (e.EntityNotFound, 6),
    (e.NoPath, 7),
    (e.ReadOnlyError, 8),
    (e.CaucasusKGError, 2),
)
"""CLI exit codes; 0 is success, 1 means a negative answer (``ckg validate``: does not conform)."""


def _lookup(table: tuple[tuple[type[Exception], int], ...], exc: BaseException, default: int) -> int:
    for cls, code in table:
        if isinstance(exc, cls):
            return code
    return default


def http_status(exc: BaseException) -> int:
    """The HTTP status of a core exception (500 for anything unexpected)."""
    return _lookup(HTTP_STATUS, exc, 500)


def exit_code(exc: BaseException) -> int:
    """The CLI exit code of a core exception (70, EX_SOFTWARE, for anything unexpected)."""
    return _lookup(EXIT_CODES, exc, 70)


def error_code(exc: BaseException) -> str:
    """A stable machine-readable name of the error, e.g. ``entity_not_found``."""
    import re

    name = type(exc).__name__ if isinstance(exc, e.CaucasusKGError) else "InternalError"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


HTTP_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable_entity",
    500: "internal_error",
    503: "service_unavailable",
}
"""Error codes of protocol-level HTTP errors (those that are not core exceptions)."""


class HTTPError(Exception):
    """A protocol-level error raised by a route: status, message, an optional code and headers."""

    def __init__(self, status: int, message: str, *, code: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or HTTP_CODES.get(status, "error")
        self.headers = headers or {}


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    """The one JSON shape of every error response.

    Examples
    --------
    >>> error_body(404, "not_found", "no route GET /nowhere")
    {'error': {'status': 404, 'code': 'not_found', 'message': 'no route GET /nowhere'}}
    """
    return {"error": {"status": status, "code": code, "message": message}}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None):  # -> JSONResponse
    """A JSON response of :func:`error_body`."""
    from starlette.responses import JSONResponse

    return JSONResponse(error_body(status, code, message), status_code=status, headers=headers)


def install_error_handlers(app: Any) -> None:
    """Make every error of ``app`` a JSON response of one shape (see the module docstring)."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    async def core_error(request: Any, exc: Exception):
        return error_response(http_status(exc), error_code(exc), str(exc))

    async def route_error(request: Any, exc: Exception):
        assert isinstance(exc, HTTPError)
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    async def http_error(request: Any, exc: Exception):
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        if status == 404 and exc.detail == "Not Found":
            message = f"no route {request.method} {request.url.path}"
        elif status == 405 and exc.detail == "Method Not Allowed":
            message = f"{request.method} is not allowed on {request.url.path}"
        else:
            message = str(exc.detail)
        return error_response(status, HTTP_CODES.get(status, "error"), message, getattr(exc, "headers", None))

    async def validation_error(request: Any, exc: Exception):
        assert isinstance(exc, RequestValidationError)
        problems = []
        for err in exc.errors():
            where = [str(part) for part in err.get("loc", ())]
            kind = {"query": "query parameter", "path": "path parameter", "body": "body", "header": "header"}.get(
                where[0] if where else "", "parameter"
            )
            name = ".".join(where[1:]) if len(where) > 1 else ""
            problems.append(f"{kind} {name!r}: {err.get('msg', 'invalid')}" if name else f"{kind}: {err.get('msg')}")
        return error_response(400, "invalid_argument", "; ".join(problems) or "invalid request")

    async def internal_error(request: Any, exc: Exception):
        _log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal_error", f"internal error ({type(exc).__name__}); see the server log")

    app.add_exception_handler(e.CaucasusKGError, core_error)
    app.add_exception_handler(HTTPError, route_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, internal_error)
