"""The `lineage` command: read plans, extract their lineage, and (later) query the graph."""

from __future__ import annotations

import json
import os
import sys

import click

from ..corpus import __version__
from .render import format_table, render_plan_summary
from ..ontology.store import StoreError


#: Rows a table shows unless --limit or --all says otherwise: with its summary, one screen.
TABLE_ROWS = 20


def _listing_options(function):
    """--limit and --all, shared by every command that lists rows."""
    function = click.option("--all", "show_all", is_flag=True, help="Every row in the table.")(function)
    return click.option("--limit", type=click.IntRange(min=0), default=None, metavar="N",
                        help=f"At most N rows in a table or CSV (a table shows {TABLE_ROWS} unless --all; JSON is always complete).")(function)


def _row_limit(output_format: str, limit: int | None, show_all: bool) -> int | None:
    if show_all or output_format == "json":
        return None
    if limit is not None:
        return limit
    return TABLE_ROWS if output_format == "table" else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lineage")
def main() -> None:
    """Trace how Vietnamese central resolutions cascade down to provincial plans and ward tasks.

    Read plans (.txt, .md, .docx, .doc, .odt, .rtf, .pdf with a text layer or scanned, page images,
    saved web pages), extract the documents they cite and the
    lineage between them, and explore the result.
    """


def _documents_or_fail(paths: tuple[str, ...]) -> list:
    from ..corpus.reader import SUPPORTED_SUFFIXES, find_documents

    documents = find_documents(paths)
    if not documents:
        raise click.UsageError(f"no documents ({', '.join(SUPPORTED_SUFFIXES)}) found in the given paths")
    return documents


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True, help="An outline for people, or JSON Lines for programs.")
@click.option("--blocks", is_flag=True, help="Also list every logical line (heading, paragraph, list item, table row) with the lines of the file it spans.")
def read(paths: tuple[str, ...], output_format: str, blocks: bool) -> None:
    """Print how each document is read: its layout, its header fields and where each came from,
    and its structure (preamble, sections, tables, appendices, signature).

    A debugging view: it shows what the extractor sees before it looks for references.
    """
    from ..corpus.layout import lay_out
    from ..corpus.metadata import has_official_header, read_plan_facts
    from ..corpus.reader import DocumentError, read_text
    from ..corpus.structure import parse_structure
    from .reading import reading_to_dict, render_reading

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
        layout = lay_out(text)
        structure = parse_structure(layout.text)
        facts = read_plan_facts(structure)
        if not has_official_header(structure):
            click.echo(f"warning: {path}: no official header (issuer block, number, place and date, type line); "
                       "its fields stay empty unless the body states them", err=True)
        if output_format == "json":
            click.echo(json.dumps(reading_to_dict(layout, structure, facts, blocks), ensure_ascii=False))
        else:
            click.echo(render_reading(layout, structure, facts, blocks))
            click.echo()
    if failures:
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "output_format", type=click.Choice(["json", "table"]), default="table", show_default=True,
              help="JSON Lines (one object per document, the extract contract) or a summary for people.")
@click.option("--time-limit", type=float, default=120.0, show_default=True, help="Seconds one document may take.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, show_default=True,
              help="Pages of a scan read by OCR at once (0: one per core).")
def extract(paths: tuple[str, ...], output_format: str, time_limit: float, jobs: int) -> None:
    """Extract references, lineage relations, metadata, tasks and indicators from plans.

    \b
    lineage extract corpus/plans --format table
    lineage extract plan.docx --format json > plan.jsonl
    """
    from ..corpus.pipeline import ExtractionTimeout
    from ..corpus.reader import DocumentError
    from .api import extract as extract_document

    if jobs:
        os.environ["LINEAGE_OCR_JOBS"] = str(jobs)
    failures = 0
    for path in _documents_or_fail(paths):
        try:
            record = extract_document(path, time_limit)
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


@main.command()
@click.argument("query", required=False)
@click.option("--suggest", "suggest_from", multiple=True, type=click.Path(exists=True),
              help="Instead: list the central documents these plans cite that the catalogue lacks, with what they write about them.")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@_listing_options
