"""The structure of an administrative document: header, preamble, section tree,
tables, appendices, recipients and signature.

Vietnamese plans follow Decree 30/2020/NĐ-CP on document form closely enough that a
line-based reading works: the header block ("Số:", place and date, the type line, the
title), the "Thực hiện … / Căn cứ …" preamble, numbered parts (I., 1., 1.1., a), (1),
bullets), tab or pipe tables, "PHỤ LỤC" appendices, "Nơi nhận:" and the signature.
All offsets are into the normalized text; `Text.to_original` maps them back.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Iterator

from .registry import alternation, registry
from .text import LOWER, UPPER, Text, fold_key

__all__ = ["Line", "PartialDate", "Header", "Section", "Table", "Row", "Appendix", "Signature", "Structure", "parse_structure"]


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str

    @property
    def cells(self) -> list[str]:
        return [cell.strip() for cell in self.text.strip("|").split("|")] if _is_pipe_row(self.text) else [cell.strip() for cell in self.text.split("\t")]


@dataclass(frozen=True)
class PartialDate:
    """A date whose day (or month) may be unknown, as when the day is left blank for signing."""

    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str | None:
        """The full ISO date, or None when the day is unknown (never invented)."""
        if self.month and self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        return None

    def __str__(self) -> str:
        if self.month and self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"


@dataclass
class Header:
    symbol: str | None = None
    symbol_span: tuple[int, int] | None = None
    date_span: tuple[int, int] | None = None
    issuer_span: tuple[int, int] | None = None
    number_blank: bool = False
    place: str | None = None
    date: PartialDate | None = None
    doc_type: str | None = None
    title: str | None = None
    title_span: tuple[int, int] | None = None
    issuing: str | None = None
    issuing_span: tuple[int, int] | None = None
    issuer_lines: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    wrapper: list[str] = field(default_factory=list)  # a website's lines above the official header


@dataclass
class Row:
    cells: list[str]
    start: int
    end: int


@dataclass
class Table:
    start: int
    end: int
    header_rows: list[Row]
    rows: list[Row]

    @property
    def columns(self) -> list[str]:
        """Column names, header rows merged top to bottom ("Phân công thực hiện / Cơ quan chủ trì")."""
        width = max((len(row.cells) for row in self.header_rows + self.rows), default=0)
        names = []
        for index in range(width):
            parts = [row.cells[index] for row in self.header_rows if index < len(row.cells) and row.cells[index]]
            names.append(" / ".join(parts))
        return names


@dataclass
class Section:
    number: str | None
    style: str
    path: str
    heading: str
    start: int
    end: int
    heading_end: int
    body: list[tuple[int, int]] = field(default_factory=list)
    children: list["Section"] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def walk(self) -> Iterator["Section"]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Appendix:
    label: str
    title: str
    attached_to: str | None
    attached_span: tuple[int, int] | None
    start: int
    end: int
    tables: list[Table] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


@dataclass
class Signature:
    roles: list[str]
    signer: str | None
    span: tuple[int, int] | None


@dataclass
class Structure:
    text: Text
    header: Header
    preamble: list[tuple[int, int]]
    sections: list[Section]
    tables: list[Table]
    appendices: list[Appendix]
    recipients: list[str]
    signature: Signature
    body_span: tuple[int, int]

    def walk(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()
        for appendix in self.appendices:
            for section in appendix.sections:
                yield from section.walk()

    def find(self, path: str) -> Section | None:
        return next((section for section in self.walk() if section.path == path), None)


# --- line classification ------------------------------------------------------------

@lru_cache(maxsize=1)
def _number_line() -> re.Pattern:
    """"Số: 12/KH-UBND", "Số 445-KL/TU", "Nghị quyết số: 653/2019/UBTVQH14" (a type name before "Số")."""
    names = alternation(doc_type.name for doc_type in registry().doc_types)
    return re.compile(rf"^(?:(?:{names})\s+)?Số\s*(?:hiệu)?\s*(?:[:.]\s*|\s+(?=[\d.…_/]))(?P<value>.*)$", re.IGNORECASE)


_DATE_WORDS = re.compile(
    r"ngày\s{0,3}(?P<day>\d{1,2})?\s{0,3}(?:[.…_ ]{0,12})\s{0,3}tháng\s{0,3}(?P<month>\d{1,2})?\s{0,3}(?:[.…_ ]{0,12})\s{0,3}năm\s{0,3}(?P<year>\d{4})",
    re.IGNORECASE,
)
_DATE_SLASH = re.compile(r"(?<!\d)(?P<day>\d{1,2})\s{0,2}[/.-]\s{0,2}(?P<month>\d{1,2})\s{0,2}[/.-]\s{0,2}(?P<year>(?:19|20)\d{2})(?!\d)")
_PLACE_DATE = re.compile(r"^(?P<place>[^\d,;:()]{2,60}),\s{0,3}" + _DATE_WORDS.pattern, re.IGNORECASE)
_KEM_THEO = re.compile(r"^\(?\s*(?:Ban hành\s+)?[Kk]èm theo\b")
_APPENDIX = re.compile(r"^(?:PHỤ LỤC|Phụ lục|PHỤ BIỂU|Phụ biểu)(?:\s+(?:số\s+)?(?P<label>[IVXLC]{1,5}|\d{1,3}[a-z]?))?\s*[:.]?\s*$")
_RECIPIENTS = re.compile(r"^Nơi nhận\s*:?", re.IGNORECASE)
_ROLE = re.compile(
    r"^(?:(?:T/?M|K/?T|TL|TUQ|Q)\s*[./]?\s*)?(?:ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND|HỘI ĐỒNG NHÂN DÂN|BAN THƯỜNG VỤ|BAN CHẤP HÀNH|ĐẢNG ỦY|ĐẢNG UỶ|CHÍNH PHỦ|BỘ CHÍNH TRỊ|BAN BÍ THƯ|CHỦ TỊCH|PHÓ CHỦ TỊCH|BÍ THƯ|PHÓ BÍ THƯ|TỔNG BÍ THƯ|THỦ TƯỚNG|PHÓ THỦ TƯỚNG|BỘ TRƯỞNG|THỨ TRƯỞNG|GIÁM ĐỐC|PHÓ GIÁM ĐỐC|TRƯỞNG BAN|PHÓ TRƯỞNG BAN|CHÁNH VĂN PHÒNG)\b"
)
_NAME_WORD = rf"(?:[{UPPER}][{LOWER}]{{0,7}}|[{UPPER}]{{1,8}})"
_PERSON_NAME = re.compile(rf"^{_NAME_WORD}(?:\s{_NAME_WORD}){{1,4}}$")
_MOTTO = re.compile(r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập\s*-\s*Tự do\s*-\s*Hạnh phúc|ĐẢNG CỘNG SẢN VIỆT NAM", re.IGNORECASE)
_SEPARATOR = re.compile(r"^[-_=*~.\s]{3,}$")
_LIST_ITEM = re.compile(r"^[-+•]\s+\S")
_PREAMBLE_CUE = re.compile(r"^(?:[-+•]\s{0,3})?(?:Thực hiện|Căn cứ|Triển khai|Theo|Để|Nhằm|Thi hành)\b")

_HEADING_PATTERNS = (
    ("roman", re.compile(r"^(?:PHẦN|Phần|CHƯƠNG|Chương)\s+(?P<number>[IVXLC]{1,6}|\d{1,2})\b[.:\-]?\s*(?P<title>.*)$")),
    ("article", re.compile(r"^(?:Điều|ĐIỀU)\s+(?P<number>\d{1,3})\s*[.:]\s*(?P<title>.*)$")),
    ("roman", re.compile(r"^(?P<number>[IVXLC]{1,6})[.)]\s*(?P<title>[^\s\d].*)$")),
    ("arabic", re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2}){1,4})\.?\)?\s+(?P<title>\S.*)$")),
    ("arabic", re.compile(r"^(?P<number>\d{1,2})[.)]\s+(?P<title>[^\s\d].*)$")),
    ("letter", re.compile(r"^(?P<number>[a-zđ])[).]\s+(?P<title>\S.*)$")),
    ("paren", re.compile(r"^(?:[-+•]\s{1,3})?\((?P<number>\d{1,3})\)\s*(?P<title>\S.*)$")),
    ("bullet-", re.compile(r"^(?P<number>[-–•·●▪■◦*])\s+(?P<title>\S.*)$")),
    ("bullet+", re.compile(r"^(?P<number>\+)\s+(?P<title>\S.*)$")),
)
_STYLE_RANK = {"roman": 0, "article": 0.5, "letter": 10, "paren": 11, "bullet-": 12, "bullet+": 13}


def _style_rank(style: str, number: str) -> float:
    if style == "arabic":
        return number.count(".") + 1
    return _STYLE_RANK[style]


def _is_pipe_row(text: str) -> bool:
    return text.startswith("|") and text.endswith("|") and text.count("|") >= 3


def _is_table_line(text: str) -> bool:
    if _is_pipe_row(text):
        return True
    return "\t" in text and sum(1 for cell in text.split("\t") if cell.strip()) >= 1 and text.count("\t") >= 1


def _is_pipe_rule(text: str) -> bool:
    return _is_pipe_row(text) and set(text) <= set("|-: ")


def split_lines(text: str) -> list[Line]:
    lines = []
    position = 0
    for raw in text.split("\n"):
        stripped = raw.strip(" ")
        offset = position + (len(raw) - len(raw.lstrip(" ")))
        lines.append(Line(offset, offset + len(stripped), stripped))
        position += len(raw) + 1
    return lines


# --- header -------------------------------------------------------------------------

def parse_date(value: str) -> PartialDate | None:
    """A date written "ngày 05 tháng 01 năm 2026", "ngày   tháng 01 năm 2026" or "13/3/2026"."""
    match = _DATE_WORDS.search(value) or _DATE_SLASH.search(value)
    if not match:
        return None
    return _partial_date(match)


def _partial_date(match: re.Match) -> PartialDate | None:
    year = int(match.group("year"))
    month = int(match.group("month")) if match.group("month") else None
    day = int(match.group("day")) if match.group("day") else None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= 31:
        day = None
    return PartialDate(year, month, day if month else None)


def type_line(text: str) -> str | None:
    """The document type named by an all-capitals line ("KẾ HOẠCH" -> "Kế hoạch")."""
    if not text or len(text) > 40 or text != text.upper():
        return None
    return _type_names().get(fold_key(text))


@lru_cache(maxsize=1)
def _type_names() -> dict[str, str]:
    """Folded type name or alias → the type's name (the first type to claim a name keeps it)."""
    names: dict[str, str] = {}
    for doc_type in registry().doc_types:
        for name in (doc_type.name, *doc_type.aliases):
            names.setdefault(fold_key(name), doc_type.name)
    return names


