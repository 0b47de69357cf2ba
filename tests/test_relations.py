"""Lineage relations: the plan about itself, and the cascade stated between cited documents."""

from __future__ import annotations

import pytest

from extraction_helpers import extract_snippet, pairs


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Triển khai hiệu quả Kế hoạch số 155/KH-UBND ngày 23/6/2025 của UBND tỉnh thực hiện Nghị quyết số 71/NQ-CP ngày 01/4/2025 của Chính phủ.",
            {("155/KH-UBND", "implements", "71/NQ-CP")},
        ),
        (
            "Bám sát Kết luận số 91-KL/TW ngày 12/8/2024 của Bộ Chính trị về tiếp tục thực hiện Nghị quyết số 29-NQ/TW ngày 04/11/2013.",
            {("91-KL/TW", "continues", "29-NQ/TW")},
        ),
        (
            "Thực hiện Nghị quyết số 140/NQ-CP ngày 17/5/2025 của Chính phủ ban hành Chương trình hành động của Chính phủ thực hiện Nghị quyết số 66-NQ/TW.",
            {("140/NQ-CP", "implements", "66-NQ/TW")},
        ),
        (
            "Triển khai Chương trình hành động số 06-CTr/TU ngày 24/9/2025 của Ban Thường vụ Thành ủy và Kế hoạch số 272/KH-UBND ngày 13/10/2025 của Ủy ban nhân dân thành phố thực hiện Nghị quyết số 66-NQ/TW ngày 30/4/2025.",
            {("06-CTr/TU", "implements", "66-NQ/TW"), ("272/KH-UBND", "implements", "66-NQ/TW")},
        ),
        (
            "Thực hiện Nghị quyết số 24/NQ-CP ngày 03/3/2018 của Chính phủ về sửa đổi, bổ sung Chương trình hành động của Chính phủ thực hiện Nghị quyết số 19-NQ/TW.",
            # The programme is named, not numbered; the catalogue knows it is 08/NQ-CP.
            # The programme named in 24/NQ-CP's subject is part of its title, not a citation of 08/NQ-CP:
            # that 24/NQ-CP amends 08/NQ-CP is the catalogue's knowledge, not the plan's words.
            {("24/NQ-CP", "implements", "19-NQ/TW")},
        ),
        (
            "Kế hoạch số 47-KH/ĐU ngày 25/02/2026 của Đảng ủy phường về thực hiện Chương trình hành động số 15-CTr/TU ngày 12/02/2026 của Ban Thường vụ Thành ủy.",
            {("47-KH/ĐU", "implements", "15-CTr/TU")},
        ),
        (
            "Quyết định số 20/QĐ-UBND ngày 2/1/2026 của UBND tỉnh về việc sửa đổi, bổ sung Kế hoạch số 10/KH-UBND ngày 5/1/2025 của UBND tỉnh.",
            {("20/QĐ-UBND", "amends", "10/KH-UBND")},
        ),
    ],
)
def test_relations_between_cited_documents(sentence, expected):
    found = {pair for pair in pairs(extract_snippet(sentence, header=False)) if pair[0] != "self"}
    assert found == expected


def test_objects_joined_by_va_are_not_subjects_of_the_next_cue():
    sentence = (
        "Triển khai hiệu quả Kế hoạch số 155/KH-UBND ngày 23/6/2025 của UBND tỉnh thực hiện Nghị quyết số 71/NQ-CP ngày 01/4/2025 của Chính phủ "
        "và Kế hoạch hành động của Ban Thường vụ Tỉnh ủy thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị."
    )
    record = extract_snippet(sentence, header=False)
    assert ("71/NQ-CP", "implements", "57-NQ/TW") not in pairs(record)
    named = {(relation.subject, relation.predicate, relation.object) for relation in record.named_relations}
    assert ("Kế hoạch hành động của Ban Thường vụ Tỉnh ủy thực hiện Nghị quyết số 57-NQ/TW", "implements", "57-NQ/TW") in named


def test_preamble_items_are_what_the_plan_implements_or_rests_on():
    body = (
        "Căn cứ Nghị quyết số 21/NQ-HĐND ngày 22/12/2025 của HĐND phường; Thực hiện Kế hoạch số 05/KH-UBND ngày 07/01/2026 của UBND tỉnh "
        "về phát triển kinh tế - xã hội (Kế hoạch số 05/KH-UBND); Nghị quyết số 13-NQ/ĐU ngày 09/01/2026 của Đảng ủy phường về thực hiện Nghị quyết số 57-NQ/TW.\n"
        "Ủy ban nhân dân phường xây dựng Kế hoạch như sau:"
    )
    found = pairs(extract_snippet(body))
    assert ("self", "based_on", "21/NQ-HĐND") in found
    assert ("self", "implements", "05/KH-UBND") in found
    assert ("self", "implements", "13-NQ/ĐU") in found
    assert ("13-NQ/ĐU", "implements", "57-NQ/TW") in found
    assert ("self", "implements", "57-NQ/TW") not in found


