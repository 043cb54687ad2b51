"""The KnowledgeGraph: one object that owns the RDF store and everything cached from it."""

from __future__ import annotations

import asyncio
import hashlib
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import OWL, SKOS
from rdflib.term import Identifier, Node

from ..ontology import CKG, CKR, CLM, ONTOLOGY_PATH, PREFIXES, SRC
from .errors import DataError, EntityNotFound, InvalidArgument, QueryTimeout, QuoteNotFound
from .formats import RdfFormatSpec, guess_rdf_format, rdf_format
from .model import Claim, Entity, EntityRef, Fact, QueryResult, Stats
from .settings import Settings
from .sparql_guard import QueryShape, check_query
from .query_workers import QueryWorkers
from .store import Backend, Deadline, MemoryBackend, OxigraphBackend, SerializedResult, _Cancelled, open_backend
from .text import normalize, slug

__all__ = ["KnowledgeGraph", "claim_iri"]

T = TypeVar("T")
Triple = tuple[Identifier, Identifier, Identifier]

class _DaemonThreads:
    """Daemon threads that run one callable after another, started only when none is idle.

    A thread whose query was abandoned at its deadline stays busy until the
    engine returns; the next call then starts another thread instead of waiting.
    Threads idle for a minute end.
    """

    def __init__(self, name: str, idle_seconds: float = 60.0) -> None:
        self._name = name
        self._idle_seconds = idle_seconds
        self._tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0  # threads that will take the next task

    def submit(self, task: Callable[[], None]) -> None:
        with self._lock:
            start = self._idle == 0
            if not start:
                self._idle -= 1
        self._tasks.put(task)
        if start:
            threading.Thread(target=self._run, name=self._name, daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                task = self._tasks.get(timeout=self._idle_seconds)
            except queue.Empty:
                with self._lock:
                    if self._idle > 0:  # nobody counts on this thread: end it
                        self._idle -= 1
                        return
                continue  # a task was promised to an idle thread: take it
            task()  # never raises: _with_deadline's run() keeps every outcome
            with self._lock:
                self._idle += 1


_QUERY_THREADS = _DaemonThreads("ckg-query")

_LOOP_ROWS = 256
"""Rows a single-pattern lookup may produce on the event loop before it moves to a thread."""
_LOOP_SECONDS = 0.002
"""Time a single-pattern lookup may take on the event loop (checked at each chunk written)."""

_ONTOLOGY_IRI = URIRef("https://w3id.org/caucasus-kg/ontology")
_RDF_SUFFIXES = {".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf", ".owl", ".n3"}
_ENTITY_ROOTS = (CKG.Actor, CKG.Place, CKG.Event, CKG.Topic)


def claim_iri(source: str, subject: str, predicate: str, object: str, quote: str) -> URIRef:
    """The deterministic IRI of a claim: the same evidence never enters twice.

    Examples
    --------
    >>> str(claim_iri("s", "a", "p", "b", "q")).startswith("https://w3id.org/caucasus-kg/claim/")
    True
    """
    key = "\x1f".join([source, subject, predicate, object, quote])
    return CLM[hashlib.sha256(key.encode()).hexdigest()[:20]]


class KnowledgeGraph:
    """The RDF store of caucasus-kg, with search, facts, provenance and cached projections.

    Build it once (per process, CLI run or app) and share it: reads are
    thread-safe, writes are serialised and atomic, and every write bumps
    :attr:`version`, which invalidates what :meth:`cached` holds.

    Examples
    --------
    >>> kg = KnowledgeGraph.open()
    >>> kg.entity("Dyumin").label
    'Alexei Dyumin'
    >>> sorted(r["ally"] for r in kg.query(
    ...     "SELECT ?ally WHERE { ckr:Azerbaijan ckg:alliedWith ?ally }").values())
    ['https://w3id.org/caucasus-kg/id/Turkey']
    """

    def __init__(self, backend: Backend | None = None, *, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._backend = backend if backend is not None else open_backend(self.settings.backend)
        self._version = 0
        self._write_lock = threading.RLock()
        self._cache: dict[Any, tuple[int, Any]] = {}
        self._cache_lock = threading.Lock()
        self._workers: QueryWorkers | None = None
        self._workers_lock = threading.Lock()

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        *paths: str | Path,
        store: str | Path | None = None,
        backend: str | None = None,
        settings: Settings | None = None,
        sparql_endpoint: str | None = None,
        update_endpoint: str | None = None,
    ) -> KnowledgeGraph:
        """Open a graph: the bundled data, or the given files and folders.

        Parameters
        ----------
        *paths
            Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML files, or folders
            of them. None given: the bundled graph. The ontology is always loaded.
        store
            Directory of an on-disk Oxigraph store. A new or empty one is
            initialised with ``paths`` (or the bundled graph); an existing one
            is used as it is, with what earlier runs wrote.
        backend
            ``"oxigraph"`` (default) or ``"memory"``.
        settings
            Limits and options; the other keywords override its fields.
        sparql_endpoint, update_endpoint
            URLs of an external SPARQL 1.1 server to use instead of the embedded
            store (see :class:`~caucasus_kg.graph.remote.RemoteBackend`). An
            empty, writable one is initialised like a new ``store``.

        Raises
        ------
        DataError
            A file that cannot be read or parsed, or a store in use elsewhere.
        """
        overrides = {"store": Path(store) if store else None, "backend": backend,
                     "sparql_endpoint": sparql_endpoint, "update_endpoint": update_endpoint}
        settings = (settings or Settings()).replace(**{k: v for k, v in overrides.items() if v is not None})
        if settings.sparql_endpoint:
            from .remote import RemoteBackend

            kg = cls(RemoteBackend.from_settings(settings), settings=settings)
        else:
            kg = cls(open_backend(settings.backend, settings.store), settings=settings)
        if len(kg._backend) == 0:
            kg.load(*(paths or kg.bundled_paths()), _with_ontology=True)
        elif paths:
            kg.load(*paths)
        return kg

    @classmethod
    def from_settings(cls, settings: Settings) -> KnowledgeGraph:
        """The graph described by settings: an external SPARQL server, an on-disk store or the bundled data."""
        return cls.open(settings=settings)

    @staticmethod
    def bundled_paths() -> list[Path]:
        """The files of the bundled graph (ontology first)."""
        from ..data import bundled_files

        return [ONTOLOGY_PATH, *bundled_files()]

    def close(self) -> None:
        """Flush an on-disk store and stop the query worker processes."""
        if self._workers is not None:
            self._workers.close()
        self._backend.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self._backend)

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self._backend.name} triples={len(self)} version={self._version}>"

    # ------------------------------------------------------------------ versions and caches

    @property
    def version(self) -> int:
        """A counter bumped by every change; cached results of older versions are dropped."""
        return self._version

    @property
    def backend_name(self) -> str:
        return self._backend.name

    @property
    def rdflib_graph(self):  # -> rdflib.Graph
        """The data as an rdflib Graph (read it; write through this object's methods)."""
        return self._backend.rdflib_graph

    def cached(self, key: Any, factory: Callable[[], T]) -> T:
        """Return ``factory()`` computed once per graph version and ``key``.

        Used for the networkx projection and whole-graph metrics, so that they
        are never rebuilt per request, and rebuilt after any change.
        """
        version = self._version
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == version:
                return hit[1]
        value = factory()
        with self._cache_lock:
            if self._version == version:
                self._cache[key] = (version, value)
        return value

    def _changed(self) -> None:
        with self._cache_lock:
            self._version += 1
            self._cache.clear()

    # ------------------------------------------------------------------ loading and writing

    def load(self, *paths: str | Path, format: str | None = None, _with_ontology: bool = False) -> int:
        """Load RDF files or folders in one transaction; return the number of triples added.

        Raises DataError (naming the file and line) and changes nothing when any file is bad.
        """
        files: list[Path] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _RDF_SUFFIXES))
            elif path.is_file():
                files.append(path)
            else:
                raise DataError(f"{path}: no such file or folder")
        documents = []
        for path in files:
            spec = rdf_format(format) if format else guess_rdf_format(path)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
            _check_text(data, spec, source=str(path))
            documents.append((data, spec, str(path), path.resolve().as_uri()))
        with self._write_lock:
            before = len(self._backend)
            try:
                self._backend.load_documents(documents)
                # The ontology's blank nodes (owl:oneOf lists) would be duplicated by a second copy:
                # add it only when the files did not hold it (an export of a graph does).
                if _with_ontology and next(self.triples((_ONTOLOGY_IRI, RDF.type, OWL.Ontology)), None) is None:
                    ontology = (ONTOLOGY_PATH.read_bytes(), rdf_format("ttl"), str(ONTOLOGY_PATH), None)
                    self._backend.load_documents([ontology])
            finally:
                self._changed()
            return len(self._backend) - before

    def parse(self, data: bytes, spec: RdfFormatSpec | str, *, source: str = "input", base_iri: str | None = None) -> list[Triple]:
        """Parse RDF bytes into triples without adding them (DataError when malformed)."""
        spec = rdf_format(spec) if isinstance(spec, str) else spec
        _check_text(data, spec, source=source)
        return self._backend.parse(data, spec, source=source, base_iri=base_iri)

    def add_triples(self, triples: Iterable[Triple]) -> int:
        """Add triples in one transaction; return how many were new."""
        triples = list(triples)
        with self._write_lock:
            before = len(self._backend)
            if triples:
                self._backend.add(triples)
                self._changed()
            return len(self._backend) - before

    def remove_triples(self, triples: Iterable[Triple]) -> None:
        """Remove triples in one transaction."""
        triples = list(triples)
        with self._write_lock:
            if triples:
                self._backend.remove(triples)
                self._changed()

    def triples(self, pattern: tuple[Node | None, Node | None, Node | None] = (None, None, None)) -> Iterator[Triple]:
        """Triples matching a pattern (None is a wildcard)."""
        return self._backend.triples(pattern)

    # ------------------------------------------------------------------ SPARQL

    def query(
        self,
        sparql: str,
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
    ) -> QueryResult:
        """Run a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query under a time limit.

        The usual prefixes (``ckg:``, ``ckr:``, ``rdfs:``, ``prov:``, ...) need
        no declaration. SERVICE and FROM of graphs outside the store are refused
        unless ``settings.allow_service``. ``default_graph_uris`` and
        ``named_graph_uris`` set the query's dataset (the SPARQL Protocol's
        ``default-graph-uri`` and ``named-graph-uri``): graphs of the store.

        With ``settings.query_workers`` the query runs in a worker process that
        is killed at the time limit (see :mod:`caucasus_kg.graph.query_workers`);
        otherwise in a thread that is abandoned at the limit and runs on until
        the engine returns. A lookup of one triple pattern runs in the calling
        thread, which stops reading at the limit (see :meth:`_in_process`).

        Raises
        ------
        QueryError
            Malformed SPARQL, or an update sent as a query.
        QueryRefused
            SERVICE or an outside graph while not enabled.
        QueryTimeout
            The query ran past ``timeout`` (default ``settings.query_timeout``).

        Examples
        --------
        >>> kg = KnowledgeGraph.open()
        >>> kg.query("ASK { ckr:Azerbaijan ckg:alliedWith ckr:Turkey }").boolean
        True
        """
        shape = self._check(sparql, default_graph_uris, named_graph_uris)
        rows = self.settings.max_rows if max_rows is None else max_rows
        kwargs = {"prefixes": PREFIXES, "max_rows": rows, **self._dataset_keywords(default_graph_uris, named_graph_uris)}
        if self._in_process(shape):
            seconds = self._seconds(timeout)
            try:
                return self._backend.query(sparql, cancel=Deadline(seconds), **kwargs)
            except _Cancelled:
                raise QueryTimeout(seconds) from None
        workers = self._query_workers()
        if workers is not None:
            return workers.call(("query", sparql, kwargs), timeout=self._seconds(timeout))
        return self._with_deadline(lambda cancel: self._backend.query(sparql, cancel=cancel, **kwargs), timeout)

    def query_serialized(
        self,
        sparql: str,
        format: str,
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
    ) -> SerializedResult:
        """Run a query like :meth:`query` and return its result written in ``format`` by the store's serialiser.

        ``format`` is a name of :mod:`caucasus_kg.graph.formats`: a results
        format (json, xml, csv, tsv) for SELECT and ASK, an RDF format (ttl, nt,
        jsonld, xml) for CONSTRUCT and DESCRIBE. Oxigraph writes with its own
        serialisers (in the worker process when there are workers), rdflib's
        store with rdflib's.

        Examples
        --------
        >>> kg = KnowledgeGraph.open()
        >>> kg.query_serialized("SELECT ?ally WHERE { ckr:Azerbaijan ckg:alliedWith ?ally }", "csv").data
        b'ally\\r\\nhttps://w3id.org/caucasus-kg/id/Turkey\\r\\n'
        """
        kwargs, in_process = self._serialized_kwargs(sparql, format, max_rows, default_graph_uris, named_graph_uris)
        if in_process:
            return self._stream_serialized(sparql, kwargs, self._seconds(timeout))
        workers = self._query_workers()
        if workers is not None:
            return workers.call(("serialized", sparql, kwargs), timeout=self._seconds(timeout))
        return self._with_deadline(lambda cancel: self._backend.query_serialized(sparql, **kwargs), timeout)

    async def query_serialized_async(
        self,
        sparql: str,
        format: str,
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
    ) -> SerializedResult:
        """:meth:`query_serialized` for coroutines, such as the HTTP API's handlers.

        Same checks, time limit and errors as :meth:`query_serialized`. A small
        single-pattern lookup is answered on the event loop itself (a thread
        hop costs more than the lookup; see :meth:`_stream_small`); with worker
        processes running, the loop waits for the worker's answer without
        holding a thread; anything else runs in a thread.

        Examples
        --------
        In a coroutine, or at the top level of a notebook cell:

        >>> result = await kg.query_serialized_async("SELECT ?ally { ckr:Azerbaijan ckg:alliedWith ?ally }", "csv")  # doctest: +SKIP
        """
        workers = self._workers
        if isinstance(self._backend, (OxigraphBackend, MemoryBackend)):  # checks that never wait on a network
            kwargs, in_process = self._serialized_kwargs(sparql, format, max_rows, default_graph_uris,
                                                         named_graph_uris)
            if in_process:
                small = self._stream_small(sparql, kwargs)
                if small is not None:
                    return small
                return await asyncio.to_thread(self._stream_serialized, sparql, kwargs, self._seconds(timeout))
            if workers is not None:
                return await workers.call_async(("serialized", sparql, kwargs), timeout=self._seconds(timeout))
        return await asyncio.to_thread(
            self.query_serialized, sparql, format, timeout=timeout, max_rows=max_rows,
            default_graph_uris=default_graph_uris, named_graph_uris=named_graph_uris,
        )

    def _serialized_kwargs(
        self, sparql: str, format: str, max_rows: int | None, default_graph_uris: Sequence[str],
        named_graph_uris: Sequence[str],
    ) -> tuple[dict[str, Any], bool]:
        """(backend keywords, whether to answer in the caller's thread: see :meth:`_in_process`)."""
        shape = self._check(sparql, default_graph_uris, named_graph_uris)
        rows = self.settings.max_rows if max_rows is None else max_rows
        kwargs = {"prefixes": PREFIXES, "max_rows": rows, "format": format,
                  **self._dataset_keywords(default_graph_uris, named_graph_uris)}
        return kwargs, self._in_process(shape)

    def _in_process(self, shape: QueryShape) -> bool:
        """Whether a query runs in the caller's thread, neither in a worker process nor a thread of its own.

        A single-pattern SELECT or ASK (see :class:`~caucasus_kg.graph.sparql_guard.QueryShape`)
        on Oxigraph does: its rows stream from one index scan, at most
        ``max_rows + 1`` of them, and the reader stops at the first row (or
        written chunk) past the deadline, so it ends within its limit without a
        process to kill; a worker round trip or a thread start would cost
        several times the lookup.
        """
        return shape.single_pattern and not shape.dataset_graphs and isinstance(self._backend, OxigraphBackend)

    def _stream_small(self, sparql: str, kwargs: dict[str, Any]) -> SerializedResult | None:
        """The answer of a single-pattern lookup if it fits in a small budget of rows and time, else None.

        Called on the event loop: handing a lookup to a thread costs more than
        the lookup itself (0.3 ms against 0.13 ms here). The budget bounds what
        the loop can spend; a larger answer is computed again in a thread.
        """
        rows = kwargs["max_rows"]
        budget = {**kwargs, "max_rows": min(rows, _LOOP_ROWS)}
        try:
            result = self._backend.query_serialized(sparql, deadline=time.monotonic() + _LOOP_SECONDS, **budget)
        except _Cancelled:
            return None
        if result.truncated and rows > _LOOP_ROWS:
            return None
        return result

    def _stream_serialized(self, sparql: str, kwargs: dict[str, Any], seconds: float) -> SerializedResult:
        try:
            return self._backend.query_serialized(sparql, deadline=time.monotonic() + seconds, **kwargs)
        except _Cancelled:
            raise QueryTimeout(seconds) from None

    def update(self, sparql: str, *, timeout: float | None = None) -> None:
        """Run a SPARQL Update atomically (LOAD and outside graphs refused unless enabled).

        With ``settings.query_workers`` the update is first rehearsed in a
        worker process, under the time limit (killed past it, and then nothing
        changes), and applied to the store only once the rehearsal finished.
        """
        check_query(sparql, allow_outside=self.settings.allow_service, known_graphs=self.named_graphs, update=True)
        workers = self._query_workers()  # before the write lock: starting workers needs it
        with self._write_lock:
            if workers is not None:
                # A rehearsal that fails or runs out of time has changed nothing here.
                workers.call(("update", sparql, {"prefixes": PREFIXES}), timeout=self._seconds(timeout), rehearsal=True)
            try:
                if workers is not None:
                    self._backend.update(sparql, prefixes=PREFIXES)
                else:
                    self._with_deadline(lambda cancel: self._backend.update(sparql, prefixes=PREFIXES), timeout)
            finally:
                self._changed()

    def _check(self, sparql: str, default_graph_uris: Sequence[str], named_graph_uris: Sequence[str]) -> QueryShape:
        """Check a query and its protocol dataset (see sparql_guard); return its shape."""
        return check_query(
            sparql,
            allow_outside=self.settings.allow_service,
            known_graphs=self.named_graphs,
            update=False,
            dataset=(*default_graph_uris, *named_graph_uris),
        )

    @staticmethod
    def _dataset_keywords(default_graph_uris: Sequence[str], named_graph_uris: Sequence[str]) -> dict[str, Any]:
        graphs = {"default_graphs": tuple(default_graph_uris), "named_graphs": tuple(named_graph_uris)}
        return {k: v for k, v in graphs.items() if v}

    def _seconds(self, timeout: float | None) -> float:
        return self.settings.query_timeout if timeout is None else timeout

    def _query_workers(self) -> QueryWorkers | None:
        """The worker processes of this graph, started at first use (None: evaluate in threads)."""
        size = self.settings.query_workers or 0
        if size <= 0 or not isinstance(self._backend, (OxigraphBackend, MemoryBackend)):
            return None
        if self._workers is None:
            with self._workers_lock:  # not the write lock: the workers' first snapshot takes that
                if self._workers is None:
                    self._workers = QueryWorkers(
                        self._backend, size=size, lock=self._write_lock, version=lambda: self._version
                    )
        return self._workers

    def named_graphs(self) -> set[str]:
        """IRIs of the named graphs in the store (the data itself lives in the default graph)."""
        if hasattr(self._backend, "named_graphs"):
            return self._backend.named_graphs()
        store = getattr(self._backend, "store", None)
        if store is None or not hasattr(store, "named_graphs"):
            return set()
        return {g.value for g in store.named_graphs() if hasattr(g, "value")}

    def _with_deadline(self, work: Callable[[threading.Event], T], timeout: float | None) -> T:
        """Run ``work`` in a daemon thread and wait at most ``timeout`` seconds (threads mode, no workers).

        Past the limit the caller gets QueryTimeout and the thread is abandoned: it
        stops at the next row it reads, or runs on inside the engine until that
        returns. Daemon threads, so that an abandoned query never holds up the
        exit of the process (a ``ThreadPoolExecutor`` joins its threads at exit);
        reused (:class:`_DaemonThreads`), since starting one cost more than a small query.
        """
        seconds = self.settings.query_timeout if timeout is None else timeout
        cancel = threading.Event()
        done = threading.Event()
        outcome: list[Any] = []

        def run() -> None:
            try:
                outcome.append((True, work(cancel)))
            except BaseException as exc:  # handed to the caller
                outcome.append((False, exc))
            finally:
                done.set()

        _QUERY_THREADS.submit(run)
        if not done.wait(seconds):
            cancel.set()  # the thread stops at its next row
            raise QueryTimeout(seconds)
        ok, value = outcome[0]
        if ok:
            return value
        if isinstance(value, _Cancelled):  # pragma: no cover - only after a timeout
            raise QueryTimeout(seconds) from None
        raise value

    # ------------------------------------------------------------------ entities

    def _entity_index(self) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            result = self.query(
                """
                SELECT ?e ?type ?label ?alias ?kind WHERE {
                  VALUES ?root { ckg:Actor ckg:Place ckg:Event ckg:Topic }
                  ?e a ?type . ?type rdfs:subClassOf* ?root .
                  OPTIONAL { ?e rdfs:label ?label }
                  OPTIONAL {
                    VALUES (?p ?kind) { (skos:altLabel "alias") (ckg:metonym "metonym") (ckg:demonym "demonym") }
                    ?e ?p ?alias }
                }""",
                max_rows=10_000_000,
                timeout=max(self.settings.query_timeout, 120.0),
            )
            entities: dict[str, dict[str, Any]] = {}
            for e, etype, label, alias, kind in result.rows:
                info = entities.setdefault(str(e), {"types": set(), "label": None, "alias": set(), "metonym": set(), "demonym": set()})
                info["types"].add(str(etype))
                if label is not None and (info["label"] is None or getattr(label, "language", None) in (None, "en")):
                    info["label"] = str(label)
                if alias is not None:
                    info[str(kind)].add(str(alias))
            names: dict[str, list[tuple[int, str]]] = {}
            for iri, info in entities.items():
                info["label"] = info["label"] or _local_name(iri)
                for rank, field in ((0, "label"), (1, "alias"), (2, "metonym"), (3, "demonym")):
                    values = [info["label"]] if field == "label" else info[field]
                    for name in values:
                        names.setdefault(normalize(name), []).append((rank, iri))
                names.setdefault(normalize(_local_name(iri)), []).append((0, iri))
            return {"entities": entities, "names": names, "type_depth": self._type_depths()}

        return self.cached("entity-index", build)

    def _type_depths(self) -> dict[str, tuple[int, str]]:
        """Depth below the entity roots and label of every class, to pick the most specific type."""
        result = self.query(
            """SELECT ?type (COUNT(?mid) AS ?depth) (SAMPLE(?label) AS ?l) WHERE {
                 ?type rdfs:subClassOf* ?mid . ?mid rdfs:subClassOf* ?root .
                 VALUES ?root { ckg:Actor ckg:Place ckg:Event ckg:Topic }
                 OPTIONAL { ?type rdfs:label ?label }
               } GROUP BY ?type""",
            max_rows=100_000,
        )
        return {str(t): (int(d), str(lbl) if lbl is not None else _local_name(str(t))) for t, d, lbl in result.rows}

    def _make_entity(self, iri: str) -> Entity:
        index = self._entity_index()
        info = index["entities"][iri]
        depths = index["type_depth"]
        types = tuple(sorted(info["types"], key=lambda t: (-depths.get(t, (0, ""))[0], t)))
        wikidata = next((str(o) for _, _, o in self.triples((URIRef(iri), CKG.wikidata, None))), None)
        comment = next((str(o) for _, _, o in self.triples((URIRef(iri), RDFS.comment, None))), None)
        return Entity(
            iri=iri,
            id=_local_name(iri),
            label=info["label"],
            types=types,
            type_label=depths.get(types[0], (0, _local_name(types[0])))[1] if types else "entity",
            aliases=tuple(sorted(info["alias"])),
            metonyms=tuple(sorted(info["metonym"])),
            demonyms=tuple(sorted(info["demonym"])),
            wikidata=wikidata,
            comment=comment,
        )

    def entity(self, ref: str) -> Entity:
        """Resolve an IRI, short id (``Alexei_Dyumin``), label, alias or metonym to one entity.

        Matching ignores case and accents; a label beats an alias, an alias a
        metonym ("Baku" is the city, "the Kremlin" is Russia).

        Raises EntityNotFound when nothing matches.

        Examples
        --------
        >>> kg = KnowledgeGraph.open()
        >>> kg.entity("the kremlin").id
        'Russia'
        >>> kg.entity("erdogan").label
        'Recep Tayyip Erdoğan'
        """
        return self._make_entity(self.resolve(ref))

    def resolve(self, ref: str) -> str:
        """The IRI of the entity that ``ref`` names (see :meth:`entity`)."""
        index = self._entity_index()
        ref = ref.strip()
        if not ref:
            raise EntityNotFound(ref, "empty entity name")
        if ref in index["entities"]:
            return ref
        local = ref.removeprefix("ckr:")
        if local.isidentifier() and str(CKR) + local in index["entities"]:
            return str(CKR) + local
        hits = index["names"].get(normalize(ref))
        if not hits:
            raise EntityNotFound(ref)
        return min(hits)[1]

    def find_entities(self, text: str, *, limit: int = 20, types: Iterable[str] = ()) -> list[Entity]:
        """Entities whose label, alias, metonym or demonym contains ``text`` (case- and accent-insensitive).

        Exact matches come first, then prefixes, then other substrings.

        Examples
        --------
        >>> kg = KnowledgeGraph.open()
        >>> [e.label for e in kg.find_entities("azerb")]
        ['Azerbaijan']
        """
        if limit < 1:
            raise InvalidArgument("limit must be at least 1")
        index = self._entity_index()
        needle = normalize(text)
        wanted = {str(self.class_iri(t)) for t in types}
        best: dict[str, tuple[int, int, str]] = {}
        for name, hits in index["names"].items():
            if needle not in name:
                continue
            closeness = 0 if name == needle else 1 if name.startswith(needle) else 2
            for rank, iri in hits:
                key = (closeness, rank, index["entities"][iri]["label"].casefold())
                if iri not in best or key < best[iri]:
                    best[iri] = key
        ordered = sorted(best, key=lambda iri: best[iri])
        found = [self._make_entity(iri) for iri in ordered]
        if wanted:
            found = [e for e in found if wanted & set(self._superclasses(e.types))]
        return found[:limit]

    def entities(self, *, types: Iterable[str] = ()) -> list[Entity]:
        """Every entity (optionally only those of the given classes), sorted by label."""
        index = self._entity_index()
        wanted = {str(self.class_iri(t)) for t in types}
        found = [self._make_entity(iri) for iri in index["entities"]]
        if wanted:
            found = [e for e in found if wanted & set(self._superclasses(e.types))]
        return sorted(found, key=lambda e: (e.label.casefold(), e.iri))

    def class_iri(self, name: str) -> URIRef:
        """A class of the ontology by IRI or name (``Person``, ``ckg:Country``)."""
        local = name.removeprefix("ckg:")
        if local.startswith("http"):
            return URIRef(local)
        try:
            return getattr(CKG, local)
        except AttributeError:
            raise InvalidArgument(f"unknown entity type {name!r}") from None

    def _superclasses(self, types: Iterable[str]) -> set[str]:
        out: set[str] = set()
        todo = list(types)
        while todo:
            t = todo.pop()
            if t in out:
                continue
            out.add(t)
            todo.extend(str(o) for _, _, o in self.triples((URIRef(t), RDFS.subClassOf, None)))
        return out

    # ------------------------------------------------------------------ relations, facts and claims

    def relations(self) -> dict[str, dict[str, Any]]:
        """Every relation property: IRI -> label, polarity, symmetric, comment."""

        def build() -> dict[str, dict[str, Any]]:
            result = self.query(
                """SELECT ?p ?label ?polarity ?comment ?sym WHERE {
                     ?p a ckg:Relation .
                     OPTIONAL { ?p rdfs:label ?label } OPTIONAL { ?p ckg:polarity ?polarity }
                     OPTIONAL { ?p rdfs:comment ?comment }
                     BIND(EXISTS { ?p a owl:SymmetricProperty } AS ?sym) }""",
                max_rows=100_000,
            )
            return {
                str(p): {
                    "iri": str(p),
                    "id": _local_name(str(p)),
                    "label": str(label) if label is not None else _local_name(str(p)),
                    "polarity": _local_name(str(polarity)).lower() if polarity is not None else None,
                    "comment": str(comment) if comment is not None else None,
                    "symmetric": bool(sym.toPython()) if sym is not None else False,
                }
                for p, label, polarity, comment, sym in result.rows
            }

        return self.cached("relations", build)

    def relation_iri(self, name: str) -> URIRef:
        """A relation by IRI or name (``alliedWith``, ``ckg:alliedWith``); InvalidArgument when unknown."""
        local = name.removeprefix("ckg:")
        iri = local if local.startswith("http") else str(CKG._NS) + local
        if iri not in self.relations():
            raise InvalidArgument(f"unknown relation {name!r}")
        return URIRef(iri)

    def claims(self, *, subject: str | None = None, predicate: str | None = None, object: str | None = None) -> list[Claim]:
        """Claims matching the given subject/predicate/object (entity refs and relation names accepted)."""
        filters = []
        if subject:
            filters.append(f"VALUES ?s {{ <{self.resolve(subject)}> }}")
        if predicate:
            filters.append(f"VALUES ?p {{ <{self.relation_iri(predicate)}> }}")
        if object:
            filters.append(f"VALUES ?o {{ <{self.resolve(object)}> }}")
        return self._claims_where("\n".join(filters))

    def _claims_where(self, extra: str) -> list[Claim]:
        result = self.query(
            f"""SELECT ?c ?s ?p ?o ?src ?title ?quote ?start ?end ?method ?conf ?modality ?pit ?st ?et ?note ?pattern WHERE {{
                  {extra}
                  ?c a ckg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                     prov:wasDerivedFrom ?src ; ckg:quote ?quote ; ckg:quoteStart ?start ; ckg:quoteEnd ?end ;
                     ckg:method ?method ; ckg:confidence ?conf .
                  OPTIONAL {{ ?src dcterms:title ?title }}
                  OPTIONAL {{ ?c ckg:modality ?modality }} OPTIONAL {{ ?c ckg:pointInTime ?pit }}
                  OPTIONAL {{ ?c ckg:startTime ?st }} OPTIONAL {{ ?c ckg:endTime ?et }}
                  OPTIONAL {{ ?c ckg:note ?note }} OPTIONAL {{ ?c ckg:pattern ?pattern }}
                }} ORDER BY ?s ?p ?o ?src ?start""",
            max_rows=10_000_000,
        )
        return [_claim_from_row(row) for row in result.rows]

    def facts(self, ref: str, *, direction: str = "both") -> list[Fact]:
        """Asserted relations of an entity (``direction``: out, in or both), each with its claims.

        Examples
        --------
        >>> kg = KnowledgeGraph.open()
        >>> fact = next(f for f in kg.facts("Azerbaijan", direction="out") if f.predicate_label == "allied with")
        >>> fact.object.label, fact.claims[0].quote
        ('Turkey', 'Turkey, a key ally of Azerbaijan')
        """
        if direction not in ("out", "in", "both"):
            raise InvalidArgument("direction must be out, in or both")
        iri = self.resolve(ref)
        relations = self.relations()
        pairs: list[tuple[str, str, str]] = []
        if direction in ("out", "both"):
            pairs += [(iri, str(p), str(o)) for _, p, o in self.triples((URIRef(iri), None, None)) if str(p) in relations]
        if direction in ("in", "both"):
            pairs += [(str(s), str(p), iri) for s, p, _ in self.triples((None, None, URIRef(iri))) if str(p) in relations]
        by_triple: dict[tuple[str, str, str], list[Claim]] = {}
        for claim in self._claims_where(f"{{ VALUES ?s {{ <{iri}> }} }} UNION {{ VALUES ?o {{ <{iri}> }} }}"):
            by_triple.setdefault((claim.subject, claim.predicate, claim.object), []).append(claim)
        facts = []
        for s, p, o in sorted(set(pairs)):
            relation = relations[p]
            facts.append(
                Fact(
                    subject=self._ref(s),
                    predicate=p,
                    predicate_label=relation["label"],
                    polarity=relation["polarity"],
                    object=self._ref(o),
                    claims=tuple(by_triple.get((s, p, o), ())),
                )
            )
        return facts

    def _ref(self, iri: str) -> EntityRef:
        info = self._entity_index()["entities"].get(iri)
        return EntityRef(iri, _local_name(iri), info["label"] if info else _local_name(iri))

    def ref(self, iri: str) -> EntityRef:
        """An EntityRef (IRI, id, label) for an IRI, known entity or not."""
        return self._ref(iri)

    def source_text(self, source: str) -> str:
        """The full text of a source document (IRI or short id)."""
        iri = URIRef(source if source.startswith("http") else SRC[source])
        for _, _, content in self.triples((iri, CKG.content, None)):
            return str(content)
        raise EntityNotFound(source, f"no source document {source!r} with text in the graph")

    def sources(self) -> list[dict[str, Any]]:
        """Source documents: IRI, id, title, kind, sha256 and how many claims cite each."""
        result = self.query(
            """SELECT ?src ?title ?type ?sha (COUNT(?c) AS ?claims) WHERE {
                 ?src a ?type . ?type rdfs:subClassOf* ckg:SourceDocument . FILTER(?type != ckg:SourceDocument)
                 OPTIONAL { ?src dcterms:title ?title } OPTIONAL { ?src ckg:contentSha256 ?sha }
                 OPTIONAL { ?c prov:wasDerivedFrom ?src } } GROUP BY ?src ?title ?type ?sha ORDER BY ?src""",
            max_rows=1_000_000,
        )
        return [
            {
                "iri": str(src),
                "id": _local_name(str(src)),
                "title": str(title) if title is not None else None,
                "kind": _local_name(str(kind)),
                "sha256": str(sha) if sha is not None else None,
                "claims": int(n),
            }
            for src, title, kind, sha, n in result.rows
        ]

    def source_by_sha256(self, sha256: str) -> str | None:
        """The IRI of the source whose text has this SHA-256, if the graph holds one."""
        for s, _, _ in self.triples((None, CKG.contentSha256, Literal(sha256))):
            return str(s)
        return None

    def add_source(
        self,
        text: str,
        *,
        title: str,
        kind: str = "article",
        published: date | None = None,
        url: str | None = None,
        byline: str | None = None,
        file_name: str | None = None,
        id: str | None = None,
    ) -> str:
        """Add a source document with its full text; return its IRI (existing one if the text is known).

        Raises DataError for an empty text or title, InvalidArgument for an unknown kind.
        """
        from .ingest import source_triples

        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        existing = self.source_by_sha256(sha)
        if existing:
            return existing
        iri, triples = source_triples(
            text, title=title, kind=kind, published=published, url=url, byline=byline, file_name=file_name,
            iri=str(SRC[id]) if id else None,
        )
        self.add_triples(triples)
        return str(iri)

    def add_entity(
        self,
        label: str,
        type: str,
        *,
        aliases: Iterable[str] = (),
        id: str | None = None,
        extra: Iterable[Triple] = (),
    ) -> str:
        """Add an entity of an ontology class; return its IRI. Existing ids are reused, not duplicated."""
        if not label.strip():
            raise DataError("an entity needs a label")
        iri = CKR[id or slug(label)]
        triples: list[Triple] = [(iri, RDF.type, self.class_iri(type)), (iri, RDFS.label, Literal(label, lang="en"))]
        triples += [(iri, SKOS.altLabel, Literal(a, lang="en")) for a in aliases]
        triples += list(extra)
        self.add_triples(triples)
        return str(iri)

    def claim_triples(
        self,
        subject: str,
        predicate: str,
        object: str,
        *,
        source: str,
        quote: str,
        start: int | None = None,
        method: str = "curated",
        confidence: float = 1.0,
        modality: str = "stated",
        point_in_time: str | None = None,
        start_time: str | None = None,
        end_time: str | None = None,
        note: str | None = None,
        pattern: str | None = None,
        source_text: str | None = None,
    ) -> tuple[URIRef, list[Triple]]:
        """The triples of a claim (asserted triple + claim node), checked but not added.

        ``subject`` and ``object`` are entity refs; ``source`` a source IRI or id.
        ``source_text`` may be passed to skip reading the source again.

        Raises QuoteNotFound when the quote does not occur in the source (at
        ``start`` when given), InvalidArgument for bad qualifiers.
        """
        s = URIRef(self.resolve(subject))
        o = URIRef(self.resolve(object))
        p = self.relation_iri(predicate)
        src = URIRef(source if source.startswith("http") else SRC[source])
        text = source_text if source_text is not None else self.source_text(str(src))
        if not quote:
            raise QuoteNotFound("a claim needs a non-empty quote")
        if start is None:
            start = text.find(quote)
            if start < 0:
                raise QuoteNotFound(f"the quote does not occur in {_local_name(str(src))}: {quote[:80]!r}")
        from .ingest import claim_triples as build

        return build(
            s, p, o, source=src, quote=quote, start=start, text=text, method=method, confidence=confidence,
            modality=modality, point_in_time=point_in_time, start_time=start_time, end_time=end_time,
            note=note, pattern=pattern,
        )

    def add_claim(self, subject: str, predicate: str, object: str, **kwargs: Any) -> Claim:
        """Assert a relation with its evidence, atomically; return the stored claim.

        Takes the arguments of :meth:`claim_triples`. The plain triple makes
        ``?a ckg:alliedWith ?b`` just work; the claim node keeps the source,
        the verbatim quote, its offsets and the time qualifiers.

        Raises QuoteNotFound (nothing is added) when the quote is not in the source.

        Examples
        --------
        >>> kg = KnowledgeGraph.open(backend="memory")
        >>> claim = kg.add_claim("Russia", "cooperatesWith", "Azerbaijan",
        ...     source="000_4fb1f75b4de7c57b", quote="cooperation in the energy sector")
        >>> claim.quote_start > 0
        True
        """
        c, triples = self.claim_triples(subject, predicate, object, **kwargs)
        self.add_triples(triples)
        return next(cl for cl in self._claims_where(f"VALUES ?c {{ <{c}> }}"))

    # ------------------------------------------------------------------ export, stats, validation

    def export(self, format: str = "ttl") -> bytes:
        """The whole graph serialised (ttl, nt, nq, trig, jsonld, xml) by the store's own writer."""
        return self._backend.serialize(rdf_format(format), prefixes=PREFIXES)

    def stats(self) -> Stats:
        """Counts of triples, entities by type, relations by predicate, claims and sources."""

        def build() -> Stats:
            index = self._entity_index()
            depths = index["type_depth"]
            by_type: dict[str, int] = {}
            for info in index["entities"].values():
                best = max(info["types"], key=lambda t: (depths.get(t, (0, ""))[0], t))
                label = depths.get(best, (0, _local_name(best)))[1]
                by_type[label] = by_type.get(label, 0) + 1
            rel = self.query(
                "SELECT ?p (COUNT(*) AS ?n) WHERE { ?p a ckg:Relation . ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n) ?p",
                max_rows=100_000,
            )
            relations = self.relations()
            by_predicate = {relations[str(p)]["label"]: int(n) for p, n in rel.rows}
            counts = self.query(
                """SELECT (COUNT(DISTINCT ?c) AS ?claims) (COUNT(DISTINCT ?src) AS ?sources) WHERE {
                     { ?c a ckg:Claim } UNION { ?src a ?t . ?t rdfs:subClassOf* ckg:SourceDocument } }"""
            ).rows[0]
            return Stats(
                triples=len(self),
                entities=len(index["entities"]),
                relations=sum(by_predicate.values()),
                claims=int(counts[0]),
                sources=int(counts[1]),
                entities_by_type=dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))),
                relations_by_predicate=by_predicate,
            )

        return self.cached("stats", build)

    def validate(self, *, shacl: bool = True):  # -> ValidationReport
        """Check the SHACL shapes and that every quote stands verbatim at its offsets in its source."""
        from .validation import validate

        return validate(self, shacl=shacl)


