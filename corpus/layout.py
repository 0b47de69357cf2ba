"""Logical lines and blocks of a document, whatever shape its copy has.

Researchers get documents as websites show them, not as they were signed:

- legal-document sites hard-wrap every paragraph at about 80 characters, so a
  sentence, a name, a date ("ngày" / "24 tháng 11 năm 2025") or a symbol
  ("Nghị quyết số" / "214/NQ-CP") runs over two lines;
- the same sites flatten every HTML table, the two-column header included, into
  one cell per line with a lone ``|`` after each cell and a second ``|`` at the end
  of each row, or end each cell with `` |`` on its last line;
- Word exports put one paragraph on a line and join table cells with TAB.

`lay_out` turns all of these into one shape that the structure reader knows: one
logical line per paragraph, heading or list item, and one line per table row
with its cells joined by TAB.  It only ever replaces a line end by a space or a
TAB, a pipe by a space, a TAB or a line end, the escaped characters "\\r\\n" of a
scraped copy by spaces and a line end, and the spaces where the fields of a header
run together on one line meet by line ends, so the logical text has exactly the
length of the normalized text and every offset still maps back to the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .registry import alternation, registry
from .structure import type_line
from .text import LOWER, UPPER, Text

__all__ = ["Layout", "Block", "lay_out"]

# A line that starts a paragraph of its own: a numbered heading, a list item, a role in a signature.
_STARTS_BLOCK = re.compile(
    r"^(?:[IVXLC]{1,6}[.)]\s|\d{1,2}(?:\.\d{1,2}){0,4}[.)]?\s+\S|[a-zđ][).]\s|\(\d{1,3}\)|[-+•–·●▪■◦*]\s"
    r"|(?:PHẦN|Phần|CHƯƠNG|Chương|Điều|ĐIỀU|Mục|MỤC)\s+\w+[.:]?\s*$|(?:T/?M|K/?T|TL|TUQ)\s*[./]\s*\S"
    r"|Nơi nhận|PHỤ LỤC|Phụ lục|Căn cứ|CĂN CỨ)"
)
_NUMBERED_HEADING = re.compile(r"^(?:[IVXLC]{1,6}[.)]\s|\d{1,2}(?:\.\d{1,2}){0,4}[.)]?\s+\S|[a-zđ][).]\s|\(\d{1,3}\)|(?:PHẦN|Phần|CHƯƠNG|Chương|Điều|ĐIỀU)\s)")
_ENDS_SENTENCE = re.compile(r"[.;:!?…]\s*$|\./\.\s*$")
_SEPARATOR = re.compile(r"^[-_=*~.–—\s]{3,}$")
_MARKDOWN_ROW = re.compile(r"^\|.*\|$")
_CONTINUES = re.compile(rf"^[{LOWER}0-9(“\"/]")
_CAPITAL_WORDS = re.compile(rf"[{UPPER}]")
_LOWER_LETTER = re.compile(rf"[{LOWER}]")

#: A document is hard-wrapped when almost no prose line is longer than this.
_WRAP_LIMIT = 100
#: Cells longer than this many lines are not cells: the pipe that would close one belongs elsewhere.
_MAX_CELL_LINES = 40
#: A header cell before the first pipe holds the issuer block: a few short lines.
_MAX_LEADING_CELL_LINES = 6


@dataclass(frozen=True)
class Block:
    """One logical line of the laid-out text, with what it is."""

    kind: str  # heading, list_item, paragraph, table_row, separator
    start: int
    end: int
    text: str
    physical_lines: int


@dataclass
class Layout:
    """The logical text and what was done to get it."""

    text: Text
    wrapped: bool
    width: int | None
    joined_lines: int
    tables: list[tuple[int, int]] = field(default_factory=list)

    def blocks(self) -> list[Block]:
        """The logical lines as blocks, offsets into the normalized text."""
        found = []
        normalized = self.text.normalized
        position = 0
        for raw in normalized.split("\n"):
            stripped = raw.strip()
            if stripped:
                offset = position + raw.index(stripped[0])
                original = self.text.to_original(offset, offset + len(stripped))
                lines = self.text.original.count("\n", original[0], original[1]) + 1
                found.append(Block(_block_kind(stripped), offset, offset + len(stripped), stripped, lines))
            position += len(raw) + 1
        return found


def _block_kind(value: str) -> str:
    if "\t" in value or (_MARKDOWN_ROW.match(value) and value.count("|") >= 3):
        return "table_row"
    if _SEPARATOR.match(value):
        return "separator"
    if re.match(r"^[-+•–·●▪■◦*]\s", value):
        return "list_item"
    if _NUMBERED_HEADING.match(value) or (value == value.upper() and _CAPITAL_WORDS.search(value) and len(value) < 200):
        return "heading"
    return "paragraph"


@dataclass(slots=True)
class _Line:
    start: int  # offset of the first character of the raw line
    end: int  # offset of the line end (the "\n"), or the text's length
    text: str  # stripped


def _lines(value: str) -> list[_Line]:
    found = []
    position = 0
    for raw in value.split("\n"):
        found.append(_Line(position, position + len(raw), raw.strip()))
        position += len(raw) + 1
    return found


def _markup_only(text: Text, line: _Line) -> bool:
    """A blank line that was not blank in the file: its markup ("**") was removed."""
    original = text.original
    original_end = text.starts[line.end] if line.end < len(text.starts) else len(original)
    return bool(original[original.rfind("\n", 0, original_end) + 1 : original_end].strip())


_ESCAPED_LINE_END = re.compile(r"\\r\\n|\\n")


def _unescaped_line_ends(text: Text) -> Text:
    """A scraped copy whose line ends survive as the characters "\\r\\n": each becomes spaces and a line end, same length."""
    if "\\n" not in text.normalized:
        return text
    normalized = _ESCAPED_LINE_END.sub(lambda match: " " * (len(match.group()) - 1) + "\n", text.normalized)
    return replace(text, normalized=normalized)


# A header run together on one line ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM XÃ PHÚ MẬU Độc lập –
# Tự do – Hạnh phúc KẾ HOẠCH … Căn cứ …"): the spaces where its fields meet become line ends.
_RUN_TOGETHER_MOTTO = re.compile(r"CỘNG H(?:ÒA|OÀ) XÃ HỘI CHỦ NGHĨA VIỆT NAM")
_FIELD_STARTS = re.compile(
    r" (?=CỘNG H(?:ÒA|OÀ) XÃ HỘI)|(?<=VIỆT NAM) (?=[{UPPER}])|(?<=\S) (?=Độc lập\s*[-–])|(?<=Hạnh phúc) "
    r"|(?<=[{UPPER}\d]) (?=(?:Căn cứ|Thực hiện|Theo|Triển khai|Nhằm|Để) )|(?:(?<=[^\d\s][.;:])|(?<=\d[;:])) (?=(?:Căn cứ|Thực hiện|Theo|Nhằm|Để) )"
    r"|(?<=[.;:]) (?=(?:[A-ZĐ]|[IVX]{1,4}|\d{1,2})\. [{UPPER}])".replace("{UPPER}", UPPER)
)


def _split_run_together_header(text: Text) -> Text:
    """Only a line that holds the whole two-column header is split, and only at spaces: same length."""
    normalized = text.normalized
    for line in _lines(normalized)[:5]:
        if len(line.text) < 150 or not _RUN_TOGETHER_MOTTO.search(line.text) or "Độc lập" not in line.text:
            continue
        characters = list(normalized)
        for match in _FIELD_STARTS.finditer(normalized, line.start, line.end):
            characters[match.start()] = "\n"
        for match in _type_words_in_capitals().finditer(normalized, line.start, line.end):
            characters[match.start() - 1] = "\n"  # the type line stands alone: a line end before it and after it
            if match.end() < line.end and normalized[match.end()] == " ":
                characters[match.end()] = "\n"
        return replace(text, normalized="".join(characters))
    return text


@lru_cache(maxsize=1)
def _type_words_in_capitals() -> re.Pattern:
    """The registry's type names in capitals, between other words of a run-together header ("… KẾ HOẠCH PHÒNG …")."""
    names = {name.upper() for doc_type in registry().doc_types for name in (doc_type.name, *doc_type.aliases)}
    return re.compile(rf"(?<= )(?:{alternation(names)})(?= [{UPPER}])")


