"""Interactive lineage maps: pyvis builds the nodes and edges, a self-contained page draws them.

pyvis's own template loads Bootstrap and, unless told otherwise, vis-network from
CDNs; a researcher's map must open with no network at all, so the page here inlines
vis-network (the copy pyvis ships) and uses no other resource.  All document text
reaches the page as JSON data and is put into it with `textContent`, never as HTML.
Positions are computed here (graph/layout.py) and physics is off, so a map of thousands
of nodes draws at once; above `AGGREGATE_ABOVE` nodes, tasks are folded into one node
per commune (and a province's documents, communes and tasks into one node per
province), which a click unfolds; on a policy's map, the tasks linked to it only by
inference are folded per commune the same way, and on the whole graph's map the
documents that are only cited (no lineage drawn) into one node per level.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from .layout import ROW_GAP, bottom, layered_positions
from .projection import without_cyclic_gc
from .queries import IMPLICIT_METHODS, LINEAGE, lineage_edges, trace

__all__ = ["build_map", "write_map", "map_html", "AGGREGATE_ABOVE", "LEVEL_ROWS", "COLOURS"]

AGGREGATE_ABOVE = 1000
#: Members a group carries for unfolding: a province of the national map holds thousands
#: of tasks, and carrying them all made the page 180 MB.  A map of one province or
#: commune (`--province`, `--commune`) shows the rest.
MEMBERS_EMBEDDED = 150

#: Maps with more edges than this draw them straight: curves cost the browser seconds.
CURVED_EDGES_UP_TO = 1500

#: Rows of the cascade, top to bottom.
LEVEL_ROWS = {"policy": 0, "central": 1, "province": 2, "district": 3, "commune": 4, "task": 5, "office": 6}
COLOURS = {
    "policy": "#ef9a9a", "central": "#c62828", "province": "#1565c0", "district": "#6a1b9a",
    "commune": "#2e7d32", "task": "#f9a825", "office": "#546e7a", "aggregate": "#8d6e63", "unknown": "#9e9e9e",
}
RELATION_COLOURS = {"implements": "#424242", "continues": "#1e88e5", "amends": "#ef6c00", "based_on": "#8e24aa", "lead": "#90a4ae", "part_of": "#a5d6a7"}
#: Structural edges drawn besides lineage: a task's lead office, and the plan a task belongs to.
STRUCTURE = ("lead", "part_of")
LEGEND = {
    "policy": "chính sách được truy vết / traced policy", "central": "trung ương / central", "province": "tỉnh / province",
    "district": "huyện / district", "commune": "xã, phường / commune", "task": "nhiệm vụ / task", "office": "cơ quan chủ trì / lead office",
    "aggregate": "nhóm (bấm để mở) / group (click to open)",
}


def _row(attributes: dict) -> str:
    if attributes.get("kind") == "task":
        return "task"
    if attributes.get("kind") == "office":
        return "office"
    return attributes.get("level") or "unknown"


def _tooltip(attributes: dict) -> str:
    lines = [attributes.get("caption") or attributes.get("label", "")]
    for key, name in (("symbol", "Số ký hiệu"), ("name", "Tên"), ("title", "Trích yếu"), ("date", "Ngày"), ("month", "Tháng"), ("issuer", "Cơ quan ban hành"),
                      ("commune", "Xã, phường"), ("province", "Tỉnh"), ("section", "Mục"), ("text", "Nội dung")):
        value = attributes.get(key)
        if value and value != attributes.get("label"):
            lines.append(f"{name}: {value if len(str(value)) < 400 else str(value)[:400] + '…'}")
    if attributes.get("lead"):
        lines.append("Chủ trì: " + ", ".join(attributes["lead"]))
    return "\n".join(lines)


def _edge_tooltip(data: dict) -> str:
    lines = [f"{data.get('relation')} · {data.get('method', 'explicit')} · {float(data.get('confidence', 1.0)):.2f}"]
    if data.get("sentence"):
        lines.append(data["sentence"] if len(data["sentence"]) < 600 else data["sentence"][:600] + "…")
    if data.get("source"):
        lines.append(f"Nguồn: {data['source']}")
    return "\n".join(lines)


def _cascade(graph: nx.MultiDiGraph, policy: str, province: str | None, commune: str | None, depth: int | None, implicit: bool) -> tuple[str, set[str], set[str]]:
    """(the policy, everything in its drawn cascade, the tasks that reach it only by inference)."""
    result = trace(graph, policy, province=province, commune=commune, explicit_only=not implicit)
    root = result["policy"]["id"]
    items = [item for item in result["items"] if depth is None or len(item["path"]) - 1 <= depth]
    inferred = {item["id"] for item in items if item["implicit"] and item["kind"] == "task"}
    return root, {item["id"] for item in items}, inferred


def _task_counts(graph: nx.MultiDiGraph, tasks: set[str]) -> dict[str, int]:
    """How many of `tasks` reach each node along lineage edges (the node's size).

    What lies above a document is the same for every task under it, so it is walked
    once per document, not once per task (a national map has 220,000 tasks).
    """
    _, out = lineage_edges(graph)
    above: dict[str, set[str]] = {}

    def above_of(node: str) -> set[str]:
        if node not in above:
            seen: set[str] = set()
            stack = [node]
            while stack:
                for target, _ in out.get(stack.pop(), ()):
                    if target not in seen:
                        seen.add(target)
                        stack.append(target)
            above[node] = seen
        return above[node]

    counts: dict[str, int] = defaultdict(int)
    for task in tasks:
        reached: set[str] = set()
        for target, _ in out.get(task, ()):
            reached.add(target)
            reached |= above_of(target)
        reached.discard(task)
        for node in reached:
            counts[node] += 1
    return counts


def _size(count: int) -> float:
    """A node's size by the tasks under it: on a log scale, as one resolution has 200,000 of them and a ward plan 20."""
    return round(10 + 6 * math.log10(1 + count), 1)


def _map_label(node: str, attributes: dict, row: str) -> str:
    """The node's label, with its commune or province on a second line: every commune has its plan 04."""
    label = _short(attributes.get("label", node))
    place = attributes.get("commune") if row in ("commune", "task") else attributes.get("province") if row in ("province", "district") else None
    return f"{label}\n{_short(place)}" if place and place not in label else label


def _node_payload(node: str, attributes: dict, row: str, size: float) -> dict:
    return {
        "id": node, "label": _map_label(node, attributes, row), "title": _tooltip(attributes), "level": LEVEL_ROWS.get(row, 4),
        "color": COLOURS.get(row, COLOURS["unknown"]), "size": size, "shape": "dot" if row in ("task", "office") else "box" if row == "policy" else "dot",
        "category": row, "kind": attributes.get("kind"), "commune": attributes.get("commune") or "", "province": attributes.get("province") or "",
    }


def _short(label: str, width: int = 30) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _edge_payload(source: str, target: str, data: dict) -> dict:
    relation = data.get("relation", "")
    implicit = data.get("method") in IMPLICIT_METHODS
    return {
        "from": source, "to": target, "title": _edge_tooltip(data) if relation in LINEAGE else relation, "arrows": "to",
        "color": RELATION_COLOURS.get(relation, "#bdbdbd"), "dashes": implicit or relation in STRUCTURE,
        "relation": relation, "method": data.get("method", "structure" if relation in STRUCTURE else "explicit"),
    }


def _select(graph: nx.MultiDiGraph, policy: str | None, province: str | None, commune: str | None, depth: int | None, implicit: bool):
    """The nodes a map shows, each with its row, and the edges between them."""
    inferred: set[str] = set()
    if policy:
        root, members, inferred = _cascade(graph, policy, province, commune, depth, implicit)
        rows = {node: _row(graph.nodes[node]) for node in members}
        rows[root] = "policy"
    else:
        rows = {
            node: _row(attributes) for node, attributes in graph.nodes(data=True)
            if attributes.get("kind") in ("plan", "document", "task")
            and (not commune or attributes.get("commune") in (None, commune.name) or attributes.get("level") != "commune")
            and (not province or attributes.get("province") in (None, province))
        }
        degree = graph.degree
        rows = {node: row for node, row in rows.items() if row == "task" or degree[node] > 0}
    candidates, offices = [], []
    for source, target, data in graph.edges(data=True):
        relation = data.get("relation")
        if relation not in LINEAGE and relation not in STRUCTURE:
            continue
        if relation == "lead" and rows.get(source) == "task":
            offices.append(target)
        if implicit or data.get("method") not in IMPLICIT_METHODS:
            candidates.append((source, target, data))
    for office in offices:
        rows.setdefault(office, "office")
    edges = [(source, target, data) for source, target, data in candidates if source in rows and target in rows]
    return rows, edges, inferred


def _unlinked_groups(rows: dict[str, str], edges: list) -> dict[str, str]:
    """Documents with no lineage drawn (only cited), folded into one group per level."""
    linked = {end for source, target, _ in edges for end in (source, target)}
    return {node: f"group:cited:{row}" for node, row in rows.items() if row not in ("task", "office") and node not in linked}


def _commune_place(attributes: dict) -> str:
    """A commune as a group names it: with its province, as communes of the same name are many."""
    commune, province = attributes.get("commune") or "?", attributes.get("province")
    return f"{commune}, {province}" if province else commune


def _size_groups(graph: nx.MultiDiGraph, rows: dict[str, str], threshold: int) -> dict[str, str]:
    """Tasks and offices folded into one group per commune; if still too many, a province's
    documents, communes and tasks into one group per province."""
    groups: dict[str, list[str]] = defaultdict(list)
    for node, row in rows.items():
        if row == "task":
            groups[f"group:tasks:{_commune_place(graph.nodes[node])}"].append(node)
    folded = {member: group for group, members in groups.items() for member in members}
    for node, row in rows.items():
        if row == "office":  # an office has no commune of its own: it goes with the first task it leads
            task = next((task for task in graph.pred[node] if task in folded), None)
            folded[node] = folded[task] if task else "group:tasks:?"
            groups[folded[node]].append(node)
    if len(rows) - len(folded) + len(groups) > threshold:
        for node, row in rows.items():
            if row in ("province", "district", "commune") and node not in folded and graph.nodes[node].get("province"):
                folded[node] = f"group:province:{graph.nodes[node]['province']}"
        for member, group in list(folded.items()):
            if group.startswith("group:tasks:"):
                province = next((graph.nodes[node].get("province") for node in groups[group] if graph.nodes[node].get("province")), "?")
                folded[member] = f"group:province:{province}"
    return folded


def _inferred_groups(graph: nx.MultiDiGraph, inferred_tasks: set[str]) -> dict[str, str]:
    """Tasks linked to the policy only by inference, folded into one group per commune (a click unfolds them)."""
    return {task: f"group:inferred:{_commune_place(graph.nodes[task])}" for task in inferred_tasks}


_GROUP_LABELS = {
    "tasks": "{tasks} nhiệm vụ\n{place}",
    "inferred": "{tasks} nhiệm vụ suy luận\n{place}",
    "province": "{place}\n{communes} xã · {tasks} nhiệm vụ",
    "cited": "{documents} văn bản chỉ được trích dẫn\n{place}",
}
_LEVEL_NAMES = {"central": "trung ương", "province": "tỉnh", "district": "huyện", "commune": "xã, phường", "unknown": "không rõ cấp"}


def _group_row(kind: str, place: str) -> str:
    return {"tasks": "task", "inferred": "task", "province": "province"}.get(kind, place)


def _group_payload(graph: nx.MultiDiGraph, group: str, members: list[str], rows: dict[str, str], payload) -> dict:
    """One node standing for `members`, carrying the first MEMBERS_EMBEDDED of them for unfolding."""
    kind, place = group.split(":")[1], group.split(":", 2)[2]
    tasks = sum(1 for member in members if rows[member] == "task")
    documents = sum(1 for member in members if rows[member] not in ("task", "office", "commune") or kind == "cited")
    communes = len({graph.nodes[member].get("commune") for member in members if rows[member] == "commune"})
    label = _GROUP_LABELS[kind].format(tasks=tasks, documents=documents, communes=communes, place=_LEVEL_NAMES.get(place, place) if kind == "cited" else place)
    carried = sorted(members, key=lambda member: (LEVEL_ROWS.get(rows[member], 4), member))[:MEMBERS_EMBEDDED]
    title = f"{place}: {documents} văn bản tỉnh, {communes} xã, phường, {tasks} nhiệm vụ" if kind == "province" else label.replace("\n", " · ")
    title += "\nBấm để mở / click to open"
    if len(carried) < len(members):
        title += f" ({len(carried)} / {len(members)}; lineage map --province, --commune: tất cả / all)"
    return {
        "id": group, "label": label, "title": title, "level": LEVEL_ROWS.get(_group_row(kind, place), 4),
        "color": COLOURS["aggregate"], "size": _size(len(members)) + 4, "shape": "diamond", "category": "aggregate",
        "members": [payload(member) for member in carried], "members_total": len(members), "member_edges": [],
    }


def _fold(graph: nx.MultiDiGraph, rows: dict[str, str], edges: list, folded: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """Nodes and edges with the `folded` members replaced by their group; members kept for unfolding."""
    counts = _task_counts(graph, {node for node, row in rows.items() if row == "task"})

    def payload(node: str) -> dict:
        return _node_payload(node, graph.nodes[node], rows[node], _size(counts.get(node, 0)))

    nodes = [payload(node) for node in rows if node not in folded]
    members_of: dict[str, list[str]] = defaultdict(list)
    for member, group in folded.items():
        members_of[group].append(member)
    groups = {group: _group_payload(graph, group, members, rows, payload) for group, members in sorted(members_of.items())}
    nodes.extend(groups.values())
    embedded = {member["id"] for group in groups.values() for member in group["members"]}
    edge_payloads: dict[tuple, dict] = {}
    for source, target, data in edges:
        shown = (folded.get(source, source), folded.get(target, target))
        if shown[0] == shown[1]:
            if source in embedded and target in embedded:
                groups[shown[0]]["member_edges"].append(_edge_payload(source, target, data))
            continue
        key = (shown[0], shown[1], data.get("relation", ""))
        if key in edge_payloads:
            folded_end = source != shown[0] or target != shown[1]
            if folded_end and all(end not in folded or end in embedded for end in (source, target)):
                edge = _edge_payload(source, target, data)
                edge_payloads[key].setdefault("hidden_members", []).append({"member_from": source, "member_to": target, **{name: edge[name] for name in ("title", "relation", "method")}})
            continue
        edge = _edge_payload(source, target, data)
        edge["member_from"], edge["member_to"] = source, target
        edge["from"], edge["to"] = shown
        edge_payloads[key] = edge
    return nodes, list(edge_payloads.values())


def _place(nodes: list[dict], edges: list[dict]) -> None:
    """Positions for the nodes, and for each group's members below everything, under the group."""
    positions = layered_positions(nodes, edges)
    for node in nodes:
        node["x"], node["y"] = positions[str(node["id"])]
    unfold_at = bottom(positions) + ROW_GAP
    for group in nodes:
        if group.get("members"):
            local = layered_positions(group["members"], group["member_edges"], top=unfold_at, centre=group["x"])
            for member in group["members"]:
                member["x"], member["y"] = local[str(member["id"])]


@without_cyclic_gc()
def build_map(graph: nx.MultiDiGraph, policy: str | None = None, province: str | None = None, commune: str | None = None,
              depth: int | None = None, implicit: bool = True, aggregate_above: int = AGGREGATE_ABOVE) -> dict:
    """The map's data: nodes, edges, options and a title (see `map_html` and `write_map`)."""
    from .lookup import communes, find_commune

    if commune:
        commune = find_commune(graph, commune)
    rows, edges, inferred = _select(graph, policy, province, commune, depth, implicit)
    network = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    folded = _size_groups(graph, rows, aggregate_above) if policy is None or len(rows) > aggregate_above else _inferred_groups(graph, inferred)
    if policy is None:
        folded.update(_unlinked_groups(rows, edges))
    nodes, edge_payloads = _fold(graph, rows, edges, folded)
    _place(nodes, edge_payloads)
    for node in nodes:
        network.add_node(node["id"], **{key: value for key, value in node.items() if key != "id"})
    for edge in edge_payloads:
        network.add_edge(edge["from"], edge["to"], **{key: value for key, value in edge.items() if key not in ("from", "to")})
    title = "Bản đồ phả hệ chính sách"
    if policy:
        head = next(node for node in nodes if node["category"] == "policy")
        title = f"Phả hệ của {head['label']}"
    if commune:
        title += f" · {communes(graph).get(commune, commune.name)}"
    if province:
        title += f" · {province}"
    options = {
        "layout": {"hierarchical": {"enabled": False}, "improvedLayout": False},
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": True, "multiselect": False},
        "nodes": {"font": {"size": 14, "face": "DejaVu Sans, Arial, sans-serif"}, "borderWidth": 1},
        "edges": {"smooth": {"enabled": len(edge_payloads) <= CURVED_EDGES_UP_TO, "type": "cubicBezier", "forceDirection": "vertical", "roundness": 0.4}, "width": 1.4},
    }
    return {"title": title, "nodes": network.nodes, "edges": network.edges, "options": options, "legend": LEGEND, "colours": COLOURS,
            "relations": sorted({edge["relation"] for edge in edge_payloads}), "methods": sorted({edge["method"] for edge in edge_payloads})}


def _vis_network_script() -> str:
    import pyvis

    return (Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text(encoding="utf-8")


def _script_json(value) -> str:
    """JSON that cannot close the <script> element it sits in, whatever the documents say."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def map_html(data: dict) -> str:
    """A page that needs nothing but itself: vis-network, styles and data inlined."""
    template = (Path(__file__).parent / "map_template.html").read_text(encoding="utf-8")
    return (
        template.replace("/*VIS_NETWORK*/", _vis_network_script().replace("</script", "<\\/script"))
        .replace("/*MAP_DATA*/null", _script_json(data))
    )


def write_map(data: dict, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(map_html(data), encoding="utf-8")
    return path
