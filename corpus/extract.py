"""One plan in, one `PlanRecord` out: the whole of layer 1 in a single call."""

from __future__ import annotations

import bisect
import re
import time
from pathlib import Path

from .implicit import DESCRIPTION_CONFIDENCE, descriptive_references, topic_links
from .layout import lay_out
from .indicators import extract_indicators
from .metadata import PlanFacts, read_plan_facts
from .pipeline import make_pipeline
from .reader import read_text
from .records import DocumentInfo, Evidence, PlanRecord, Reference, Relation
from .relations import Item, extract_relations, self_mentions
from .resolve import IRI_BASE, catalogue_reference, document_iri, resolve_references, slug
from .structure import Structure, parse_structure
from .tasks import OfficeNames, extract_tasks
from .text import Text, fold_key

__all__ = ["extract_file", "extract_text", "DEFAULT_TIME_LIMIT"]

#: Seconds one document may take; regexes are linear, so only a pathological input reaches it.
DEFAULT_TIME_LIMIT = 120.0


def extract_file(path: str | Path, time_limit: float = DEFAULT_TIME_LIMIT) -> PlanRecord:
    """Read and extract one document (raises `DocumentError` if it cannot be read)."""
    return extract_text(read_text(path), time_limit)


# "I. CĂN CỨ XÂY DỰNG KẾ HOẠCH", "1. Cơ sở pháp lý": a section whose entries are the plan's basis.
_BASIS_HEADING = re.compile(r"^(?:căn cứ|cơ sở)(?:\s+(?:pháp lý|xây dựng|lập|ban hành|để)(?:\s+[^\d/]{0,30})?)?\s*:?$")


def basis_sections(structure: Structure) -> list[tuple[int, int]]:
    return [
        (section.heading_end, section.end)
        for section in structure.walk()
        if len(section.heading) <= 60 and _BASIS_HEADING.match(" ".join(fold_key(section.heading).split()))
    ]


def extract_text(text: Text, time_limit: float = DEFAULT_TIME_LIMIT) -> PlanRecord:
    # The logical text has the normalized text's length and offset map: offsets found in it
    # point into the original file just as well.
    text = lay_out(text).text
    structure = parse_structure(text)
    facts = read_plan_facts(structure)
    context = facts.context()
    nlp = make_pipeline()
    doc = nlp.make_doc(text.normalized)
    doc.user_data["text"] = text.normalized
    doc.user_data["fold"] = text.fold
    doc.user_data["deadline"] = time.monotonic() + time_limit
    for _, component in nlp.pipeline:
        doc = component(doc)
    spans = list(doc.spans["references"])
    references, by_span = resolve_references(spans, text, context)
    items = [
        Item(span._.citation_start, span.end_char, span._.full_end or span.end_char, by_span[span.start_char])
        for span in spans
        if span.start_char in by_span
    ]
    title_span = structure.header.title_span
    relations, named_relations = extract_relations(text, items + self_mentions(text), structure.preamble, title_span, structure.header.issuing_span, basis_sections(structure))
    plan_id = _plan_iri(facts, structure)
    offices = OfficeNames(facts.commune_kind, facts.commune)

    by_start = sorted(items, key=lambda item: item.start)
    starts = [item.start for item in by_start]

    def cited(start: int, end: int) -> list[Reference]:
        found = [item.reference for item in by_start[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]]
        return list({reference.id: reference for reference in found}.values())

    tasks = extract_tasks(structure, plan_id, offices, cited)
    _infer_task_links(tasks, facts, {reference.symbol for reference in references if reference.level == "central" and reference.symbol})
    relations.extend(_descriptive_relations(text))
    year = facts.period[0] if facts.period and facts.period[0] == facts.period[1] else None
    indicators = extract_indicators(structure, year, facts.period)
    for indicator in indicators:
        indicator.start, indicator.end = text.to_original(indicator.start, indicator.end)
        if indicator.lead:
            indicator.lead = offices.canonical(indicator.lead)
    document = DocumentInfo(
        id=plan_id,
        symbol=facts.symbol,
        type=facts.doc_type,
        title=facts.title,
        issuer=facts.issuer,
        level=facts.level,
        commune=facts.commune,
        province=facts.province,
        date=facts.date.iso() if facts.date else None,
        signer=facts.signer,
        period=facts.period,
        month=str(facts.date) if facts.date and not facts.date.iso() else None,
        commune_kind=facts.commune_kind,
        issued_with=facts.issued_with,
        province_code=facts.province_code,
        commune_code=facts.commune_code,
        unit_era=facts.unit_era,
        successor=facts.successor,
    )
    warnings = list(text.warnings)
    if not structure.sections and not structure.tables:
        warnings.append(f"{text.source or '<text>'}: no plan structure found (no numbered sections or tables)")
    return PlanRecord(
        source=text.source or "<text>",
        document=document,
        references=references,
        relations=relations,
        tasks=tasks,
        indicators=indicators,
        named_relations=named_relations,
        offices=sorted(set(offices.seen.values())),
        warnings=warnings,
        ocr=text.ocr,
    )


def _infer_task_links(tasks: list, facts: PlanFacts, central: set[str]) -> None:
    """Topic links for tasks that implement a policy without citing it (method "topic").

    A task that cites a central document already says what it implements; inferring
    more from its words would mostly repeat or contradict it.
    """
    for task in tasks:
        if central & set(task.implements):
            continue
        for link in topic_links(task.text, set(task.implements), facts.date):
            task.inferred.append({"symbol": link.symbol, "id": catalogue_reference(link.symbol).id, "method": "topic",
                                  "confidence": round(link.confidence, 2), "terms": link.terms})


def _descriptive_relations(text: Text) -> list[Relation]:
    """"các Nghị quyết chiến lược của Bộ Chính trị về …": the plan implements each resolution so described."""
    relations = []
    for found in descriptive_references(text):
        target = catalogue_reference(found.symbol)
        evidence = Evidence(found.start, found.end, text.original[found.start:found.end])
        relations.append(Relation("self", "implements", found.symbol, evidence, "description", DESCRIPTION_CONFIDENCE, None, target.id))
    return relations


def _plan_iri(facts: PlanFacts, structure: Structure) -> str:
    """The plan's own IRI; an unnumbered plan is named by its title within its commune and year."""
    own = Reference(
        id="", symbol=facts.symbol, name=None if facts.symbol else (facts.title or "untitled"), type=facts.doc_type,
        date=None, year=facts.date.year if facts.date else None, issuer=facts.issuer, level=facts.level,
        number=facts.symbol.split("/")[0].split("-")[0] if facts.symbol else None, province=facts.province,
    )
    if facts.symbol:
        code = facts.symbol.replace("-", "/").split("/")[-1]
        return document_iri(own, code, facts.context())
    year = facts.date.year if facts.date else "unknown-year"
    scope = f"vn/{slug(facts.province or 'unknown-province')}/{slug(facts.commune or 'unknown-commune')}"
    return f"{IRI_BASE}eli/{scope}/{slug(facts.issuer_body or 'unknown-issuer')}/{slug(facts.doc_type or 'doc')}/{year}/unnumbered-{slug(facts.title or 'untitled')[:60]}"