def lay_out(text: Text) -> Layout:
    """The logical layout of a normalized text (see the module's docstring).

    >>> from corpus.text import normalize
    >>> layout = lay_out(normalize("|\\nSố: 12/KH-UBND\\n|\\nHà Nội, ngày\\n24 tháng 11 năm 2025\\n|\\n|\\n"))
    >>> [block.text for block in layout.blocks()]
    ['Số: 12/KH-UBND \\t Hà Nội, ngày 24 tháng 11 năm 2025']
    """
    text = _split_run_together_header(_unescaped_line_ends(text))
    characters = list(text.normalized)
    lines = _lines(text.normalized)
    in_table = [False] * len(lines)
    tables = _flattened_tables(text, lines, characters, in_table) if "|" in text.normalized else []
    first, last = _document_span(lines)
    prose = [line for index, line in enumerate(lines[first:last], first) if line.text and not in_table[index]]
    width = _wrap_width(prose)
    joined = _join_wrapped_lines(lines, characters, in_table, width) if width else 0
    if not tables and not joined:
        return Layout(text, False, None, 0, [])
    logical = replace(text, normalized="".join(characters))
    return Layout(logical, width is not None, width, joined, tables)


# --- flattened tables -----------------------------------------------------------------

def _is_lone_pipe(line: _Line) -> bool:
    return line.text == "|"


