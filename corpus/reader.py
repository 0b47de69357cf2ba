"""Read a plan from disk (.txt, .md, .docx, .pdf, a saved web page or Word web export) into a normalized `Text`.

Government websites serve plans in every encoding and format; the reader decodes
what it can, says what it guessed, and refuses clearly what it cannot read.
"""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from itertools import islice
from pathlib import Path

from .text import Text, normalize

__all__ = ["DocumentError", "read_text", "decode_bytes", "check_legacy_fonts", "find_documents", "SUPPORTED_SUFFIXES", "MAX_MEGABYTES"]

#: Documents larger than this are refused (a plan is rarely over 2 MB); LINEAGE_MAX_MB changes it.
MAX_MEGABYTES = 20.0
#: A scan is its pages' images: a signed 40-page plan scanned at 300 dpi is often 30–80 MB.
_SCAN_MEGABYTES_TIMES = 10

_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".htm", ".html", ".doc", ".odt", ".rtf", *_IMAGE_SUFFIXES)

# Letters that only Vietnamese uses among Latin scripts: their presence tells a
# correct decoding from mojibake.
_VIETNAMESE_LETTERS = frozenset("ăâđêôơưĂÂĐÊÔƠƯ") | {chr(c) for c in range(0x1EA0, 0x1EFA)}


class DocumentError(Exception):
    """A document that cannot be read; the message names the file and the problem."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


def read_text(path: str | Path) -> Text:
    """Read one document and normalize it; raise `DocumentError` if it cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(path, f"unsupported file type {suffix or '(none)'}; expected one of {', '.join(SUPPORTED_SUFFIXES)}")
    limit = float(os.environ.get("LINEAGE_MAX_MB", MAX_MEGABYTES))
    if suffix == ".pdf" or suffix in _IMAGE_SUFFIXES:
        limit *= _SCAN_MEGABYTES_TIMES
    try:
        size = path.stat().st_size
        if size > limit * 1_000_000:
            raise DocumentError(path, f"is {size / 1_000_000:.1f} MB; documents over {limit:g} MB are not read (set LINEAGE_MAX_MB to raise the limit)")
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(path, f"cannot open: {error.strerror or error}") from None
    if not data.strip():
        raise DocumentError(path, "the file is empty")
    ocr = None
    if suffix == ".docx":
        original, warnings = check_legacy_fonts(_docx_text(path, data), path)
    elif suffix == ".pdf":
        original, warnings, ocr = _pdf_text(path, data)
    elif suffix in _IMAGE_SUFFIXES:
        original, warnings, ocr = _image_text(path, data)
    elif suffix in (".htm", ".html"):
        original, warnings = check_legacy_fonts(_web_page_text(path, data), path)
    elif suffix in (".doc", ".odt", ".rtf"):
        original, warnings = check_legacy_fonts(_office_text(path, suffix, data), path)
    else:
        original, warnings = decode_bytes(data, path)
    if not _looks_vietnamese(original[:20000]) and sum(character.isalpha() for character in original[:20000]) > 200:
        warnings = warnings + (f"{path}: the text does not look like Vietnamese; little will be found in it",)
    return normalize(original, source=str(path), warnings=warnings, ocr=ocr)


def decode_bytes(data: bytes, path: str | Path = "<bytes>") -> tuple[str, tuple[str, ...]]:
    """Decode plain text: UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1258, or the
    legacy TCVN3 (ABC) font encoding (converted, with a warning); VNI is recognized and refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return check_legacy_fonts(data.decode("utf-16"), path)
        except UnicodeDecodeError:
            raise DocumentError(path, "starts with a UTF-16 byte order mark but is not valid UTF-16") from None
    if b"\x00" in data[:4096]:
        raise DocumentError(path, "looks like a binary file, not text (it contains NUL bytes)")
    try:
        return check_legacy_fonts(data.decode("utf-8-sig"), path)
    except UnicodeDecodeError:
        pass
    if _VNI.search(data.decode("cp1252", errors="replace")):
        raise DocumentError(path, _VNI_MESSAGE)
    candidates = []
    try:
        candidates.append((unicodedata.normalize("NFC", data.decode("cp1258")), "decoded as Windows-1258 (Vietnamese ANSI)"))
    except UnicodeDecodeError:
        pass
    candidates.append((_from_tcvn3(data.decode("latin-1")), "converted from the legacy TCVN3 (ABC) font encoding"))
    text, how = max(candidates, key=lambda candidate: _vietnamese_score(candidate[0]))
    if _vietnamese_score(text) > 0 and _looks_vietnamese(text):
        return text, (f"{path}: not UTF-8; {how}",)
    raise DocumentError(path, "not valid UTF-8, UTF-16, Windows-1258 or TCVN3 text; save it as UTF-8 and try again")


def _legacy_tables() -> dict:
    import json

    from .registry import DATA_DIR

    return json.loads((DATA_DIR / "legacy-encodings.json").read_text(encoding="utf-8"))


_LEGACY = _legacy_tables()
_TCVN3 = str.maketrans({chr(int(code, 16)): letter for code, letter in _LEGACY["tcvn3"].items()})
_VNI = re.compile("|".join(re.escape(word) for word in _LEGACY["vni_words"]))
_COMMON = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(word) for word in _LEGACY["common_words"]) + r")(?!\w)", re.IGNORECASE)
_VNI_MESSAGE = "the text uses the legacy VNI font encoding; convert it to Unicode (Unikey's converter does this) and try again"


def _from_tcvn3(text: str) -> str:
    return text.translate(_TCVN3)


def _vietnamese_score(text: str, enough: int | None = None) -> int:
    """How many frequent words of Vietnamese plans a decoding contains (in the first 20,000
    characters); counting stops at `enough`, which almost every document reaches in its first lines."""
    return sum(1 for _ in islice(_COMMON.finditer(text[:20000]), enough))


def check_legacy_fonts(text: str, path: str | Path) -> tuple[str, tuple[str, ...]]:
    """Text typed in a legacy font (TCVN3, VNI) and saved as Unicode looks like Latin-1 letters: convert or refuse."""
    sample = text[:20000]
    if _vietnamese_score(sample, enough=3) >= 3 or not any(ord(character) > 127 for character in sample):
        return text, ()
    if _VNI.search(sample):
        raise DocumentError(path, _VNI_MESSAGE)
    converted = _from_tcvn3(text)
    if _vietnamese_score(converted[:20000]) > max(2, _vietnamese_score(sample)):
        return converted, (f"{path}: the text was typed in the legacy TCVN3 (ABC) font encoding; converted to Unicode",)
    return text, ()


_VIETNAMESE_LETTER = re.compile("[" + "".join(sorted(_VIETNAMESE_LETTERS)) + "]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _looks_vietnamese(text: str) -> bool:
    text = text[:20000]  # the opening tells the encoding; the whole of a long plan only costs time
    # `map` counts in C; a `findall` of every letter would build a list as long as the text.
    letters = sum(map(str.isalpha, text))
    if not letters:
        return False
    return not _CONTROL.search(text) and len(_VIETNAMESE_LETTER.findall(text)) / letters > 0.02


def _docx_text(path: Path, data: bytes) -> str:
    """Paragraphs and tables in document order; a table row is its cells joined by tabs."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if not zipfile.is_zipfile(path):
        raise DocumentError(path, "not a .docx file (it is not a ZIP package); a truncated download?")
    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises many types for a damaged package
        raise DocumentError(path, f"damaged .docx package: {error}") from None
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            lines.append("")
            for row in Table(block, document).rows:
                lines.append("\t".join(_cell_text(cell) for cell in _unique_cells(row)))
            lines.append("")
    return "\n".join(lines)


