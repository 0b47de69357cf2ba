"""PDFs with a text layer, read in reading order with their tables as tables.

A page that draws nothing (no rule, no box, so no table) is read from pdfium's characters
(pypdfium2), put in lines and words as pdfplumber puts them, ten times faster; a page
that draws is read by pdfplumber (MIT, on pdfminer.six), which gives its words with their
positions and its ruled tables.  A page is read from top to bottom as lines of text and
tables, a table row its cells joined by tabs (a cell's lines by spaces) with a blank line around the table,
as the reader's other formats give it, so that an appendix's task table reaches the task
extractor with its columns (STT, nhiệm vụ, chủ trì, phối hợp, thời gian, sản phẩm).  A
page number alone at the top or bottom of a page is left out, and so are running heads and
feet (a line at the top or bottom that most pages repeat, its figures aside: "Kế hoạch số
12/KH-UBND", "Cổng thông tin điện tử … – Trang 3"), from the pages read by OCR too; a word
split at a line end is joined again by the reader.  Where a line's words part by more than
twice its height, two columns stand side by side (the official header's issuer and motto):
they are parted by a tab, and such lines are never joined into a paragraph.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ocr import OcrPage
    from .records import OcrReading

__all__ = ["pdf_text", "paragraphs_of_lines", "page_ranges", "scans_without_margins", "PdfError", "NoTextLayer", "MARGIN"]

#: A page's top and bottom margins, as a share of its height, where a lone page number is dropped.
MARGIN = 0.08
_PAGE_NUMBER = re.compile(r"^(?:trang\s*)?[-–]?\s*\d{1,4}\s*(?:/\s*\d{1,4})?\s*[-–]?$", re.IGNORECASE)
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "intersection_tolerance": 4, "snap_tolerance": 3}


class PdfError(ValueError):
    """The PDF cannot be read (damaged, encrypted with a password, not a PDF)."""


class NoTextLayer(PdfError):
    """No page has text: a scan."""


def pdf_text(data: bytes) -> tuple[str, list[str], "OcrReading | None"]:
    """The pages' text in reading order, a blank line between pages, except where a paragraph
    goes on over the page break; notes for the reader (scanned pages left unread, or read
    with low confidence); and which pages were read by OCR.  Pages without a text layer are
    read by OCR (corpus.ocr); raises PdfError, or NoTextLayer when OCR cannot be done."""
    _check_not_locked(data)
    try:
        pages = _pages_side_by_side(data)
    except PdfError:
        raise
    except Exception as error:  # pdfminer signals damage in many ways
        raise PdfError(f"cannot read this PDF: {type(error).__name__}: {error}") from None
    running = _running_lines(pages)
    pages = [_laid_out(page, running) for page in pages]
    notes, ocr = _read_scanned_pages(data, pages, running)
    written = ""
    for previous, page in zip([None, *pages], pages):
        if not page.text.strip():
            continue
        if written:
            written += " " if previous is not None and previous.ends_open and page.starts_open else "\n\n"
        written += page.text.strip("\n")
    return written, notes, ocr


def _read_scanned_pages(data: bytes, pages: list["_Page"], running: set[str]) -> tuple[list[str], "OcrReading | None"]:
    """The pages without a text layer read by OCR, without the running heads and feet of
    the document (`running`: those of its pages with text) or of its scans."""
    from .ocr import OcrMissing, cached, low_confidence_note, ocr_pdf_pages
    from .records import OcrReading

    scanned = [number for number, page in enumerate(pages) if not page.text.strip()]
    if not scanned:
        return [], None
    try:
        read = cached(data, f"pdf-{'-'.join(map(str, scanned))}", lambda: ocr_pdf_pages(data, scanned))
    except OcrMissing as error:
        if len(scanned) < len(pages):
            return [f"pages {page_ranges(scanned)} have no text layer and were not read: {error}"], None
        raise NoTextLayer(f"the PDF has no text layer (a scan); {error}") from None
    for number, text in scans_without_margins(read, running).items():
        pages[number] = _Page(text)
    if not any(page.text.strip() for page in pages):
        raise NoTextLayer("the PDF has no text layer, and OCR found no text in it")
    reading = OcrReading.of({number: read[number].confidence for number in scanned})
    return low_confidence_note(reading), reading


def page_ranges(numbers: list[int]) -> str:
    """1-based page numbers, runs written as ranges: "1–3, 5"."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{run[0] + 1}–{run[-1] + 1}" if len(run) > 1 else str(run[0] + 1) for run in runs)


#: A PDF of at least this many pages is read by one process a core (pdfplumber's parsing is most of the time;
#: below it, starting the processes costs more than they save).
PAGES_FOR_PROCESSES = 6


