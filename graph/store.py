"""Store backends: embedded Oxigraph (default, in memory or on disk) and rdflib's Memory store.

Both keep every triple in the default graph and accept queries as strings.
Writes are atomic: data is parsed and checked in full before one transaction
adds it, so a bad file never leaves a half-written store.
"""

from __future__ import annotations

import functools
import itertools
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Identifier, Node

from .errors import DataError, QueryError
from .formats import RdfFormatSpec
from .model import QueryResult

__all__ = ["Backend", "MemoryBackend", "OxigraphBackend", "SerializedResult", "open_backend"]

Triple = tuple[Identifier, Identifier, Identifier]


class _Cancelled(Exception):
    """Raised inside a worker when the caller gave up on a query."""


class Deadline:
    """Stands for the cancel event of :meth:`Backend.query` when the query runs in the caller's thread.

    It is set once ``time.monotonic()`` passes ``seconds`` from now; the
    backend checks it between rows.
    """

    __slots__ = ("at",)

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def is_set(self) -> bool:
        return time.monotonic() > self.at


@dataclass(frozen=True)
class SerializedResult:
    """A query result already written in one format by the store's own serialiser.

    ``count`` is the number of rows (SELECT) or triples (CONSTRUCT/DESCRIBE)
    in ``data``; ``truncated`` is true when the row cap cut the result.
    """

    type: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    format: str  # short name in caucasus_kg.graph.formats
    media_type: str
    data: bytes
    truncated: bool = False
    count: int | None = None


