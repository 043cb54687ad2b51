"""The ``ckg`` command line: each command opens the graph, makes one core call and renders it.

Errors from the core become one line on stderr and the exit code of
``caucasus_kg.api.errors.EXIT_CODES``; no traceback reaches the user
(set ``CKG_DEBUG=1`` to see one).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from ..graph import CaucasusKGError, KnowledgeGraph, Settings, to_dict
from .errors import error_code, exit_code

__all__ = ["main"]


class _Group(click.Group):
    """Maps every core exception to one stderr line and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except CaucasusKGError as exc:
            click.echo(f"ckg: error: {exc}", err=True)
            ctx.exit(exit_code(exc))
        except BrokenPipeError:  # output piped into `head` and closed: not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except KeyboardInterrupt:
            click.echo("ckg: interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:  # the promise: never a traceback
            if os.environ.get("CKG_DEBUG"):
                raise
            click.echo(f"ckg: internal error ({error_code(exc)}): {type(exc).__name__}: {exc}", err=True)
            ctx.exit(exit_code(exc))


store_option = click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="CKG_STORE",
    help="On-disk store directory (initialised with the bundled graph when new). Default: bundled graph in memory.",
)
backend_option = click.option(
    "--backend",
    type=click.Choice(["oxigraph", "memory"]),
    envvar="CKG_BACKEND",
    default=None,
    help="Store engine (default oxigraph).",
)


def open_graph(store: Path | None, backend: str | None = None, **settings: Any) -> KnowledgeGraph:
    """The one way commands build the KnowledgeGraph: settings from CKG_* plus flags."""
    return KnowledgeGraph.open(settings=Settings.from_env(store=store, backend=backend, **settings))


def emit_json(data: Any) -> None:
    click.echo(json.dumps(to_dict(data), ensure_ascii=False, indent=2))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="caucasus-kg", prog_name="ckg")
def main() -> None:
    """caucasus-kg: a knowledge graph of South Caucasus relations, with provenance for every fact."""


@main.command()
@store_option
@backend_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(store: Path | None, backend: str | None, as_json: bool) -> None:
    """Counts of triples, entities, relations, claims and sources."""
    with open_graph(store, backend) as kg:
        result = kg.stats()
    if as_json:
        emit_json(result)
        return
    click.echo(f"triples    {result.triples}\nentities   {result.entities}\nrelations  {result.relations}")
    click.echo(f"claims     {result.claims}\nsources    {result.sources}")
    click.echo("entities by type:")
    for name, n in result.entities_by_type.items():
        click.echo(f"  {n:6d}  {name}")
    click.echo("relations by predicate:")
    for name, n in result.relations_by_predicate.items():
        click.echo(f"  {n:6d}  {name}")