def time_literal(value: str) -> Literal:
    """A time qualifier as xsd:date, xsd:gYearMonth or xsd:gYear (InvalidArgument otherwise).

    Examples
    --------
    >>> time_literal("2020").datatype.endswith("gYear")
    True
    """
    import re

    value = str(value).strip()
    if re.fullmatch(r"\d{4}", value):
        return Literal(value, datatype=XSD.gYear)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return Literal(value, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            date.fromisoformat(value)
        except ValueError:
            raise InvalidArgument(f"not a calendar date: {value!r}") from None
        return Literal(value, datatype=XSD.date)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?", value):
        return Literal(value if value.count(":") == 2 else value + ":00", datatype=XSD.dateTime)
    raise InvalidArgument(f"a time must be YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM, not {value!r}")


def _check_text(data: bytes, spec: RdfFormatSpec, *, source: str) -> None:
    """DataError for binary data or text that is not UTF-8, naming the source and the line."""
    if b"\x00" in data[:8192]:
        raise DataError(f"{source}: binary data, not {spec.name}")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(f"{source}: line {line}: not valid UTF-8") from None


def _local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1] or iri
    return iri


def _claim_from_row(row: tuple) -> Claim:
    c, s, p, o, src, title, quote, start, end, method, conf, modality, pit, st, et, note, pattern = row

    def text(term: Node | None) -> str | None:
        return None if term is None else str(term)

    return Claim(
        iri=str(c),
        subject=str(s),
        predicate=str(p),
        object=str(o),
        source=str(src),
        source_title=text(title),
        quote=str(quote),
        quote_start=int(start),
        quote_end=int(end),
        method=_local_name(str(method)).lower(),
        confidence=float(conf),
        modality=_local_name(str(modality)).lower() if modality is not None else None,
        point_in_time=text(pit),
        start_time=text(st),
        end_time=text(et),
        note=text(note),
        pattern=text(pattern),
    )

