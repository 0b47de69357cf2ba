"""Records into a store: the vocabulary and catalogue graphs, then one named graph per document."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..corpus.extract import extract_file
from ..corpus.pipeline import ExtractionTimeout
from ..corpus.reader import DocumentError
from ..corpus.records import PlanRecord
from .catalogue import catalogue_triples
from .mapping import plan_triples
from .store import RequestTooLarge, Store
from .terms import CATALOGUE_GRAPH, ONTOLOGY_GRAPH, graph_iri

__all__ = ["PreparedDocument", "prepare_document", "prepare_documents", "load_vocabulary", "write_prepared", "GraphWriter", "ONTOLOGY_FILE", "SHAPES_FILE"]

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
    #: (subject, predicate, value) of the triples with the predicates asked for, if any were.
    facts: list[tuple[str, str, str]] | None = None


def prepare_document(path: str | Path, time_limit: float = 120.0, facts_for=None) -> PreparedDocument:
    """Extract and map one document; errors are returned, not raised, so a batch goes on.

    `facts_for`: predicates whose triples should also come back as plain facts (the
    caller's projection, built without reading the store back)."""
    try:
        record = extract_file(path, time_limit)
    except DocumentError as error:
        return PreparedDocument(str(path), error=str(error))
    except ExtractionTimeout as error:
        return PreparedDocument(str(path), error=f"{path}: {error}")
    return prepare_record(record, facts_for)


def prepare_documents(documents: list, jobs: int = 1, time_limit: float = 120.0, facts_for=None):
    """`prepare_document` for each document, in order, on `jobs` processes (0: every core)."""
    from functools import partial

    prepare = partial(prepare_document, time_limit=time_limit, facts_for=facts_for)
    if jobs == 1:
        yield from map(prepare, documents)
        return
    import os
    from concurrent.futures import ProcessPoolExecutor

    workers = jobs or os.cpu_count() or 1
    with ProcessPoolExecutor(max_workers=workers, initializer=_share_cores, initargs=(workers,)) as pool:
        yield from pool.map(prepare, documents, chunksize=max(1, min(16, len(documents) // (workers * 4) or 1)))


def _share_cores(workers: int) -> None:
    """In an ingest's process: each reads one document, the pages of a scan share the cores left over."""
    import os

    os.environ.setdefault("LINEAGE_OCR_JOBS", str(max(1, (os.cpu_count() or 1) // workers)))


def prepare_record(record: PlanRecord, facts_for=None) -> PreparedDocument:
    triples = plan_triples(record)
    return PreparedDocument(
        record.source, graph_iri(record.document.id), triples.ntriples(), triples.content_hash(), len(triples), tuple(record.warnings),
        facts=triples.facts(facts_for) if facts_for else None,
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


@contextmanager
def _naming_the_document(documents: list[PreparedDocument]):
    """A server's refusal of a document for its size names the file, not only its graph."""
    try:
        yield
    except RequestTooLarge as refusal:
        source = next((prepared.path for prepared in documents if prepared.graph == refusal.graph or len(documents) == 1), refusal.graph)
        raise RequestTooLarge(f"{source}: {refusal}" if source else str(refusal), refusal.graph) from None


class GraphWriter:
    """Writes a stream of prepared documents: unchanged ones are skipped, documents the store
    already holds are replaced one transaction each, and new ones (most of a first ingest)
    are gathered into batches of whole documents that the store adds at once.

    Use as a context manager, or call `flush` at the end: the last batch waits until then.
    """

    #: Seconds a document may wait in a batch, so that an interrupted ingest loses little.
    BATCH_SECONDS = 3.0

    def __init__(self, store: Store):
        self.store = store
        self._held = store.graph_hashes()
        self._batch: list[PreparedDocument] = []
        self._batch_triples = 0
        self._batch_started = 0.0

    def write(self, prepared: PreparedDocument) -> bool:
        """True if the store changes (now or at the next flush)."""
        if prepared.graph in self._held:
            if self._held[prepared.graph] == prepared.content_hash:
                return False
            self.flush()  # the graph may be in the batch: a replacement must come after it
            with _naming_the_document([prepared]):
                write_prepared(self.store, prepared)
        else:
            if not self._batch:
                self._batch_started = time.monotonic()
            self._batch.append(prepared)
            self._batch_triples += prepared.triples
            if self._batch_triples >= self.store.write_batch_triples or time.monotonic() - self._batch_started >= self.BATCH_SECONDS:
                self.flush()
        self._held[prepared.graph] = prepared.content_hash
        return True

    def flush(self) -> None:
        batch, self._batch, self._batch_triples = self._batch, [], 0
        with _naming_the_document(batch):
            self.store.add_graphs([(prepared.graph, prepared.ntriples, prepared.content_hash) for prepared in batch])

    def __enter__(self) -> "GraphWriter":
        return self

    def __exit__(self, error_type, *exc) -> None:
        if error_type is None:
            self.flush()
