"""Settings: one frozen object, built at the edge (CLI flags, ``CKG_*`` environment) and passed down."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import InvalidArgument

__all__ = ["Settings"]


def _setting(default: Any, help: str, **kw: Any) -> Any:
    if isinstance(default, (list, dict, set)):
        raise TypeError("use a tuple for sequence defaults")
    return field(default=default, metadata={"help": help, **kw})


@dataclass(frozen=True)
class Settings:
    """Every tunable of caucasus-kg. Each field maps to the environment variable ``CKG_<NAME>``."""

    store: Path | None = _setting(None, "Directory of an on-disk Oxigraph store; created and initialised with the bundled graph when new. Unset: the bundled graph in memory.")
    backend: str = _setting("oxigraph", "Store engine: 'oxigraph' (embedded Oxigraph via oxrdflib) or 'memory' (rdflib's Memory store).")
    sparql_endpoint: str | None = _setting(None, "URL of an external SPARQL 1.1 query endpoint to use instead of the embedded store.")
    update_endpoint: str | None = _setting(None, "URL of the external SPARQL 1.1 update endpoint (with sparql_endpoint).")
    host: str = _setting("127.0.0.1", "Address the server binds; loopback unless you ask otherwise.")
    port: int = _setting(8000, "Port the server listens on.")
    query_timeout: float = _setting(5.0, "Wall-clock limit of one SPARQL query or analytics call, in seconds.")
    query_workers: int | None = _setting(None, "Worker processes that evaluate SPARQL queries, so that a query past its time limit is killed, not abandoned. Unset: 2 in the HTTP server, none in the library and the CLI (queries run in threads there). 0: never.")
    max_rows: int = _setting(10_000, "Most result rows returned by one query; the response says when it was cut.")
    max_body_bytes: int = _setting(1_048_576, "Largest accepted HTTP request body, in bytes.")
    update_token: str | None = _setting(None, "Bearer token that enables SPARQL Update and Graph Store writes. Unset: writes are refused.")
    allow_service: bool = _setting(False, "Allow SPARQL SERVICE, LOAD and FROM/USING of graphs outside the store (off: refused with an error).")
    cors_origins: tuple[str, ...] = _setting((), "Origins allowed by CORS, comma-separated. Empty: CORS off. Credentials are never allowed with '*'.")
    viz_physics_max_nodes: int = _setting(300, "Pages with more nodes than this get server-side positions and no physics.")

    def __post_init__(self) -> None:
        if self.backend not in ("oxigraph", "memory"):
            raise InvalidArgument(f"backend must be 'oxigraph' or 'memory', not {self.backend!r}")
        if self.query_workers is not None and self.query_workers < 0:
            raise InvalidArgument(f"query_workers must be 0 or more, not {self.query_workers!r}")
        for name in ("query_timeout", "max_rows", "max_body_bytes", "port"):
            if getattr(self, name) <= 0:
                raise InvalidArgument(f"{name} must be positive, not {getattr(self, name)!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``CKG_*`` variables, then apply explicit overrides (None means unset)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(cls.env_name(f.name))
            if raw is not None and raw != "":
                values[f.name] = _convert(f, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @staticmethod
    def env_name(name: str) -> str:
        return "CKG_" + name.upper()

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @classmethod
    def documentation(cls) -> list[tuple[str, str, str]]:
        """(environment variable, default, help) for every setting, in declaration order."""
        return [(cls.env_name(f.name), repr(f.default), f.metadata["help"]) for f in fields(cls)]


def _convert(f: dataclasses.Field, raw: str) -> Any:
    kind = str(f.type)
    try:
        if "bool" in kind:
            if raw.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(raw)
            return raw.lower() in ("1", "true", "yes", "on")
        if "int" in kind:
            return int(raw)
        if "float" in kind:
            return float(raw)
        if "tuple" in kind:
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        if "Path" in kind:
            return Path(raw)
    except ValueError:
        raise InvalidArgument(f"{Settings.env_name(f.name)}={raw!r} is not a valid {kind}") from None
    return raw
