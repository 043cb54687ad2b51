"""The networkx projection of the knowledge graph, its filters and time periods.

The RDF graph is projected once per graph version to a frozen
:class:`networkx.MultiDiGraph` (:func:`to_networkx`). Every analytics call
works on that one object, through subgraph views for its filters
(:func:`graph_view`); nothing is copied or rebuilt per call.

Nodes
    Entities: instances of the subclasses of ``ckg:Actor``, ``ckg:Place``,
    ``ckg:Event`` and ``ckg:Topic`` (events such as talks, a war or a ceasefire
    stay nodes, linked to their participants), plus any other IRI at the end of
    an asserted relation. Never literals, claim nodes or source documents.
    Attributes: ``label``, ``id``, ``type`` (the label of the most specific
    class, e.g. ``"country"``), ``classes`` (frozenset of the class IRIs with
    their superclasses) and ``wikidata`` (QID or None).
Edges
    Asserted relation triples ``s p o`` whose predicate is a ``ckg:Relation``,
    keyed by the predicate IRI. Attributes: ``predicate``, ``relation`` (local
    name), ``label``, ``polarity`` (``"cooperative"``, ``"hostile"``,
    ``"neutral"`` or None), ``symmetric``, ``entailed``, ``claims`` (IRIs of
    the supporting claims), ``periods`` (for each claim, its ``(first_day,
    last_day)`` as ISO dates, or None when the claim has no time qualifier),
    ``qualifiers`` (each claim's time qualifiers as text, or None), ``times``
    (the distinct qualifiers) and ``undated`` (some claim, or none at all, has no date).
    A relation declared ``owl:SymmetricProperty`` holds both ways: its reverse
    edge is added with ``entailed=True`` (unless asserted too) and carries the
    same claims, so directed algorithms see ``A alliedWith B`` from both ends.

Time
    A claim covers a period: ``pointInTime`` covers the whole of its value
    (``"2020"`` is 2020-01-01..2020-12-31, ``"2020-09"`` the month, a date the
    day); ``startTime`` and ``endTime`` bound a period (``startTime`` alone is
    open-ended, ``endTime`` alone open to the past). A view of a date or window
    (``as_of``, or ``start``/``end``) keeps a claim when its period overlaps the
    window, and an edge when at least one of its claims is kept. Claims with no
    time qualifier (and relations asserted without any claim) are *undated*:
    they are kept in every view by default, since the source states them
    without a date; pass ``include_undated=False`` to keep only dated facts.
    A point-in-time claim holds only within its own period: the 2020 war is in
    the 2020 view, not in the 2022 one.

Filters
    Every analytics function takes the same keyword filters (:class:`Filters`):
    ``relations`` (relation names or IRIs), ``polarity`` (``"cooperative"``,
    ``"hostile"``, ``"neutral"``), ``as_of`` or ``start``/``end`` (YYYY,
    YYYY-MM, YYYY-MM-DD or a date), ``include_undated`` and ``types`` (entity
    classes, e.g. ``"Actor"`` or ``"Person"``: the graph is restricted to nodes
    of these classes or their subclasses).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypedDict

import networkx as nx

from .errors import EntityNotFound, InvalidArgument
from .model import Claim, EntityRef

__all__ = [
    "Filters",
    "GraphEdge",
    "GraphNode",
    "graph_view",
    "period",
    "to_networkx",
]

_MIN_DAY, _MAX_DAY = "0001-01-01", "9999-12-31"
_POLARITIES = ("cooperative", "hostile", "neutral")
_PROJECTION_KEY = ("caucasus_kg.graph.projection", "projection")
_SIMPLE_KEY = ("caucasus_kg.graph.projection", "simple-digraph")
_BIG = 1_000_000_000


class Filters(TypedDict, total=False):
    """The keyword filters every analytics function accepts (see the module docstring)."""

    relations: Iterable[str] | str | None
    polarity: Iterable[str] | str | None
    as_of: str | date | None
    start: str | date | None
    end: str | date | None
    include_undated: bool
    types: Iterable[str] | str | None


@dataclass(frozen=True)
class GraphNode:
    """A node of the projection: an entity with its type, and its hop distance in a neighbourhood."""

    iri: str
    id: str
    label: str
    type: str
    wikidata: str | None = None
    distance: int | None = None


@dataclass(frozen=True)
class GraphEdge:
    """An asserted relation as seen in a view, with the claims that support it there.

    ``direction`` is ``"forward"`` when a path walks from ``subject`` to
    ``object`` and ``"backward"`` when it walks against the asserted direction
    (only in undirected searches). Symmetric relations are shown in the order
    the path walks them, always forward. ``claims`` are the IRIs of the claims
    that hold in the view, ``times`` their time qualifiers, and ``evidence``
    the claims themselves with their quotes (filled for paths, and for
    neighbourhoods on request).
    """

    subject: EntityRef
    predicate: str
    label: str
    polarity: str | None
    object: EntityRef
    symmetric: bool = False
    direction: str = "forward"
    claims: tuple[str, ...] = ()
    times: tuple[str, ...] = ()
    evidence: tuple[Claim, ...] = ()

    def text(self) -> str:
        """One line: ``subject --label--> object`` (``--label--`` when symmetric)."""
        arrow = f"--{self.label}--" if self.symmetric else f"--{self.label}-->"
        return f"{self.subject.label} {arrow} {self.object.label}"


# ---------------------------------------------------------------------- time periods


def period(value: str | date | datetime) -> tuple[str, str]:
    """The first and last day (ISO dates) that a time value covers.

    ``"2020"`` covers the whole year, ``"2020-09"`` the month, a date or a
    date-time its day. Time zones are ignored.

    Raises
    ------
    InvalidArgument
        A value that is not a year, a year-month, a date or a date-time.

    Examples
    --------
    >>> period("2020")
    ('2020-01-01', '2020-12-31')
    >>> period("2024-02")
    ('2024-02-01', '2024-02-29')
    >>> period("2020-09-27T10:30:00Z")
    ('2020-09-27', '2020-09-27')
    """
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        day = value.isoformat()
        return day, day
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T[\d:.]+)?)?)?(?:Z|[+-]\d{2}:\d{2})?", text)
    if not match:
        raise InvalidArgument(f"a date must be YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM, not {text!r}")
    year, month, day = match.groups()
    try:
        if day:
            first = date(int(year), int(month), int(day)).isoformat()
            return first, first
        if month:
            m = int(month)
            last = calendar.monthrange(int(year), m)[1]
            date(int(year), m, 1)
            return f"{year}-{m:02d}-01", f"{year}-{m:02d}-{last:02d}"
    except ValueError:
        raise InvalidArgument(f"not a calendar date: {text!r}") from None
    if int(year) < 1:
        raise InvalidArgument(f"not a calendar year: {text!r}")
    return f"{year}-01-01", f"{year}-12-31"


def _data_period(value: Any) -> tuple[str, str] | None:
    """The period of a time qualifier in the data (None when absent or unreadable)."""
    if value is None:
        return None
    try:
        return period(str(value))
    except InvalidArgument:
        return None


def _claim_period(pit: Any, start: Any, end: Any) -> tuple[tuple[str, str] | None, str | None]:
    """A claim's (first_day, last_day) and its qualifiers as text; (None, None) when undated."""
    p, s, e = _data_period(pit), _data_period(start), _data_period(end)
    if p is None and s is None and e is None:
        return None, None
    first = s[0] if s else p[0] if p else _MIN_DAY
    last = e[1] if e else _MAX_DAY if s else p[1] if p else _MAX_DAY
    parts = []
    if pit is not None:
        parts.append(str(pit))
    if start is not None or end is not None:
        parts.append(f"{start or ''}..{end or ''}")
    return (first, last), " ".join(parts)


