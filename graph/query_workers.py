"""Worker processes that evaluate SPARQL, so that a query past its time limit is killed, not abandoned.

Why processes
-------------
Neither engine can be interrupted from outside. pyoxigraph releases the GIL
while it evaluates, but it has no cancellation API, and its results are lazy: an
aggregate, ORDER BY or a join that finds nothing computes inside one ``next()``
call. rdflib's engine is pure Python and holds the GIL. A thread that runs past
its limit can only be abandoned, and it keeps a core busy until it ends. A
process can be killed.

How
---
* :class:`QueryWorkers` keeps ``size`` processes, each a fresh interpreter
  (``python -c``, talking over a socket pair with ``multiprocessing``'s
  message framing). Not ``fork``: the server has threads, whose locks a forked
  child would inherit held; not ``multiprocessing``'s spawn or forkserver
  either, which re-import the caller's ``__main__`` in the child. A start costs
  an interpreter boot (about a second here), paid at the first query and, after
  a kill, in the background while the other workers serve.
* Each worker holds its own copy of the data at one graph version. An in-memory
  store (Oxigraph or rdflib) is dumped once per version to an N-Quads/N-Triples
  file that each worker loads; an on-disk Oxigraph store gets one RocksDB
  checkpoint per worker (hard links to the immutable files: cheap), which that
  worker alone opens, so no two processes ever share a live database.
* A call takes an idle worker (the wait counts against its time limit), sends the
  request through a pipe and waits at most the time left. Past it, the worker is
  killed with SIGKILL and a replacement is started in the background; the
  caller gets :class:`~caucasus_kg.graph.errors.QueryTimeout`.
  :meth:`QueryWorkers.call_async` does the same from an event loop, waiting for
  the worker's socket on the loop itself: handing a point lookup to a thread
  and back cost more than the lookup.
* A reply is its size, then the pickled answer, so that an async caller reads
  a large answer in a thread, never on the loop.
* After a write, each worker reloads before its next call (loading is not
  counted in the limit). An update is rehearsed in a worker first, under the
  limit, and applied to the primary store only if the rehearsal finished; the
  rehearsing worker then reloads.

Costs: one copy of the data per worker; a reload after each write; about a
tenth of a millisecond of pipe round trip per query. SELECT results are written
by the store's own serialisers inside the worker, so the serving process only
forwards bytes.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import pickle
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from . import errors as _errors
from .errors import QueryTimeout

__all__ = ["QueryWorkers"]

_LOAD_TIMEOUT = 600.0
_LOOP_READ_LIMIT = 256 * 1024
"""Answers up to this many bytes are read on the event loop; larger ones in a thread."""
_BOOT = "import sys; from caucasus_kg.graph.query_workers import _serve; _serve(int(sys.argv[1]))"


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen
    conn: Connection
    version: int = -1
    snapshot: Path | None = None  # a checkpoint directory this worker alone owns


class QueryWorkers:
    """A pool of worker processes that run SPARQL for one backend, killable at a deadline.

    Parameters
    ----------
    backend
        The primary store (a :class:`~caucasus_kg.graph.store.Backend`); workers get copies of it.
    size
        Number of worker processes.
    lock
        The graph's write lock: a snapshot is taken while holding it, so its version matches its data.
    version
        Returns the graph's current version.
    """

    def __init__(self, backend: Any, *, size: int, lock: Any, version: Callable[[], int]) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self._backend = backend
        self._size = size
        self._lock = lock
        self._version = version
        self._dir = Path(tempfile.mkdtemp(prefix="ckg-workers-"))
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._state_lock = threading.Lock()
        self._dump: tuple[int, Path] | None = None
        self._closed = False
        self._counter = itertools.count()
        self.kills = 0
        """How many workers were killed at a deadline (for tests and monitoring)."""
        self._ready = threading.Event()
        self._booted = threading.Semaphore(0)
        self._finalizer = weakref.finalize(self, _cleanup, self._all, self._dir)
        for _ in range(size):
            self._boot()
        for _ in range(size):  # start complete: every worker loaded (boots run in parallel)
            self._booted.acquire(timeout=_LOAD_TIMEOUT)

    # ------------------------------------------------------------------ public

    @property
    def size(self) -> int:
        return self._size

    def idle(self) -> int:
        """How many workers are loaded and waiting for a request."""
        return self._idle.qsize()

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        with self._state_lock:
            return sorted(w.process.pid for w in self._all)

    def call(self, request: tuple, *, timeout: float, rehearsal: bool = False) -> Any:
        """Run ``request`` in a worker and return its answer, or raise QueryTimeout at ``timeout`` seconds.

        Errors raised in the worker are raised again here as the same core exception.
        ``rehearsal``: the request changes the worker's copy (an update), which is reloaded after.
        """
        if self._closed:
            raise RuntimeError("the query workers are closed")
        if not self._ready.wait(_LOAD_TIMEOUT):  # the first worker is booting: not counted in the limit
            raise RuntimeError("no query worker could be started")
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise QueryTimeout(timeout) from None
        try:
            deadline += self._ensure_loaded(worker)
            worker.conn.send(request)
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self.kills += 1
                self._replace(worker)
                worker = None
                raise QueryTimeout(timeout)
            status, payload = _receive(worker.conn)
        except QueryTimeout:
            raise
        except (EOFError, OSError) as exc:
            if worker is not None:
                self._replace(worker)
                worker = None
            raise RuntimeError(f"a query worker died ({type(exc).__name__}); it has been replaced") from None
        except BaseException:
            if worker is not None:
                self._replace(worker)
                worker = None
            raise
        finally:
            if worker is not None:
                if rehearsal:
                    worker.version = -1
                self._idle.put(worker)
        return _answer(status, payload)

    async def call_async(self, request: tuple, *, timeout: float) -> Any:
        """:meth:`call` for a coroutine: waits for the answer on the running event loop, holding no thread.

        When an idle worker with the current data is at hand, the request goes
        to it and the loop watches its socket; otherwise (no worker booted yet,
        all busy, or the idle one must reload first) the blocking :meth:`call`
        runs in a thread. A task cancelled while its query runs kills the worker.
        """
        if self._closed:
            raise RuntimeError("the query workers are closed")
        worker = None
        if self._ready.is_set():
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                pass
            if worker is not None and worker.version != self._version():
                self._idle.put(worker)
                worker = None
        if worker is None:
            return await asyncio.to_thread(self.call, request, timeout=timeout)
        loop = asyncio.get_running_loop()
        try:
            worker.conn.send(request)
            answered = loop.create_future()
            fd = worker.conn.fileno()
            loop.add_reader(fd, lambda: answered.done() or answered.set_result(None))
            try:
                async with asyncio.timeout(timeout):
                    await answered
            finally:
                loop.remove_reader(fd)
                os.set_blocking(fd, True)  # uvloop's add_reader made it non-blocking; the reads below wait
            size = worker.conn.recv()
            if size > _LOOP_READ_LIMIT:
                status, payload = await asyncio.to_thread(_receive_body, worker.conn)
            else:
                status, payload = _receive_body(worker.conn)
        except TimeoutError:
            self.kills += 1
            self._replace(worker)
            raise QueryTimeout(timeout) from None
        except (EOFError, OSError) as exc:
            self._replace(worker)
            raise RuntimeError(f"a query worker died ({type(exc).__name__}); it has been replaced") from None
        except BaseException:  # cancelled mid-query: the worker's answer would be read by the next caller
            self._replace(worker)
            raise
        self._idle.put(worker)
        return _answer(status, payload)

    def close(self) -> None:
        """Stop every worker and remove the snapshots."""
        self._closed = True
        self._finalizer()

    # ------------------------------------------------------------------ workers

    def _start(self) -> _Worker:
        ours, theirs = socket.socketpair()
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _BOOT, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        finally:
            theirs.close()
        worker = _Worker(process, Connection(ours.detach()))
        with self._state_lock:
            self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start another in the background."""
        _kill(worker)
        with self._state_lock:
            self._all.discard(worker)
        if not self._closed:
            self._boot()

    def _boot(self) -> None:
        """Start a worker in the background; it joins the idle ones once it has loaded the data."""

        def boot() -> None:
            try:
                fresh = self._start()
            except Exception:  # pragma: no cover - cannot start a process at all
                self._ready.set()  # callers then fail on the empty pool instead of waiting
                self._booted.release()
                return
            if self._closed:
                _kill(fresh)
                self._booted.release()
                return
            try:
                self._ensure_loaded(fresh)
            except Exception:  # loading fails again at first use, where it is reported
                fresh.version = -1
            self._idle.put(fresh)
            self._ready.set()
            self._booted.release()

        threading.Thread(target=boot, name="ckg-worker-boot", daemon=True).start()

    def _ensure_loaded(self, worker: _Worker) -> float:
        """Give the worker the current data if it has an older version; return the seconds spent."""
        if worker.version == self._version():
            return 0.0
        started = time.monotonic()
        version, spec, owned = self._snapshot()
        worker.conn.send(("load", spec))
        if not worker.conn.poll(_LOAD_TIMEOUT):
            raise RuntimeError("a query worker did not load the data in time")
        status, payload = _receive(worker.conn)
        if status == "error":
            if owned is not None:
                shutil.rmtree(owned, ignore_errors=True)
            raise _rebuild_error(*payload)
        old, worker.snapshot, worker.version = worker.snapshot, owned, version
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return time.monotonic() - started

    def _snapshot(self) -> tuple[int, tuple, Path | None]:
        """(version, what the worker opens, a directory the worker will own or None)."""
        from .store import MemoryBackend, OxigraphBackend

        backend = self._backend
        if isinstance(backend, OxigraphBackend) and backend.path is not None:
            target = self._dir / f"checkpoint-{next(self._counter)}"
            with self._lock:
                version = self._version()
                backend.store.backup(str(target))
            return version, ("oxigraph-dir", str(target)), target
        with self._lock:  # the write lock: no write between reading the version and dumping
            version = self._version()
            if self._dump is None or self._dump[0] != version:
                path = self._dir / f"dump-{version}-{next(self._counter)}.nq"
                if isinstance(backend, OxigraphBackend):
                    import pyoxigraph as ox

                    backend.store.dump(str(path), format=ox.RdfFormat.N_QUADS)
                elif isinstance(backend, MemoryBackend):
                    backend.graph.serialize(str(path), format="nt", encoding="utf-8")
                else:  # pragma: no cover - no other backend exists
                    raise RuntimeError(f"no worker snapshot for the {backend.name} backend")
                if self._dump is not None:
                    self._dump[1].unlink(missing_ok=True)  # workers that loaded it keep their copy
                self._dump = (version, path)
            version, path = self._dump
        kind = "rdflib-nt" if isinstance(backend, MemoryBackend) else "oxigraph-nquads"
        return version, (kind, str(path)), None


