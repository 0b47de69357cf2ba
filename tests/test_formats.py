"""Files researchers download, beyond text and .docx: saved web pages and Word's "Save as
web page" exports (the 12 real exports are scored in test_real_documents), made here from
the seed plans so that each can be compared with the seed's own text."""

from __future__ import annotations

import html
import re
import textwrap
from pathlib import Path

import pytest

import printing
from conftest import PLANS_DIR, plan_path
from printing import paragraphs, scanned
from vnlineage.corpus.extract import extract_file
from vnlineage.corpus.reader import DocumentError, read_text

SEEDS = sorted(PLANS_DIR.glob("*.txt"))


def _blocks(text: str) -> str:
    """The plan as HTML blocks: a paragraph a line, runs of tab-separated lines as a table."""
    parts, rows = [], []
    for line in paragraphs(text) + [""]:
        if "\t" in line:
            rows.append("<tr>" + "".join(f"<td><p>{html.escape(cell)}</p></td>" for cell in line.split("\t")) + "</tr>")
            continue
        if rows:
            parts.append("<table border=1>" + "".join(rows) + "</table>")
            rows = []
        if line.strip():
            parts.append(f"<p class=MsoNormal>{html.escape(line)}<o:p></o:p></p>")
    return "\n".join(parts)


def word_export(text: str) -> bytes:
    """What Word's "Save as web page" writes: windows-1252, every other letter a numeric entity,
    Office XML in conditional comments, paragraphs wrapped at 80 columns."""
    body = "\n".join(textwrap.fill(block, 80, break_long_words=False, break_on_hyphens=False) for block in _blocks(text).split("\n"))
    page = ("<html xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:w=\"urn:schemas-microsoft-com:office:word\">\n"
            "<head><meta http-equiv=Content-Type content=\"text/html; charset=windows-1252\">\n<meta name=ProgId content=Word.Document>\n"
            "<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>Số 999/QĐ-UBND</o:Author></o:DocumentProperties></xml><![endif]-->\n"
            "<style><!-- p.MsoNormal {margin:0cm; font-family:\"Times New Roman\"} --></style></head>\n"
            f"<body lang=EN-US><div class=WordSection1>\n{body}\n</div></body></html>")
    return page.encode("cp1252", errors="xmlcharrefreplace")


def site_page(text: str) -> bytes:
    """A legal-document site's page: menus, breadcrumbs, the document, related documents, a footer."""
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>Kế hoạch</title><script>var x = '57-NQ/TW';</script></head><body>"
            "<header><nav class=\"main-menu\"><a href=/>Trang chủ</a> <a href=/vb>Văn bản</a> <a href=/tt>Tin tức 77/TB-VPCP</a></nav></header>"
            "<div class=\"breadcrumb\">Trang chủ › Văn bản › Kế hoạch</div>"
            "<div class=\"sidebar\"><h3>Văn bản mới</h3><ul><li>Quyết định 999/QĐ-UBND</li><li>Chỉ thị 88/CT-TTg</li></ul></div>"
            f"<div id=\"noi-dung\" class=\"content-detail\">{_blocks(text)}</div>"
            "<div class=\"related-documents\"><h3>Văn bản liên quan</h3><ul><li>Nghị quyết 555/NQ-HĐND</li></ul></div>"
            "<footer>Bản quyền © 2026 Cổng thông tin điện tử. Giấy phép số 123/GP-BTTTT</footer></body></html>").encode("utf-8")


def _symbols(record) -> set[str]:
    return {reference.symbol for reference in record.references if reference.symbol}


def _tasks(record) -> list[tuple]:
    return [(task.section, task.number, tuple(task.lead), tuple(task.partners)) for task in record.tasks]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.stem)
def test_a_word_web_export_reads_as_the_plan_itself(seed, tmp_path):
    page = tmp_path / (seed.stem + ".htm")
    page.write_bytes(word_export(seed.read_text(encoding="utf-8")))
    from_page, from_text = extract_file(page), extract_file(seed)
    assert _symbols(from_page) == _symbols(from_text)
    assert _tasks(from_page) == _tasks(from_text)
    assert (from_page.document.symbol, from_page.document.date) == (from_text.document.symbol, from_text.document.date)
    assert "999/QĐ-UBND" not in _symbols(from_page)


