"""Reading plans in the encodings and formats government websites serve."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from vnlineage.corpus.reader import DocumentError, find_documents, read_text

SAMPLE = "Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về chuyển đổi số."
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("plain.txt", SAMPLE.encode("utf-8")),
        ("bom.txt", b"\xef\xbb\xbf" + SAMPLE.encode("utf-8")),
        ("utf16.txt", SAMPLE.encode("utf-16")),
        ("utf16be.md", b"\xfe\xff" + SAMPLE.encode("utf-16-be")),
    ],
)
def test_unicode_text_files_are_read_without_warnings(tmp_path, name, data):
    text = read_text(write(tmp_path, name, data))
    assert text.normalized == SAMPLE
    assert text.warnings == ()


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(value: str) -> bytes:
    """Encode as Windows-1258 does: vowels precomposed, tone marks as separate combining characters."""
    out = []
    for character in value:
        decomposed = unicodedata.normalize("NFD", character)
        base = unicodedata.normalize("NFC", "".join(mark for mark in decomposed if mark not in _TONE_MARKS))
        out.append(base + "".join(mark for mark in decomposed if mark in _TONE_MARKS))
    return "".join(out).encode("cp1258")


def test_windows_1258_is_decoded_with_a_warning(tmp_path):
    path = write(tmp_path, "ansi.txt", windows_1258(SAMPLE))
    text = read_text(path)
    assert text.normalized == SAMPLE
    assert any("Windows-1258" in warning and "ansi.txt" in warning for warning in text.warnings)


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("latin.txt", "Ça été très gênant: déjà vu.".encode("latin-1") + b"\x81\x8d\x8f", "UTF-8"),
        ("fake.pdf", b"this is not a pdf", "not a PDF"),
        ("fake.docx", b"PK\x03\x04 truncated", "docx"),
        ("notes.xls", b"\xd0\xcf\x11\xe0 sheet", "unsupported file type"),
    ],
)
def test_unreadable_files_get_a_clear_error_naming_the_file(tmp_path, name, data, problem):
    path = write(tmp_path, name, data)
    with pytest.raises(DocumentError) as caught:
        read_text(path)
    message = str(caught.value)
    assert name in message
    assert problem.lower() in message.lower()


def test_docx_paragraphs_and_tables_come_in_document_order(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("1. Các chỉ tiêu chủ yếu")
    table = document.add_table(rows=2, cols=3)
    for row, cells in zip(table.rows, [("STT", "Chỉ tiêu", "Năm 2026"), ("1", "Tỷ lệ tham gia bảo hiểm y tế (%)", "96")]):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    document.add_paragraph("2. Nhiệm vụ trọng tâm")
    path = tmp_path / "plan.docx"
    document.save(path)
    text = read_text(path).normalized
    assert text.index("KẾ HOẠCH") < text.index("STT\tChỉ tiêu\tNăm 2026") < text.index("1\tTỷ lệ tham gia bảo hiểm y tế (%)\t96") < text.index("2. Nhiệm vụ")


def test_truncated_docx_is_refused(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH phát triển kinh tế - xã hội")
    path = tmp_path / "whole.docx"
    document.save(path)
    broken = write(tmp_path, "broken.docx", path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(DocumentError, match="broken.docx"):
        read_text(broken)


def _pdf(tmp_path: Path, name: str, lines: list[str], pages: int = 1) -> Path:
    fpdf = pytest.importorskip("fpdf")
    if not FONT.exists():
        pytest.skip("DejaVu font missing (.ci/run installs fonts-dejavu-core)")
    pdf = fpdf.FPDF()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_top_margin(30)  # the text starts below the page's head, where a line every page repeats is a running head
    for page in range(pages):
        pdf.add_page()
        pdf.set_font("DejaVu", size=11)
        for line in lines:
            pdf.cell(0, 8, line.replace("{page}", str(page + 1)), new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / name
    pdf.output(str(path))
    return path


def test_pdf_pages_are_read_in_order_and_hyphenated_words_rejoined(tmp_path):
    path = _pdf(tmp_path, "plan.pdf", ["Trang {page}: Kế hoạch số 05/KH-UBND", "Đẩy mạnh chuyển đổi số trong hoạt-", "động khuyến nông"], pages=2)
    text = read_text(path).normalized
    assert text.index("Trang 1") < text.index("Trang 2")
    assert "hoạtđộng khuyến nông" in text
    assert "05/KH-UBND" in text


def test_pdf_without_a_text_layer_asks_for_ocr(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(DocumentError, match="OCR") as caught:
        read_text(path)
    assert "scan.pdf" in str(caught.value)


def test_directories_are_searched_for_documents(tmp_path, plans_dir):
    shutil.copytree(plans_dir, tmp_path / "plans")
    (tmp_path / "plans" / "notes.xls").write_text("skip me")
    found = find_documents([tmp_path])
    assert len(found) == 5
    assert all(path.suffix == ".txt" for path in found)
