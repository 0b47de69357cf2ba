"""Exports: the RDF as stored, or the projection as a network for Gephi, yEd or a spreadsheet."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx

from .projection import project
from ..ontology.store import Store, StoreError
from ..ontology.terms import PREFIXES

__all__ = ["export_graph"]


def _rdf(store: Store, output_format: str) -> str:
    if output_format == "nt":
        return store.ntriples()
    if output_format == "nq":
        return store.nquads()
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=store.ntriples(), format="nt")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    if output_format == "jsonld":
        return graph.serialize(format="json-ld", context={prefix: namespace for prefix, namespace in PREFIXES.items()}, indent=1)
    return graph.serialize(format="turtle")


def _plain_values(attributes: dict) -> dict:
    return {key: "; ".join(value) if isinstance(value, list) else value for key, value in attributes.items() if value not in (None, [])}


def _plain(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """GraphML and GEXF take strings and numbers only: lists are joined, unknowns dropped."""
    plain = nx.MultiDiGraph()
    for node, attributes in graph.nodes(data=True):
        plain.add_node(node, **_plain_values(attributes))
    for source, target, key, attributes in graph.edges(keys=True, data=True):
        plain.add_edge(source, target, key=key, **_plain_values(attributes))
    return plain


def _write_csv(graph: nx.MultiDiGraph, output: str) -> None:
    base = Path(output)
    stem = base.with_suffix("") if base.suffix == ".csv" else base
    node_fields = sorted({key for _, attributes in graph.nodes(data=True) for key in attributes})
    with open(f"{stem}-nodes.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id"] + node_fields)
        for node, attributes in graph.nodes(data=True):
            writer.writerow([node] + [attributes.get(field, "") for field in node_fields])
    edge_fields = sorted({key for *_, attributes in graph.edges(data=True) for key in attributes})
    with open(f"{stem}-edges.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "target"] + edge_fields)
        for source, target, attributes in graph.edges(data=True):
            writer.writerow([source, target] + [attributes.get(field, "") for field in edge_fields])


def export_graph(store: Store, output_format: str, output: str | None) -> str | None:
    """Write to `output`, or return the text when `output` is None."""
    if output_format in ("ttl", "jsonld", "nt", "nq"):
        text = _rdf(store, output_format)
        if output is None:
            return text
        Path(output).write_text(text, encoding="utf-8")
        return None
    graph = _plain(project(store))
    if output_format == "csv":
        if output is None:
            raise StoreError("CSV export writes two files; give -o FILE.csv")
        _write_csv(graph, output)
        return None
    import io

    buffer = io.BytesIO()
    (nx.write_graphml if output_format == "graphml" else nx.write_gexf)(graph, buffer)
    if output is None:
        return buffer.getvalue().decode("utf-8")
    Path(output).write_bytes(buffer.getvalue())
    return None
