"""The catalogue of cited documents: its shape, and what resolution and traces make of it."""

from __future__ import annotations

import csv
import json
import re
from datetime import date

import pytest
from click.testing import CliRunner

from vnlineage.corpus.extract import extract_text
from vnlineage.corpus.records import PREDICATES
from vnlineage.corpus.registry import DATA_DIR, parse_symbol, registry
from vnlineage.corpus.text import normalize
from vnlineage.graph.cli import main

CATALOGUE_ROWS = list(csv.DictReader(open(DATA_DIR / "central-documents.csv", encoding="utf-8", newline="")))
_ADDRESS = re.compile(r"https?://\S+|[\w.-]+\.vn\b|text of \S+|primary text|secondary sources")


# --- shape ---------------------------------------------------------------------------------

def test_the_catalogue_holds_at_least_150_documents():
    assert len(registry().catalogue) >= 150


@pytest.mark.parametrize("row", CATALOGUE_ROWS, ids=lambda row: row["symbol"])
def test_every_document_is_sourced_and_well_formed(row):
    # An address, or the document whose text states the facts ("text of 03/NQ-CP").
    assert _ADDRESS.search(row["source"]) or registry().patterns["symbol"].search(row["source"]), f"{row['symbol']}: no source for its facts"
    parts = parse_symbol(row["symbol"])
    assert parts is not None and parts[0] == row["symbol"], f"{row['symbol']} is not an official symbol"
    assert registry().doc_type_by_name(row["type"]) is not None, row["type"]
    assert row["level"] == "central" and row["issuer"]
    for field in ("date", "in_force"):
        if row[field]:
            date.fromisoformat(row[field])
    for relation in filter(None, (part.strip() for part in row["relations"].split(";"))):
        predicate, target = relation.split()
        assert predicate in PREDICATES and parse_symbol(target) is not None, relation


def test_no_two_rows_are_the_same_document():
    identities = [(row["symbol"], (row["date"] or "")[:4]) for row in CATALOGUE_ROWS]
    assert len(identities) == len(set(identities))


def test_a_law_name_belongs_to_laws_only():
    for row in CATALOGUE_ROWS:
        if row["type"] == "Luật" and row["names"]:
            assert all(name.startswith("Luật ") for name in row["names"].split(";")), row["symbol"]


# --- resolution ----------------------------------------------------------------------------

def _references(text: str) -> dict:
    record = extract_text(normalize(text))
    return {reference.symbol or reference.name: reference for reference in record.references}


def test_a_symbol_alone_gets_its_date_and_issuer_from_the_catalogue():
    found = _references("KẾ HOẠCH\nThực hiện Quyết định số 749/QĐ-TTg về Chương trình Chuyển đổi số quốc gia.")
    reference = found["749/QĐ-TTg"]
    assert (reference.date, reference.issuer, reference.level) == ("2020-06-03", "Thủ tướng Chính phủ", "central")
    assert "catalogue" in reference.resolved_by


def test_a_contradicting_year_is_another_document():
    found = _references("KẾ HOẠCH\nThực hiện Quyết định số 749/QĐ-TTg ngày 03/6/2021 của Thủ tướng Chính phủ.")
    assert "catalogue" not in found["749/QĐ-TTg"].resolved_by
    assert found["749/QĐ-TTg"].date == "2021-06-03"


def test_documents_with_the_same_number_stay_apart():
    found = _references("KẾ HOẠCH\nThực hiện Nghị quyết số 71-NQ/TW và Nghị quyết số 71/NQ-CP.")
    assert found["71-NQ/TW"].id != found["71/NQ-CP"].id
    assert (found["71-NQ/TW"].date, found["71/NQ-CP"].date) == ("2025-08-22", "2025-04-01")


@pytest.mark.parametrize(
    ("plan_date", "law", "version"),
    [
        ("ngày 10 tháng 3 năm 2024", "Luật Tổ chức chính quyền địa phương", "77/2015/QH13"),
        ("ngày 10 tháng 3 năm 2026", "Luật Tổ chức chính quyền địa phương", "72/2025/QH15"),
        ("ngày 10 tháng 3 năm 2026", "Luật Ban hành văn bản quy phạm pháp luật", "64/2025/QH15"),
        ("ngày 10 tháng 3 năm 2026", "Luật Đất đai năm 2024", "31/2024/QH15"),
    ],
)
def test_a_law_named_without_its_number_is_the_version_in_force(plan_date, law, version):
    text = f"ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\nSố: 12/KH-UBND\nNghệ An, {plan_date}\nKẾ HOẠCH\nCăn cứ {law};\n"
    record = extract_text(normalize(text))
    (reference,) = [item for item in record.references if item.name]
    assert reference.symbol is None and reference.resolved_symbol == version
    assert reference.issuer == "Quốc hội" and reference.date


def test_a_law_named_whole_and_numbered_is_one_reference():
    record = extract_text(normalize(
        "KẾ HOẠCH\nCăn cứ Luật Bầu cử đại biểu Quốc hội và đại biểu Hội đồng nhân dân số 85/2015/QH13;\n"
        "Thực hiện đúng Luật Bầu cử đại biểu Quốc hội và đại biểu Hội đồng nhân dân."
    ))
    (reference,) = record.references
    assert reference.symbol == "85/2015/QH13" and len(reference.mentions) == 2
    assert [(relation.predicate, relation.object) for relation in record.relations if relation.subject == "self"][0] == ("based_on", "85/2015/QH13")


# --- the graph and the command ------------------------------------------------------------

def test_trace_reaches_a_plan_that_implements_the_policy_only_through_the_catalogue(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "plan.txt").write_text(
        "ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\nSố: 99/KH-UBND\nNghệ An, ngày 10 tháng 5 năm 2025\n"
        "KẾ HOẠCH\nTriển khai thực hiện Nghị quyết số 71/NQ-CP ngày 01/4/2025 của Chính phủ\n"
        "I. NHIỆM VỤ\n1. Phát triển hạ tầng số trên địa bàn tỉnh.\n", encoding="utf-8")
    store = str(tmp_path / "store")
    assert CliRunner().invoke(main, ["ingest", str(plans), "--store", store]).exit_code == 0
    result = CliRunner().invoke(main, ["trace", "57-NQ/TW", "--store", store, "--format", "json"])
    assert result.exit_code == 0, result.output
    items = {item["label"]: item for item in json.loads(result.output)["items"]}
    assert items["99/KH-UBND"]["path"] == ["57-NQ/TW", "71/NQ-CP", "99/KH-UBND"]
    assert items["99/KH-UBND"]["through_catalogue"] and items["71/NQ-CP"]["through_catalogue"]


def test_the_catalogue_command_searches_without_diacritics():
    result = CliRunner().invoke(main, ["catalogue", "luat ngan sach", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [item["symbol"] for item in json.loads(result.output)] == ["83/2015/QH13"]
    assert CliRunner().invoke(main, ["catalogue", "no such document anywhere"]).exit_code != 0


def test_suggestions_list_what_plans_cite_that_the_catalogue_lacks(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text("https://example.gov.vn/plan-12\nKẾ HOẠCH\nThực hiện Quyết định số 4321/QĐ-TTg ngày 05/6/2025 "
                    "của Thủ tướng Chính phủ về phát triển hạ tầng số; Nghị quyết số 57-NQ/TW.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["catalogue", "--suggest", str(plan), "--format", "json"])
    assert result.exit_code == 0, result.output
    (found,) = json.loads(result.output)
    assert (found["symbol"], found["date"], found["sources"]) == ("4321/QĐ-TTg", "2025-06-05", ["https://example.gov.vn/plan-12"])
