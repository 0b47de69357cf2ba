"""Indicators (chỉ tiêu): name, target, unit, comparator, year and lead office.

Targets are written the Vietnamese way: a point groups thousands and a comma marks
decimals (``869.532`` is 869532, ``70,4`` is 70.4), with a comparator in words
("trên", "dưới", "tối thiểu", "từ … trở lên") or signs (``>97``, ``<3``, ``≥ 12%``).
A "-" target is no target.
"""

from __future__ import annotations

import re

from .records import Indicator
from .structure import Section, Structure, Table
from .text import fold_key

__all__ = ["parse_number", "parse_target", "extract_indicators", "is_indicator_heading"]

_NUMBER = re.compile(r"(?<![\w.,])-?\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\d])|(?<![\w.,])-?\d+(?:[.,]\d+)?(?![\d])")


def parse_number(value: str) -> float | None:
    """A number written the Vietnamese way.

    >>> parse_number("869.532"), parse_number("70,4"), parse_number("1,57"), parse_number("09")
    (869532.0, 70.4, 1.57, 9.0)
    """
    value = value.strip()
    if re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?", value):
        return float(value.replace(".", "").replace(",", "."))
    if re.fullmatch(r"-?\d+(?:[.,]\d+)?", value):
        return float(value.replace(",", "."))
    return None


_COMPARATOR_WORDS = (
    (r"tối thiểu|ít nhất|không thấp hơn|không dưới|từ\s+(?=.*trở lên)", ">="),
    (r"tối đa|không quá|không vượt quá|không cao hơn", "<="),
    (r"trên|hơn|vượt", ">"),
    (r"dưới|thấp hơn", "<"),
    (r"≥|>=|\\geq", ">="),
    (r"≤|<=|\\leq", "<="),
    (r">", ">"),
    (r"<", "<"),
)
_AFTER_WORDS = ((r"trở lên", ">="), (r"trở xuống", "<="))
_UNIT_STOP = re.compile(r"\s(?:trở lên|trở xuống|trong đó|so với|và|theo|trên|đến|để|của|tại|mỗi|bình quân)\b|[;,()]|\.(?:\s|$)|$")
_PERCENT = re.compile(r"^\s*%")


def parse_target(value: str) -> dict | None:
    """Target, unit, comparator (and upper bound of a range) from the value part of an indicator.

    >>> parse_target("869.532 triệu đồng trở lên")
    {'target': 869532.0, 'unit': 'triệu đồng', 'comparator': '>=', 'target_max': None}
    >>> parse_target("Tối thiểu 99,5%/năm")["comparator"]
    '>='
    >>> parse_target("14 - 15")["target_max"]
    15.0
    >>> parse_target("-") is None
    True
    """
    text = " ".join(value.replace("\\geq", "≥").replace("\\leq", "≤").split())
    number = _NUMBER.search(text)
    if number is None:
        return None
    target = parse_number(number.group())
    before = fold_key(text[: number.start()])[-25:]
    after = text[number.end():]
    comparator = None
    target_max = None
    range_match = re.match(r"\s*(?:-|–|đến)\s*(\d[\d.,]*)", after)
    if range_match and not re.match(r"\s*-\s*\d{4}", after):
        target_max = parse_number(range_match.group(1))
        after = after[range_match.end():]
        comparator = "range"
    if comparator is None:
        for pattern, sign in _COMPARATOR_WORDS:
            if re.search(rf"(?:{pattern})\s*$", before) or (sign in (">", "<", ">=", "<=") and re.search(rf"(?:{pattern})\s*$", text[: number.start()])):
                comparator = sign
                break
    if comparator is None:
        for pattern, sign in _AFTER_WORDS:
            if re.search(pattern, fold_key(after[:40])):
                comparator = sign
                break
    unit = _unit(after)
    return {"target": target, "unit": unit, "comparator": comparator or "=", "target_max": target_max}


def _unit(after: str) -> str | None:
    if _PERCENT.match(after):
        return "%"
    stop = _UNIT_STOP.search(after)
    words = after[: stop.start()].strip() if stop else after.strip()
    words = words.split("/năm")[0] if words.startswith("%") else words
    if not words or len(words) > 40 or re.search(r"\d", words):
        return None
    return words.lower()


