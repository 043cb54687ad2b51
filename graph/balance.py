"""Signed relations: structural balance of triads and friend-of-enemy queries.

The signed graph
    Each relation has a polarity in the ontology: ``ckg:Cooperative`` counts
    as ``+``, ``ckg:Hostile`` as ``-``, and ``ckg:Neutral`` relations (visits,
    participation, "maintains relations with") are ignored. Direction is
    ignored too: ``A criticised B`` makes the pair {A, B} hostile whoever
    spoke, as structural balance is a theory of undirected ties. Only
    entities of the classes in ``types`` take part (default: ``ckg:Actor``
    and its subclasses, so a corridor that was closed is not an enemy), and
    the usual filters (relations, polarity, time views) apply first.

One sign per pair
    A pair may be linked by several relations (Russia has economic ties
    with, cooperates in energy with, has tensions with and pressed
    Azerbaijan). Each distinct (predicate, direction) counts once, and a
    symmetric relation asserted both ways once. A pair whose relations all
    have one sign gets that sign. A *mixed* pair (both signs) is resolved by
    ``mixed``:

    ``"hostile"`` (default)
        Any hostile relation makes the pair hostile: cooperation alongside
        open tension or pressure is a strained tie, not a friendship.
    ``"cooperative"``
        Any cooperative relation makes the pair cooperative.
    ``"majority"``
        The sign of (cooperative count - hostile count); a tie leaves the
        pair out of the signed graph.
    ``"skip"``
        Mixed pairs are left out of the signed graph.

    Mixed pairs are reported (``BalanceReport.mixed_ties``) whatever the rule.

Balance
    A triangle of three signed pairs is balanced when the product of its
    signs is positive (Cartwright and Harary): ``+++`` (three friends) and
    ``+--`` (two friends with a common enemy) are balanced; ``++-`` (a
    friend of a friend is an enemy) and ``---`` (three mutual enemies) are
    not. Each triad carries its ``kind`` so a reader can apply Davis's weak
    balance (which also accepts ``---``) instead.

Friend-of-enemy queries
    :func:`signed_neighbours` walks two signed steps from an actor, e.g.
    ``pattern="-+"`` for the friends of its enemies, and compares each
    result with the sign balance theory predicts (the product of the two
    steps) and the direct tie, if any.
"""

from __future__ import annotations

import collections
import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from .errors import InvalidArgument
from .model import EntityRef
from .projection import GraphEdge, _edge, _node_ref, _resolve_node, _scope, _Scope, _view, to_networkx

__all__ = [
    "BalanceReport",
    "MIXED_RULES",
    "SignedRelative",
    "SignedTie",
    "Triad",
    "friends_of_enemies",
    "signed_graph",
    "signed_neighbours",
    "structural_balance",
]

MIXED_RULES = ("hostile", "cooperative", "majority", "skip")
_SIGNS = {"cooperative": 1, "hostile": -1}
_KEY = "caucasus_kg.graph.balance"
_TRIAD_KINDS = {3: "+++", 1: "++-", -1: "+--", -3: "---"}


@dataclass(frozen=True)
class SignedTie:
    """The sign of a pair of actors (``"+"`` or ``"-"``; None for a mixed pair left out) and the relations behind it."""

    a: EntityRef
    b: EntityRef
    sign: str | None
    cooperative: int
    hostile: int
    mixed: bool
    relations: tuple[GraphEdge, ...]


@dataclass(frozen=True)
class Triad:
    """A triangle of signed ties: balanced when the product of the signs is positive."""

    actors: tuple[EntityRef, EntityRef, EntityRef]
    ties: tuple[SignedTie, SignedTie, SignedTie]
    kind: str
    balanced: bool

    def text(self) -> str:
        """e.g. ``unbalanced ++-: Azerbaijan + Russia, Azerbaijan + Turkey, Russia - Turkey``."""
        ties = ", ".join(f"{t.a.label} {t.sign} {t.b.label}" for t in self.ties)
        return f"{'balanced' if self.balanced else 'unbalanced'} {self.kind}: {ties}"


