"""The projection, cached: a query on an unchanged store does not rebuild it, and loads
only the layers it reads.

The cache is one file beside the store: a header, then one block per *layer* of the
projection (see LAYERS), so that `trace` at national scale reads the 35,000 documents,
units and lineage-bearing tasks without the 200,000 other tasks and 100,000 indicators.
Blocks are written with `marshal` (plain strings, numbers, lists and dicts), which is fast
and, unlike pickle, cannot run code when a cache file from somewhere else is loaded.

Two keys tell whether the cache still describes the store.  The content version (the
content hashes of the store's named graphs, which every ingest that changes something
changes) is exact but takes a query over every graph.  The store's files (names, sizes,
modification times: see OxigraphStore.files_fingerprint) are read in a millisecond; when
they are as the cache recorded them, nothing can have been written since.  When they are
not, the content version decides, and an unchanged store gets its new files recorded.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from .projection import LINEAGE_PREDICATES, PROJECTED_PREDICATES, assemble, group_facts, project, without_cyclic_gc
from ..ontology.store import OxigraphStore, Store
from ..ontology.terms import LIN

__all__ = ["store_version", "load_projection", "load_summary", "load_communes", "cache_path", "save_ingested_projection", "record_store_files", "LAYERS"]

#: Bump when the projection's shape changes, so older caches are rebuilt.
_FORMAT = 11
_MAGIC = b"lineage-projection\n"
_NO_FINGERPRINT = b"-" * 64

#: Each layer with the layers it needs (its edges end in their nodes).  `lineage`: plans,
#: documents, units, and every task and office a lineage edge reaches; `tasks` and
#: `indicators`: the others of their kind; `offices`: the other offices and the edges to them.
LAYERS = {
    "lineage": (),
    "tasks": ("lineage",),
    "indicators": ("lineage",),
    "offices": ("lineage", "tasks", "indicators"),
}
_CLOSURE = {layer: {layer, *needed} for layer, needed in LAYERS.items()}
#: Layers kept in one block per province (and one for what has none, as central documents):
#: a commune's tasks are read without the country's.
SHARDED = ("lineage", "tasks", "indicators")
_KIND_LAYER = {"plan": "lineage", "document": "lineage", "unit": "lineage", "task": "tasks", "indicator": "indicators", "office": "offices"}
_LINEAGE_RELATIONS = set(LINEAGE_PREDICATES.values())


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


def layers_needed(layers) -> list[str]:
    """`layers` with the layers they need, in LAYERS' order."""
    wanted = set().union(*(_CLOSURE[layer] for layer in layers)) if layers else set(LAYERS)
    return [layer for layer in LAYERS if layer in wanted]


def _node_layers(graph: nx.MultiDiGraph) -> dict[str, str]:
    layer = {node: _KIND_LAYER.get(kind, "offices") for node, kind in graph.nodes(data="kind")}
    for source, target, relation in graph.edges(data="relation"):
        if relation in _LINEAGE_RELATIONS:
            layer[source] = layer[target] = "lineage"
    # The offices that lead the tasks a trace reaches and that issue its documents: a map draws them.
    for source, target in graph.edges():
        if layer[source] == "lineage" and layer[target] == "offices":
            layer[target] = "lineage"
    return layer


def _edge_layer(first: str, second: str) -> str:
    if second in _CLOSURE[first]:
        return first
    if first in _CLOSURE[second]:
        return second
    return next(layer for layer in LAYERS if {first, second} <= _CLOSURE[layer])


def _split(graph: nx.MultiDiGraph) -> dict[tuple[str, str], tuple[list, list]]:
    """Nodes and edges per (layer, province): the province of a sharded layer's node (an edge
    goes with its end in the wider layer, the source when both are), "" elsewhere."""
    layer_of = _node_layers(graph)

    def block_of(node: str, layer: str) -> tuple[str, str]:
        return (layer, graph.nodes[node].get("province") or "") if layer in SHARDED else (layer, "")

    blocks: dict[tuple[str, str], tuple[list, list]] = {(layer, ""): ([], []) for layer in LAYERS}
    for node, attributes in graph.nodes(data=True):
        blocks.setdefault(block_of(node, layer_of[node]), ([], []))[0].append((node, dict(attributes)))
    for source, target, key, attributes in graph.edges(keys=True, data=True):
        layer = _edge_layer(layer_of[source], layer_of[target])
        owner = source if layer_of[source] == layer else target
        blocks.setdefault(block_of(owner, layer), ([], []))[1].append((source, target, key, dict(attributes)))
    return blocks