# --- where indicators are written ---------------------------------------------------------

def is_indicator_heading(heading: str) -> bool:
    """A section of indicators ("Các chỉ tiêu chủ yếu"), not of tasks ("Chỉ tiêu và nhiệm vụ")."""
    key = fold_key(heading)
    return "chỉ tiêu" in key and not any(word in key for word in ("nhiệm vụ", "giải pháp"))


_NAME_UNIT = re.compile(r"\((?P<unit>[^()]{1,25})\)\s*$")
_LEAD_COLUMN = ("đơn vị chủ trì", "đơn vị tham mưu", "cơ quan chủ trì", "chủ trì", "đơn vị thực hiện")
_TARGET_COLUMN = ("năm 20", "kế hoạch", "chỉ tiêu năm", "mục tiêu", "đến năm", "bình quân", "giá trị")


def _column(columns: list[str], words: tuple[str, ...], exclude: int | None = None) -> int | None:
    for word in words:
        for index, column in enumerate(columns):
            if index != exclude and word in fold_key(column):
                return index
    return None


def _table_indicators(table: Table, year: int | None, period: list[int] | None) -> list[Indicator]:
    columns = table.columns
    name_column = _column(columns, ("chỉ tiêu", "nội dung", "tên chỉ tiêu"))
    if name_column is None or _column(columns, ("nhiệm vụ",)) is not None:
        return []
    target_column = _column(columns, _TARGET_COLUMN, exclude=name_column)
    lead_column = _column(columns, _LEAD_COLUMN)
    unit_column = _column(columns, ("đơn vị tính", "đvt"))
    indicators: list[Indicator] = []
    group = None
    group_lead = None
    for row in table.rows:
        cells = row.cells + [""] * (len(columns) - len(row.cells))
        name = cells[name_column].strip()
        target_text = cells[target_column].strip() if target_column is not None else ""
        if target_column is not None and not target_text and target_column + 1 < len(cells) and "bình quân" in fold_key(columns[target_column + 1]):
            target_text = cells[target_column + 1].strip()
        lead = cells[lead_column].strip() if lead_column is not None else ""
        number = cells[0].strip()
        if not name:
            continue
        is_group = (not target_text and (number or name == name.upper())) or (re.fullmatch(r"[IVX]+\.?", number or "") is not None)
        if is_group:
            group = name.rstrip(":")
            group_lead = lead or (group_lead if not re.fullmatch(r"[IVX]+\.?", number or "") else None)
            continue
        unit = cells[unit_column].strip() if unit_column is not None else None
        name_unit = _NAME_UNIT.search(name)
        if name_unit:
            unit = unit or name_unit.group("unit").strip()
            name = name[: name_unit.start()].strip()
        parsed = parse_target(target_text) if target_text and target_text not in ("-", "–") else None
        unit = unit or (parsed["unit"] if parsed else None)
        indicators.append(
            Indicator(
                name=name.lstrip("+- ").strip(),
                target=parsed["target"] if parsed else None,
                unit=unit.lower() if unit else None,
                comparator=parsed["comparator"] if parsed else None,
                year=year,
                lead=lead or group_lead,
                group=group,
                target_max=parsed["target_max"] if parsed else None,
                period=period,
                text="\t".join(row.cells),
                start=row.start,
                end=row.end,
            )
        )
    return indicators


_ITEM_PREFIX = re.compile(r"^(?:[-+•]\s*)?(?:\(\d{1,3}\)\s*)?")
# Where the name of an indicator ends and its value begins, most telling first.
_VALUE_SPLITS = (
    re.compile(r":\s"),
    re.compile(r"\s(?:đạt|là|ước đạt|phấn đấu đạt)\s(?=[^\d]{0,25}\d)"),
    re.compile(r"\s(?:giảm|tăng)\s(?=[^\d]{0,25}\d)"),
    re.compile(r"\s(?=(?:trên|dưới|tối thiểu|khoảng|từ)\s+\d)"),
)