@dataclass(frozen=True)
class BalanceReport:
    """Structural balance of the signed graph: counts, the triads (unbalanced first) and the mixed pairs.

    The counts cover every triangle; ``triads`` lists at most the ``limit`` asked for.
    """

    mixed_rule: str
    positive_ties: int
    negative_ties: int
    triads_total: int
    balanced: int
    unbalanced: int
    balance_ratio: float | None
    counts_by_kind: dict[str, int]
    triads: tuple[Triad, ...]
    mixed_ties: tuple[SignedTie, ...]


@dataclass(frozen=True)
class SignedRelative:
    """An actor two signed steps from ``origin`` (through ``via``), with balance theory's prediction.

    ``predicted`` is the product of the two steps' signs (the friend of an
    enemy is predicted an enemy); ``direct`` the sign of the actual tie
    between ``origin`` and ``actor`` (None when they have no signed tie), and
    ``consistent`` whether the two agree (None without a direct tie).
    """

    origin: EntityRef
    via: EntityRef
    actor: EntityRef
    first: SignedTie
    second: SignedTie
    predicted: str
    direct: str | None
    consistent: bool | None


def _sign_of(cooperative: int, hostile: int, mixed: str) -> int | None:
    if cooperative and not hostile:
        return 1
    if hostile and not cooperative:
        return -1
    if mixed == "hostile":
        return -1
    if mixed == "cooperative":
        return 1
    if mixed == "majority" and cooperative != hostile:
        return 1 if cooperative > hostile else -1
    return None


def _signed_pairs(kg, scope: _Scope) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    """(a, b) with a < b -> the signed relations (s, p, o) between them in the view, each once."""
    G = to_networkx(kg)
    view = _view(G, scope)
    pairs: dict[tuple[str, str], set[tuple[str, str, str]]] = {}
    for u, v, key, d in view.edges(keys=True, data=True):
        if u == v or d["entailed"] or d["polarity"] not in _SIGNS:
            continue
        reverse = G.succ[v].get(u, {}).get(key)
        if d["symmetric"] and v < u and reverse is not None and not reverse["entailed"]:
            u, v = v, u  # a symmetric relation asserted both ways counts once
        pairs.setdefault((min(u, v), max(u, v)), set()).add((u, key, v))
    return {pair: sorted(rels) for pair, rels in pairs.items()}


def _tie(kg, G, scope: _Scope, a: str, b: str, relations: Iterable[tuple[str, str, str]], mixed: str) -> SignedTie:
    edges = []
    for s, p, o in relations:
        edges.append(_edge(kg, G, scope, s, o, p, G.succ[s][o][p]))
    edges.sort(key=lambda e: (e.polarity or "", e.label, e.subject.label))
    cooperative = sum(e.polarity == "cooperative" for e in edges)
    hostile = sum(e.polarity == "hostile" for e in edges)
    sign = _sign_of(cooperative, hostile, mixed)
    first, second = sorted((a, b), key=lambda n: (G.nodes[n]["label"].casefold(), n))
    return SignedTie(
        a=_node_ref(G, first),
        b=_node_ref(G, second),
        sign=None if sign is None else "+" if sign > 0 else "-",
        cooperative=cooperative,
        hostile=hostile,
        mixed=bool(cooperative and hostile),
        relations=tuple(edges),
    )


def _check_mixed(mixed: str) -> None:
    if mixed not in MIXED_RULES:
        raise InvalidArgument(f"mixed must be one of {', '.join(MIXED_RULES)}, not {mixed!r}")


def _actor_scope(kg, filters: dict[str, Any]) -> _Scope:
    filters = dict(filters)
    filters.setdefault("types", ("Actor",))
    return _scope(kg, filters)


def _ties(kg, scope: _Scope, mixed: str) -> dict[tuple[str, str], SignedTie]:
    """Every signed pair of the view (mixed pairs included, with sign None when the rule leaves them out)."""

    def build() -> dict[tuple[str, str], SignedTie]:
        G = to_networkx(kg)
        return {pair: _tie(kg, G, scope, *pair, rels, mixed) for pair, rels in _signed_pairs(kg, scope).items()}

    return kg.cached((_KEY, "ties", scope, mixed), build)