def _unique_cells(row):
    # python-docx repeats a merged cell once per grid column it spans.
    seen = set()
    for cell in row.cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        yield cell


def _cell_text(cell) -> str:
    return " ".join(paragraph.text.strip() for paragraph in cell.paragraphs if paragraph.text.strip())


def _image_text(path: Path, data: bytes):
    """A scanned page (or a TIFF's pages) read by OCR."""
    from .ocr import OcrMissing, cached, low_confidence_note, ocr_images, read_image_file
    from .pdf import scans_without_margins
    from .records import OcrReading

    try:
        pages = cached(data, "image", lambda: dict(enumerate(ocr_images(read_image_file(path)))))
    except (OcrMissing, ValueError) as error:
        raise DocumentError(path, str(error)) from None
    text = "\n\n".join(text for _, text in sorted(scans_without_margins(pages).items()))
    if not text.strip():
        raise DocumentError(path, "OCR found no text in the image")
    reading = OcrReading.of({number: page.confidence for number, page in pages.items()})
    return text, tuple(f"{path}: {note}" for note in low_confidence_note(reading)), reading


def _office_text(path: Path, suffix: str, data: bytes) -> str:
    import subprocess

    from .office import ConverterMissing, doc_text, odt_text, rtf_text

    if suffix == ".doc" and data[:4] == b"PK\x03\x04":
        raise DocumentError(path, "is named .doc but is a .docx (a ZIP package); rename it to .docx")
    if suffix == ".doc" and data.lstrip()[:5] == b"{\\rtf":
        raise DocumentError(path, "is named .doc but is an RTF file; rename it to .rtf")
    if suffix == ".doc" and not data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise DocumentError(path, "is not a Word 97–2003 document (no OLE2 header); a truncated download, or another format named .doc?")
    try:
        if suffix == ".doc":
            return doc_text(path, data)
        if suffix == ".odt":
            return odt_text(path)
        return rtf_text(data)
    except ConverterMissing as error:
        raise DocumentError(path, str(error)) from None
    except (ValueError, zipfile.BadZipFile, subprocess.TimeoutExpired) as error:
        raise DocumentError(path, str(error)) from None


def _web_page_text(path: Path, data: bytes) -> str:
    from .html import html_text

    if data.lstrip()[:5] == b"%PDF-" or data[:4] == b"PK\x03\x04":
        raise DocumentError(path, "is named as a web page but is a PDF or a Word/ZIP file; rename it to .pdf or .docx")
    try:
        return html_text(data)
    except ValueError as error:
        raise DocumentError(path, str(error)) from None


_LINE_END_HYPHEN = re.compile(r"(?<=[^\W\d_])-\n(?=[^\W\d_])")


def _pdf_text(path: Path, data: bytes):
    """Pages in order, in reading order with tables as tables (corpus.pdf); words hyphenated
    across line ends joined again."""
    from .pdf import PdfError, pdf_text

    if not data.lstrip().startswith(b"%PDF"):
        raise DocumentError(path, "not a PDF file (no %PDF header)")
    try:
        text, notes, ocr = pdf_text(data)
    except PdfError as error:
        raise DocumentError(path, str(error)) from None
    return _LINE_END_HYPHEN.sub(_join_hyphenated, text), tuple(f"{path}: {note}" for note in notes), ocr


def _join_hyphenated(match: re.Match) -> str:
    return "" if match.string[match.end()].islower() else match.group()


def find_documents(paths) -> list[Path]:
    """The readable documents named by `paths`; directories are searched recursively, in name order.

    Inside a directory, README files describe the folder and are not documents.
    """
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(
                sorted(
                    item
                    for item in path.rglob("*")
                    if item.is_file() and item.suffix.lower() in SUPPORTED_SUFFIXES and not item.name.lower().startswith("readme")
                )
            )
        else:
            found.append(path)
    return found
