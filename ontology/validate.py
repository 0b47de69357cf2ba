"""SHACL validation of a store against ontology/shapes.ttl, in pieces that a national store fits in.

pyshacl checks a graph held in memory and runs a SPARQL-based constraint once per focus
node; over a national store (4 million triples, 44,000 `lin:implements` subjects) that
is gigabytes of memory and hours.  So a store is checked in two parts, which together
report what one pyshacl run over the merge of all its graphs reports:

- each SPARQL-based constraint (`sh:sparql`) runs once, for all its focus nodes at a
  time, on Oxigraph, over the merge of the triples whose predicates its query names;
- the other shapes run with pyshacl over a few named graphs at a time, together with
  everything any graph says, along the shapes' paths, about the documents those graphs
  describe (a plan graph describes 57-NQ/TW partly; the catalogue describes the rest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import rdflib
from rdflib.namespace import RDF, RDFS, SH

from .ingest import SHAPES_FILE
from .store import OxigraphStore, Store

__all__ = ["ValidationReport", "validate_ntriples", "validate_store", "GRAPHS_PER_BATCH"]

#: Named graphs checked together by pyshacl: a commune plan is about 1,300 triples.
GRAPHS_PER_BATCH = 64


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[dict]
    warnings: list[dict]

    def render(self, limit: int = 50) -> str:
        lines = [f"{'conforms' if self.conforms else 'does not conform'}: {len(self.violations)} violation(s), {len(self.warnings)} warning(s)"]
        for label, results in (("violation", self.violations), ("warning", self.warnings)):
            for result in results[:limit]:
                lines.append(f"  {label}: {result['shape']}: {result['focus']}: {result['message']}")
            if len(results) > limit:
                lines.append(f"  … {len(results) - limit} more {label}s")
        return "\n".join(lines)


@dataclass(frozen=True)
class _SparqlConstraint:
    shape: str
    severity: rdflib.URIRef
    targets: tuple[tuple[rdflib.URIRef, rdflib.URIRef], ...]
    prefixes: str
    select: str
    message: str


def validate_ntriples(ntriples: str) -> ValidationReport:
    """Validate the graph these N-Triples make up."""
    store = OxigraphStore()
    store.load_ntriples(ntriples, graph="urn:lineage:validated")
    return validate_store(store)


def validate_store(store: Store, graphs_per_batch: int = GRAPHS_PER_BATCH, progress: Callable[[int, int], None] | None = None) -> ValidationReport:
    """Validate the merge of the named graphs of `store`; `progress(done, total)` hears of each batch of graphs."""
    core, constraints = _split(_shapes())
    found: set[tuple[rdflib.URIRef, str, str, str]] = set()
    found |= _sparql_results(store, constraints)
    graphs = store.graphs()
    descriptions: dict[str, str] = {}
    for start in range(0, len(graphs), graphs_per_batch):
        batch = graphs[start : start + graphs_per_batch]
        found |= _core_results(store, core, batch, descriptions)
        if progress is not None:
            progress(start + len(batch), len(graphs))
    violations = [{"shape": shape, "focus": focus, "message": message} for severity, shape, focus, message in found if severity == SH.Violation]
    warnings = [{"shape": shape, "focus": focus, "message": message} for severity, shape, focus, message in found if severity != SH.Violation]
    return ValidationReport(not violations, sorted(violations, key=str), sorted(warnings, key=str))


@lru_cache(maxsize=1)
def _shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES_FILE, format="turtle")


def _local_name(iri) -> str:
    return str(iri).rsplit("#", 1)[-1]


def _split(shapes: rdflib.Graph) -> tuple[rdflib.Graph, list[_SparqlConstraint]]:
    """The shapes without their SPARQL-based constraints, and those constraints."""
    core = rdflib.Graph()
    for triple in shapes:
        core.add(triple)
    constraints = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        targets = tuple((kind, target) for kind in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf) for target in shapes.objects(shape, kind))
        message = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message) or ""
        constraints.append(_SparqlConstraint(
            shape=_local_name(shape), severity=shapes.value(shape, SH.severity) or SH.Violation, targets=targets,
            prefixes=_prefixes(shapes, shapes.value(constraint, SH.prefixes)), select=str(shapes.value(constraint, SH.select)), message=str(message),
        ))
        core.remove((shape, SH.sparql, constraint))
        core.remove((constraint, None, None))
    return core, constraints


def _prefixes(shapes: rdflib.Graph, declarations) -> str:
    lines = []
    for declaration in shapes.objects(declarations, SH.declare) if declarations is not None else ():
        lines.append(f"PREFIX {shapes.value(declaration, SH.prefix)}: <{shapes.value(declaration, SH.namespace)}>\n")
    return "".join(lines)


def _named_iris(prefixes: str, text: str) -> set[str]:
    """Every IRI a query names, written in full or with one of its declared prefixes (a
    superset of its predicates: reading a few triples more changes no result)."""
    namespaces = dict(re.findall(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", prefixes))
    iris = set(re.findall(r"<([^<>\s]+)>", text))
    iris |= {namespaces[prefix] + local for prefix, local in re.findall(r"(?<![\w?$])([A-Za-z][\w-]*)?:([\w-]+)", text) if prefix in namespaces}
    return iris


def _target_filter(targets: tuple[tuple[rdflib.URIRef, rdflib.URIRef], ...]) -> str:
    """The SHACL targets of a shape as a condition on ?this (the same variable as $this)."""
    conditions = []
    for kind, target in targets:
        if kind == SH.targetClass:
            conditions.append(f"EXISTS {{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* <{target}> }}")
        elif kind == SH.targetNode:
            conditions.append(f"sameTerm(?this, <{target}>)")
        elif kind == SH.targetSubjectsOf:
            conditions.append(f"EXISTS {{ ?this <{target}> ?targetObject }}")
        else:
            conditions.append(f"EXISTS {{ ?targetSubject <{target}> ?this }}")
    return f"FILTER ({' || '.join(conditions)})" if conditions else "FILTER (false)"


def _sparql_results(store: Store, constraints: list[_SparqlConstraint]) -> set[tuple]:
    """Each constraint's query once, with ?this free, over the merged triples it can read."""
    if not constraints:
        return set()
    predicates: set[str] = set()
    for constraint in constraints:
        predicates |= _named_iris(constraint.prefixes, constraint.select)
        predicates |= {str(target) for kind, target in constraint.targets if kind in (SH.targetSubjectsOf, SH.targetObjectsOf)}
        if any(kind == SH.targetClass for kind, _ in constraint.targets):
            predicates |= {str(RDF.type), str(RDFS.subClassOf)}
    merged = OxigraphStore()
    merged.load_ntriples(store.construct(
        "CONSTRUCT { ?s ?p ?o } WHERE { " + _values("p", predicates) + "?s ?p ?o }"
    ))
    found = set()
    for constraint in constraints:
        query = f"{constraint.prefixes}SELECT DISTINCT * WHERE {{ {{ {constraint.select} }} {_target_filter(constraint.targets)} }}"
        for row in merged.query(query):
            message = re.sub(r"\{[$?](\w+)\}", lambda match: row.get(match.group(1)) or "", constraint.message)
            found.add((constraint.severity, constraint.shape, row["this"], message))
    return found