def signed_graph(kg, *, mixed: str = "hostile", **filters: Any) -> nx.Graph:
    """The signed graph: an undirected, frozen ``nx.Graph`` whose edges carry ``sign`` (+1 or -1).

    Each edge also carries ``tie`` (the :class:`SignedTie`, with the
    relations behind the sign). Pairs that the ``mixed`` rule leaves out are
    not edges. See the module docstring for the semantics.

    Parameters
    ----------
    kg : KnowledgeGraph
    mixed : {"hostile", "cooperative", "majority", "skip"}
        How a pair with both cooperative and hostile relations is signed.
    **filters
        ``relations``, ``polarity``, ``as_of``, ``start``, ``end``,
        ``include_undated``, ``types`` (default ``"Actor"``).

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> S = signed_graph(kg)
    >>> ckr = "https://w3id.org/caucasus-kg/id/"
    >>> S[ckr + "Azerbaijan"][ckr + "Turkey"]["sign"], S[ckr + "Russia"][ckr + "Turkey"]["sign"]
    (1, -1)
    >>> S[ckr + "Azerbaijan"][ckr + "Russia"]["tie"].mixed
    True
    """
    _check_mixed(mixed)
    scope = _actor_scope(kg, filters)

    def build() -> nx.Graph:
        G = to_networkx(kg)
        S = nx.Graph()
        S.add_nodes_from((n, G.nodes[n]) for n in _view(G, scope))
        for (a, b), tie in _ties(kg, scope, mixed).items():
            if tie.sign is not None:
                S.add_edge(a, b, sign=1 if tie.sign == "+" else -1, tie=tie)
        return nx.freeze(S)

    return kg.cached((_KEY, "graph", scope, mixed), build)


def structural_balance(kg, *, mixed: str = "hostile", limit: int | None = 1000, **filters: Any) -> BalanceReport:
    """Balanced and unbalanced triangles of the signed graph, with their actors and relations.

    Parameters
    ----------
    kg : KnowledgeGraph
    mixed : {"hostile", "cooperative", "majority", "skip"}
        How a pair with both cooperative and hostile relations is signed
        (see the module docstring).
    limit : int, optional
        List at most this many triads (the counts always cover all of them;
        dense graphs have millions). None lists every one.
    **filters
        ``relations``, ``polarity``, ``as_of``, ``start``, ``end``,
        ``include_undated``, ``types`` (default ``"Actor"``).

    Returns
    -------
    BalanceReport
        Triads sorted unbalanced first, then by their actors' labels.

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> report = structural_balance(kg)
    >>> report.triads_total, report.balanced, report.unbalanced
    (1, 1, 0)
    >>> print(report.triads[0].text())
    balanced +--: Azerbaijan - Russia, Azerbaijan + Turkey, Russia - Turkey
    >>> print(structural_balance(kg, mixed="cooperative").triads[0].text())
    unbalanced ++-: Azerbaijan + Russia, Azerbaijan + Turkey, Russia - Turkey
    """
    _check_mixed(mixed)
    if limit is not None and limit < 0:
        raise InvalidArgument("limit must be 0 or more")
    scope = _actor_scope(kg, filters)

    def build() -> BalanceReport:
        S = signed_graph(kg, mixed=mixed, **filters)
        G = to_networkx(kg)
        rank = {n: (G.nodes[n]["label"].casefold(), n) for n in S}
        order = {n: i for i, n in enumerate(S)}
        counts = dict.fromkeys(("+++", "+--", "++-", "---"), 0)

        def trios():  # each triangle once, as (unbalanced first, labels, nodes, kind)
            for u, v in S.edges():
                if order[u] > order[v]:
                    u, v = v, u
                for w in S[u].keys() & S[v].keys():
                    if order[w] <= order[v]:
                        continue
                    total = S[u][v]["sign"] + S[u][w]["sign"] + S[v][w]["sign"]
                    kind = _TRIAD_KINDS[total]
                    counts[kind] += 1
                    a, b, c = sorted((u, v, w), key=rank.__getitem__)
                    yield (total in (3, -1), rank[a], rank[b], rank[c]), (a, b, c), kind

        found = trios()
        if limit is None:
            chosen = sorted(found)
        elif limit == 0:
            chosen = []
            collections.deque(found, maxlen=0)  # still count them
        else:
            chosen = heapq.nsmallest(limit, found)
        triads = tuple(
            Triad(
                actors=(_node_ref(G, a), _node_ref(G, b), _node_ref(G, c)),
                ties=(S[a][b]["tie"], S[a][c]["tie"], S[b][c]["tie"]),
                kind=kind,
                balanced=key[0],
            )
            for key, (a, b, c), kind in chosen
        )
        total = sum(counts.values())
        balanced = counts["+++"] + counts["+--"]
        ties = _ties(kg, scope, mixed)
        signs = [d["sign"] for _, _, d in S.edges(data=True)]
        return BalanceReport(
            mixed_rule=mixed,
            positive_ties=sum(s > 0 for s in signs),
            negative_ties=sum(s < 0 for s in signs),
            triads_total=total,
            balanced=balanced,
            unbalanced=total - balanced,
            balance_ratio=balanced / total if total else None,
            counts_by_kind=counts,
            triads=triads,
            mixed_ties=tuple(sorted((t for t in ties.values() if t.mixed), key=lambda t: (t.a.label, t.b.label))),
        )

    return kg.cached((_KEY, "report", scope, mixed, limit), build)


