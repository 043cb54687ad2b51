"""Time views of the graph and the comparison of two of them.

Every analytics function takes ``as_of`` (a date, a month or a year) or a
``start``/``end`` window; see :mod:`caucasus_kg.graph.projection` for how
claims' time qualifiers (``pointInTime``, ``startTime``, ``endTime``) decide
which relations a view holds, and how undated facts are treated (kept in
every view unless ``include_undated=False``). :func:`diff` compares two
views: the relations that appeared, those that disappeared, and the pairs of
entities whose overall polarity changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .balance import _sign_of, MIXED_RULES
from .errors import InvalidArgument
from .model import EntityRef
from .projection import GraphEdge, _edge, _node_ref, _scope, _Scope, _view, period, to_networkx

__all__ = ["PolarityChange", "TimeDiff", "diff", "period"]

When = str | date | tuple[str | date | None, str | date | None]


@dataclass(frozen=True)
class PolarityChange:
    """A pair of entities whose overall polarity differs between the two views.

    ``before`` and ``after`` are ``"cooperative"``, ``"hostile"``, ``"neutral"``
    (only neutral relations) or ``"mixed"`` (both signs, when the ``mixed``
    rule leaves the pair unsigned).
    """

    a: EntityRef
    b: EntityRef
    before: str
    after: str
    relations_before: tuple[GraphEdge, ...]
    relations_after: tuple[GraphEdge, ...]


@dataclass(frozen=True)
class TimeDiff:
    """What changed between two views: relations that appeared or disappeared, and polarity changes."""

    before: str
    after: str
    appeared: tuple[GraphEdge, ...]
    disappeared: tuple[GraphEdge, ...]
    polarity_changed: tuple[PolarityChange, ...]


def _when(kg, when: When, filters: dict[str, Any]) -> tuple[_Scope, str]:
    if isinstance(when, tuple):
        if len(when) != 2:
            raise InvalidArgument("a window is a (start, end) pair")
        start, end = when
        scope = _scope(kg, {**filters, "start": start, "end": end})
        return scope, f"{start or ''}..{end or ''}"
    if when is None or when == "":
        raise InvalidArgument("give a date (YYYY, YYYY-MM or YYYY-MM-DD) or a (start, end) window")
    period(when)  # validates
    return _scope(kg, {**filters, "as_of": when}), str(when)


def _asserted(G, scope: _Scope) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(u, k, v): d for u, v, k, d in _view(G, scope).edges(keys=True, data=True) if not d["entailed"]}


def _polarity(edges: Sequence[GraphEdge], mixed: str) -> str:
    cooperative = len({(e.subject.iri, e.predicate, e.object.iri) for e in edges if e.polarity == "cooperative"})
    hostile = len({(e.subject.iri, e.predicate, e.object.iri) for e in edges if e.polarity == "hostile"})
    if not cooperative and not hostile:
        return "neutral"
    sign = _sign_of(cooperative, hostile, mixed)
    return "mixed" if sign is None else "cooperative" if sign > 0 else "hostile"


def diff(kg, before: When, after: When, *, mixed: str = "hostile", **filters: Any) -> TimeDiff:
    """Compare the graph at two dates (or windows).

    Parameters
    ----------
    kg : KnowledgeGraph
    before, after : str, date or (start, end)
        A date, month or year (an "as of" view) or a window.
    mixed : {"hostile", "cooperative", "majority", "skip"}
        How a pair with both cooperative and hostile relations is signed
        (see :mod:`caucasus_kg.graph.balance`).
    **filters
        ``relations``, ``polarity``, ``include_undated``, ``types`` (the time
        filters come from ``before`` and ``after``). Undated facts, when
        included, are in both views and so never appear in the difference.

    Returns
    -------
    TimeDiff
        ``appeared``: relations in the ``after`` view only; ``disappeared``:
        in the ``before`` view only (each with the claims that hold in its
        view); ``polarity_changed``: pairs linked in both views whose overall
        polarity differs.

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> change = diff(kg, "2020", "2023")
    >>> [e.text() for e in change.disappeared][:2]
    ['2020 Nagorno-Karabakh ceasefire agreement --ended--> 2020 Nagorno-Karabakh conflict', '2020 Nagorno-Karabakh conflict --concerns--> Nagorno-Karabakh']
    >>> [e.times for e in change.disappeared if e.subject.label == "Armen Sarkissian"]
    [('2018..2022',)]
    >>> [e.text() for e in diff(kg, "2016", "2019").appeared]
    ['Armen Sarkissian --head of state of--> Armenia', 'Nikol Pashinyan --head of government of--> Armenia', 'Salome Zurabishvili --head of state of--> Georgia']
    """
    if mixed not in MIXED_RULES:
        raise InvalidArgument(f"mixed must be one of {', '.join(MIXED_RULES)}, not {mixed!r}")
    for name in ("as_of", "start", "end"):
        if filters.get(name) is not None:
            raise InvalidArgument(f"{name} is set by before and after; do not pass it to diff")
        filters.pop(name, None)
    scope_a, label_a = _when(kg, before, filters)
    scope_b, label_b = _when(kg, after, filters)
    G = to_networkx(kg)
    edges_a, edges_b = _asserted(G, scope_a), _asserted(G, scope_b)

    def edge(scope: _Scope, key: tuple[str, str, str], d: dict[str, Any]) -> GraphEdge:
        s, p, o = key
        return _edge(kg, G, scope, s, o, p, d)

    def order(e: GraphEdge) -> tuple:
        return (e.subject.label.casefold(), e.label, e.object.label.casefold(), e.predicate)

    appeared = sorted((edge(scope_b, k, d) for k, d in edges_b.items() if k not in edges_a), key=order)
    disappeared = sorted((edge(scope_a, k, d) for k, d in edges_a.items() if k not in edges_b), key=order)

    def by_pair(scope: _Scope, edges: dict) -> dict[tuple[str, str], list[GraphEdge]]:
        pairs: dict[tuple[str, str], list[GraphEdge]] = {}
        for key, d in edges.items():
            s, _, o = key
            if s != o:
                pairs.setdefault((min(s, o), max(s, o)), []).append(edge(scope, key, d))
        return pairs

    pairs_a, pairs_b = by_pair(scope_a, edges_a), by_pair(scope_b, edges_b)
    changes = []
    for pair in sorted(set(pairs_a) & set(pairs_b)):
        pol_a, pol_b = _polarity(pairs_a[pair], mixed), _polarity(pairs_b[pair], mixed)
        if pol_a != pol_b:
            a, b = sorted(pair, key=lambda n: (G.nodes[n]["label"].casefold(), n))
            changes.append(
                PolarityChange(
                    a=_node_ref(G, a),
                    b=_node_ref(G, b),
                    before=pol_a,
                    after=pol_b,
                    relations_before=tuple(sorted(pairs_a[pair], key=order)),
                    relations_after=tuple(sorted(pairs_b[pair], key=order)),
                )
            )
    changes.sort(key=lambda c: (c.a.label.casefold(), c.b.label.casefold()))
    return TimeDiff(label_a, label_b, tuple(appeared), tuple(disappeared), tuple(changes))
