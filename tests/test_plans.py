"""Document metadata, tasks and indicators of the bundled plans and of hand-written
documents in the other shapes real plans come in (official headers, Government
resolutions, website copies, Party documents)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import plan_path
from vnlineage.corpus.extract import extract_file
from vnlineage.corpus.indicators import parse_number, parse_target
from extraction_helpers import pairs, reference

DOCUMENTS = Path(__file__).resolve().parent / "documents"


@pytest.fixture(scope="module")
def plans():
    return {fragment: extract_file(plan_path(fragment)) for fragment in ("tich-luong", "tan-hung", "phan-dinh-phung", "nam-hong-linh", "an-duong")}


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("tich-luong", {"symbol": "04/KH-UBND", "date": "2026-01-05", "commune": "Tích Lương", "province": "Thái Nguyên", "signer": "Hoàng Thị Minh Thu", "period": [2026, 2026], "level": "commune"}),
        ("tan-hung", {"symbol": None, "date": None, "month": "2026-01", "commune": "Tân Hưng", "province": "Hải Phòng", "signer": "Vũ Công Thảo", "level": "commune"}),
        ("phan-dinh-phung", {"symbol": None, "date": "2026-03-13", "commune": "Phan Đình Phùng", "province": "Thái Nguyên", "signer": None, "issued_with": "477/QĐ-UBND"}),
        ("nam-hong-linh", {"symbol": None, "date": None, "month": "2026-02", "commune": "Nam Hồng Lĩnh", "province": "Hà Tĩnh", "signer": "Tôn Quang Ngọc"}),
        ("an-duong", {"symbol": "86/KH-UBND", "date": "2026-03-15", "commune": "An Dương", "province": "Hải Phòng", "signer": "Bùi Tiến Phong", "period": [2026, 2030]}),
    ],
)
def test_plan_metadata(plans, fragment, expected):
    document = plans[fragment].document
    for field, value in expected.items():
        assert getattr(document, field) == value, field


def test_issuer_of_a_ward_plan_names_the_ward(plans):
    assert plans["tich-luong"].document.issuer == "UBND phường Tích Lương"
    assert plans["phan-dinh-phung"].document.issuer == "UBND phường Phan Đình Phùng"


@pytest.mark.parametrize(
    ("fragment", "policy", "section_suffix"),
    [
        ("tich-luong", "57-NQ/TW", "2.2.6"),
        ("tich-luong", "18-NQ/TW", "2.2.6"),
        ("tan-hung", "66-NQ/TW", "III.2.2.c"),
        ("tan-hung", "06/QĐ-TTg", "III.2.2.d"),
        ("tan-hung", "71-NQ/TW", "III.2.2.b"),
        ("nam-hong-linh", "57-NQ/TW", "III.6"),
        ("nam-hong-linh", "112/2024/NĐ-CP", "III.2"),
    ],
)
def test_tasks_that_implement_a_policy(plans, fragment, policy, section_suffix):
    sections = {task.section for task in plans[fragment].tasks if policy in task.implements}
    assert any(section.endswith(section_suffix) for section in sections), sections


def test_an_duong_appendix_tasks(plans):
    table_tasks = [task for task in plans["an-duong"].tasks if task.section.startswith("PHỤ LỤC II")]
    assert len(table_tasks) == 44
    by_number = {task.number: task for task in table_tasks}
    assert by_number["33"].lead == ["Công an phường"]
    assert by_number["33"].implements == ["06/QĐ-TTg"]
    assert by_number["4"].lead == ["Phòng Kinh tế, Hạ tầng và Đô thị"]
    assert by_number["4"].partners == ["Chi cục Thuế"]
    assert by_number["24"].partners == ["Phòng Văn hóa - Xã hội", "Ban Quản lý dự án phường"]
    assert by_number["24"].period == "2026 - 2030"
    assert by_number["24"].output == "Báo cáo tiến độ"
    assert by_number["24"].supervisor == "Chủ tịch UBND phường"


def test_lead_office_from_a_section_heading_that_names_it(plans):
    leads = {tuple(task.lead) for task in plans["an-duong"].tasks if task.section.startswith("III.5")}
    assert leads == {("Công an phường",)}


def test_office_names_are_canonical_within_a_ward(plans):
    offices = plans["an-duong"].offices
    assert "Phòng Văn hóa - Xã hội" in offices
    assert not any(name in offices for name in ("Phòng VH- XH", "Phòng Văn hóa - xã hội", "BQL Dự án phường", "Ban CHQS phường"))


@pytest.mark.parametrize(("fragment", "low", "high"), [("tich-luong", 40, 44), ("tan-hung", 18, 22), ("phan-dinh-phung", 36, 36), ("nam-hong-linh", 22, 28), ("an-duong", 14, 40)])
def test_indicator_counts(plans, fragment, low, high):
    assert low <= len(plans[fragment].indicators) <= high


@pytest.mark.parametrize(
    ("fragment", "name", "target", "unit", "comparator"),
    [
        ("tich-luong", "phủ sóng 5G", 80, "%", None),
        ("tich-luong", "Thu nội địa", 425126, "triệu đồng", None),
        ("tich-luong", "cây xanh công cộng", 0.8, "ha", None),
        ("tich-luong", "thất nghiệp ở khu vực thành thị", 3, "%", "<"),
        ("tich-luong", "gia đình đạt chuẩn văn hóa", 97, "%", ">"),
        ("tan-hung", "Thu nhập bình quân đầu người", 84.9, "triệu đồng", None),
        ("tan-hung", "bảo hiểm y tế", 96, "%", None),
        ("tan-hung", "bảo hiểm xã hội", 55, "%", None),
        ("phan-dinh-phung", "Thu ngân sách nhà nước trên địa bàn", 869532, "triệu đồng", ">="),
        ("phan-dinh-phung", "Thu nhập bình quân đầu người", 120, "triệu đồng/người/năm", ">="),
        ("phan-dinh-phung", "lực lượng dân quân", 1.14, "%", None),
        ("phan-dinh-phung", "biện pháp tránh thai", 4330, "người", None),
        ("nam-hong-linh", "Thu ngân sách nhà nước trên địa bàn", 70.4, "tỷ đồng", ">"),
        ("nam-hong-linh", "Tốc độ tăng tổng giá trị sản phẩm", 10.8, "%", None),
        ("nam-hong-linh", "chữ ký số", 5, "%", None),
        ("an-duong", "bảo hiểm y tế", 97.5, "%", ">"),
        ("an-duong", "giải ngân vốn đầu tư công", 99.5, "%", ">="),
    ],
)
def test_indicator_targets(plans, fragment, name, target, unit, comparator):
    found = [indicator for indicator in plans[fragment].indicators if name.casefold() in indicator.name.casefold()]
    assert found, name
    indicator = found[0]
    assert indicator.target == pytest.approx(target)
    assert indicator.unit == unit
    if comparator:
        assert indicator.comparator == comparator


def test_indicator_lead_from_the_assignment_paragraph(plans):
    (indicator,) = [item for item in plans["phan-dinh-phung"].indicators if item.name == "Tỷ lệ hồ sơ giải quyết đúng hạn"]
    assert indicator.lead.startswith("Trung tâm Phục vụ hành chính công")


@pytest.mark.parametrize(("written", "value"), [("869.532", 869532), ("70,4", 70.4), ("1,57", 1.57), ("09", 9), ("4.330", 4330), ("-18,3", -18.3), ("0,8", 0.8)])
def test_vietnamese_numbers(written, value):
    assert parse_number(written) == pytest.approx(value)


@pytest.mark.parametrize(
    ("written", "target", "comparator", "unit"),
    [
        ("trên 90%", 90, ">", "%"),
        ("dưới 3%", 3, "<", "%"),
        ("tối thiểu 99,5%/năm", 99.5, ">=", "%"),
        ("từ 75% trở lên", 75, ">=", "%"),
        (">97", 97, ">", None),
        ("<3", 3, "<", None),
        ("\\geq 12%", 12, ">=", "%"),
        ("4.330 người", 4330, "=", "người"),
        ("14 - 15", 14, "range", None),
    ],
)
def test_targets_and_comparators(written, target, comparator, unit):
    parsed = parse_target(written)
    assert parsed["target"] == pytest.approx(target)
    assert parsed["comparator"] == comparator
    assert parsed["unit"] == unit


def test_a_dash_is_no_target():
    assert parse_target("-") is None


# --- documents in other shapes ---------------------------------------------------------

def test_provincial_plan_with_an_official_two_column_header():
    record = extract_file(DOCUMENTS / "lang-son_120-KH-UBND_2025.txt")
    document = record.document
    assert (document.symbol, document.date, document.level, document.province, document.commune) == ("120/KH-UBND", "2025-04-03", "province", "Lạng Sơn", None)
    assert document.issuer == "UBND tỉnh Lạng Sơn"
    assert document.signer == "Đoàn Thu Hà"
    found = pairs(record)
    assert {("self", "implements", "57-NQ/TW"), ("self", "based_on", "03/NQ-CP"), ("self", "based_on", "71/NQ-CP"), ("self", "implements", "15-CTr/TU")} <= found
    assert {("03/NQ-CP", "implements", "57-NQ/TW"), ("15-CTr/TU", "implements", "57-NQ/TW")} <= found
    # "71/NQ-CP … sửa đổi, bổ sung Chương trình hành động của Chính phủ …" names the programme in 71/NQ-CP's
    # own title; the amendment of 03/NQ-CP is the catalogue's knowledge, not a citation in the plan.
    assert ("71/NQ-CP", "amends", "03/NQ-CP") not in found
    assert ("self", "replaces", "21/KH-UBND") in found
    assert reference(record, "06/QĐ-TTg").mentions and len(reference(record, "06/QĐ-TTg").mentions) == 3
    assert not any(item.symbol and ("9001" in item.symbol or "Gb" in item.symbol) for item in record.references)


def test_government_resolution():
    record = extract_file(DOCUMENTS / "chinh-phu_03-NQ-CP_2025.txt")
    document = record.document
    assert (document.symbol, document.type, document.level, document.date, document.province) == ("03/NQ-CP", "Nghị quyết", "central", "2025-01-09", None)
    assert document.signer == "Phạm Minh Chính"
    assert ("self", "implements", "57-NQ/TW") in pairs(record)
    assert ("self", "based_on", "Luật Tổ chức Chính phủ") in pairs(record)
    assert [item.symbol for item in record.references if item.symbol] == ["57-NQ/TW"]


def test_website_copy_with_a_metadata_table():
    record = extract_file(DOCUMENTS / "website_272-KH-UBND_2025.md")
    document = record.document
    assert (document.symbol, document.date, document.province, document.level, document.signer) == ("272/KH-UBND", "2025-10-13", "Hải Phòng", "province", "Nguyễn Văn Tùng")
    assert {("self", "implements", "66-NQ/TW"), ("self", "implements", "140/NQ-CP"), ("140/NQ-CP", "implements", "66-NQ/TW")} <= pairs(record)
    assert len(reference(record, "06-CTr/TU").mentions) >= 3  # "Chương trình hành động 06" is its short name
    assert any(task.lead == ["Sở Tư pháp"] for task in record.tasks)


def test_party_document_with_written_variants():
    record = extract_file(DOCUMENTS / "yen-lac_xa_2025_variants.txt")
    document = record.document
    assert (document.symbol, document.level, document.commune, document.province) == ("45-NQ/ĐU", "commune", "Yên Lạc", "Phú Thọ")
    assert document.issuer == "Đảng ủy xã Yên Lạc"
    symbols = {item.symbol for item in record.references if item.symbol}
    assert symbols == {"12-CTr/TU", "68-NQ/TW", "91-KL/TW", "06/QĐ-TTg", "45-NQ/TW", "05-CT/TW", "30-KH/ĐU"}
    assert reference(record, "68-NQ/TW").date == "2025-05-04"
    assert reference(record, "12-CTr/TU").issuer == "Ban Thường vụ Tỉnh ủy Phú Thọ"
    assert ("self", "replaces", "30-KH/ĐU") in pairs(record)