def _parse_header(lines: list[Line], body_start: int, text: Text) -> tuple[Header, int]:
    """Read the header lines before `body_start`; return the header and the first preamble line index."""
    header = Header()
    index = 0
    title_lines: list[Line] = []
    in_title = False
    seen_motto = False
    preamble_start = body_start
    while index < body_start:
        line = lines[index]
        value = line.text
        if not value:
            if in_title and title_lines:
                in_title = False
            index += 1
            continue
        if _KEM_THEO.match(value) and header.issuing is None:
            end_index = _parenthesis_end(lines, index, body_start)
            header.issuing = " ".join(lines[i].text for i in range(index, end_index + 1) if lines[i].text).strip("() ")
            header.issuing_span = (line.start, lines[end_index].end)
            in_title = False
            index = end_index + 1
            continue
        if _PREAMBLE_CUE.match(value) and (header.doc_type or header.symbol or index > 0) and len(value) > 60 and not in_title and not _before_header(header, lines, index, body_start):
            preamble_start = index
            break
        if in_title and title_lines and _LIST_ITEM.match(value):
            preamble_start = index  # a list right after the title: its legal bases
            break
        if in_title and title_lines and _SEPARATOR.match(value):
            in_title = False  # the rule drawn under the title
            index += 1
            continue
        if in_title and title_lines and _ends_capital_title(title_lines, value):
            preamble_start = index
            break
        if in_title and (not title_lines or not _PREAMBLE_CUE.match(value)):
            title_lines.append(line)
            index += 1
            continue
        if in_title:
            preamble_start = index
            break
        line, index = _date_line_continued(lines, index, body_start, text)
        kinds = [_read_header_segment(header, segment) for segment in _header_segments(line)]
        seen_motto = seen_motto or "motto" in kinds
        if "type" in kinds:
            in_title = True
        elif kinds == ["title"]:
            # A copy that lost its type line ("KẾ HOẠCH"): the capitals after the number and date are the title.
            in_title = True
            title_lines.append(line)
        elif "other" in kinds:
            if _before_header(header, lines, index, body_start):
                header.wrapper.append(value)
                index += 1
                continue
            if header.doc_type is not None or _PREAMBLE_CUE.match(value) or title_lines:
                preamble_start = index
                break
            header.issuer_lines.append(value)
        index += 1
    if title_lines:
        header.title = " ".join(line.text for line in title_lines)
        header.title_span = (title_lines[0].start, title_lines[-1].end)
    if not (header.symbol or header.number_blank or header.date or header.doc_type or seen_motto):
        # No official header (a portal page, a fragment): what stands before the first heading is
        # the text's own opening, not an issuer block.
        opening = next((position for position in range(0, preamble_start) if lines[position].text and lines[position].text != lines[position].text.upper()), None)
        if opening is not None:
            header.issuer_lines = [line for line in header.issuer_lines if line == line.upper()]
            preamble_start = opening
    return header, preamble_start


