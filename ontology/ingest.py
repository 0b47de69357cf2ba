"""Records into a store: the vocabulary and catalogue graphs, then one named graph per document."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corpus.extract import extract_file
from corpus.pipeline import ExtractionTimeout
from corpus.reader import DocumentError
from corpus.records import PlanRecord
from ontology.catalogue import catalogue_triples
from ontology.mapping import plan_triples
from ontology.store import Store
from ontology.terms import CATALOGUE_GRAPH, ONTOLOGY_GRAPH, graph_iri

__all__ = ["PreparedDocument", "prepare_document", "load_vocabulary", "write_prepared", "ONTOLOGY_FILE", "SHAPES_FILE"]

ONTOLOGY_FILE = Path(__file__).resolve().parent / "lineage.ttl"
SHAPES_FILE = Path(__file__).resolve().parent / "shapes.ttl"


@dataclass
class PreparedDocument:
    """One document extracted and mapped, ready to write (or the reason it could not be)."""

    path: str
    graph: str | None = None
    ntriples: str = ""
    content_hash: str = ""
    triples: int = 0
    warnings: tuple[str, ...] = ()
    error: str | None = None


def prepare_document(path: str | Path, time_limit: float = 120.0) -> PreparedDocument:
    """Extract and map one document; errors are returned, not raised, so a batch goes on."""
    try:
        record = extract_file(path, time_limit)
    except DocumentError as error:
        return PreparedDocument(str(path), error=str(error))
    except ExtractionTimeout as error:
        return PreparedDocument(str(path), error=f"{path}: {error}")
    return prepare_record(record)


def prepare_record(record: PlanRecord) -> PreparedDocument:
    triples = plan_triples(record)
    return PreparedDocument(
        record.source, graph_iri(record.document.id), triples.ntriples(), triples.content_hash(), len(triples), tuple(record.warnings)
    )


@lru_cache(maxsize=1)
def _vocabulary_ntriples() -> str:
    import rdflib

    graph = rdflib.Graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    return graph.serialize(format="nt")


def load_vocabulary(store: Store) -> None:
    """The ontology and the catalogue, each in its own graph (unchanged graphs are left alone)."""
    import hashlib

    vocabulary = _vocabulary_ntriples()
    store.replace_graph(ONTOLOGY_GRAPH, vocabulary, hashlib.sha256(vocabulary.encode("utf-8")).hexdigest())
    catalogue = catalogue_triples()
    store.replace_graph(CATALOGUE_GRAPH, catalogue.ntriples(), catalogue.content_hash())


def write_prepared(store: Store, prepared: PreparedDocument) -> bool:
    """Write one prepared document as one transaction; True if the store changed."""
    return store.replace_graph(prepared.graph, prepared.ntriples, prepared.content_hash)