def test_a_saved_site_page_reads_as_the_document_without_its_wrapper(tmp_path):
    seed = plan_path("tich-luong")
    page = tmp_path / "ke-hoach.html"
    page.write_bytes(site_page(seed.read_text(encoding="utf-8")))
    text = read_text(page).normalized
    assert "Trang chủ" not in text and "Văn bản liên quan" not in text and "Bản quyền" not in text
    from_page, from_text = extract_file(page), extract_file(seed)
    assert _symbols(from_page) == _symbols(from_text)
    assert not {"999/QĐ-UBND", "88/CT-TTg", "555/NQ-HĐND", "123/GP-BTTTT", "77/TB-VPCP"} & _symbols(from_page)


def test_a_page_table_keeps_its_rows_and_cells(tmp_path):
    seed = plan_path("an-duong")
    page = tmp_path / "an-duong.htm"
    page.write_bytes(word_export(seed.read_text(encoding="utf-8")))
    rows = [line for line in read_text(page).normalized.splitlines() if "\t" in line]
    assert any(re.match(r"^1\tTổng giá trị sản phẩm trên địa bàn\t%\t", row) for row in rows)
    assert len(rows) >= len([line for line in seed.read_text(encoding="utf-8").splitlines() if "\t" in line and line.strip("\t ")]) - 2


@pytest.mark.parametrize(("content", "problem"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is a PDF"),
    (b"<html><head><title>x</title><script>alert(1)</script></head><body>   </body></html>", "no text"),
])
def test_a_bad_web_page_is_named_with_its_problem(tmp_path, content, problem):
    page = tmp_path / "trang.htm"
    page.write_bytes(content)
    with pytest.raises(DocumentError, match=re.escape(str(page)) + ".*" + problem):
        read_text(page)


def test_a_page_without_a_declared_charset_is_read_as_utf8_or_windows_1252(tmp_path):
    text = "<p>Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị.</p>"
    (tmp_path / "utf8.html").write_bytes(text.encode("utf-8"))
    (tmp_path / "entities.html").write_bytes(text.encode("cp1252", errors="xmlcharrefreplace"))
    for name in ("utf8.html", "entities.html"):
        assert "Nghị quyết số 57-NQ/TW" in read_text(tmp_path / name).normalized
        assert "57-NQ/TW" in _symbols(extract_file(tmp_path / name))


def test_every_seed_name_is_found_in_a_folder_of_pages(tmp_path):
    from vnlineage.corpus.reader import find_documents

    for seed in SEEDS[:2]:
        (tmp_path / (seed.stem + ".html")).write_bytes(site_page(seed.read_text(encoding="utf-8")))
    assert [path.suffix for path in find_documents([tmp_path])] == [".html", ".html"]
    assert Path(find_documents([tmp_path])[0]).name.startswith(SEEDS[0].stem)


# --- .doc, .odt, .rtf ---------------------------------------------------------------------

OFFICE_FORMATS = ("doc", "odt", "rtf")


def _soffice() -> str:
    import os
    import shutil

    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing: .ci/run installs Debian's libreoffice-writer-nogui")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    return found


def as_docx(text: str, path: Path) -> Path:
    """The plan as a Word document: a paragraph a line, runs of tab-separated lines as a table."""
    import docx

    document, rows = docx.Document(), []

    def table() -> None:
        if rows:
            grid = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
            for row_index, row in enumerate(rows):
                for column, cell in enumerate(row):
                    grid.cell(row_index, column).text = cell
            rows.clear()

    for line in paragraphs(text):
        if "\t" in line:
            rows.append(line.split("\t"))
        elif line.strip():  # blank lines are spacing, in a table or out of one, as in Word
            table()
            document.add_paragraph(line)
    table()
    document.add_paragraph("")  # Word ends a document with a paragraph, never with a table
    document.save(path)
    return path


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """Every seed as .docx, and as .doc, .odt and .rtf written from it by LibreOffice."""
    import subprocess

    soffice = _soffice()
    folder = tmp_path_factory.mktemp("office")
    sources = [as_docx(seed.read_text(encoding="utf-8"), folder / (seed.stem + ".docx")) for seed in SEEDS]
    profile = folder / "profile"
    for file_format in OFFICE_FORMATS:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", file_format, "--outdir", str(folder),
                        *map(str, sources)], check=True, capture_output=True, timeout=600)
    return folder


