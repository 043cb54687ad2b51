"""The pages of caucasus-kg over a KnowledgeGraph: each returns one HTML string.

Every network page draws a view built by the analytics of :mod:`caucasus_kg.graph`
(``graph_view``, ``neighbourhood``, ``shortest_paths``, ``centrality_scores``,
``communities``); the ``*_network`` functions return that view as a networkx
MultiDiGraph, so a test (or a notebook) can compare the page with it. Only
asserted relations are drawn: the reverse edges the projection entails for
symmetric relations are left out, and symmetric relations are drawn without arrows.

Positions come from :func:`caucasus_kg.viz.layout.cached_layout` (once per graph
version and view); above ``settings.viz_physics_max_nodes`` nodes physics is off.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from ..graph.errors import InvalidArgument
from .layout import cached_layout
from .render import render_html
from .style import Style
from .templating import OFFLINE, Links, render_page

__all__ = [
    "EXAMPLE_QUERIES",
    "FILTER_NAMES",
    "centrality_network",
    "centrality_page",
    "entity_network",
    "entity_page",
    "graph_network",
    "graph_page",
    "home_page",
    "path_network",
    "path_page",
    "query_page",
    "source_page",
]

FILTER_NAMES = ("relations", "polarity", "types", "as_of", "start", "end", "include_undated")
"""The filters every network page takes (see :mod:`caucasus_kg.graph.projection`)."""

_KEY = "caucasus_kg.viz"
_MAX_DEPTH = 4
_MAX_PATHS = 10
_PATH_CONTEXT_MAX = 150  # neighbours of a path node drawn around it, at most
_QUOTED_EDGES_MAX = 5_000  # views up to this many edges get every quote in their tooltips
_ALL_CLAIMS_MAX = 50_000  # ... when the graph holds at most this many claims (one query)
_PER_EDGE_MAX = 300  # else small views query their edges' claims one by one
_PAGE_CACHE_MIN_NODES = 300  # pages of larger views are cached whole, per graph version and view


def _analysis():
    from ..graph import analysis

    return analysis


def _clean(filters: Mapping[str, Any]) -> dict[str, Any]:
    """Drop unset filters; refuse unknown names (InvalidArgument)."""
    unknown = set(filters) - set(FILTER_NAMES)
    if unknown:
        raise InvalidArgument(f"unknown filter(s): {', '.join(sorted(unknown))}; known: {', '.join(FILTER_NAMES)}")
    out = {}
    for name, value in filters.items():
        if value is None or value == "" or (isinstance(value, (list, tuple, set, frozenset)) and not value):
            continue
        if name == "include_undated":
            if value is True:
                continue
        out[name] = value
    return out


def _filters_key(filters: Mapping[str, Any]) -> tuple:
    def norm(value: Any) -> Any:
        if isinstance(value, (list, tuple, set, frozenset)):
            return tuple(sorted(map(str, value)))
        return str(value)

    return tuple(sorted((k, norm(v)) for k, v in filters.items()))


def _claims_by_iri(kg) -> Mapping[str, Any]:
    """Every claim of the graph by IRI, once per graph version (for quotes in tooltips)."""
    return kg.cached((_KEY, "claims-by-iri"), lambda: {c.iri: c for c in kg.claims()})


def _evidence_for(kg, edges: list[tuple[str, str, str, Mapping[str, Any]]]) -> dict[tuple[str, str, str], tuple]:
    """The Claim objects (with quotes) of each edge; IRIs only when there are too many to show.

    One query for every claim of the graph when it holds at most 50,000 claims and the view
    at most 5,000 edges; one query per edge for a small view of a larger graph; otherwise
    the tooltips give the number of claims (the entity pages still list every quote).
    """
    if len(edges) <= _QUOTED_EDGES_MAX and kg.stats().claims <= _ALL_CLAIMS_MAX:
        claims = _claims_by_iri(kg)
        return {(u, v, k): tuple(claims[c] for c in d.get("claims", ()) if c in claims) for u, v, k, d in edges}
    if len(edges) <= _PER_EDGE_MAX:
        out = {}
        for u, v, k, d in edges:
            wanted = set(d.get("claims", ()))
            found = kg.claims(subject=u, predicate=k, object=v)
            if d.get("symmetric"):
                found += kg.claims(subject=v, predicate=k, object=u)
            out[(u, v, k)] = tuple(c for c in found if c.iri in wanted)
        return out
    return {(u, v, k): tuple(d.get("claims", ())) for u, v, k, d in edges}


def _asserted(view: Any) -> Any:
    """The view without the reverse edges entailed by symmetric relations (no copy)."""
    return nx.subgraph_view(view, filter_edge=lambda u, v, k: not view[u][v][k].get("entailed", False))


def _with_evidence(kg, view: Any) -> nx.MultiDiGraph:
    """A copy of ``view`` whose edges carry their Claim objects (the projection stays untouched)."""
    edges = list(view.edges(keys=True, data=True))
    evidence = _evidence_for(kg, edges)
    H = nx.MultiDiGraph()
    H.add_nodes_from(view.nodes(data=True))
    for u, v, k, d in edges:
        H.add_edge(u, v, key=k, **{**d, "claims": evidence[(u, v, k)]})
    return H


# ---------------------------------------------------------------------- the views


def graph_network(kg, *, isolated: bool | None = None, **filters: Any) -> nx.MultiDiGraph:
    """The whole graph, or a filtered view of it, as drawn by :func:`graph_page` (a read-only view).

    ``isolated``: keep the nodes left without any relation; default: only when no
    relation, polarity or time filter is set (a filtered view shows what it selects).

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> G = graph_network(kg, polarity="hostile", types="Country")
    >>> sorted(d["label"] for _, _, d in G.edges(data=True))
    ['criticised', 'has tensions with', 'is concerned about', 'pressed']
    >>> sorted(d["label"] for d in G.nodes.values())
    ['Armenia', 'Azerbaijan', 'Russia', 'Turkey']
    """
    filters = _clean(filters)
    view = _asserted(_analysis().graph_view(kg, **filters))
    if isolated is None:
        isolated = not (set(filters) & {"relations", "polarity", "as_of", "start", "end", "include_undated"})
    if not isolated:
        view = view.subgraph([n for n in view if view.degree(n)])
    return view


def entity_network(kg, ref: str, *, depth: int = 1, **filters: Any) -> nx.MultiDiGraph:
    """The ``depth``-hop ego network of an entity (``neighbourhood``) as a MultiDiGraph.

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> G = entity_network(kg, "Turkey", polarity="cooperative")
    >>> sorted(d["label"] for _, _, d in G.edges(data=True))
    ['allied with', 'cooperates with']
    """
    if not 0 <= depth <= _MAX_DEPTH:
        raise InvalidArgument(f"depth must be between 0 and {_MAX_DEPTH}")
    analysis = _analysis()
    sub = analysis.neighbourhood(kg, ref, depth=depth, **_clean(filters))
    G = analysis.to_networkx(kg)
    H = nx.MultiDiGraph(center=sub.center.iri if sub.center else None)
    for node in sub.nodes:
        H.add_node(node.iri, **G.nodes[node.iri], distance=node.distance)
    edges = []
    for edge in sub.edges:
        s, o = edge.subject.iri, edge.object.iri
        edges.append((s, o, edge.predicate, {**G.succ[s][o][edge.predicate], "claims": edge.claims}))
    evidence = _evidence_for(kg, edges)
    for s, o, key, d in edges:
        H.add_edge(s, o, key=key, **{**d, "claims": evidence[(s, o, key)]})
    return H


def _paths(kg, source: str, target: str, *, k: int, directed: bool, filters: Mapping[str, Any]) -> list[Any]:
    if not 1 <= k <= _MAX_PATHS:
        raise InvalidArgument(f"k must be between 1 and {_MAX_PATHS}")
    return _analysis().shortest_paths(kg, source, target, k=k, directed=directed, **filters)


def path_network(
    kg, source: str, target: str, *, k: int = 3, directed: bool = False, **filters: Any
) -> tuple[nx.MultiDiGraph, list[Any]]:
    """The ``k`` shortest paths and their neighbourhood: (MultiDiGraph, paths).

    The graph holds the path nodes, their neighbours (at most 150 per path node, the
    path's own first) and every asserted relation among them under the filters; the
    edges of the paths have ``on_path=True``.
    """
    filters = _clean(filters)
    paths = _paths(kg, source, target, k=k, directed=directed, filters=filters)
    view = graph_network(kg, **filters)
    undirected = view.to_undirected(as_view=True)
    on_path_nodes = {ref.iri for p in paths for ref in p.nodes}
    members = set(on_path_nodes)
    for node in sorted(on_path_nodes):
        members.update(sorted(undirected.adj[node])[:_PATH_CONTEXT_MAX])
    H = _with_evidence(kg, view.subgraph(members))
    for p in paths:
        for step in p.steps:
            for edge in step.edges:
                for s, o in ((edge.subject.iri, edge.object.iri), (edge.object.iri, edge.subject.iri)):
                    if H.has_edge(s, o, edge.predicate):
                        H.edges[s, o, edge.predicate]["on_path"] = True
                        if edge.evidence:
                            H.edges[s, o, edge.predicate]["claims"] = tuple(edge.evidence)
    H.graph["paths"] = paths
    return H, paths


def centrality_network(
    kg, *, metric: str = "betweenness", directed: bool = False, **filters: Any
) -> tuple[Any, dict[str, float], dict[str, int]]:
    """The filtered graph with each node's centrality score and community: (view, scores, communities)."""
    analysis = _analysis()
    filters = _clean(filters)
    if metric not in analysis.METRICS:
        raise InvalidArgument(f"metric must be one of {', '.join(analysis.METRICS)}, not {metric!r}")
    view = graph_network(kg, **filters)
    scores = analysis.centrality_scores(kg, metric, directed=directed, **filters)
    report = analysis.communities(kg, **filters)
    groups = {m.iri: c.index - 1 for c in report.communities for m in c.members}
    return view, scores, groups


# ---------------------------------------------------------------------- the pages


def _layout(kg, key: Hashable, graph: Any) -> Mapping[Hashable, tuple[float, float]]:
    return cached_layout(kg, (_KEY,) + tuple(key) if isinstance(key, tuple) else (_KEY, key), graph)


def _physics_max(kg) -> int:
    return int(getattr(kg.settings, "viz_physics_max_nodes", 300))


def _filter_form(kg, filters: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """What the filter form shows: every relation, polarity and type, with the current choices."""
    relations = sorted(kg.relations().values(), key=lambda r: r["label"].casefold())

    def chosen(name: str) -> set[str]:
        value = filters.get(name)
        if value is None:
            return set()
        if isinstance(value, str):
            return {v.strip() for v in value.split(",") if v.strip()}
        return {str(v) for v in value}

    chosen_relations = {r.removeprefix("ckg:").rsplit("#", 1)[-1] for r in chosen("relations")}
    return {
        "relations": [{"value": r["id"], "label": r["label"], "selected": r["id"] in chosen_relations} for r in relations],
        "polarities": [{"value": p, "selected": p in chosen("polarity")} for p in ("cooperative", "hostile", "neutral")],
        "types": [{"value": name, "label": label, "selected": name in chosen("types")} for name, label in _entity_classes(kg)],
        "start": filters.get("start") or "",
        "end": filters.get("end") or "",
        "as_of": filters.get("as_of") or "",
        "include_undated": filters.get("include_undated", True) not in (False, "false", "0"),
        **extra,
    }


def _entity_classes(kg) -> list[tuple[str, str]]:
    """(local name, label) of the entity classes that have members, for the type filter."""

    def build() -> list[tuple[str, str]]:
        G = _analysis().to_networkx(kg)
        present: set[str] = set()
        for _, attrs in G.nodes(data=True):
            present.update(attrs.get("classes", ()))
        rows = kg.query(
            "SELECT ?c ?label WHERE { ?c a owl:Class . OPTIONAL { ?c rdfs:label ?label } }", max_rows=100_000
        ).rows
        labels = {str(c): str(label) for c, label in rows if label is not None}
        ns = "https://w3id.org/caucasus-kg/ontology#"
        found = {(c[len(ns):], labels.get(c, c[len(ns):])) for c in present if c.startswith(ns)}
        return sorted(found, key=lambda item: item[1].casefold())

    return kg.cached((_KEY, "entity-classes"), build)


def _describe(filters: Mapping[str, Any]) -> str:
    parts = []
    for name in FILTER_NAMES:
        if name in filters:
            value = filters[name]
            if isinstance(value, (list, tuple, set, frozenset)):
                value = ", ".join(map(str, value))
            parts.append(f"{name.replace('_', ' ')}: {value}")
    return "; ".join(parts)


def graph_page(
    kg, *, links: Links = OFFLINE, style: Style | None = None, title: str | None = None, **filters: Any
) -> str:
    """The whole graph, or a filtered view (relations, polarity, types, as_of/start/end), as a page.

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> page = graph_page(KnowledgeGraph.open(), polarity="hostile")
    >>> 'data-nodes="6"' in page and 'data-edges="6"' in page
    True
    """
    filters = _clean(filters)
    view = graph_network(kg, **filters)
    described = _describe(filters)

    def build() -> str:
        return render_html(
            _with_evidence(kg, view),
            style=style,
            title=title or ("Graph" + (f" ({described})" if described else "")),
            heading=title or ("The whole graph" if not described else "Filtered graph"),
            links=links,
            template="graph.html",
            positions=_layout(kg, ("graph", _filters_key(filters)), view),
            physics_max_nodes=_physics_max(kg),
            context={"form": _filter_form(kg, filters), "described": described},
        )

    return _cached_page(kg, ("graph", _filters_key(filters), title, links), view, style, build)


def _cached_page(kg, key: tuple, view: Any, style: Style | None, build: Any) -> str:
    """A large view's page is rendered once per graph version (its layout is cached anyway)."""
    if style is None and view.number_of_nodes() > _PAGE_CACHE_MIN_NODES:
        return kg.cached((_KEY, "page") + key, build)
    return build()


def entity_page(
    kg, ref: str, *, depth: int = 1, links: Links = OFFLINE, style: Style | None = None, **filters: Any
) -> str:
    """An entity's ego network (``depth`` hops) beside the table of its facts, quotes and sources."""
    filters = _clean(filters)
    entity = kg.entity(ref)
    view = entity_network(kg, entity.iri, depth=depth, **filters)
    positions = _layout(kg, ("entity", entity.iri, depth, _filters_key(filters)), view)
    facts = kg.facts(entity.iri)
    rows = []
    for fact in facts:
        other = fact.object if fact.subject.iri == entity.iri else fact.subject
        rows.append(
            {
                "subject": fact.subject,
                "object": fact.object,
                "other": other,
                "outgoing": fact.subject.iri == entity.iri,
                "label": fact.predicate_label,
                "polarity": fact.polarity or "none",
                "claims": [
                    {
                        "quote": c.quote,
                        "source_id": c.source.rsplit("/", 1)[-1],
                        "source_title": c.source_title or c.source.rsplit("/", 1)[-1],
                        "start": c.quote_start,
                        "end": c.quote_end,
                        "when": ", ".join(
                            f"{w} {v}" for w, v in (("at", c.point_in_time), ("from", c.start_time), ("to", c.end_time)) if v
                        ),
                        "modality": c.modality,
                        "confidence": c.confidence,
                    }
                    for c in fact.claims
                ],
            }
        )
    return render_html(
        view,
        style=style,
        title=entity.label,
        heading=entity.label,
        links=links,
        template="entity.html",
        positions=positions,
        physics_max_nodes=_physics_max(kg),
        focus=entity.iri,
        context={
            "entity": entity,
            "facts": rows,
            "depth": depth,
            "max_depth": _MAX_DEPTH,
            "wikidata_url": f"https://www.wikidata.org/wiki/{entity.wikidata.rsplit('/', 1)[-1]}" if entity.wikidata else None,
        },
    )


def path_page(
    kg,
    source: str,
    target: str,
    *,
    k: int = 3,
    directed: bool = False,
    links: Links = OFFLINE,
    style: Style | None = None,
    **filters: Any,
) -> str:
    """The ``k`` shortest paths between two entities, highlighted within their neighbourhood."""
    filters = _clean(filters)
    H, paths = path_network(kg, source, target, k=k, directed=directed, **filters)
    key = ("path", paths[0].source.iri, paths[0].target.iri, k, directed, _filters_key(filters))
    positions = _layout(kg, key, H)
    on_path = [(u, v, key) for u, v, key, d in H.edges(keys=True, data=True) if d.get("on_path")]
    nodes = {ref.iri for p in paths for ref in p.nodes}
    steps = [
        {
            "length": p.length,
            "nodes": p.nodes,
            "steps": [
                {
                    "source": step.source,
                    "target": step.target,
                    "edges": [
                        {
                            "label": e.label,
                            "direction": e.direction,
                            "symmetric": e.symmetric,
                            "polarity": e.polarity or "none",
                            "quotes": [
                                {"quote": c.quote, "source_id": c.source.rsplit("/", 1)[-1],
                                 "source_title": c.source_title or c.source.rsplit("/", 1)[-1],
                                 "start": c.quote_start, "end": c.quote_end}
                                for c in e.evidence
                            ],
                        }
                        for e in step.edges
                    ],
                }
                for step in p.steps
            ],
        }
        for p in paths
    ]
    title = f"{paths[0].source.label} → {paths[0].target.label}"
    return render_html(
        H,
        style=style,
        title=f"Paths: {title}",
        heading=title,
        links=links,
        template="path.html",
        positions=positions,
        physics_max_nodes=_physics_max(kg),
        highlight_nodes=nodes,
        highlight_edges=on_path,
        context={"paths": steps, "k": k, "directed": directed, "source": source, "target": target,
                 "form": _filter_form(kg, filters)},
    )


def centrality_page(
    kg,
    *,
    metric: str = "betweenness",
    directed: bool = False,
    top: int = 15,
    links: Links = OFFLINE,
    style: Style | None = None,
    **filters: Any,
) -> str:
    """The graph with nodes sized by a centrality metric and coloured by community."""
    analysis = _analysis()
    filters = _clean(filters)
    view, scores, groups = centrality_network(kg, metric=metric, directed=directed, **filters)
    G = analysis.to_networkx(kg)
    ranked = sorted(scores, key=lambda n: (-scores[n], G.nodes[n]["label"].casefold()))[:top]

    def build() -> str:
        return render_html(
            _with_evidence(kg, view),
            style=style,
            title=f"Centrality: {metric}",
            heading=f"Centrality: {metric.replace('_', ' ')}",
            links=links,
            template="centrality.html",
            positions=_layout(kg, ("graph", _filters_key(filters)), view),
            physics_max_nodes=_physics_max(kg),
            sizes={n: scores.get(n, 0.0) for n in view.nodes},
            size_label=metric.replace("_", " "),
            communities=groups,
            context={
                "metric": metric,
                "metrics": analysis.METRICS,
                "directed": directed,
                "ranking": [
                    {"id": G.nodes[n]["id"], "label": G.nodes[n]["label"], "type": G.nodes[n]["type"],
                     "score": scores[n], "community": groups.get(n)}
                    for n in ranked
                ],
                "community_count": len(set(groups.values())),
            },
        )

    return _cached_page(kg, ("centrality", metric, directed, top, _filters_key(filters), links), view, style, build)


def home_page(kg, *, q: str | None = None, links: Links = OFFLINE, limit: int = 50) -> str:
    """What the graph holds (counts by type, sources), a search over labels and aliases, and links."""
    stats = kg.stats()
    results = kg.find_entities(q, limit=limit) if q and q.strip() else None
    return render_page(
        "home.html",
        title="caucasus-kg",
        links=links,
        stats=stats,
        sources=kg.sources(),
        q=q or "",
        results=results,
        examples=[e for e in ("Azerbaijan", "Russia", "Alexei Dyumin") if _exists(kg, e)],
    )


def _exists(kg, ref: str) -> bool:
    try:
        kg.resolve(ref)
    except Exception:  # noqa: BLE001 - any graph may lack the examples
        return False
    return True


EXAMPLE_QUERIES: tuple[tuple[str, str], ...] = (
    (
        "Allies and partners of Azerbaijan",
        "SELECT ?relation ?partner WHERE {\n  ckr:Azerbaijan ?p ?o .\n  ?p ckg:polarity ckg:Cooperative ; rdfs:label ?relation .\n"
        "  ?o rdfs:label ?partner .\n} ORDER BY ?relation ?partner",
    ),
    (
        "Hostile relations, with quotes",
        "SELECT ?subject ?relation ?object ?quote WHERE {\n  ?p ckg:polarity ckg:Hostile ; rdfs:label ?relation .\n"
        "  ?c rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o ; ckg:quote ?quote .\n"
        "  ?s rdfs:label ?subject . ?o rdfs:label ?object .\n} ORDER BY ?subject ?object",
    ),
    (
        "Who holds office where, since when",
        "SELECT ?person ?office ?place ?since WHERE {\n  VALUES ?p { ckg:headOfStateOf ckg:headOfGovernmentOf ckg:governorOf }\n"
        "  ?c rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o .\n"
        "  ?s rdfs:label ?person . ?p rdfs:label ?office . ?o rdfs:label ?place .\n"
        "  OPTIONAL { ?c ckg:startTime ?since }\n} ORDER BY ?place ?person",
    ),
    (
        "Relations counted by polarity",
        "SELECT ?polarity (COUNT(*) AS ?relations) WHERE {\n  ?p ckg:polarity ?polarity .\n  ?s ?p ?o .\n"
        "} GROUP BY ?polarity ORDER BY DESC(?relations)",
    ),
    (
        "Entities with their Wikidata ids",
        "SELECT ?entity ?label ?wikidata WHERE {\n  ?entity ckg:wikidata ?wikidata ; rdfs:label ?label .\n} ORDER BY ?label",
    ),
    (
        "Is Russia a mediator in the 2020 war?",
        "ASK { ckr:Russia ckg:mediatorIn ckr:Nagorno_Karabakh_war_2020 }",
    ),
)
"""(title, SPARQL) examples shown on the query page; the usual prefixes need no declaration."""


def query_page(*, links: Links | None = None, query: str | None = None) -> str:
    """The SPARQL page: an editor, example queries, a results table and CSV/JSON downloads.

    It posts to ``links.sparql`` (the app's ``/sparql`` endpoint); a page saved without
    an endpoint shows the editor and says that it cannot run queries.
    """
    links = links or Links()
    return render_page(
        "query.html",
        title="SPARQL query",
        links=links,
        scripts=("query.js",),
        data={"endpoint": links.sparql, "examples": [{"title": t, "query": q} for t, q in EXAMPLE_QUERIES]},
        query=query if query is not None else EXAMPLE_QUERIES[0][1],
        examples=EXAMPLE_QUERIES,
    )


def source_page(kg, source: str, *, start: int | None = None, end: int | None = None, links: Links = OFFLINE) -> str:
    """A source document's text, with the quote at ``start``..``end`` (code points) marked."""
    found = next((s for s in kg.sources() if source in (s["id"], s["iri"])), None)
    if found is None:
        from ..graph.errors import EntityNotFound

        raise EntityNotFound(source, f"no source document {source!r}")
    text = kg.source_text(found["iri"])
    if (start is None) != (end is None):
        raise InvalidArgument("give both start and end, or neither")
    if start is not None and not 0 <= start <= end <= len(text):  # type: ignore[operator]
        raise InvalidArgument(f"start and end must satisfy 0 <= start <= end <= {len(text)}")
    parts = (text[:start], text[start:end], text[end:]) if start is not None else (text, "", "")
    claims = [c for c in _claims_by_iri(kg).values() if c.source == found["iri"]]
    claims.sort(key=lambda c: c.quote_start)
    return render_page(
        "source.html",
        title=found["title"] or found["id"],
        links=links,
        source=found,
        before=parts[0],
        marked=parts[1],
        after=parts[2],
        claims=claims,
        ref=kg.ref,
        relations=kg.relations(),
    )
