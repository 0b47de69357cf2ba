"""References: every written variant of DESIGN.md section 4, and what only looks like one."""

from __future__ import annotations

import unicodedata

import pytest

from vnlineage.corpus.extract import extract_text
from vnlineage.corpus.registry import registry
from vnlineage.corpus.text import normalize
from extraction_helpers import extract_snippet, reference, symbols


@pytest.mark.parametrize(
    ("written", "symbol"),
    [
        ("Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị", "57-NQ/TW"),
        ("theo Nghị quyết 57-NQ/TW của Bộ Chính trị", "57-NQ/TW"),
        ("Kết luận số 91- KL/TW ngày 12/8/2024", "91-KL/TW"),
        ("Chương trình hành động số 12- CTr/TU của Ban Thường vụ Tỉnh ủy", "12-CTr/TU"),
        ("Nghị quyết số 45-\nNQ/TW của Ban Chấp hành Trung ương", "45-NQ/TW"),
        ("Nghị quyết số 45 -NQ/TW", "45-NQ/TW"),
        ("THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG SỐ 12-CTR/TU CỦA BAN THƯỜNG VỤ TỈNH ỦY", "12-CTr/TU"),
        ("Quyết định số 06/QĐ-TTg ngày 06/01/2022", "06/QĐ-TTg"),
        ("Quyết định số 06/QĐ-TTG", "06/QĐ-TTg"),
        ("Nghị định số 112/2024/NĐ-CP", "112/2024/NĐ-CP"),
        ("Công văn số 31/CV-BCĐTKNQ18 của Ban Chỉ đạo", "31/CV-BCĐTKNQ18"),
        ("Luật số 56/2024/QH15", "56/2024/QH15"),
        ("Nghị quyết số 71/NQ-CP ngày 01/4/2025", "71/NQ-CP"),
        ("Kế hoạch số 47-KH/ĐU ngày 25/02/2026 của Đảng ủy phường", "47-KH/ĐU"),
        ("Nghị quyết số 18/NQ-HĐND của HĐND phường", "18/NQ-HĐND"),
        ("Kế hoạch số 02-KH/BCĐTW ngày 19/6/2025", "02-KH/BCĐTW"),
    ],
)
def test_written_variants_give_the_official_symbol(written, symbol):
    assert symbols(extract_snippet(f"Thực hiện {written}.")) == [symbol]


@pytest.mark.parametrize("doc_type", [doc_type for doc_type in registry().doc_types if doc_type.in_symbols], ids=lambda doc_type: doc_type.code)
def test_every_type_code_in_both_forms(doc_type):
    record = extract_snippet(f"Căn cứ {doc_type.name} số 7/{doc_type.code}-UBND và {doc_type.name} số 8-{doc_type.code}/TU.")
    found = {item.symbol: item.type for item in record.references}
    assert found == {f"7/{doc_type.code}-UBND": doc_type.name, f"8-{doc_type.code}/TU": doc_type.name}


@pytest.mark.parametrize("issuer", list(registry().issuers.values()), ids=lambda issuer: issuer.code)
def test_every_issuer_code_is_read_with_its_level(issuer):
    record = extract_snippet(f"Căn cứ Kế hoạch số 15/KH-{issuer.code} ngày 02/3/2025.")
    # A Party body's number written in the State form is read in the Party form.
    found = reference(record, f"15-KH/{issuer.code}" if issuer.track == "party" else f"15/KH-{issuer.code}")
    if issuer.level != "context":
        assert found.level == issuer.level


@pytest.mark.parametrize(
    "text",
    [
        "Ngày 22/12/2024 và ngày 13/3/2026 tổ chức hội nghị",
        "Áp dụng hệ thống quản lý chất lượng ISO 9001:2015 tại cơ quan",
        "tốc độ trên 1Gb/s đạt 95%",
        "Thu nhập bình quân 120 triệu đồng/người/năm",
        "tăng bình quân 10%/năm giai đoạn 2026-2030",
        "như mục 2.1.3. và Phụ lục II kèm theo",
        "Kỳ họp thứ 5 HĐND phường khóa I",
        "diện tích 3.600 m2/người",
        "Số: /KH-UBND",
        "Tờ trình số …../TTr-STP của Sở Tư pháp",
        "Kế hoạch số   /KH-UBND ngày   tháng 01 năm 2026",
    ],
)
def test_things_that_look_like_references_are_not(text):
    assert symbols(extract_snippet(text)) == []


