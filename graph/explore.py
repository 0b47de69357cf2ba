"""What each page of the explorer (`lineage serve`) shows, as plain data: the home page's
policies, a search, a document, a policy's cascade, a commune, a task.

The same dicts are the pages' JSON under /api/…; graph.serve only renders them.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections import Counter, defaultdict

import networkx as nx

from ..corpus.identifiers import IRI_BASE
from ..corpus.text import ascii_key
from .indexes import kept_on_graph
from .lookup import Commune, NotFound
from .queries import (LINEAGE, _card, _central_policies, _edge_summary, _node_attributes, _nodes_by_kind, _reach, _tasks_by_commune, ancestry,
                      commune_of, gaps, grouped_nodes, summary)

__all__ = ["policies", "search", "document", "policy", "commune", "task", "office", "page_of", "prepare", "SEARCH_LIMIT"]

#: Results a search shows for each kind of item.
SEARCH_LIMIT = 30
_SEARCHED = ("document", "plan", "unit", "office", "task")
_KIND_ORDER = {"document": 0, "plan": 1, "unit": 2, "office": 3, "task": 4}


def prepare(graph: nx.MultiDiGraph) -> None:
    """Build the indexes the pages read, so that no visitor waits for them (a server's start)."""
    _search_index(graph)
    _plans_by_commune(graph)
    _tasks_by_commune(graph)
    _indicators_by_plan(graph)
    _central_set(graph)


def page_of(graph: nx.MultiDiGraph, node: str) -> str:
    """The explorer's address of an item: /policy/… for a central document others implement,
    /commune/… for a commune, /task/… for a task, /document/… otherwise."""
    attributes = graph.nodes[node]
    rest = node[len(IRI_BASE):] if node.startswith(IRI_BASE) else node
    kind = attributes.get("kind")
    if kind == "unit":
        return f"/commune/{rest}"
    if kind == "task":
        return f"/task/{rest}"
    if kind == "office":
        return f"/office/{rest}"
    return f"/document/{rest}"


def _linked(graph: nx.MultiDiGraph, node: str) -> dict:
    card = summary(graph, node)
    card["page"] = page_of(graph, node)
    return card


def policies(graph: nx.MultiDiGraph) -> list[dict]:
    """Every central policy something in the store implements, with how far it has cascaded."""
    attributes_of = _node_attributes(graph)
    found = []
    for node in _central_policies(graph):
        reached = _reach(graph, node, False, 0.0)
        kinds = Counter(attributes_of[item].get("kind") for item in reached)
        communes = {(attributes_of[item].get("commune"), attributes_of[item].get("province")) for item in reached
                    if attributes_of[item].get("kind") in ("plan", "task") and attributes_of[item].get("commune")}
        provinces = {attributes_of[item].get("province") for item in reached if attributes_of[item].get("province")}
        found.append({**_linked(graph, node), "policy_page": f"/policy/{node[len(IRI_BASE):]}", "documents": kinds["document"] + kinds["plan"],
                      "provinces": len(provinces), "communes": len(communes), "tasks": kinds["task"]})
    return sorted(found, key=lambda row: (-row["communes"], -row["tasks"], row["label"]))


def _search_index(graph: nx.MultiDiGraph) -> tuple[dict[str, set[str]], list[str]]:
    """Each word (no diacritics, no case) of the names of documents, plans, communes, offices
    and tasks, with the items whose name has it; and the words in order, for prefixes."""
    def build(graph: nx.MultiDiGraph) -> tuple[dict[str, set[str]], list[str]]:
        attributes_of = _node_attributes(graph)
        index: dict[str, set[str]] = defaultdict(set)
        for kind in _SEARCHED:
            for node in _nodes_by_kind(graph).get(kind, ()):
                attributes = attributes_of[node]
                if kind == "unit" and not _is_commune(graph, node):
                    continue  # a province: its communes are what a reader looks for
                names = " ".join(str(attributes.get(key) or "") for key in ("label", "symbol", "caption", "title", "name"))
                for word in set(_words(names)):
                    index[word].add(node)
        return dict(index), sorted(index)

    return kept_on_graph(graph, "search_index", build)


def _is_commune(graph: nx.MultiDiGraph, unit: str) -> bool:
    return any(data.get("relation") == "within_province" for _, _, data in graph.out_edges(unit, data=True))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", ascii_key(text))


def search(graph: nx.MultiDiGraph, text: str, limit: int = SEARCH_LIMIT) -> dict:
    """Items whose name has every word of `text` (diacritics and case optional; the last word
    may be the start of one), grouped by kind, documents first."""
    words = _words(text)
    if not words:
        return {"query": text, "results": [], "total": 0}
    index, vocabulary = _search_index(graph)
    *whole, last = words
    found: set[str] | None = None
    for word in sorted(whole, key=lambda word: len(index.get(word, ()))):
        found = set(index.get(word, ())) if found is None else found & index.get(word, set())
    starting = set().union(*(index[word] for word in _starting_with(vocabulary, last))) if len(last) >= 3 else index.get(last, set())
    found = starting if found is None else found & starting
    attributes_of = _node_attributes(graph)
    written = " ".join(words)

    def rank(node: str) -> tuple:
        attributes = attributes_of[node]
        label = attributes.get("label") or ""
        return (_KIND_ORDER.get(attributes.get("kind"), 9), not " ".join(_words(label)).startswith(written), attributes.get("level") != "central", len(label), label)

    by_kind: dict[str, list[str]] = defaultdict(list)
    for node in found:
        by_kind[attributes_of[node].get("kind")].append(node)
    # Only the first few of each kind are shown: they are picked, not the whole set sorted.
    shown = [_linked(graph, node) for kind in sorted(by_kind, key=lambda kind: _KIND_ORDER.get(kind, 9))
             for node in heapq.nsmallest(limit, by_kind[kind], key=rank)]
    return {"query": text, "results": shown, "total": len(found), "by_kind": {kind: len(nodes) for kind, nodes in by_kind.items()}}


def _starting_with(vocabulary: list[str], prefix: str) -> list[str]:
    start = bisect.bisect_left(vocabulary, prefix)
    end = bisect.bisect_left(vocabulary, prefix + "\x7f")
    return vocabulary[start:end]


def _node(graph: nx.MultiDiGraph, rest: str, kinds: tuple[str, ...]) -> str:
    node = IRI_BASE + rest
    if node not in graph or graph.nodes[node].get("kind") not in kinds:
        raise NotFound(f"no {' or '.join(kinds)} at /{rest} in the graph")
    return node


def _marked(sentence: str, words: list[str]) -> list[dict]:
    """The sentence cut into plain and marked parts: the first place one of `words` (the
    cited document's symbol or name) is written in it, diacritics and case aside."""
    folded = ascii_key(sentence)
    for word in sorted({word for word in words if word and len(word) >= 2}, key=len, reverse=True):
        at = folded.find(ascii_key(word))
        if at >= 0 and len(folded) == len(sentence):
            end = at + len(word)
            return [part for part in ({"text": sentence[:at], "mark": False}, {"text": sentence[at:end], "mark": True}, {"text": sentence[end:], "mark": False}) if part["text"]]
    return [{"text": sentence, "mark": False}]


def _link(graph: nx.MultiDiGraph, source: str, target: str, data: dict, other: str) -> dict:
    found = _edge_summary(graph.nodes[source].get("label"), graph.nodes[target].get("label"), data)
    cited = graph.nodes[target]
    found["item"] = _linked(graph, other)
    found["evidence"]["parts"] = _marked(found["evidence"]["sentence"], [cited.get("symbol"), cited.get("label"), cited.get("name")])
    return found


_STRUCTURE = {"part_of", "issued_by", "in_province", "in_commune", "within_province", "lead", "partner", "indicator_of"}


def document(graph: nx.MultiDiGraph, rest: str) -> dict:
    """A document or plan: its header fields, what it implements, is based on and cites (each
    with its evidence), what implements it, its tasks and its indicators."""
    node = _node(graph, rest, ("document", "plan"))
    attributes_of = _node_attributes(graph)
    outgoing: dict[str, list[dict]] = defaultdict(list)
    for _, target, data in graph.out_edges(node, data=True):
        relation = data.get("relation")
        if relation not in _STRUCTURE:
            outgoing[relation].append(_link(graph, node, target, data, target))
    implementing = sorted(((source, data) for source, _, data in graph.in_edges(node, data=True) if data.get("relation") in LINEAGE),
                          key=lambda pair: (_LEVEL_RANK.get(attributes_of[pair[0]].get("level") or "task", 9), attributes_of[pair[0]].get("label") or ""))
    implementers = [_link(graph, source, node, data, source) for source, data in implementing[:IMPLEMENTERS_SHOWN]]
    tasks = [_linked(graph, source) for source, _, data in graph.in_edges(node, data=True)
             if data.get("relation") == "part_of" and attributes_of[source].get("kind") == "task"]
    indicators = [_card(item, attributes_of[item]) for item in _indicators_by_plan(graph).get(node, ())]
    fields = {key: value for key, value in attributes_of[node].items() if key in ("symbol", "type", "title", "date", "month", "year", "level", "commune", "province", "caption")}
    issuers = [summary(graph, target) for _, target, data in graph.out_edges(node, data=True) if data.get("relation") == "issued_by"]
    return {"item": _linked(graph, node), "fields": fields, "issuers": issuers, "out": dict(outgoing),
            "implemented_by": implementers, "implemented_by_total": len(implementing),
            "tasks": sorted(tasks, key=lambda card: (card.get("section") or "", str(card.get("number") or ""))),
            "indicators": sorted(indicators, key=lambda card: card.get("label") or ""),
            "policy_page": f"/policy/{rest}" if node in _central_set(graph) else None}


#: Implementers a document's page lists (57-NQ/TW has thousands nationally; a policy's page has them all by province).
IMPLEMENTERS_SHOWN = 200
_LEVEL_RANK = {"central": 0, "province": 1, "district": 2, "commune": 3, "task": 4}


def _plan_of(attributes: dict) -> str | None:
    return attributes.get("plan") or None


def _commune_with_a_name(attributes: dict) -> Commune | None:
    return commune_of(attributes) if attributes.get("commune") else None


def _indicators_by_plan(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    return grouped_nodes(graph, "indicator", _plan_of)


def _plans_by_commune(graph: nx.MultiDiGraph) -> dict[Commune, list[str]]:
    return grouped_nodes(graph, "plan", _commune_with_a_name)


def _unit_of(graph: nx.MultiDiGraph, plan: str) -> str | None:
    return next((target for _, target, data in graph.out_edges(plan, data=True) if data.get("relation") == "in_commune"), None)


def _central_set(graph: nx.MultiDiGraph) -> set[str]:
    return kept_on_graph(graph, "central_policies", lambda graph: set(_central_policies(graph)))


def policy(graph: nx.MultiDiGraph, rest: str) -> dict:
    """A policy's cascade: its documents and tasks by province and level, the communes that
    implement it in each province, and the communes behind their provincial peers."""
    from .queries import trace

    node = _node(graph, rest, ("document", "plan"))
    cascade = trace(graph, node)
    levels: dict[str, Counter] = defaultdict(Counter)
    communes: dict[str, set] = defaultdict(set)
    for item in cascade["items"]:
        level = "task" if item["kind"] == "task" else item.get("level") or "unknown"
        province = item.get("province") or ("" if level == "central" else "?")
        levels[province][level] += 1
        if item.get("commune"):
            communes[province].add(item["commune"])
    per_province = _communes_per_province(graph)
    rows = [{"province": province or None, "central_documents": count.get("central", 0), "provincial_documents": count.get("province", 0),
             "commune_plans": count.get("commune", 0), "tasks": count.get("task", 0),
             "communes": len(communes.get(province, ())), "communes_in_store": per_province.get(province, 0)}
            for province, count in sorted(levels.items(), key=lambda pair: (pair[0] != "", -len(communes.get(pair[0], ())), pair[0]))]
    central = [_linked(graph, item["id"]) for item in cascade["items"] if item.get("level") == "central"]
    return {"item": _linked(graph, node), "total": len(cascade["items"]), "by_level": {level: len(labels) for level, labels in cascade["by_level"].items()},
            "provinces": rows, "central": central, "gaps": gaps(graph, node)["gaps"], "document_page": f"/document/{rest}"}


def _communes_per_province(graph: nx.MultiDiGraph) -> dict[str, int]:
    from .lookup import communes

    counts: Counter = Counter(commune.province or "" for commune in communes(graph))
    return dict(counts)


def commune(graph: nx.MultiDiGraph, rest: str) -> dict:
    """A commune: its plans, their tasks with lead offices, its offices and indicators, and
    its provincial peers with theirs counted."""
    node = _node(graph, rest, ("unit",))
    attributes_of = _node_attributes(graph)
    plans = [source for source, _, data in graph.in_edges(node, data=True) if data.get("relation") == "in_commune" and attributes_of[source].get("kind") == "plan"]
    if not plans:
        raise NotFound(f"no plan of the commune at /{rest} is in the graph")
    place = Commune(attributes_of[plans[0]].get("commune"), attributes_of[plans[0]].get("province"))
    plans = _plans_by_commune(graph).get(place, plans)
    tasks = _tasks_by_commune(graph).get(place, [])
    offices: Counter = Counter(office for item in tasks for office in attributes_of[item].get("lead", []))
    indicators = [_card(item, attributes_of[item]) for plan in plans for item in _indicators_by_plan(graph).get(plan, ())]
    tasks_of = _tasks_by_commune(graph)
    peers = []
    for other, their_plans in _plans_by_commune(graph).items():
        if other.province == place.province:
            unit = _unit_of(graph, their_plans[0])
            peers.append({"commune": other.name, "plans": len(their_plans), "tasks": len(tasks_of.get(other, ())),
                          "page": page_of(graph, unit) if unit else None})
    return {"item": _linked(graph, node), "commune": place.name, "province": place.province,
            "plans": [_linked(graph, plan) for plan in sorted(plans, key=lambda plan: attributes_of[plan].get("date") or "")],
            "tasks": [_linked(graph, item) for item in sorted(tasks, key=lambda item: (attributes_of[item].get("section") or "", str(attributes_of[item].get("number") or "")))],
            "offices": [{"office": office, "leads": count} for office, count in offices.most_common()],
            "indicators": sorted(indicators, key=lambda card: card.get("label") or ""),
            "peers": sorted(peers, key=lambda row: (-row["tasks"], row["commune"]))}


def task(graph: nx.MultiDiGraph, rest: str) -> dict:
    """A task: its text, offices, plan, and every chain up to the central policies."""
    node = _node(graph, rest, ("task",))
    chains = ancestry(graph, node)["chains"]
    for chain in chains:
        for step in chain:
            step["page"] = page_of(graph, step["id"])
    attributes = graph.nodes[node]
    plan = attributes.get("plan")
    return {"item": _linked(graph, node), "plan": _linked(graph, plan) if plan in graph else None, "chains": chains}


def office(graph: nx.MultiDiGraph, rest: str) -> dict:
    """An office: the tasks it leads or takes part in."""
    node = _node(graph, rest, ("office",))
    attributes_of = _node_attributes(graph)
    label = attributes_of[node].get("label")
    led = [_linked(graph, source) for source, _, data in graph.in_edges(node, data=True) if attributes_of[source].get("kind") == "task"]
    return {"item": _linked(graph, node), "office": label, "tasks": sorted(led, key=lambda card: card["label"])}
