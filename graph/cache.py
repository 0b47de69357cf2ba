"""The projection, cached: a query on an unchanged store does not rebuild it.

The cache key is the set of content hashes of the store's named graphs, which every
ingest that changes something changes.  The cache is written with `marshal`
(plain strings, numbers, lists and dicts), which is fast and, unlike pickle, cannot
run code when a cache file from somewhere else is loaded.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path

import networkx as nx

from graph.projection import project
from ontology.store import OxigraphStore, Store
from ontology.terms import LIN

__all__ = ["store_version", "load_projection", "cache_path"]

#: Bump when the projection's shape changes, so older caches are rebuilt.
_FORMAT = 5


def store_version(store: Store) -> str:
    rows = store.query(f"SELECT ?g ?hash WHERE {{ GRAPH ?g {{ ?g <{LIN}contentHash> ?hash }} }}").rows
    digest = hashlib.sha256()
    for row in sorted((row["g"], row["hash"]) for row in rows):
        digest.update(f"{row[0]} {row[1]}\n".encode("utf-8"))
    return digest.hexdigest()


def cache_path(store: Store) -> Path | None:
    if store.location == "memory":
        return None
    if isinstance(store, OxigraphStore):
        location = Path(store.location)
        return location.with_name(location.name + ".projection")
    cache_root = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "lineage"
    return cache_root / f"projection-{hashlib.sha256(store.location.encode('utf-8')).hexdigest()[:16]}"


def _dump(graph: nx.MultiDiGraph, version: str, path: Path) -> None:
    nodes = [(node, dict(attributes)) for node, attributes in graph.nodes(data=True)]
    edges = [(source, target, key, dict(attributes)) for source, target, key, attributes in graph.edges(keys=True, data=True)]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(marshal.dumps((_FORMAT, version, nodes, edges)))
    os.replace(temporary, path)


def _load(path: Path, version: str) -> nx.MultiDiGraph | None:
    try:
        stored_format, stored_version, nodes, edges = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if stored_format != _FORMAT or stored_version != version:
        return None
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    return graph


def load_projection(store: Store) -> nx.MultiDiGraph:
    """The projection of `store`, from the cache when the store has not changed since."""
    version = store_version(store)
    path = cache_path(store)
    if path is not None and path.exists():
        cached = _load(path, version)
        if cached is not None:
            return cached
    graph = project(store)
    if path is not None:
        try:
            _dump(graph, version, path)
        except OSError:
            pass  # a read-only location: the projection still works, uncached
    return graph
