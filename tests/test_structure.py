"""The structure parser: header, preamble, section tree, tables, appendices, signature."""

from __future__ import annotations

import pytest

from conftest import plan_path
from vnlineage.corpus.reader import read_text
from vnlineage.corpus.structure import PartialDate, parse_date, parse_structure
from vnlineage.corpus.text import normalize


def structure_of(snippet: str):
    return parse_structure(normalize(snippet))


def plan(fragment: str):
    return parse_structure(read_text(plan_path(fragment)))


# --- hand-written snippets, one per convention ----------------------------------------

OFFICIAL_HEADER = """ỦY BAN NHÂN DÂN
TỈNH LẠNG SƠN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Số: 120/KH-UBND
Lạng Sơn, ngày 3 tháng 4 năm 2025

KẾ HOẠCH
Triển khai thực hiện Nghị quyết số 57-NQ/TW
trên địa bàn tỉnh Lạng Sơn

Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ;
Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Nội dung.
"""


def test_official_header_is_read_field_by_field():
    structure = structure_of(OFFICIAL_HEADER)
    header = structure.header
    assert header.symbol == "120/KH-UBND"
    assert header.place == "Lạng Sơn"
    assert header.date == PartialDate(2025, 4, 3)
    assert header.doc_type == "Kế hoạch"
    assert header.title == "Triển khai thực hiện Nghị quyết số 57-NQ/TW trên địa bàn tỉnh Lạng Sơn"
    assert header.issuer_lines == ["ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN"]
    assert len(structure.preamble) == 2
    assert structure.sections[0].path == "I"


@pytest.mark.parametrize(
    ("line", "symbol", "blank"),
    [("Số: 04/KH-UBND", "04/KH-UBND", False), ("Số: /KH-UBND", None, True), ("Số: ……/KH-UBND", None, True), ("Số:  12 - CTr/TU", "12-CTr/TU", False)],
)
def test_number_line(line, symbol, blank):
    header = structure_of(f"{line}\n\nKẾ HOẠCH\n\nTiêu đề\n\nI. NỘI DUNG\n").header
    assert header.symbol == symbol
    assert header.number_blank is blank


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tích Lương, ngày 05 tháng 01 năm 2026", PartialDate(2026, 1, 5)),
        ("Tân Hưng, ngày     tháng 01 năm 2026", PartialDate(2026, 1, None)),
        ("Hà Nội, ngày …. tháng … năm 2025", PartialDate(2025, None, None)),
        ("ngày 13/3/2026", PartialDate(2026, 3, 13)),
        ("ngày 45/13/2026", None),
    ],
)
def test_dates_keep_unknown_parts_unknown(value, expected):
    assert parse_date(value) == expected


def test_a_place_and_date_cut_after_ngay_is_one_date():
    """OCR of a narrow header column, or a cell's wrap, puts the day on the line after "ngày"."""
    header = structure_of(OFFICIAL_HEADER.replace("Lạng Sơn, ngày 3 tháng 4", "Lạng Sơn, ngày\n3 tháng 4")).header
    assert (header.place, header.date, header.symbol) == ("Lạng Sơn", PartialDate(2025, 4, 3), "120/KH-UBND")
    assert header.title == "Triển khai thực hiện Nghị quyết số 57-NQ/TW trên địa bàn tỉnh Lạng Sơn"


def test_blank_day_gives_no_iso_date():
    assert PartialDate(2026, 1).iso() is None
    assert str(PartialDate(2026, 1)) == "2026-01"


def test_website_metadata_table_is_read():
    snippet = "Số hiệu: 272/KH-UBND\nNgày ban hành: 13/10/2025\nNgười ký: Nguyễn Văn A\n\nKẾ HOẠCH\n\nThực hiện Nghị quyết 66\n\nI. MỤC ĐÍCH\n"
    header = structure_of(snippet).header
    assert header.metadata["date"] == "13/10/2025"
    assert header.metadata["signer"] == "Nguyễn Văn A"
    assert header.symbol == "272/KH-UBND"


def test_issuing_decision_line_is_kept():
    snippet = "KẾ HOẠCH\n\nPhát triển kinh tế - xã hội năm 2026\n\n(Kèm theo Quyết định số 12/QĐ-UBND ngày 13/3/2026 của\nUBND xã Hòa Bình)\n\nI. BỐI CẢNH\n"
    header = structure_of(snippet).header
    assert header.issuing == "Kèm theo Quyết định số 12/QĐ-UBND ngày 13/3/2026 của UBND xã Hòa Bình"
    assert header.title == "Phát triển kinh tế - xã hội năm 2026"


NUMBERING = """KẾ HOẠCH

Tiêu đề

PHẦN I. ĐÁNH GIÁ
1. Kết quả
1.1. Kinh tế
1.1.1. Nông nghiệp
Đoạn văn nông nghiệp.
a) Trồng trọt
(1) Lúa
- Ý một
+ Ý con
đ) Chăn nuôi
2. Tồn tại
II. NHIỆM VỤ
1. Nhiệm vụ chung
"""


def test_every_numbering_style_builds_the_tree():
    structure = structure_of(NUMBERING)
    paths = [section.path for section in structure.walk() if not section.style.startswith("bullet")]
    assert paths == ["I", "I.1", "I.1.1", "I.1.1.1", "I.1.1.1.a", "I.1.1.1.a.(1)", "I.1.1.1.đ", "I.2", "II", "II.1"]
    bullet = next(section for section in structure.walk() if section.style == "bullet-")
    assert bullet.heading == "Ý một"
    assert [child.heading for child in bullet.children] == ["Ý con"]