@pytest.mark.parametrize("file_format", OFFICE_FORMATS)
@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.stem)
def test_a_word_97_opendocument_or_rtf_copy_reads_as_the_docx(converted, seed, file_format):
    original = extract_file(converted / (seed.stem + ".docx"))
    copy = extract_file(converted / f"{seed.stem}.{file_format}")
    assert _symbols(copy) == _symbols(original)
    assert _tasks(copy) == _tasks(original)
    assert (copy.document.symbol, copy.document.date, copy.document.commune) == (original.document.symbol, original.document.date, original.document.commune)
    assert _symbols(original) == _symbols(extract_file(seed))


def test_office_files_that_are_not_what_they_say_are_named(tmp_path, monkeypatch):
    import zipfile

    from vnlineage.corpus import office

    cases = {
        "zip.doc": b"PK\x03\x04rest", "noise.doc": b"\xd0\xcf\x11\xe0 this is no Word document" * 20,
        "plain.odt": b"not a zip at all", "plain.rtf": b"Ke hoach so 12",
    }
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
    problems = {"zip.doc": "is a .docx", "noise.doc": "is not a Word 97–2003 document", "plain.odt": "not an OpenDocument", "plain.rtf": "not an RTF"}
    for name, problem in problems.items():
        with pytest.raises(DocumentError, match=re.escape(str(tmp_path / name)) + ".*" + problem):
            read_text(tmp_path / name)
    monkeypatch.setattr(office, "MAX_INFLATED_MB", 1)
    with zipfile.ZipFile(tmp_path / "bomb.odt", "w", compression=zipfile.ZIP_DEFLATED) as package, package.open("content.xml", "w") as member:
        for _ in range(3):
            member.write(b"\0" * 1_000_000)
    with pytest.raises(DocumentError, match="bomb.odt.*inflates to 3 MB"):
        read_text(tmp_path / "bomb.odt")


def test_a_missing_converter_says_how_to_install_it(converted, tmp_path, monkeypatch):
    import shutil

    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None if name in ("antiword", "soffice", "libreoffice") else real_which(name, *args, **kwargs))
    with pytest.raises(DocumentError, match="apt-get install libreoffice-writer-nogui"):
        read_text(converted / (SEEDS[0].stem + ".doc"))


def test_antiword_reads_a_doc_where_libreoffice_is_not_installed(converted, monkeypatch):
    import shutil

    if not shutil.which("antiword"):
        pytest.skip("antiword is not installed (apt-get install antiword)")
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None if name in ("soffice", "libreoffice") else real_which(name, *args, **kwargs))
    seed = plan_path("tich-luong")
    copy = extract_file(converted / (seed.stem + ".doc"))
    original = extract_file(converted / (seed.stem + ".docx"))
    assert _symbols(copy) == _symbols(original)
    assert (copy.document.symbol, copy.document.date) == (original.document.symbol, original.document.date)


def test_a_doc_read_again_is_not_converted_again(converted, tmp_path, monkeypatch):
    import subprocess

    monkeypatch.setenv("LINEAGE_CACHE", str(tmp_path / "readings"))
    copy = tmp_path / "plan.doc"
    copy.write_bytes((converted / (SEEDS[0].stem + ".doc")).read_bytes())
    first = read_text(copy).normalized
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: pytest.fail("LibreOffice ran again"))
    renamed = tmp_path / "the same plan.doc"
    copy.rename(renamed)
    assert read_text(renamed).normalized == first


def test_a_file_named_like_an_option_is_read_as_a_file(converted, tmp_path):
    import shutil

    tricky = tmp_path / "-x.doc"
    shutil.copy(converted / (SEEDS[0].stem + ".doc"), tricky)
    assert _symbols(extract_file(tricky)) == _symbols(extract_file(converted / (SEEDS[0].stem + ".docx")))


