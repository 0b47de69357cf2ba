"""Lineage queries: plain functions that take the projection and return plain data.

Edges point from the implementing document (or task) to what it implements, so a
policy's cascade is everything that reaches it against the arrows.  Lineage runs
through ``implements``, ``continues``, ``amends`` and ``based_on``; ``cites`` is a
mention, not lineage.  Methods other than ``explicit`` (``catalogue``, ``alias``)
are facts from the reference catalogue; implicit methods (``topic``,
``description``, ``reuse``) are inferred links, counted apart and hidden by
``explicit_only``.

Every example below runs on a toy cascade:

>>> graph = example_graph()
>>> sorted(item["label"] for item in trace(graph, "57-NQ/TW")["items"])
['155/KH-UBND', '4/KH-UBND', '71/NQ-CP', 'Tích Lương 2.2.6 #1']
>>> [item["tasks"] for item in trace(graph, "57-NQ/TW")["items"] if item["kind"] == "plan"]
[['Tích Lương 2.2.6 #1']]
"""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import date
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from statistics import median

import networkx as nx

from ..corpus.text import fold_key
from .indexes import kept_on_graph
from .projection import without_cyclic_gc
from .lookup import Commune, communes, find_commune, find_document, find_item

__all__ = [
    "LINEAGE", "IMPLICIT_METHODS", "lineage_edges", "example_graph", "trace", "ancestry", "coverage", "gaps", "latency",
    "offices", "indicators", "shared_indicators", "tasks", "path", "neighbors", "graph_stats", "summary",
]

LINEAGE = frozenset({"implements", "continues", "amends", "based_on"})
IMPLICIT_METHODS = frozenset({"topic", "description", "reuse"})
_LEVEL_ORDER = ("central", "province", "district", "commune", "task")
_LEVEL_RANK = {level: rank for rank, level in enumerate(_LEVEL_ORDER)}


def example_graph() -> nx.MultiDiGraph:
    """A toy cascade: 57-NQ/TW ← 71/NQ-CP ← 155/KH-UBND (Thái Nguyên) ← a ward plan and its task."""
    graph = nx.MultiDiGraph()
    graph.add_node("nq57", kind="document", label="57-NQ/TW", symbol="57-NQ/TW", level="central", date="2024-12-22")
    graph.add_node("nq71", kind="document", label="71/NQ-CP", symbol="71/NQ-CP", level="central", date="2025-04-01")
    graph.add_node("kh155", kind="document", label="155/KH-UBND", symbol="155/KH-UBND", level="province", province="Thái Nguyên", date="2025-06-23")
    graph.add_node("plan", kind="plan", label="4/KH-UBND", symbol="4/KH-UBND", level="commune", commune="Tích Lương", province="Thái Nguyên", date="2026-01-05")
    graph.add_node("plan2", kind="plan", label="Kế hoạch Phan Đình Phùng", name="Kế hoạch", level="commune", commune="Phan Đình Phùng", province="Thái Nguyên")
    graph.add_node("task", kind="task", label="Tích Lương 2.2.6 #1", section="2.2.6", number="1", commune="Tích Lương", province="Thái Nguyên",
                   plan="plan", lead=["Phòng Văn hóa - Xã hội"], partners=["Công an phường"], text="Triển khai Kế hoạch số 155/KH-UBND")
    evidence = {"method": "explicit", "confidence": 1.0, "sentence": "…", "source": "plan.txt"}
    graph.add_edge("nq71", "nq57", relation="implements", **evidence)
    graph.add_edge("kh155", "nq71", relation="implements", **evidence)
    graph.add_edge("plan", "kh155", relation="cites", **evidence)
    graph.add_edge("task", "kh155", relation="implements", **evidence)
    graph.add_edge("task", "plan", relation="part_of")
    graph.add_edge("plan", "nq57", relation="implements", **evidence)
    return graph


def _edge_allowed(data: dict, explicit_only: bool, min_confidence: float) -> bool:
    if data.get("relation") not in LINEAGE:
        return False
    if explicit_only and data.get("method") in IMPLICIT_METHODS:
        return False
    return float(data.get("confidence", 1.0)) >= min_confidence


LineageEdges = dict[str, list[tuple[str, dict]]]
ReachedBy = tuple[str, dict]


