"""The vocabulary, the catalogue graph, the mapping of records to RDF, and the SHACL shapes."""

from __future__ import annotations

import pytest
import rdflib
import rdflib.compare

from conftest import plan_path
from vnlineage.corpus.extract import extract_file
from vnlineage.ontology.catalogue import CATALOGUE_FILE, catalogue_iri, catalogue_triples
from vnlineage.ontology.ingest import ONTOLOGY_FILE
from vnlineage.ontology.mapping import plan_triples
from vnlineage.ontology.terms import ELI, LIN
from vnlineage.ontology.validate import validate_ntriples

RDFS_LABEL = rdflib.RDFS.label
SKOS_DEFINITION = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#definition")
LIN_NS = rdflib.Namespace(LIN)


def test_every_project_term_has_vietnamese_and_english_labels_and_a_definition():
    graph = rdflib.Graph().parse(ONTOLOGY_FILE)
    terms = {subject for subject in graph.subjects(rdflib.RDF.type, None) if str(subject).startswith(LIN) and (subject, rdflib.RDF.type, rdflib.OWL.Class) in graph or (subject, rdflib.RDF.type, rdflib.OWL.ObjectProperty) in graph or (subject, rdflib.RDF.type, rdflib.OWL.DatatypeProperty) in graph}
    assert {LIN_NS.Plan, LIN_NS.Task, LIN_NS.implements, LIN_NS.leadAgency, LIN_NS.target} <= terms
    for term in terms:
        languages = {label.language for label in graph.objects(term, RDFS_LABEL)}
        assert {"vi", "en"} <= languages, term
        assert any(True for _ in graph.objects(term, SKOS_DEFINITION)), term
    assert (LIN_NS.implements, rdflib.RDFS.subPropertyOf, rdflib.URIRef(ELI + "ensures_implementation_of")) in graph


def test_catalogue_file_is_in_step_with_the_reference_data():
    written = rdflib.Graph().parse(CATALOGUE_FILE)
    built = rdflib.Graph().parse(data=catalogue_triples().ntriples(), format="nt")
    assert rdflib.compare.isomorphic(written, built), "run `python -m ontology.catalogue` after changing central-documents.csv"


def test_catalogue_keeps_lineage_and_sources():
    graph = rdflib.Graph().parse(data=catalogue_triples().ntriples(), format="nt")
    amends = rdflib.URIRef(ELI + "amends")
    assert (rdflib.URIRef(catalogue_iri("71/NQ-CP")), amends, rdflib.URIRef(catalogue_iri("03/NQ-CP"))) in graph
    assert (rdflib.URIRef(catalogue_iri("03/NQ-CP")), LIN_NS.implements, rdflib.URIRef(catalogue_iri("57-NQ/TW"))) in graph
    sources = set(graph.objects(rdflib.URIRef(catalogue_iri("57-NQ/TW")), rdflib.DCTERMS.source))
    assert sources


def test_catalogue_iris_are_the_iris_extraction_gives():
    record = extract_file(plan_path("tich-luong"))
    ids = {reference.symbol: reference.id for reference in record.references}
    assert ids["57-NQ/TW"] == catalogue_iri("57-NQ/TW") == "https://w3id.org/vn-lineage/eli/vn/tw/nq/2024/57"
    assert ids["71/NQ-CP"] == catalogue_iri("71/NQ-CP")


@pytest.fixture(scope="module")
def an_duong_graph():
    record = extract_file(plan_path("an-duong"))
    return record, rdflib.Graph().parse(data=plan_triples(record).ntriples(), format="nt")


def test_mapping_has_no_blank_nodes_and_is_deterministic(an_duong_graph):
    record, graph = an_duong_graph
    assert not any(isinstance(term, rdflib.BNode) for triple in graph for term in triple)
    assert plan_triples(record).content_hash() == plan_triples(extract_file(plan_path("an-duong"))).content_hash()


