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


def _values(mapping: dict[str, str]) -> str:
    return " ".join(f"(<{iri}> \"{name}\")" for iri, name in mapping.items())


def project(store: Store) -> nx.MultiDiGraph:
    """Build the projection (see graph.cache for the cached version)."""
    graph = nx.MultiDiGraph()
    nodes = store.query(f"""
        SELECT ?node ?kind ?symbol ?name ?label ?title ?level ?date ?month ?year ?section ?number ?text ?target ?unit ?comparator WHERE {{
            VALUES (?class ?kind) {{ {_values(NODE_KINDS)} }}
            ?node a ?class .
            OPTIONAL {{ ?node <{ELI}id_local> ?symbol }}
            OPTIONAL {{ ?node <{LIN}name> ?name }}
            OPTIONAL {{ ?node <{SKOS}prefLabel> ?label }}
            OPTIONAL {{ ?node <{ELI}title> ?title }}
            OPTIONAL {{ ?node <{LIN}level> ?levelConcept . BIND(STRAFTER(STR(?levelConcept), "level-") AS ?level) }}
            OPTIONAL {{ ?node <{ELI}date_document> ?date }}
            OPTIONAL {{ ?node <{LIN}month> ?month }}
            OPTIONAL {{ ?node <{LIN}year> ?year }}
            OPTIONAL {{ ?node <{LIN}section> ?section }}
            OPTIONAL {{ ?node <{SKOS}notation> ?number }}
            OPTIONAL {{ ?node <{DCTERMS}description> ?text }}
            OPTIONAL {{ ?node <{LIN}target> ?target }}
            OPTIONAL {{ ?node <{LIN}unit> ?unit }}
            OPTIONAL {{ ?node <{LIN}comparator> ?comparator }}
        }}""")
    for row in nodes:
        node = row["node"]
        attributes = {key: value for key, value in row.items() if key not in ("node",) and value is not None}
        if node in graph:
            current = graph.nodes[node]
            if _KIND_PRIORITY.index(attributes["kind"]) < _KIND_PRIORITY.index(current["kind"]):
                current["kind"] = attributes["kind"]
            for key, value in attributes.items():
                current.setdefault(key, value)
        else:
            graph.add_node(node, **attributes)
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