_CUT_AFTER_NGAY = re.compile(r",\s{0,3}ngày\s*$", re.IGNORECASE)
_DATE_REST = re.compile(r"^\d{1,2}\s{0,3}tháng\s{0,3}\d{1,2}\s{0,3}năm\s{0,3}\d{4}", re.IGNORECASE)


def _date_line_continued(lines: list[Line], index: int, stop: int, text: Text) -> tuple[Line, int]:
    """The header line at `index`, joined with the next when it is a place and date cut after
    "ngày" ("Quảng Trị, ngày" / "25 tháng 11 năm 2025": OCR of a narrow column, a cell's wrap);
    with the index of the last line it takes."""
    line = lines[index]
    if not _CUT_AFTER_NGAY.search(line.text):
        return line, index
    following = next((position for position in range(index + 1, min(stop, index + 3)) if lines[position].text), None)
    if following is None or not _DATE_REST.match(lines[following].text):
        return line, index
    end = lines[following].end
    return Line(line.start, end, text.normalized[line.start : end].replace("\n", " ")), following  # offsets kept one for one


def _ends_capital_title(title_lines: list[Line], value: str) -> bool:
    """A title in capitals ends at the first sentence written in small letters: a scan or a
    PDF has no blank line (and OCR no drawn rule) between the title and the text."""
    return (all(line.text == line.text.upper() for line in title_lines) and value != value.upper()
            and len(value) > 60 and value[:1].isupper())


