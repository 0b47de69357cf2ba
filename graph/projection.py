"""The store projected into a NetworkX MultiDiGraph: typed nodes, and one edge per
relation and evidence (method, confidence and evidence id on the edge).

The projection is assembled from *facts*, (subject, value) pairs per predicate, which
come either from the store (one plain scan per predicate) or straight from the
documents an ingest has just extracted (`lineage ingest` then writes the cache
without reading the store back).  Both give the same graph.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor

import networkx as nx

from ..corpus.records import caption
from ..ontology.store import Store
from ..ontology.terms import CITO, DCTERMS, ELI, LIN, OA, RDF, SKOS

__all__ = ["project", "assemble", "without_cyclic_gc", "group_facts", "store_facts", "PROJECTED_PREDICATES", "NODE_KINDS", "LINEAGE_PREDICATES", "STRUCTURE_PREDICATES"]

Facts = dict[str, list[tuple[str, str]]]

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
    LIN + "commune": "in_commune",
    LIN + "province": "in_province",
    LIN + "withinProvince": "within_province",
    ELI + "passed_by": "issued_by",
}
# Partner offices and a plan's indicators are attributes (`partners`, `plan`), not edges: no
# query walks them, and at national scale they would add a quarter of a million edges.


_ATTRIBUTES = {
    "symbol": ELI + "id_local", "name": LIN + "name", "label": SKOS + "prefLabel", "title": ELI + "title", "level": LIN + "level",
    "date": ELI + "date_document", "month": LIN + "month", "year": LIN + "year", "section": LIN + "section", "number": SKOS + "notation",
    "text": DCTERMS + "description", "target": LIN + "target", "unit": LIN + "unit", "comparator": LIN + "comparator",
}
_TYPE = RDF + "type"
_EVIDENCE = {
    "relation": LIN + "relation", "citing": CITO + "hasCitingEntity", "cited": CITO + "hasCitedEntity", "method": LIN + "method",
    "confidence": LIN + "confidence", "selector": OA + "hasSelector", "quote": OA + "exact", "source": DCTERMS + "source",
}
_DOCUMENT_TYPE = ELI + "type_document"
_PARTNER = LIN + "partnerAgency"
_INDICATOR = LIN + "indicator"

#: Every predicate the projection reads.
PROJECTED_PREDICATES = frozenset({_TYPE, _DOCUMENT_TYPE, _PARTNER, _INDICATOR, *_ATTRIBUTES.values(), *_EVIDENCE.values(), *LINEAGE_PREDICATES, *STRUCTURE_PREDICATES})


@contextmanager
def without_cyclic_gc():
    """Build large graphs, or large answers from them, without Python's cycle collector: it
    would rescan every node and edge dict of the projection many times over (half the time
    of a national projection; a pause of a second in the middle of a query).  Nothing built
    here forms cycles that plain reference counting cannot free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def project(store: Store) -> nx.MultiDiGraph:
    """Build the projection from the store (see graph.cache for the cached version)."""
    with without_cyclic_gc():
        return assemble(store_facts(store))


def store_facts(store: Store) -> Facts:
    """Each projected predicate's (subject, value) pairs in the store, one scan each."""
    classes = " ".join(f"<{iri}>" for iri in NODE_KINDS)
    queries = {predicate: f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}" for predicate in PROJECTED_PREDICATES if predicate != _TYPE}
    queries[_TYPE] = f"SELECT ?s ?o WHERE {{ VALUES ?o {{ {classes} }} ?s a ?o }}"
    # Two threads: the store decodes one result while Python reads another.
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(queries, pool.map(store.rows, queries.values())))


def group_facts(triples) -> Facts:
    """(subject, predicate, value) triples, as from ontology.terms.Triples.facts, grouped."""
    facts: Facts = defaultdict(list)
    for subject, predicate, value in triples:
        facts[predicate].append((subject, value))
    return facts


