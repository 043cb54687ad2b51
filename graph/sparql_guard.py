"""Static inspection of SPARQL text: its form, and the operations that reach outside the store.

SERVICE, LOAD and FROM/FROM NAMED/USING of a graph the store does not hold can
make an engine fetch URLs or read files (rdflib dereferences FROM; Oxigraph's
SERVICE has its own HTTP client, which no audit hook can stop). They are
refused before the query reaches the engine unless explicitly enabled.

The check works on SPARQL's tokens: comments, string literals and IRIs are
recognised first, so a keyword inside a string or an IRI, or a prefixed name
such as ``ex:SERVICE``, never counts. SPARQL lets ``\\uXXXX`` escapes stand
anywhere in a query, and engines differ (rdflib expands them before parsing,
Oxigraph only inside strings and IRIs), so the text is checked both as written
and with its escapes expanded: ``\\u0053ERVICE`` is SERVICE. The graphs of the
protocol's ``default-graph-uri``/``named-graph-uri`` are checked like FROM.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .errors import QueryError, QueryRefused

__all__ = ["QueryShape", "check_query", "inspect_sparql", "query_form"]

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
    | (?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?:[\w.\-:%\\\u00b7\u00c0-\uffff]*)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<space>\s+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_UPDATE_OPS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


@dataclass(frozen=True)
class QueryShape:
    """What the tokens of a SPARQL request say about it."""

    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE or UPDATE
    uses_service: bool
    uses_load: bool
    dataset_graphs: tuple[str, ...]  # graphs named by FROM, FROM NAMED, USING, USING NAMED
    single_pattern: bool = False
    """A SELECT or ASK of one triple pattern, at most a LIMIT after it: Oxigraph answers it with one
    lazy index scan, so it cannot compute ahead of the rows it returns (see :func:`_is_single_pattern`)."""


def _tokens(sparql: str) -> Iterator[tuple[str, str]]:
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup
        if kind not in ("comment", "space"):
            yield kind, match.group()


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _expand_escapes(sparql: str) -> str:
    def char(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):
            return match.group()

    return _ESCAPE.sub(char, sparql)


def inspect_sparql(sparql: str) -> QueryShape:
    """Tokenise ``sparql`` and report its form and outside-reaching operations.

    Shapes of short texts are remembered (a server sees the same queries again,
    and checks each one twice: for its form, then for what it reaches).

    Examples
    --------
    >>> inspect_sparql("SELECT * FROM <http://x/g> { ?s ?p 'SERVICE' }").dataset_graphs
    ('http://x/g',)
    >>> inspect_sparql("PREFIX ex: <http://x/> SELECT * { ?s ex:SERVICE ?o }").uses_service
    False
    """
    if len(sparql) <= _CACHED_LENGTH:
        return _inspect_cached(sparql)
    return _inspect(sparql)


_CACHED_LENGTH = 4096


@functools.lru_cache(maxsize=512)
def _inspect_cached(sparql: str) -> QueryShape:
    return _inspect(sparql)


def _inspect(sparql: str) -> QueryShape:
    tokens = list(_tokens(sparql))
    prefixes: dict[str, str] = {}
    body: list[tuple[str, str]] = []  # the tokens after the PREFIX declarations
    form = None
    service = load = False
    graphs: list[str] = []
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        upper = text.upper() if kind == "word" else ""
        if upper == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1][0] == "pname" and tokens[i + 2][0] == "iri":
            prefixes[tokens[i + 1][1][:-1]] = tokens[i + 2][1][1:-1]
            i += 3
            continue
        body.append(tokens[i])
        if form is None and (upper in _FORMS or upper in _UPDATE_OPS):
            form = upper if upper in _FORMS else "UPDATE"
        if upper == "SERVICE":
            service = True
        elif upper == "LOAD":
            load = True
        elif upper in ("FROM", "USING"):
            j = i + 1
            if j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].upper() == "NAMED":
                j += 1
            if j < len(tokens):
                graphs.append(_expand(tokens[j], prefixes))
        i += 1
    if form is None:
        raise QueryError("not a SPARQL query or update: no SELECT, ASK, CONSTRUCT, DESCRIBE or update operation found")
    return QueryShape(form, service, load, tuple(graphs), _is_single_pattern(body))


def _is_single_pattern(body: list[tuple[str, str]]) -> bool:
    """``SELECT (* | ?v ...) [WHERE] { s p o [.] } [LIMIT n]`` or ``ASK [WHERE] { s p o [.] }``, nothing else.

    Terms are variables (each once), IRIs, prefixed names, ``a`` or plain,
    tagged or typed strings. Anything else (a FILTER, a second pattern, a path,
    DISTINCT, ORDER BY, OFFSET, a number, a repeated variable, ...) answers
    False: the check is meant to say yes only when it is sure.

    Examples
    --------
    >>> _is_single_pattern(list(_tokens("SELECT ?p ?o WHERE { ckr:X ?p ?o } LIMIT 10")))
    True
    >>> _is_single_pattern(list(_tokens("SELECT * { ?a ?p ?b . ?b ?q ?c }")))
    False
    """
    words = [(kind, text.upper() if kind == "word" else text) for kind, text in body]
    i = 0

    def take(kind: str, text: str | None = None) -> bool:
        nonlocal i
        if i < len(words) and words[i][0] == kind and (text is None or words[i][1] == text):
            i += 1
            return True
        return False

    def term(predicate: bool = False) -> bool:
        nonlocal i
        if take("var") or take("iri") or take("pname") or (predicate and take("word", "A")):
            return True
        if predicate or not take("string"):
            return False
        if take("other", "@"):  # a language tag: en, en-GB, es-419
            if not take("word"):
                return False
            while take("other", "-"):
                if not (take("word") or _digits()):
                    return False
            return True
        if i + 1 < len(words) and words[i] == words[i + 1] == ("other", "^"):
            i += 2
            return take("iri") or take("pname")
        return True

    def _digits() -> bool:
        nonlocal i
        start = i
        while i < len(words) and words[i][0] == "other" and words[i][1].isdigit():
            i += 1
        return i > start

    if take("word", "SELECT"):
        if not take("other", "*"):
            if not take("var"):
                return False
            while take("var"):
                pass
    elif not take("word", "ASK"):
        return False
    take("word", "WHERE")
    if not take("other", "{"):
        return False
    start = i
    if not (term() and term(predicate=True) and term()):
        return False
    variables = [text for kind, text in words[start:i] if kind == "var"]
    if len({v[1:] for v in variables}) < len(variables):  # ?x ?p ?x filters inside the scan: rows may not come
        return False
    take("other", ".")
    if not take("other", "}"):
        return False
    if take("word", "LIMIT") and not _digits():
        return False
    return i == len(words)


def _expand(token: tuple[str, str], prefixes: dict[str, str]) -> str:
    kind, text = token
    if kind == "iri":
        return text[1:-1]
    if kind == "pname":
        prefix, _, local = text.partition(":")
        return prefixes.get(prefix, prefix + ":") + local
    return text


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE or UPDATE.

    Examples
    --------
    >>> query_form("# a comment\\nASK { ?s ?p ?o }")
    'ASK'
    """
    return inspect_sparql(sparql).form


