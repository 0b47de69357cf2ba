"""Text tables for a terminal: Vietnamese text aligned, long cells clipped."""

from __future__ import annotations

import unicodedata

from ..corpus.pdf import page_ranges
from ..corpus.records import PlanRecord

__all__ = ["display_width", "format_table", "render_plan_summary"]


def display_width(value: str) -> int:
    """Columns a string takes in a terminal (combining marks take none, wide characters two)."""
    width = 0
    for character in unicodedata.normalize("NFC", value):
        if unicodedata.combining(character):
            continue
        width += 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1
    return width


def _clip(value: str, width: int) -> str:
    if display_width(value) <= width:
        return value
    out = ""
    for character in value:
        if display_width(out + character) > width - 1:
            break
        out += character
    return out + "…"


def format_table(headers: list[str], rows: list[list[str]], max_width: int = 60) -> str:
    cells = [[_clip(str(cell if cell is not None else ""), max_width) for cell in row] for row in rows]
    widths = [display_width(header) for header in headers]
    for row in cells:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], display_width(cell))

    def line(values: list[str]) -> str:
        return "  ".join(value + " " * (widths[index] - display_width(value)) for index, value in enumerate(values)).rstrip()

    separator = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), separator] + [line(row) for row in cells])


def render_plan_summary(record: PlanRecord) -> str:
    document = record.document
    where = ", ".join(part for part in (f"{document.commune_kind} {document.commune}" if document.commune else None, document.province) if part)
    date = document.date or (f"{document.month} (day blank)" if document.month else "undated")
    lines = [
        f"== {record.source}",
        f"{document.type or 'Document'} {document.symbol or '(unnumbered)'} · {document.issuer or 'issuer unknown'} · {where or 'place unknown'} · {date}",
    ]
    if document.title:
        lines.append(f"   {document.title}")
    if document.signer:
        lines.append(f"   signed by {document.signer}")
    if record.ocr:
        lines.append(f"   read by OCR: page(s) {page_ranges([page - 1 for page in record.ocr.pages])}, mean word confidence {record.ocr.confidence:.0f}%")
    lines.append("")
    basis = [relation for relation in record.relations if relation.subject == "self" and relation.predicate != "cites"]
    if basis:
        lines.append("Made to implement / based on:")
        lines.extend(f"  {relation.predicate:<12} {relation.object}" for relation in basis)
        lines.append("")
    if record.references:
        rows = [
            [reference.symbol or reference.name, reference.level or "?", reference.date or reference.month or (str(reference.year) if reference.year else ""), reference.issuer or "", str(len(reference.mentions))]
            for reference in record.references
        ]
        lines.append(format_table(["reference", "level", "date", "issuer", "mentions"], rows, max_width=48))
        lines.append("")
    nested = [relation for relation in record.relations if relation.subject != "self"]
    if nested:
        lines.append("Lineage stated in the text:")
        lines.extend(f"  {relation.subject} --{relation.predicate}--> {relation.object}" for relation in nested)
        lines.append("")
    linked = sum(1 for task in record.tasks if task.implements)
    lines.append(f"{len(record.tasks)} tasks ({linked} cite a document), {len(record.indicators)} indicators, {len(record.offices)} offices")
    lines.append("")
    return "\n".join(lines)