_SEGMENT_BREAK = re.compile(
    rf"\t+|\s+(?=CỘNG HÒA XÃ HỘI|CỘNG HOÀ XÃ HỘI|ĐẢNG CỘNG SẢN VIỆT NAM|Độc lập\s*-)"
    rf"|(?<=\S)\s+(?=Số\s*:|Số\s+\d)"
    rf"|(?<=[0-9A-ZĐ/)])\s+(?=(?:[{UPPER}][{LOWER}]{{0,7}}\.? ){{0,4}}[{UPPER}][{LOWER}]{{0,7}}, ngày)"
)


#: How far below a website's own lines (page title, banners) the official header may start.
_WRAPPER_REACH = 15


def _before_header(header: Header, lines: list[Line], index: int, stop: int) -> bool:
    """A line of the website's wrapper: nothing of the header read yet, and the motto or "Số:" follows."""
    if header.symbol or header.number_blank or header.date or header.doc_type or header.issuer_lines:
        return False
    for line in lines[index + 1 : min(stop, index + _WRAPPER_REACH)]:
        if _MOTTO.search(line.text) or _number_line().match(line.text):
            return True
    return False


def _header_segments(line: Line) -> list[Line]:
    """Pieces of a header line that a two-column layout put side by side."""
    pieces = []
    position = 0
    for match in _SEGMENT_BREAK.finditer(line.text):
        if match.start() > position:
            pieces.append(Line(line.start + position, line.start + match.start(), line.text[position : match.start()].strip()))
        position = match.end()
    if position < len(line.text):
        pieces.append(Line(line.start + position, line.end, line.text[position:].strip()))
    return [piece for piece in pieces if piece.text]


def _read_header_segment(header: Header, segment: Line) -> str:
    """Record what one header segment says; return its kind."""
    value = segment.text
    number = _number_line().match(value)
    if number and not value[:2].casefold() == "số" and len(number.group("value")) > 30:
        number = None  # "Quyết định số 01/2024/QĐ-UBND - Xã … ban hành …" is a page title, not the number line
    if number and header.symbol is None and not header.number_blank:
        _read_number(header, number, segment)
        return "number"
    place = _PLACE_DATE.match(value)
    if place and header.date is None:
        header.place = place.group("place").strip()
        header.date = _partial_date(place)
        header.date_span = (segment.start, segment.end)
        return "date"
    doc_type = type_line(value)
    if doc_type and header.doc_type is None:
        header.doc_type = doc_type
        return "type"
    if _MOTTO.search(value) or _SEPARATOR.match(value) or value in ("*", "-"):
        return "motto"
    if len(value) < 160 and _metadata_field(header, value):
        return "metadata"
    if value == value.upper() and header.doc_type is None and re.search(rf"[{UPPER}]", value):
        if header.date is not None and (header.symbol or header.number_blank):
            return "title"
        if len(value) < 80:
            header.issuer_lines.append(value)
            header.issuer_span = (header.issuer_span[0] if header.issuer_span else segment.start, segment.end)
            return "issuer"
    return "other"