class Backend(ABC):
    """What the KnowledgeGraph needs of a store."""

    name: str

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        prefixes: dict[str, str],
        max_rows: int,
        cancel: threading.Event,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> QueryResult:
        """Evaluate a query; ``default_graphs``/``named_graphs`` (IRIs) set its dataset."""

    def query_serialized(
        self,
        sparql: str,
        *,
        prefixes: dict[str, str],
        max_rows: int,
        format: str,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> SerializedResult:
        """Evaluate a query and write its result in ``format`` (a name of the formats registry).

        This default goes through :class:`QueryResult` and rdflib's serialisers;
        backends with faster native serialisers override it.
        """
        from .formats import serialize_result

        dataset = {k: v for k, v in (("default_graphs", default_graphs), ("named_graphs", named_graphs)) if v}
        result = self.query(sparql, prefixes=prefixes, max_rows=max_rows, cancel=threading.Event(), **dataset)
        data = serialize_result(result, format)
        spec = _format_spec(result.type, format)
        return SerializedResult(result.type, spec.name, spec.media_type, data, result.truncated,
                                None if result.type == "ASK" else len(result))

    @abstractmethod
    def update(self, sparql: str, *, prefixes: dict[str, str]) -> None: ...

    @abstractmethod
    def add(self, triples: Iterable[Triple]) -> None:
        """Add all triples in one transaction."""

    @abstractmethod
    def remove(self, triples: Iterable[Triple]) -> None:
        """Remove all triples in one transaction."""

    @abstractmethod
    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[Triple]: ...

    @abstractmethod
    def serialize(self, spec: RdfFormatSpec, *, prefixes: dict[str, str]) -> bytes: ...

    @property
    @abstractmethod
    def rdflib_graph(self) -> Graph:
        """An rdflib view of the default graph (for pySHACL and rdflib users)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        pass

    def load_documents(self, documents: list[tuple[bytes, RdfFormatSpec, str, str | None]]) -> None:
        """Add RDF documents ``(data, format, source name, base IRI)``: all are parsed, then added in one transaction."""
        triples: list[Triple] = []
        for data, spec, source, base_iri in documents:
            triples.extend(self.parse(data, spec, source=source, base_iri=base_iri))
        if triples:
            self.add(triples)

    def parse(self, data: bytes, spec: RdfFormatSpec, *, source: str, base_iri: str | None = None) -> list[Triple]:
        """Parse RDF bytes to triples with Oxigraph's parsers; quads lose their graph name.

        Raises DataError naming ``source`` and the line on malformed input.
        """
        try:
            quads = list(ox.parse(data, format=spec.oxigraph, base_iri=base_iri))
        except SyntaxError as exc:
            raise DataError(f"{source}: malformed {spec.name}: {_syntax_message(exc)}") from None
        except (ValueError, OSError) as exc:
            raise DataError(f"{source}: cannot read as {spec.name}: {exc}") from None
        return [(_from_ox(q.subject), _from_ox(q.predicate), _from_ox(q.object)) for q in quads]


def _syntax_message(exc: SyntaxError) -> str:
    text = str(exc.msg if getattr(exc, "msg", None) else exc)
    if getattr(exc, "lineno", None):
        return f"line {exc.lineno}: {text}"
    return text


def _from_ox(term: object) -> Identifier:
    kind = type(term)
    if kind is ox.NamedNode:
        return _uri(term.value)
    if kind is ox.Literal:
        return _literal(term.value, term.language, term.datatype.value)
    if kind is ox.BlankNode:
        return BNode(term.value)
    raise DataError(f"unsupported RDF term {term!r} (RDF-star triples are not supported)")


# rdflib terms are immutable, so equal terms can be shared. Building them is the
# cost of a result with many rows (a typed literal parses its value: 18 µs for a
# date, against 0.2 µs to look one up), and results repeat terms: dates, types,
# the entities of a neighbourhood.
@functools.lru_cache(maxsize=1 << 16)
def _uri(value: str) -> URIRef:
    return URIRef(value)


@functools.lru_cache(maxsize=1 << 16)
def _literal(value: str, language: str | None, datatype: str) -> Literal:
    if language:
        return Literal(value, lang=language)
    return Literal(value, datatype=_uri(datatype))


def _to_ox(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


class OxigraphBackend(Backend):
    """Embedded Oxigraph: in memory, or persisted in ``path``."""

    name = "oxigraph"

    def __init__(self, path: Path | None = None) -> None:
        try:
            self.store = ox.Store(str(path)) if path is not None else ox.Store()
        except OSError as exc:
            raise DataError(f"{path}: cannot open the store: {exc}") from None
        self.path = path
        self._rdflib: Graph | None = None

    def __len__(self) -> int:
        return len(self.store)

    def query(
        self,
        sparql: str,
        *,
        prefixes: dict[str, str],
        max_rows: int,
        cancel: threading.Event | Deadline,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> QueryResult:
        result = None
        error: QueryError | None = None
        try:
            result = self.store.query(sparql, prefixes=prefixes, **_ox_dataset(default_graphs, named_graphs))
            if isinstance(result, ox.QueryBoolean):
                return QueryResult("ASK", boolean=bool(result))
            if isinstance(result, ox.QuerySolutions):
                variables = tuple(v.value for v in result.variables)
                rows = []
                for solution in result:
                    if cancel.is_set():
                        raise _Cancelled
                    if len(rows) == max_rows:
                        return QueryResult("SELECT", variables, tuple(rows), truncated=True)
                    rows.append(tuple(None if term is None else _from_ox(term) for term in solution))
                return QueryResult("SELECT", variables, tuple(rows))
            kind = "DESCRIBE" if _is_describe(sparql) else "CONSTRUCT"
            triples = []
            for triple in result:
                if cancel.is_set():
                    raise _Cancelled
                if len(triples) == max_rows:
                    return QueryResult(kind, triples=tuple(triples), truncated=True)
                triples.append((_from_ox(triple.subject), _from_ox(triple.predicate), _from_ox(triple.object)))
            return QueryResult(kind, triples=tuple(triples))
        except SyntaxError as exc:
            error = QueryError(f"malformed SPARQL query: {exc}")
        except (OSError, RuntimeError) as exc:  # evaluation errors surface while iterating
            error = QueryError(f"query failed: {exc}")
        finally:
            result = None  # pyoxigraph's lazy results must be dropped on the thread that made them
        raise error  # outside the handlers: no traceback keeps the results alive

    def query_serialized(
        self,
        sparql: str,
        *,
        prefixes: dict[str, str],
        max_rows: int,
        format: str,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        deadline: float | None = None,
    ) -> SerializedResult:
        """Oxigraph's own serialisers, fed lazily: the cap stops evaluation at ``max_rows + 1`` rows.

        SELECT solutions stream into Oxigraph's TSV writer (one line per row, by
        the standard), which is stopped after the row cap, or with ``_Cancelled``
        at the first write past ``deadline`` (a ``time.monotonic()`` value); the
        kept lines are parsed back and written in the wanted format.
        CONSTRUCT/DESCRIBE triples are taken up to the cap and written by
        Oxigraph's RDF serialisers.
        """
        from .formats import rdf_format, result_format

        result = parsed = None
        error: QueryError | None = None
        try:
            result = self.store.query(sparql, prefixes=prefixes, **_ox_dataset(default_graphs, named_graphs))
            if isinstance(result, ox.QueryBoolean):
                spec = result_format(format)
                return SerializedResult("ASK", spec.name, spec.media_type, result.serialize(format=spec.oxigraph))
            if isinstance(result, ox.QuerySolutions):
                spec = result_format(format)
                tsv, count, truncated = _capped_tsv(result, max_rows, deadline)
                if spec.name != "tsv":
                    parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
                    tsv = parsed.serialize(format=spec.oxigraph)
                return SerializedResult("SELECT", spec.name, spec.media_type, tsv, truncated, count)
            kind = "DESCRIBE" if _is_describe(sparql) else "CONSTRUCT"
            spec = rdf_format(format)
            triples = list(itertools.islice(result, max_rows + 1))
            truncated = len(triples) > max_rows
            del triples[max_rows:]
            kwargs = {"prefixes": prefixes} if spec.name in ("ttl", "trig", "xml", "jsonld") else {}
            data = ox.serialize(triples, format=spec.oxigraph, **kwargs)
            return SerializedResult(kind, spec.name, spec.media_type, data, truncated, len(triples))
        except SyntaxError as exc:
            error = QueryError(f"malformed SPARQL query: {exc}")
        except (OSError, RuntimeError) as exc:  # evaluation errors surface while iterating
            error = QueryError(f"query failed: {exc}")
        finally:
            result = parsed = None  # dropped on this thread (see query)
        raise error

    def load_documents(self, documents: list[tuple[bytes, RdfFormatSpec, str, str | None]]) -> None:
        """Validate every document by streaming Oxigraph's parser (nothing kept), then let Oxigraph load them.

        No Python term is built, which keeps loading a million triples far below the memory of
        parsing into a list first. Each document is one transaction; as all were parsed
        successfully before the first is written, only an I/O failure could stop part-way.
        Quad formats are merged into the default graph.
        """
        for data, spec, source, base_iri in documents:
            try:
                for _ in ox.parse(data, format=spec.oxigraph, base_iri=base_iri):
                    pass
            except SyntaxError as exc:
                raise DataError(f"{source}: malformed {spec.name}: {_syntax_message(exc)}") from None
            except (ValueError, OSError) as exc:
                raise DataError(f"{source}: cannot read as {spec.name}: {exc}") from None
        for data, spec, _source, base_iri in documents:
            if spec.name in ("nq", "trig"):
                quads = ox.parse(data, format=spec.oxigraph, base_iri=base_iri)
                self.store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
            else:
                self.store.load(data, format=spec.oxigraph, base_iri=base_iri, to_graph=ox.DefaultGraph())

    def update(self, sparql: str, *, prefixes: dict[str, str]) -> None:
        try:
            self.store.update(sparql, prefixes=prefixes)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL update: {exc}") from None
        except (OSError, RuntimeError) as exc:  # e.g. DROP of a graph that does not exist
            raise QueryError(f"update failed: {exc}") from None

    def add(self, triples: Iterable[Triple]) -> None:
        self.store.extend(ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), ox.DefaultGraph()) for s, p, o in triples)

    def remove(self, triples: Iterable[Triple]) -> None:
        quads = [ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), ox.DefaultGraph()) for s, p, o in triples]
        if not quads:
            return
        # One DELETE DATA is one transaction; blank nodes cannot be named in it, so remove those one by one.
        named = [q for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)]
        if named:
            body = " .\n".join(f"{q.subject} {q.predicate} {q.object}" for q in named)
            self.store.update(f"DELETE DATA {{ {body} }}")
        for quad in quads:
            if quad not in named:
                self.store.remove(quad)

    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[Triple]:
        s, p, o = (None if t is None else _to_ox(t) for t in pattern)
        for quad in self.store.quads_for_pattern(s, p, o, ox.DefaultGraph()):
            yield _from_ox(quad.subject), _from_ox(quad.predicate), _from_ox(quad.object)

    def serialize(self, spec: RdfFormatSpec, *, prefixes: dict[str, str]) -> bytes:
        kwargs = {"prefixes": prefixes} if spec.name in ("ttl", "trig", "xml", "jsonld") else {}
        if spec.name in ("nq", "trig"):
            return self.store.dump(format=spec.oxigraph, **kwargs)
        return self.store.dump(format=spec.oxigraph, from_graph=ox.DefaultGraph(), **kwargs)

    @property
    def rdflib_graph(self) -> Graph:
        if self._rdflib is None:
            from oxrdflib import OxigraphStore

            self._rdflib = Graph(store=OxigraphStore(store=self.store), identifier=DATASET_DEFAULT_GRAPH_ID)
        return self._rdflib

    def close(self) -> None:
        if self.store is None:
            return
        if self.path is not None:
            self.store.flush()
        # Dropping the last reference releases an on-disk store's lock for the next opener.
        self._rdflib = None
        self.store = None


class MemoryBackend(Backend):
    """rdflib's Memory store, with rdflib's SPARQL engine."""

    name = "memory"

    def __init__(self) -> None:
        self.graph = Graph(identifier=DATASET_DEFAULT_GRAPH_ID)

    def __len__(self) -> int:
        return len(self.graph)

    def query(
        self,
        sparql: str,
        *,
        prefixes: dict[str, str],
        max_rows: int,
        cancel: threading.Event,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> QueryResult:
        from pyparsing import ParseException

        if default_graphs or named_graphs:
            raise QueryError("the memory backend holds no named graphs: default-graph-uri and named-graph-uri cannot be used")
        try:
            result = self.graph.query(sparql, initNs=prefixes)
            if result.type == "ASK":
                return QueryResult("ASK", boolean=bool(result.askAnswer))
            if result.type == "SELECT":
                variables = tuple(str(v) for v in result.vars or ())
                rows = []
                for row in result:
                    if cancel.is_set():
                        raise _Cancelled
                    if len(rows) == max_rows:
                        return QueryResult("SELECT", variables, tuple(rows), truncated=True)
                    rows.append(tuple(row))
                return QueryResult("SELECT", variables, tuple(rows))
            kind = "DESCRIBE" if _is_describe(sparql) else "CONSTRUCT"
            triples = tuple(result.graph)
            if len(triples) > max_rows:
                return QueryResult(kind, triples=triples[:max_rows], truncated=True)
            return QueryResult(kind, triples=triples)
        except ParseException as exc:
            raise QueryError(f"malformed SPARQL query: {exc}") from None
        except (_Cancelled, QueryError):
            raise
        except Exception as exc:  # rdflib's evaluator raises many kinds for bad queries
            raise QueryError(f"query failed: {type(exc).__name__}: {exc}") from None

    def update(self, sparql: str, *, prefixes: dict[str, str]) -> None:
        from pyparsing import ParseException

        # rdflib applies updates step by step: run on a copy, then swap, so a failure changes nothing.
        work = Graph(identifier=DATASET_DEFAULT_GRAPH_ID)
        work += self.graph
        try:
            work.update(sparql, initNs=prefixes)
        except ParseException as exc:
            raise QueryError(f"malformed SPARQL update: {exc}") from None
        except Exception as exc:
            raise QueryError(f"update failed: {type(exc).__name__}: {exc}") from None
        self.graph = work

    def add(self, triples: Iterable[Triple]) -> None:
        self.graph.addN((s, p, o, self.graph) for s, p, o in list(triples))

    def remove(self, triples: Iterable[Triple]) -> None:
        for triple in list(triples):
            self.graph.remove(triple)

    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[Triple]:
        return iter(self.graph.triples(pattern))

    def serialize(self, spec: RdfFormatSpec, *, prefixes: dict[str, str]) -> bytes:
        graph = self.graph
        for prefix, ns in prefixes.items():
            graph.bind(prefix, ns)
        return graph.serialize(format=spec.rdflib_name, encoding="utf-8")

    @property
    def rdflib_graph(self) -> Graph:
        return self.graph


def _ox_dataset(default_graphs: Sequence[str], named_graphs: Sequence[str]) -> dict[str, object]:
    """Oxigraph's keywords for a query dataset given by IRIs (the SPARQL Protocol's graph parameters)."""
    kwargs: dict[str, object] = {}
    if default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    if named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    return kwargs


class _RowCap(Exception):
    """Stops Oxigraph's TSV writer once the row cap is passed."""


