"""The notebook API: `import vnlineage`, one object, answers as frames, JSON and pictures."""

from __future__ import annotations

import json
import shutil
import sys

import pytest
from click.testing import CliRunner

import vnlineage
from conftest import plan_path
from vnlineage.corpus.units import gazetteer
from vnlineage.graph.answers import Answer, FramesMissing, TraceAnswer
from vnlineage.graph.cli import main


@pytest.fixture(scope="module")
def kg():
    graph = vnlineage.open("memory")
    graph.ingest(vnlineage.BUNDLED_PLANS, progress=False)
    return graph


def test_a_trace_frame_has_one_typed_row_per_item(kg):
    answer = kg.trace("Nghị quyết 57")
    frame = answer.to_frame()
    assert len(frame) == len(answer["items"]) > 10
    assert list(frame["level"].cat.categories[:5]) == ["central", "province", "district", "commune", "task"]
    assert frame["level"].cat.ordered
    assert str(frame["date"].dtype).startswith("datetime64")
    tich_luong = frame[frame["commune"] == "Tích Lương"].iloc[0]
    assert (tich_luong["commune_code"], tich_luong["province_code"]) == gazetteer().codes("Tích Lương", "Thái Nguyên")
    assert tich_luong["commune_code"] is not None
    assert set(frame[frame["level"] == "task"]["caption"].str.contains("Tích Lương|An Dương|Tân Hưng|Phan Đình Phùng|Nam Hồng Lĩnh")) == {True}


def test_latency_frame_has_whole_days_and_undated_rows(kg):
    answer = kg.latency("57-NQ/TW")
    frame = answer.to_frame()
    assert str(frame["days"].dtype) == "Int64"
    assert frame["days"].isna().sum() == len(answer["undated"])
    assert (frame["days"].dropna() >= 0).all()


def test_every_question_answers_with_a_frame_and_json(kg):
    answers = [kg.trace("57"), kg.ancestry("Tích Lương: 2.2.6 #1"), kg.coverage(), kg.gaps("66-NQ/TW"), kg.latency("57"),
               kg.offices(commune="An Dương"), kg.indicators("bao hiem y te"), kg.tasks(commune="Tan Hung"),
               kg.path("155/KH-UBND", "57-NQ/TW"), kg.stats()]
    for answer in answers:
        frame = answer.to_frame()
        assert len(frame) == len(answer.rows()) > 0, type(answer).__name__
        assert json.loads(answer.to_json()) == answer.to_dict()
        assert answer.summary() in answer._repr_html_() or type(answer).__name__ == "PathAnswer"


def test_the_command_line_gives_the_facade_s_answers(kg, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(vnlineage.BUNDLED_PLANS, tmp_path / "plans")
    assert CliRunner().invoke(main, ["ingest", str(tmp_path / "plans"), "--store", str(store)]).exit_code == 0
    printed = CliRunner().invoke(main, ["trace", "57", "--format", "json", "--store", str(store)])
    assert json.loads(printed.output) == vnlineage.open(store).trace("57").to_dict()
    assert [item["id"] for item in json.loads(printed.output)["items"]] == [item["id"] for item in kg.trace("57")["items"]]


def test_a_plan_ingested_elsewhere_is_in_the_next_answer(tmp_path):
    store = tmp_path / "store"
    (tmp_path / "first").mkdir()
    shutil.copy(plan_path("tich-luong"), tmp_path / "first")
    notebook = vnlineage.open(store)
    notebook.ingest(tmp_path / "first", progress=False)
    assert {row["commune"] for row in notebook.trace("57").rows() if row["commune"]} == {"Tích Lương"}
    (tmp_path / "second").mkdir()
    shutil.copy(plan_path("an-duong"), tmp_path / "second")
    assert CliRunner().invoke(main, ["ingest", str(tmp_path / "second"), "--store", str(store)]).exit_code == 0
    assert {row["commune"] for row in notebook.trace("57").rows() if row["commune"]} == {"Tích Lương", "An Dương"}


def test_values_from_documents_are_escaped_in_a_notebook():
    answer = TraceAnswer({"policy": {"label": "<b>57</b>", "date": "2024-12-22"},
                          "items": [{"id": "x", "kind": "task", "label": "<script>alert(1)</script>", "path": ["57", "x"], "via": [], "implicit": False,
                                     "through_catalogue": False}]})
    shown = answer._repr_html_()
    assert "<script>" not in shown and "&lt;script&gt;" in shown and "&lt;b&gt;57&lt;/b&gt;" in shown


def test_pictures_show_inline_and_save(kg, tmp_path):
    curve = kg.latency("57").plot()
    assert curve._repr_png_().startswith(b"\x89PNG")
    written = kg.coverage().plot().save(tmp_path / "coverage.svg")
    assert "bao phủ" in written.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="coverage.gif"):
        kg.coverage().plot().save(tmp_path / "coverage.gif")


def test_a_map_shows_in_a_frame_and_saves(kg, tmp_path):
    answer = kg.map("57", commune="Tích Lương")
    assert answer._repr_html_().startswith("<iframe srcdoc=") and "<script" not in answer._repr_html_()
    saved = answer.save(tmp_path / "map.html").read_text(encoding="utf-8")
    assert saved == answer.html and "57-NQ/TW" in saved and "Tích Lương" in saved


def test_extract_takes_a_path_or_the_text_itself():
    from_file = vnlineage.extract(plan_path("tich-luong"))
    from_text = vnlineage.extract(plan_path("tich-luong").read_text(encoding="utf-8"))
    assert [reference.symbol for reference in from_file.references] == [reference.symbol for reference in from_text.references]
    assert "57-NQ/TW" in {reference.symbol for reference in from_file.references}


def test_frames_without_pandas_say_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(FramesMissing, match=r"vn-policy-lineage\[frames\]"):
        Answer([{"a": 1}]).to_frame()


def test_a_bad_name_is_a_clear_error(kg):
    from vnlineage.graph.lookup import LookupError_

    with pytest.raises(LookupError_, match="71"):
        kg.trace("71")
