"""Files researchers download, beyond text and .docx: saved web pages and Word's "Save as
web page" exports (the 12 real exports are scored in test_real_documents), made here from
the seed plans so that each can be compared with the seed's own text."""

from __future__ import annotations

import html
import re
import textwrap
from pathlib import Path

import pytest

from conftest import PLANS_DIR, plan_path
from vnlineage.corpus.extract import extract_file
from vnlineage.corpus.reader import DocumentError, read_text

SEEDS = sorted(PLANS_DIR.glob("*.txt"))


def _paragraphs(text: str) -> list[str]:
    """The plan's lines, a line the copy broke (wrapped, or cut by a blank line where a page
    ended) joined to the one before, as the Word document has the paragraph whole: it goes on
    in lower case."""
    lines: list[str] = []
    for line in text.splitlines():
        written = [earlier for earlier in lines if earlier.strip()]
        if written and line[:1].islower() and not re.match(r"[a-zđ][).]\s", line) and "\t" not in line and "\t" not in written[-1] and written[-1][-1:].isalpha():
            while not lines[-1].strip():
                lines.pop()
            lines[-1] += " " + line
        else:
            lines.append(line)
    return lines


def _blocks(text: str) -> str:
    """The plan as HTML blocks: a paragraph a line, runs of tab-separated lines as a table."""
    parts, rows = [], []
    for line in _paragraphs(text) + [""]:
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
