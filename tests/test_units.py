"""Administrative units from the gazetteer, and the level and units a document is read at."""

from __future__ import annotations

from vnlineage.corpus.metadata import read_plan_facts
from vnlineage.corpus.layout import lay_out
from vnlineage.corpus.structure import parse_structure
from vnlineage.corpus.text import normalize
from vnlineage.corpus.units import gazetteer, units_in


def facts_of(source: str):
    return read_plan_facts(parse_structure(lay_out(normalize(source)).text))


def test_both_eras_with_official_codes():
    assert gazetteer().province("Hà Nội").code == "01"
    assert gazetteer().province("Hải Dương", before_reform=True).era == "legacy"
    # Merged into Hải Phòng in 2025; documents after the reform still name it ("tỉnh Hải Dương (cũ)").
    assert gazetteer().province("Hải Dương", before_reform=False).era == "legacy"
    assert gazetteer().province("Hải Phòng", before_reform=False).era == "2025"
    tich_luong = gazetteer().commune("phường", "Tích Lương", "Thái Nguyên")
    assert (tich_luong.code, tich_luong.province.name) == ("05500", "Thái Nguyên")


def test_names_that_repeat_are_told_apart_by_the_province():
    everywhere = gazetteer().find_communes("xã", "Tân Hưng", before_reform=False)
    assert len({commune.province.name for commune in everywhere}) > 1
    assert gazetteer().commune("xã", "Tân Hưng", before_reform=False) is None
    assert gazetteer().commune("xã", "Tân Hưng", "Cà Mau", before_reform=False).province.name == "Cà Mau"


def test_a_pre_reform_commune_maps_to_its_successor():
    legacy = gazetteer().find_communes("phường", "Phúc Xá", "Hà Nội", before_reform=True)[0]
    assert legacy.era == "legacy" and legacy.district
    assert gazetteer().successor(legacy).era == "2025"


def test_the_motto_and_offices_are_not_units():
    assert units_in("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == []
    assert [unit.level for unit in units_in("Sở Tài chính; UBND các xã, phường")] == []
    assert [(unit.level, unit.name) for unit in units_in("ĐẢNG BỘ TỈNH THÁI NGUYÊN ĐẢNG ỦY PHƯỜNG PHAN ĐÌNH PHÙNG")] == [("province", "Thái Nguyên"), ("commune", "Phan Đình Phùng")]


def test_a_provincial_plan_is_read_at_province_level():
    facts = facts_of("ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH ĐỒNG THÁP\tĐộc lập - Tự do - Hạnh phúc\nSố: 617/KH-UBND\tĐồng Tháp, ngày 01 tháng 12 năm 2025\n\nKẾ HOẠCH\nChuyển đổi số cho các doanh nghiệp\n")
    assert (facts.level, facts.province, facts.commune, facts.issuer, facts.province_code) == ("province", "Đồng Tháp", None, "UBND tỉnh Đồng Tháp", "82")


def test_a_commune_body_other_than_the_people_s_committee():
    facts = facts_of("ỦY BAN MTTQ VIỆT NAM\nXÃ LƯƠNG MINH\nBAN THƯỜNG TRỰC\nSố: 16/KH-MTTQ-BTT\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nLương Minh, ngày 18 tháng 11 năm 2025\nKẾ HOẠCH\nThực hiện công tác bầu cử\n")
    assert (facts.level, facts.commune, facts.province, facts.unit_era) == ("commune", "Lương Minh", "Quảng Ninh", "2025")
    assert facts.commune_code == gazetteer().commune("xã", "Lương Minh").code


def test_a_central_document():
    facts = facts_of("THỦ TƯỚNG CHÍNH PHỦ\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 2597/QĐ-TTg\tHà Nội, ngày 27 tháng 11 năm 2025\nQUYẾT ĐỊNH\nPhê duyệt Đề án\n")
    assert (facts.level, facts.province, facts.commune) == ("central", None, None)


def test_a_fragment_without_a_header_invents_nothing():
    facts = facts_of("Các phòng, ban chuyên môn tổ chức thực hiện các nhiệm vụ được giao, báo cáo kết quả về Văn phòng.\n")
    assert (facts.symbol, facts.date, facts.level, facts.province, facts.commune) == (None, None, None, None, None)


def test_names_with_an_apostrophe():
    assert [(unit.level, unit.name) for unit in units_in("ỦY BAN NHÂN DÂN XÃ CƯ M'GAR")] == [("commune", "Cư M'gar")]
    assert [unit.name for unit in units_in("UBND phường B’Lao, tỉnh Lâm Đồng")] == ["B'Lao", "Lâm Đồng"]


def test_a_unit_named_nowhere_still_has_the_level_of_the_body_that_enacts():
    # A copy that starts at the type line: the preamble's enacting body gives the level, and no name is invented.
    facts = facts_of("CHƯƠNG TRÌNH\nTriển khai thực hiện Kế hoạch số 164-KH/TU ngày 24/8/2022 của Ban Thường vụ Tỉnh ủy\nCăn cứ Kế hoạch số 164-KH/TU ngày 24 tháng 8 năm 2022 của Ban Thường vụ Tỉnh ủy, Ủy ban nhân dân tỉnh ban hành Chương trình như sau:\nI. MỤC ĐÍCH\n")
    assert (facts.level, facts.province, facts.commune) == ("province", None, None)
    # A commune the gazetteer does not hold (abolished before its data begins) is not emitted, its level is.
    facts = facts_of("ỦY BAN NHÂN DÂN XÃ PHÚ MẬU\nKẾ HOẠCH\nPhòng chống thiên tai năm 2014\nCăn cứ Luật Phòng, chống thiên tai; Ủy ban nhân dân xã xây dựng Kế hoạch như sau:\nA. Mục đích yêu cầu\n")
    assert (facts.level, facts.commune) == ("commune", None)


def test_a_copy_without_its_type_line_takes_the_type_from_its_number():
    facts = facts_of("ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\nSố: 983/KH-UBND | Tây Ninh, ngày 15 tháng 5 năm 2019 |\nThực hiện Quyết định số 471/QĐ-TTg ngày 26/4/2019 của Thủ tướng Chính phủ, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:\n1. Mục đích\n")
    assert (facts.doc_type, facts.symbol, facts.province) == ("Kế hoạch", "983/KH-UBND", "Tây Ninh")


def test_a_city_with_urban_districts_is_a_province_before_the_reform():
    fragment = "Thực hiện Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ, Ủy ban nhân dân thành phố ban hành Kế hoạch triển khai như sau:\n1. Ủy ban nhân dân quận, huyện, xã, phường thực hiện đúng tiến độ.\n"
    assert facts_of(fragment).level == "province"
    assert facts_of(fragment.replace("Ủy ban nhân dân quận, huyện, ", "")).level is None  # a city that may sit below a province