def _core_results(store: Store, core: rdflib.Graph, graphs: list[str], descriptions: dict[str, str]) -> set[tuple]:
    """pyshacl over these graphs and what the whole store says about the documents they describe
    (`descriptions`, by document, kept from batch to batch)."""
    import pyshacl

    read = _read_predicates(core)
    data = rdflib.Graph()
    data.parse(data=store.construct(
        "CONSTRUCT { ?s ?p ?o } WHERE { " + _values("g", graphs) + "GRAPH ?g { ?s ?p ?o } " + _predicate_filter(read) + "}"
    ), format="nt")
    described = {str(subject) for target_class in core.objects(None, SH.targetClass) for subject in data.subjects(RDF.type, target_class) if isinstance(subject, rdflib.URIRef)}
    described = {subject for subject in described if not subject.startswith(_owned(graphs))}
    _describe(store, sorted(described - descriptions.keys()), read, descriptions)
    if described:
        data.parse(data="".join(descriptions[subject] for subject in described), format="nt")
    _, results, _ = pyshacl.validate(data, shacl_graph=core, inference="none", allow_warnings=True, advanced=True, inplace=True)
    found = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        shape = results.value(result, SH.sourceShape)
        parent = next(core.subjects(SH.property, shape), None) if shape is not None else None
        found.add((results.value(result, SH.resultSeverity), _local_name(parent or shape), str(results.value(result, SH.focusNode)), str(results.value(result, SH.resultMessage) or "")))
    return found


def _values(variable: str, iris) -> str:
    """A VALUES block of IRIs."""
    return f"VALUES ?{variable} {{ " + " ".join(f"<{iri}>" for iri in sorted(iris)) + " } "


def _predicate_filter(predicates: set[str] | None) -> str:
    """A FILTER on ?p; nothing when `predicates` is None (any predicate).  Oxigraph joins two
    VALUES blocks as a cross product, so predicates are filtered, not enumerated."""
    return "" if predicates is None else "FILTER (?p IN (" + ", ".join(f"<{iri}>" for iri in sorted(predicates)) + ")) "


def _owned(graphs: list[str]) -> tuple[str, ...]:
    """The IRI prefixes of what only these graphs describe: a document graph's tasks,
    indicators and evidence live under its document's IRI (see ontology.terms.graph_iri)."""
    return tuple(graph[: -len("/graph")] + "/" for graph in graphs if graph.endswith("/graph"))


def _describe(store: Store, subjects: list[str], read: set[str] | None, descriptions: dict[str, str]) -> None:
    """Add to `descriptions` what every graph says about `subjects`, by subject.  Each is read
    once per validation: the union graph holds 57-NQ/TW's description once per plan citing it."""
    for subject in subjects:
        descriptions[subject] = ""
    if not subjects:
        return
    ntriples = store.construct("CONSTRUCT { ?s ?p ?o } WHERE { " + _values("s", subjects) + "?s ?p ?o " + _predicate_filter(read) + "}")
    for line in ntriples.splitlines(keepends=True):
        subject = line[1 : line.index(">")] if line.startswith("<") else None
        if subject in descriptions:
            descriptions[subject] += line


def _read_predicates(core: rdflib.Graph) -> set[str] | None:
    """The predicates the core shapes can read: types, for their targets, and their paths.
    None when a shape may read any predicate (a closed shape)."""
    if any(True for _ in core.subject_objects(SH.closed)):
        return None
    return {str(RDF.type), str(RDFS.subClassOf)} | {str(node) for path in core.objects(None, SH.path) for node in _path_iris(core, path)}


def _path_iris(shapes: rdflib.Graph, path) -> set:
    """The predicates a property path reads: the IRIs in it, however it nests (sequences,
    alternatives, inverse and repeated paths)."""
    found, stack, seen = set(), [path], set()
    while stack:
        node = stack.pop()
        if isinstance(node, rdflib.URIRef):
            found.add(node)
        elif node not in seen:
            seen.add(node)
            stack.extend(value for predicate, value in shapes.predicate_objects(node) if value != RDF.nil)
    return found - {RDF.nil}