def test_dates_in_words_and_across_line_breaks():
    record = extract_snippet("Thực hiện Nghị quyết số 68-NQ/TW ngày 04 tháng\n5 năm 2025 của Bộ Chính trị; Chỉ thị số 05-CT/TW ngày 15 tháng 5 năm 2016.")
    assert reference(record, "68-NQ/TW").date == "2025-05-04"
    assert reference(record, "05-CT/TW").date == "2016-05-15"


def test_issuer_after_cua_and_subject_after_ve():
    record = extract_snippet("Thực hiện Kế hoạch số 30/KH-UBND ngày 02/01/2026 của UBND tỉnh về phát triển kinh tế số; tiếp tục.")
    found = reference(record, "30/KH-UBND")
    assert found.issuer == "UBND tỉnh Thái Nguyên"
    assert found.subject == "về phát triển kinh tế số"
    assert found.level == "province"


@pytest.mark.parametrize(
    ("written", "symbol"),
    [("Thực hiện hiệu quả Đề án 06/CP", "06/QĐ-TTg"), ("Triển khai Đề án 06 của Chính phủ", "06/QĐ-TTg"), ("theo Nghị quyết 57 của Bộ Chính trị", "57-NQ/TW")],
)
def test_colloquial_names_resolve_through_the_catalogue(written, symbol):
    found = reference(extract_snippet(written + "."), symbol)
    assert "catalogue" in found.resolved_by
    assert found.level == "central"


def test_short_names_defined_in_the_document():
    record = extract_snippet(
        "Thực hiện Kế hoạch số 155/KH-UBND ngày 23/6/2025 của UBND tỉnh về chuyển đổi số (sau đây gọi là Kế hoạch 155). "
        "Các phòng, ban triển khai Kế hoạch 155 đúng tiến độ.\n"
        "Thực hiện Chỉ thị số 12/CT-TTg ngày 3/5/2025 của Thủ tướng Chính phủ (Chỉ thị 12/CT-TTg)."
    )
    assert [mention.text for mention in reference(record, "155/KH-UBND").mentions] == ["155/KH-UBND", "Kế hoạch 155", "Kế hoạch 155"]
    assert len(reference(record, "12/CT-TTg").mentions) == 2


def test_repeated_mentions_are_one_reference_with_every_span():
    text = "Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024. Quán triệt Nghị quyết số 57-NQ/TW. Triển khai Nghị quyết 57- NQ/TW."
    record = extract_text(normalize(text))
    found = reference(record, "57-NQ/TW")
    assert [mention.text for mention in found.mentions] == ["57-NQ/TW", "57-NQ/TW", "57- NQ/TW"]
    for mention in found.mentions:
        assert text[mention.start : mention.end] == mention.text


def test_mention_offsets_point_into_the_original_even_when_it_is_decomposed():
    text = unicodedata.normalize("NFD", "Thực hiện **Nghị quyết** số 66\u2013NQ/TW ngày 30/4/2025 của Bộ Chính trị.")
    record = extract_text(normalize(text))
    (mention,) = reference(record, "66-NQ/TW").mentions
    assert text[mention.start : mention.end] == "66\u2013NQ/TW"


@pytest.mark.parametrize(
    "name",
    [
        "Luật Ngân sách",
        "Nghị quyết Đại hội đại biểu Đảng bộ phường lần thứ I",
        "Chương trình mục tiêu quốc gia giảm nghèo bền vững",
        "Kế hoạch hành động của Ban Thường vụ Tỉnh ủy thực hiện Nghị quyết số 57-NQ/TW",
    ],
)
def test_unnumbered_references_keep_their_name(name):
    record = extract_snippet(f"Triển khai {name}, bảo đảm tiến độ.")
    found = reference(record, name)
    assert found.symbol is None