def test_title_and_issuing_decision():
    text = (
        "KẾ HOẠCH\nTriển khai thực hiện Nghị quyết số 09-NQ/TU ngày 2/3/2025 của Ban Thường vụ Tỉnh ủy\n\n"
        "(Kèm theo Quyết định số 77/QĐ-UBND ngày 13/3/2025 của UBND xã Yên Lạc)\n\nI. MỤC ĐÍCH\n1. Nội dung tỉnh Phú Thọ.\n"
    )
    from vnlineage.corpus.extract import extract_text
    from vnlineage.corpus.text import normalize

    found = pairs(extract_text(normalize(text)))
    assert ("self", "implements", "09-NQ/TU") in found
    assert ("self", "issued_with", "77/QĐ-UBND") in found


def test_the_plan_replacing_an_earlier_one():
    found = pairs(extract_snippet("Kế hoạch này thay thế Kế hoạch số 21-KH/TU ngày 10/2/2024 của Ban Thường vụ Tỉnh ủy.", header=False))
    assert ("self", "replaces", "21-KH/TU") in found


def test_other_mentions_are_citations_with_evidence():
    record = extract_snippet("Quán triệt Luật Ngân sách và Nghị quyết số 57-NQ/TW trong năm.", header=False)
    (relation,) = [relation for relation in record.relations if relation.object == "57-NQ/TW"]
    assert relation.predicate == "cites"
    assert relation.method == "explicit" and relation.confidence == 1.0
    assert "57-NQ/TW" in relation.evidence.sentence


def test_a_symbol_broken_across_lines_stays_in_its_sentence():
    sentence = ("Triển khai Chương trình hành động số 14-\nCTr/TU ngày 18/12/2025 của Ban Thường vụ Tỉnh ủy và Kế hoạch số 88/KH-UBND "
                "ngày 15/11/2025 của UBND tỉnh thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị.")
    found = {pair for pair in pairs(extract_snippet(sentence, header=False)) if pair[0] != "self"}
    assert found == {("14-CTr/TU", "implements", "57-NQ/TW"), ("88/KH-UBND", "implements", "57-NQ/TW")}


@pytest.mark.parametrize(
    ("preamble", "expected"),
    [
        (   # one cue governs every entry of its list, across clauses
            "Triển khai thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học; "
            "Nghị quyết số 03/NQ-CP ngày 09/01/2025 của Chính phủ; Quyết định số 1132/QĐ-TTg ngày 09/10/2024 của Thủ tướng Chính phủ.",
            {("self", "implements", "57-NQ/TW"), ("self", "implements", "03/NQ-CP"), ("self", "implements", "1132/QĐ-TTg")},
        ),
        (   # entries joined by commas and "và" after their own subjects; a document an entry implements is not an entry
            "Thực hiện Nghị quyết số 163/2024/QH15 ngày 27/11/2024 của Quốc hội phê duyệt chủ trương đầu tư Chương trình, "
            "Nghị quyết số 50/NQ-CP ngày 13/3/2025 của Chính phủ về ban hành Kế hoạch triển khai Nghị quyết số 12/2023/QH15 (Nghị quyết số 50/NQ-CP) "
            "và Quyết định số 7619/QĐ-BCA ngày 08/9/2025 của Bộ trưởng Bộ Công an.",
            {("self", "implements", "163/2024/QH15"), ("self", "implements", "50/NQ-CP"), ("self", "implements", "7619/QĐ-BCA"), ("50/NQ-CP", "implements", "12/2023/QH15")},
        ),
        (   # a law's name and its number are one entry; an amendment "được sửa đổi, bổ sung bởi" is part of the basis and amends it
            "Căn cứ Luật Bầu cử đại biểu Quốc hội và đại biểu Hội đồng nhân dân số 85/2015/QH13 được sửa đổi, bổ sung bởi Luật số 83/2025/QH15;",
            {("self", "based_on", "85/2015/QH13"), ("self", "based_on", "83/2025/QH15"), ("83/2025/QH15", "amends", "85/2015/QH13")},
        ),
        (   # "A về thực hiện B và C": A implements both
            "Thực hiện Kế hoạch số 283/KH-UBND ngày 24/9/2025 của Uỷ ban nhân dân tỉnh về thực hiện Nghị quyết số 71/NQ-CP ngày 01/4/2025 "
            "của Chính phủ và Chương trình hành động số 10-CTr/TU ngày 05/6/2025 của Tỉnh ủy.",
            {("self", "implements", "283/KH-UBND"), ("283/KH-UBND", "implements", "71/NQ-CP"), ("283/KH-UBND", "implements", "10-CTr/TU")},
        ),
    ],
)
def test_preamble_lists(preamble, expected):
    found = pairs(extract_snippet(preamble))
    assert expected <= found
    numbered = {pair for pair in found if pair[0] == "self" and pair[1] != "cites" and pair[2][:1].isdigit()}
    assert not numbered - expected


