"""Factory helpers for table-driven extraction tests (in the manner of eyecite's tests)."""

from __future__ import annotations

from vnlineage.corpus.extract import extract_text
from vnlineage.corpus.records import PlanRecord
from vnlineage.corpus.text import normalize

WARD_HEADER = """Số: 12/KH-UBND
{ward}, ngày 10 tháng 02 năm 2026

KẾ HOẠCH
Phát triển kinh tế - xã hội phường {ward} năm 2026

"""


def extract_snippet(body: str, ward: str = "Hòa Bình", province: str = "Thái Nguyên", header: bool = True) -> PlanRecord:
    """Extract from a short ward plan: a header, `body`, and a line naming the province."""
    text = (WARD_HEADER.format(ward=ward) if header else "") + body + f"\n\nI. NHIỆM VỤ\n1. Phát triển kinh tế trên địa bàn tỉnh {province}.\n"
    return extract_text(normalize(text, source="snippet.txt"))


def symbols(record: PlanRecord) -> list[str]:
    return [reference.symbol for reference in record.references if reference.symbol]


def reference(record: PlanRecord, label: str):
    found = [item for item in record.references if item.symbol == label or item.name == label]
    assert len(found) == 1, f"expected one reference {label!r}, found {[item.label for item in record.references]}"
    return found[0]


def pairs(record: PlanRecord) -> set[tuple[str, str, str]]:
    return {(relation.subject, relation.predicate, relation.object) for relation in record.relations}