def catalogue(query: str | None, suggest_from: tuple[str, ...], output_format: str, limit: int | None, show_all: bool) -> None:
    """List or search the catalogue of central documents, each with the page its facts come from.

    \b
    lineage catalogue                      every document
    lineage catalogue "ngan sach"          diacritics and case optional
    lineage catalogue --suggest corpus/    what your plans cite that it lacks
    """
    if suggest_from:
        _suggest_catalogue_entries(suggest_from, output_format, _row_limit(output_format, limit, show_all))
        return
    from ..corpus.cited import search_catalogue
    from ..corpus.registry import registry

    entries = search_catalogue(query)
    if not entries:
        raise click.ClickException(f"no catalogue document matches '{query}'")
    data = [
        {"symbol": entry.symbol, "type": entry.doc_type, "date": entry.date.isoformat() if entry.date else None, "issuer": entry.issuer,
         "level": entry.level, "title": entry.subject or None, "relations": [f"{predicate} {target}" for predicate, target in entry.relations],
         "names": list(entry.names), "in_force": entry.in_force.isoformat() if entry.in_force else None, "source": entry.source}
        for entry in entries
    ]
    rows = [[item["symbol"], item["type"], item["date"], item["issuer"], item["title"], "; ".join(item["relations"]), item["source"]] for item in data]
    _emit(output_format, data, ["symbol", "type", "date", "issuer", "title", "lineage", "source"], rows, max_width=48, limit=_row_limit(output_format, limit, show_all))
    if output_format == "table":
        click.echo(f"{len(entries)} of {len(registry().catalogue)} catalogue documents", err=True)


def _suggest_catalogue_entries(paths: tuple[str, ...], output_format: str, limit: int | None) -> None:
    from ..corpus.cited import cited_documents, source_address
    from ..corpus.extract import extract_text
    from ..corpus.reader import DocumentError, read_text

    records, sources = [], {}
    for path in _documents_or_fail(paths):
        try:
            record = extract_text(read_text(path))
        except DocumentError as error:
            click.echo(f"error: {error}", err=True)
            continue
        records.append(record)
        sources[record.source] = source_address(path)
    found = [item.to_dict() for item in cited_documents(records, sources)]
    rows = [[item["symbol"], item["type"], item["citing"], item["date"] or ("disputed" if item["dates"] else None), item["issuer"], item["subject"], " ; ".join(item["sources"])]
            for item in found]
    _emit(output_format, found, ["symbol", "type", "citing", "date written", "issuer written", "subject written", "where"], rows, max_width=40, limit=limit)
    if output_format == "table":
        click.echo(f"{len(found)} cited central document(s) the catalogue lacks; check each fact on a public page before adding it to corpus/registry/central-documents.csv", err=True)


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


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@store_options
@click.option("--jobs", "-j", type=int, default=1, show_default=True, help="Processes that extract in parallel (0: one per core).")
@click.option("--time-limit", type=float, default=120.0, show_default=True, help="Seconds one document may take.")
def ingest(paths: tuple[str, ...], store_spec: str | None, update_url: str | None, jobs: int, time_limit: float) -> None:
    """Extract plans and store them in the knowledge graph, one named graph per document.

    Re-ingesting a changed document replaces its triples; an unchanged one is left as it is.
    New documents are written in batches of whole documents: an interrupted ingest keeps the
    batches it finished. Afterwards the graph the queries use is cached beside the store.
    A file that cannot be read is reported and the others go on (exit code 1 at the end).
    """
    documents = _documents_or_fail(paths)

    def heard(row: dict) -> None:
        if row["outcome"] == "failed":
            click.echo(f"error: {row['message']}", err=True)
        for warning in row["warnings"]:
            click.echo(f"warning: {warning}", err=True)

    report = _ask(store_spec, update_url, "ingest", documents, jobs=jobs, time_limit=time_limit, on_document=heard, step=None)
    click.echo(report.summary())
    if report.data["failed"]:
        sys.exit(1)


@main.command()
@store_options
def validate(store_spec: str | None, update_url: str | None) -> None:
    """Check the graph against the SHACL shapes of ontology/shapes.ttl (exit code 1 on violations).

    The merge of all graphs is checked a few graphs at a time, so a national store fits in
    memory (3,321 plans: about 2 minutes, under 0.5 GB).
    """
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None and sys.stderr.isatty():
            bar = click.progressbar(length=total, label="validating graphs", file=sys.stderr)
        if bar is not None:
            bar.update(done - bar.pos)

    report = _ask(store_spec, update_url, "validate", progress=progress, step=None)
    if bar is not None:
        bar.render_finish()
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
    written = _ask(store_spec, update_url, "export", output_format, output, step=f"exporting {output_format}")
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
    result = _ask(store_spec, update_url, "sparql", query, allow_update=update, step="querying")
    if update:
        click.echo("update applied")
        return
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
    numbers = _ask(store_spec, update_url, "stats", step=None).data
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


