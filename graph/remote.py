"""An external SPARQL 1.1 server as the store, spoken to through the SPARQL 1.1 Protocol.

:class:`RemoteBackend` implements the :class:`~caucasus_kg.graph.store.Backend`
interface over HTTP with the standard library's ``http.client`` (no extra
dependency), so every part of caucasus-kg built on :class:`KnowledgeGraph` runs
unchanged over Oxigraph server, Fuseki, GraphDB, Virtuoso or any other SPARQL
1.1 server::

    KnowledgeGraph.query     POST <query endpoint>   application/sparql-query
        SELECT               <- text/tab-separated-values (or SPARQL JSON/XML), parsed as it streams
        ASK                  <- application/sparql-results+json
        CONSTRUCT/DESCRIBE   <- application/n-triples, parsed as it streams
    triples(pattern), len    one SELECT each
    add / remove             one INSERT DATA / DELETE DATA request = one transaction on the server
    update                   POST <update endpoint>  application/sparql-update
    export                   CONSTRUCT { ?s ?p ?o } streamed into Oxigraph's serialisers

Results are parsed by pyoxigraph (``parse_query_results`` / ``parse``) while
they arrive, never fetched one triple at a time. Connections are kept alive
and reused.

Limits (of the protocol, not of this module): blank nodes are not shared
between client and server, so ``triples()`` with a blank node in the pattern
and ``remove()`` of a triple with a blank node raise :class:`InvalidArgument`;
blank nodes added in one ``add()`` call keep their identity within that call.
``rdflib_graph`` is a live, read-only view through rdflib's ``SPARQLStore``
(every pattern is a request: fine for queries and small reads, slow for
whole-graph walks; :meth:`KnowledgeGraph.triples` streams instead).

Errors::

    connection refused, DNS failure, TLS error   QueryError  naming the endpoint
    HTTP 4xx/5xx from a query                    QueryError  with the server's message
    HTTP 401/403 from a write, no update URL     ReadOnlyError
    no answer within the time limit              QueryTimeout
"""

from __future__ import annotations

import base64
import http.client
import itertools
import re
import socket
import ssl
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlencode, urlsplit

import pyoxigraph as ox
from rdflib import BNode
from rdflib.term import Identifier, Node

from .errors import CaucasusKGError, InvalidArgument, QueryError, QueryTimeout, ReadOnlyError
from .formats import RdfFormatSpec
from .model import QueryResult
from .store import Backend, SerializedResult, _Cancelled, _from_ox, _to_ox

if TYPE_CHECKING:
    from rdflib import Graph

    from .settings import Settings

__all__ = ["RemoteBackend"]

Triple = tuple[Identifier, Identifier, Identifier]

# TSV is lossless for SPARQL 1.1 results and about three times faster to parse than JSON or XML.
_SELECT_ACCEPT = "text/tab-separated-values, application/sparql-results+json;q=0.9, application/sparql-results+xml;q=0.8"
_ASK_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8, application/ld+json;q=0.5"
_ERROR_BYTES = 4096  # how much of an error body to quote
_BATCH = 20_000  # triples per chunk of an INSERT DATA body


