"""SHACL validation of a store against ontology/shapes.ttl (pyshacl, no inference)."""

from __future__ import annotations

from dataclasses import dataclass

from ontology.ingest import SHAPES_FILE
from ontology.store import Store

__all__ = ["ValidationReport", "validate_ntriples", "validate_store"]


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


def validate_ntriples(ntriples: str) -> ValidationReport:
    import pyshacl
    import rdflib
    from rdflib.namespace import SH

    data = rdflib.Graph()
    data.parse(data=ntriples, format="nt")
    shapes = rdflib.Graph()
    shapes.parse(SHAPES_FILE, format="turtle")
    _, results_graph, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True)
    violations, warnings = [], []
    for result in results_graph.subjects(rdflib.RDF.type, SH.ValidationResult):
        severity = results_graph.value(result, SH.resultSeverity)
        shape = results_graph.value(result, SH.sourceShape)
        parent = next(shapes.subjects(SH.property, shape), None) if shape is not None else None
        entry = {
            "shape": str(parent or shape).rsplit("#", 1)[-1],
            "focus": str(results_graph.value(result, SH.focusNode)),
            "message": str(results_graph.value(result, SH.resultMessage) or ""),
        }
        (violations if severity == SH.Violation else warnings).append(entry)
    return ValidationReport(not violations, sorted(violations, key=str), sorted(warnings, key=str))


def validate_store(store: Store) -> ValidationReport:
    return validate_ntriples(store.ntriples())
