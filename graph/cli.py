"""The `lineage` command: read plans, extract their lineage, and (later) query the graph."""

from __future__ import annotations

import json
import sys

import click

from corpus import __version__
from corpus.reader import DocumentError, find_documents, read_text
from corpus.structure import parse_structure, render_outline, structure_to_dict
from graph.render import format_table, render_plan_summary
from ontology.store import StoreError, open_store


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lineage")
def main() -> None:
    """Trace how Vietnamese central resolutions cascade down to provincial plans and ward tasks.

    Read plans (.txt, .md, .docx, .pdf), extract the documents they cite and the
    lineage between them, and explore the result.
    """


def _documents_or_fail(paths: tuple[str, ...]) -> list:
    documents = find_documents(paths)
    if not documents:
        raise click.UsageError("no .txt, .md, .docx or .pdf documents found in the given paths")
    return documents


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True, help="An outline for people, or JSON Lines for programs.")
def read(paths: tuple[str, ...], output_format: str) -> None:
    """Print the structure of each document: header, preamble, sections, tables, appendices, signature.

    A debugging view: it shows what the extractor sees before it looks for references.
    """
    failures = 0
    for path in _documents_or_fail(paths):
        try:
            text = read_text(path)
        except DocumentError as error:
            click.echo(f"error: {error}", err=True)
            failures += 1
            continue
        for warning in text.warnings:
            click.echo(f"warning: {warning}", err=True)
        structure = parse_structure(text)
        if output_format == "json":
            click.echo(json.dumps(structure_to_dict(structure), ensure_ascii=False))
        else:
            click.echo(render_outline(structure))
            click.echo()
    if failures:
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "output_format", type=click.Choice(["json", "table"]), default="table", show_default=True,
              help="JSON Lines (one object per document, the extract contract) or a summary for people.")
@click.option("--time-limit", type=float, default=120.0, show_default=True, help="Seconds one document may take.")
def extract(paths: tuple[str, ...], output_format: str, time_limit: float) -> None:
    """Extract references, lineage relations, metadata, tasks and indicators from plans.

    \b
    lineage extract corpus/plans --format table
    lineage extract plan.docx --format json > plan.jsonl
    """
    from corpus.extract import extract_text
    from corpus.pipeline import ExtractionTimeout

    failures = 0
    for path in _documents_or_fail(paths):
        try:
            text = read_text(path)
            record = extract_text(text, time_limit)
        except (DocumentError, ExtractionTimeout) as error:
            message = str(error) if isinstance(error, DocumentError) else f"{path}: {error}"
            click.echo(f"error: {message}", err=True)
            failures += 1
            continue
        for warning in record.warnings:
            click.echo(f"warning: {warning}", err=True)
        if output_format == "json":
            click.echo(json.dumps(record.to_dict(), ensure_ascii=False))
        else:
            click.echo(render_plan_summary(record))
    if failures:
        sys.exit(1)


# --- the knowledge graph ---------------------------------------------------------------

def store_options(function):
    """--store and --update-url, shared by every command that reads or writes the graph."""
    function = click.option(
        "--update-url", envvar="LINEAGE_UPDATE_URL", default=None, metavar="URL",
        help="A remote server's SPARQL update endpoint, when it is not the query URL's …/update.",
    )(function)
    return click.option(
        "--store", "store_spec", envvar="LINEAGE_STORE", default=None, metavar="STORE",
        help="A directory (embedded Oxigraph store; default .lineage/store), 'memory', or a SPARQL server URL. Also LINEAGE_STORE.",
    )(function)


def _open(store_spec: str | None, update_url: str | None, read_only: bool, allow_update: bool = True):
    try:
        return open_store(store_spec, read_only=read_only, update_url=update_url, allow_update=allow_update)
    except StoreError as error:
        raise click.ClickException(str(error)) from None