def _ends_cell(line: _Line) -> bool:
    """"… |" closes a cell; a markdown row ("| a | b |") is a row of its own and is left alone."""
    return line.text.endswith("|") and line.text != "|" and not (line.text.startswith("|") and line.text.count("|") >= 3)


class _TableWriter:
    """Rewrites one flattened table in place: cells joined by TAB, one row a line."""

    def __init__(self, characters: list[str]):
        self.characters = characters
        self.pending: list[tuple[int, str]] = []  # replacements of the open cell
        self.cell_lines = 0
        self.row_cells = 0
        self.last_close: int | None = None
        self.row_breaks: list[int] = []  # line ends that end a row, written last

    def content(self, line: _Line) -> None:
        self.cell_lines += 1
        if _SEPARATOR.match(line.text):
            self.pending.extend((position, " ") for position in range(line.start, line.end) if self.characters[position] != " ")
        if line.end < len(self.characters):
            self.pending.append((line.end, " "))

    def close_cell(self, pipe: int) -> None:
        for position, character in self.pending:
            self.characters[position] = character
        self.pending = []
        self.cell_lines = 0
        self.characters[pipe] = "\t"
        self.last_close = pipe
        self.row_cells += 1

    def end_row(self, pipe: int | None, line_end: int | None) -> None:
        if self.last_close is not None:
            self.characters[self.last_close] = " "
        if pipe is not None:
            self.characters[pipe] = " "
        if line_end is not None and line_end < len(self.characters):
            self.row_breaks.append(line_end)
        self.last_close = None
        self.row_cells = 0

    def finish(self) -> None:
        for position in self.row_breaks:
            self.characters[position] = "\n"

    def abandon_open_cell(self, previous_line_end: int | None) -> None:
        """The region ends inside a cell: its lines stay lines, and the row ends before them."""
        self.pending = []
        self.cell_lines = 0
        self.end_row(None, previous_line_end)


def _flattened_tables(text: Text, lines: list[_Line], characters: list[str], in_table: list[bool]) -> list[tuple[int, int]]:
    regions = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not (_is_lone_pipe(line) or _ends_cell(line)):
            index += 1
            continue
        first = _region_start(lines, index)
        if _is_closing_block(lines, first, index):
            last = _blank_pipes(lines, characters, first)
        else:
            last = _rewrite_region(text, lines, characters, first)
        for position in range(first, last + 1):
            in_table[position] = True
        regions.append((lines[first].start, lines[last].end))
        index = max(last, index) + 1  # a region that ended before its pipe line must not be tried again
    return regions


def _region_start(lines: list[_Line], index: int) -> int:
    """The first cell of a table may stand before its first pipe ("ỦY BAN NHÂN DÂN / TỈNH X / |")."""
    first = index
    while first > 0 and index - first < _MAX_LEADING_CELL_LINES and _may_lead_a_table(lines[first - 1].text):
        first -= 1
    return first


def _may_lead_a_table(value: str) -> bool:
    return 0 < len(value) <= 80 and not _MARKDOWN_ROW.match(value) and not _never_in_a_cell(value)


def _is_closing_block(lines: list[_Line], first: int, index: int) -> bool:
    """The recipients and signature, laid out as a table, are read as lines."""
    for line in lines[first : index + 2]:
        if line.text and line.text != "|":
            return line.text.lstrip("|* ").startswith("Nơi nhận")
    return False


def _blank_pipes(lines: list[_Line], characters: list[str], first: int) -> int:
    index = first
    last = first
    while index < len(lines) and lines[index].text:
        line = lines[index]
        if _is_lone_pipe(line) or _ends_cell(line):
            characters[line.start + _raw(characters, line).rindex("|")] = " "
        last = index
        index += 1
    return last


def _raw(characters: list[str], line: _Line) -> str:
    return "".join(characters[line.start : line.end])