# --- PDFs with a text layer ------------------------------------------------------------------

def as_pdf(text: str, path: Path, **layout) -> Path:
    try:
        return printing.as_pdf(text, path, **layout)
    except printing.PrintingUnavailable as error:
        pytest.skip(str(error))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.stem)
def test_a_printed_pdf_of_a_plan_reads_as_the_plan(seed, tmp_path):
    printed = extract_file(as_pdf(seed.read_text(encoding="utf-8"), tmp_path / (seed.stem + ".pdf")))
    original = extract_file(seed)
    assert _symbols(printed) == _symbols(original)
    assert _tasks(printed) == _tasks(original)


def test_running_heads_and_feet_of_a_pdf_are_left_out(tmp_path):
    """A portal's print: the document's number at the head of every page, the portal and the
    page number at its foot.  The plan reads as without them, tasks and references alike."""
    seed = plan_path("an-duong")
    head, foot = "Kế hoạch số 86/KH-UBND ngày 05/01/2026 của UBND phường An Dương", "Cổng thông tin điện tử phường An Dương – Trang {page}"
    printed = as_pdf(seed.read_text(encoding="utf-8"), tmp_path / "an-duong.pdf", running=(head, foot), **printing.OFFICIAL)
    text = read_text(printed).normalized
    assert "Cổng thông tin điện tử" not in text and head not in text
    read, original = extract_file(printed), extract_file(seed)
    assert _symbols(read) == _symbols(original)
    assert _tasks(read) == _tasks(original)


def test_an_official_header_in_two_columns_reads_as_its_issuer_number_and_date(tmp_path):
    """Word lays the header out as two columns side by side: the issuer and number on the
    left, the motto, place and date on the right.  Each printed line holds a piece of both;
    read as a paragraph, the issuer runs into the motto and the number into the date."""
    seed = plan_path("tich-luong").read_text(encoding="utf-8")
    body = seed[seed.index("KẾ HOẠCH"):]
    header = ("ỦY BAN NHÂN DÂN\nPHƯỜNG TÍCH LƯƠNG\n-------\nSố: 04/KH-UBND",
              "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n---------------\nTích Lương, ngày 05 tháng 01 năm 2026")
    printed = as_pdf(body, tmp_path / "tich-luong.pdf", header=header, **printing.OFFICIAL)
    lines = read_text(printed).normalized.splitlines()
    assert lines[0].split("\t") == ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    record, original = extract_file(printed), extract_file(plan_path("tich-luong"))
    document = record.document
    assert (document.symbol, document.date, document.commune) == ("04/KH-UBND", "2026-01-05", "Tích Lương")
    assert document.issuer == "UBND phường Tích Lương"
    assert document.title == original.document.title
    assert _symbols(record) == _symbols(original)


def test_an_appendix_task_table_in_a_pdf_keeps_its_columns(tmp_path):
    seed = plan_path("an-duong")
    text = read_text(as_pdf(seed.read_text(encoding="utf-8"), tmp_path / "an-duong.pdf")).normalized
    rows = [line.split("\t") for line in text.splitlines() if "\t" in line]
    header = next(row for row in rows if "Cơ quan chủ trì" in row)
    assert "Cơ quan phối hợp" in header
    tasks = extract_file(tmp_path / "an-duong.pdf").tasks
    assert sum(1 for task in tasks if task.lead) >= 30
    assert not any(re.fullmatch(r"(?:Trang\s*)?\d{1,3}", line.strip()) for line in text.splitlines())


# --- scans -----------------------------------------------------------------------------------

def _tesseract() -> None:
    import os

    from vnlineage.corpus.ocr import OcrMissing, require_ocr

    try:
        require_ocr()
    except OcrMissing as error:
        if os.environ.get("CI"):
            pytest.fail(f"{error} (.ci/run installs it)")
        pytest.skip(str(error))


@pytest.fixture
def ocr_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LINEAGE_CACHE", str(tmp_path / "ocr-cache"))
    return tmp_path / "ocr-cache"


