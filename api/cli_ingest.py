"""ckg commands: ingest, accept and import-events (registered on caucasus_kg.api.cli.main).

``ckg ingest FILE.txt`` proposes claims in a review file (JSON or Turtle) and
changes nothing; ``ckg accept REVIEW`` merges it; ``--accept-above 0.8`` merges
the confident candidates at once. ``ckg import-events FILE.tsv`` imports ICEWS
or GDELT coded events. Each opens the graph (use ``--store DIR`` to keep what
is added), makes one core call and prints a summary; a bad input file exits
with code 3 and a message naming the file and line, the store unchanged.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from ..graph.events import FORMATS, WINDOWS, import_events
from ..graph.ingest import accept, ingest_file, load_review, review_to_json, review_to_turtle
from .cli import backend_option, emit_json, main, open_graph, store_option, write_output

__all__: list[str] = []


def _short(iri: str) -> str:
    return "src:" + iri.rsplit("/", 1)[-1] if "/source/" in iri else iri


def _no_store_note(store: Path | None) -> None:
    if store is None:
        click.echo(
            "ckg: note: no --store given: the graph is the bundled one in memory, and what was added "
            "is gone when this command ends",
            err=True,
        )


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--title", help="Title of the document (default: its first line).")
@click.option("--date", "published", metavar="YYYY-MM-DD", help="Publication date.")
@click.option("--url", help="Where the document was published.")
@store_option
@backend_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the review file here (.json or .ttl). Default: JSON on stdout.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "ttl"]),
    default=None,
    help="Review file format (default: from the -o suffix, else json).",
)
@click.option(
    "--accept-above",
    type=click.FloatRange(0, 1),
    default=None,
    metavar="CONFIDENCE",
    help="Merge candidates with at least this confidence at once; the review file keeps the others.",
)
def ingest(
    file: Path,
    title: str | None,
    published: str | None,
    url: str | None,
    store: Path | None,
    backend: str | None,
    output: Path | None,
    fmt: str | None,
    accept_above: float | None,
) -> None:
    """Extract candidate claims from an article (a UTF-8 text file) into a review file.

    Nothing enters the graph until accepted: review the file, then `ckg accept FILE`.
    """
    with open_graph(store, backend) as kg:
        review = ingest_file(kg, file, title=title, published=published, url=url)
        report = accept(kg, review, min_confidence=accept_above, where=str(file)) if accept_above is not None else None
    doc = review.document
    click.echo(
        f"ckg: {len(review.candidates)} candidate claims, {len(review.entities)} new entities and "
        f"{len(review.unknown_actors)} unknown actors from {review.stats.get('sentences', 0)} sentences of "
        f"{doc.title!r} ({_short(doc.source)}{', already in the graph' if doc.in_graph else ''})",
        err=True,
    )
    for unknown in review.unknown_actors:
        click.echo(
            f"ckg: unknown actor {unknown.text!r} ({unknown.role} of {unknown.relation}, "
            f"{unknown.pattern}) at [{unknown.start}:{unknown.end}]",
            err=True,
        )
    if report is not None:
        click.echo(
            f"ckg: accepted {report.accepted} claims with confidence >= {accept_above:g}: "
            f"{report.claims_added} new claims, {report.entities_added} new entities, "
            f"{report.triples_added} triples added",
            err=True,
        )
        _no_store_note(store)
        review = review.below(accept_above)
    fmt = fmt or ("ttl" if output is not None and output.suffix.lower() in (".ttl", ".turtle") else "json")
    data = (review_to_turtle(review) if fmt == "ttl" else review_to_json(review)).encode("utf-8")
    if output is not None or report is None:
        write_output(data, output)
        if output is not None:
            click.echo(
                f"ckg: review file {output} ({len(review.candidates)} candidates); accept it with: ckg accept {output}",
                err=True,
            )
    elif review.candidates:
        click.echo(
            f"ckg: {len(review.candidates)} candidates below {accept_above:g} were not accepted "
            "(use -o FILE to keep them for review)",
            err=True,
        )


@main.command(name="accept")
@click.argument("review_file", type=click.Path(dir_okay=False, path_type=Path))
@store_option
@backend_option
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=None,
    metavar="CONFIDENCE",
    help="Only candidates with at least this confidence.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def accept_command(
    review_file: Path, store: Path | None, backend: str | None, min_confidence: float | None, as_json: bool
) -> None:
    """Merge a review file (from `ckg ingest`) into the graph: its accepted candidates become claims."""
    with open_graph(store, backend) as kg:
        report = accept(kg, load_review(review_file), min_confidence=min_confidence, where=str(review_file))
    if as_json:
        emit_json(report)
    else:
        click.echo(
            f"accepted {report.accepted} claims ({report.rejected} rejected) from {report.title!r} "
            f"({_short(report.source)}{', source added' if report.source_added else ''}): "
            f"{report.claims_added} new claims, {report.entities_added} new entities, "
            f"{report.triples_added} triples added"
        )
    _no_store_note(store)


class _ProgressBar:
    """A rich progress bar on stderr, shown once the work has taken more than a second.

    Only on a terminal (``force`` draws it anyway): piped or redirected output gets no bar.
    """

    def __init__(self, delay: float = 1.0, *, force: bool = False) -> None:
        self.started = time.monotonic()
        self.delay = delay
        self.force = force
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.started < self.delay:
                return
            from rich.console import Console

            console = Console(stderr=True)
            if not (console.is_terminal or self.force):
                self.delay = float("inf")
                return
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self.bar.start()
        if stage not in self.tasks:
            for task in self.tasks.values():
                self.bar.update(task, completed=self.bar.tasks[task].total)
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@main.command(name="import-events")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default=None,
    help="icews or gdelt (default: from the header's date or datetime column).",
)
@click.option(
    "--window",
    type=click.Choice(WINDOWS),
    default="month",
    show_default=True,
    help="Time window of the aggregate relations.",
)
@click.option("--title", help="Title of the dataset source (default: format and file name).")
@store_option
@backend_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_events_command(
    file: Path, fmt: str | None, window: str, title: str | None, store: Path | None, backend: str | None, as_json: bool
) -> None:
    """Import coded events (an ICEWS or GDELT TSV file) as event claims with aggregate relations."""
    bar = _ProgressBar()
    try:
        with open_graph(store, backend) as kg:
            report = import_events(kg, file, format=fmt, window=window, title=title, progress=bar)
    finally:
        bar.close()
    if as_json:
        emit_json(report)
    elif report.already_imported:
        click.echo(f"{file} is already in the graph as {_short(report.source)}: nothing added")
    else:
        click.echo(
            f"imported {file.name} ({report.format.upper()}, {report.rows} rows) as {_short(report.source)}: "
            f"{report.claims} event claims, {report.actors} actors ({report.actors_merged} merged with known "
            f"entities, {report.actors_new} new, {report.sector_actors} sector actors), {report.event_types} CAMEO "
            f"event types, {report.aggregates} aggregates per {report.window}; {report.triples_added} triples added "
            f"in {report.seconds:.1f} s"
        )
    _no_store_note(store)