def assemble(facts: Facts) -> nx.MultiDiGraph:
    """The projection from facts (duplicates, as from many graphs stating the same, are harmless).

    Nodes and edges are gathered in plain dicts and lists first and given to NetworkX once:
    going through its views for every look-up costs several times more at national scale."""
    nodes = _typed_nodes(facts.get(_TYPE, ()))
    _add_attributes(nodes, facts)
    _add_document_types(nodes, facts)
    edges = _lineage_edges(facts)
    for predicate, relation in STRUCTURE_PREDICATES.items():
        edges.extend((subject, obj, relation, {"relation": relation}) for subject, obj in facts.get(predicate, ()))
    for subject, obj, _, _ in edges:
        for node in (subject, obj):
            if node not in nodes:
                nodes[node] = {"kind": "document"}
    for node, attributes in nodes.items():
        attributes["label"] = attributes.get("symbol") or attributes.get("name") or attributes.get("label") or attributes.get("title") or node.rsplit("/", 1)[-1]
    _place_everything(nodes, facts)
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(nodes.items())
    add_edge = graph.add_edge
    for subject, obj, key, attributes in edges:
        add_edge(subject, obj, key, **attributes)
    return graph


def _typed_nodes(types) -> dict[str, dict]:
    nodes: dict[str, dict] = {}
    for node, cls in types:
        kind = NODE_KINDS.get(cls)
        if kind is None:
            continue
        if node not in nodes:
            nodes[node] = {"kind": kind}
        elif _KIND_PRIORITY.index(kind) < _KIND_PRIORITY.index(nodes[node]["kind"]):
            nodes[node]["kind"] = kind
    return nodes


def _add_attributes(nodes: dict[str, dict], facts: Facts) -> None:
    # A document that many plans describe has a value from each; the smallest is kept so
    # that every way of building the projection agrees.
    for name, predicate in _ATTRIBUTES.items():
        for node, value in facts.get(predicate, ()):
            attributes = nodes.get(node)
            if attributes is None:
                continue
            if name == "level":
                value = value.rsplit("level-", 1)[-1]
            elif name == "target":
                value = float(value)  # the store writes decimals canonically ("10"), an extraction as written ("10.0")
            if name not in attributes or value < attributes[name]:
                attributes[name] = value


def _add_document_types(nodes: dict[str, dict], facts: Facts) -> None:
    """A document's type by its name ("Kế hoạch"), from the type scheme's labels."""
    names = {}
    for concept, label in facts.get(SKOS + "prefLabel", ()):
        if concept not in nodes and (concept not in names or label < names[concept]):
            names[concept] = label
    for node, concept in facts.get(_DOCUMENT_TYPE, ()):
        attributes = nodes.get(node)
        if attributes is not None:
            name = names.get(concept, concept.rsplit("/", 1)[-1])
            if "type" not in attributes or name < attributes["type"]:
                attributes["type"] = name


def _lineage_edges(facts: Facts) -> list[tuple[str, str, str, dict]]:
    """One edge per evidence, and one per relation that has none (the catalogue's)."""
    field = {name: dict(facts.get(predicate, ())) for name, predicate in _EVIDENCE.items() if name != "selector"}
    quote_of_selector = field.pop("quote")
    quotes = {evidence: quote_of_selector[selector] for evidence, selector in facts.get(_EVIDENCE["selector"], ()) if selector in quote_of_selector}
    edges = []
    evidenced = set()
    for evidence, predicate in field["relation"].items():
        relation = LINEAGE_PREDICATES.get(predicate)
        subject, obj = field["citing"].get(evidence), field["cited"].get(evidence)
        if relation is None or subject is None or obj is None:
            continue
        evidenced.add((subject, obj, relation))
        edges.append((subject, obj, evidence, {
            "relation": relation, "method": field["method"].get(evidence, "").rsplit("method-", 1)[-1] or "explicit",
            "confidence": float(field["confidence"].get(evidence) or 1.0), "evidence": evidence, "sentence": quotes.get(evidence, ""),
            "source": field["source"].get(evidence, ""),
        }))
    for predicate, relation in LINEAGE_PREDICATES.items():
        for subject, obj in facts.get(predicate, ()):
            if (subject, obj, relation) not in evidenced:
                evidenced.add((subject, obj, relation))
                edges.append((subject, obj, relation, {"relation": relation, "method": "explicit", "confidence": 1.0}))
    return edges


