"""Normalization: what the extractor matches on, and the map back to the original."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vnlineage.corpus.text import ascii_key, fold_key, normalize


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        (unicodedata.normalize("NFD", "Nghị quyết"), "Nghị quyết"),
        ("\u00d0ảng ủy", "Đảng ủy"),
        ("kinh tế \u2013 xã hội \u2014 an ninh \u2212 quốc phòng", "kinh tế - xã hội - an ninh - quốc phòng"),
        ("Ủy\u00a0ban   nhân  dân", "Ủy ban nhân dân"),
        ("<i>Phòng Kinh tế</i>", "Phòng Kinh tế"),
        ("3.600 m<sup>2</sup>", "3.600 m2"),
        ("**TM. ỦY BAN NHÂN DÂN**", "TM. ỦY BAN NHÂN DÂN"),
        ("***Nơi nhận:***", "Nơi nhận:"),
        ("### Thực hiện nhiệm vụ", "Thực hiện nhiệm vụ"),
        ("phong trào “*Toàn dân đoàn kết*”", "phong trào “Toàn dân đoàn kết”"),
        ("công nghiệp-xây dựng \\geq 12%, dịch vụ \\leq 10%", "công nghiệp-xây dựng ≥ 12%, dịch vụ ≤ 10%"),
        ("A &amp; B", "A & B"),
        ("Đẩy mạnh các hoạt\n\nđộng khuyến nông", "Đẩy mạnh các hoạt động khuyến nông"),
        ("dòng một\r\ndòng hai", "dòng một\ndòng hai"),
        ("CHỦ TỊCH  \nHoàng Thị Minh Thu", "CHỦ TỊCH\nHoàng Thị Minh Thu"),
        ("STT\tChỉ tiêu\tNăm 2026\t", "STT\tChỉ tiêu\tNăm 2026\t"),
    ],
)
def test_normalized_form(original, expected):
    assert normalize(original).normalized == expected


@pytest.mark.parametrize(
    "original",
    [
        "kết thúc câu.\n\nđộng từ mới",  # the line before ends with punctuation
        "Phòng Văn hóa\n\nTrạm Y tế",  # the next line begins in upper case
        "1. Văn phòng HĐND và UBND phường\n\na) Lĩnh vực Văn phòng:",  # the next line is a list item
        "Giá trị 2026\n\nđạt",  # the line before ends with a digit
    ],
)
def test_paragraph_breaks_that_are_not_split_words_are_kept(original):
    assert "\n\n" in normalize(original).normalized


def test_offsets_point_at_the_original_characters():
    original = "Thực hiện <b>Kế hoạch</b> số 05/KH\u2013UBND ngày 07/01/2026"
    text = normalize(original)
    start = text.normalized.index("05/KH-UBND")
    assert text.original_text(start, start + len("05/KH-UBND")) == "05/KH\u2013UBND"
    start = text.normalized.index("Kế hoạch")
    assert text.original_text(start, start + len("Kế hoạch")) == "Kế hoạch"


def test_offsets_of_decomposed_text_cover_whole_letters():
    original = unicodedata.normalize("NFD", "phường Tân Hưng")
    text = normalize(original)
    start = text.normalized.index("Tân Hưng")
    assert unicodedata.normalize("NFC", text.original_text(start, start + len("Tân Hưng"))) == "Tân Hưng"


@pytest.mark.parametrize(
    ("old", "new"),
    [("hoá", "hóa"), ("thuỷ lợi", "thủy lợi"), ("Uỷ ban", "ủy ban"), ("khoẻ", "khỏe"), ("HOÀ BÌNH", "hòa bình")],
)
def test_fold_key_treats_old_and_new_tone_placement_alike(old, new):
    assert fold_key(old) == fold_key(new)


@pytest.mark.parametrize(("word", "other"), [("quý", "qúy"), ("toán", "tóan")])
def test_fold_key_keeps_words_whose_tone_is_not_a_placement_choice(word, other):
    assert fold_key(word) != fold_key(other)


def test_ascii_key_lets_a_user_type_without_diacritics():
    assert ascii_key("Tân Hưng") == "tan hung"
    assert ascii_key("Đồng Tháp") == "dong thap"
    assert "tan hung" in ascii_key("phường Tân Hưng năm 2026")


_vietnamese_pieces = st.sampled_from(
    ["Kế hoạch", "số", " ", "  ", "\n", "\n\n", "\t", "hoạt", "động", "**", "*", "<i>", "</i>", "###", "\\geq", "\u2013",
     "\u00a0", "Ð", "&amp;", "57-NQ/TW", "ngày 22/12/2024", unicodedata.normalize("NFD", "Nghị quyết"), "\r\n", "a) ", "<sup>2</sup>"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_vietnamese_pieces, st.text(max_size=5)), max_size=30))
def test_every_normalized_character_maps_back_inside_the_original(pieces):
    original = "".join(pieces)
    text = normalize(original)
    assert len(text.starts) == len(text.normalized) == len(text.ends)
    for index in range(len(text.normalized)):
        start, end = text.to_original(index, index + 1)
        assert 0 <= start <= end <= len(original)
    for key in (text.fold, text.ascii):
        assert len(key) == len(text.normalized)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Mn")), max_size=60))
def test_plain_text_maps_back_to_identical_characters(value):
    text = normalize(value)
    for word in set(text.normalized.split()):
        if "*" in word or "&" in word or "<" in word or "\\" in word or "#" in word or "_" in word:
            continue
        start = text.normalized.index(word)
        assert normalize(text.original_text(start, start + len(word))).normalized == word
