"""Namespaces, deterministic IRIs and an N-Triples writer.

Triples are written as N-Triples lines rather than built as rdflib objects: it is
several times faster for a national corpus, works for every store (embedded or
remote), and needs no blank nodes, which a remote SPARQL store cannot hold.
"""

from __future__ import annotations

import hashlib

from ..corpus.identifiers import IRI_BASE, slug

__all__ = ["LIN", "ELI", "ORG", "PROV", "CITO", "OA", "SKOS", "DCTERMS", "RDF", "RDFS", "XSD", "PREFIXES", "Triples", "agency_iri", "unit_iri", "level_iri", "method_iri", "type_iri", "topic_iri", "graph_iri", "PREDICATE_IRIS", "CATALOGUE_GRAPH", "ONTOLOGY_GRAPH"]

LIN = "https://w3id.org/vn-lineage/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
CITO = "http://purl.org/spar/cito/"
OA = "http://www.w3.org/ns/oa#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"

PREFIXES = {"lin": LIN, "eli": ELI, "org": ORG, "prov": PROV, "cito": CITO, "oa": OA, "skos": SKOS, "dcterms": DCTERMS, "rdf": RDF, "rdfs": RDFS, "xsd": XSD}

#: The direct edge of each relation of the extract contract.
PREDICATE_IRIS = {
    "implements": LIN + "implements",
    "continues": LIN + "continues",
    "replaces": LIN + "replaces",
    "issued_with": LIN + "issuedWith",
    "based_on": ELI + "based_on",
    "cites": ELI + "cites",
    "amends": ELI + "amends",
    "reuses_text_of": LIN + "reusesTextOf",
}

CATALOGUE_GRAPH = IRI_BASE + "graph/catalogue"
ONTOLOGY_GRAPH = IRI_BASE + "graph/ontology"


def graph_iri(document_iri: str) -> str:
    """The named graph that holds one ingested document and everything read from it."""
    return document_iri + "/graph"


def level_iri(level: str) -> str:
    return f"{LIN}level-{level}"


def method_iri(method: str) -> str:
    return f"{LIN}method-{method}"


def type_iri(code: str) -> str:
    return f"{LIN}type-{slug(code)}"


def topic_iri(topic: str) -> str:
    return f"{LIN}topic-{slug(topic)}"


def unit_iri(province: str | None, commune: str | None = None) -> str:
    """A province (or a commune within it): ``…/unit/hai-phong/tan-hung``."""
    path = slug(province or "unknown-province")
    if commune:
        path += "/" + slug(commune)
    return f"{IRI_BASE}unit/{path}"


def agency_iri(name: str, province: str | None = None, commune: str | None = None) -> str:
    """An issuing body by its full name (``…/agency/ubnd-tinh-thai-nguyen``), or an office of a
    province or commune, scoped by where it works (``…/agency/hai-phong/an-duong/cong-an-phuong``)."""
    if province or commune:
        scope = slug(province or "unknown-province") + (f"/{slug(commune)}" if commune else "")
        return f"{IRI_BASE}agency/{scope}/{slug(name)}"
    return f"{IRI_BASE}agency/{slug(name)}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


class Triples:
    """Triples of one graph as N-Triples lines, duplicates dropped, order kept."""

    def __init__(self) -> None:
        # Each line keeps its triple with the object's plain value, for `facts`.
        self._lines: dict[str, tuple[str, str, str]] = {}

    def __len__(self) -> int:
        return len(self._lines)

    def add(self, subject: str, predicate: str, obj: str, value: str) -> None:
        """One triple: `obj` written as N-Triples, `value` its plain IRI or lexical form."""
        line = f"<{subject}> <{predicate}> {obj} ."
        if line not in self._lines:
            self._lines[line] = (subject, predicate, value)

    def iri(self, subject: str, predicate: str, obj: str | None) -> None:
        if obj:
            self.add(subject, predicate, f"<{obj}>", obj)

    def text(self, subject: str, predicate: str, value: str | None, language: str | None = "vi") -> None:
        if value:
            suffix = f"@{language}" if language else ""
            self.add(subject, predicate, f'"{_escape(value)}"{suffix}', value)

    def typed(self, subject: str, predicate: str, value, datatype: str) -> None:
        if value is not None and value != "":
            self.add(subject, predicate, f'"{_escape(str(value))}"^^<{XSD}{datatype}>', str(value))

    def lines(self) -> list[str]:
        return list(self._lines)

    def facts(self, predicates) -> list[tuple[str, str, str]]:
        """(subject, predicate, plain value) of the triples whose predicate is in `predicates`."""
        return [triple for triple in self._lines.values() if triple[1] in predicates]

    def ntriples(self) -> str:
        return "\n".join(self._lines) + ("\n" if self._lines else "")

    def content_hash(self) -> str:
        return hashlib.sha256("\n".join(sorted(self._lines)).encode("utf-8")).hexdigest()
