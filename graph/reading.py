"""`lineage read`: how a document was read, for a researcher asking why a field came out as it did."""

from __future__ import annotations

from ..corpus.layout import Layout
from ..corpus.metadata import PlanFacts, field_sources
from ..corpus.structure import Structure, clip as _clip, render_outline, structure_to_dict

__all__ = ["render_reading", "reading_to_dict"]


def _line_range(layout: Layout, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """The lines of the original file (1-based) that a span of the logical text came from."""
    if span is None:
        return None
    start, end = layout.text.to_original(*span)
    original = layout.text.original
    return original.count("\n", 0, start) + 1, original.count("\n", 0, max(start, end - 1)) + 1


def _where(lines: tuple[int, int] | None) -> str:
    if lines is None:
        return ""
    first, last = lines
    return f"line {first}" if first == last else f"lines {first}-{last}"


def _layout_summary(layout: Layout) -> str:
    parts = []
    if layout.wrapped:
        parts.append(f"hard-wrapped at {layout.width} columns ({layout.joined_lines} line ends rejoined)")
    if layout.tables:
        parts.append(f"{len(layout.tables)} table(s) flattened one cell per line, regrouped into rows")
    return "; ".join(parts) if parts else "one paragraph a line, as written"


def render_reading(layout: Layout, structure: Structure, facts: PlanFacts, blocks: bool = False, width: int = 100) -> str:
    """The layout, the header fields with their sources, the outline and, on request, every block."""
    lines = [render_outline(structure, width), f"  layout: {_layout_summary(layout)}", "  fields:"]
    for name, value, source, span in field_sources(structure, facts):
        shown = "—" if value is None else _clip(str(value), width - 40)
        origin = ", ".join(part for part in (source, _where(_line_range(layout, span))) if part)
        lines.append(f"    {name:<9} {shown}" + (f"   [{origin}]" if origin else ""))
    if blocks:
        lines.append("  blocks:")
        for block in layout.blocks():
            lines.append(f"    {_where(_line_range(layout, (block.start, block.end))):<14} {block.kind:<10} {_clip(block.text.replace(chr(9), ' | '), width - 30)}")
    return "\n".join(lines)


def reading_to_dict(layout: Layout, structure: Structure, facts: PlanFacts, blocks: bool = False) -> dict:
    data = structure_to_dict(structure)
    data["layout"] = {"wrapped": layout.wrapped, "width": layout.width, "joined_lines": layout.joined_lines, "flattened_tables": len(layout.tables)}
    data["fields"] = [
        {"field": name, "value": value, "source": source or None, "lines": _line_range(layout, span)}
        for name, value, source, span in field_sources(structure, facts)
    ]
    if blocks:
        data["blocks"] = [{"kind": block.kind, "lines": _line_range(layout, (block.start, block.end)), "text": block.text} for block in layout.blocks()]
    return data