# --- lineage queries ------------------------------------------------------------------

def _ask(store_spec: str | None, update_url: str | None, question: str, *args, step: str | None = "reading the graph", **options):
    """The knowledge graph's answer to `question` (a method of vnlineage.KnowledgeGraph, which
    notebooks call too), with a bad name or store said in one line; `step`: what a person at a
    terminal is told if it takes more than a second."""
    import gc
    from contextlib import nullcontext

    from .api import KnowledgeGraph
    from .lookup import LookupError_
    from .progress import slow_step

    if question not in _WRITES:
        # A query command is one short process that builds its answer and ends: the cycle
        # collector would only rescan the graph and the answer as they grow (0.1 s nationally).
        gc.disable()
    try:
        with slow_step(step) if step else nullcontext():
            return getattr(KnowledgeGraph(store_spec, update_url), question)(*args, **options)
    except (LookupError_, ValueError, StoreError) as error:
        raise click.ClickException(str(error)) from None


_WRITES = ("ingest", "reuse", "sparql")


def _format_option(function):
    return click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
                        help="A table for people, or JSON / CSV for programs.")(function)


def _emit(output_format: str, data, headers: list[str], rows: list[list], max_width: int = 60, limit: int | None = None, total: int | None = None) -> None:
    """Print `data` as JSON, or the first `limit` of `rows` (all if None) under `headers` as a
    table or CSV; `total`: how many rows there are, when `rows` holds only the first ones."""
    import csv
    import io

    shown = rows if limit is None else rows[:limit]
    if output_format == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
    elif output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows(shown)
        click.echo(buffer.getvalue(), nl=False)
    else:
        click.echo(format_table(headers, [["" if cell is None else str(cell) for cell in row] for row in shown], max_width=max_width))
        if len(shown) < (total or len(rows)):
            click.echo(f"… {(total or len(rows)) - len(shown):,} more: --all, or --format csv/json")


def _counted(counts: dict[str, int]) -> str:
    return " · ".join(f"{name} {count:,}" for name, count in counts.items())


def _cascade_summary(items: list[dict]) -> list[str]:
    """What a reader needs before the rows: how many at each level, and where."""
    from collections import Counter

    levels = Counter("task" if item["kind"] == "task" else item.get("level") or "unknown" for item in items)
    order = {"central": 0, "province": 1, "district": 2, "commune": 3, "task": 4}
    lines = ["  by level: " + _counted(dict(sorted(levels.items(), key=lambda pair: order.get(pair[0], 9))))]
    provinces = Counter(item["province"] for item in items if item.get("province") and item.get("level") != "central")
    communes = {(item.get("province"), item["commune"]) for item in items if item.get("commune")}
    if provinces:
        most = ", ".join(f"{name} {count:,}" for name, count in provinces.most_common(5))
        lines.append(f"  in {len(provinces)} province(s), {len(communes):,} commune(s); most items: {most}")
    return lines


_implicit_option = click.option("--implicit/--explicit-only", "implicit", default=True, show_default=True,
                                help="Include inferred links (topic, description, text reuse), or explicit citations only.")


@main.command()
@click.argument("policy")
@store_options
@click.option("--province", default=None, help="Only plans and tasks of this province.")
@click.option("--commune", default=None, help="Only plans and tasks of this commune (diacritics optional).")
@_implicit_option
@click.option("--min-confidence", type=float, default=0.0, show_default=True)
@_format_option
@_listing_options
def trace(policy, store_spec, update_url, province, commune, implicit, min_confidence, output_format, limit, show_all):
    """Every document and ward task that implements POLICY, directly or through other documents.

    POLICY is forgiving: 57, "NQ 57", 57-nq/tw and "Nghị quyết 57" all find 57-NQ/TW.
    """
    result = _ask(store_spec, update_url, "trace", policy, province=province, commune=commune, explicit_only=not implicit, min_confidence=min_confidence).data
    shown = _row_limit(output_format, limit, show_all)
    rows = [
        [item.get("level", "task") if item["kind"] != "task" else "task", item.get("caption") or item["label"],
         " > ".join(item["path"]), "; ".join(sorted({via["to"] for via in item["via"]})), "yes" if item["implicit"] else "",
         "yes" if item["through_catalogue"] else ""]
        for item in result["items"][:shown]
    ]
    if output_format == "table":
        head = result["policy"]
        click.echo(f"{head['label']} ({head.get('date', 'undated')}): {len(result['items']):,} implementing documents and tasks")
        for line in _cascade_summary(result["items"]):
            click.echo(line)
    _emit(output_format, result, ["level", "item", "path", "implements", "inferred", "via catalogue"], rows, max_width=56, total=len(result["items"]))


