"""Records to RDF: one plan, its references, relations (a direct edge and a
qualified evidence node each), tasks, indicators, offices and administrative units.

IRIs are deterministic, so ingesting the same plan twice writes the same triples.
Documents: ELI-like, ``…/eli/vn/<province>/<commune>/<issuer>/<type>/<year>/<number>``
(central documents directly under ``vn/``); tasks and indicators under their plan;
evidence under its plan, named by a hash of what it supports.
"""

from __future__ import annotations

import hashlib

from ..corpus.records import EXTRACTOR_VERSION, PlanRecord, Reference, Relation, Task
from ..corpus.registry import registry
from .terms import (
    CITO, DCTERMS, ELI, LIN, OA, ORG, PREDICATE_IRIS, PROV, RDF, SKOS,
    Triples, agency_iri, level_iri, method_iri, type_iri, unit_iri,
)

__all__ = ["plan_triples", "reference_triples", "evidence_triples", "issuer_triples"]


def _type_code(type_name: str | None) -> str | None:
    found = registry().doc_type_by_name(type_name) if type_name else None
    return found.code if found else None


def issuer_triples(triples: Triples, document: str, issuer: str | None) -> None:
    """The body that issued `document` (eli:passed_by), named as the text names it."""
    if not issuer:
        return
    node = agency_iri(issuer)
    triples.iri(document, ELI + "passed_by", node)
    triples.iri(node, RDF + "type", LIN + "Agency")
    triples.text(node, SKOS + "prefLabel", issuer)


def reference_triples(triples: Triples, reference: Reference) -> None:
    """What the citing plan says about a document it cites."""
    node = reference.id
    triples.iri(node, RDF + "type", ELI + "LegalResource")
    if reference.symbol:
        triples.text(node, ELI + "id_local", reference.symbol, None)
    if reference.name:
        triples.text(node, LIN + "name", reference.name)
    code = _type_code(reference.type)
    if code:
        triples.iri(node, ELI + "type_document", type_iri(code))
    triples.typed(node, ELI + "date_document", reference.date, "date")
    triples.typed(node, LIN + "year", reference.year, "gYear")
    if reference.month and not reference.date:
        triples.typed(node, LIN + "month", reference.month, "gYearMonth")
    if reference.level:
        triples.iri(node, LIN + "level", level_iri(reference.level))
    issuer_triples(triples, node, reference.issuer)
    if reference.province:
        triples.iri(node, LIN + "province", unit_iri(reference.province))
    triples.text(node, DCTERMS + "description", reference.subject)


def evidence_triples(triples: Triples, citing: str, predicate: str, cited: str, start: int, end: int, quote: str,
                     source: str, method: str, confidence: float, plan: str) -> str:
    """The direct edge and its qualified evidence node; returns the evidence IRI."""
    triples.iri(citing, predicate, cited)
    digest = hashlib.sha1(f"{citing} {predicate} {cited} {start}".encode("utf-8")).hexdigest()[:16]
    evidence = f"{plan}/evidence/{digest}"
    quote_selector, position_selector = evidence + "/quote", evidence + "/position"
    triples.iri(evidence, RDF + "type", LIN + "Evidence")
    triples.iri(evidence, RDF + "type", CITO + "Citation")
    triples.iri(evidence, CITO + "hasCitingEntity", citing)
    triples.iri(evidence, CITO + "hasCitedEntity", cited)
    triples.iri(evidence, LIN + "relation", predicate)
    triples.iri(evidence, OA + "hasSelector", quote_selector)
    triples.iri(quote_selector, RDF + "type", OA + "TextQuoteSelector")
    triples.text(quote_selector, OA + "exact", quote, None)
    triples.iri(evidence, OA + "hasSelector", position_selector)
    triples.iri(position_selector, RDF + "type", OA + "TextPositionSelector")
    triples.typed(position_selector, OA + "start", start, "integer")
    triples.typed(position_selector, OA + "end", end, "integer")
    triples.text(evidence, DCTERMS + "source", source, None)
    triples.iri(evidence, LIN + "method", method_iri(method))
    triples.typed(evidence, LIN + "confidence", f"{confidence:.3f}", "decimal")
    triples.text(evidence, LIN + "extractorVersion", EXTRACTOR_VERSION, None)
    triples.iri(evidence, PROV + "wasDerivedFrom", plan)
    return evidence


def _relation_triples(triples: Triples, relation: Relation, plan: str, source: str) -> None:
    citing = plan if relation.subject == "self" else relation.subject_id
    if not citing or not relation.object_id:
        return
    evidence_triples(
        triples, citing, PREDICATE_IRIS[relation.predicate], relation.object_id, relation.evidence.start, relation.evidence.end,
        relation.evidence.sentence, source, relation.method, relation.confidence, plan,
    )