def _pages_side_by_side(data: bytes) -> list["_PageLines"]:
    """Every page, read in slices by one process a core when the PDF is long and this is the
    main process (an ingest already reads one document a core)."""
    import multiprocessing
    import os

    count = _page_count(data)
    workers = min(os.cpu_count() or 1, max(1, count // (PAGES_FOR_PROCESSES // 2)))
    if count < PAGES_FOR_PROCESSES or workers < 2 or multiprocessing.parent_process() is not None:
        return _read_pages(data, 0, count)
    from concurrent.futures import ProcessPoolExecutor

    bounds = [(count * index // workers, count * (index + 1) // workers) for index in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        slices = pool.map(_read_pages, [data] * workers, [start for start, _ in bounds], [end for _, end in bounds])
        return [page for part in slices for page in part]


def _page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _read_pages(data: bytes, start: int, end: int) -> list["_PageLines"]:
    """Pages [start, end): a page that draws nothing (no rule, no box: no table) is read from
    pdfium's characters, ten times faster; the others through pdfplumber, which finds tables."""
    import pdfplumber
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        pages: dict[int, _PageLines | None] = {number: _plain_page(document[number]) for number in range(start, end)}
    finally:
        document.close()
    drawn = [number for number, page in pages.items() if page is None]
    if drawn:
        with pdfplumber.open(io.BytesIO(data), pages=[number + 1 for number in drawn]) as plumbed:
            pages.update(zip(drawn, (_page_lines(page) for page in plumbed.pages)))
    return [pages[number] for number in range(start, end)]


#: Characters this close (points) on the same line belong to one word; lines whose tops are this close are one line.
_WORD_GAP = 3.0
_SAME_LINE = 3.0
#: A gap this many times the line's height parts two columns (the header's issuer and motto side by side):
#: a justified line's widest space is about one height.
_COLUMN_GAP = 2.0


def _plain_page(page) -> "_PageLines | None":
    """A page without drawings, its characters put in lines and words as pdfplumber puts them;
    None when the page draws anything (it may hold a table)."""
    import pypdfium2.raw as pdfium

    if next(iter(page.get_objects(filter=[pdfium.FPDF_PAGEOBJ_PATH])), None) is not None:
        return None
    height = page.get_size()[1]
    text_page = page.get_textpage()
    try:
        count = text_page.count_chars()
        text = text_page.get_text_range(0, count) if count else ""
        if len(text) != count:  # characters outside the BMP: pdfplumber reads them
            return None
        # pdfium's own spaces and line ends are its guesses; the drawn characters (spaces too) are the page.
        # pdfium writes a hyphen that ends a line as U+FFFE.
        text = text.replace("\ufffe", "-")
        characters = [(text[index], *text_page.get_charbox(index, loose=True)) for index in range(count)
                      if text[index] not in "\r\n" and not pdfium.FPDFText_IsGenerated(text_page.raw, index)]
    finally:
        text_page.close()
    rows: list[list[tuple]] = []
    for character in sorted(characters, key=lambda character: (height - character[4], character[1])):
        top = height - character[4]
        if rows and abs(top - (height - rows[-1][0][4])) <= _SAME_LINE:  # measured from the line's first character
            rows[-1].append(character)
        else:
            rows.append([character])
    lines = [_line_of(sorted(row, key=lambda character: character[1]), height) for row in rows]
    return _PageLines(page.get_size()[0], height, [line for line in lines if line], [], [])


def _line_of(row: list[tuple], height: float) -> dict | None:
    """One line's text from its characters (text, left, bottom, right, top; PDF coordinates)
    in order: a space where they part (a drawn space, or a gap), a tab where columns part."""
    inked = [character for character in row if not character[0].isspace()]
    if not inked:
        return None
    top, bottom = max(character[4] for character in inked), min(character[2] for character in inked)
    pieces, previous, spaced = [], None, False
    for character in row:
        if character[0].isspace():
            spaced = True
            continue
        gap = character[1] - previous[3] if previous is not None else 0.0
        if previous is not None and gap > _COLUMN_GAP * (top - bottom):
            pieces.append("\t")
        elif previous is not None and (spaced or gap > _WORD_GAP):
            pieces.append(" ")
        pieces.append(character[0])
        previous, spaced = character, False
    return {"text": "".join(pieces), "x0": inked[0][1], "x1": max(character[3] for character in inked),
            "top": height - top, "bottom": height - bottom}


def _check_not_locked(data: bytes) -> None:
    """A PDF that opens only with a password is said to be one (pdfminer's own error says nothing)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        locked = reader.is_encrypted and not reader.decrypt("")
    except (PdfReadError, ValueError, OSError, KeyError, TypeError) as error:
        raise PdfError(f"cannot read this PDF: {error}") from None
    if locked:
        raise PdfError("the PDF is password-protected; remove the password and try again")


@dataclass
class _PageLines:
    """A page as read: its lines of text outside its tables (dicts with text, x0, x1, top,
    bottom, in points), its tables' text blocks by their tops, and the tables' boxes."""
    width: float
    height: float
    lines: list[dict]
    blocks: list[tuple[float, str]]
    boxes: list

    def margin_lines(self) -> list[dict]:
        """The lines at the top or bottom of the page, where page numbers and running heads and feet are."""
        height = self.height or 1.0
        return [line for line in self.lines if line["top"] < MARGIN * height or line["bottom"] > (1 - MARGIN) * height]


#: A line at the top or bottom of the page is a running head or foot when at least this share of the pages repeat it.
_RUNNING_SHARE = 0.5


def _running_key(text: str) -> str:
    """What a running head or foot keeps from page to page: its words, its figures (the page number) aside."""
    return " ".join(re.sub(r"\d+", "#", text).casefold().split())


def _running_lines(pages: list[_PageLines]) -> set[str]:
    return _running_keys([[line["text"] for line in page.margin_lines()] for page in pages], sum(1 for page in pages if page.lines or page.blocks))


def _running_keys(margins: list[list[str]], pages: int) -> set[str]:
    """The keys of the lines that most of the document's `pages` with text (two at least)
    repeat at their top or bottom; `margins`: each page's lines there."""
    from collections import Counter

    counts = Counter(key for lines in margins for key in {_running_key(text) for text in lines if text})
    least = max(2, _RUNNING_SHARE * pages)
    return {key for key, count in counts.items() if count >= least and key.strip("# ")}


def scans_without_margins(pages: dict[int, "OcrPage"], running: set[str] | frozenset[str] = frozenset()) -> dict[int, str]:
    """Each scanned page's text without its page number and the running head and foot that
    open and close it: the lines most of the scans repeat in their margins, and those of
    `running` (the document's pages with a text layer)."""
    running = running | _running_keys([list(page.margin) for page in pages.values()], sum(1 for page in pages.values() if page.text.strip()))
    return {number: _without_margin_lines(page.text, page.margin, running) for number, page in pages.items()}


def _without_margin_lines(text: str, margin: tuple[str, ...], running: set[str]) -> str:
    dropped = {line for line in margin if _PAGE_NUMBER.match(line) or _running_key(line) in running}
    lines = text.split("\n")
    while lines and lines[0] in dropped:
        lines.pop(0)
    while lines and lines[-1] in dropped:
        lines.pop()
    return "\n".join(lines)


@dataclass
class _Page:
    text: str
    #: The last paragraph runs to the right margin, and the first line goes on a sentence.
    ends_open: bool = False
    starts_open: bool = False


def _page_lines(page) -> "_PageLines":
    # A ruled box of one row is a table too when it has several cells: a table's rows go on
    # over a page break, one of them alone on the next page.
    tables = [table for table in page.find_tables(_TABLE_SETTINGS)
              if (len(table.rows) >= 2 and len(table.rows[0].cells) >= 2) or len(table.rows[0].cells) >= 3]
    boxes = [table.bbox for table in tables]
    blocks: list[tuple[float, str]] = []
    for table in tables:
        rows = ["\t".join(_cell(cell) for cell in row) for row in table.extract()]
        blocks.append((table.bbox[1], "\n" + "\n".join(row for row in rows if row.strip("\t ")) + "\n"))
    outside = page.filter(lambda item: not _inside(item, boxes)) if boxes else page
    lines = [_columns_parted(line) for line in outside.extract_text_lines(layout=False, strip=True, return_chars=True)]
    return _PageLines(float(page.width), float(page.height), lines, blocks, boxes)


def _columns_parted(line: dict) -> dict:
    """pdfplumber's line (its characters dropped) with a tab for each space where columns part,
    as pdfium's lines have them (`_line_of`)."""
    characters = line.pop("chars")
    text = line["text"]
    if "".join(character["text"] for character in characters) != "".join(text.split()):
        return line  # characters pdfplumber wrote otherwise than it drew: the line as it gives it
    pieces: list[str] = []
    taken, previous = 0, None
    for piece in re.split(r"(\s+)", text):
        if not piece or piece.isspace():
            pieces.append(piece)
            continue
        first = characters[taken]
        if previous is not None and first["x0"] - previous["x1"] > _COLUMN_GAP * (line["bottom"] - line["top"]):
            pieces[-1] = "\t"
        length = 0
        while length < len(piece):
            length += len(characters[taken]["text"])
            taken += 1
        previous = characters[taken - 1]
        pieces.append(piece)
    return {**line, "text": "".join(pieces)}


def _laid_out(page: _PageLines, running: set[str]) -> _Page:
    """A page from its lines of text (outside its tables) and its tables' blocks: a lone page
    number and the running heads and feet left out, the lines put in paragraphs, and whether
    a paragraph runs over from the page before or on to the next."""
    width, boxes = page.width, page.boxes
    margin = {id(line) for line in page.margin_lines()}
    lines = [line for line in page.lines if line["text"]
             and not (id(line) in margin and (_PAGE_NUMBER.match(line["text"]) or _running_key(line["text"]) in running))]
    paragraphs = paragraphs_of_lines(lines, boxes, width)
    blocks = page.blocks + [(paragraph[0]["top"], " ".join(line["text"] for line in paragraph)) for paragraph in paragraphs]
    blocks.sort(key=lambda block: block[0])
    text = "\n".join(text for _, text in blocks)
    if not paragraphs:
        return _Page(text)
    left, right = _margins(lines, width)
    last_table = max((box[3] for box in boxes), default=-1.0)
    first_table = min((box[1] for box in boxes), default=float("inf"))
    last_line, first_line = paragraphs[-1][-1], paragraphs[0][0]
    return _Page(text, ends_open=right - left >= 0.5 * width and last_line["x1"] >= right - 0.12 * width and last_line["top"] > last_table,
                 starts_open=not _starts_item(first_line["text"]) and first_line["bottom"] < first_table and first_line["text"][:1].islower())


def paragraphs_of_lines(lines: list[dict], boxes, width: float) -> list[list[dict]]:
    """Lines grouped into paragraphs.  A line goes on in the next one when it runs close to
    the right margin (a ragged edge leaves up to a long word free), the next follows at the
    page's usual line spacing, is not indented, starts no new item, and no table lies
    between them."""
    if not lines:
        return []
    left, right = _margins(lines, width)
    gaps = sorted(following["top"] - line["bottom"] for line, following in zip(lines, lines[1:]) if following["top"] > line["bottom"])
    usual_gap = gaps[len(gaps) // 2] if gaps else 0.0
    groups: list[list[dict]] = []
    for line in lines:
        previous = groups[-1][-1] if groups else None
        if previous is not None and _goes_on(previous, line, right, left, width, usual_gap, boxes):
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _margins(lines: list[dict], width: float) -> tuple[float, float]:
    """The page's left and right margins: the outermost line edges that a sixth of the lines
    share (within 1% of the width), so specks read as marks beside the text move neither."""
    near, enough = 0.01 * width, max(1, len(lines) // 6)
    starts, ends = sorted(line["x0"] for line in lines), sorted((line["x1"] for line in lines), reverse=True)
    left = next((x for index, x in enumerate(starts) if sum(1 for other in starts[index:] if other - x <= near) >= enough), starts[0])
    right = next((x for index, x in enumerate(ends) if sum(1 for other in ends[index:] if x - other <= near) >= enough), ends[0])
    return left, right


def _goes_on(previous: dict, line: dict, right: float, left: float, width: float, usual_gap: float, boxes) -> bool:
    gap = line["top"] - previous["bottom"]
    # Only a page of prose has a margin to run to: a page of short lines is lines.
    return (right - left >= 0.5 * width and previous["x1"] >= right - 0.12 * width and line["x0"] <= left + 0.015 * width
            and "\t" not in previous["text"] and "\t" not in line["text"]  # columns side by side are rows, not a paragraph
            and 0 <= gap <= usual_gap * 1.5 + 0.5 and not _starts_item(line["text"])
            and not any(previous["bottom"] <= top <= line["top"] for _, top, _, _ in boxes))


def _starts_item(text: str) -> bool:
    """Whether a line opens an item: "1.", "1.2.", "II.", "a)", or a dash or bullet before a
    capital or a figure (a dash before a small letter is "quốc phòng - an ninh" wrapped)."""
    if _NUMBERED.match(text):
        return True
    marked = _MARKED.match(text)
    return bool(marked) and (marked.group(1).isupper() or marked.group(1).isdigit())


_NUMBERED = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}[.)]\s|[IVXLC]{1,6}[.)]\s|[a-zđ][.)]\s|\((?:\d{1,3}|[a-zđ])\)\s)")
_MARKED = re.compile(r"^[-+•*–]\s*(\w)")


def _inside(item, boxes) -> bool:
    if "x0" not in item or "top" not in item:
        return False
    middle_x, middle_y = (item["x0"] + item["x1"]) / 2, (item["top"] + item["bottom"]) / 2
    return any(left <= middle_x <= right and top <= middle_y <= bottom for left, top, right, bottom in boxes)


def _cell(value: str | None) -> str:
    return " ".join((value or "").split())