@main.command()
@click.argument("item")
@store_options
@_format_option
@_listing_options
def ancestry(item, store_spec, update_url, output_format, limit, show_all):
    """Every chain from a task or plan up to the documents it implements.

    ITEM is a document ("86/KH-UBND"), or a task as "COMMUNE: SECTION" ("Tích Lương: 2.2.6 #1") or
    "COMMUNE: ROW" for appendix task tables ("An Dương: 33").
    """
    result = _ask(store_spec, update_url, "ancestry", item).data
    head = result["item"]
    rows = [[position + 1, " > ".join(f"{step['label']}" for step in chain)] for position, chain in enumerate(result["chains"])]
    if output_format == "table":
        lead = ", ".join(head.get("lead", [])) or "no lead office"
        click.echo(f"{head['label']} ({lead}): {head.get('text', '')[:100]}")
    _emit(output_format, result, ["chain", "steps"], rows, limit=_row_limit(output_format, limit, show_all))


def _draw(function, result: dict, path: str, **options) -> None:
    """Draw `result` into `path` and say where it went, on stderr: stdout stays the answer (json and csv included)."""
    from pathlib import Path

    from .progress import slow_step

    try:
        with slow_step("drawing the plot"):
            written = function(result, path, **options)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"{path}: cannot write the plot ({error.strerror or error})") from None
    click.echo(f"plot: {Path(written).resolve()}", err=True)


@main.command()
@store_options
@_implicit_option
@_format_option
@_listing_options
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None, help="Also draw the heatmap into this .png, .svg or .pdf file.")
@click.option("--plot-by", type=click.Choice(["commune", "province"]), default=None,
              help="Heatmap rows: communes, or provinces (the share of their communes); default: communes up to 60 of them.")
def coverage(store_spec, update_url, implicit, output_format, limit, show_all, plot_path, plot_by):
    """Communes × central policies: how many tasks of each commune implement each policy (explicit+inferred)."""
    answer = _ask(store_spec, update_url, "coverage", explicit_only=not implicit)
    result = answer.data
    headers = ["commune"] + result["policies"]
    rows = []
    for name in result["communes"]:
        row = [name]
        for policy in result["policies"]:
            cell = result["cells"][name][policy]
            row.append(f"{cell['explicit']}+{cell['implicit']}" if cell["implicit"] else (str(cell["explicit"]) if cell["explicit"] else "·"))
        rows.append(row)
    if output_format == "table":
        implementing = {policy: sum(1 for name in result["communes"] if any(result["cells"][name][policy].values())) for policy in result["policies"]}
        click.echo(f"{len(result['communes']):,} communes × {len(result['policies'])} central policies; communes with a task implementing each: {_counted(implementing)}")
    _emit(output_format, result, headers, rows, limit=_row_limit(output_format, limit, show_all))
    if plot_path:
        from .plots import coverage_heatmap

        _draw(coverage_heatmap, result, plot_path, by=plot_by)


@main.command()
@click.argument("policy")
@store_options
@_implicit_option
@_format_option
@_listing_options
def gaps(policy, store_spec, update_url, implicit, output_format, limit, show_all):
    """Communes that do not implement POLICY although other communes of their province do."""
    result = _ask(store_spec, update_url, "gaps", policy, explicit_only=not implicit).data
    rows = [[row["province"], row["commune"], ", ".join(row["peers_implementing"])] for row in result["gaps"]]
    if output_format == "table":
        provinces = {row["province"] for row in result["gaps"]}
        click.echo(f"{result['policy']['label']}: {len(result['gaps']):,} communes in {len(provinces)} province(s) have no plan or task implementing it although communes of their province do")
    _emit(output_format, result, ["province", "commune", "peers that implement it"], rows, limit=_row_limit(output_format, limit, show_all))


