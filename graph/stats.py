"""Counts that describe a store: documents by level and type, relations by type and method,
tasks, indicators, offices, triples."""

from __future__ import annotations

from ontology.store import Store
from ontology.terms import ELI, LIN, PREDICATE_IRIS, SKOS

__all__ = ["store_stats"]

_RELATION_NAMES = {iri: name for name, iri in PREDICATE_IRIS.items()}


def _count(store: Store, pattern: str) -> int:
    rows = store.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}").rows
    return int(rows[0]["n"]) if rows else 0


def _grouped(store: Store, select: str, pattern: str) -> list[dict]:
    return store.query(f"SELECT {select} (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }} GROUP BY {select.replace('?', ' ?').strip()} ORDER BY DESC(?n)").rows


def store_stats(store: Store) -> dict:
    """Plain data, ready for a table or JSON."""
    return {
        "plans": _count(store, f"?x a <{LIN}Plan>"),
        "documents": _count(store, f"?x a <{ELI}LegalResource>"),
        "documents_by_level": {
            row["level"] or "unknown": int(row["n"])
            for row in _grouped(store, "?level", f"?x a <{ELI}LegalResource> . OPTIONAL {{ ?x <{LIN}level> ?c . BIND(STRAFTER(STR(?c), 'level-') AS ?level) }}")
        },
        "documents_by_type": {
            row["type"] or "unknown": int(row["n"])
            for row in _grouped(store, "?type", f"?x a <{ELI}LegalResource> . OPTIONAL {{ ?x <{ELI}type_document> ?t . ?t <{SKOS}prefLabel> ?type }}")
        },
        "relations_by_type_and_method": [
            {"relation": _RELATION_NAMES.get(row["p"], row["p"]), "method": row["method"], "count": int(row["n"])}
            for row in _grouped(store, "?p ?method", f"?x a <{LIN}Evidence> ; <{LIN}relation> ?p ; <{LIN}method> ?m . BIND(STRAFTER(STR(?m), 'method-') AS ?method)")
        ],
        "tasks": _count(store, f"?x a <{LIN}Task>"),
        "indicators": _count(store, f"?x a <{LIN}Indicator>"),
        "offices": _count(store, f"?task <{LIN}leadAgency>|<{LIN}partnerAgency> ?x"),
        "communes": _count(store, f"?x <{LIN}withinProvince> ?province"),
        "triples": store.triple_count(),
        "graphs": len(store.graphs()),
    }