@dataclass
class _Header:
    fingerprint: bytes
    version: str
    summary: dict
    blocks: dict[tuple[str, str], tuple[int, int]]
    communes: list[tuple[str, str | None]]


def _dump(graph: nx.MultiDiGraph, version: str, summary: dict, path: Path, fingerprint: str | None = None) -> None:
    from .lookup import communes

    with without_cyclic_gc():
        split = _split(graph)
        blocks = [marshal.dumps(block) for block in split.values()]
    offsets, position = {}, 0
    for name, block in zip(split, blocks):
        offsets[name] = (position, len(block))
        position += len(block)
    header = marshal.dumps((_FORMAT, version, summary, offsets, [tuple(commune) for commune in communes(graph)]))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(_MAGIC + (fingerprint.encode("ascii") if fingerprint else _NO_FINGERPRINT) + len(header).to_bytes(8, "little") + header)
        for block in blocks:
            handle.write(block)
    os.replace(temporary, path)


def _read_header(path: Path) -> tuple[_Header, int] | None:
    """The header, and where the blocks start; None for a missing, older or damaged cache."""
    try:
        with open(path, "rb") as handle:
            if handle.read(len(_MAGIC)) != _MAGIC:
                return None
            fingerprint = handle.read(64)
            size = int.from_bytes(handle.read(8), "little")
            stored = marshal.loads(handle.read(size))
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(stored, tuple) or len(stored) != 5 or stored[0] != _FORMAT:
        return None
    _, version, summary, blocks, known = stored
    return _Header(fingerprint, version, summary, blocks, known), len(_MAGIC) + 64 + 8 + size


def _record_fingerprint(path: Path, fingerprint: str) -> None:
    # 64 bytes in place: the file stays whole whether or not this write lands.
    with open(path, "r+b") as handle:
        handle.seek(len(_MAGIC))
        handle.write(fingerprint.encode("ascii"))


def _load_layers(path: Path, start: int, header: _Header, layers: list[str], provinces=None, alone: bool = False) -> nx.MultiDiGraph | None:
    nodes, edges = [], []
    wanted = None if provinces is None else {"", *(province or "" for province in provinces)}
    try:
        with open(path, "rb") as handle, without_cyclic_gc():
            for (layer, province), (offset, length) in header.blocks.items():
                if layer not in layers or (layer in SHARDED and wanted is not None and province not in wanted):
                    continue
                handle.seek(start + offset)
                block_nodes, block_edges = marshal.loads(handle.read(length))
                nodes += block_nodes
                edges += block_edges
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        return None
    with without_cyclic_gc():
        if alone or wanted is not None:
            held = {node for node, _ in nodes}
            edges = [edge for edge in edges if edge[0] in held and edge[1] in held]
        try:
            return _graph_of(nodes, edges)
        except KeyError:  # an edge to a node of no layer read: a damaged cache, rebuilt
            return None


def _graph_of(nodes: list[tuple[str, dict]], edges: list[tuple[str, str, str, dict]]) -> nx.MultiDiGraph:
    """The graph, its adjacency filled in directly: the cached edges are whole and their
    keys unique, so add_edge's checks and copies (half of a national load) are not needed.
    The dicts are those NetworkX's own factories make (tests/test_queries.py compares the
    result with one built through add_edge)."""
    graph = nx.MultiDiGraph()
    graph._node.update(nodes)
    successors, predecessors = graph._succ, graph._pred
    for node in graph._node:
        successors[node] = {}
        predecessors[node] = {}
    for source, target, key, attributes in edges:
        keyed = successors[source].get(target)
        if keyed is None:
            keyed = successors[source][target] = predecessors[target][source] = {}
        keyed[key] = attributes
    return graph


def _fresh_header(store: Store, path: Path) -> tuple[_Header, int] | None:
    """The cache's header if it still describes the store (its files recorded anew if need be)."""
    found = _read_header(path) if path.exists() else None
    if found is None:
        return None
    header, start = found
    fingerprint = store.files_fingerprint()
    if fingerprint is not None and header.fingerprint == fingerprint.encode("ascii"):
        return found
    if header.version != store_version(store):
        return None
    if fingerprint is not None:
        try:
            _record_fingerprint(path, fingerprint)
        except OSError:
            pass  # a read-only location: the next query checks the content version again
    return found