def test_identity_is_symbol_issuer_and_year():
    hai_phong = extract_snippet("Thực hiện Kế hoạch số 05/KH-UBND ngày 07/01/2026 của Ủy ban nhân dân thành phố Hải Phòng.", ward="Tân Hưng", province="Hải Phòng")
    thai_nguyen = extract_snippet("Thực hiện Kế hoạch số 05/KH-UBND ngày 07/01/2026 của UBND tỉnh.")
    other_year = extract_snippet("Thực hiện Kế hoạch số 05/KH-UBND ngày 09/01/2023 của UBND tỉnh.")
    ids = {reference(record, "05/KH-UBND").id for record in (hai_phong, thai_nguyen, other_year)}
    assert len(ids) == 3
    mixed = extract_snippet("Căn cứ Nghị quyết số 71/NQ-CP ngày 01/4/2025; Nghị quyết số 71-NQ/TW ngày 22/8/2025; Nghị quyết số 18/NQ-HĐND của HĐND phường; Nghị quyết số 18-NQ/TW.")
    assert len({item.id for item in mixed.references}) == 4
    assert reference(mixed, "18/NQ-HĐND").level == "commune"
    assert reference(mixed, "18-NQ/TW").level == "central"


def test_issuer_from_the_plans_context():
    hai_phong = extract_snippet("Thực hiện Kế hoạch số 272/KH-UBND ngày 13/10/2025 của Ủy ban nhân dân thành phố; Nghị quyết số 13-NQ/ĐU của Đảng ủy phường.", ward="Tân Hưng", province="Hải Phòng")
    assert reference(hai_phong, "272/KH-UBND").issuer == "UBND thành phố Hải Phòng"
    assert reference(hai_phong, "13-NQ/ĐU").issuer == "Đảng ủy phường Tân Hưng"


def test_what_cannot_be_resolved_stays_unknown():
    record = extract_snippet("Thực hiện Kế hoạch số 42/KH-UBND; Chương trình số 42-CTr/TU.")
    for label in ("42/KH-UBND", "42-CTr/TU"):
        found = reference(record, label)
        assert found.year is None and found.date is None
    assert reference(record, "42/KH-UBND").issuer is None


def test_year_from_the_catalogue_only_when_the_date_agrees():
    record = extract_snippet("Căn cứ Nghị quyết số 18-NQ/TW ngày 16/6/2022 của Ban Chấp hành Trung ương về đất đai; Nghị quyết số 57-NQ/TW.")
    assert reference(record, "18-NQ/TW").year == 2022
    assert "catalogue" not in reference(record, "18-NQ/TW").resolved_by
    assert reference(record, "57-NQ/TW").year == 2024


def test_the_plans_own_number_is_not_a_reference():
    record = extract_snippet("Kế hoạch số 12/KH-UBND này thay thế Kế hoạch số 3/KH-UBND.")
    assert record.document.symbol == "12/KH-UBND"
    assert symbols(record) == ["3/KH-UBND"]


def test_the_plans_own_number_issued_by_the_province_is_another_document():
    # The ward's plan is 12/KH-UBND; the province's yearly plan is numbered 12/KH-UBND too.
    record = extract_snippet("Thực hiện Kế hoạch số 12/KH-UBND ngày 05/01/2026 của UBND tỉnh về phát triển kinh tế - xã hội năm 2026.")
    assert record.document.symbol == "12/KH-UBND"
    assert reference(record, "12/KH-UBND").level == "province"


def test_an_official_letter_is_read_by_its_number_and_issuer():
    record = extract_snippet("Thực hiện Công văn số 5511/BKHCN-CĐSQG ngày 10/10/2025 của Bộ Khoa học và Công nghệ; theo văn bản chỉ đạo số 2731/UBND-NN ngày 20/5/2014.")
    assert {"5511/BKHCN-CĐSQG", "2731/UBND-NN"} <= set(symbols(record))
    assert reference(record, "5511/BKHCN-CĐSQG").type == "Công văn"