def test_markdown_and_bold_headings_are_headings():
    snippet = "## KẾ HOẠCH\n\n### Tiêu đề\n\n#### I. MỤC ĐÍCH\n\n**1. Nội dung**\n\nĐoạn.\n\n## **2. Giải pháp**\n"
    structure = structure_of(snippet)
    assert [section.path for section in structure.walk()] == ["I", "I.1", "I.2"]
    assert structure.header.title == "Tiêu đề"


def test_numbers_inside_sentences_are_not_headings():
    structure = structure_of("KẾ HOẠCH\n\nTiêu đề\n\nI. NỘI DUNG\n2026 là năm đầu.\n3.600 m2 đất.\n10 doanh nghiệp mới.\n")
    assert [section.path for section in structure.walk()] == ["I"]


def test_pipe_table_with_header():
    snippet = "KẾ HOẠCH\n\nTiêu đề\n\nI. CHỈ TIÊU\n\n| STT | Chỉ tiêu | Năm 2026 |\n|---|---|---|\n| 1 | Tỷ lệ hộ nghèo (%) | 1,2 |\n| 2 | Thu ngân sách (tỷ đồng) | 70,4 |\n"
    structure = structure_of(snippet)
    (table,) = structure.tables
    assert table.columns == ["STT", "Chỉ tiêu", "Năm 2026"]
    assert [row.cells[1] for row in table.rows] == ["Tỷ lệ hộ nghèo (%)", "Thu ngân sách (tỷ đồng)"]
    assert structure.sections[0].tables == [table]


def test_table_split_by_a_page_break_with_repeated_header_is_one_table():
    header = "STT\tChỉ tiêu\tNăm 2026"
    snippet = f"KẾ HOẠCH\n\nTiêu đề\n\nI. CHỈ TIÊU\n\n{header}\n1\tA (%)\t1\n2\tB (%)\t2\n\n{header}\n3\tC (%)\t3\n\nII. NHIỆM VỤ\n"
    (table,) = structure_of(snippet).tables
    assert [row.cells[0] for row in table.rows] == ["1", "2", "3"]


def test_recipients_and_signature():
    snippet = "KẾ HOẠCH\n\nTiêu đề\n\nI. NỘI DUNG\nĐoạn.\n\nNơi nhận:\n- UBND tỉnh;\n- Lưu: VT.\n\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Thị Lan Anh\n"
    structure = structure_of(snippet)
    assert structure.recipients == ["UBND tỉnh", "Lưu: VT"]
    assert structure.signature.roles == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert structure.signature.signer == "Nguyễn Thị Lan Anh"


def test_appendix_with_title_and_attachment_line():
    snippet = (
        "KẾ HOẠCH\n\nTiêu đề\n\nI. NỘI DUNG\nĐoạn.\n\nPhụ lục\nDANH MỤC NHIỆM VỤ\n(Kèm theo Kế hoạch số 15/KH-UBND ngày 2/3/2026 của UBND xã Yên Lạc)\n\n"
        "STT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\n1\tRà soát quy hoạch\tPhòng Kinh tế\tCông an xã\n"
    )
    (appendix,) = structure_of(snippet).appendices
    assert appendix.title == "DANH MỤC NHIỆM VỤ"
    assert appendix.attached_to.startswith("Kèm theo Kế hoạch số 15/KH-UBND")
    assert appendix.tables[0].columns == ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp"]


# --- the seed plans -------------------------------------------------------------------

def test_an_duong_has_two_appendices_and_a_task_table_of_44_rows():
    structure = plan("an-duong")
    assert len(structure.appendices) == 2
    (tasks,) = structure.appendices[1].tables
    numbered = [row for row in tasks.rows if row.cells[0].isdigit()]
    assert len(numbered) == 44
    columns = " | ".join(tasks.columns)
    for name in ("Nhiệm vụ", "Thời gian", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả/sản phẩm", "Lãnh đạo"):
        assert name in columns
    assert numbered[32].cells[1] == "Triển khai Đề án 06 của Chính phủ"


def test_tich_luong_indicator_table_is_one_table_across_page_breaks():
    structure = plan("tich-luong")
    (table,) = structure.tables
    indicator_rows = [row for row in table.rows if not row.cells[0] or (len(row.cells) > 2 and row.cells[2])]
    assert len(indicator_rows) == 44
    assert table.columns[:3] == ["STT", "Chỉ tiêu", "Năm 2026"]


def test_phan_dinh_phung_has_three_parts_and_a_digital_transformation_section():
    structure = plan("phan-dinh-phung")
    assert [section.number for section in structure.sections] == ["I", "II", "III"]
    section = structure.find("II.3.2")
    assert section is not None and section.heading == "Về khoa học và công nghệ, chuyển đổi số"
    assert structure.header.issuing.startswith("Kèm theo Quyết định số 477/QĐ-UBND")


@pytest.mark.parametrize(("fragment", "signer"), [("tich-luong", "Hoàng Thị Minh Thu"), ("nam-hong-linh", "Tôn Quang Ngọc"), ("an-duong", "Bùi Tiến Phong")])
def test_signers(fragment, signer):
    assert plan(fragment).signature.signer == signer


def test_tan_hung_date_keeps_the_month_without_a_day():
    header = plan("tan-hung").header
    assert header.date == PartialDate(2026, 1, None)
    assert header.number_blank


def test_tan_hung_task_section_path():
    structure = plan("tan-hung")
    section = structure.find("III.2.2.c")
    assert section is not None and section.heading.startswith("Lĩnh vực tư pháp")