def lineage_edges(graph: nx.MultiDiGraph) -> tuple[dict[str, list[tuple[str, ReachedBy]]], LineageEdges]:
    """Per node, its lineage edges in (each implementer with the (node, edge) that reaches it
    from this node, made once here rather than on every walk) and out (to what it implements).

    Most edges of a projection are mentions and places (a commune plan cites a dozen
    documents); a cascade walks only lineage, so it reads this index, built once per graph.
    """
    def build(graph: nx.MultiDiGraph) -> tuple[dict[str, list[tuple[str, ReachedBy]]], LineageEdges]:
        into: dict[str, list[tuple[str, ReachedBy]]] = {}
        out: LineageEdges = {}
        # The adjacency dicts themselves, not graph.edges(data=True): its views cost half of
        # this index on the first query of a new process (0.05 s of 0.12 s nationally).
        for source, targets in graph._succ.items():
            for target, keyed in targets.items():
                for data in keyed.values():
                    if data.get("relation") in LINEAGE:
                        out.setdefault(source, []).append((target, data))
                        into.setdefault(target, []).append((source, (target, data)))
        return into, out

    return kept_on_graph(graph, "lineage_edges", build)


def _lineage_filter(explicit_only: bool, min_confidence: float):
    """Which lineage edges a query follows: None when it follows them all."""
    if not explicit_only and min_confidence <= 0.0:
        return None
    return lambda data: _edge_allowed(data, explicit_only, min_confidence)


_SUMMARY_KEYS = frozenset({"kind", "label", "caption", "symbol", "name", "level", "date", "month", "commune", "province", "section", "number",
                           "lead", "partners", "text", "plan_label"})


def summary(graph: nx.MultiDiGraph, node: str) -> dict:
    """What a person needs to recognise a node."""
    return _card(node, graph.nodes[node])


def _card(node: str, attributes: dict) -> dict:
    found = {"id": node}
    # A loop, not a comprehension merged in: a fifth less on a trace's 8,000 cards.
    for key, value in attributes.items():
        if key in _SUMMARY_KEYS and (value or value == 0):
            found[key] = list(value) if type(value) is list else value
    return found


def _node_attributes(graph: nx.MultiDiGraph) -> dict[str, dict]:
    """Node → its attribute dict (the graph's own dicts, not copies): a trace reads tens of
    thousands of them, and `graph.nodes[node]` checks its argument on every call."""
    return kept_on_graph(graph, "node_attributes", lambda graph: dict(graph.nodes(data=True)))


def _nodes_by_kind(graph: nx.MultiDiGraph) -> dict[str | None, list[str]]:
    """Kind → its nodes: a query about tasks or indicators does not walk the other 100,000 nodes."""
    def build(graph: nx.MultiDiGraph) -> dict[str | None, list[str]]:
        found: dict[str | None, list[str]] = defaultdict(list)
        for node, attributes in _node_attributes(graph).items():
            found[attributes.get("kind")].append(node)
        return dict(found)

    return kept_on_graph(graph, "nodes_by_kind", build)


def grouped_nodes(graph: nx.MultiDiGraph, kind: str, key) -> dict:
    """The nodes of `kind` grouped by `key(attributes)` (None: left out), kept beside the
    graph under the kind and the key's name."""
    def build(graph: nx.MultiDiGraph) -> dict:
        attributes_of = _node_attributes(graph)
        found: dict = defaultdict(list)
        for node in _nodes_by_kind(graph).get(kind, ()):
            group = key(attributes_of[node])
            if group is not None:
                found[group].append(node)
        return dict(found)

    return kept_on_graph(graph, f"{kind}_by_{key.__name__}", build)


def commune_of(attributes: dict) -> Commune:
    """The commune a plan, task or indicator belongs to, as Commune.holds tells them apart."""
    return Commune(attributes.get("commune"), attributes.get("province"))


def _tasks_by_commune(graph: nx.MultiDiGraph) -> dict[Commune, list[str]]:
    return grouped_nodes(graph, "task", commune_of)