def _kill(worker: _Worker) -> None:
    try:
        worker.process.kill()
        worker.process.wait(5)
    except Exception:  # pragma: no cover - already gone
        pass
    try:
        worker.conn.close()
    except OSError:  # pragma: no cover
        pass
    if worker.snapshot is not None:
        shutil.rmtree(worker.snapshot, ignore_errors=True)


def _cleanup(workers: set[_Worker], directory: Path) -> None:
    for worker in list(workers):
        _kill(worker)
    workers.clear()
    shutil.rmtree(directory, ignore_errors=True)


def _receive(conn: Connection) -> tuple[str, Any]:
    """Read one reply of a worker: its size header, then the answer."""
    conn.recv()
    return _receive_body(conn)


def _receive_body(conn: Connection) -> tuple[str, Any]:
    return pickle.loads(conn.recv_bytes())


def _answer(status: str, payload: Any) -> Any:
    if status == "error":
        raise _rebuild_error(*payload)
    return payload


def _rebuild_error(name: str, message: str) -> Exception:
    cls = getattr(_errors, name, None)
    if isinstance(cls, type) and issubclass(cls, _errors.CaucasusKGError) and cls not in (
        _errors.EntityNotFound,
        _errors.NoPath,
        _errors.QueryTimeout,
    ):
        return cls(message)
    return _errors.QueryError(message)