def test_a_scanned_plan_reads_its_symbol_date_and_references(tmp_path, ocr_cache):
    _tesseract()
    seed = plan_path("tich-luong")
    scan = scanned(as_pdf(seed.read_text(encoding="utf-8"), tmp_path / "plan.pdf"), tmp_path / "scan.pdf")
    read, original = extract_file(scan), extract_file(seed)
    assert (read.document.symbol, read.document.date) == (original.document.symbol, original.document.date)
    assert len(_symbols(read) & _symbols(original)) >= 0.9 * len(_symbols(original))
    assert read.ocr.pages == list(range(1, 9)) and len(read.ocr.page_confidence) == 8 and read.ocr.confidence > 80
    assert read.to_dict()["ocr"]["pages"] == read.ocr.pages
    from vnlineage.graph.render import render_plan_summary

    assert "read by OCR: page(s) 1–8, mean word confidence" in render_plan_summary(read)
    assert original.ocr is None and original.to_dict()["ocr"] is None
    assert list(ocr_cache.glob("*.json")), "the reading is kept for the next run"


def test_a_scan_taken_askew_speckled_and_stamped_reads_as_a_clean_one(tmp_path, ocr_cache):
    _tesseract()
    seed = plan_path("tich-luong")
    scan = scanned(as_pdf(seed.read_text(encoding="utf-8"), tmp_path / "plan.pdf"), tmp_path / "scan.pdf", skew=3.0, noise=0.01, stamp=True, colour=True, seed=3)
    read, original = extract_file(scan), extract_file(seed)
    assert (read.document.symbol, read.document.date) == (original.document.symbol, original.document.date)
    assert len(_symbols(read) & _symbols(original)) >= 0.9 * len(_symbols(original))
    assert len(_symbols(read) - _symbols(original)) <= 1


def test_running_heads_and_feet_of_a_scan_are_left_out(tmp_path, ocr_cache):
    """A portal's print, printed out and scanned: its head and foot on every page are read by
    OCR like the rest, and left out as they are from the print itself."""
    _tesseract()
    seed = plan_path("an-duong")
    head, foot = "Cổng thông tin điện tử phường An Dương", "Kế hoạch 86/KH-UBND – Trang {page}"
    printed = as_pdf(seed.read_text(encoding="utf-8"), tmp_path / "an-duong.pdf", running=(head, foot), **printing.OFFICIAL)
    text = read_text(scanned(printed, tmp_path / "scan.pdf", pages=3)).normalized
    assert "Cổng thông tin" not in text and "Trang" not in text
    assert text.startswith("KẾ HOẠCH")


def test_a_bar_alone_on_its_line_of_a_scan_is_read_as_a_bar(tmp_path, ocr_cache):
    """A printed web copy's pipe header, scanned: the bars OCR reads as letters ("Ị", "l") are bars
    again, so the header's cells are put back together as in the copy itself."""
    _tesseract()
    copy = ("|\nỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ\n|\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n|\n|\n"
            "Số: 06/CT-UBND\n|\nQuảng Trị, ngày\n25 tháng 11 năm 2025\n|\n\nCHỈ THỊ\nVỀ VIỆC TĂNG CƯỜNG QUẢN LÝ RỪNG\n\n"
            "Để tiếp tục thực hiện nghiêm Chỉ thị số 05/CT-TTg ngày 18/5/2022 của Thủ tướng Chính phủ, Ủy ban nhân dân tỉnh yêu cầu:\n"
            "1. Các sở, ngành thực hiện.\n" + "Các cơ quan, đơn vị tổ chức thực hiện nghiêm túc các nhiệm vụ được giao.\n" * 12)
    scan = scanned(as_pdf(copy, tmp_path / "copy.pdf"), tmp_path / "scan.pdf", skew=2.0, noise=0.005, stamp=True, colour=True, seed=1)
    lines = read_text(scan).normalized.splitlines()
    assert sum(1 for line in lines if line == "|") == copy.splitlines().count("|")
    document = extract_file(scan).document
    assert (document.symbol, str(document.date), document.title) == ("06/CT-UBND", "2025-11-25", "VỀ VIỆC TĂNG CƯỜNG QUẢN LÝ RỪNG")