# ---------------------------------------------------------------------- the projection


def to_networkx(kg) -> nx.MultiDiGraph:
    """The frozen networkx projection of the graph, built once per graph version.

    See the module docstring for what nodes and edges hold. The graph is
    frozen: use :func:`graph_view` (or networkx views) to filter it, and
    ``nx.MultiDiGraph(G)`` for a mutable copy.

    Parameters
    ----------
    kg : KnowledgeGraph

    Returns
    -------
    networkx.MultiDiGraph
        Frozen; ``G.graph["version"]`` is the graph version it was built from.

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> G = to_networkx(kg)
    >>> G.nodes["https://w3id.org/caucasus-kg/id/Azerbaijan"]["type"]
    'country'
    >>> edge = G.edges["https://w3id.org/caucasus-kg/id/Azerbaijan", "https://w3id.org/caucasus-kg/id/Turkey",
    ...                "https://w3id.org/caucasus-kg/ontology#alliedWith"]
    >>> edge["label"], edge["polarity"], edge["symmetric"]
    ('allied with', 'cooperative', True)
    >>> nx.is_frozen(G) and to_networkx(kg) is G
    True
    """
    return kg.cached(_PROJECTION_KEY, lambda: _build_projection(kg))


def _query(kg, sparql: str):
    return kg.query(sparql, max_rows=_BIG, timeout=max(kg.settings.query_timeout, 600.0))