def check_query(
    sparql: str,
    *,
    allow_outside: bool,
    known_graphs: Callable[[], set[str]],
    update: bool,
    dataset: Iterable[str] = (),
) -> QueryShape:
    """Refuse what reaches outside the store; return the request's shape.

    Raises QueryRefused for SERVICE, LOAD, or a FROM/USING graph (or a
    ``dataset`` graph of the protocol) not in ``known_graphs()`` while
    ``allow_outside`` is false, and QueryError when a query is sent as an
    update or the other way round.

    Examples
    --------
    >>> check_query("SELECT * { \\u0053ERVICE <http://127.0.0.1/> { ?s ?p ?o } }", allow_outside=False,
    ...             known_graphs=set, update=False)
    Traceback (most recent call last):
    ...
    caucasus_kg.graph.errors.QueryRefused: SERVICE (federated query) is disabled on this server
    """
    texts = [sparql, _expand_escapes(sparql)]
    shapes: list[QueryShape] = []
    for text in texts[: 1 if texts[1] == sparql else 2]:
        try:
            shapes.append(inspect_sparql(text))
        except QueryError:
            pass
    if not shapes:
        inspect_sparql(sparql)  # raises the error of the text as written
    shape = QueryShape(
        shapes[0].form,
        any(s.uses_service for s in shapes),
        any(s.uses_load for s in shapes),
        tuple(dict.fromkeys([*(g for s in shapes for g in s.dataset_graphs), *dataset])),
        all(s.single_pattern for s in shapes),
    )
    if update and shape.form != "UPDATE":
        raise QueryError(f"expected a SPARQL update, got a {shape.form} query")
    if not update and shape.form == "UPDATE":
        raise QueryError("this is a SPARQL update; send it as an update, not as a query")
    if allow_outside:
        return shape
    if shape.uses_service:
        raise QueryRefused("SERVICE (federated query) is disabled on this server")
    if shape.uses_load:
        raise QueryRefused("LOAD is disabled on this server")
    if shape.dataset_graphs:
        known = known_graphs()
        outside = [g for g in shape.dataset_graphs if g not in known]
        if outside:
            raise QueryRefused(
                f"FROM/USING a graph that is not in the store is disabled: <{outside[0]}> "
                f"(graphs of the store: {', '.join(sorted(known)) or 'none but the default graph'})"
            )
    return shape
