"""ckg commands: graph analytics (registered on caucasus_kg.api.cli.main).

``path``, ``neighbours``, ``centrality``, ``communities``, ``balance``,
``friends-of-enemies`` and ``diff``: each opens the graph, makes one call to
:mod:`caucasus_kg.graph.analysis` and renders the result (``--json`` for the
dict of :func:`caucasus_kg.graph.to_dict`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..graph import analysis
from .cli import backend_option, emit_json, main, open_graph, store_option

__all__: list[str] = []

_T = Callable[..., Any]


def filter_options(fn: _T) -> _T:
    """The filters every analytics command shares (relations, polarity, time view, undated facts, types)."""
    options = [
        click.option("--relation", "relations", multiple=True, metavar="NAME",
                     help="Only this relation (e.g. alliedWith); repeat for several."),
        click.option("--polarity", multiple=True, type=click.Choice(["cooperative", "hostile", "neutral"]),
                     help="Only relations of this polarity; repeat for several."),
        click.option("--as-of", "as_of", metavar="DATE", help="View as of a date, month or year (YYYY[-MM[-DD]])."),
        click.option("--from", "start", metavar="DATE", help="Window start (YYYY[-MM[-DD]])."),
        click.option("--to", "end", metavar="DATE", help="Window end (YYYY[-MM[-DD]])."),
        click.option("--undated/--no-undated", "include_undated", default=True, show_default=True,
                     help="Keep facts without any time qualifier in time views."),
        click.option("--within", "types", multiple=True, metavar="TYPE",
                     help="Restrict the graph to entities of this class (e.g. Actor); repeat for several."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _filters(relations: tuple[str, ...], polarity: tuple[str, ...], as_of: str | None, start: str | None,
             end: str | None, include_undated: bool, types: tuple[str, ...]) -> dict[str, Any]:
    """Click values to core keyword filters (empty repeats mean no filter)."""
    return {
        "relations": list(relations) or None,
        "polarity": list(polarity) or None,
        "as_of": as_of,
        "start": start,
        "end": end,
        "include_undated": include_undated,
        "types": list(types) or None,
    }


def _quote_lines(edge: analysis.GraphEdge, indent: str = "      ") -> list[str]:
    lines = []
    for claim in edge.evidence:
        source = claim.source.rsplit("/", 1)[-1]
        when = ", ".join(v for v in (claim.point_in_time, claim.start_time and f"from {claim.start_time}",
                                     claim.end_time and f"to {claim.end_time}") if v)
        lines.append(f"{indent}\u201c{claim.quote}\u201d  ({source} [{claim.quote_start}:{claim.quote_end}]"
                     f"{'; ' + when if when else ''})")
    return lines


def _render_path(path: analysis.Path, number: int | None = None) -> None:
    title = f"path {number}: " if number is not None else ""
    click.echo(f"{title}{path.source.label} \u2192 {path.target.label}, {path.length} hop{'s' if path.length != 1 else ''}"
               f"{'' if path.directed else ' (undirected)'}")
    for step in path.steps:
        for edge in step.edges:
            click.echo(f"  {edge.text() if edge.direction == 'forward' else edge.text() + '  (walked backwards)'}"
                       f"  [{edge.polarity}]")
            for line in _quote_lines(edge):
                click.echo(line)


@main.command()
@click.argument("source")
@click.argument("target")
@store_option
@backend_option
@click.option("-k", "--k", "k", type=click.IntRange(min=1), default=1, show_default=True, help="How many shortest paths.")
@click.option("--max-hops", type=click.IntRange(min=1), default=None, help="Longest path to list, in hops.")
@click.option("--all", "all_simple", is_flag=True, help="Every simple path up to --max-hops (default 3) instead.")
@click.option("--undirected", is_flag=True, help="Also walk relations against their direction.")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def path(source: str, target: str, store: Path | None, backend: str | None, k: int, max_hops: int | None,
         all_simple: bool, undirected: bool, as_json: bool, **filters: Any) -> None:
    """Shortest paths from SOURCE to TARGET (labels, aliases, ids or IRIs), with each relation's quotes.

    Exit code 6 when an actor is unknown, 7 when no path links them.
    """
    with open_graph(store, backend) as kg:
        if all_simple:
            found = analysis.all_paths(kg, source, target, cutoff=max_hops or 3, directed=not undirected,
                                       **_filters(**filters))
        else:
            found = analysis.shortest_paths(kg, source, target, k=k, max_hops=max_hops, directed=not undirected,
                                            **_filters(**filters))
    if as_json:
        emit_json(found)
        return
    for number, p in enumerate(found, 1):
        _render_path(p, number if len(found) > 1 else None)


@main.command()
@click.argument("center")
@store_option
@backend_option
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True, help="Radius in hops.")
@click.option("--direction", type=click.Choice(["both", "out", "in"]), default="both", show_default=True,
              help="Follow relations in any direction, outgoing only or incoming only.")
@click.option("--quotes", is_flag=True, help="Show each relation's quotes.")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def neighbours(center: str, store: Path | None, backend: str | None, depth: int, direction: str, quotes: bool,
               as_json: bool, **filters: Any) -> None:
    """The entities within --depth hops of CENTER and the relations among them."""
    with open_graph(store, backend) as kg:
        sub = analysis.neighbourhood(kg, center, depth=depth, direction=direction, evidence=quotes or as_json,
                                     **_filters(**filters))
    if as_json:
        emit_json(sub)
        return
    click.echo(f"{len(sub.nodes)} entities within {depth} hop{'s' if depth != 1 else ''} of {sub.center.label}:")
    for node in sub.nodes:
        click.echo(f"  {node.distance}  {node.label}  ({node.type})")
    click.echo(f"{len(sub.edges)} relations:")
    for edge in sub.edges:
        click.echo(f"  {edge.text()}  [{edge.polarity}]")
        for line in _quote_lines(edge):
            click.echo(line)


@main.command()
@store_option
@backend_option
@click.option("--metric", type=click.Choice(analysis.METRICS), default="betweenness", show_default=True)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many to list.")
@click.option("--type", "rank_types", multiple=True, metavar="TYPE",
              help="List only entities of this class (e.g. Person); scores use the whole graph.")
@click.option("--directed", is_flag=True, help="Respect the direction of relations (default: ignore it).")
@click.option("--sample", "k", type=click.IntRange(min=1), default=None,
              help="Betweenness: estimate from this many sampled sources.")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of --sample.")
@click.option("--engine", type=click.Choice(["auto", "networkx", "igraph"]), default="auto", show_default=True)
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def centrality(store: Path | None, backend: str | None, metric: str, top: int, rank_types: tuple[str, ...],
               directed: bool, k: int | None, seed: int, engine: str, as_json: bool, **filters: Any) -> None:
    """The top entities by a centrality metric, with their scores."""
    with open_graph(store, backend) as kg:
        scores = analysis.centrality(kg, metric, top=top, rank_types=list(rank_types) or None, directed=directed,
                                     k=k, seed=seed, engine=engine, **_filters(**filters))
    if as_json:
        emit_json(scores)
        return
    width = max((len(s.entity.label) for s in scores), default=0)
    for s in scores:
        click.echo(f"{s.rank:3d}  {s.score:10.4f}  {s.entity.label.ljust(width)}  ({s.type})")


@main.command()
@store_option
@backend_option
@click.option("--method", type=click.Choice(analysis.METHODS), default="louvain", show_default=True)
@click.option("--seed", type=int, default=42, show_default=True, help="Louvain's random seed.")
@click.option("--resolution", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
              help="Louvain's resolution (above 1: smaller communities).")
@click.option("--min-size", type=click.IntRange(min=1), default=2, show_default=True,
              help="List only communities of at least this many members.")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def communities(store: Path | None, backend: str | None, method: str, seed: int, resolution: float, min_size: int,
                as_json: bool, **filters: Any) -> None:
    """Communities of entities (Louvain with a fixed seed, or label propagation)."""
    with open_graph(store, backend) as kg:
        report = analysis.communities(kg, method=method, seed=seed, resolution=resolution, min_size=min_size,
                                      **_filters(**filters))
    if as_json:
        emit_json(report)
        return
    click.echo(f"{len(report.communities)} communities ({report.method}, modularity {report.modularity:.3f}"
               f"{f', {report.hidden} smaller not shown' if report.hidden else ''})")
    for c in report.communities:
        click.echo(f"  {c.index}. {c.size} members: {', '.join(m.label for m in c.members)}")


def _tie_text(tie: analysis.SignedTie) -> str:
    return f"{tie.a.label} {tie.sign or '?'} {tie.b.label} ({', '.join(e.text() for e in tie.relations)})"


@main.command()
@store_option
@backend_option
@click.option("--mixed", type=click.Choice(analysis.MIXED_RULES), default="hostile", show_default=True,
              help="Sign of a pair with both cooperative and hostile relations.")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Most triads to list, unbalanced first (the counts cover all).")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def balance(store: Path | None, backend: str | None, mixed: str, limit: int, as_json: bool, **filters: Any) -> None:
    """Structural balance: balanced and unbalanced triads of cooperative (+) and hostile (-) ties."""
    with open_graph(store, backend) as kg:
        report = analysis.structural_balance(kg, mixed=mixed, limit=limit, **_filters(**filters) | _actor_default(filters))
    if as_json:
        emit_json(report)
        return
    ratio = f"{report.balance_ratio:.0%}" if report.balance_ratio is not None else "n/a"
    click.echo(f"signed ties: {report.positive_ties} cooperative (+), {report.negative_ties} hostile (-); "
               f"mixed pairs signed by the '{report.mixed_rule}' rule")
    click.echo(f"triads: {report.triads_total}, balanced {report.balanced}, unbalanced {report.unbalanced} "
               f"(balance ratio {ratio}); by kind: "
               + ", ".join(f"{kind} {n}" for kind, n in report.counts_by_kind.items()))
    for triad in report.triads:
        click.echo(f"  {'balanced' if triad.balanced else 'UNBALANCED'} {triad.kind}: "
                   + ", ".join(f"{t.a.label} {t.sign} {t.b.label}" for t in triad.ties))
        for tie in triad.ties:
            click.echo(f"      {_tie_text(tie)}")
    if report.mixed_ties:
        click.echo("mixed pairs (cooperative and hostile relations):")
        for tie in report.mixed_ties:
            click.echo(f"  {_tie_text(tie)}")


def _actor_default(filters: dict[str, Any]) -> dict[str, Any]:
    """Signed analyses default to actors: keep that unless --within was given."""
    return {} if filters.get("types") else {"types": ["Actor"]}


@main.command("friends-of-enemies")
@click.argument("actor")
@store_option
@backend_option
@click.option("--pattern", default="-+", show_default=True,
              help="Two signs: '-+' friends of enemies, '--' enemies of enemies, '+-' enemies of friends, '++'.")
@click.option("--mixed", type=click.Choice(analysis.MIXED_RULES), default="hostile", show_default=True,
              help="Sign of a pair with both cooperative and hostile relations.")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def friends_of_enemies(actor: str, store: Path | None, backend: str | None, pattern: str, mixed: str, as_json: bool,
                       **filters: Any) -> None:
    """Who is a friend of an enemy of ACTOR (or another two-step --pattern), with balance theory's prediction."""
    with open_graph(store, backend) as kg:
        rows = analysis.signed_neighbours(kg, actor, pattern=pattern, mixed=mixed,
                                          **_filters(**filters) | _actor_default(filters))
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo(f"none (pattern {pattern})")
    for r in rows:
        direct = f"direct tie {r.direct}" if r.direct else "no direct tie"
        verdict = "" if r.consistent is None else ", as predicted" if r.consistent else ", NOT as predicted"
        click.echo(f"{r.actor.label} via {r.via.label}: predicted {r.predicted}, {direct}{verdict}")
        click.echo(f"    {_tie_text(r.first)}")
        click.echo(f"    {_tie_text(r.second)}")