def _local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1] or iri
    return iri


def _entity_classes(kg) -> dict[str, tuple[int, str, frozenset[str]]]:
    """Every entity class: IRI -> (depth below the roots, label, the class and its superclasses)."""
    rows = _query(
        kg,
        """SELECT ?type ?super ?label WHERE {
             VALUES ?root { ckg:Actor ckg:Place ckg:Event ckg:Topic }
             ?super rdfs:subClassOf* ?root . ?type rdfs:subClassOf* ?super .
             OPTIONAL { ?type rdfs:label ?label } }""",
    ).rows
    supers: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    for t, s, label in rows:
        supers.setdefault(str(t), set()).add(str(s))
        if label is not None and (str(t) not in labels or getattr(label, "language", None) in (None, "en")):
            labels[str(t)] = str(label)
    return {t: (len(s), labels.get(t, _local_name(t)), frozenset(s)) for t, s in supers.items()}


def _build_projection(kg) -> nx.MultiDiGraph:
    """Build the projection with four bulk queries (classes, entities, relation triples, claims)."""
    relations = kg.relations()
    classes = _entity_classes(kg)
    G = nx.MultiDiGraph(version=kg.version)
    if classes:
        values = " ".join(f"<{c}>" for c in classes)
        rows = _query(
            kg,
            f"""SELECT ?e ?type ?label ?wd WHERE {{
                  VALUES ?type {{ {values} }} ?e a ?type . FILTER(isIRI(?e))
                  OPTIONAL {{ ?e rdfs:label ?label }} OPTIONAL {{ ?e ckg:wikidata ?wd }} }}""",
        ).rows
    else:  # pragma: no cover - the ontology is always loaded
        rows = ()
    info: dict[str, dict[str, Any]] = {}
    for e, t, label, wd in rows:
        node = info.setdefault(str(e), {"types": set(), "label": None, "lang": None, "wikidata": None})
        node["types"].add(str(t))
        if label is not None:
            lang = getattr(label, "language", None)
            if node["label"] is None or (lang in (None, "en") and node["lang"] not in (None, "en")):
                node["label"], node["lang"] = str(label), lang
        if wd is not None:
            node["wikidata"] = str(wd)
    for iri in sorted(info):
        node = info[iri]
        best = max(node["types"], key=lambda t: (classes[t][0], t))
        G.add_node(
            iri,
            id=_local_name(iri),
            label=node["label"] or _local_name(iri),
            type=classes[best][1],
            classes=frozenset().union(*(classes[t][2] for t in node["types"])),
            wikidata=node["wikidata"],
        )

    # Claims, grouped by the triple they support.
    support: dict[tuple[str, str, str], list[tuple[str, tuple[str, str] | None, str | None]]] = {}
    for c, s, p, o, pit, st, et in _query(
        kg,
        """SELECT ?c ?s ?p ?o ?pit ?st ?et WHERE {
             ?c a ckg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
             OPTIONAL { ?c ckg:pointInTime ?pit } OPTIONAL { ?c ckg:startTime ?st } OPTIONAL { ?c ckg:endTime ?et } }""",
    ).rows:
        span, text = _claim_period(pit, st, et)
        support.setdefault((str(s), str(p), str(o)), []).append((str(c), span, text))

    if relations:
        values = " ".join(f"<{p}>" for p in relations)
        triples = _query(
            kg, f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o . FILTER(isIRI(?s) && isIRI(?o)) }}"
        ).rows
    else:  # pragma: no cover - the ontology always declares relations
        triples = ()
    asserted = sorted({(str(s), str(p), str(o)) for s, p, o in triples})
    asserted_set = set(asserted)
    for s, _, o in asserted:
        for iri in (s, o):
            if iri not in G:  # an untyped IRI at the end of a relation
                G.add_node(iri, id=_local_name(iri), label=_local_name(iri), type="entity", classes=frozenset(), wikidata=None)

    def edge_data(s: str, p: str, o: str, entailed: bool) -> dict[str, Any]:
        rel = relations[p]
        found = dict.fromkeys(support.get((s, p, o), ()))
        if rel["symmetric"]:
            found.update(dict.fromkeys(support.get((o, p, s), ())))
        claims = sorted(found, key=lambda c: c[0])
        return {
            "predicate": p,
            "relation": rel["id"],
            "label": rel["label"],
            "polarity": rel["polarity"],
            "symmetric": bool(rel["symmetric"]),
            "entailed": entailed,
            "claims": tuple(c[0] for c in claims),
            "periods": tuple(c[1] for c in claims),
            "qualifiers": tuple(c[2] for c in claims),
            "times": tuple(sorted({c[2] for c in claims if c[2]})),
            "undated": not claims or any(c[1] is None for c in claims),
        }

    for s, p, o in asserted:
        G.add_edge(s, o, key=p, **edge_data(s, p, o, False))
        if relations[p]["symmetric"] and s != o and (o, p, s) not in asserted_set:
            G.add_edge(o, s, key=p, **edge_data(o, p, s, True))
    return nx.freeze(G)


