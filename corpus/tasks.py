"""Tasks: the actionable items of a plan's task sections and appendix task tables,
with the office that leads them, the partners, the period, the output, and the
documents each task cites (what it implements).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .indicators import is_indicator_heading
from .records import Task
from .registry import registry
from .identifiers import slug
from .structure import Section, Structure, Table
from .text import UPPER, fold_key

__all__ = ["OfficeNames", "extract_tasks", "is_task_heading"]

_TASK_WORDS = ("nhiệm vụ", "giải pháp", "nội dung thực hiện", "nhiệm vụ trọng tâm")
_NOT_TASK_WORDS = ("mục đích", "tổ chức thực hiện", "chỉ tiêu")


def is_task_heading(heading: str) -> bool:
    key = fold_key(heading)
    if any(word in key for word in _TASK_WORDS):
        return not key.startswith("chỉ tiêu") and "tổ chức thực hiện" not in key
    return False


@lru_cache(maxsize=1)
def _abbreviation_pattern() -> tuple[re.Pattern, dict[str, str]]:
    """All abbreviations in one pass, so that an expansion is never expanded again."""
    expansions = {}
    sources = []
    for short, long in sorted(registry().office_abbreviations, key=lambda pair: len(pair[0]), reverse=True):
        sources.append(r"\s*-\s*".join(re.escape(part.strip()) for part in short.split("-")))
        expansions[_abbreviation_key(short)] = long
    return re.compile(rf"(?<!\w)(?:{'|'.join(sources)})(?!\w)", re.IGNORECASE), expansions


@lru_cache(maxsize=1)
def _canonical_offices() -> dict[str, tuple[str, bool]]:
    """Folded name → (the registry's spelling of an office, whether the unit's name follows it)."""
    found: dict[str, tuple[str, bool]] = {}
    for name, with_unit in registry().canonical_offices:
        found.setdefault(fold_key(name), (name, with_unit))
    return found


def _abbreviation_key(value: str) -> str:
    return re.sub(r"\s*-\s*", "-", fold_key(value))


@dataclass
class OfficeNames:
    """Canonical office names within one commune: "Phòng VH-XH", "Phòng Văn hóa - xã hội"
    and "Phòng Văn hóa - Xã hội" are one office; "BQL Dự án phường" is "Ban Quản lý dự án phường".
    """

    commune_kind: str | None
    commune: str | None
    seen: dict[str, str] = field(default_factory=dict)
    # A plan names the same few offices in hundreds of rows.
    named: dict[str, str | None] = field(default_factory=dict)

    def canonical(self, raw: str) -> str | None:
        if raw not in self.named:
            self.named[raw] = self._canonical(raw)
        return self.named[raw]

    def _canonical(self, raw: str) -> str | None:
        value = " ".join(raw.replace("\u2013", "-").split()).strip(" .;:,")
        pattern, expansions = _abbreviation_pattern()
        value = pattern.sub(lambda match: expansions.get(_abbreviation_key(match.group()), match.group()), value)
        value = re.sub(r"^(?:các|Các)\s+(?=Tổ|tổ|trường|Trường)", "", value)
        if not value or fold_key(value) in registry().office_placeholders or fold_key(value).startswith(("các đơn vị", "các cơ quan")):
            return None
        value = re.sub(r"\s*-\s*", " - ", value)
        base = self._without_unit(value)
        key = fold_key(base)
        if key in self.seen:
            return self.seen[key]
        display = base[0].upper() + base[1:]
        known = _canonical_offices().get(key)
        if known:
            name, with_unit = known
            display = f"{name} {self.commune_kind}" if with_unit and self.commune_kind else name
        self.seen[key] = display
        return display

    def _without_unit(self, value: str) -> str:
        words = "|".join(re.escape(word) for word in ("phường", "xã", "đặc khu", "thị trấn"))
        name = re.escape(self.commune) if self.commune else r"(?!x)x"
        # "Ủy ban nhân dân cấp xã" names every commune's committee: its "xã" stays.
        stripped = re.sub(rf"(?<!\scấp)\s+(?:{words})(?:\s+{name})?$", "", value, flags=re.IGNORECASE)
        return stripped or value


def _office_in_heading(heading: str) -> str | None:
    """A section heading that names an office ("1. Văn phòng HĐND và UBND phường") makes it the lead."""
    value = heading.strip(" :.")
    value = re.sub(r"^(?:Đề nghị|Giao)\s+", "", value).split(" và các ")[0]
    if len(value) > 90 or ";" in value:
        return None
    if any(value.startswith(head + " ") or value == head for head in registry().office_heads):
        if re.match(r"^(?:Ban hành|Tổ chức|Đội ngũ|Hội nghị|Trường hợp)\b", value):
            return None
        return value
    return None


_GIAO = re.compile(r"(?:^|[.;]\s*|\s)(?:[Gg]iao)\s+(?P<lead>[^.;:]{3,120}?)\s+(?:chủ trì|làm đầu mối|thực hiện|tham mưu)")


@lru_cache(maxsize=1)
def _opening_office() -> re.Pattern:
    heads = "|".join(re.escape(head) for head in sorted(registry().office_heads, key=len, reverse=True))
    return re.compile(rf"^(?:[-+•]\s*)?(?P<lead>(?:{heads}|Sở) [^,.;:()]{{2,80}}?)\s+(?:chủ trì|làm đầu mối)")


def _lead_in_text(text: str) -> str | None:
    """"Giao Phòng X chủ trì …" anywhere, or a task that opens with "Sở Tư pháp chủ trì …"."""
    match = _GIAO.search(text) or _opening_office().match(text)
    if not match:
        return None
    return re.split(r",\s*(?=Công an|Ban |Phòng |Trung tâm|Văn phòng)", match.group("lead"))[0]


@dataclass
class _Unit:
    section: str
    start: int
    end: int
    lead: str | None


def _units(node: Section, text: str, lead: str | None) -> list[_Unit]:
    """The task paragraphs under a section, bullets one by one."""
    if node.style not in ("bullet-", "bullet+") and is_indicator_heading(node.heading):
        return []
    lead = _office_in_heading(node.heading) or lead
    units: list[_Unit] = []
    paragraphs = node.body[1:] if node.body else []
    if node.style in ("bullet-", "bullet+"):
        heading_only = node.heading.rstrip().endswith(":") and node.children
        if not heading_only:
            start = node.body[0][0] if node.body else node.start
            end = paragraphs[-1][1] if paragraphs else node.heading_end
            units.append(_Unit(node.path, start, end, lead))
        else:
            units.extend(_Unit(node.path, start, end, lead) for start, end in paragraphs)
    else:
        if not paragraphs and not node.children and len(node.heading) > 40:
            units.append(_Unit(node.path, node.body[0][0], node.heading_end, lead))
        elif len(node.heading) > 200:
            units.append(_Unit(node.path, node.body[0][0], node.heading_end, lead))
        units.extend(_Unit(node.path, start, end, lead) for start, end in paragraphs)
    for child in node.children:
        units.extend(_units(child, text, lead))
    return units


def _task_sections(structure: Structure) -> list[Section]:
    """Sections titled as tasks ("NHIỆM VỤ, GIẢI PHÁP"), not inside purpose or implementation parts."""
    found: list[Section] = []

    def visit(node: Section) -> None:
        if node.style not in ("roman", "arabic", "article") or len(node.heading) > 120:
            return
        if is_task_heading(node.heading):
            found.append(node)
            return
        if any(word in fold_key(node.heading) for word in _NOT_TASK_WORDS):
            return
        for child in node.children:
            visit(child)

    for section in structure.sections:
        visit(section)
    return found


# Plans without a "NHIỆM VỤ, GIẢI PHÁP" part hold their tasks in a "NỘI DUNG" part, or office by
# office under "TỔ CHỨC THỰC HIỆN" ("1. Sở Nông nghiệp và Môi trường: …").
_CONTENT_HEADING = re.compile(
    r"^(?:các )?nội dung(?:\s*(?:,|và)\s*(?:thực hiện|triển khai|hoạt động|hình thức|công việc|chủ yếu|trọng tâm|giải pháp))*(?: (?:thực hiện|triển khai|chủ yếu|trọng tâm))?$"
)
_IMPLEMENTATION_HEADING = re.compile(r"^(?:tổ chức thực hiện|trách nhiệm thực hiện|phân công (?:nhiệm vụ|thực hiện|trách nhiệm))$")


def _fallback_task_sections(structure: Structure) -> list[Section]:
    found: list[Section] = []
    for section in structure.sections:
        heading = " ".join(fold_key(section.heading).strip(" .:").split())
        if _CONTENT_HEADING.match(heading):
            found.append(section)
        elif _IMPLEMENTATION_HEADING.match(heading) and sum(1 for child in section.children if _office_in_heading(child.heading)) >= 2:
            found.append(section)
    return found


_TABLE_COLUMNS = {
    "text": ("nhiệm vụ", "nội dung công việc", "nội dung"),
    "period": ("thời gian", "thời hạn", "tiến độ"),
    "lead": ("chủ trì",),
    "partners": ("phối hợp",),
    "output": ("kết quả", "sản phẩm"),
    "supervisor": ("lãnh đạo", "chỉ đạo"),
}


def _table_columns(table: Table) -> dict[str, int] | None:
    columns = [fold_key(column) for column in table.columns]
    found: dict[str, int] = {}
    for field_name, words in _TABLE_COLUMNS.items():
        for word in words:
            index = next((index for index, column in enumerate(columns) if word in column and index not in found.values()), None)
            if index is not None:
                found[field_name] = index
                break
    if "text" not in found or "lead" not in found:
        return None
    return found


def _table_tasks(table: Table, label: str, plan_id: str, offices: OfficeNames, cited) -> list[Task]:
    columns = _table_columns(table)
    if columns is None:
        return []
    tasks: list[Task] = []
    group = None
    for row in table.rows:
        cells = row.cells + [""] * (max(columns.values()) + 1 - len(row.cells))
        number = cells[0].strip().rstrip(".")
        text = cells[columns["text"]].strip()
        if not number.isdigit():
            group_label = re.match(r"^([IVXLC]{1,6})(?:\.|\s|$)", number or text)
            if group_label:
                group = group_label.group(1)
            continue
        lead_raw = cells[columns["lead"]]
        partners_raw = cells[columns["partners"]] if "partners" in columns else ""
        section = f"{label}.{group}" if group else label
        references = cited(row.start, row.end)
        tasks.append(
            Task(
                id=f"{plan_id}/task/{slug(section)}-{number}",
                section=section,
                text=text,
                lead=[name for name in (offices.canonical(part) for part in re.split(r"[;\n]", lead_raw)) if name],
                partners=[name for name in (offices.canonical(part) for part in re.split(r"[;\n]", partners_raw)) if name],
                period=cells[columns["period"]].strip() or None if "period" in columns else None,
                output=cells[columns["output"]].strip() or None if "output" in columns else None,
                implements=[reference.symbol for reference in references if reference.symbol],
                supervisor=cells[columns["supervisor"]].strip() or None if "supervisor" in columns else None,
                number=number,
                start=row.start,
                end=row.end,
                implements_named=[reference.name for reference in references if not reference.symbol and reference.name],
            )
        )
    return tasks


# A task written as labelled lines: "Nội dung thực hiện: …", "Cơ quan chủ trì: …", "Thời gian thực hiện: …".
_TASK_LABEL = re.compile(
    r"^(?:[-+•]\s*)?(?P<label>nội dung(?: thực hiện| công việc)?|(?:cơ quan|đơn vị) (?:chủ trì|thực hiện|đầu mối)|(?:cơ quan|đơn vị) phối hợp|"
    r"thời gian(?: thực hiện| hoàn thành)?|thời hạn(?: hoàn thành)?|tiến độ(?: thực hiện)?|sản phẩm|kết quả(?: đầu ra)?)\s*:\s*(?P<value>.+)$",
    re.IGNORECASE,
)
# Checked in this order: "Thời gian thực hiện" is a period, "Cơ quan thực hiện" the lead.
_LABEL_FIELDS = {"nội dung": "text", "thời": "period", "tiến độ": "period", "phối hợp": "partners", "chủ trì": "lead", "thực hiện": "lead", "đầu mối": "lead", "sản phẩm": "output", "kết quả": "output"}
# "Trên đây là Kế hoạch …", "Trong quá trình tổ chức thực hiện, nếu có khó khăn …": the plan's closing words.
_CLOSING_WORDS = re.compile(r"^(?:Trên đây là|Trong quá trình (?:tổ chức )?(?:triển khai|thực hiện))")


def _label_field(label: str) -> str:
    key = fold_key(label)
    return next(field_name for word, field_name in _LABEL_FIELDS.items() if word in key)


def _labelled_fields(bodies: list[str]) -> dict[str, str] | None:
    """The fields of a task written as labelled lines, or None when the lines are tasks of their own."""
    fields: dict[str, str] = {}
    for body in bodies:
        match = _TASK_LABEL.match(body)
        if match:
            fields.setdefault(_label_field(match.group("label")), match.group("value").strip())
    return fields if len(fields) >= 2 and ("lead" in fields or "text" in fields) else None


_NAME_BREAK = re.compile(rf"[;,]\s*(?=[{UPPER}])|\s+và\s+(?=[{UPPER}])")  # "Bảo hiểm xã hội Thành phố, Chi nhánh …"


def _names(value: str | None, offices: OfficeNames) -> list[str]:
    if not value:
        return []
    return [name for name in (offices.canonical(part) for part in _NAME_BREAK.split(value)) if name]


def extract_tasks(structure: Structure, plan_id: str, offices: OfficeNames, cited) -> list[Task]:
    """Tasks of the plan; `cited(start, end)` gives the references mentioned in a normalized range."""
    text = structure.text.normalized
    table_tasks: list[Task] = []
    for appendix in structure.appendices:
        for table in appendix.tables:
            for task in _table_tasks(table, appendix.label, plan_id, offices, cited):
                task.start, task.end = structure.text.to_original(task.start, task.end)
                table_tasks.append(task)
    sections = _task_sections(structure) or ([] if table_tasks else _fallback_task_sections(structure))
    groups: dict[str, list[_Unit]] = {}
    for section in sections:
        for unit in _units(section, text, None):
            groups.setdefault(unit.section, []).append(unit)
    headings: dict[str, str] = {}
    for section in sections:
        for node in section.walk():
            headings.setdefault(node.path, node.heading)  # a bullet shares its section's path
    tasks: list[Task] = []
    for path, members in groups.items():
        bodies = [" ".join(text[unit.start:unit.end].split()) for unit in members]
        fields = _labelled_fields(bodies)
        if fields is not None:
            # One task written as labelled lines: its fields, its whole range.
            lead_text = fields.get("lead")
            lead = (_lead_in_text(lead_text) or re.split(r"[;,]|\s+(?:chủ trì|phối hợp)\s", lead_text)[0]) if lead_text else members[0].lead
            description = fields.get("text") or " ".join(headings.get(path, "").split())
            tasks.append(_section_task(structure, plan_id, path, 1, description, lead, (members[0].start, members[-1].end), offices, cited, fields))
            continue
        index = 0
        for unit, body in zip(members, bodies):
            if len(body) < 12 or _CLOSING_WORDS.match(body):
                continue
            index += 1
            tasks.append(_section_task(structure, plan_id, path, index, body, _lead_in_text(body) or unit.lead, (unit.start, unit.end), offices, cited, {}))
    return tasks + table_tasks


def _section_task(structure: Structure, plan_id: str, path: str, index: int, description: str, lead: str | None,
                  span: tuple[int, int], offices: OfficeNames, cited, fields: dict[str, str]) -> Task:
    references = cited(*span)
    start, end = structure.text.to_original(*span)
    return Task(
        id=f"{plan_id}/task/{slug(path)}-{index}",
        section=path,
        text=description,
        lead=[name for name in [offices.canonical(lead)] if name] if lead else [],
        partners=_names(fields.get("partners"), offices),
        period=fields.get("period"),
        output=fields.get("output"),
        implements=list(dict.fromkeys(reference.symbol for reference in references if reference.symbol)),
        number=str(index),
        start=start,
        end=end,
        implements_named=list(dict.fromkeys(reference.name for reference in references if not reference.symbol and reference.name)),
    )