_SYMBOL_VALUE = re.compile(r"\d[\dA-Za-zĐđ]*(?:\s{0,2}[-/]\s{0,2}[\dA-Za-zĐđ]+){1,4}")


def _read_number(header: Header, match: re.Match, line: Line) -> None:
    value = match.group("value").strip()
    value_start = line.start + match.start("value")
    if re.match(r"^[.…_\s]*/", value):
        header.number_blank = True
        return
    symbol = _SYMBOL_VALUE.match(value)
    if symbol:
        header.symbol = re.sub(r"\s+", "", symbol.group())
        header.symbol_span = (value_start, value_start + symbol.end())


_METADATA_FIELDS = {"số hiệu": "symbol", "ngày ban hành": "date", "người ký": "signer", "loại văn bản": "type", "nơi ban hành": "issuer", "cơ quan ban hành": "issuer", "trích yếu": "title"}


def _metadata_field(header: Header, value: str) -> bool:
    """A field of a website metadata table: "Số hiệu: 155/KH-UBND" or "| Người ký | Nguyễn Văn A |"."""
    if _is_pipe_row(value):
        cells = [cell.strip(" *") for cell in value.strip("|").split("|")]
    elif ":" in value:
        cells = [cell.strip(" *") for cell in value.split(":", 1)]
    else:
        return False
    found = False
    for position in range(0, len(cells) - 1, 2):
        name = _METADATA_FIELDS.get(fold_key(cells[position]).strip())
        if name and cells[position + 1]:
            header.metadata[name] = cells[position + 1]
            found = True
    if found and "symbol" in header.metadata and header.symbol is None:
        symbol = _SYMBOL_VALUE.match(header.metadata["symbol"])
        header.symbol = re.sub(r"\s+", "", symbol.group()) if symbol else None
    return found or (_is_pipe_row(value) and set(value) <= set("|-: "))


def _parenthesis_end(lines: list[Line], index: int, limit: int) -> int:
    depth = 0
    for position in range(index, min(limit, index + 6)):
        depth += lines[position].text.count("(") - lines[position].text.count(")")
        if depth <= 0:
            return position
    return index


# --- the body -----------------------------------------------------------------------

def _heading(line: Line) -> tuple[str, str, str] | None:
    for style, pattern in _HEADING_PATTERNS:
        match = pattern.match(line.text)
        if match:
            return style, match.group("number"), match.group("title").strip()
    return None


def _first_heading_index(lines: list[Line], start: int, stop: int) -> int:
    for index in range(start, stop):
        found = _heading(lines[index])
        if found and found[0] in ("roman", "arabic", "article") and not _is_table_line(lines[index].text):
            return index
    return stop


def _closing_index(lines: list[Line], start: int, stop: int) -> int:
    for index in range(start, stop):
        if _RECIPIENTS.match(lines[index].text):
            return index
    return stop


def _appendix_starts(lines: list[Line], start: int) -> list[int]:
    return [index for index in range(start, len(lines)) if _APPENDIX.match(lines[index].text) and not _is_table_line(lines[index].text)]


def _collect_tables(lines: list[Line], start: int, stop: int) -> tuple[list[Table], set[int]]:
    """Tables between line indexes; a table split by page breaks with its header repeated is one table."""
    tables: list[Table] = []
    used: set[int] = set()
    index = start
    while index < stop:
        if not _is_table_line(lines[index].text) or _cells_filled(lines[index]) < 2:
            index += 1
            continue
        members = [index]
        width = len(lines[index].cells)
        cursor = index + 1
        while cursor < stop:
            following = _next_nonblank(lines, cursor, stop)
            if following is None:
                break
            if _is_table_line(lines[following].text):
                members.append(following)
                cursor = following + 1
                continue
            # A group row that lost its tabs ("III. NHÓM CHỈ TIÊU MÔI TRƯỜNG") between rows of one table.
            after = _next_nonblank(lines, following + 1, stop)
            if len(lines[following].text) < 120 and after is not None and _is_table_line(lines[after].text) and len(lines[after].cells) >= max(2, width - 2):
                members.append(following)
                cursor = following + 1
                continue
            break
        tables.append(_build_table(lines, members))
        used.update(range(members[0], members[-1] + 1))
        index = members[-1] + 1
    return tables, used


