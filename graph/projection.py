"""The store projected into a NetworkX MultiDiGraph: typed nodes, and one edge per
relation and evidence (method, confidence and evidence id on the edge)."""

from __future__ import annotations

import networkx as nx

from ontology.store import Store
from ontology.terms import CITO, DCTERMS, ELI, LIN, OA, SKOS

__all__ = ["project", "NODE_KINDS", "LINEAGE_PREDICATES", "STRUCTURE_PREDICATES"]

NODE_KINDS = {
    LIN + "Plan": "plan",
    ELI + "LegalResource": "document",
    LIN + "Task": "task",
    LIN + "Indicator": "indicator",
    LIN + "Agency": "office",
    LIN + "AdministrativeUnit": "unit",
}
_KIND_PRIORITY = ["plan", "task", "indicator", "document", "office", "unit"]

LINEAGE_PREDICATES = {
    LIN + "implements": "implements",
    LIN + "continues": "continues",
    LIN + "replaces": "replaces",
    LIN + "issuedWith": "issued_with",
    LIN + "reusesTextOf": "reuses_text_of",
    ELI + "based_on": "based_on",
    ELI + "cites": "cites",
    ELI + "amends": "amends",
}
STRUCTURE_PREDICATES = {
    ELI + "is_part_of": "part_of",
    LIN + "leadAgency": "lead",
    LIN + "partnerAgency": "partner",
    LIN + "indicator": "indicator",
    LIN + "commune": "in_commune",
    LIN + "province": "in_province",
    LIN + "withinProvince": "within_province",
    ELI + "passed_by": "issued_by",
}


_ATTRIBUTES = {
    "symbol": ELI + "id_local", "name": LIN + "name", "label": SKOS + "prefLabel", "title": ELI + "title", "level": LIN + "level",
    "date": ELI + "date_document", "month": LIN + "month", "year": LIN + "year", "section": LIN + "section", "number": SKOS + "notation",
    "text": DCTERMS + "description", "target": LIN + "target", "unit": LIN + "unit", "comparator": LIN + "comparator",
}


def _values(mapping: dict[str, str]) -> str:
    return " ".join(f"(<{iri}> \"{name}\")" for iri, name in mapping.items())


def project(store: Store) -> nx.MultiDiGraph:
    """Build the projection (see graph.cache for the cached version)."""
    graph = nx.MultiDiGraph()
    kinds = store.query(f"SELECT DISTINCT ?node ?kind WHERE {{ VALUES (?class ?kind) {{ {_values(NODE_KINDS)} }} ?node a ?class . }}")
    for row in kinds:
        node, kind = row["node"], row["kind"]
        if node not in graph:
            graph.add_node(node, kind=kind)
        elif _KIND_PRIORITY.index(kind) < _KIND_PRIORITY.index(graph.nodes[node]["kind"]):
            graph.nodes[node]["kind"] = kind
    # One query per attribute: a single query with an OPTIONAL for each would multiply the
    # rows of a document that many plans describe (each with its own subject line).
    for name, predicate in _ATTRIBUTES.items():
        for row in store.query(f"SELECT ?node ?value WHERE {{ ?node <{predicate}> ?value }}"):
            node = row["node"]
            if node in graph and name not in graph.nodes[node]:
                value = row["value"]
                graph.nodes[node][name] = value.rsplit("level-", 1)[-1] if name == "level" else value
    for node, attributes in graph.nodes(data=True):
        attributes["label"] = attributes.get("symbol") or attributes.get("name") or attributes.get("label") or attributes.get("title") or node.rsplit("/", 1)[-1]
    edges = store.query(f"""
        SELECT ?s ?p ?o ?evidence ?method ?confidence ?quote ?source WHERE {{
            VALUES (?p ?relation) {{ {_values(LINEAGE_PREDICATES)} }}
            ?s ?p ?o .
            OPTIONAL {{
                ?evidence <{CITO}hasCitingEntity> ?s ; <{CITO}hasCitedEntity> ?o ; <{LIN}relation> ?p ;
                          <{LIN}method> ?methodConcept ; <{LIN}confidence> ?confidence .
                BIND(STRAFTER(STR(?methodConcept), "method-") AS ?method)
                OPTIONAL {{ ?evidence <{OA}hasSelector> ?selector . ?selector <{OA}exact> ?quote }}
                OPTIONAL {{ ?evidence <{DCTERMS}source> ?source }}
            }}
        }}""")
    for row in edges:
        attributes = {"relation": LINEAGE_PREDICATES[row["p"]], "method": row["method"] or "explicit", "confidence": float(row["confidence"] or 1.0)}
        if row["evidence"]:
            attributes.update(evidence=row["evidence"], sentence=row["quote"] or "", source=row["source"] or "")
        graph.add_edge(row["s"], row["o"], key=row["evidence"] or attributes["relation"], **attributes)
    structure = store.query(f"""
        SELECT ?s ?p ?o WHERE {{ VALUES (?p ?relation) {{ {_values(STRUCTURE_PREDICATES)} }} ?s ?p ?o . }}""")
    for row in structure:
        relation = STRUCTURE_PREDICATES[row["p"]]
        graph.add_edge(row["s"], row["o"], key=relation, relation=relation)
    for node in graph.nodes:
        graph.nodes[node].setdefault("kind", "document")
        graph.nodes[node].setdefault("label", node.rsplit("/", 1)[-1])
    _place_everything(graph)
    return graph


_UNIT_WORDS = ("phường ", "xã ", "đặc khu ", "thị trấn ")


def _unit_name(label: str) -> str:
    for word in _UNIT_WORDS:
        if label.startswith(word):
            return label[len(word):]
    return label


def _place_everything(graph: nx.MultiDiGraph) -> None:
    """Copy onto plans, tasks and indicators the commune, province, plan and offices they belong to."""
    for node, attributes in graph.nodes(data=True):
        for _, target, data in graph.out_edges(node, data=True):
            relation = data.get("relation")
            if relation == "in_commune":
                attributes["commune"] = _unit_name(graph.nodes[target].get("label", ""))
            elif relation == "in_province":
                attributes["province"] = graph.nodes[target].get("label")
        if attributes.get("kind") == "plan" and not attributes.get("symbol") and attributes.get("commune"):
            when = attributes.get("date") or attributes.get("month") or attributes.get("year") or "undated"
            attributes["label"] = f"Kế hoạch {attributes['commune']} ({when})"
    for node, attributes in graph.nodes(data=True):
        if attributes.get("kind") not in ("task", "indicator"):
            continue
        plans = [source for source, _, data in graph.in_edges(node, data=True) if data.get("relation") == "indicator"]
        plans += [target for _, target, data in graph.out_edges(node, data=True) if data.get("relation") == "part_of"]
        if plans:
            plan = graph.nodes[plans[0]]
            attributes["plan"] = plans[0]
            attributes["plan_label"] = plan.get("label")
            for key in ("commune", "province"):
                if plan.get(key):
                    attributes[key] = plan[key]
        if attributes["kind"] == "task":
            attributes["label"] = f"{attributes.get('commune', '?')} {attributes.get('section', '')} #{attributes.get('number', '')}".strip()
        attributes["lead"] = sorted(graph.nodes[target].get("label", "") for _, target, data in graph.out_edges(node, data=True) if data.get("relation") == "lead")
        attributes["partners"] = sorted(graph.nodes[target].get("label", "") for _, target, data in graph.out_edges(node, data=True) if data.get("relation") == "partner")
