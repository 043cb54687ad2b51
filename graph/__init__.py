"""The core of caucasus-kg: the KnowledgeGraph, its errors, settings and serialisation.

It knows nothing of HTTP, HTML or the terminal (a test pins that).
"""

from .errors import (
    CaucasusKGError,
    DataError,
    EntityNotFound,
    InvalidArgument,
    NoPath,
    QueryError,
    QueryRefused,
    QueryTimeout,
    QuoteNotFound,
    ReadOnlyError,
)
from . import analysis
from .knowledge_graph import KnowledgeGraph, claim_iri, time_literal
from .model import Claim, Entity, EntityRef, Fact, QueryResult, Stats
from .serialization import to_dict, to_json
from .settings import Settings
from .validation import ValidationProblem, ValidationReport

__all__ = [
    "CaucasusKGError",
    "Claim",
    "DataError",
    "Entity",
    "EntityNotFound",
    "EntityRef",
    "Fact",
    "InvalidArgument",
    "KnowledgeGraph",
    "NoPath",
    "QueryError",
    "QueryRefused",
    "QueryResult",
    "QueryTimeout",
    "QuoteNotFound",
    "ReadOnlyError",
    "Settings",
    "Stats",
    "ValidationProblem",
    "ValidationReport",
    "analysis",
    "claim_iri",
    "time_literal",
    "to_dict",
    "to_json",
]