@main.command()
@click.argument("policy")
@store_options
@_implicit_option
@_format_option
@_listing_options
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Also draw the diffusion curve (share of communes with an implementing document, by day) into this .png, .svg or .pdf file.")
@click.option("--plot-by", type=click.Choice(["country", "province"]), default="country", show_default=True, help="One curve for the country, or one a province as well.")
def latency(policy, store_spec, update_url, implicit, output_format, limit, show_all, plot_path, plot_by):
    """Days from POLICY's date to each implementing document, per level and province; undated ones listed apart."""
    answer = _ask(store_spec, update_url, "latency", policy, explicit_only=not implicit)
    result = answer.data
    rows = [[row.get("level", ""), row.get("caption") or row["label"], row["date"], row["days"]] for row in result["documents"]]
    rows += [[row.get("level", ""), row.get("caption") or row["label"], row.get("month") or "undated", "undated"] for row in result["undated"]]
    if output_format == "table":
        click.echo(f"{result['policy']['label']} ({result['policy'].get('date', 'undated')}): {len(result['documents']):,} dated and {len(result['undated']):,} undated implementing documents")
    _emit(output_format, result, ["level", "document", "date", "days"], rows, limit=_row_limit(output_format, limit, show_all))
    if output_format == "table" and result["groups"]:
        click.echo()
        _emit(output_format, result, ["level", "province", "documents", "first", "median", "last"],
              [[group["level"], group["province"] or "", group["documents"], group["first"], group["median"], group["last"]] for group in result["groups"]],
              limit=_row_limit(output_format, limit, show_all))
    if plot_path:
        from .plots import diffusion_curve

        _draw(diffusion_curve, result, plot_path, by_province=plot_by == "province")


@main.command()
@store_options
@click.option("--policy", default=None, help="Only the tasks that implement this policy.")
@click.option("--commune", default=None)
@_format_option
@_listing_options
def offices(store_spec, update_url, policy, commune, output_format, limit, show_all):
    """Lead and partner workload of each office, per commune."""
    result = _ask(store_spec, update_url, "offices", policy=policy, commune=commune).data
    _emit(output_format, result, ["commune", "province", "office", "lead", "partner"], [[row["commune"], row["province"], row["office"], row["lead"], row["partner"]] for row in result], limit=_row_limit(output_format, limit, show_all))


@main.command()
@click.argument("query", required=False)
@store_options
@click.option("--shared", is_flag=True, help="Instead: indicators with the same name and target in several communes of a province.")
@_format_option
@_listing_options
def indicators(query, store_spec, update_url, shared, output_format, limit, show_all):
    """One indicator compared across communes (QUERY without diacritics is fine: "bao hiem y te")."""
    result = _ask(store_spec, update_url, "indicators", query, shared=shared).data
    if shared:
        rows = [[row["province"], row["indicator"], f"{row['comparator'] if row['comparator'] not in ('=', None) else ''}{row['target']:g}", row["unit"] or "", ", ".join(row["communes"])] for row in result]
        _emit(output_format, result, ["province", "indicator", "target", "unit", "communes"], rows, limit=_row_limit(output_format, limit, show_all))
        return
    comparators = {">=": "≥", "<=": "≤", "=": "", None: ""}
    rows = [[row["indicator"], row["commune"], row["province"], f"{comparators.get(row['comparator'], row['comparator'] or '')}{row['target'] if row['target'] is not None else '—'}", row["unit"] or "", row["name"]] for row in result]
    _emit(output_format, result, ["indicator", "commune", "province", "target", "unit", "as written"], rows, limit=_row_limit(output_format, limit, show_all))


@main.command()
@store_options
@click.option("--implements", "policy", default=None, help="Only tasks that implement this policy (directly or through other documents).")
@click.option("--commune", default=None)
@click.option("--lead", default=None, help="Only tasks led by an office whose name contains this.")
@_format_option
@_listing_options
def tasks(store_spec, update_url, policy, commune, lead, output_format, limit, show_all):
    """Ward and commune tasks with their lead and partner offices."""
    result = _ask(store_spec, update_url, "tasks", implements=policy, commune=commune, lead=lead).data
    rows = [[item.get("commune", ""), item.get("section", ""), item.get("number", ""), ", ".join(item.get("lead", [])), item.get("text", "")] for item in result]
    _emit(output_format, result, ["commune", "section", "#", "lead", "task"], rows, limit=_row_limit(output_format, limit, show_all))