class _Endpoint:
    """One HTTP(S) URL with a pool of kept-alive connections."""

    def __init__(self, url: str, *, what: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidArgument(f"the SPARQL {what} endpoint must be an http(s) URL, not {url!r}")
        self.url = url
        self.what = what
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.https else 80)
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.headers: dict[str, str] = {"User-Agent": "caucasus-kg"}
        self.auth: tuple[str, str] | None = None
        if parts.username is not None:
            self.auth = (unquote(parts.username), unquote(parts.password or ""))
            token = f"{self.auth[0]}:{self.auth[1]}".encode()
            self.headers["Authorization"] = "Basic " + base64.b64encode(token).decode("ascii")
        # The URL without credentials: for messages and for rdflib.
        netloc = parts.netloc.rpartition("@")[2]
        self.display = f"{parts.scheme}://{netloc}{parts.path}"
        self.plain_url = f"{parts.scheme}://{netloc}{self.path}"
        self._pool: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def connect(self) -> tuple[http.client.HTTPConnection, bool]:
        """A connection from the pool (reused=True) or a new one."""
        with self._lock:
            if self._pool:
                return self._pool.pop(), True
        if self.https:
            return http.client.HTTPSConnection(self.host, self.port, context=ssl.create_default_context()), False
        return http.client.HTTPConnection(self.host, self.port), False

    def release(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            if len(self._pool) < 32:
                self._pool.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, []
        for conn in pool:
            conn.close()


class _Watchdog:
    """Shuts the socket of a request whose caller gave up (its cancel event is set).

    ``KnowledgeGraph.query`` sets the event at its deadline; closing the socket
    unblocks the worker thread waiting for the server and tells the server that
    the client went away. One thread per backend, polling only while requests
    are in flight.
    """

    def __init__(self) -> None:
        self._items: dict[int, tuple[threading.Event, http.client.HTTPConnection]] = {}
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def watch(self, cancel: threading.Event, conn: http.client.HTTPConnection) -> int:
        key = id(conn)
        with self._cond:
            self._items[key] = (cancel, conn)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="ckg-remote-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()
        return key

    def unwatch(self, key: int) -> None:
        with self._cond:
            self._items.pop(key, None)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()

    def _run(self) -> None:
        with self._cond:
            while not self._stopped:
                if not self._items:
                    self._cond.wait()
                    continue
                for key, (cancel, conn) in list(self._items.items()):
                    if cancel.is_set():
                        self._items.pop(key, None)
                        sock = conn.sock
                        if sock is not None:
                            try:
                                sock.shutdown(socket.SHUT_RDWR)
                            except OSError:
                                pass
                self._cond.wait(0.05)


class RemoteBackend(Backend):
    """A SPARQL 1.1 server reached over HTTP: the store of a :class:`KnowledgeGraph`.

    Parameters
    ----------
    query_endpoint
        URL of the SPARQL query endpoint (Oxigraph server: ``http://host:7878/query``).
        ``user:password@`` in the URL is sent as HTTP Basic authentication.
    update_endpoint
        URL of the SPARQL update endpoint (Oxigraph: ``.../update``). None: the
        store is read-only and writes raise ReadOnlyError.
    timeout
        Seconds to wait for the server in calls that have no deadline of their
        own (``len``, ``triples``, ``export``): connecting, and each wait for
        data. ``KnowledgeGraph.query`` stops a query at its own deadline.
    write_timeout
        The same for writes (``add``, ``remove``, ``update``), which may be large.

    Examples
    --------
    >>> backend = RemoteBackend("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update")
    >>> backend.writable
    True
    """

    name = "remote"

    def __init__(
        self,
        query_endpoint: str,
        update_endpoint: str | None = None,
        *,
        timeout: float = 30.0,
        write_timeout: float = 300.0,
    ) -> None:
        if timeout <= 0 or write_timeout <= 0:
            raise InvalidArgument("timeouts must be positive")
        self._query = _Endpoint(query_endpoint, what="query")
        self._update = _Endpoint(update_endpoint, what="update") if update_endpoint else None
        self.query_endpoint = query_endpoint
        self.update_endpoint = update_endpoint
        self.timeout = timeout
        self.write_timeout = write_timeout
        self._watchdog = _Watchdog()
        self._rdflib: Graph | None = None
        self._prologues: dict[tuple[tuple[str, str], ...], str] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteBackend:
        """The backend for ``settings.sparql_endpoint`` / ``update_endpoint`` / ``query_timeout``."""
        if not settings.sparql_endpoint:
            raise InvalidArgument("no SPARQL endpoint configured (sparql_endpoint)")
        if settings.store is not None:
            raise InvalidArgument("give either a store directory or a SPARQL endpoint, not both")
        return cls(settings.sparql_endpoint, settings.update_endpoint, timeout=settings.query_timeout)

    def __bool__(self) -> bool:
        # A backend is an object, not a container: an empty remote store is still the store to use.
        return True

    @property
    def writable(self) -> bool:
        """Whether an update endpoint was given."""
        return self._update is not None

    def __repr__(self) -> str:
        update = f" update={self._update.display}" if self._update else " read-only"
        return f"<RemoteBackend {self._query.display}{update}>"

    # ------------------------------------------------------------------ HTTP

    @contextmanager
    def _exchange(
        self,
        endpoint: _Endpoint,
        body: bytes | list[bytes],
        *,
        content_type: str,
        accept: str | None,
        timeout: float | None,
        cancel: threading.Event | None = None,
        params: Sequence[tuple[str, str]] = (),
    ) -> Iterator[http.client.HTTPResponse]:
        """POST ``body``; yield the response of a 2xx answer, raise the matching error otherwise.

        The connection goes back to the pool only when the response was read to
        its end; a caller that stops early (row cap, error, cancel) closes it.
        """
        chunks = [body] if isinstance(body, bytes) else body
        path = endpoint.path
        if params:
            path += ("&" if "?" in path else "?") + urlencode(list(params))
        headers = {**endpoint.headers, "Content-Type": content_type, "Content-Length": str(sum(map(len, chunks)))}
        if accept:
            headers["Accept"] = accept
        for attempt in (0, 1):
            conn, reused = endpoint.connect()
            key = None
            try:
                if conn.sock is None:
                    conn.timeout = self.timeout  # connecting is always bounded
                    conn.connect()
                conn.sock.settimeout(timeout)
                key = self._watchdog.watch(cancel, conn) if cancel is not None else None
                conn.request("POST", path, body=iter(chunks) if len(chunks) > 1 else chunks[0], headers=headers)
                response = conn.getresponse()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                # A kept-alive connection the server closed meanwhile: nothing was processed, try a new one once.
                conn.close()
                if key is not None:
                    self._watchdog.unwatch(key)
                if cancel is not None and cancel.is_set():
                    raise _Cancelled from None
                if reused and attempt == 0:
                    continue
                raise self._connection_error(endpoint, exc) from None
            except BaseException as exc:
                conn.close()
                if key is not None:
                    self._watchdog.unwatch(key)
                if cancel is not None and cancel.is_set():
                    raise _Cancelled from None
                if isinstance(exc, (OSError, http.client.HTTPException)):
                    raise self._connection_error(endpoint, exc, timeout=timeout) from None
                raise
            break
        try:
            if response.status >= 300:
                raise self._status_error(endpoint, response)
            yield response
        except CaucasusKGError:
            raise
        except (OSError, http.client.HTTPException) as exc:
            if cancel is not None and cancel.is_set():
                raise _Cancelled from None
            raise self._connection_error(endpoint, exc, timeout=timeout) from None
        except SyntaxError as exc:  # a result body cut short or not in the announced format
            if cancel is not None and cancel.is_set():
                raise _Cancelled from None
            raise QueryError(f"unreadable answer from the SPARQL {endpoint.what} endpoint {endpoint.display}: {exc}") from None
        finally:
            if key is not None:
                self._watchdog.unwatch(key)
            if response.isclosed() and not response.will_close and not (cancel is not None and cancel.is_set()):
                endpoint.release(conn)
            else:
                conn.close()

    @staticmethod
    def _connection_error(endpoint: _Endpoint, exc: BaseException, *, timeout: float | None = None) -> Exception:
        if isinstance(exc, TimeoutError) and timeout is not None:
            return QueryTimeout(timeout)
        if isinstance(exc, ConnectionRefusedError):
            reason = "connection refused (is the server running?)"
        elif isinstance(exc, socket.gaierror):
            reason = f"unknown host {endpoint.host!r}"
        elif isinstance(exc, ssl.SSLError):
            reason = f"TLS error: {exc.reason or exc}"
        else:
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return QueryError(f"cannot reach the SPARQL {endpoint.what} endpoint {endpoint.display}: {reason}")

    @staticmethod
    def _status_error(endpoint: _Endpoint, response: http.client.HTTPResponse) -> Exception:
        try:
            raw = response.read(_ERROR_BYTES)
        except (OSError, http.client.HTTPException):
            raw = b""
        message = raw.decode("utf-8", "replace").strip() or response.reason
        status = response.status
        if endpoint.what == "update" and status in (401, 403):
            return ReadOnlyError(f"the SPARQL update endpoint {endpoint.display} refused the write (HTTP {status}): {message}")
        if 400 <= status < 500:
            verb = "query" if endpoint.what == "query" else "update"
            return QueryError(f"malformed or refused SPARQL {verb}: {message} (HTTP {status} from {endpoint.display})")
        return QueryError(f"the SPARQL {endpoint.what} endpoint {endpoint.display} failed (HTTP {status}): {message}")

    def _prologue(self, sparql: str, prefixes: dict[str, str]) -> str:
        """PREFIX declarations for the prefixes ``sparql`` seems to use, on one line before it.

        Only used prefixes are declared, so a query without prefixed names
        reaches the server as written and its error positions stay exact.
        """
        used = tuple(sorted((p, ns) for p, ns in prefixes.items() if re.search(rf"(?<![\w.\-]){re.escape(p)}:", sparql)))
        text = self._prologues.get(used)
        if text is None:
            text = "".join(f"PREFIX {p}: <{ns}> " for p, ns in used)
            self._prologues[used] = text
        return text

    def _select(self, sparql: str, *, timeout: float | None = None) -> Iterator[ox.QuerySolution]:
        """Stream the solutions of a SELECT (for the internal reads)."""
        with self._exchange(
            self._query, sparql.encode("utf-8"), content_type="application/sparql-query", accept=_SELECT_ACCEPT,
            timeout=self.timeout if timeout is None else timeout,
        ) as response:
            parser = ox.parse_query_results(response, _results_format(response, self._query))
            try:
                if not isinstance(parser, ox.QuerySolutions):
                    raise QueryError(f"the SPARQL endpoint {self._query.display} answered a SELECT with a boolean")
                yield from parser
            finally:
                parser = None  # see _read_graph

    def _ask(self, sparql: str) -> bool:
        with self._exchange(
            self._query, sparql.encode("utf-8"), content_type="application/sparql-query", accept=_ASK_ACCEPT,
            timeout=self.timeout,
        ) as response:
            result = ox.parse_query_results(response, _results_format(response, self._query))
            if not isinstance(result, ox.QueryBoolean):
                raise QueryError(f"the SPARQL endpoint {self._query.display} answered an ASK with solutions")
            response.read()
            return bool(result)

    # ------------------------------------------------------------------ Backend

    def __len__(self) -> int:
        rows = list(self._select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
        return int(rows[0][0].value) if rows else 0

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
        from .sparql_guard import query_form

        form = query_form(sparql)
        accept = {"SELECT": _SELECT_ACCEPT, "ASK": _ASK_ACCEPT}.get(form, _GRAPH_ACCEPT)
        # No socket time limit: KnowledgeGraph.query sets ``cancel`` at its deadline and the watchdog closes the socket.
        with self._exchange(
            self._query, self._body(sparql, prefixes), content_type="application/sparql-query", accept=accept,
            timeout=None, cancel=cancel, params=_dataset(default_graphs, named_graphs),
        ) as response:
            if form in ("CONSTRUCT", "DESCRIBE"):
                return _read_graph(response, _rdf_format(response, self._query), form, max_rows, cancel)
            return _read_results(response, _results_format(response, self._query), max_rows, cancel)

    def query_serialized(
        self,
        sparql: str,
        *,
        prefixes: dict[str, str],
        max_rows: int,
        format: str,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        cancel: threading.Event | None = None,
    ) -> SerializedResult:
        """The server's own serialisation, capped at ``max_rows`` and rewritten by Oxigraph's writers.

        SELECT results are asked for as TSV (one line per row), cut after the
        cap while they stream, then written in ``format``; CONSTRUCT/DESCRIBE
        as N-Triples. No rdflib terms are built on the way. Without ``cancel``
        each wait for the server is limited to ``timeout`` seconds.
        """
        from .formats import rdf_format, result_format
        from .sparql_guard import query_form

        form = query_form(sparql)
        spec = rdf_format(format) if form in ("CONSTRUCT", "DESCRIBE") else result_format(format)
        accept = {"SELECT": _SELECT_ACCEPT, "ASK": _ASK_ACCEPT}.get(form, _GRAPH_ACCEPT)
        with self._exchange(
            self._query, self._body(sparql, prefixes), content_type="application/sparql-query", accept=accept,
            timeout=None if cancel is not None else self.timeout, cancel=cancel,
            params=_dataset(default_graphs, named_graphs),
        ) as response:
            if form in ("CONSTRUCT", "DESCRIBE"):
                rdf = _rdf_format(response, self._query)
                triples = _first_triples(response, rdf, max_rows + 1)
                truncated = len(triples) > max_rows
                del triples[max_rows:]
                kwargs = {"prefixes": prefixes} if spec.name in ("ttl", "trig", "xml", "jsonld") else {}
                data = ox.serialize(triples, format=spec.oxigraph, **kwargs)
                return SerializedResult(form, spec.name, spec.media_type, data, truncated, len(triples))
            results = _results_format(response, self._query)
            if results == ox.QueryResultsFormat.TSV and form == "SELECT":
                tsv, count, truncated = _capped_lines(response, max_rows)
                if spec.name != "tsv":
                    tsv = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=spec.oxigraph)
                return SerializedResult("SELECT", spec.name, spec.media_type, tsv, truncated, count)
            result = _read_results(response, results, max_rows, cancel or threading.Event())
            if result.type == "ASK":
                answer = ox.parse_query_results(
                    f'{{"head":{{}},"boolean":{"true" if result.boolean else "false"}}}', ox.QueryResultsFormat.JSON
                )
                return SerializedResult("ASK", spec.name, spec.media_type, answer.serialize(format=spec.oxigraph))
            # A server without TSV: solutions through rdflib terms and the registry's writers.
            from .formats import serialize_result

            data = serialize_result(result, spec.name)
            return SerializedResult("SELECT", spec.name, spec.media_type, data, result.truncated, len(result.rows))

    def _body(self, sparql: str, prefixes: dict[str, str]) -> bytes:
        return (self._prologue(sparql, prefixes) + sparql).encode("utf-8")

    def update(self, sparql: str, *, prefixes: dict[str, str]) -> None:
        self._write(self._body(sparql, prefixes))

    def add(self, triples: Iterable[Triple]) -> None:
        chunks = _data_block("INSERT DATA", ((_to_ox(s), _to_ox(p), _to_ox(o)) for s, p, o in triples))
        if chunks:
            self._write(chunks)

    def remove(self, triples: Iterable[Triple]) -> None:
        terms = []
        for s, p, o in triples:
            if isinstance(s, BNode) or isinstance(o, BNode):
                raise InvalidArgument(
                    "triples with blank nodes cannot be removed from an external SPARQL store: "
                    "blank node labels are not shared between client and server"
                )
            terms.append((_to_ox(s), _to_ox(p), _to_ox(o)))
        chunks = _data_block("DELETE DATA", terms)
        if chunks:
            self._write(chunks)

    def _write(self, body: bytes | list[bytes]) -> None:
        if self._update is None:
            raise ReadOnlyError(
                f"the external store {self._query.display} is read-only: no SPARQL update endpoint was given "
                "(--update-endpoint, CKG_UPDATE_ENDPOINT)"
            )
        self._rdflib = None
        with self._exchange(
            self._update, body, content_type="application/sparql-update", accept=None, timeout=self.write_timeout
        ) as response:
            response.read()

    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[Triple]:
        if any(isinstance(t, BNode) for t in pattern):
            raise InvalidArgument(
                "a blank node cannot be looked up in an external SPARQL store: "
                "blank node labels are not shared between client and server"
            )
        bound = [None if t is None else _from_ox(_to_ox(t)) for t in pattern]
        names = ("s", "p", "o")
        where = " ".join(f"?{n}" if t is None else str(_to_ox(t)) for n, t in zip(names, pattern))
        free = [i for i, t in enumerate(pattern) if t is None]
        if not free:
            if self._ask(f"ASK {{ {where} }}"):
                yield tuple(bound)  # type: ignore[misc]
            return
        select = " ".join(f"?{names[i]}" for i in free)
        for solution in self._select(f"SELECT {select} WHERE {{ {where} }}"):
            values = list(bound)
            for i, term in zip(free, solution):
                values[i] = _from_ox(term)
            yield tuple(values)  # type: ignore[misc]

    def named_graphs(self) -> set[str]:
        """IRIs of the server's named graphs."""
        return {s[0].value for s in self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }") if isinstance(s[0], ox.NamedNode)}

    def serialize(self, spec: RdfFormatSpec, *, prefixes: dict[str, str]) -> bytes:
        kwargs = {"prefixes": prefixes} if spec.name in ("ttl", "trig", "xml", "jsonld") else {}
        if spec.name in ("nq", "trig"):
            return ox.serialize(self._quads(), format=spec.oxigraph, **kwargs)
        return ox.serialize(self._default_graph(), format=spec.oxigraph, **kwargs)

    def _default_graph(self) -> Iterator[ox.Triple]:
        with self._exchange(
            self._query, b"CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", content_type="application/sparql-query",
            accept=_GRAPH_ACCEPT, timeout=self.timeout,
        ) as response:
            rdf = _rdf_format(response, self._query)
            parser = ox.parse(response, format=rdf)
            try:
                for quad in parser:
                    yield quad.triple
            finally:
                parser = quad = None  # see _read_graph

    def _quads(self) -> Iterator[ox.Quad]:
        query = "SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        for s, p, o, g in self._select(query):
            yield ox.Quad(s, p, o, ox.DefaultGraph() if g is None else g)

    @property
    def rdflib_graph(self) -> Graph:
        """A live, read-only rdflib view (rdflib's SPARQLStore): each read is a request to the server."""
        if self._rdflib is None:
            from rdflib import Graph
            from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
            from rdflib.plugins.stores.sparqlstore import SPARQLStore

            # Not context-aware: rdflib would otherwise name its default-graph id as the dataset of every query.
            store = SPARQLStore(
                self._query.plain_url, method="POST", returnFormat="xml", auth=self._query.auth, context_aware=False
            )
            self._rdflib = Graph(store=store, identifier=DATASET_DEFAULT_GRAPH_ID)
        return self._rdflib

    def close(self) -> None:
        self._watchdog.stop()
        self._query.close()
        if self._update is not None:
            self._update.close()


def _read_graph(
    response: http.client.HTTPResponse, rdf: ox.RdfFormat, form: str, max_rows: int, cancel: threading.Event
) -> QueryResult:
    """A CONSTRUCT/DESCRIBE answer as rdflib triples, parsed while it streams."""
    parser = ox.parse(response, format=rdf)
    try:
        triples = []
        for quad in parser:
            if cancel.is_set():
                raise _Cancelled
            if len(triples) == max_rows:
                return QueryResult(form, triples=tuple(triples), truncated=True)  # type: ignore[arg-type]
            triples.append((_from_ox(quad.subject), _from_ox(quad.predicate), _from_ox(quad.object)))
        return QueryResult(form, triples=tuple(triples))  # type: ignore[arg-type]
    finally:
        # pyoxigraph's parsers may only be dropped on the thread that made them, not later with a traceback.
        parser = quad = None  # noqa: F841


def _first_triples(response: http.client.HTTPResponse, rdf: ox.RdfFormat, count: int) -> list[ox.Triple]:
    parser = ox.parse(response, format=rdf)
    try:
        return [quad.triple for quad in itertools.islice(parser, count)]
    finally:
        parser = None  # see _read_graph


def _read_results(
    response: http.client.HTTPResponse, fmt: ox.QueryResultsFormat, max_rows: int, cancel: threading.Event
) -> QueryResult:
    """A SELECT/ASK answer as rdflib terms, parsed while it streams."""
    parser = ox.parse_query_results(response, fmt)
    try:
        if isinstance(parser, ox.QueryBoolean):
            return QueryResult("ASK", boolean=bool(parser))
        variables = tuple(v.value for v in parser.variables)
        rows = []
        for solution in parser:
            if cancel.is_set():
                raise _Cancelled
            if len(rows) == max_rows:
                return QueryResult("SELECT", variables, tuple(rows), truncated=True)
            rows.append(tuple(None if term is None else _from_ox(term) for term in solution))
        return QueryResult("SELECT", variables, tuple(rows))
    finally:
        parser = solution = None  # noqa: F841 - see _read_graph


def _dataset(default_graphs: Sequence[str], named_graphs: Sequence[str]) -> list[tuple[str, str]]:
    """The SPARQL Protocol's dataset parameters."""
    return [("default-graph-uri", g) for g in default_graphs] + [("named-graph-uri", g) for g in named_graphs]


def _rdf_format(response: http.client.HTTPResponse, endpoint: _Endpoint) -> ox.RdfFormat:
    media = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
    found = ox.RdfFormat.from_media_type(media) if media else None
    if found is None:
        raise QueryError(
            f"the SPARQL endpoint {endpoint.display} answered a graph query with {media or 'no media type'!r}, not RDF"
        )
    return found


def _capped_lines(response: http.client.HTTPResponse, max_rows: int) -> tuple[bytes, int, bool]:
    """(the header and at most ``max_rows`` rows of a streaming TSV result, their number, whether rows were cut)."""
    limit = max_rows + 1  # the header line, then the rows
    chunks: list[bytes] = []
    lines = 0
    while lines <= limit:
        block = response.read(65536)
        if not block:
            break
        chunks.append(block)
        lines += block.count(b"\n")
    data = b"".join(chunks)
    kept = data.split(b"\n")
    if kept and kept[-1] == b"":
        kept.pop()
    truncated = len(kept) > limit
    kept = kept[:limit]
    return b"\n".join(kept) + b"\n", max(0, len(kept) - 1), truncated


def _results_format(response: http.client.HTTPResponse, endpoint: _Endpoint) -> ox.QueryResultsFormat:
    media = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
    found = ox.QueryResultsFormat.from_media_type(media) if media else None
    if found is None or found == ox.QueryResultsFormat.CSV:  # CSV loses term types
        raise QueryError(
            f"the SPARQL endpoint {endpoint.display} answered with {media or 'no media type'!r}, "
            "not SPARQL results in TSV, JSON or XML"
        )
    return found


def _data_block(operation: str, triples: Iterable[tuple[object, object, object]]) -> list[bytes]:
    """``INSERT DATA { ... }`` as byte chunks (no chunk list at all for no triples)."""
    chunks: list[bytes] = []
    batch: list[str] = []
    for s, p, o in triples:
        batch.append(f"{s} {p} {o} .\n")
        if len(batch) == _BATCH:
            chunks.append("".join(batch).encode("utf-8"))
            batch = []
    if batch:
        chunks.append("".join(batch).encode("utf-8"))
    if not chunks:
        return []
    return [f"{operation} {{\n".encode(), *chunks, b"}\n"]