def test_a_page_is_set_level_before_it_is_read():
    from PIL import Image, ImageDraw

    from vnlineage.corpus.ocr import skew_of

    page = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(page)
    for top in range(300, 3200, 60):  # lines of text, as dark bars
        draw.rectangle((250, top, 2200, top + 22), fill=0)
    for angle in (0.0, 1.3, -2.5, 4.0):
        assert abs(skew_of(page.rotate(angle, fillcolor=255)) + angle) <= 0.2


def test_a_page_of_a_ruled_task_table_has_the_line_height_of_its_text(tmp_path):
    """The height that decides a page's reading resolution: the table's column rules run down
    the whole page and must not make its rows one tall band, which is no line at all (the
    page was read at twice the resolution, at twice the cost, for nothing).  A table is set
    in type no larger than the prose, its cells' lines a little apart from row to row."""
    import pypdfium2

    from vnlineage.corpus.ocr import DPI, line_height
    from vnlineage.corpus.ruled import find_grids

    printed = as_pdf(plan_path("an-duong").read_text(encoding="utf-8"), tmp_path / "an-duong.pdf", **printing.OFFICIAL)
    document = pypdfium2.PdfDocument(str(printed))
    pages = [document[number].render(scale=DPI / 72, grayscale=True).to_pil() for number in range(len(document))]
    tabled = [bool(find_grids(page, DPI)[0]) for page in pages]
    ruled = [page for page, table in zip(pages, tabled) if table]
    prose = [page for page, table in zip(pages, tabled) if not table]
    assert ruled and prose
    text_height = line_height(prose[0], DPI)
    assert all(text_height / 3 <= line_height(page, DPI) <= 1.2 * text_height for page in ruled)


def test_a_scanned_page_image_is_read_and_a_huge_one_refused(tmp_path, ocr_cache, monkeypatch):
    _tesseract()
    from vnlineage.corpus import ocr

    seed = plan_path("tich-luong")
    pdf = as_pdf(seed.read_text(encoding="utf-8"), tmp_path / "plan.pdf")
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    document[0].render(scale=300 / 72).to_pil().convert("L").save(tmp_path / "page.png")
    document.close()
    assert "04/KH-UBND" in read_text(tmp_path / "page.png").normalized
    monkeypatch.setattr(ocr, "MAX_PIXELS", 10_000)
    (tmp_path / "huge.png").write_bytes((tmp_path / "page.png").read_bytes())
    monkeypatch.setenv("LINEAGE_CACHE", "off")
    with pytest.raises(DocumentError, match="huge.png.*decompression bomb"):
        read_text(tmp_path / "huge.png")


def test_a_scan_without_the_vietnamese_model_says_how_to_install_it(tmp_path, monkeypatch):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(tmp_path / "scan.pdf"))
    (tmp_path / "models").mkdir()
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path / "models"))
    monkeypatch.setenv("LINEAGE_CACHE", "off")
    with pytest.raises(DocumentError, match=r"scan\.pdf.*vie\.traineddata.*apt-get install tesseract-ocr-vie"):
        read_text(tmp_path / "scan.pdf")


def test_an_ocr_misreading_of_an_issuer_code_is_read_as_the_code_it_stands_for():
    from vnlineage.corpus.extract import extract_text
    from vnlineage.corpus.text import normalize

    record = extract_text(normalize("Căn cứ Nghị quyết số 13-NQ/ĐĐU ngày 10/10/2025 của Đảng ủy phường; "
                                    "Kế hoạch số 7/KH-ĐĐQH ngày 02/01/2026 của Đoàn ĐBQH tỉnh; Công văn số 9/CV-XYZZ ngày 03/01/2026; "
                                    "Chỉ thị số 28/CT-TTz ngày 18/9/2025 của Thủ tướng Chính phủ."))
    found = {reference.symbol: [mention.text for mention in reference.mentions] for reference in record.references}
    assert found["13-NQ/ĐU"] == ["13-NQ/ĐĐU"]  # the mention keeps what OCR read
    assert found["28/CT-TTg"] == ["28/CT-TTz"]  # a g with its tail lost
    assert any(symbol.endswith("ĐĐQH") for symbol in found)  # a code the registry knows is never changed
    assert any(symbol.endswith("XYZZ") for symbol in found)  # nor one no repair makes known