def test_a_preamble_list_carries_over_to_the_next_paragraph():
    found = pairs(extract_snippet(
        "Thực hiện Chỉ thị số 27/CT-TTg ngày 15/8/2024 của Thủ tướng Chính phủ về công tác dân số;\n"
        "Hướng dẫn số 7886/HD-BNV ngày 14/9/2025 của Bộ Nội vụ về việc triển khai thực hiện Chỉ thị số 27/CT-TTg.\n"
        "Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:"
    ))
    assert {("self", "implements", "27/CT-TTg"), ("self", "implements", "7886/HD-BNV")} <= found


def test_a_list_announced_at_the_end_of_a_line():
    found = pairs(extract_snippet(
        "Hội đồng nhân dân xã căn cứ:\n- Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;\n"
        "- Nghị quyết liên tịch số 72/2025/NQLT/UBTVQH15-CP-ĐCTUBTWMTTQVN ngày 20/02/2025 của Ủy ban Thường vụ Quốc hội;\n"
        "- Nghị quyết số 50/NQ-CP ngày 13/3/2025 của Chính phủ về Kế hoạch thực hiện Nghị quyết số 163/2024/QH-15 của Quốc hội;\n"
    ))
    assert {("self", "based_on", "72/2025/NQLT-UBTVQH15-CP-ĐCTUBTWMTTQVN"), ("self", "based_on", "50/NQ-CP"), ("50/NQ-CP", "implements", "163/2024/QH15")} <= found


def test_every_entry_of_a_basis_section_is_the_plan_s_basis():
    record = extract_snippet(
        "I. CĂN CỨ XÂY DỰNG KẾ HOẠCH\n"
        "1. Quyết định số 924/QĐ-TTg ngày 22 tháng 8 năm 2022 của Thủ tướng Chính phủ phê duyệt Chương trình chuyển đổi số;\n"
        "2. Thông tư 05/2022/TT-BNNPTNT ngày 25 tháng 7 năm 2022 của Bộ Nông nghiệp và Phát triển nông thôn.\n"
        "3. Kế hoạch số 59/KH-UBND ngày 25/4/2022 của UBND tỉnh về thực hiện Nghị quyết số 05-NQ/TU ngày 20/9/2021 của Ban Thường vụ Tỉnh ủy.\n"
        "II. MỤC ĐÍCH, YÊU CẦU\n1. Triển khai Quyết định số 411/QĐ-TTg ngày 31/3/2022 của Thủ tướng Chính phủ.\n",
        header=True,
    )
    found = pairs(record)
    assert {("self", "based_on", symbol) for symbol in ("924/QĐ-TTg", "05/2022/TT-BNNPTNT", "59/KH-UBND")} <= found
    assert ("59/KH-UBND", "implements", "05-NQ/TU") in found
    assert ("self", "based_on", "05-NQ/TU") not in found  # the object of entry 3, not an entry
    assert ("self", "based_on", "411/QĐ-TTg") not in found  # a later section


def test_implementation_never_runs_up_the_hierarchy():
    record = extract_snippet(
        "Thực hiện Luật Hộ tịch năm 2014, Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ quy định chi tiết và hướng dẫn thi hành "
        "một số điều của Luật Hộ tịch và Quyết định số 101/QĐ-TTg ngày 23/01/2017 của Thủ tướng Chính phủ; UBND phường ban hành Kế hoạch."
        "\nQuyết định số 1899/QĐ-TTg ngày 04/9/2025 của Thủ tướng Chính phủ ban hành Kế hoạch triển khai thi hành Nghị định số 200/2025/NĐ-CP ngày 09/7/2025 của Chính phủ."
    )
    found = pairs(record)
    assert ("123/2015/NĐ-CP", "implements", "101/QĐ-TTg") not in found  # a decree implements no decision of the Prime Minister
    assert ("self", "implements", "101/QĐ-TTg") in found  # so the decision is another entry of the plan's list
    assert ("1899/QĐ-TTg", "implements", "200/2025/NĐ-CP") in found


def test_coupled_tasks_and_proposals_implement_nothing():
    record = extract_snippet(
        "Tiếp tục nâng cao hiệu quả việc thực hiện Kết luận số 21-KL/TW về xây dựng, chỉnh đốn Đảng gắn với thực hiện Chỉ thị số 05-CT/TW về học tập và làm theo tư tưởng Hồ Chí Minh.\n"
        "Theo đề nghị của Bộ trưởng Bộ Khoa học và Công nghệ tại Tờ trình số 04/TTr-BKHCN ngày 02 tháng 01 năm 2025 về Chương trình hành động thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị."
    )
    found = pairs(record)
    assert ("21-KL/TW", "implements", "05-CT/TW") not in found
    assert ("04/TTr-BKHCN", "implements", "57-NQ/TW") not in found