def _rewrite_region(text: Text, lines: list[_Line], characters: list[str], first: int) -> int:
    writer = _TableWriter(characters)
    index = first
    last = first
    while index < len(lines):
        line = lines[index]
        if not line.text:
            if not (writer.cell_lines and _markup_only(text, line)):
                break
            writer.content(line)
            last = index
            index += 1
            continue
        raw = _raw(characters, line)
        pipe = line.start + raw.rindex("|") if "|" in raw else None
        if _is_lone_pipe(line):
            _join_line_end(characters, line)
            if writer.cell_lines:
                writer.close_cell(pipe)
            else:
                writer.end_row(pipe, line.end)
        elif _ends_cell(line):
            inline = [line.start + match.start() for match in re.finditer(r"(?<=\S) \|(?= \S)", raw)]
            for position in inline:
                characters[position + 1] = "\t"
            writer.content(line)
            writer.close_cell(pipe)
            if inline:
                writer.end_row(None, line.end)
            else:
                _join_line_end(characters, line)
        elif writer.cell_lines >= _MAX_CELL_LINES or (_MARKDOWN_ROW.match(line.text) and line.text.count("|") >= 3) or _never_in_a_cell(line.text):
            break
        else:
            writer.content(line)
        last = index
        index += 1
    if writer.cell_lines:
        last -= writer.cell_lines
        writer.abandon_open_cell(lines[last].end if last >= first else None)
    else:
        writer.end_row(None, lines[last].end)
    writer.finish()
    return max(last, first)


# The preamble, articles and a type line never stand in a table cell: the table has ended before them.
_NEVER_IN_CELL = re.compile(r"^(?:Căn cứ|CĂN CỨ|Điều \d+\.|ĐIỀU \d+\.|QUYẾT ĐỊNH:|QUYẾT NGHỊ:)")


def _never_in_a_cell(value: str) -> bool:
    return bool(_NEVER_IN_CELL.match(value)) or _is_type_line(value)


def _join_line_end(characters: list[str], line: _Line) -> None:
    if line.end < len(characters):
        characters[line.end] = " "


# --- hard wraps -----------------------------------------------------------------------

def _document_span(lines: list[_Line]) -> tuple[int, int]:
    """The lines from the type line to "Nơi nhận": a website's banners and footer are long lines that were never wrapped."""
    first = next((index for index, line in enumerate(lines) if _is_type_line(line.text)), 0)
    recipients = [index for index, line in enumerate(lines) if index > first and line.text.lstrip("|* ").startswith("Nơi nhận")]
    return first, (recipients[-1] if recipients else len(lines))


def _wrap_width(prose: list[_Line]) -> int | None:
    """The column at which a website copy wrapped its lines, or None if it did not."""
    lengths = sorted(len(line.text) for line in prose)
    if len(lengths) < 8:
        return None
    longer = sum(1 for length in lengths if length > _WRAP_LIMIT)
    if longer > 0.03 * len(lengths):
        return None
    width = lengths[int(len(lengths) * 0.9)]
    near = sum(1 for length in lengths if width - 20 <= length <= width + 5)
    return width if width >= 50 and near >= 0.15 * len(lengths) else None


def _is_type_line(value: str) -> bool:
    """"KẾ HOẠCH", "QUYẾT ĐỊNH": the type line stands alone between the header and the title."""
    return type_line(value.strip(" *")) is not None


def _stack_line(value: str) -> bool:
    """A short all-capitals line of a header or signature stack, which wraps only inside a table cell."""
    return value == value.upper() and len(value) <= 60 and _CAPITAL_WORDS.search(value) is not None


_COMPLETE_HEADER_LINE = re.compile(r"^Số:?\s*\d{1,5}\S{2,30}$|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}\s*$")


def _joins(previous: str, following: str, width: int) -> bool:
    if len(previous) > _WRAP_LIMIT:
        return False  # a line the copy did not wrap (a website's notice below the document)
    if _COMPLETE_HEADER_LINE.search(previous):
        return False  # "Số 445-KL/TU", "Huế, ngày 13 tháng 5 năm 2022": header lines end where their field ends
    if _SEPARATOR.match(previous) or _SEPARATOR.match(following) or "\t" in previous or "\t" in following:
        return False
    if "|" in (previous[-1:], following[:1]) or _STARTS_BLOCK.match(following):
        return False
    if _is_type_line(previous) or _is_type_line(following):
        return False
    if _stack_line(following) and (_stack_line(previous) and not re.match(r"^(?:[IVXLC]{1,6}|\d{1,2}(?:\.\d{1,2})*)[.)]\s", previous)):
        return False
    if _stack_line(previous) or (previous == previous.upper() and _LOWER_LETTER.search(following)):
        # Capitals end a heading or a title: the paragraph after it starts on its own line.
        if not (_stack_line(following) or following == following.upper()):
            return False
    if _ENDS_SENTENCE.search(previous):
        return bool(_CONTINUES.match(following)) and len(previous) >= width - 30
    return True


def _join_wrapped_lines(lines: list[_Line], characters: list[str], in_table: list[bool], width: int) -> int:
    joined = 0
    for index in range(len(lines) - 1):
        previous, following = lines[index], lines[index + 1]
        if not previous.text or not following.text or in_table[index] or in_table[index + 1]:
            continue
        if _joins(previous.text, following.text, width):
            characters[previous.end] = " "
            joined += 1
    return joined
