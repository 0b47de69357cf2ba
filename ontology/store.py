"""Where the graph lives: an embedded Oxigraph store on disk (the default), one in
memory, or a remote SPARQL 1.1 server.

Every ingested document is one named graph, written in one SPARQL update
(``DROP GRAPH …; INSERT DATA { GRAPH … }``), so a crash never leaves half a document
and re-ingesting replaces exactly that document.  Queries see the union of all
graphs as their default graph: the embedded store is asked for it; a remote
Oxigraph server must run with ``--union-default-graph`` (Fuseki: ``tdb2:unionDefaultGraph
true``; Virtuoso does so by default).
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .terms import LIN

__all__ = ["StoreError", "StoreBusy", "RequestTooLarge", "Store", "OxigraphStore", "RemoteStore", "open_store", "files_fingerprint", "DEFAULT_STORE"]

#: The embedded store used when neither --store nor LINEAGE_STORE says otherwise.
DEFAULT_STORE = ".lineage/store"


class StoreError(Exception):
    """The store cannot be opened or answered with an error."""


class StoreBusy(StoreError):
    """Another process is writing to the embedded store."""


class RequestTooLarge(StoreError):
    """The SPARQL server (or a proxy in front of it) refused a request for its size (HTTP 413);
    `graph` is the document graph that does not fit in a request on its own, if it is known."""

    def __init__(self, message: str, graph: str | None = None):
        super().__init__(message)
        self.graph = graph


@dataclass
class QueryResult:
    variables: list[str]
    rows: list[dict[str, str | None]]

    def __iter__(self) -> Iterator[dict[str, str | None]]:
        return iter(self.rows)


class Store:
    """The operations the rest of the tool needs from a store."""

    location: str
    #: Triples of new documents written in one request (see ontology.ingest.GraphWriter):
    #: an `INSERT DATA` of about 4 MB (plans average 209 bytes per triple) rather than 30 MB,
    #: for servers that cap the size of a request.
    write_batch_triples = 20_000

    def query(self, sparql: str) -> QueryResult:
        raise NotImplementedError

    def ask(self, sparql: str) -> bool:
        raise NotImplementedError

    def rows(self, sparql: str) -> list[tuple[str, ...]]:
        """A SELECT's solutions as tuples of plain values, for reading much of the store at once
        (an unbound variable gives "")."""
        result = self.query(sparql)
        return [tuple(row[name] or "" for name in result.variables) for row in result.rows]

    def update(self, sparql: str) -> None:
        raise NotImplementedError

    def construct(self, sparql: str) -> str:
        """A CONSTRUCT's graph as N-Triples (each triple once)."""
        raise NotImplementedError

    def ntriples(self) -> str:
        """Every triple of every graph, as N-Triples (graph names dropped)."""
        raise NotImplementedError

    def nquads(self) -> str:
        raise NotImplementedError

    def optimize(self) -> None:
        """Prepare the store for reading after a large write (a no-op where the server decides)."""
        return None

    def close(self) -> None:
        return None

    def replace_graph(self, graph: str, ntriples: str, content_hash: str) -> bool:
        """Make `graph` hold exactly these triples; False if it already held them (same hash)."""
        if self.graph_hash(graph) == content_hash:
            return False
        self.update(
            f"DROP SILENT GRAPH <{graph}> ;\n"
            f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples}{_hash_line(graph, content_hash)}}} }}"
        )
        return True

    def add_graphs(self, documents: list[tuple[str, str, str]]) -> None:
        """Write new named graphs, each (graph, N-Triples, content hash), in one transaction.

        Only for graphs the store does not hold yet (see ontology.ingest.GraphWriter)."""
        if documents:
            body = "".join(
                f"GRAPH <{graph}> {{\n{ntriples}{_hash_line(graph, content_hash)}}}\n" for graph, ntriples, content_hash in documents
            )
            self.update(f"INSERT DATA {{\n{body}}}")

    def files_fingerprint(self) -> str | None:
        """A digest of the files that hold the store, if it is a local one (see OxigraphStore)."""
        return None

    def graph_hashes(self) -> dict[str, str | None]:
        """Every document graph with its content hash."""
        rows = self.query(f"SELECT ?g ?hash WHERE {{ GRAPH ?g {{ ?g <{LIN}contentHash> ?hash }} }}").rows
        return {row["g"]: row["hash"] for row in rows}

    def graph_hash(self, graph: str) -> str | None:
        result = self.query(f"SELECT ?hash WHERE {{ GRAPH <{graph}> {{ <{graph}> <{LIN}contentHash> ?hash }} }}")
        return result.rows[0]["hash"] if result.rows else None

    def graphs(self) -> list[str]:
        return [row["g"] for row in self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")]

    def triple_count(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(result.rows[0]["n"]) if result.rows else 0

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _term_value(term) -> str | None:
    if term is None:
        return None
    return term.value


class OxigraphStore(Store):
    """The embedded store (pyoxigraph): a directory on disk, or memory when `path` is None."""

    #: Large enough to amortize a write, far below the million quads at which Oxigraph
    #: splits a load (see add_graphs); a national ingest loads fastest in batches of this
    #: size (50,000: 37 s for 4.5 M quads, 15,000: 44 s, 150,000: 44 s, 500,000: 51 s).
    write_batch_triples = 50_000

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        import pyoxigraph

        self._pyoxigraph = pyoxigraph
        self.location = str(path) if path else "memory"
        self.read_only = read_only
        try:
            if path is None:
                self._store = pyoxigraph.Store()
            elif read_only:
                if not (Path(path) / "CURRENT").exists():
                    raise StoreError(f"no store at {path}; run `lineage ingest` first")
                self._store = pyoxigraph.Store.read_only(str(path))
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = pyoxigraph.Store(str(path))
        except OSError as error:
            if "lock" in str(error).lower():
                raise StoreBusy(f"the store at {path} is being written by another lineage process; wait for it to finish and try again") from None
            raise StoreError(f"cannot open the store at {path}: {error}") from None

    def query(self, sparql: str) -> QueryResult:
        try:
            solutions = self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as error:
            raise StoreError(f"SPARQL syntax error: {error}") from None
        variables = [variable.value for variable in solutions.variables]
        rows = [{name: _term_value(solution[name]) for name in variables} for solution in solutions]
        return QueryResult(variables, rows)

    def ask(self, sparql: str) -> bool:
        return bool(self._store.query(sparql, use_default_graph_as_union=True))

    def rows(self, sparql: str) -> list[tuple[str, ...]]:
        # Oxigraph writes the results as CSV without holding Python's lock, and the csv module
        # reads them back in C: about twice as fast as a Python object per value, and threads help.
        try:
            solutions = self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as error:
            raise StoreError(f"SPARQL syntax error: {error}") from None
        table = solutions.serialize(format=self._pyoxigraph.QueryResultsFormat.CSV).decode("utf-8")
        return [tuple(row) for row in itertools.islice(csv.reader(io.StringIO(table, newline="")), 1, None)]

    def update(self, sparql: str) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")
        try:
            self._store.update(sparql)
        except SyntaxError as error:
            raise StoreError(f"SPARQL update syntax error: {error}") from None

    def add_graphs(self, documents: list[tuple[str, str, str]]) -> None:
        """New graphs straight into the store's files (RocksDB SST ingestion) rather than through
        its write-ahead log: about 2.5 times faster and a third of the disk for a national corpus.

        Oxigraph calls this loading non-transactional because a large input is split into
        batches of a million quads, each ingested on its own.  A call here stays far below
        that (GraphWriter caps it at write_batch_triples), so it is one ingestion of every index at
        once, which RocksDB applies atomically: a crash leaves all of these documents or none
        (tests/test_robustness.py kills an ingest to check it).

        The N-Quads are the mapping's own (IRIs built from slugs, literals escaped by
        ontology.terms), so Oxigraph's lenient parse, which skips re-validating every IRI,
        loses nothing and saves a tenth of the load."""
        if not documents:
            return
        if self.read_only:
            raise StoreError("the store is open read-only")
        quads = "".join(_as_nquads(graph, ntriples, content_hash) for graph, ntriples, content_hash in documents).encode("utf-8")
        if self.location == "memory":
            self._store.load(quads, format=self._pyoxigraph.RdfFormat.N_QUADS)
        else:
            self._store.bulk_load(quads, format=self._pyoxigraph.RdfFormat.N_QUADS, lenient=True)

    def files_fingerprint(self) -> str | None:
        return None if self.location == "memory" else files_fingerprint(self.location)

    def graph_hashes(self) -> dict[str, str | None]:
        """Graphs without a hash (a document cut short by an older version) count as present."""
        hashes: dict[str, str | None] = {graph.value: None for graph in self._store.named_graphs()}
        hashes.update(super().graph_hashes())
        return hashes

    def construct(self, sparql: str) -> str:
        try:
            triples = self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as error:
            raise StoreError(f"SPARQL syntax error: {error}") from None
        return triples.serialize(format=self._pyoxigraph.RdfFormat.N_TRIPLES).decode("utf-8")

    def ntriples(self) -> str:
        lines = set()
        for quad in self._store:
            lines.add(f"{quad.subject} {quad.predicate} {quad.object} .")
        return "\n".join(sorted(lines)) + ("\n" if lines else "")

    def nquads(self) -> str:
        return self._store.dump(format=self._pyoxigraph.RdfFormat.N_QUADS).decode("utf-8")

    def graph_ntriples(self, graph: str) -> str:
        """The triples of one named graph, as N-Triples."""
        quads = self._store.quads_for_pattern(None, None, None, self._pyoxigraph.NamedNode(graph))
        return "".join(f"{quad.subject} {quad.predicate} {quad.object} .\n" for quad in quads)

    def load_ntriples(self, ntriples: str, graph: str | None = None) -> None:
        """Add N-Triples to the named `graph`, or to the default graph (for side-by-side measurements)."""
        to_graph = self._pyoxigraph.NamedNode(graph) if graph else None
        self._store.load(ntriples.encode("utf-8"), format=self._pyoxigraph.RdfFormat.N_TRIPLES, to_graph=to_graph)

    def optimize(self) -> None:
        # Compacts the files a batch of new documents adds: reads over the national corpus
        # take about half as long afterwards.
        if not self.read_only:
            self._store.optimize()

    def close(self) -> None:
        if not self.read_only and self.location != "memory":
            self._store.flush()
        self._store = None


class RemoteStore(Store):
    """A SPARQL 1.1 server over HTTP: a query endpoint and an update endpoint."""

    def __init__(self, query_url: str, update_url: str | None = None, allow_update: bool = True, timeout: float = 60.0):
        self.location = query_url
        self.query_url = query_url
        self.update_url = update_url or _default_update_url(query_url)
        self.allow_update = allow_update
        self.timeout = timeout

    def _post(self, url: str, body: str, content_type: str, accept: str) -> bytes:
        # Imported here: http.client is a tenth of a local query's start, and only a server needs it.
        import urllib.error
        import urllib.request

        request = urllib.request.Request(url, data=body.encode("utf-8"), method="POST", headers={"Content-Type": content_type, "Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (the user's own server)
                return response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:300]
            if error.code == 413:
                raise RequestTooLarge(f"{url} refused a request of {len(request.data) / 1e6:.1f} MB as too large (HTTP 413)") from None
            raise StoreError(f"{url} answered {error.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as error:
            raise StoreError(f"cannot reach the SPARQL server at {url}: {getattr(error, 'reason', error)}") from None

    def query(self, sparql: str) -> QueryResult:
        data = json.loads(self._post(self.query_url, sparql, "application/sparql-query", "application/sparql-results+json"))
        variables = data.get("head", {}).get("vars", [])
        rows = [{name: binding.get(name, {}).get("value") for name in variables} for binding in data.get("results", {}).get("bindings", [])]
        return QueryResult(variables, rows)

    def ask(self, sparql: str) -> bool:
        data = json.loads(self._post(self.query_url, sparql, "application/sparql-query", "application/sparql-results+json"))
        return bool(data.get("boolean"))

    def update(self, sparql: str) -> None:
        if not self.allow_update:
            raise StoreError("updates to a remote store need --allow-update")
        self._post(self.update_url, sparql, "application/sparql-update", "*/*")

    def construct(self, sparql: str) -> str:
        return self._post(self.query_url, sparql, "application/sparql-query", "application/n-triples").decode("utf-8")

    def add_graphs(self, documents: list[tuple[str, str, str]]) -> None:
        """As `Store.add_graphs`; a batch the server refuses for its size is sent again in halves
        (proxies in front of SPARQL servers often cap a request at 1 to 10 MB)."""
        try:
            super().add_graphs(documents)
        except RequestTooLarge as refusal:
            if len(documents) == 1:
                graph, ntriples, _ = documents[0]
                raise RequestTooLarge(f"the document's {len(ntriples.encode('utf-8')) / 1e6:.1f} MB of triples are more than the "
                                      f"server accepts in one request; raise its request size limit ({refusal})", graph) from None
            half = len(documents) // 2
            self.add_graphs(documents[:half])
            self.add_graphs(documents[half:])

    def ntriples(self) -> str:
        return self.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")

    def nquads(self) -> str:
        raise StoreError("N-Quads export from a remote store is not supported; export Turtle or N-Triples")


def _hash_line(graph: str, content_hash: str) -> str:
    """The triple that records which content a document graph holds."""
    return f"<{graph}> <{LIN}contentHash> \"{content_hash}\" .\n"


def _as_nquads(graph: str, ntriples: str, content_hash: str) -> str:
    """A document's N-Triples (one triple per line, so " .\\n" only ends lines) as N-Quads of its graph."""
    return (ntriples + _hash_line(graph, content_hash)).replace(" .\n", f" <{graph}> .\n")


def _default_update_url(query_url: str) -> str:
    """Oxigraph and Fuseki answer updates at …/update beside …/query."""
    if query_url.rstrip("/").endswith("/query"):
        return query_url.rstrip("/")[: -len("query")] + "update"
    return query_url.rstrip("/") + "/update" if not query_url.rstrip("/").endswith("/sparql") else query_url


def files_fingerprint(location: str | os.PathLike) -> str | None:
    """A digest of an embedded store's files as they are now (names, sizes, modification
    times), read without opening it: a write changes it, a read does not.  RocksDB's own
    diagnostic logs are left out."""
    digest = hashlib.sha256()
    try:
        with os.scandir(location) as entries:
            for entry in sorted(entries, key=lambda entry: entry.name):
                if entry.name.startswith(("LOG", "LOCK")):
                    continue
                status = entry.stat()
                digest.update(f"{entry.name} {status.st_size} {status.st_mtime_ns}\n".encode("utf-8"))
    except OSError:
        return None
    return digest.hexdigest()


def open_store(spec: str | None = None, read_only: bool = False, update_url: str | None = None, allow_update: bool = True) -> Store:
    """A store from ``--store`` / ``LINEAGE_STORE``: a directory, ``memory``, or an http(s) URL."""
    spec = spec or os.environ.get("LINEAGE_STORE") or DEFAULT_STORE
    if spec == "memory":
        return OxigraphStore(None)
    if spec.startswith(("http://", "https://")):
        query_url = spec if spec.rstrip("/").endswith(("/query", "/sparql")) else spec.rstrip("/") + "/query"
        return RemoteStore(query_url, update_url or os.environ.get("LINEAGE_UPDATE_URL"), allow_update=allow_update)
    return OxigraphStore(spec, read_only=read_only)