@main.command()
@store_option
@backend_option
@click.option("--from", "before", required=True, metavar="DATE", help="The earlier date, month or year.")
@click.option("--to", "after", required=True, metavar="DATE", help="The later date, month or year.")
@click.option("--relation", "relations", multiple=True, metavar="NAME", help="Only this relation; repeat for several.")
@click.option("--polarity", multiple=True, type=click.Choice(["cooperative", "hostile", "neutral"]),
              help="Only relations of this polarity.")
@click.option("--undated/--no-undated", "include_undated", default=True, show_default=True,
              help="Keep facts without any time qualifier (they are in both views, so never in the difference).")
@click.option("--mixed", type=click.Choice(analysis.MIXED_RULES), default="hostile", show_default=True,
              help="Sign of a pair with both cooperative and hostile relations.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def diff(store: Path | None, backend: str | None, before: str, after: str, relations: tuple[str, ...],
         polarity: tuple[str, ...], include_undated: bool, mixed: str, as_json: bool) -> None:
    """Relations that appeared, disappeared or changed polarity between two dates."""
    with open_graph(store, backend) as kg:
        result = analysis.diff(kg, before, after, mixed=mixed, relations=list(relations) or None,
                               polarity=list(polarity) or None, include_undated=include_undated)
    if as_json:
        emit_json(result)
        return
    click.echo(f"from {result.before} to {result.after}:")
    for title, edges in (("appeared", result.appeared), ("disappeared", result.disappeared)):
        click.echo(f"{title} ({len(edges)}):")
        for edge in edges:
            click.echo(f"  {edge.text()}  [{edge.polarity}]{'  ' + ', '.join(edge.times) if edge.times else ''}")
    click.echo(f"changed polarity ({len(result.polarity_changed)}):")
    for change in result.polarity_changed:
        click.echo(f"  {change.a.label} / {change.b.label}: {change.before} \u2192 {change.after}")