def _cells_filled(line: Line) -> int:
    return sum(1 for cell in line.cells if cell)


def _next_nonblank(lines: list[Line], index: int, stop: int) -> int | None:
    for position in range(index, stop):
        if lines[position].text:
            return position
    return None


_NUMERIC_CELL = re.compile(r"^[<>≥≤]?\s*-?\d[\d.,]*\s*%?$")


def _build_table(lines: list[Line], members: list[int]) -> Table:
    rows = []
    for index in members:
        line = lines[index]
        if _is_pipe_rule(line.text):
            continue
        rows.append(Row(line.cells, line.start, line.end))
    header_rows: list[Row] = []
    if rows and _looks_like_header(rows[0]):
        header_rows.append(rows[0])
        for row in rows[1:]:
            if row.cells and not row.cells[0] and any(row.cells) and not any(_NUMERIC_CELL.match(cell) for cell in row.cells if cell):
                header_rows.append(row)
            else:
                break
    header_keys = [_row_key(row) for row in header_rows]
    body = [row for row in rows[len(header_rows):] if _row_key(row) not in header_keys or not header_keys]
    # A page break repeats the header rows; they are not data.
    body = [row for row in body if _row_key(row) not in header_keys]
    return Table(lines[members[0]].start, lines[members[-1]].end, header_rows, body)


def _row_key(row: Row) -> tuple[str, ...]:
    return tuple(fold_key(cell) for cell in row.cells if cell)


def _looks_like_header(row: Row) -> bool:
    filled = [cell for cell in row.cells if cell]
    if len(filled) < 2:
        return False
    first = fold_key(row.cells[0]) if row.cells else ""
    if first in ("stt", "tt", "số tt", "số thứ tự"):
        return True
    return not any(_NUMERIC_CELL.match(cell) for cell in filled) and not re.match(r"^([IVX]+|\d+)\.?$", row.cells[0] or "-")


def _build_sections(lines: list[Line], start: int, stop: int, table_lines: set[int], tables: list[Table], path_prefix: str = "") -> list[Section]:
    roots: list[Section] = []
    stack: list[tuple[int, Section]] = []
    paragraph_owner: Section | None = None
    for index in range(start, stop):
        line = lines[index]
        if not line.text or index in table_lines:
            continue
        found = _heading(line)
        if found:
            style, number, title = found
            rank = _style_rank(style, number)
            while stack and stack[-1][0] >= rank:
                stack.pop()
            parent = stack[-1][1] if stack else None
            path = _child_path(parent.path if parent else path_prefix, parent.number if parent else None, style, number)
            section = Section(number, style, path, title, line.start, line.end, line.end)
            section.body.append((line.start + len(line.text) - len(title), line.end))
            (parent.children if parent else roots).append(section)
            stack.append((rank, section))
            paragraph_owner = section
            continue
        if paragraph_owner is not None:
            paragraph_owner.body.append((line.start, line.end))
    _close_extents(roots, lines[stop - 1].end if stop > start else 0)
    for table in tables:
        owner = _deepest_containing(roots, table.start)
        if owner is not None:
            owner.tables.append(table)
    return roots


def _child_path(parent_path: str, parent_number: str | None, style: str, number: str) -> str:
    if style.startswith("bullet"):
        return parent_path
    component = f"({number})" if style == "paren" else (f"Điều {number}" if style == "article" else number)
    if style == "arabic" and parent_number and number.startswith(parent_number + ".") and parent_path.endswith(parent_number):
        return parent_path[: len(parent_path) - len(parent_number)] + component
    return f"{parent_path}.{component}" if parent_path else component


def _close_extents(sections: list[Section], stop: int) -> None:
    for position, section in enumerate(sections):
        section.end = sections[position + 1].start - 1 if position + 1 < len(sections) else stop
        if section.children:
            _close_extents(section.children, section.end)
        section.end = max(section.end, section.heading_end)


def _deepest_containing(sections: list[Section], offset: int) -> Section | None:
    for section in sections:
        if section.start <= offset <= section.end:
            return _deepest_containing(section.children, offset) or section
    return None


