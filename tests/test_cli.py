"""The `lineage` command as a researcher types it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from conftest import plan_path
from vnlineage.corpus import __version__
from vnlineage.graph.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_help_lists_the_commands():
    result = run("--help")
    assert result.exit_code == 0
    assert "read" in result.output and "extract" in result.output


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_read_prints_an_outline():
    result = run("read", str(plan_path("phan-dinh-phung")))
    assert result.exit_code == 0
    assert "II.3.2" in result.output
    assert "477/QĐ-UBND" in result.output


def test_read_json_is_one_object_per_document(plans_dir):
    result = run("read", str(plans_dir), "--format", "json")
    assert result.exit_code == 0
    documents = [json.loads(line) for line in result.output.splitlines()]
    assert len(documents) == 5
    signers = {document["signature"]["signer"] for document in documents}
    assert "Hoàng Thị Minh Thu" in signers


def test_a_bad_file_is_reported_and_the_batch_goes_on(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    good = tmp_path / "good.txt"
    good.write_text(plan_path("tich-luong").read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(main, ["read", str(tmp_path)])
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "empty" in result.output
    assert "Tích Lương" in result.output
    assert "Traceback" not in result.output


CONTRACT_DOCUMENT_FIELDS = {"symbol", "type", "title", "issuer", "level", "commune", "province", "date", "signer", "period"}
CONTRACT_REFERENCE_FIELDS = {"id", "symbol", "name", "type", "date", "year", "issuer", "level", "mentions"}


def test_extract_json_follows_the_contract(plans_dir):
    result = run("extract", str(plans_dir), "--format", "json")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 5
    for record in records:
        assert set(record) >= {"source", "document", "references", "relations", "tasks", "indicators"}
        assert set(record["document"]) >= CONTRACT_DOCUMENT_FIELDS
        for reference in record["references"]:
            assert set(reference) >= CONTRACT_REFERENCE_FIELDS
            assert reference["level"] in ("central", "province", "district", "commune")
            assert reference["symbol"] is None or reference["symbol"] != record["document"]["symbol"]
        for relation in record["relations"]:
            assert relation["predicate"] in ("implements", "based_on", "cites", "amends", "replaces", "continues", "issued_with")
            assert {"start", "end", "sentence"} <= set(relation["evidence"])
            assert 0 <= relation["confidence"] <= 1


def test_extract_evidence_offsets_point_into_the_file():
    path = plan_path("tich-luong")
    original = path.read_text(encoding="utf-8")
    record = json.loads(run("extract", str(path), "--format", "json").output)
    (relation,) = [item for item in record["relations"] if item["subject"] == "155/KH-UBND"]
    evidence = relation["evidence"]
    assert original[evidence["start"] : evidence["end"]].strip() == evidence["sentence"]
    for reference in record["references"]:
        for mention in reference["mentions"]:
            assert original[mention["start"] : mention["end"]] == mention["text"]


def test_extract_table_is_readable():
    result = run("extract", str(plan_path("an-duong")), "--format", "table")
    assert result.exit_code == 0
    assert "86/KH-UBND" in result.output
    assert "06-CTr/TU --implements--> 66-NQ/TW" in result.output


def test_a_group_carries_at_most_its_share_of_members_and_says_how_many_there_are():
    import networkx as nx

    from vnlineage.graph.maps import MEMBERS_EMBEDDED, build_map

    graph = nx.MultiDiGraph()
    graph.add_node("nq", kind="document", level="central", symbol="57-NQ/TW", label="57-NQ/TW")
    for number in range(MEMBERS_EMBEDDED + 50):
        task = f"task-{number:04d}"
        graph.add_node(task, kind="task", label=f"Tân Hưng III #{number}", commune="Tân Hưng", province="Hải Phòng", lead=[], partners=[])
        graph.add_edge(task, "nq", key=f"e{number}", relation="implements", method="explicit", confidence=1.0, sentence="…")
    data = build_map(graph, aggregate_above=10)
    group = next(node for node in data["nodes"] if str(node["id"]).startswith("group:"))
    assert len(group["members"]) == MEMBERS_EMBEDDED and group["members_total"] == MEMBERS_EMBEDDED + 50
    carried = {member["id"] for member in group["members"]}
    hidden = [member for edge in data["edges"] for member in edge.get("hidden_members", [])]
    assert hidden and all(member["member_from"] in carried for member in hidden)


def test_a_document_on_the_map_is_as_large_as_the_tasks_that_reach_it():
    import networkx as nx

    from vnlineage.graph.maps import build_map

    graph = nx.MultiDiGraph()
    graph.add_node("nq", kind="document", level="central", label="57-NQ/TW", symbol="57-NQ/TW")
    graph.add_node("kh", kind="document", level="province", label="155/KH-UBND", symbol="155/KH-UBND", province="Thái Nguyên")
    graph.add_edge("kh", "nq", relation="implements", method="explicit", confidence=1.0)
    for number in range(4):
        graph.add_node(f"task-{number}", kind="task", label=f"Tích Lương 2.{number}", commune="Tích Lương", province="Thái Nguyên", lead=[], partners=[])
        graph.add_edge(f"task-{number}", "kh", relation="implements", method="explicit", confidence=1.0)
    graph.add_edge("task-0", "nq", relation="implements", method="explicit", confidence=1.0)  # a second way up, counted once
    graph.add_node("kh-2", kind="document", level="province", label="160/KH-UBND", symbol="160/KH-UBND", province="Thái Nguyên")
    graph.add_edge("kh-2", "nq", relation="implements", method="explicit", confidence=1.0)
    graph.add_node("task-9", kind="task", label="Tích Lương 3.1", commune="Tích Lương", province="Thái Nguyên", lead=[], partners=[])
    graph.add_edge("task-9", "kh-2", relation="implements", method="explicit", confidence=1.0)
    sizes = {node["id"]: node["size"] for node in build_map(graph)["nodes"]}
    assert sizes["kh-2"] < sizes["kh"] < sizes["nq"]
    five_tasks = nx.MultiDiGraph()
    five_tasks.add_node("nq", kind="document", level="central", label="57-NQ/TW", symbol="57-NQ/TW")
    for number in range(5):
        five_tasks.add_node(f"task-{number}", kind="task", label=f"Tân Hưng 1.{number}", commune="Tân Hưng", province="Tây Ninh", lead=[], partners=[])
        five_tasks.add_edge(f"task-{number}", "nq", relation="implements", method="explicit", confidence=1.0)
    assert sizes["nq"] == next(node["size"] for node in build_map(five_tasks)["nodes"] if node["id"] == "nq")


def test_read_says_where_each_field_came_from(tmp_path):
    copy = tmp_path / "ha-noi.txt"
    copy.write_text(
        "|\n**ỦY BAN NHÂN\nDÂN **\nTHÀNH PHỐ HÀ NỘI\n--------\n|\n**CỘNG HÒA XÃ\nHỘI CHỦ NGHĨA VIỆT NAM**\n---------------\n|\n|\n"
        "Số: 310/KH-UBND\n|\n*Hà Nội, ngày\n24 tháng 11 năm 2025*\n|\n\n**KẾ HOẠCH**\n\nPHÁT TRIỂN HẠ TẦNG 5G\n\n"
        "Triển khai thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["read", str(copy), "--blocks"], catch_exceptions=False)
    assert result.exit_code == 0
    fields = {line.split()[0]: line for line in result.output.split("fields:")[1].split("blocks:")[0].strip().splitlines()}
    assert "310/KH-UBND" in fields["symbol"] and "[header, line 12]" in fields["symbol"]
    assert "2025-11-24" in fields["date"] and "lines 14-15" in fields["date"]
    assert "province" in fields["level"] and "issuer block" in fields["level"]
    assert "Hà Nội" in fields["province"] and "commune" in fields and "—" in fields["commune"]
    assert "table(s) flattened" in result.output


def test_read_warns_about_a_document_without_a_header(tmp_path):
    fragment = tmp_path / "fragment.txt"
    fragment.write_text("Các phòng, ban tổ chức thực hiện các nhiệm vụ được giao và báo cáo kết quả.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["read", str(fragment)], catch_exceptions=False)
    assert result.exit_code == 0
    assert "no official header" in result.stderr
    assert "symbol    —" in result.output