def test_each_relation_has_a_direct_edge_and_an_evidence_node(an_duong_graph):
    record, graph = an_duong_graph
    citing, cited = rdflib.URIRef(catalogue_iri("140/NQ-CP")), rdflib.URIRef(catalogue_iri("66-NQ/TW"))
    assert (citing, LIN_NS.implements, cited) in graph
    cito = rdflib.Namespace("http://purl.org/spar/cito/")
    evidence = [node for node in graph.subjects(cito.hasCitingEntity, citing) if (node, cito.hasCitedEntity, cited) in graph]
    assert evidence
    exact = rdflib.URIRef("http://www.w3.org/ns/oa#exact")
    quotes = [graph.value(selector, exact) for selector in graph.objects(evidence[0], rdflib.URIRef("http://www.w3.org/ns/oa#hasSelector"))]
    assert any(quote is not None and "140/NQ-CP" in str(quote) for quote in quotes)
    assert graph.value(evidence[0], LIN_NS.method) == LIN_NS["method-explicit"]


def test_tasks_offices_and_units(an_duong_graph):
    record, graph = an_duong_graph
    task = rdflib.URIRef(next(task.id for task in record.tasks if task.number == "33" and task.section.startswith("PHỤ LỤC")))
    lead = graph.value(task, LIN_NS.leadAgency)
    assert str(graph.value(lead, rdflib.SKOS.prefLabel)) == "Công an phường"
    assert (lead, rdflib.URIRef("http://www.w3.org/ns/org#subOrganizationOf"), None) in graph
    assert (task, LIN_NS.implements, rdflib.URIRef(catalogue_iri("06/QĐ-TTg"))) in graph
    assert (task, rdflib.URIRef(ELI + "is_part_of"), rdflib.URIRef(record.document.id)) in graph
    commune = graph.value(rdflib.URIRef(record.document.id), LIN_NS.commune)
    assert graph.value(commune, LIN_NS.withinProvince) == graph.value(rdflib.URIRef(record.document.id), LIN_NS.province)


# --- each shape, and a graph that violates it ----------------------------------------

PREFIXES = """
@prefix lin: <https://w3id.org/vn-lineage/ontology#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix cito: <http://purl.org/spar/cito/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
"""

VALID = """
ex:plan a lin:Plan , eli:LegalResource ; eli:id_local "1/KH-UBND" ; eli:type_document lin:type-kh ; lin:level lin:level-commune ; eli:passed_by ex:ubnd .
ex:policy a eli:LegalResource ; eli:id_local "57-NQ/TW" ; eli:type_document lin:type-nq ; lin:level lin:level-central ; eli:passed_by ex:bct .
ex:plan lin:implements ex:policy .
ex:evidence a lin:Evidence ; cito:hasCitingEntity ex:plan ; cito:hasCitedEntity ex:policy ; lin:method lin:method-explicit ;
    lin:confidence "1.0"^^xsd:decimal ; oa:hasSelector ex:quote , ex:position .
ex:quote oa:exact "Thực hiện Nghị quyết số 57-NQ/TW" .
ex:position oa:start "0"^^xsd:integer ; oa:end "32"^^xsd:integer .
"""


def _report(turtle: str):
    return validate_ntriples(rdflib.Graph().parse(data=PREFIXES + turtle, format="turtle").serialize(format="nt"))


def test_a_valid_graph_conforms():
    report = _report(VALID)
    assert report.conforms, report.render()


