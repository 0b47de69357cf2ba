"""The projection, cached: a query on an unchanged store does not rebuild it.

The cache key is the set of content hashes of the store's named graphs, which every
ingest that changes something changes.  The cache is written with `marshal`
(plain strings, numbers, lists and dicts), which is fast and, unlike pickle, cannot
run code when a cache file from somewhere else is loaded.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
from pathlib import Path

import networkx as nx

from graph.projection import PROJECTED_PREDICATES, assemble, group_facts, project, without_cyclic_gc
from ontology.store import OxigraphStore, Store
from ontology.terms import LIN

__all__ = ["store_version", "load_projection", "cache_path", "save_ingested_projection"]

#: Bump when the projection's shape changes, so older caches are rebuilt.
_FORMAT = 7


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
    with without_cyclic_gc():
        nodes = [(node, dict(attributes)) for node, attributes in graph.nodes(data=True)]
        edges = [(source, target, key, dict(attributes)) for source, target, key, attributes in graph.edges(keys=True, data=True)]
        data = marshal.dumps((_FORMAT, version, nodes, edges))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _load(path: Path, version: str) -> nx.MultiDiGraph | None:
    try:
        with without_cyclic_gc():
            stored_format, stored_version, nodes, edges = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if stored_format != _FORMAT or stored_version != version:
        return None
    with without_cyclic_gc():
        graph = nx.MultiDiGraph()
        graph.add_nodes_from(nodes)
        add_edge = graph.add_edge  # several times faster than add_edges_from with keys
        for source, target, key, attributes in edges:
            add_edge(source, target, key, **attributes)
    return graph


def load_projection(store: Store) -> nx.MultiDiGraph:
    """The projection of `store`, from the cache when the store has not changed since."""
    graph = _cached_or_built(store)
    # Collect once now, so the cycle collector files the projection's millions of objects as
    # long-lived.  Left to itself it moves them up one generation at a time, rescanning all of
    # them at each step, in the middle of the first queries (a national trace paused 0.8 s, then 0.9 s).
    gc.collect()
    return graph


def _cached_or_built(store: Store) -> nx.MultiDiGraph:
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


def save_ingested_projection(store: Store, facts_by_graph: dict[str, list[tuple[str, str, str]]]) -> None:
    """After an ingest, write the cache from the facts just extracted (`facts_by_graph`, per
    document graph) and the store's other graphs, so the first query does not rebuild it."""
    path = cache_path(store)
    if path is None:
        return
    held = store.graph_hashes()
    others = [graph for graph in held if graph not in facts_by_graph]
    with without_cyclic_gc():
        triples = [fact for graph in held if graph in facts_by_graph for fact in facts_by_graph[graph]]
        triples += _graph_facts(store, others)
        graph = assemble(group_facts(triples))
    try:
        _dump(graph, store_version(store), path)
    except OSError:
        pass  # a read-only location: queries build the projection themselves


def _graph_facts(store: Store, graphs: list[str], chunk: int = 200) -> list[tuple[str, str, str]]:
    predicates = " ".join(f"<{predicate}>" for predicate in sorted(PROJECTED_PREDICATES))
    facts: list[tuple[str, str, str]] = []
    for start in range(0, len(graphs), chunk):
        names = " ".join(f"<{graph}>" for graph in graphs[start : start + chunk])
        facts += store.rows(f"SELECT ?s ?p ?o WHERE {{ VALUES ?g {{ {names} }} VALUES ?p {{ {predicates} }} GRAPH ?g {{ ?s ?p ?o }} }}")
    return facts