def _parse_closing(lines: list[Line], start: int, stop: int) -> tuple[list[str], Signature]:
    recipients: list[str] = []
    roles: list[str] = []
    signer = None
    span = None
    for index in range(start, stop):
        value = lines[index].text
        if not value or _RECIPIENTS.match(value):
            continue
        if value.startswith(("-", "+", "•")):
            recipients.append(value.lstrip("-+• ").rstrip(";.").strip())
            continue
        if signer is not None and roles:
            break  # the signature ends with the name; what follows is an attached document
        role, name = _role_and_name(value)
        if role:
            roles.append(role)
        # The name is the last line of the signature block; the lines above it are roles,
        # some of them wrapped ("TM. ỦY BAN" / "NHÂN DÂN").
        if name and not _is_body_fragment(name):
            signer = name if name != name.upper() else name.title()
            span = (lines[index].start + value.rindex(name), lines[index].start + value.rindex(name) + len(name))
    return recipients, Signature(roles, signer, span)


_ROLE_HEAD = re.compile(r"^(?:\s*(?:(?:T/?M|K/?T|TL|TUQ|Q)\s*[./]\s*)?(?:(?:PHÓ\s+)?(?:CHỦ TỊCH|BÍ THƯ|THỦ TƯỚNG|TRƯỞNG BAN|GIÁM ĐỐC|CHÁNH VĂN PHÒNG|BỘ TRƯỞNG|THỨ TRƯỞNG)(?:\s+THƯỜNG TRỰC)?|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN))+")
_BODY_FRAGMENTS = {"nhân dân", "ủy ban", "uỷ ban", "hội đồng", "ban thường vụ", "văn phòng", "đảng ủy", "ban chấp hành", "trưởng tiểu ban", "tiểu ban"}


def _role_and_name(value: str) -> tuple[str | None, str | None]:
    """A signature line: a role, a name, or a role with the name run on after it ("PHÓ CHỦ TỊCH Trần Thị Diệu Thúy")."""
    if _PERSON_NAME.match(value) and not _ROLE.match(value):
        return None, value
    if not _ROLE.match(value):
        return None, None
    head = _ROLE_HEAD.match(value)
    rest = value[head.end():].strip() if head else ""
    if rest and rest != rest.upper() and _PERSON_NAME.match(rest):
        return value[: head.end()].strip(), rest
    return value, None


def _is_body_fragment(value: str) -> bool:
    return fold_key(value) in _BODY_FRAGMENTS


def _parse_appendix(lines: list[Line], start: int, stop: int) -> Appendix:
    label = lines[start].text
    title_parts: list[str] = []
    attached = None
    attached_span = None
    cursor = start + 1
    while cursor < stop:
        value = lines[cursor].text
        if not value:
            cursor += 1
            continue
        if _is_table_line(value) or _heading(lines[cursor]):
            break
        if _KEM_THEO.match(value):
            end_index = _parenthesis_end(lines, cursor, stop)
            attached = " ".join(lines[i].text for i in range(cursor, end_index + 1) if lines[i].text).strip("() ")
            attached_span = (lines[cursor].start, lines[end_index].end)
            cursor = end_index + 1
            break
        title_parts.append(value)
        cursor += 1
    tables, table_lines = _collect_tables(lines, cursor, stop)
    sections = _build_sections(lines, cursor, stop, table_lines, tables, path_prefix=label)
    return Appendix(label, " ".join(title_parts), attached, attached_span, lines[start].start, lines[stop - 1].end, tables, sections)


def parse_structure(text: Text) -> Structure:
    """Read the structure of a normalized document."""
    lines = split_lines(text.normalized)
    appendix_starts = _appendix_starts(lines, 0)
    main_stop = appendix_starts[0] if appendix_starts else len(lines)
    first_heading = _first_heading_index(lines, 0, main_stop)
    header, preamble_start = _parse_header(lines, first_heading, text)
    preamble = [(lines[i].start, lines[i].end) for i in range(preamble_start, first_heading) if lines[i].text]
    closing = _closing_index(lines, first_heading, main_stop)
    tables, table_lines = _collect_tables(lines, first_heading, closing)
    sections = _build_sections(lines, first_heading, closing, table_lines, tables)
    recipients, signature = _parse_closing(lines, closing, main_stop)
    if signature.signer is None and closing == main_stop:
        signature = _trailing_signature(lines, main_stop)
    appendices = [
        _parse_appendix(lines, begin, appendix_starts[position + 1] if position + 1 < len(appendix_starts) else len(lines))
        for position, begin in enumerate(appendix_starts)
    ]
    all_tables = tables + [table for appendix in appendices for table in appendix.tables]
    body_end = lines[closing - 1].end if closing > first_heading else (lines[first_heading].start if first_heading < len(lines) else len(text.normalized))
    body_start = lines[first_heading].start if first_heading < len(lines) else len(text.normalized)
    return Structure(text, header, preamble, sections, all_tables, appendices, recipients, signature, (body_start, body_end))


