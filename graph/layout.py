"""Positions for a lineage map, computed before the page loads.

The browser's own hierarchical layout took 10 s on a national map and put a cascade
of 300 nodes on one line; here each level of the cascade is a row (central documents
above provincial ones above commune plans above tasks), the widest row is ordered by
province and commune so that a province's documents sit together, and every other
row follows the nodes it is linked to (a task under its plan, a provincial plan above
its communes, a resolution above what implements it).  A row with more nodes than fit
side by side is staggered over several lines rather than drawn as a ribbon.
"""

from __future__ import annotations

import math
from collections import defaultdict

__all__ = ["layered_positions", "SPACING"]

#: Horizontal room of one label (a symbol, or a short commune name).
SPACING = 190.0
#: Vertical room between two rows of the cascade, and between two lines of a staggered row.
ROW_GAP = 170.0
LINE_GAP = 76.0
#: Nodes a line of a row holds before the row is staggered.
LINE_CAPACITY = 10


def _row_order(node: dict) -> tuple:
    return (node.get("province") or "~", node.get("commune") or "", node.get("label") or "", str(node["id"]))


def _lines(count: int) -> int:
    return max(1, math.ceil(count / LINE_CAPACITY))


def _anchor_row(rows: dict[int, list[dict]]) -> int:
    """The row with the most nodes of a province (then the widest, then the lowest): its order
    by province and commune is the one the other rows follow."""
    return max(rows, key=lambda level: (sum(1 for node in rows[level] if node.get("province")), len(rows[level]), level))


def _desired(row: list[dict], neighbours: dict[str, set[str]], placed: dict[str, tuple[float, int]]) -> list[tuple[float, dict]]:
    """Where each node of a row would like to be: above or below the middle of what it links to
    (a node linked to nothing placed yet goes after the rest)."""
    linked = {str(node["id"]): [placed[other][0] for other in neighbours[str(node["id"])] if other in placed] for node in row}
    wanted = {node: sum(xs) / len(xs) for node, xs in linked.items() if xs}
    fallback = max(wanted.values(), default=min((x for x, _ in placed.values()), default=0.0))
    desired = []
    for node in row:
        if str(node["id"]) not in wanted:
            fallback += SPACING / _lines(len(row))
        desired.append((wanted.get(str(node["id"]), fallback), node))
    return desired


def _spread(desired: list[tuple[float, dict]], lines: int) -> dict[str, tuple[float, int]]:
    """Nodes in order of their desired x, pushed apart just enough, centred where they want to be."""
    step = SPACING / lines
    placed: list[tuple[str, float, int]] = []
    previous = -math.inf
    for rank, (want, node) in enumerate(sorted(desired, key=lambda pair: (pair[0], _row_order(pair[1])))):
        x = max(want, previous + step)
        placed.append((str(node["id"]), x, rank % lines))
        previous = x
    if not placed:
        return {}
    shift = sum(want for want, _ in desired) / len(desired) - sum(x for _, x, _ in placed) / len(placed)
    return {node: (x + shift, line) for node, x, line in placed}


def _grouped_by_province(ordered: list[dict]) -> list[tuple[float, dict]]:
    """Desired x along the anchor row, with a gap where one province ends and the next begins."""
    step = SPACING / _lines(len(ordered))
    desired, x, province = [], 0.0, None
    for node in ordered:
        if province is not None and node.get("province") != province:
            x += SPACING / 2
        desired.append((x, node))
        province = node.get("province")
        x += step
    return desired


def layered_positions(nodes: list[dict], edges: list[dict], top: float = 0.0, centre: float = 0.0) -> dict[str, tuple[float, float]]:
    """{node id: (x, y)} for map payloads: `level` gives the row, `from`/`to` the links.

    Rows start at `top`; the drawing is centred on `centre`.
    """
    rows: dict[int, list[dict]] = defaultdict(list)
    for node in nodes:
        rows[int(node.get("level", 0))].append(node)
    if not rows:
        return {}
    neighbours: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        neighbours[str(edge["from"])].add(str(edge["to"]))
        neighbours[str(edge["to"])].add(str(edge["from"]))
    anchor = _anchor_row(rows)
    placed: dict[str, tuple[float, int]] = {}
    placed.update(_spread(_grouped_by_province(sorted(rows[anchor], key=_row_order)), _lines(len(rows[anchor]))))
    below = sorted(level for level in rows if level > anchor)
    above = sorted((level for level in rows if level < anchor), reverse=True)
    for level in below + above:
        placed.update(_spread(_desired(rows[level], neighbours, placed), _lines(len(rows[level]))))
    # A second sweep, now that every row is placed: a node first placed after the rest
    # (its links were all in rows not yet laid out) moves to the middle of them.
    for level in below + above:
        placed.update(_spread(_desired(rows[level], neighbours, placed), _lines(len(rows[level]))))
    middle = (min(x for x, _ in placed.values()) + max(x for x, _ in placed.values())) / 2
    positions: dict[str, tuple[float, float]] = {}
    y = top
    for level in sorted(rows):
        for node in rows[level]:
            x, line = placed[str(node["id"])]
            positions[str(node["id"])] = (round(x - middle + centre, 1), round(y + line * LINE_GAP, 1))
        y += ROW_GAP + (_lines(len(rows[level])) - 1) * LINE_GAP
    return positions


def bottom(positions: dict[str, tuple[float, float]]) -> float:
    """The y below which nothing of these positions is drawn."""
    return max((y for _, y in positions.values()), default=0.0)
