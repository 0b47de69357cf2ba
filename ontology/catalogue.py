"""The catalogue of central documents as RDF, with the source of every fact.

Built from ``corpus/registry/central-documents.csv`` (the verified facts the
extractor also uses); ``ontology/catalogue.ttl`` is this graph written out, kept in
step by a test.
"""

from __future__ import annotations

from pathlib import Path

from ..corpus.registry import CatalogueEntry, registry
from ..corpus.resolve import catalogue_reference
from .terms import DCTERMS, ELI, LIN, RDF, SKOS, PREDICATE_IRIS, Triples, level_iri, topic_iri, type_iri
from .mapping import evidence_triples, issuer_triples

__all__ = ["catalogue_iri", "catalogue_triples", "CATALOGUE_FILE", "write_catalogue"]

CATALOGUE_FILE = Path(__file__).resolve().parent / "catalogue.ttl"
_SCHEME_DOCUMENT = "https://w3id.org/vn-lineage/catalogue"


def catalogue_iri(symbol: str) -> str:
    """The IRI a catalogue document has; extraction gives the same IRI to its references."""
    return catalogue_reference(symbol).id


def _entry_triples(triples: Triples, entry: CatalogueEntry) -> None:
    node = catalogue_iri(entry.symbol)
    triples.iri(node, RDF + "type", ELI + "LegalResource")
    triples.text(node, ELI + "id_local", entry.symbol, None)
    doc_type = registry().doc_type_by_name(entry.doc_type)
    if doc_type:
        triples.iri(node, ELI + "type_document", type_iri(doc_type.code))
    if entry.date is not None:
        triples.typed(node, ELI + "date_document", entry.date.isoformat(), "date")
    if entry.year is not None:
        triples.typed(node, LIN + "year", entry.year, "gYear")
    if entry.in_force is not None:
        triples.typed(node, ELI + "first_date_entry_in_force", entry.in_force.isoformat(), "date")
    for name in entry.names:
        triples.text(node, SKOS + "altLabel", name)
    triples.iri(node, LIN + "level", level_iri(entry.level))
    issuer_triples(triples, node, entry.issuer)
    triples.text(node, ELI + "title", f"{entry.doc_type} {entry.symbol} {entry.subject}")
    triples.text(node, DCTERMS + "description", entry.subject)
    triples.text(node, DCTERMS + "source", entry.source, None)
    for topic in entry.topics:
        concept = topic_iri(topic)
        triples.iri(node, DCTERMS + "subject", concept)
        triples.iri(concept, RDF + "type", SKOS + "Concept")
        triples.iri(concept, SKOS + "inScheme", LIN + "PolicyTopics")
        triples.text(concept, SKOS + "prefLabel", topic)
    for predicate, target in entry.relations:
        if predicate not in PREDICATE_IRIS or registry().catalogue_entry(target) is None:
            continue
        statement = f"{entry.symbol} {predicate} {target}"
        evidence_triples(triples, node, PREDICATE_IRIS[predicate], catalogue_iri(target), 0, len(statement), statement,
                         entry.source, "catalogue", 1.0, _SCHEME_DOCUMENT)


def catalogue_triples() -> Triples:
    """The catalogue graph: central documents, their lineage, topics and document types."""
    triples = Triples()
    for doc_type in registry().doc_types:
        concept = type_iri(doc_type.code)
        triples.iri(concept, RDF + "type", SKOS + "Concept")
        triples.iri(concept, SKOS + "inScheme", LIN + "DocumentTypes")
        triples.text(concept, SKOS + "prefLabel", doc_type.name)
        triples.text(concept, SKOS + "notation", doc_type.code, None)
    for entry in registry().catalogue:
        _entry_triples(triples, entry)
    return triples


def write_catalogue(path: Path = CATALOGUE_FILE) -> None:
    """Write the catalogue as readable Turtle (run after changing central-documents.csv)."""
    import rdflib

    from .terms import PREFIXES

    graph = rdflib.Graph()
    graph.parse(data=catalogue_triples().ntriples(), format="nt")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    header = "# Generated from corpus/registry/central-documents.csv by ontology.catalogue.write_catalogue(); do not edit.\n"
    path.write_text(header + graph.serialize(format="turtle"), encoding="utf-8")


if __name__ == "__main__":
    write_catalogue()