@main.command()
@click.argument("sparql")
@store_option
@backend_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv", "xml", "ttl", "nt", "jsonld"]), default="table",
    show_default=True, help="Output format (ttl/nt/jsonld for CONSTRUCT and DESCRIBE).",
)
@click.option("--timeout", type=float, default=None, help="Time limit in seconds (default CKG_QUERY_TIMEOUT or 5).")
def query(sparql: str, store: Path | None, backend: str | None, fmt: str, timeout: float | None) -> None:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE). Use '-' to read it from stdin."""
    if sparql == "-":
        sparql = sys.stdin.read()
    with open_graph(store, backend) as kg:
        result = kg.query(sparql, timeout=timeout)
    if fmt == "table":
        _print_table(result)
    else:
        if result.type in ("CONSTRUCT", "DESCRIBE") and fmt in ("json", "csv", "tsv"):
            fmt = "jsonld" if fmt == "json" else "nt"
        sys.stdout.buffer.write(result.serialize(fmt))
        sys.stdout.flush()
    if result.truncated:
        click.echo(f"ckg: warning: result cut at {len(result)} rows (CKG_MAX_ROWS)", err=True)


def _print_table(result: Any) -> None:
    if result.type == "ASK":
        click.echo("true" if result.boolean else "false")
        return
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        sys.stdout.buffer.write(result.serialize("nt"))
        return
    rows = [[("" if v is None else str(v)) for v in row] for row in result.rows]
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(result.variables)]
    click.echo("  ".join(v.ljust(w) for v, w in zip(result.variables, widths)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in rows:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())
    sys.stdout.flush()  # keep the table and the count on stderr in order on a terminal
    click.echo(f"({len(rows)} rows)", err=True)


@main.command()
@click.argument("name")
@store_option
@backend_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def entity(name: str, store: Path | None, backend: str | None, as_json: bool) -> None:
    """Show an entity (by label, alias, id or IRI) and its facts with their quotes."""
    with open_graph(store, backend) as kg:
        found = kg.entity(name)
        facts = kg.facts(found.iri)
    if as_json:
        emit_json({"entity": found, "facts": facts})
        return
    click.echo(f"{found.label}  ({found.type_label})  {found.iri}")
    for label, values in (("aliases", found.aliases), ("metonyms", found.metonyms), ("demonyms", found.demonyms)):
        if values:
            click.echo(f"  {label}: {', '.join(values)}")
    if found.wikidata:
        click.echo(f"  wikidata: {found.wikidata}")
    click.echo(f"facts ({len(facts)}):")
    for fact in facts:
        click.echo(f"  {fact.subject.label} --{fact.predicate_label}--> {fact.object.label}  [{fact.polarity}]")
        for claim in fact.claims:
            when = ", ".join(
                f"{k} {v}" for k, v in (("at", claim.point_in_time), ("from", claim.start_time), ("to", claim.end_time)) if v
            )
            source = claim.source.rsplit("/", 1)[-1]
            click.echo(f"      \u201c{claim.quote}\u201d  ({source} [{claim.quote_start}:{claim.quote_end}]{'; ' + when if when else ''})")


@main.command()
@store_option
@backend_option
@click.option(
    "--format", "fmt", default="ttl", show_default=True,
    help="RDF: ttl, nt, nq, trig, jsonld or xml. Network (the projection): graphml, gexf, json (node-link) or csv.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file (atomically).")
@click.option("--relation", "relations", multiple=True, metavar="NAME", help="Network formats: only this relation.")
@click.option("--polarity", multiple=True, type=click.Choice(["cooperative", "hostile", "neutral"]),
              help="Network formats: only relations of this polarity.")
@click.option("--as-of", "as_of", metavar="DATE", help="Network formats: the view as of a date (YYYY[-MM[-DD]]).")
@click.option("--from", "start", metavar="DATE", help="Network formats: window start.")
@click.option("--to", "end", metavar="DATE", help="Network formats: window end.")
@click.option("--undated/--no-undated", "include_undated", default=True, show_default=True,
              help="Network formats: keep facts without any time qualifier in time views.")
def export(store: Path | None, backend: str | None, fmt: str, output: Path | None, relations: tuple[str, ...],
           polarity: tuple[str, ...], as_of: str | None, start: str | None, end: str | None,
           include_undated: bool) -> None:
    """Export the whole graph as RDF, or its network projection (optionally filtered)."""
    from ..graph.graph_export import NETWORK_FORMATS, export_graph

    filtered = bool(relations or polarity or as_of or start or end or not include_undated)
    if filtered and fmt.lower() not in NETWORK_FORMATS:
        raise click.UsageError(f"filters apply to the network formats ({', '.join(NETWORK_FORMATS)}), not to {fmt}")
    with open_graph(store, backend) as kg:
        if fmt.lower() in NETWORK_FORMATS:
            data = export_graph(kg, fmt, relations=list(relations) or None, polarity=list(polarity) or None,
                                as_of=as_of, start=start, end=end, include_undated=include_undated)
        else:
            data = kg.export(fmt)
    write_output(data, output)


def write_output(data: bytes, output: Path | None) -> None:
    """Write bytes to stdout, or to a file through a temporary one, so no half-written file is left."""
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    tmp = output.with_name(f".{output.name}.tmp{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None


@main.command()
@store_option
@backend_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-shacl", is_flag=True, help="Only check quotes and hashes, not the SHACL shapes.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def validate(store: Path | None, backend: str | None, paths: tuple[Path, ...], no_shacl: bool, as_json: bool) -> None:
    """Validate SHACL shapes and every quote. Exit 0 conforms, 1 does not, 2 or more on error.

    With PATHS, validate those files (plus the ontology) instead of the bundled graph.
    """
    settings = Settings.from_env(store=store, backend=backend)
    with KnowledgeGraph.open(*paths, settings=settings) as kg:
        report = kg.validate(shacl=not no_shacl)
    if as_json:
        emit_json(report)
    else:
        click.echo(report.text())
    sys.exit(0 if report.conforms else 1)


# Command modules beside this one register their commands on `main` when imported.
from . import cli_analysis, cli_ingest, cli_server, cli_viz  # noqa: E402,F401
