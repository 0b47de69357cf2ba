"""The layout layer: logical lines whatever the copy's shape, offsets still into the file."""

from __future__ import annotations

import pytest

from vnlineage.corpus.layout import lay_out
from vnlineage.corpus.text import normalize

WEB_HEADER = (
    "|\n**ỦY BAN NHÂN\nDÂN **\nTHÀNH PHỐ HÀ NỘI\n--------\n|\n**CỘNG HÒA XÃ\nHỘI CHỦ NGHĨA VIỆT NAM**\n"
    "Độc lập - Tự do - Hạnh phúc\n---------------\n|\n|\nSố: 310/KH-UBND\n|\n*Hà Nội, ngày\n24 tháng 11 năm 2025*\n|\n\n\n**KẾ HOẠCH**\n"
)
WRAPPED_PARAGRAPHS = "\n\n".join(
    "- Tổ chức triển khai thực hiện nghiêm túc các nhiệm vụ được giao tại Kế hoạch này, bảo\n"
    "đảm tiến độ và chất lượng theo Nghị quyết số\n57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa\n"
    "học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia." for _ in range(4)
)


def texts(source: str) -> list[str]:
    return [block.text for block in lay_out(normalize(source)).blocks()]


def test_a_flattened_two_column_header_becomes_rows_of_cells():
    rows = texts(WEB_HEADER)
    assert [cell.strip() for cell in rows[0].split("\t")] == ["ỦY BAN NHÂN DÂN  THÀNH PHỐ HÀ NỘI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"]
    assert [cell.strip() for cell in rows[1].split("\t")] == ["Số: 310/KH-UBND", "Hà Nội, ngày 24 tháng 11 năm 2025"]
    assert rows[2] == "KẾ HOẠCH"


def test_cells_ended_by_a_pipe_on_their_last_line():
    rows = texts("ỦY BAN NHÂN DÂN |\nCỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM |\n|\nSố: 0155/KH-UBND |\nĐắk Lắk, ngày 24 tháng 12 năm 2025 |\n\nKẾ HOẠCH\n")
    assert [cell.strip() for cell in rows[1].split("\t")] == ["Số: 0155/KH-UBND", "Đắk Lắk, ngày 24 tháng 12 năm 2025"]


def test_hard_wrapped_paragraphs_are_rejoined_and_list_items_kept_apart():
    blocks = lay_out(normalize(WRAPPED_PARAGRAPHS)).blocks()
    assert len(blocks) == 4
    assert all(block.kind == "list_item" and block.physical_lines == 4 for block in blocks)
    assert "Nghị quyết số 57-NQ/TW ngày 22/12/2024" in blocks[0].text


def test_lines_of_a_word_export_are_left_alone():
    source = "KẾ HOẠCH\nPhát triển kinh tế - xã hội năm 2026\nThực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị; căn cứ tình hình thực tế của địa phương, Ủy ban nhân dân xã xây dựng Kế hoạch như sau:\n"
    layout = lay_out(normalize(source))
    assert not layout.wrapped and layout.text.normalized == normalize(source).normalized


@pytest.mark.parametrize("source", [WEB_HEADER, WRAPPED_PARAGRAPHS])
def test_the_logical_text_keeps_the_length_and_the_offsets(source):
    text = normalize(source)
    logical = lay_out(text).text
    assert len(logical.normalized) == len(text.normalized)
    start = logical.normalized.index("57-NQ/TW") if "57-NQ/TW" in logical.normalized else logical.normalized.index("310/KH-UBND")
    found = logical.normalized[start : start + 8]
    assert source[slice(*logical.to_original(start, start + 8))] == found


def test_the_recipients_and_signature_table_stays_lines():
    source = "|\n*Nơi nhận:*\n- Bộ Khoa học và Công nghệ;\n- Lưu: VT.\n|\n**TM. ỦY BAN\nNHÂN DÂN**\nKT. CHỦ TỊCH\n**PHÓ CHỦ TỊCH**\n**Trương Việt Dũng**\n|\n"
    rows = texts(source)
    assert "Trương Việt Dũng" in rows and "- Lưu: VT." in rows


def test_a_website_s_notices_after_the_document_do_not_hide_its_wrapping():
    notices = "\n".join("Thư viện pháp luật cập nhật Quy chế bảo vệ dữ liệu cá nhân theo Nghị định, Quý Thành viên vui lòng xác nhận để tiếp tục sử dụng dịch vụ." for _ in range(6))
    layout = lay_out(normalize(WRAPPED_PARAGRAPHS + "\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\n" + notices + "\n"))
    assert layout.wrapped
    assert [block.physical_lines for block in layout.blocks()][-6:] == [1] * 6  # the notices stay as they were


def test_a_preamble_line_before_a_pipe_ends_the_table():
    rows = texts("|\nỦY BAN NHÂN DÂN\n|\nCăn cứ Luật Tổ chức chính quyền địa phương;\n|\n\nĐiều 1. Ban hành kèm theo Quyết định này.\n")
    assert "Căn cứ Luật Tổ chức chính quyền địa phương;" in [row.strip() for row in rows]


def test_line_ends_kept_as_escaped_characters_become_line_ends():
    source = "Số: 54/KH-UBND \\r\\n | \\r\\n Lạng Sơn, ngày 27 tháng 3 năm 2020 \\r\\n |\\r\\nThực hiện Quyết định số 1896/QĐ-TTg\\r\\nngày 25/12/2019."
    layout = lay_out(normalize(source))
    assert "\\r\\n" not in layout.text.normalized and len(layout.text.normalized) == len(normalize(source).normalized)
    assert any(block.text.strip().startswith("Lạng Sơn, ngày 27 tháng 3 năm 2020") or "Lạng Sơn, ngày 27" in block.text for block in layout.blocks())


def test_header_lines_are_not_joined_once_their_field_is_complete():
    source = "TỈNH ỦY LÀO CAI\n*\nSố 445-KL/TU\nLào Cai, ngày 13 tháng 5 năm 2022\nKẾT LUẬN\n\n" + WRAPPED_PARAGRAPHS
    texts_ = [block.text for block in lay_out(normalize(source)).blocks()]
    assert "Số 445-KL/TU" in texts_ and "Lào Cai, ngày 13 tháng 5 năm 2022" in texts_


def test_a_header_run_together_on_one_line_is_split_into_its_fields():
    source = (
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM XÃ PHÚ MẬU Độc lập – Tự do – Hạnh phúc KẾ HOẠCH PHÒNG CHỐNG THIÊN TAI NĂM 2014 "
        "Căn cứ Luật Phòng, chống thiên tai ngày 19 tháng 6 năm 2013; Theo văn bản chỉ đạo số 2731/UBND-NN ngày 20 tháng 5 năm 2014 của UBND Tỉnh. "
        "A. Mục đích yêu cầu: 1. Nâng cao nhận thức cộng đồng.\n"
    )
    layout = lay_out(normalize(source))
    lines = [block.text for block in layout.blocks()]
    assert lines[:6] == ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "XÃ PHÚ MẬU", "Độc lập - Tự do - Hạnh phúc", "KẾ HOẠCH", "PHÒNG CHỐNG THIÊN TAI NĂM 2014"]
    assert any(line.startswith("Theo văn bản chỉ đạo số 2731/UBND-NN") for line in lines)
    assert len(layout.text.normalized) == len(normalize(source).normalized)