@pytest.mark.parametrize(
    ("shape", "change"),
    [
        ("DocumentIdentity", lambda text: text.replace('eli:id_local "57-NQ/TW" ;', "")),
        ("PlanDescription", lambda text: text.replace("eli:passed_by ex:ubnd .", ".").replace("lin:level lin:level-commune ; ", "")),
        ("Evidence", lambda text: text.replace("cito:hasCitedEntity ex:policy ;", "cito:hasCitedEntity ex:policy , ex:plan ;")),
        ("Evidence", lambda text: text.replace('ex:quote oa:exact "Thực hiện Nghị quyết số 57-NQ/TW" .', "")),
        ("Evidence", lambda text: text.replace('"1.0"^^xsd:decimal', '"1.5"^^xsd:decimal')),
        ("Evidence", lambda text: text.replace("lin:method lin:method-explicit ;", "")),
        ("ImplementsDownward", lambda text: text + "ex:policy lin:implements ex:plan .\n"),
        ("NoLineageCycle", lambda text: text + "ex:policy lin:continues ex:plan .\n"),
    ],
)
def test_each_shape_catches_its_violation(shape, change):
    report = _report(change(VALID))
    assert not report.conforms
    assert shape in {result["shape"] for result in report.violations}, report.render()


def test_unknown_issuer_of_a_cited_document_is_a_warning_not_a_violation():
    report = _report(VALID.replace("eli:passed_by ex:bct .", "."))
    assert report.conforms
    assert any(result["shape"] == "CitedDocumentDescription" for result in report.warnings)


def _whole_merge_findings(ntriples: str) -> set[tuple[str, str, str]]:
    """What one pyshacl run over the merged graph finds: (severity, shape, focus)."""
    import pyshacl

    from vnlineage.ontology.ingest import SHAPES_FILE

    shapes = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    _, results, _ = pyshacl.validate(rdflib.Graph().parse(data=ntriples, format="nt"), shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True)
    found = set()
    for result in results.subjects(rdflib.RDF.type, rdflib.SH.ValidationResult):
        shape = results.value(result, rdflib.SH.sourceShape)
        parent = next(shapes.subjects(rdflib.SH.property, shape), None)
        severity = "violation" if results.value(result, rdflib.SH.resultSeverity) == rdflib.SH.Violation else "warning"
        found.add((severity, str(parent or shape).rsplit("#", 1)[-1], str(results.value(result, rdflib.SH.focusNode))))
    return found


def test_a_store_checked_a_few_graphs_at_a_time_finds_what_one_check_of_the_whole_merge_finds():
    from vnlineage.ontology.store import OxigraphStore
    from vnlineage.ontology.validate import validate_store

    # 57-NQ/TW is described in three graphs, as a plan graph and the catalogue describe it in
    # pieces; a cycle and a downward link run across graphs; one evidence node lacks a method.
    graphs = {
        "urn:graph:plan": VALID.replace("lin:method lin:method-explicit ;", "").replace(
            'ex:policy a eli:LegalResource ; eli:id_local "57-NQ/TW" ; eli:type_document lin:type-nq ; lin:level lin:level-central ; eli:passed_by ex:bct .\n', ""),
        "urn:graph:policy-symbol": 'ex:policy a eli:LegalResource ; eli:id_local "57-NQ/TW" .',
        "urn:graph:policy-catalogue": "ex:policy eli:type_document lin:type-nq ; lin:level lin:level-central ; eli:passed_by ex:bct .",
        "urn:graph:program": 'ex:program a eli:LegalResource ; eli:id_local "71/NQ-CP" ; lin:level lin:level-central ; lin:continues ex:plan .',
        "urn:graph:loop": "ex:policy lin:continues ex:program .",
    }
    store = OxigraphStore()
    merged = ""
    for graph, turtle in graphs.items():
        ntriples = rdflib.Graph().parse(data=PREFIXES + turtle, format="turtle").serialize(format="nt")
        store.load_ntriples(ntriples, graph=graph)
        merged += ntriples
    report = validate_store(store, graphs_per_batch=1)
    batched = {("violation", result["shape"], result["focus"]) for result in report.violations}
    batched |= {("warning", result["shape"], result["focus"]) for result in report.warnings}
    expected = _whole_merge_findings(merged)
    assert {shape for _, shape, _ in expected} >= {"Evidence", "NoLineageCycle", "CitedDocumentDescription"}
    assert "DocumentIdentity" not in {shape for _, shape, _ in expected}
    assert batched == expected