def test_a_long_pdf_read_by_one_process_a_core_reads_as_by_one(tmp_path, monkeypatch):
    from vnlineage.corpus import pdf

    text = "\n".join(seed.read_text(encoding="utf-8") for seed in SEEDS[:2])
    data = as_pdf(text, tmp_path / "long.pdf").read_bytes()
    monkeypatch.setattr(pdf, "PAGES_FOR_PROCESSES", 4)
    side_by_side, *_ = pdf.pdf_text(data)
    monkeypatch.setattr(pdf, "PAGES_FOR_PROCESSES", 10**9)
    alone, *_ = pdf.pdf_text(data)
    assert side_by_side == alone and len(alone) > 10_000


def test_dates_ocr_misread_in_figures_are_read_as_dates():
    from vnlineage.corpus.ocr import repaired_dates

    assert repaired_dates("Tích Lương, ngày O5 tháng 0l năm 2026") == "Tích Lương, ngày 05 tháng 01 năm 2026"
    assert repaired_dates("Quyết định số 2612/QĐ-UBND ngày 3O/l2/2025") == "Quyết định số 2612/QĐ-UBND ngày 30/12/2025"
    assert repaired_dates("ngày 32/l3/2025") == "ngày 32/l3/2025"  # no such date: left as read
    assert repaired_dates("Số: O4/KH-UBND") == "Số: O4/KH-UBND"  # a symbol is not a date


@pytest.mark.parametrize("misread", ["Tích Lưong", "TICH LUONG", "Tích Lường"])
def test_a_commune_whose_marks_ocr_misread_is_the_commune(misread):
    from vnlineage.corpus.extract import extract_text
    from vnlineage.corpus.text import normalize

    text = plan_path("tich-luong").read_text(encoding="utf-8")
    record = extract_text(normalize(text.replace("Tích Lương", misread).replace("TÍCH LƯƠNG", misread.upper())))
    assert (record.document.level, record.document.commune, record.document.province) == ("commune", "Tích Lương", "Thái Nguyên")


def test_the_pages_of_a_scan_read_one_at_a_time_read_as_side_by_side(tmp_path, monkeypatch):
    _tesseract()
    import json

    from click.testing import CliRunner

    from vnlineage.graph.cli import main

    seed = plan_path("an-duong")
    scan = scanned(as_pdf(seed.read_text(encoding="utf-8"), tmp_path / "plan.pdf"), tmp_path / "scan.pdf", pages=3)
    monkeypatch.setenv("LINEAGE_CACHE", "off")
    monkeypatch.delenv("LINEAGE_OCR_JOBS", raising=False)
    readings = []
    for jobs in ("1", "3"):
        result = CliRunner().invoke(main, ["extract", "--jobs", jobs, "--format", "json", str(scan)])
        assert result.exit_code == 0, result.output
        readings.append(json.loads(result.stdout.splitlines()[0]))
        monkeypatch.delenv("LINEAGE_OCR_JOBS", raising=False)
    assert readings[0]["references"] == readings[1]["references"] and readings[0]["ocr"]["pages"] == [1, 2, 3]
    assert CliRunner().invoke(main, ["extract", "--jobs", "-1", str(scan)]).exit_code == 2


def test_a_pdf_page_without_tables_reads_from_pdfium_as_from_pdfplumber(tmp_path):
    import io

    import pdfplumber
    import pypdfium2

    from vnlineage.corpus import pdf

    prose = "\n".join(line for line in plan_path("an-duong").read_text(encoding="utf-8").splitlines() if "\t" not in line)
    data = as_pdf(prose, tmp_path / "prose.pdf").read_bytes()
    document = pypdfium2.PdfDocument(data)
    fast = [pdf._plain_page(page) for page in document]
    document.close()
    with pdfplumber.open(io.BytesIO(data)) as plumbed:
        slow = [pdf._page_lines(page) for page in plumbed.pages]
    assert len(fast) >= 5 and all(page is not None for page in fast)
    assert [pdf._laid_out(page, set()) for page in fast] == [pdf._laid_out(page, set()) for page in slow]