def _office(triples: Triples, name: str, record: PlanRecord) -> str:
    document = record.document
    office = agency_iri(name, document.province, document.commune)
    triples.iri(office, RDF + "type", LIN + "Agency")
    triples.iri(office, RDF + "type", ORG + "Organization")
    triples.text(office, SKOS + "prefLabel", name)
    if document.issuer:
        triples.iri(office, ORG + "subOrganizationOf", agency_iri(document.issuer))
    unit = unit_iri(document.province, document.commune)
    triples.iri(office, LIN + "commune" if document.commune else LIN + "province", unit)
    return office


def _task_triples(triples: Triples, task: Task, record: PlanRecord, by_label: dict[str, str]) -> None:
    plan = record.document.id
    node = task.id
    triples.iri(node, RDF + "type", LIN + "Task")
    triples.iri(node, ELI + "is_part_of", plan)
    triples.text(node, LIN + "section", task.section, None)
    triples.text(node, DCTERMS + "description", task.text)
    triples.text(node, SKOS + "notation", task.number, None)
    triples.text(node, LIN + "period", task.period)
    triples.text(node, LIN + "output", task.output)
    triples.text(node, LIN + "supervisor", task.supervisor)
    for name in task.lead:
        triples.iri(node, LIN + "leadAgency", _office(triples, name, record))
    for name in task.partners:
        triples.iri(node, LIN + "partnerAgency", _office(triples, name, record))
    for label in list(task.implements) + list(task.implements_named):
        target = by_label.get(label)
        if target:
            evidence_triples(triples, node, LIN + "implements", target, task.start, task.end, task.text, record.source, "explicit", 1.0, plan)
    for inferred in task.inferred:
        quote = f"{task.text}\n[{inferred['method']}: {'; '.join(inferred.get('terms', []))}]"
        evidence_triples(triples, node, LIN + "implements", inferred["id"], task.start, task.end, quote, record.source,
                         inferred["method"], inferred["confidence"], plan)


def plan_triples(record: PlanRecord) -> Triples:
    """Everything one plan says, as the triples of its own named graph."""
    triples = Triples()
    document = record.document
    plan = document.id
    triples.iri(plan, RDF + "type", LIN + "Plan")
    triples.iri(plan, RDF + "type", ELI + "LegalResource")
    if document.symbol:
        triples.text(plan, ELI + "id_local", document.symbol, None)
    else:
        triples.text(plan, LIN + "name", document.title or record.source)
    triples.text(plan, ELI + "title", document.title)
    code = _type_code(document.type)
    if code:
        triples.iri(plan, ELI + "type_document", type_iri(code))
    triples.typed(plan, ELI + "date_document", document.date, "date")
    if document.month and not document.date:
        triples.typed(plan, LIN + "month", document.month, "gYearMonth")
    if document.period:
        triples.typed(plan, LIN + "year", document.period[0], "gYear")
        triples.text(plan, LIN + "period", f"{document.period[0]} - {document.period[1]}", None)
    if document.level:
        triples.iri(plan, LIN + "level", level_iri(document.level))
    issuer_triples(triples, plan, document.issuer)
    triples.text(plan, LIN + "signer", document.signer)
    triples.text(plan, DCTERMS + "source", record.source, None)
    if record.ocr:
        triples.typed(plan, LIN + "ocrPages", len(record.ocr.pages), "integer")
        triples.typed(plan, LIN + "ocrConfidence", record.ocr.confidence, "decimal")
    if document.province:
        province = unit_iri(document.province)
        triples.iri(plan, LIN + "province", province)
        triples.iri(province, RDF + "type", LIN + "AdministrativeUnit")
        triples.text(province, SKOS + "prefLabel", document.province)
        if document.commune:
            commune = unit_iri(document.province, document.commune)
            triples.iri(plan, LIN + "commune", commune)
            triples.iri(commune, RDF + "type", LIN + "AdministrativeUnit")
            triples.text(commune, SKOS + "prefLabel", f"{document.commune_kind or 'xã'} {document.commune}")
            triples.iri(commune, LIN + "withinProvince", province)
    for reference in record.references:
        reference_triples(triples, reference)
    for relation in record.relations + record.named_relations:
        _relation_triples(triples, relation, plan, record.source)
    by_label = {reference.label: reference.id for reference in record.references}
    for task in record.tasks:
        _task_triples(triples, task, record, by_label)
    for position, indicator in enumerate(record.indicators, start=1):
        node = f"{plan}/indicator/{position}"
        triples.iri(plan, LIN + "indicator", node)
        triples.iri(node, RDF + "type", LIN + "Indicator")
        triples.text(node, SKOS + "prefLabel", indicator.name)
        triples.typed(node, LIN + "target", indicator.target, "decimal")
        triples.typed(node, LIN + "targetMax", indicator.target_max, "decimal")
        triples.text(node, LIN + "unit", indicator.unit, None)
        triples.text(node, LIN + "comparator", indicator.comparator, None)
        triples.typed(node, LIN + "year", indicator.year, "gYear")
        triples.text(node, DCTERMS + "subject", indicator.group)
        if indicator.lead:
            triples.iri(node, LIN + "leadAgency", _office(triples, indicator.lead, record))
    return triples
