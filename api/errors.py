"""The one table that maps core exceptions to HTTP status codes and CLI exit codes."""

from __future__ import annotations

from ..graph import errors as e

__all__ = ["EXIT_CODES", "HTTP_STATUS", "error_code", "exit_code", "http_status"]

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