def _commune_label_of_task(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Each task of a commune with a plan, with the commune's name as `communes` gives it."""
    def build(graph: nx.MultiDiGraph) -> dict[str, str]:
        labels = communes(graph)
        found = {}
        for commune, tasks in _tasks_by_commune(graph).items():
            label = labels.get(commune)
            if label is not None:
                found.update(dict.fromkeys(tasks, label))
        return found

    return kept_on_graph(graph, "commune_label_of_task", build)


def _edge_summary(source_label: str | None, target_label: str | None, data: dict) -> dict:
    return {
        "from": source_label, "to": target_label, "relation": data.get("relation"),
        "method": data.get("method", "explicit"), "confidence": data.get("confidence", 1.0),
        "evidence": {"sentence": data.get("sentence", ""), "source": data.get("source", ""), "id": data.get("evidence")},
    }


def _level(attributes: dict) -> str:
    if attributes.get("kind") == "task":
        return "task"
    return attributes.get("level") or "unknown"


def _reach(graph: nx.MultiDiGraph, policy: str, explicit_only: bool, min_confidence: float) -> dict[str, tuple[str, dict]]:
    """Everything that implements `policy`, with the edge by which each was first reached,
    in the order reached (a node comes after the one it was reached from).

    A plan whose task implements the policy implements it too, through that task: it
    is reached by the same edge as its first such task.
    """
    parents: dict[str, ReachedBy] = {}
    into, _ = lineage_edges(graph)
    allowed = _lineage_filter(explicit_only, min_confidence)
    queue = deque([policy])
    while queue:
        for source, reached_by in into.get(queue.popleft(), ()):
            if source == policy or source in parents or (allowed is not None and not allowed(reached_by[1])):
                continue
            parents[source] = reached_by
            queue.append(source)
    plan_of = _plan_of_task(graph)
    for node in list(parents):
        plan = plan_of.get(node)
        if plan is not None and plan != policy and plan not in parents:
            parents[plan] = parents[node]
    return parents


def _plan_of_task(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Each task's plan, where the plan is in the graph."""
    def build(graph: nx.MultiDiGraph) -> dict[str, str]:
        attributes_of = _node_attributes(graph)
        return {node: attributes_of[node]["plan"] for node in _nodes_by_kind(graph).get("task", ()) if attributes_of[node].get("plan") in attributes_of}

    return kept_on_graph(graph, "plan_of_task", build)


def _paths(graph: nx.MultiDiGraph, parents: dict[str, tuple[str, dict]], policy: str) -> dict[str, list[str]]:
    """For every reached node, the labels from the policy down to it; each path extends its
    parent's, which `_reach` puts first."""
    attributes_of = _node_attributes(graph)
    paths = {policy: [attributes_of[policy]["label"]]}
    for node, (parent, _) in parents.items():
        paths[node] = paths[parent] + [attributes_of[node]["label"]]
    return paths


def _within(attributes: dict, province: str | None, commune: Commune | None) -> bool:
    if commune and attributes.get("kind") in ("plan", "task") and not commune.holds(attributes):
        return False
    if commune and attributes.get("level") == "commune" and attributes.get("kind") == "document" and attributes.get("commune") not in (None, commune.name):
        return False
    if province and attributes.get("province") not in (None, province) and attributes.get("level") != "central":
        return False
    if province and attributes.get("kind") in ("plan", "task") and attributes.get("province") != province:
        return False
    return True


def _on_paths_of(graph: nx.MultiDiGraph, parents: dict, members: set[str], province: str | None, commune: Commune | None,
                 explicit_only: bool, min_confidence: float) -> set[str]:
    """The filtered plans and tasks, and the documents on their way up to the policy."""
    kept = {node for node in parents if graph.nodes[node].get("kind") in ("plan", "task") and _within(graph.nodes[node], province, commune)}
    kept |= {node for node in parents if graph.nodes[node].get("kind") == "document" and province and graph.nodes[node].get("province") == province}
    _, out = lineage_edges(graph)
    allowed = _lineage_filter(explicit_only, min_confidence)
    queue = deque(kept)
    while queue:
        for target, data in out.get(queue.popleft(), ()):
            if target in members and target not in kept and (allowed is None or allowed(data)):
                kept.add(target)
                queue.append(target)
    return kept


@without_cyclic_gc()
def trace(graph: nx.MultiDiGraph, policy: str, province: str | None = None, commune: str | None = None,
          explicit_only: bool = False, min_confidence: float = 0.0) -> dict:
    """Every document and ward task that implements `policy`, directly or through others.

    Items are ordered by level (central, province, commune, tasks); each has the
    path from the policy down to it and the evidence of each lineage edge it has
    towards the policy's cascade.

    >>> result = trace(example_graph(), "57", commune="Tích Lương")
    >>> [(item["label"], item["path"]) for item in result["items"] if item["kind"] == "task"]
    [('Tích Lương 2.2.6 #1', ['57-NQ/TW', '71/NQ-CP', '155/KH-UBND', 'Tích Lương 2.2.6 #1'])]
    """
    node = find_document(graph, policy)
    if commune:
        commune = find_commune(graph, commune)
    parents = _reach(graph, node, explicit_only, min_confidence)
    members = set(parents)
    members.add(node)
    shown = _on_paths_of(graph, parents, members, province, commune, explicit_only, min_confidence) if (province or commune) else members
    attributes_of = _node_attributes(graph)
    _, out = lineage_edges(graph)
    allowed = _lineage_filter(explicit_only, min_confidence)
    paths, inferred, catalogued = {node: [attributes_of[node]["label"]]}, {node: False}, {node: False}
    tasks_of: dict[str, list[str]] = defaultdict(list)
    plans: list[dict] = []
    ranked = []
    for reached, (parent, edge) in parents.items():
        attributes = attributes_of[reached]
        kind = attributes.get("kind")
        # As `_paths` does, and whether an inferred edge lies on the way, in the same pass as the items: separate passes cost
        # a national trace 7-37 ms (alternating runs). `_reach` puts a node after its parent.
        path = paths[reached] = paths[parent] + [attributes["label"]]
        implicit = inferred[reached] = inferred[parent] or edge.get("method") in IMPLICIT_METHODS
        # 03/NQ-CP implements 57-NQ/TW because the catalogue says so, not a plan of the store.
        through_catalogue = catalogued[reached] = catalogued[parent] or edge.get("method") == "catalogue"
        if kind == "task" and attributes.get("plan"):
            tasks_of[attributes["plan"]].append(attributes["label"])
        if reached not in shown:
            continue
        item = _card(reached, attributes)
        item["path"] = path
        item["implicit"] = implicit
        item["through_catalogue"] = through_catalogue
        item["via"] = [_edge_summary(attributes["label"], attributes_of[target].get("label"), data)
                       for target, data in out.get(reached, ()) if target in members and (allowed is None or allowed(data))]
        if kind == "plan":
            plans.append(item)
        level = _level(attributes)
        ranked.append(((_LEVEL_RANK.get(level, 9), len(path), item["label"]), level, item))
    for plan in plans:
        plan["tasks"] = sorted(tasks_of[plan["id"]])
    ranked.sort(key=itemgetter(0))
    items = [item for _, _, item in ranked]
    by_level: dict[str, list[str]] = defaultdict(list)
    for _, level, item in ranked:
        by_level[level].append(item["label"])
    return {"policy": summary(graph, node), "items": items, "by_level": dict(by_level)}


def ancestry(graph: nx.MultiDiGraph, item: str, max_depth: int = 12) -> dict:
    """From a task or a plan, every chain of lineage edges up to where the chain ends.

    >>> chains = ancestry(example_graph(), "Tích Lương: 2.2.6")["chains"]
    >>> [[step["label"] for step in chain] for chain in chains]
    [['Tích Lương 2.2.6 #1', '155/KH-UBND', '71/NQ-CP', '57-NQ/TW']]
    """
    start = find_item(graph, item)
    chains: list[list[dict]] = []

    def walk(node: str, chain: list[dict], seen: set[str]) -> None:
        steps = [(target, data) for _, target, data in graph.out_edges(node, data=True) if data.get("relation") in LINEAGE and target not in seen]
        if not steps or len(chain) > max_depth:
            chains.append(chain)
            return
        for target, data in steps:
            step = summary(graph, target)
            step["edge"] = _edge_summary(graph.nodes[node].get("label"), step.get("label"), data)
            walk(target, chain + [step], seen | {target})

    walk(start, [summary(graph, start)], {start})
    chains.sort(key=lambda chain: (-len(chain), [step["label"] for step in chain]))
    return {"item": summary(graph, start), "chains": [chain for chain in chains if len(chain) > 1]}


def _central_policies(graph: nx.MultiDiGraph) -> list[str]:
    attributes_of = _node_attributes(graph)
    into, _ = lineage_edges(graph)
    return sorted(
        (node for node in _nodes_by_kind(graph).get("document", ()) if attributes_of[node].get("level") == "central" and node in into),
        key=lambda node: attributes_of[node]["label"],
    )


@without_cyclic_gc()
def coverage(graph: nx.MultiDiGraph, explicit_only: bool = False) -> dict:
    """Communes × central policies: how many of each commune's tasks implement each policy.

    >>> coverage(example_graph())["cells"]["Tích Lương"]["57-NQ/TW"]
    {'explicit': 1, 'implicit': 0}
    """
    labels = communes(graph)
    names = sorted(labels.values())
    policies = _central_policies(graph)
    attributes_of = _node_attributes(graph)
    commune_of_task = _commune_label_of_task(graph)
    counts: dict[str, dict[str, list[int]]] = {}
    for policy in policies:
        parents = _reach(graph, policy, explicit_only, 0.0)
        per_commune: dict[str, list[int]] = {}
        inferred = {policy: False}
        for node, (parent, edge) in parents.items():
            # Whether an inferred edge lies on its way to the policy: its parent comes first.
            implicit = inferred[node] = inferred[parent] or edge.get("method") in IMPLICIT_METHODS
            name = commune_of_task.get(node)
            if name is not None:
                found = per_commune.get(name)
                if found is None:
                    found = per_commune[name] = [0, 0]
                found[implicit] += 1
        if per_commune:
            counts[attributes_of[policy]["label"]] = per_commune
    none = (0, 0)
    cells = {name: {label: {"explicit": found[0], "implicit": found[1]} for label, per_commune in counts.items() for found in (per_commune.get(name, none),)}
             for name in names}
    provinces = {label: commune.province for commune, label in labels.items()}
    return {"communes": names, "provinces": provinces, "policies": list(counts), "cells": cells}


def _implementing_communes(graph: nx.MultiDiGraph, policy: str, explicit_only: bool = False) -> set[Commune]:
    parents = _reach(graph, policy, explicit_only, 0.0)
    return {Commune(graph.nodes[node]["commune"], graph.nodes[node].get("province"))
            for node in parents if graph.nodes[node].get("kind") in ("plan", "task") and graph.nodes[node].get("commune")}


def gaps(graph: nx.MultiDiGraph, policy: str, explicit_only: bool = False) -> dict:
    """Communes that do not implement `policy` although others of their province do.

    >>> gaps(example_graph(), "57-NQ/TW")["gaps"]
    [{'commune': 'Phan Đình Phùng', 'province': 'Thái Nguyên', 'peers_implementing': ['Tích Lương']}]
    """
    node = find_document(graph, policy)
    implementing = _implementing_communes(graph, node, explicit_only)
    by_province: dict[str | None, list[Commune]] = defaultdict(list)
    for commune in communes(graph):
        by_province[commune.province].append(commune)
    found = []
    for province, members in sorted(by_province.items(), key=lambda pair: pair[0] or ""):
        peers = sorted(commune.name for commune in members if commune in implementing)
        if not peers:
            continue
        found.extend({"commune": commune.name, "province": province, "peers_implementing": peers} for commune in members if commune not in implementing)
    return {"policy": summary(graph, node), "gaps": found}


def latency(graph: nx.MultiDiGraph, policy: str, explicit_only: bool = False) -> dict:
    """Days from the policy's date to each implementing document's date, per level and province.

    Undated documents are listed as undated, never given a guessed date.

    >>> result = latency(example_graph(), "57-NQ/TW")
    >>> [(row["label"], row["days"]) for row in result["documents"]]
    [('71/NQ-CP', 100), ('155/KH-UBND', 183), ('4/KH-UBND', 379)]
    >>> [row["label"] for row in result["undated"]]
    []
    """
    node = find_document(graph, policy)
    start = graph.nodes[node].get("date")
    if not start:
        raise ValueError(f"{graph.nodes[node]['label']} has no known date; latency cannot be measured from it")
    origin = date.fromisoformat(start)
    parents = _reach(graph, node, explicit_only, 0.0)
    paths = _paths(graph, parents, node)
    rows, undated = [], []
    for reached in parents:
        attributes = graph.nodes[reached]
        if attributes.get("kind") not in ("plan", "document"):
            continue
        row = summary(graph, reached)
        row["path"] = paths[reached]
        if attributes.get("date"):
            row["days"] = (date.fromisoformat(attributes["date"]) - origin).days
            rows.append(row)
        else:
            undated.append(row)
    rows.sort(key=lambda row: (row["days"], row["label"]))
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in rows:
        groups[(row.get("level", "unknown"), row.get("province") or "")].append(row["days"])
    per_group = [
        {"level": level, "province": province or None, "documents": len(days), "first": min(days), "median": median(days), "last": max(days)}
        for (level, province), days in sorted(groups.items(), key=lambda pair: (_LEVEL_ORDER.index(pair[0][0]) if pair[0][0] in _LEVEL_ORDER else 9, pair[0][1]))
    ]
    return {"policy": summary(graph, node), "documents": rows, "undated": sorted(undated, key=lambda row: row["label"]), "groups": per_group,
            "communes": _uptake(graph, parents, origin), "communes_per_province": _communes_per_province(graph)}


def _uptake(graph: nx.MultiDiGraph, reached: dict, origin: date) -> list[dict]:
    """Each commune's first dated document that implements the policy, itself or through one of its tasks
    (a plan whose task implements a resolution implements it too): the diffusion curve's steps.
    Communes whose implementing plans are all undated come last, with no days."""
    first: dict[Commune, tuple[int, str]] = {}
    undated: dict[Commune, str] = {}
    attributes_of = _node_attributes(graph)
    for node in reached:
        attributes = attributes_of[node]
        if attributes.get("kind") == "task":
            plans = [attributes["plan"]] if attributes.get("plan") in attributes_of else []
        elif attributes.get("kind") in ("plan", "document"):
            plans = [node]
        else:
            continue
        for plan in plans:
            document = attributes_of[plan]
            if not document.get("commune"):
                continue
            commune = Commune(document["commune"], document.get("province"))
            if not document.get("date"):
                undated.setdefault(commune, plan)
            else:
                candidate = ((date.fromisoformat(document["date"]) - origin).days, plan)
                if commune not in first or candidate < first[commune]:
                    first[commune] = candidate
    steps = [(commune, days, plan) for commune, (days, plan) in sorted(first.items(), key=lambda pair: (pair[1][0], pair[0].province or "", pair[0].name))]
    steps += [(commune, None, plan) for commune, plan in sorted(undated.items()) if commune not in first]
    return [{"commune": commune.name, "province": commune.province, "days": days, "document": graph.nodes[plan].get("caption") or graph.nodes[plan]["label"]}
            for commune, days, plan in steps]


def _communes_per_province(graph: nx.MultiDiGraph) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for commune in communes(graph):
        counts[commune.province or ""] += 1
    return dict(sorted(counts.items()))


def _tasks_of(graph: nx.MultiDiGraph, policy: str | None, commune: Commune | None = None, explicit_only: bool = False) -> list[str]:
    """The tasks of `commune` (all communes if None) that implement `policy` (any task if None)."""
    if policy is None:
        return _tasks_by_commune(graph).get(commune, []) if commune else _nodes_by_kind(graph).get("task", [])
    attributes_of = _node_attributes(graph)
    parents = _reach(graph, find_document(graph, policy), explicit_only, 0.0)
    return [node for node in parents if attributes_of[node].get("kind") == "task" and (commune is None or commune.holds(attributes_of[node]))]


def offices(graph: nx.MultiDiGraph, policy: str | None = None, commune: str | None = None) -> list[dict]:
    """Lead and partner workload per commune and office, optionally for one policy's tasks.

    >>> offices(example_graph())
    [{'commune': 'Tích Lương', 'province': 'Thái Nguyên', 'office': 'Công an phường', 'lead': 0, 'partner': 1}, {'commune': 'Tích Lương', 'province': 'Thái Nguyên', 'office': 'Phòng Văn hóa - Xã hội', 'lead': 1, 'partner': 0}]
    """
    if commune:
        commune = find_commune(graph, commune)
    counts: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: {"lead": 0, "partner": 0})
    attributes_of = _node_attributes(graph)
    for node in _tasks_of(graph, policy, commune):
        attributes = attributes_of[node]
        for role, key in (("lead", "lead"), ("partner", "partners")):
            for office in attributes.get(key, []):
                counts[(attributes.get("commune", "?"), attributes.get("province") or "", office)][role] += 1
    return [{"commune": place, "province": province or None, "office": office, **numbers} for (place, province, office), numbers in sorted(counts.items())]


# Words that vary between wards without changing what an indicator measures.
_FILLERS = ("người dân", "dân số", "người", "trên địa bàn", "toàn dân", "đạt", "của", "phường", "xã")
_SYNONYMS = {"truy nhập": "truy cập"}


@lru_cache(maxsize=None)
def harmonized_name(name: str) -> str:
    """One key for indicator names that differ only in wording.

    >>> harmonized_name("Tỷ lệ người dân tham gia bảo hiểm y tế") == harmonized_name("Tỷ lệ tham gia bảo hiểm y tế")
    True
    """
    key = fold_key(name)
    for variant, usual in _SYNONYMS.items():
        key = key.replace(variant, usual)
    for filler in _FILLERS:
        key = key.replace(f" {filler} ", " ")
    return " ".join(key.split())


def indicators(graph: nx.MultiDiGraph, query: str | None = None) -> list[dict]:
    """Indicators compared across communes; `query` is matched without diacritics or case.

    Rows are grouped by harmonized name, then commune.
    """
    from ..corpus.text import ascii_key

    wanted = ascii_key(query) if query else None
    attributes_of = _node_attributes(graph)
    rows = []
    for node, key in _indicator_keys(graph):
        if wanted and wanted not in key:
            continue
        attributes = attributes_of[node]
        name = attributes.get("label", "")
        rows.append({
            "indicator": harmonized_name(name), "name": name, "commune": attributes.get("commune"), "province": attributes.get("province"),
            "target": float(attributes["target"]) if attributes.get("target") is not None else None,
            "unit": attributes.get("unit"), "comparator": attributes.get("comparator"), "year": attributes.get("year"), "plan": attributes.get("plan_label"),
        })
    unique = {(row["indicator"], row["commune"], row["target"], row["comparator"], row["unit"]): row for row in rows}
    return sorted(unique.values(), key=lambda row: (row["indicator"], row["commune"] or "", row["target"] or 0))


def _indicator_keys(graph: nx.MultiDiGraph) -> list[tuple[str, str]]:
    """Each indicator with its name's key without diacritics or case, which a search matches."""
    from ..corpus.text import ascii_key

    def build(graph: nx.MultiDiGraph) -> list[tuple[str, str]]:
        attributes_of = _node_attributes(graph)
        return [(node, ascii_key(attributes_of[node].get("label", ""))) for node in _nodes_by_kind(graph).get("indicator", ())]

    return kept_on_graph(graph, "indicator_keys", build)


def shared_indicators(graph: nx.MultiDiGraph, min_communes: int = 2) -> list[dict]:
    """Indicators with the same name and target in several communes of one province: a set handed down from above.

    >>> shared_indicators(example_graph())
    []
    """
    groups: dict[tuple, set[str]] = defaultdict(set)
    written: dict[tuple, str] = {}
    for _, attributes in graph.nodes(data=True):
        if attributes.get("kind") != "indicator" or attributes.get("target") is None or not attributes.get("commune"):
            continue
        key = (attributes.get("province"), harmonized_name(attributes.get("label", "")), float(attributes["target"]), attributes.get("unit"), attributes.get("comparator"))
        groups[key].add(attributes["commune"])
        written.setdefault(key, attributes.get("label", ""))
    shared = [
        {"province": key[0], "indicator": written[key], "target": key[2], "unit": key[3], "comparator": key[4], "communes": sorted(names)}
        for key, names in groups.items() if len(names) >= min_communes
    ]
    return sorted(shared, key=lambda row: (row["province"] or "", -len(row["communes"]), row["indicator"]))


def tasks(graph: nx.MultiDiGraph, implements: str | None = None, commune: str | None = None, lead: str | None = None) -> list[dict]:
    """Tasks, filtered by a policy they implement (directly or through others), commune and lead office."""
    if commune:
        commune = find_commune(graph, commune)
    wanted_lead = fold_key(lead) if lead else None
    attributes_of = _node_attributes(graph)
    found = []
    for node in _tasks_of(graph, implements, commune):
        attributes = attributes_of[node]
        if wanted_lead and not any(wanted_lead in fold_key(office) for office in attributes.get("lead", [])):
            continue
        found.append(_card(node, attributes))
    return sorted(found, key=lambda item: (item.get("commune", ""), item.get("section", ""), int(item["number"]) if str(item.get("number", "")).isdigit() else 0))


def path(graph: nx.MultiDiGraph, source: str, target: str, complete: bool = True) -> list[dict] | None:
    """The shortest chain between two items: along lineage edges if one leads to the other, else any edges.

    On a graph that holds some layers of the projection only (`complete=False`), a chain of
    any edges is given only where none can be shorter (two steps at most: a shorter one would
    be a single edge, which joins two nodes of the layer and is in it); None means "look in
    the whole projection".

    >>> [step["label"] for step in path(example_graph(), "155/KH-UBND", "57-NQ/TW")]
    ['155/KH-UBND', '71/NQ-CP', '57-NQ/TW']
    """
    start, end = find_item(graph, source), find_item(graph, target)
    nodes = _lineage_chain(graph, start, end)
    if nodes is None:
        nodes = _any_chain(graph, start, end)
        if not complete and (not nodes or len(nodes) > 3):
            return None
    return _steps(graph, nodes) if nodes else []


def _lineage_chain(graph: nx.MultiDiGraph, start: str, end: str) -> list[str] | None:
    """The shortest chain of lineage edges from one item to the other, either way round; of
    chains as short, the one whose steps come first by label (whatever layers are loaded)."""
    _, out = lineage_edges(graph)
    attributes_of = _node_attributes(graph)
    for first, second in ((start, end), (end, start)):
        came_from: dict[str, str | None] = {first: None}
        queue = deque([first])
        while queue and second not in came_from:
            current = queue.popleft()
            for target in sorted({target for target, _ in out.get(current, ())}, key=lambda node: (attributes_of[node].get("label") or "", node)):
                if target not in came_from:
                    came_from[target] = current
                    queue.append(target)
        if second in came_from:
            chain = [second]
            while came_from[chain[-1]] is not None:
                chain.append(came_from[chain[-1]])
            return chain[::-1]
    return None


def _any_chain(graph: nx.MultiDiGraph, start: str, end: str) -> list[str]:
    """The shortest chain of edges of any relation, either direction, between two nodes ([] if
    none): a breadth-first search from both ends at once, over the adjacency dicts (an
    undirected view of a national graph first compares its 350,000 nodes' keys, 0.13 s)."""
    if start == end:
        return [start]
    reached = ({start: None}, {end: None})
    frontiers = [[start], [end]]
    while frontiers[0] and frontiers[1]:
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        mine, theirs = reached[side], reached[1 - side]
        following = []
        for node in frontiers[side]:
            for neighbour in chain(graph._succ[node], graph._pred[node]):
                if neighbour in mine:
                    continue
                mine[neighbour] = node
                if neighbour in theirs:
                    return _joined(reached, neighbour)
                following.append(neighbour)
        frontiers[side] = following
    return []


def _joined(reached: tuple[dict, dict], meeting: str) -> list[str]:
    """The chain from the start to the end through `meeting`, where the two searches met."""
    nodes, node = [], meeting
    while node is not None:
        nodes.append(node)
        node = reached[0][node]
    nodes.reverse()
    node = reached[1][meeting]
    while node is not None:
        nodes.append(node)
        node = reached[1][node]
    return nodes


def _steps(graph: nx.MultiDiGraph, nodes: list[str]) -> list[dict]:
    steps = []
    for position, node in enumerate(nodes):
        step = summary(graph, node)
        if position:
            previous = nodes[position - 1]
            data = next(iter((graph.get_edge_data(previous, node) or graph.get_edge_data(node, previous) or {None: {}}).values()))
            step["edge"] = {"relation": data.get("relation"), "method": data.get("method"), "sentence": data.get("sentence")}
        steps.append(step)
    return steps


def neighbors(graph: nx.MultiDiGraph, item: str) -> dict:
    """Everything one step away, in and out, with the relation."""
    node = find_item(graph, item)
    out = [{"relation": data.get("relation"), **summary(graph, target)} for _, target, data in graph.out_edges(node, data=True)]
    into = [{"relation": data.get("relation"), **summary(graph, source)} for source, _, data in graph.in_edges(node, data=True)]
    return {"item": summary(graph, node), "out": out, "in": into}


def graph_stats(graph: nx.MultiDiGraph) -> dict:
    """Nodes by kind and edges by relation and method."""
    kinds: dict[str, int] = defaultdict(int)
    for _, attributes in graph.nodes(data=True):
        kinds[attributes.get("kind", "?")] += 1
    relations: dict[str, int] = defaultdict(int)
    for _, _, data in graph.edges(data=True):
        relations[f"{data.get('relation')}/{data.get('method', '-')}"] += 1
    return {"nodes": dict(sorted(kinds.items())), "edges": dict(sorted(relations.items())), "communes": len(communes(graph))}