class _TsvSink:
    """A binary writer that keeps the header line and at most ``max_rows`` rows of a TSV result."""

    def __init__(self, max_rows: int, deadline: float | None = None) -> None:
        self.limit = max_rows + 1  # the header line, then the rows
        self.deadline = deadline
        self.lines = 0
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise _Cancelled
        chunk = bytes(data)
        self.chunks.append(chunk)
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            raise _RowCap
        return len(chunk)

    def flush(self) -> None:
        pass


def _capped_tsv(result: ox.QuerySolutions, max_rows: int, deadline: float | None = None) -> tuple[bytes, int, bool]:
    """(TSV of at most ``max_rows`` rows, their number, whether rows were cut)."""
    sink = _TsvSink(max_rows, deadline)
    truncated = False
    try:
        result.serialize(sink, format=ox.QueryResultsFormat.TSV)
    except _RowCap:
        truncated = True
    data = b"".join(sink.chunks)
    if truncated:
        cut = -1
        for _ in range(sink.limit):
            cut = data.index(b"\n", cut + 1)
        data = data[: cut + 1]
    count = max(0, data.count(b"\n") - 1)
    return data, count, truncated


def _format_spec(kind: str, format: str):  # -> RdfFormatSpec | ResultFormatSpec
    from .formats import rdf_format, result_format

    return rdf_format(format) if kind in ("CONSTRUCT", "DESCRIBE") else result_format(format)


def _is_describe(sparql: str) -> bool:
    from .sparql_guard import query_form

    return query_form(sparql) == "DESCRIBE"


def open_backend(name: str, path: Path | None = None) -> Backend:
    """Open a store backend by name: ``'oxigraph'`` (optionally on disk) or ``'memory'``."""
    if name == "oxigraph":
        return OxigraphBackend(path)
    if name == "memory":
        if path is not None:
            raise DataError("the memory backend cannot persist to a directory; use the oxigraph backend")
        return MemoryBackend()
    raise DataError(f"unknown store backend {name!r}")
