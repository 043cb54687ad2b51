"""ckg commands: viz (registered on caucasus_kg.api.cli.main).

``ckg viz graph|entity NAME|path A B|centrality -o FILE.html`` writes one self-contained
HTML page (vis-network and the data inlined, no request to any host), atomically.
Each command opens the graph, makes one call to :mod:`caucasus_kg.viz` and writes the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .. import viz
from .cli import backend_option, main, open_graph, store_option, write_output
from .cli_analysis import _filters, filter_options

__all__: list[str] = []

_output_option = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
    help="Write the page to this file (atomically); default: stdout.",
)


def _write(html: str, output: Path | None) -> None:
    write_output(html.encode("utf-8"), output)
    if output is not None:
        click.echo(f"wrote {output} ({output.stat().st_size // 1024} KiB)", err=True)


@main.group(name="viz")
def viz_group() -> None:
    """Write an interactive graph page (one offline HTML file)."""


@viz_group.command(name="graph")
@store_option
@backend_option
@_output_option
@filter_options
def graph_command(store: Path | None, backend: str | None, output: Path | None, **filters: Any) -> None:
    """The whole graph, or a filtered view of it."""
    with open_graph(store, backend) as kg:
        html = viz.graph_page(kg, **_filters(**filters))
    _write(html, output)


@viz_group.command(name="entity")
@click.argument("name")
@store_option
@backend_option
@_output_option
@click.option("--depth", type=click.IntRange(0, 4), default=1, show_default=True, help="Radius of the ego network, in hops.")
@filter_options
def entity_command(name: str, store: Path | None, backend: str | None, output: Path | None, depth: int, **filters: Any) -> None:
    """An entity's ego network beside the table of its facts and quotes."""
    with open_graph(store, backend) as kg:
        html = viz.entity_page(kg, name, depth=depth, **_filters(**filters))
    _write(html, output)


@viz_group.command(name="path")
@click.argument("source")
@click.argument("target")
@store_option
@backend_option
@_output_option
@click.option("-k", "k", type=click.IntRange(1, 10), default=3, show_default=True, help="How many shortest paths.")
@click.option("--directed", is_flag=True, help="Follow relations from subject to object only.")
@filter_options
def path_command(
    source: str, target: str, store: Path | None, backend: str | None, output: Path | None, k: int, directed: bool,
    **filters: Any,
) -> None:
    """The shortest paths between two entities, highlighted within their neighbourhood."""
    with open_graph(store, backend) as kg:
        html = viz.path_page(kg, source, target, k=k, directed=directed, **_filters(**filters))
    _write(html, output)


@viz_group.command(name="centrality")
@store_option
@backend_option
@_output_option
@click.option("--metric", default="betweenness", show_default=True,
              type=click.Choice(["degree", "in_degree", "out_degree", "betweenness", "closeness", "harmonic",
                                 "pagerank", "eigenvector"]),
              help="Centrality metric that sizes the nodes.")
@click.option("--directed", is_flag=True, help="Respect the direction of relations.")
@filter_options
def centrality_command(
    store: Path | None, backend: str | None, output: Path | None, metric: str, directed: bool, **filters: Any
) -> None:
    """Nodes sized by centrality, coloured by community."""
    with open_graph(store, backend) as kg:
        html = viz.centrality_page(kg, metric=metric, directed=directed, **_filters(**filters))
    _write(html, output)