def load_projection(store: Store, layers=None, provinces=None, alone: bool = False) -> nx.MultiDiGraph:
    """The projection of `store` (the given layers and those they need; all by default),
    from the cache when the store has not changed since it was written.

    `provinces`: of the SHARDED layers, only these provinces' nodes and those of no province
    (central documents), with the edges between them (a query about one commune).  `alone`: the given layers without those they need, and only
    the edges between their own nodes (a query that reads the nodes' attributes only).  A
    projection built afresh, with no cache to read from, is whole."""
    # Set the projection's millions of objects aside from the cycle collector, which would
    # otherwise move them up one generation at a time, rescanning all of them at each step,
    # in the middle of the first queries (a national trace paused 0.8 s, then 0.9 s).  Freezing
    # does not scan them, as a collection did; it happens before the collector is enabled
    # again, whose first collection would otherwise scan every object just loaded (0.17 s of
    # a cold trace).  They hold no cycles, so reference counting still frees a projection
    # that is let go.
    with without_cyclic_gc():
        graph = _cached_or_built(store, list(layers) if alone else layers_needed(layers), provinces, alone)
        gc.freeze()
    return graph


def load_summary(store: Store) -> dict:
    """What the projection holds, counted when it was cached (see projection_summary)."""
    path = cache_path(store)
    found = _fresh_header(store, path) if path is not None else None
    if found is not None:
        return found[0].summary
    return projection_summary(_cached_or_built(store, list(LAYERS)), store)


def load_communes(store: Store) -> list[tuple[str, str | None]] | None:
    """Every commune with a plan, as (name, province), from the cache's header; None without a fresh cache."""
    path = cache_path(store)
    found = _fresh_header(store, path) if path is not None else None
    return None if found is None else [tuple(commune) for commune in found[0].communes]


def _cached_or_built(store: Store, layers: list[str], provinces=None, alone: bool = False) -> nx.MultiDiGraph:
    path = cache_path(store)
    if path is not None:
        found = _fresh_header(store, path)
        if found is not None:
            graph = _load_layers(path, found[1], found[0], layers, provinces, alone)
            if graph is not None:
                return graph
    graph = project(store)
    if path is not None:
        _save(graph, store, path)
    return graph


def _save(graph: nx.MultiDiGraph, store: Store, path: Path) -> None:
    try:
        _dump(graph, store_version(store), projection_summary(graph, store), path, store.files_fingerprint())
    except OSError:
        pass  # a read-only location: queries build the projection themselves


def record_store_files(store: Store) -> None:
    """After a writer closes the store (which changes its files, not its content), record
    them in the cache it left, so that the first query does not check the content version."""
    path = cache_path(store)
    fingerprint = store.files_fingerprint()
    if path is not None and fingerprint is not None and _read_header(path) is not None:
        try:
            _record_fingerprint(path, fingerprint)
        except OSError:
            pass


def projection_summary(graph: nx.MultiDiGraph, store: Store) -> dict:
    """Counts for `lineage stats`: documents by level and type, relations by type and method,
    tasks, indicators, offices, communes, and the store's triples and graphs."""
    from collections import Counter

    kinds = Counter(kind for _, kind in graph.nodes(data="kind"))
    documents = [attributes for _, attributes in graph.nodes(data=True) if attributes.get("kind") in ("plan", "document")]
    relations = Counter((data["relation"], data.get("method", "explicit")) for _, _, data in graph.edges(data=True) if data.get("relation") in _LINEAGE_RELATIONS)
    return {
        "plans": kinds["plan"],
        "documents": len(documents),
        "documents_by_level": dict(Counter(attributes.get("level") or "unknown" for attributes in documents).most_common()),
        "documents_by_type": dict(Counter(attributes.get("type") or "unknown" for attributes in documents).most_common()),
        "relations_by_type_and_method": [{"relation": relation, "method": method, "count": count} for (relation, method), count in relations.most_common()],
        "tasks": kinds["task"],
        "indicators": kinds["indicator"],
        "offices": kinds["office"],
        "communes": len({unit for unit, _, relation in graph.edges(data="relation") if relation == "within_province"}),
        "triples": store.triple_count(),
        "graphs": len(store.graph_hashes()),
    }


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
    _save(graph, store, path)


def _graph_facts(store: Store, graphs: list[str], chunk: int = 200) -> list[tuple[str, str, str]]:
    predicates = " ".join(f"<{predicate}>" for predicate in sorted(PROJECTED_PREDICATES))
    facts: list[tuple[str, str, str]] = []
    for start in range(0, len(graphs), chunk):
        names = " ".join(f"<{graph}>" for graph in graphs[start : start + chunk])
        facts += store.rows(f"SELECT ?s ?p ?o WHERE {{ VALUES ?g {{ {names} }} VALUES ?p {{ {predicates} }} GRAPH ?g {{ ?s ?p ?o }} }}")
    return facts