def _split_name_and_value(body: str) -> tuple[str, str]:
    for pattern in _VALUE_SPLITS:
        split = pattern.search(body)
        if split:
            name, value = body[: split.start()].strip(), body[split.start():].lstrip(": ")
            if re.match(r"(?:giảm|tăng)\s", value):
                name = f"{name} {value.split()[0]}"
            return name, value
    number = _NUMBER.search(body)
    if number is None:
        return body, ""
    return body[: number.start()].strip(), body[number.start():]


def _line_indicator(line: str, group: str | None, year: int | None, period: list[int] | None, start: int, end: int, listed: bool) -> Indicator | None:
    """One indicator from a line; `listed` items ("(16) Phường đạt chuẩn …") count even without a number."""
    body = _ITEM_PREFIX.sub("", line).strip().rstrip(";.")
    if not body:
        return None
    name, value = _split_name_and_value(body)
    parsed = parse_target(value) if value else None
    if parsed is None and not listed:
        return None
    if len(name.split()) <= 3:
        # "Hoàn thành 100% chỉ tiêu …", "Phấn đấu có thêm 01 trường …": the verb alone is no name.
        name = body
    return Indicator(
        name=name.rstrip(": "),
        target=parsed["target"] if parsed else None,
        unit=parsed["unit"] if parsed else None,
        comparator=parsed["comparator"] if parsed else None,
        year=year,
        lead=None,
        group=group,
        target_max=parsed["target_max"] if parsed else None,
        period=period,
        text=line,
        start=start,
        end=end,
    )


def _section_indicators(section: Section, text: str, year: int | None, period: list[int] | None) -> list[Indicator]:
    """Items of an indicator section: numbered "(n)" items and bullets; other lines only as "name: value"."""
    indicators: list[Indicator] = []
    for node in section.walk():
        listed = node.style in ("paren", "bullet-", "bullet+")
        lines = node.body[:1] if listed else node.body[1:]
        group = None if listed else node.heading
        for start, end in lines:
            if not listed and not re.search(r":\s*[<>≥≤]?\s*\d", text[start:end]):
                continue
            for line_start, line_end in _sub_items(text, start, end):
                found = _line_indicator(text[line_start:line_end], group, year, period, line_start, line_end, listed)
                if found:
                    indicators.append(found)
    return indicators


def _sub_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """An item that lists several indicators ("… đạt 97%; tỷ lệ … đạt 60%") gives one per part."""
    pieces = []
    position = start
    for match in re.finditer(r";\s+(?=[Tt]ỷ lệ|[Ss]ố )", text[start:end]):
        pieces.append((position, start + match.start()))
        position = start + match.end()
    pieces.append((position, end))
    return pieces


def _assign_leads(structure: Structure, indicators: list[Indicator]) -> None:
    """"Giao Phòng X chủ trì … tham mưu nội dung các chỉ tiêu …: A, B, C" names the lead of A, B and C."""
    text = structure.text.normalized
    by_name = {fold_key(indicator.name): indicator for indicator in indicators}
    for match in re.finditer(r"Giao (?P<lead>[^\n]{3,120}?) chủ trì[^\n:]{0,200}?chỉ tiêu[^\n]*", text):
        lead = re.split(r",\s*(?=Công an|Ban|Phòng|Trung tâm)", match.group("lead"))[0].strip()
        listed = fold_key(match.group())
        for key, indicator in by_name.items():
            if indicator.lead is None and key and key in listed:
                indicator.lead = lead


def extract_indicators(structure: Structure, year: int | None, period: list[int] | None) -> list[Indicator]:
    text = structure.text.normalized
    indicators: list[Indicator] = []
    seen_tables: set[int] = set()
    for table in structure.tables:
        found = _table_indicators(table, year, period)
        if found:
            seen_tables.add(id(table))
            indicators.extend(found)
    for section in structure.walk():
        if is_indicator_heading(section.heading) and section.style in ("roman", "arabic", "letter"):
            indicators.extend(_section_indicators(section, text, year, period))
    indicators = _dedupe(indicators)
    _assign_leads(structure, indicators)
    return indicators


def _dedupe(indicators: list[Indicator]) -> list[Indicator]:
    seen: set[tuple[int, int]] = set()
    unique = []
    for indicator in sorted(indicators, key=lambda item: item.start):
        if (indicator.start, indicator.end) in seen:
            continue
        seen.add((indicator.start, indicator.end))
        unique.append(indicator)
    return unique