def _simple_digraph(kg) -> nx.DiGraph:
    """The projection collapsed to a frozen simple DiGraph (no attributes), for path searches."""

    def build() -> nx.DiGraph:
        G = to_networkx(kg)
        D = nx.DiGraph()
        D.add_nodes_from(G)
        D.add_edges_from((u, v) for u, v, _ in G.edges(keys=True) if u != v)
        return nx.freeze(D)

    return kg.cached(_SIMPLE_KEY, build)


# ---------------------------------------------------------------------- filters


@dataclass(frozen=True)
class _Scope:
    """Validated filters; hashable, so it keys cached results."""

    relations: frozenset[str] | None = None
    polarity: frozenset[str] | None = None
    window: tuple[str, str] | None = None
    include_undated: bool = True
    types: frozenset[str] | None = None

    @property
    def edges_filtered(self) -> bool:
        return self.relations is not None or self.polarity is not None or self.window is not None or not self.include_undated

    @property
    def trivial(self) -> bool:
        return not self.edges_filtered and self.types is None

    def claim_ok(self, span: tuple[str, str] | None) -> bool:
        if span is None:
            return self.include_undated
        return self.window is None or (span[0] <= self.window[1] and span[1] >= self.window[0])

    def edge_ok(self, d: Mapping[str, Any]) -> bool:
        if self.relations is not None and d["predicate"] not in self.relations:
            return False
        if self.polarity is not None and d["polarity"] not in self.polarity:
            return False
        if self.window is None and self.include_undated:
            return True
        if not d["periods"]:
            return self.include_undated
        return any(self.claim_ok(span) for span in d["periods"])

    def node_ok(self, attrs: Mapping[str, Any]) -> bool:
        return self.types is None or not self.types.isdisjoint(attrs["classes"])