@main.command()
@click.argument("source")
@click.argument("target")
@store_options
@_format_option
@_listing_options
def path(source, target, store_spec, update_url, output_format, limit, show_all):
    """The shortest chain between two documents or tasks."""
    result = _ask(store_spec, update_url, "path", source, target).data
    if not result:
        raise click.ClickException(f"no path between {source} and {target}")
    rows = [[step.get("edge", {}).get("relation", ""), step["label"], step.get("kind", "")] for step in result]
    _emit(output_format, result, ["relation", "item", "kind"], rows, limit=_row_limit(output_format, limit, show_all))


@main.command(name="map")
@click.argument("policy", required=False)
@store_options
@click.option("--commune", default=None, help="Only this commune's plans and tasks.")
@click.option("--province", default=None, help="Only this province's plans and tasks.")
@click.option("--depth", type=int, default=None, help="Only documents and tasks at most this many steps below the policy.")
@click.option("--implicit/--no-implicit", default=True, show_default=True, help="Draw inferred links (dashed).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None, help="The HTML file to write (default: lineage-map-POLICY.html).")
def map_command(policy, store_spec, update_url, commune, province, depth, implicit, output):
    """Write an interactive map of POLICY's cascade (or of the whole graph) as one HTML file that works offline."""
    from ..corpus.identifiers import slug

    answer = _ask(store_spec, update_url, "map", policy, province=province, commune=commune, depth=depth, implicit=implicit,
                  step="reading the graph and drawing the map")
    try:
        path = answer.save(output or f"lineage-map-{slug(policy) if policy else 'all'}.html")
    except OSError as error:
        raise click.ClickException(f"{output}: cannot write the map ({error.strerror or error})") from None
    click.echo(f"{len(answer.data['nodes'])} nodes, {len(answer.data['edges'])} edges: {path.resolve()}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--commune", default=None, help="Only links that involve this commune's plans.")
@click.option("--min-words", type=int, default=12, show_default=True, help="Shortest shared run of words reported.")
@click.option("--include-boilerplate", is_flag=True, help="Also report formulaic text that most plans share.")
@click.option("--save", is_flag=True, help="Store the links (lin:reusesTextOf, with both spans as evidence) in the graph, replacing earlier ones.")
@store_options
@_format_option
@_listing_options
def reuse(paths, commune, min_words, include_boilerplate, save, store_spec, update_url, output_format, limit, show_all):
    """Passages that plans share with each other (copied from the province, or from a common template)."""
    data = _ask(store_spec, update_url, "reuse", _documents_or_fail(paths), commune=commune, min_words=min_words, include_boilerplate=include_boilerplate,
                save=save, on_error=lambda message: click.echo(f"error: {message}", err=True), step=None).data
    rows = [[item["first"], item["second"], item["orientation"], item["words"], len(item["spans"]), next((span["first"][2][:70] for span in item["spans"] if not span["boilerplate"]), "")] for item in data]
    _emit(output_format, data, ["document", "shares text with", "orientation", "words", "passages", "first passage"], rows, limit=_row_limit(output_format, limit, show_all))
    if save:
        click.echo(f"stored {len(data)} reuse link(s) in {store_spec or 'the default store'}", err=True)


@main.command()
@store_options
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on; anything but loopback lets others on the network read the graph.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--allow-host", "allowed", multiple=True, metavar="NAME",
              help="Another name browsers may reach the server by (checked against the Host header; the bound address and localhost always are).")
def serve(store_spec, update_url, host, port, allowed):
    """Explore the graph in a browser: policies, search, documents with their evidence, cascades, communes, tasks; JSON under /api/."""
    import uvicorn

    from .progress import slow_step
    from .serve import LOOPBACK, create_app

    if host not in LOOPBACK:
        click.echo(f"warning: listening on {host}: anyone who can reach this machine on port {port} can read the graph", err=True)
    try:
        with slow_step("reading the graph"):
            app = create_app(store_spec, update_url, hosts=tuple(dict.fromkeys((*LOOPBACK, host, *allowed))))
    except StoreError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"serving {store_spec or 'the default store'} at http://{'[' + host + ']' if ':' in host else host}:{port}/ (Ctrl-C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