def _prepared_documents(documents: list, jobs: int, time_limit: float):
    from functools import partial

    from ontology.ingest import prepare_document

    prepare = partial(prepare_document, time_limit=time_limit)
    if jobs == 1:
        yield from map(prepare, documents)
        return
    import os
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs or os.cpu_count()) as pool:
        yield from pool.map(prepare, documents, chunksize=max(1, min(16, len(documents) // ((jobs or os.cpu_count() or 1) * 4) or 1)))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@store_options
@click.option("--jobs", "-j", type=int, default=1, show_default=True, help="Processes that extract in parallel (0: one per core).")
@click.option("--time-limit", type=float, default=120.0, show_default=True, help="Seconds one document may take.")
def ingest(paths: tuple[str, ...], store_spec: str | None, update_url: str | None, jobs: int, time_limit: float) -> None:
    """Extract plans and store them in the knowledge graph, one named graph per document.

    Re-ingesting a changed document replaces its triples; an unchanged one is left as it is.
    A file that cannot be read is reported and the others go on (exit code 1 at the end).
    """
    from ontology.ingest import load_vocabulary, write_prepared

    documents = _documents_or_fail(paths)
    store = _open(store_spec, update_url, read_only=False)
    counts = {"changed": 0, "unchanged": 0, "failed": 0}
    with store:
        try:
            load_vocabulary(store)
            progress = click.progressbar(length=len(documents), label="ingesting", file=sys.stderr) if sys.stderr.isatty() else None
            for prepared in _prepared_documents(documents, jobs, time_limit):
                if prepared.error:
                    click.echo(f"error: {prepared.error}", err=True)
                    counts["failed"] += 1
                else:
                    for warning in prepared.warnings:
                        click.echo(f"warning: {warning}", err=True)
                    counts["changed" if write_prepared(store, prepared) else "unchanged"] += 1
                if progress is not None:
                    progress.update(1)
            if progress is not None:
                progress.render_finish()
            triples = store.triple_count()
        except StoreError as error:
            raise click.ClickException(str(error)) from None
    click.echo(
        f"{counts['changed'] + counts['unchanged']} document(s) ingested ({counts['changed']} new or changed, {counts['unchanged']} unchanged), "
        f"{counts['failed']} failed; {triples} triples in {store.location}"
    )
    if counts["failed"]:
        sys.exit(1)


@main.command()
@store_options
def validate(store_spec: str | None, update_url: str | None) -> None:
    """Check the graph against the SHACL shapes of ontology/shapes.ttl (exit code 1 on violations)."""
    from ontology.validate import validate_store

    with _open(store_spec, update_url, read_only=True) as store:
        report = validate_store(store)
    click.echo(report.render())
    if not report.conforms:
        sys.exit(1)


_EXPORT_FORMATS = ["ttl", "jsonld", "nt", "nq", "graphml", "gexf", "csv"]


@main.command()
@store_options
@click.option("--format", "output_format", type=click.Choice(_EXPORT_FORMATS), default="ttl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None, help="File to write (CSV writes FILE-nodes.csv and FILE-edges.csv).")
def export(store_spec: str | None, update_url: str | None, output_format: str, output: str | None) -> None:
    """Export the graph: RDF (Turtle, JSON-LD, N-Triples, N-Quads) or a network for Gephi and yEd (GraphML, GEXF, CSV)."""
    from graph.export import export_graph

    with _open(store_spec, update_url, read_only=True) as store:
        try:
            written = export_graph(store, output_format, output)
        except StoreError as error:
            raise click.ClickException(str(error)) from None
    if output is None and written is not None:
        click.echo(written, nl=False)
    elif output is not None:
        click.echo(f"wrote {output_format} to {output}", err=True)


_UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


def _is_update(sparql: str) -> bool:
    import re

    body = re.sub(r"(?im)^\s*(?:PREFIX|BASE)\b[^\n]*$", "", re.sub(r"#[^\n]*", "", sparql))
    first = body.strip().split(None, 1)[0].upper() if body.strip() else ""
    return first in _UPDATE_KEYWORDS


@main.command()
@click.argument("query")
@store_options
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--allow-update", is_flag=True, help="Allow SPARQL updates (the store is read-only otherwise).")
def sparql(query: str, store_spec: str | None, update_url: str | None, output_format: str, allow_update: bool) -> None:
    """Run a SPARQL query (QUERY text, or @file.rq) against the graph; all named graphs form the default graph."""
    import csv
    import io

    if query.startswith("@"):
        try:
            with open(query[1:], encoding="utf-8") as handle:
                query = handle.read()
        except OSError as error:
            raise click.ClickException(f"cannot read {query[1:]}: {error.strerror}") from None
    update = _is_update(query)
    if update and not allow_update:
        raise click.ClickException("this is a SPARQL update; the store is read-only unless --allow-update is given")
    with _open(store_spec, update_url, read_only=not update, allow_update=allow_update) as store:
        try:
            if update:
                store.update(query)
                click.echo("update applied")
                return
            result = store.query(query)
        except StoreError as error:
            raise click.ClickException(str(error)) from None
    if output_format == "json":
        click.echo(json.dumps({"variables": result.variables, "rows": result.rows}, ensure_ascii=False, indent=1))
    elif output_format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=result.variables)
        writer.writeheader()
        writer.writerows(result.rows)
        click.echo(buffer.getvalue(), nl=False)
    else:
        click.echo(format_table(result.variables, [[row[name] or "" for name in result.variables] for row in result.rows], max_width=70))


@main.command()
@store_options
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats(store_spec: str | None, update_url: str | None, output_format: str) -> None:
    """What the graph holds: documents by level and type, relations by type and method, tasks, indicators, offices."""
    from graph.stats import store_stats

    with _open(store_spec, update_url, read_only=True) as store:
        try:
            numbers = store_stats(store)
        except StoreError as error:
            raise click.ClickException(str(error)) from None
    if output_format == "json":
        click.echo(json.dumps(numbers, ensure_ascii=False, indent=1))
        return
    click.echo(f"{numbers['plans']} plans, {numbers['documents']} documents, {numbers['communes']} communes, {numbers['tasks']} tasks, "
               f"{numbers['indicators']} indicators, {numbers['offices']} offices, {numbers['triples']} triples in {numbers['graphs']} graphs")
    click.echo()
    click.echo(format_table(["level", "documents"], [[level, str(count)] for level, count in numbers["documents_by_level"].items()]))
    click.echo()
    click.echo(format_table(["type", "documents"], [[kind, str(count)] for kind, count in numbers["documents_by_type"].items()]))
    click.echo()
    click.echo(format_table(["relation", "method", "count"], [[row["relation"], row["method"], str(row["count"])] for row in numbers["relations_by_type_and_method"]]))