_UNIT_WORDS = ("phường ", "xã ", "đặc khu ", "thị trấn ")


def _unit_name(label: str) -> str:
    for word in _UNIT_WORDS:
        if label.startswith(word):
            return label[len(word):]
    return label


def _place_everything(nodes: dict[str, dict], facts: Facts) -> None:
    """Copy onto plans, tasks and indicators the commune, province, plan and offices they belong to."""
    def label_of(node: str) -> str:
        return nodes[node].get("label", "") if node in nodes else ""

    unit_of: dict[str, str] = {}
    for node, unit in facts.get(LIN + "commune", ()):
        nodes[node]["commune"] = _unit_name(label_of(unit))
        unit_of[node] = label_of(unit)
    for node, unit in facts.get(LIN + "province", ()):
        nodes[node]["province"] = label_of(unit)
    owner: dict[str, str] = {}
    for task, plan in facts.get(ELI + "is_part_of", ()):
        owner.setdefault(task, plan)
    for plan, indicator in facts.get(_INDICATOR, ()):
        owner.setdefault(indicator, plan)
    offices: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"lead": set(), "partners": set()})
    for role, predicate in (("lead", LIN + "leadAgency"), ("partners", _PARTNER)):
        for task, office in facts.get(predicate, ()):
            offices[task][role].add(label_of(office))
    for attributes in nodes.values():
        if attributes["kind"] == "plan" and not attributes.get("symbol") and attributes.get("commune"):
            when = attributes.get("date") or attributes.get("month") or attributes.get("year") or "undated"
            attributes["label"] = f"Kế hoạch {attributes['commune']} ({when})"
    for node, attributes in nodes.items():
        if attributes["kind"] not in ("task", "indicator"):
            continue
        if owner.get(node) in nodes:
            plan = nodes[owner[node]]
            attributes["plan"] = owner[node]
            attributes["plan_label"] = plan.get("label")
            for key in ("commune", "province"):
                if plan.get(key):
                    attributes[key] = plan[key]
        if attributes["kind"] == "task":
            attributes["label"] = f"{attributes.get('commune', '?')} {attributes.get('section', '')} #{attributes.get('number', '')}".strip()
        roles = offices.get(node)
        attributes["lead"] = sorted(roles["lead"]) if roles else []
        attributes["partners"] = sorted(roles["partners"]) if roles else []
    for node, attributes in nodes.items():
        if attributes["kind"] in ("plan", "document", "task"):
            attributes["caption"] = _caption(attributes, unit_of.get(attributes.get("plan") if attributes["kind"] == "task" else node))


def _caption(attributes: dict, unit: str | None) -> str:
    if attributes["kind"] == "task":
        number = f" #{attributes['number']}" if attributes.get("number") else ""
        head = f"Nhiệm vụ {attributes.get('section', '')}{number}".strip()
    elif attributes.get("symbol"):
        head = f"{attributes.get('type', '')} {attributes['symbol']}".strip()
    elif attributes["kind"] == "plan":  # unnumbered: its date tells it from the commune's others
        head = f"{attributes.get('type') or 'Kế hoạch'} ({attributes.get('date') or attributes.get('month') or attributes.get('year') or 'undated'})"
    else:
        head = attributes.get("label", "")
    if unit is None and attributes.get("commune") and attributes["kind"] == "document":
        unit = attributes["commune"]
    return caption(head, unit, attributes.get("province"), attributes.get("level"))