def _as_set(value: Iterable[str] | str | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [v for v in (part.strip() for part in value.split(",")) if v]
    return [str(v) for v in value]


def _scope(kg, filters: Mapping[str, Any] | None = None, **defaults: Any) -> _Scope:
    """Validate keyword filters (InvalidArgument on bad values, TypeError on unknown names)."""
    values = {**defaults, **(filters or {})}
    unknown = set(values) - set(Filters.__annotations__)
    if unknown:
        raise TypeError(f"unknown filter(s): {', '.join(sorted(unknown))}; known: {', '.join(Filters.__annotations__)}")
    relations = _as_set(values.get("relations"))
    if relations is not None:
        relations = [str(kg.relation_iri(r)) for r in relations]
    polarity = _as_set(values.get("polarity"))
    if polarity is not None:
        polarity = [p.lower() for p in polarity]
        bad = [p for p in polarity if p not in _POLARITIES]
        if bad:
            raise InvalidArgument(f"polarity must be one of {', '.join(_POLARITIES)}, not {', '.join(bad)}")
    as_of, start, end = values.get("as_of"), values.get("start"), values.get("end")
    window = None
    if as_of is not None and (start is not None or end is not None):
        raise InvalidArgument("give either as_of or a start/end window, not both")
    if as_of is not None:
        window = period(as_of)
    elif start is not None or end is not None:
        window = (period(start)[0] if start is not None else _MIN_DAY, period(end)[1] if end is not None else _MAX_DAY)
        if window[0] > window[1]:
            raise InvalidArgument(f"the window starts ({start}) after it ends ({end})")
    types = _as_set(values.get("types"))
    if types is not None:
        types = [str(kg.class_iri(t)) for t in types]
    return _Scope(
        relations=frozenset(relations) if relations is not None else None,
        polarity=frozenset(polarity) if polarity is not None else None,
        window=window,
        include_undated=bool(values.get("include_undated", True)),
        types=frozenset(types) if types is not None else None,
    )


def graph_view(kg, *, directed: bool = True, **filters: Any) -> nx.MultiDiGraph | nx.MultiGraph:
    """A read-only view of the projection restricted by the filters (no copy).

    Parameters
    ----------
    kg : KnowledgeGraph
    directed : bool
        False gives an undirected MultiGraph view (an edge and its entailed
        reverse are then seen once).
    **filters
        ``relations``, ``polarity``, ``as_of``, ``start``, ``end``,
        ``include_undated``, ``types`` (see :class:`Filters` and the module
        docstring).

    Raises
    ------
    InvalidArgument
        An unknown relation, polarity or type, or a malformed date.

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> hostile = graph_view(kg, polarity="hostile", types="Country")
    >>> sorted({d["label"] for _, _, d in hostile.edges(data=True)})
    ['criticised', 'has tensions with', 'is concerned about', 'pressed']
    >>> view_2020 = graph_view(kg, as_of="2020", include_undated=False)
    >>> sorted({d["relation"] for _, _, d in view_2020.edges(data=True)})
    ['concerns', 'ended', 'governorOf', 'headOfGovernmentOf', 'headOfStateOf', 'participatedIn', 'regainedTerritoryFrom']
    """
    scope = _scope(kg, filters)
    return _view(to_networkx(kg), scope, directed=directed)


def _view(G: nx.MultiDiGraph, scope: _Scope, *, directed: bool = True):
    view = G
    if not scope.trivial:
        filter_node = (lambda n: scope.node_ok(G.nodes[n])) if scope.types is not None else nx.filters.no_filter
        filter_edge = (lambda u, v, k: scope.edge_ok(G.succ[u][v][k])) if scope.edges_filtered else nx.filters.no_filter
        view = nx.subgraph_view(G, filter_node=filter_node, filter_edge=filter_edge)
    return view if directed else view.to_undirected(as_view=True)


def _pair_view(kg, scope: _Scope, *, directed: bool):
    """The simple (Di)Graph view used by path searches: u-v is an edge when some relation passes the filters."""
    G = to_networkx(kg)
    D = _simple_digraph(kg)
    if not directed:
        D = D.to_undirected(as_view=True)
    if scope.trivial:
        return D

    def ok(u: str, v: str) -> bool:
        edges = G.succ[u].get(v)
        return bool(edges) and any(scope.edge_ok(d) for d in edges.values())

    filter_node = (lambda n: scope.node_ok(G.nodes[n])) if scope.types is not None else nx.filters.no_filter
    if not scope.edges_filtered:
        filter_edge = nx.filters.no_filter
    elif directed:
        filter_edge = ok
    else:
        filter_edge = lambda u, v: ok(u, v) or ok(v, u)  # noqa: E731
    return nx.subgraph_view(D, filter_node=filter_node, filter_edge=filter_edge)


def _node_ref(G: nx.MultiDiGraph, iri: str) -> EntityRef:
    attrs = G.nodes[iri]
    return EntityRef(iri, attrs["id"], attrs["label"])


def _graph_node(G: nx.MultiDiGraph, iri: str, distance: int | None = None) -> GraphNode:
    attrs = G.nodes[iri]
    return GraphNode(iri, attrs["id"], attrs["label"], attrs["type"], attrs["wikidata"], distance)


def _resolve_node(kg, G: nx.MultiDiGraph, ref: str) -> str:
    """The node of an actor named by label, alias, id or IRI (EntityNotFound otherwise)."""
    iri = ref if ref in G else kg.resolve(ref)
    if iri not in G:  # pragma: no cover - every entity is a node
        raise EntityNotFound(ref, f"{ref!r} is not an entity of the projection")
    return iri


def _evidence(kg, triples: Iterable[tuple[str, str, str]], wanted: Iterable[str]) -> tuple[Claim, ...]:
    """The Claim objects (with quotes) among ``wanted`` that support the given triples."""
    wanted = set(wanted)
    if not wanted:
        return ()
    memo: dict = kg.cached(("caucasus_kg.graph.projection", "claims-by-triple"), dict)
    found: dict[str, Claim] = {}
    for s, p, o in triples:
        key = (s, p, o)
        if key not in memo:
            try:
                memo[key] = tuple(kg.claims(subject=s, predicate=p, object=o))
            except (EntityNotFound, InvalidArgument):  # an untyped node: no evidence to show
                memo[key] = ()
        found.update((c.iri, c) for c in memo[key] if c.iri in wanted)
    return tuple(found[c] for c in sorted(found, key=lambda c: (found[c].source, found[c].quote_start, c)))


def _edge(
    kg,
    G: nx.MultiDiGraph,
    scope: _Scope,
    u: str,
    v: str,
    key: str,
    d: Mapping[str, Any],
    *,
    direction: str = "forward",
    evidence: bool = False,
) -> GraphEdge:
    """A GraphEdge for the projection edge u -key-> v, read in a view (``direction`` only labels how it is walked)."""
    kept = [i for i, span in enumerate(d["periods"]) if scope.claim_ok(span)]
    claims = tuple(d["claims"][i] for i in kept)
    times = tuple(sorted({d["qualifiers"][i] for i in kept if d["qualifiers"][i]}))
    subject, obj = u, v  # the stored direction; ``direction`` says how a path walks it
    triples = [(subject, key, obj)] + ([(obj, key, subject)] if d["symmetric"] else [])
    return GraphEdge(
        subject=_node_ref(G, subject),
        predicate=key,
        label=d["label"],
        polarity=d["polarity"],
        object=_node_ref(G, obj),
        symmetric=d["symmetric"],
        direction=direction,
        claims=claims,
        times=times,
        evidence=_evidence(kg, triples, claims) if evidence else (),
    )
