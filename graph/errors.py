"""Domain exceptions of caucasus-kg.

The core raises these and knows nothing of HTTP status codes or exit codes;
``caucasus_kg.api`` maps them once to each::

    CaucasusKGError
    ├── EntityNotFound        an actor, place or IRI the graph does not hold
    ├── NoPath                two entities exist but are not connected under the filters
    ├── QueryError            malformed or unsupported SPARQL
    │   └── QueryRefused      SERVICE, LOAD, or a graph outside the store, while not enabled
    ├── QueryTimeout          a query ran past its time limit and was stopped
    ├── DataError             a file or a claim that cannot be accepted
    │   └── QuoteNotFound     a claim's quote does not occur in its source
    ├── InvalidArgument       a parameter outside its allowed values (format, metric, date, ...)
    └── ReadOnlyError         a write to a graph that does not accept writes
"""

from __future__ import annotations

__all__ = [
    "CaucasusKGError",
    "DataError",
    "EntityNotFound",
    "InvalidArgument",
    "NoPath",
    "QueryError",
    "QueryRefused",
    "QueryTimeout",
    "QuoteNotFound",
    "ReadOnlyError",
]


class CaucasusKGError(Exception):
    """Base of every error the core raises on purpose."""


class EntityNotFound(CaucasusKGError, LookupError):
    """No entity matches the given IRI, id, label or alias."""

    def __init__(self, ref: str, message: str | None = None) -> None:
        self.ref = ref
        super().__init__(message or f"no entity matches {ref!r}")


class NoPath(CaucasusKGError):
    """Both entities exist but no path links them under the given filters."""

    def __init__(self, source: str, target: str, message: str | None = None) -> None:
        self.source, self.target = source, target
        super().__init__(message or f"no path from {source!r} to {target!r}")


class QueryError(CaucasusKGError, ValueError):
    """A SPARQL query or update that cannot be parsed or run."""


class QueryRefused(QueryError):
    """A query that uses SERVICE, LOAD or an outside graph while these are not enabled."""


class QueryTimeout(CaucasusKGError, TimeoutError):
    """A query that ran past its time limit."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"query stopped after its time limit of {seconds:g} s")


class DataError(CaucasusKGError, ValueError):
    """Input data that cannot be loaded or accepted; nothing was changed."""


class QuoteNotFound(DataError):
    """A claim's quote does not occur verbatim in its source text."""


class InvalidArgument(CaucasusKGError, ValueError):
    """A parameter outside its allowed values."""


class ReadOnlyError(CaucasusKGError):
    """A write to a graph opened read-only."""
