"""caucasus-kg: a knowledge graph of South Caucasus relations, with provenance for every fact.

>>> import caucasus_kg
>>> kg = caucasus_kg.KnowledgeGraph.open()
>>> kg.entity("Dyumin").label
'Alexei Dyumin'

The packages: ``caucasus_kg.graph`` (the core), ``caucasus_kg.ontology``,
``caucasus_kg.viz`` (pages), ``caucasus_kg.api`` (HTTP app and CLI).
"""

from importlib.metadata import PackageNotFoundError, version

from .graph import (
    CaucasusKGError,
    DataError,
    EntityNotFound,
    InvalidArgument,
    KnowledgeGraph,
    NoPath,
    QueryError,
    QueryRefused,
    QueryTimeout,
    QuoteNotFound,
    Settings,
    to_dict,
)

try:
    __version__ = version("caucasus-kg")
except PackageNotFoundError:  # pragma: no cover - running from an unpacked tree
    __version__ = "0.0.0"

__all__ = [
    "CaucasusKGError",
    "DataError",
    "EntityNotFound",
    "InvalidArgument",
    "KnowledgeGraph",
    "NoPath",
    "QueryError",
    "QueryRefused",
    "QueryTimeout",
    "QuoteNotFound",
    "Settings",
    "__version__",
    "to_dict",
]