def _trailing_signature(lines: list[Line], stop: int) -> Signature:
    """A signature at the very end when there is no "Nơi nhận:" block: roles, then the name."""
    roles: list[str] = []
    name: Line | None = None
    for index in range(stop - 1, max(-1, stop - 10), -1):
        line = lines[index]
        if not line.text:
            continue
        if name is None and not roles and _PERSON_NAME.match(line.text) and not _ROLE.match(line.text) and not _is_body_fragment(line.text):
            name = line
            continue
        if _ROLE.match(line.text):
            roles.insert(0, line.text)
            continue
        break
    if roles and name is not None:
        return Signature(roles, name.text, (name.start, name.end))
    return Signature(roles, None, None)


# --- plain data for the CLI and for researchers ------------------------------------

def structure_to_dict(structure: Structure) -> dict:
    """The structure as plain data, offsets into the original file."""
    text = structure.text

    def span(start: int, end: int) -> list[int]:
        return list(text.to_original(start, end))

    def section(node: Section) -> dict:
        return {
            "number": node.number,
            "style": node.style,
            "path": node.path,
            "heading": node.heading,
            "span": span(node.start, node.end),
            "paragraphs": len(node.body),
            "tables": len(node.tables),
            "children": [section(child) for child in node.children],
        }

    def table(node: Table) -> dict:
        return {"span": span(node.start, node.end), "columns": node.columns, "rows": [row.cells for row in node.rows]}

    header = structure.header
    return {
        "source": text.source,
        "warnings": list(text.warnings),
        "header": {
            "symbol": header.symbol,
            "number_blank": header.number_blank,
            "place": header.place,
            "date": str(header.date) if header.date else None,
            "type": header.doc_type,
            "title": header.title,
            "issued_with": header.issuing,
            "issuer_lines": header.issuer_lines,
            "metadata": header.metadata,
        },
        "preamble": [text.original_text(start, end) for start, end in structure.preamble],
        "sections": [section(node) for node in structure.sections],
        "tables": [table(node) for node in structure.tables],
        "appendices": [
            {"label": node.label, "title": node.title, "attached_to": node.attached_to, "tables": [table(item) for item in node.tables]}
            for node in structure.appendices
        ],
        "recipients": structure.recipients,
        "signature": {"roles": structure.signature.roles, "signer": structure.signature.signer},
    }


def render_outline(structure: Structure, width: int = 100) -> str:
    """An indented outline of the document for a person reading a terminal."""
    header = structure.header
    lines = [
        f"{structure.text.source or '<text>'}",
        f"  {header.doc_type or '?'} {header.symbol or ('(số để trống)' if header.number_blank else '(không số)')}"
        f" · {header.place or '?'} · {header.date or 'không rõ ngày'}",
    ]
    if header.title:
        lines.append(f"  {clip(header.title, width)}")
    if header.issuing:
        lines.append(f"  kèm theo: {clip(header.issuing, width)}")
    lines.append(f"  preamble: {len(structure.preamble)} paragraph(s)")

    def walk(node: Section, depth: int) -> None:
        if node.style.startswith("bullet"):
            return
        extra = f"  [{len(node.tables)} table(s)]" if node.tables else ""
        lines.append(f"{'  ' * (depth + 1)}{node.path:<12} {clip(node.heading, width - 2 * depth - 14)}{extra}")
        for child in node.children:
            walk(child, depth + 1)

    for node in structure.sections:
        walk(node, 0)
    for appendix in structure.appendices:
        rows = sum(len(table.rows) for table in appendix.tables)
        lines.append(f"  {appendix.label}: {clip(appendix.title, width - 20)}  [{len(appendix.tables)} table(s), {rows} row(s)]")
    lines.append(f"  recipients: {len(structure.recipients)} · signer: {structure.signature.signer or 'none'}")
    return "\n".join(lines)


def clip(value: str, width: int) -> str:
    """`value` cut to `width` characters with an ellipsis."""
    width = max(width, 10)
    return value if len(value) <= width else value[: width - 1] + "…"