# ---------------------------------------------------------------------- inside a worker


def _open_snapshot(spec: tuple) -> Any:
    from .store import MemoryBackend, OxigraphBackend

    kind, path = spec
    if kind == "oxigraph-dir":
        return OxigraphBackend(Path(path))
    if kind == "oxigraph-nquads":
        import pyoxigraph as ox

        backend = OxigraphBackend()
        backend.store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
        return backend
    if kind == "rdflib-nt":
        backend = MemoryBackend()
        backend.graph.parse(path, format="nt")
        return backend
    raise ValueError(f"unknown snapshot kind {kind!r}")


def _serve(fd: int) -> None:
    """The body of a worker process: serve requests from the socket ``fd`` until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which closes the socket
    _worker_main(Connection(fd))


def _worker_main(conn: Connection) -> None:
    """Answer load, query, serialized and update requests until the connection closes."""
    import gc

    backend = None
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        op = request[0]
        try:
            if op == "load":
                if backend is not None:
                    backend.close()
                    backend = None
                    gc.collect()  # drop the old store (and its files) before opening the new one
                backend = _open_snapshot(request[1])
                backend.query("ASK {}", prefixes={}, max_rows=1, cancel=threading.Event())  # warm the engine up
                answer: Any = len(backend)
            elif op == "query":
                _, sparql, kwargs = request
                answer = backend.query(sparql, cancel=threading.Event(), **kwargs)
            elif op == "serialized":
                _, sparql, kwargs = request
                answer = backend.query_serialized(sparql, **kwargs)
            elif op == "update":
                _, sparql, kwargs = request
                answer = backend.update(sparql, **kwargs)
            elif op == "pid":
                answer = os.getpid()
            else:
                raise ValueError(f"unknown request {op!r}")
            reply = ("ok", answer)
        except _errors.CaucasusKGError as exc:
            reply = ("error", (type(exc).__name__, str(exc)))
        except Exception as exc:  # an engine error the backend did not translate
            reply = ("error", ("QueryError", f"query failed: {type(exc).__name__}: {exc}"))
        try:
            body = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an answer that cannot be pickled: report it, keep serving
            body = pickle.dumps(("error", ("QueryError", f"the answer could not be sent: {exc}")))
        try:
            conn.send(len(body))
            conn.send_bytes(body)
        except (EOFError, OSError):
            return
