"""The `lineage` command: read plans, extract their lineage, and (later) query the graph."""

from __future__ import annotations

import json
import sys

import click

from corpus import __version__
from corpus.extract import extract_text
from corpus.pipeline import ExtractionTimeout
from corpus.reader import DocumentError, find_documents, read_text
from corpus.structure import parse_structure, render_outline, structure_to_dict
from graph.render import render_plan_summary


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