def signed_neighbours(kg, actor: str, *, pattern: str = "-+", mixed: str = "hostile", **filters: Any) -> list[SignedRelative]:
    """Actors two signed steps from ``actor``: e.g. the friends of its enemies (``pattern="-+"``).

    Parameters
    ----------
    kg : KnowledgeGraph
    actor : str
        An entity by label, alias, id or IRI.
    pattern : str
        Two signs: the tie from ``actor`` to the intermediary, then from the
        intermediary to the result. ``"-+"`` friends of enemies, ``"--"``
        enemies of enemies, ``"+-"`` enemies of friends, ``"++"`` friends of
        friends.
    mixed, **filters
        As for :func:`signed_graph`.

    Returns
    -------
    list of SignedRelative
        One row per (result, intermediary), sorted by labels; ``actor`` itself
        is never a result.

    Raises
    ------
    EntityNotFound
        ``actor`` names no entity.
    InvalidArgument
        A pattern other than two of ``+`` and ``-``.

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> [(r.actor.label, r.via.label, r.predicted, r.direct) for r in signed_neighbours(kg, "Turkey", pattern="-+")]
    [('Alexei Dyumin', 'Russia', '-', None)]
    >>> [(r.actor.label, r.via.label, r.predicted, r.direct) for r in signed_neighbours(kg, "Russia", pattern="-+")]
    [('Azerbaijan', 'Turkey', '-', '-'), ('Turkey', 'Azerbaijan', '-', '-')]
    """
    if len(pattern) != 2 or set(pattern) - {"+", "-"}:
        raise InvalidArgument(f"pattern must be two of '+' and '-', such as '-+', not {pattern!r}")
    _check_mixed(mixed)
    S = signed_graph(kg, mixed=mixed, **filters)
    G = to_networkx(kg)
    origin = _resolve_node(kg, G, actor)
    if origin not in S:
        return []
    want = [1 if c == "+" else -1 for c in pattern]
    rows = []
    for via in S[origin]:
        if S[origin][via]["sign"] != want[0]:
            continue
        for target in S[via]:
            if target == origin or S[via][target]["sign"] != want[1]:
                continue
            predicted = "+" if want[0] * want[1] > 0 else "-"
            direct = None
            if target in S[origin]:
                direct = "+" if S[origin][target]["sign"] > 0 else "-"
            rows.append(
                SignedRelative(
                    origin=_node_ref(G, origin),
                    via=_node_ref(G, via),
                    actor=_node_ref(G, target),
                    first=S[origin][via]["tie"],
                    second=S[via][target]["tie"],
                    predicted=predicted,
                    direct=direct,
                    consistent=None if direct is None else direct == predicted,
                )
            )
    rows.sort(key=lambda r: (r.actor.label.casefold(), r.via.label.casefold(), r.actor.iri, r.via.iri))
    return rows


def friends_of_enemies(kg, actor: str, *, mixed: str = "hostile", **filters: Any) -> list[SignedRelative]:
    """Who is a friend (cooperative tie) of an enemy (hostile tie) of ``actor``.

    Shorthand for ``signed_neighbours(kg, actor, pattern="-+")``.

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> [(r.actor.label, r.via.label) for r in friends_of_enemies(kg, "Russia")]
    [('Azerbaijan', 'Turkey'), ('Turkey', 'Azerbaijan')]
    """
    return signed_neighbours(kg, actor, pattern="-+", mixed=mixed, **filters)