def test_a_form_number_is_not_a_letter():
    record = extract_snippet("Các tổ bầu cử lập biên bản theo Mẫu số 02/BCĐBHĐND-MT và gửi về Ủy ban.")
    assert not [symbol for symbol in symbols(record) if "BCĐBHĐND" in symbol]


def test_a_year_dropped_from_a_symbol_is_restored_from_the_same_document():
    record = extract_snippet("Thực hiện Quyết định 25/QĐ-TTg ngày 22/7/2021 của Thủ tướng Chính phủ; Thông tư hướng dẫn thi hành Quyết định số 25/2021/QĐ-TTg.")
    assert "25/QĐ-TTg" not in symbols(record)
    assert [mention.text for mention in reference(record, "25/2021/QĐ-TTg").mentions] == ["25/QĐ-TTg", "25/2021/QĐ-TTg"]


def test_the_same_number_in_another_year_stays_another_document():
    record = extract_snippet("Thực hiện Quyết định 25/QĐ-TTg ngày 10/1/2023 của Thủ tướng Chính phủ; Quyết định số 25/2021/QĐ-TTg.")
    assert {"25/QĐ-TTg", "25/2021/QĐ-TTg"} <= set(symbols(record))


def test_a_document_named_in_a_steering_committee_s_name_is_not_cited():
    record = extract_snippet(
        "Thực hiện Kế hoạch số 01-KH/BCĐ ngày 28/06/2025 của Ban Chỉ đạo phát triển khoa học, công nghệ, đổi mới sáng tạo, "
        "chuyển đổi số và Đề án 06 về triển khai thực hiện Kế hoạch số 02-KH/BCĐTW ngày 19/6/2025 của Ban Chỉ đạo Trung ương. "
        "Các phòng tiếp tục triển khai Đề án 06 của Chính phủ."
    )
    assert len(reference(record, "06/QĐ-TTg").mentions) == 1  # the citation in the last sentence only
    assert ("01-KH/BCĐ", "implements", "02-KH/BCĐTW") in {(relation.subject, relation.predicate, relation.object) for relation in record.relations}


def test_symbols_of_a_pdf_copy_that_lost_its_dashes():
    record = extract_snippet("Căn cứ Nghị quyết số 30c/NQCP ngày 08 tháng 11 năm 2011 của Chính phủ; Nghị định số 61/2018/NĐCP ngày 23 tháng 4 năm 2018; Thông tư số 01/2018/TTVPCP ngày 23 tháng 11 năm 2018.")
    assert {"30c/NQ-CP", "61/2018/NĐ-CP", "01/2018/TT-VPCP"} <= set(symbols(record))
    assert symbols(extract_snippet("Thực hiện Kế hoạch số 12/KHCN của đơn vị.")) == []  # no issuer code follows the type code


@pytest.mark.parametrize(
    ("written", "symbol"),
    [
        ("Luật Tổ chức chính quyền địa phương số 72/2025/QH ngày 16 tháng 6 năm 2025", "72/2025/QH15"),  # the term of the National Assembly left out
        ("Nghị quyết số 66.2/2025/NQ-CP ngày 28 tháng 8 năm 2025", "66.2/2025/NQ-CP"),
        ("Nghị quyết liên tịch số 102/2025/NQLT/UBTVQH15-CP- ĐCTUBTWMTTQVN ngày 26 tháng 9 năm 2025", "102/2025/NQLT-UBTVQH15-CP-ĐCTUBTWMTTQVN"),
        ("Công văn số 15000-CV/VPTW ngày 14 tháng 10 năm 2025 của Văn phòng Trung ương Đảng", "15000-CV/VPTW"),
        ("Nghị quyết số 27/NQ- TW ngày 09/11/2022 của Ban Chấp hành Trung ương", "27-NQ/TW"),  # a Party body's number in the State form
    ],
)
def test_symbols_written_loosely_are_read_in_their_official_form(written, symbol):
    assert symbol in symbols(extract_snippet("Căn cứ " + written + "."))
