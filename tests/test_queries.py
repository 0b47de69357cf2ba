"""Lineage queries on the bundled corpus, with answers worked out by hand from the plans."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from conftest import plan_path
from vnlineage.graph.cache import cache_path, load_communes, load_projection
from vnlineage.graph.projection import project
from vnlineage.graph.cli import main
from vnlineage.graph.lookup import AmbiguousName, find_commune, find_document
from vnlineage.graph import queries
from vnlineage.ontology.store import open_store


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, plans_dir):
    store = tmp_path_factory.mktemp("queries") / "store"
    result = CliRunner().invoke(main, ["ingest", str(plans_dir), "--store", str(store)])
    assert result.exit_code == 0, result.output
    return store


@pytest.fixture(scope="module")
def graph(store_dir):
    with open_store(str(store_dir), read_only=True) as store:
        return load_projection(store)


def run(store_dir, *args):
    return CliRunner().invoke(main, [*args, "--store", str(store_dir)])


def _items(result, kind=None):
    return [item for item in result["items"] if kind is None or item["kind"] == kind]


@pytest.mark.parametrize("written", ["57", "NQ 57", "57-nq/tw", "Nghị quyết 57", "Nghị quyết số 57-NQ/TW"])
def test_forgiving_lookup_of_a_policy(graph, written):
    assert graph.nodes[find_document(graph, written)]["label"] == "57-NQ/TW"


def test_an_ambiguous_number_lists_the_candidates(graph):
    with pytest.raises(AmbiguousName) as caught:
        find_document(graph, "71")
    assert "71-NQ/TW" in str(caught.value) and "71/NQ-CP" in str(caught.value)


def test_commune_names_without_diacritics(graph):
    assert find_commune(graph, "Tan Hung").name == "Tân Hưng"
    assert find_commune(graph, "phuong an duong") == ("An Dương", "Hải Phòng")


def test_trace_57_reaches_tich_luong_through_the_provincial_plan(graph):
    result = queries.trace(graph, "57-NQ/TW")
    (task,) = [item for item in _items(result, "task") if item["commune"] == "Tích Lương" and not item["implicit"]]
    assert task["section"].endswith("2.2.6")
    via = {edge["to"]: edge for edge in task["via"]}
    assert {"155/KH-UBND", "71/NQ-CP"} <= set(via)
    assert "155/KH-UBND" in via["155/KH-UBND"]["evidence"]["sentence"]
    (provincial,) = [item for item in result["items"] if item["label"] == "155/KH-UBND"]
    assert provincial["path"] == ["57-NQ/TW", "71/NQ-CP", "155/KH-UBND"]
    sections = {(item["commune"], item["section"]) for item in _items(result, "task")}
    assert ("Nam Hồng Lĩnh", "III.6") in sections
    assert any(commune == "An Dương" and section.endswith("2.6") for commune, section in sections)
    assert result["by_level"]["central"][0] in ("02-KH/BCĐTW", "03/NQ-CP", "71/NQ-CP")


def test_trace_66_reaches_an_duong_through_the_city_documents(graph):
    result = queries.trace(graph, "66")
    an_duong = [item for item in _items(result, "task") if item["commune"] == "An Dương"]
    assert {"06-CTr/TU", "272/KH-UBND", "140/NQ-CP"} <= {edge["to"] for item in an_duong for edge in item["via"]}
    assert any(item["commune"] == "Tân Hưng" and item["section"] == "III.2.2.c" for item in _items(result, "task"))


def test_trace_filters(graph):
    only = queries.trace(graph, "57-NQ/TW", commune="Tan Hung")
    assert {item.get("commune") for item in only["items"] if item["kind"] in ("plan", "task")} == {"Tân Hưng"}
    province = queries.trace(graph, "57-NQ/TW", province="Hải Phòng")
    assert {item.get("province") for item in province["items"] if item["kind"] in ("plan", "task")} == {"Hải Phòng"}
    strict = queries.trace(graph, "57-NQ/TW", min_confidence=1.0)
    assert len(strict["items"]) <= len(queries.trace(graph, "57-NQ/TW")["items"])


def test_latency_of_57(graph):
    result = queries.latency(graph, "57-NQ/TW")
    days = {row.get("commune") or row["label"]: row["days"] for row in result["documents"]}
    assert days["Tích Lương"] == 379
    undated = {row.get("commune") for row in result["undated"]}
    assert {"Tân Hưng", "Nam Hồng Lĩnh"} <= undated
    assert all("days" not in row for row in result["undated"])


def test_ancestry_of_an_appendix_task(graph):
    result = queries.ancestry(graph, "An Dương: 33")
    assert result["item"]["lead"] == ["Công an phường"]
    assert any(step["label"] == "06/QĐ-TTg" for chain in result["chains"] for step in chain)


def test_gaps(graph):
    gaps_57 = queries.gaps(graph, "57-NQ/TW", explicit_only=True)["gaps"]
    assert gaps_57 == [{"commune": "Phan Đình Phùng", "province": "Thái Nguyên", "peers_implementing": ["Tích Lương"]}]
    # Phan Đình Phùng's section on digital transformation implements 57-NQ/TW without citing it.
    assert queries.gaps(graph, "57-NQ/TW")["gaps"] == []
    # Both Hải Phòng wards cite 66-NQ/TW; no Thái Nguyên ward does.
    assert queries.gaps(graph, "66-NQ/TW", explicit_only=True)["gaps"] == []


def test_coverage(graph):
    result = queries.coverage(graph)
    cells = result["cells"]
    assert cells["Tích Lương"]["57-NQ/TW"]["explicit"] == 1
    assert cells["Tích Lương"]["57-NQ/TW"]["implicit"] >= 1  # topic links, counted apart
    assert queries.coverage(graph, explicit_only=True)["cells"]["Tích Lương"]["57-NQ/TW"] == {"explicit": 1, "implicit": 0}
    assert cells["An Dương"]["06/QĐ-TTg"]["explicit"] == 4  # II.2.6, III.2.d (Phòng VH-XH), III.5 (Công an), appendix row 33
    assert all(cell["explicit"] == 0 for cell in cells["Phan Đình Phùng"].values())


def test_offices_for_one_policy(graph):
    rows = {(row["commune"], row["office"]): row for row in queries.offices(graph, policy="06/QĐ-TTg", commune="An Dương")}
    assert rows[("An Dương", "Công an phường")]["lead"] == 2
    assert rows[("An Dương", "Phòng Văn hóa - Xã hội")]["lead"] == 1


def test_indicators_compare_health_insurance_across_communes(graph):
    rows = queries.indicators(graph, "bao hiem y te")
    assert len({row["indicator"] for row in rows}) == 1
    targets = {row["commune"]: (row["comparator"], row["target"]) for row in rows}
    assert targets == {"Tích Lương": ("=", 96.0), "Tân Hưng": ("=", 96.0), "Phan Đình Phùng": ("=", 96.0), "Nam Hồng Lĩnh": ("=", 97.0), "An Dương": (">", 97.5)}


def test_path(graph):
    assert [step["label"] for step in queries.path(graph, "155/KH-UBND", "57-NQ/TW")] == ["155/KH-UBND", "71/NQ-CP", "57-NQ/TW"]
    assert [step["label"] for step in queries.path(graph, "57-NQ/TW", "155/KH-UBND")][0] == "155/KH-UBND"


def test_path_between_items_no_lineage_joins_is_as_short_as_any(graph):
    import networkx as nx

    undirected = nx.Graph(graph.to_undirected(as_view=True))
    plans = sorted(node for node, kind in graph.nodes(data="kind") if kind == "plan")
    tasks = sorted(node for node, kind in graph.nodes(data="kind") if kind == "task")[::41]
    checked = 0
    for source in plans:
        for target in tasks:
            steps = queries.path(graph, source, target)
            if queries._lineage_chain(graph, source, target) is not None:
                continue
            checked += 1
            assert len(steps) == nx.shortest_path_length(undirected, source, target) + 1
            assert all(step.get("edge", {}).get("relation") for step in steps[1:])
            assert [steps[0]["id"], steps[-1]["id"]] == [source, target]
    assert checked >= 10


def test_neighbors_and_stats(graph):
    around = queries.neighbors(graph, "71/NQ-CP")
    assert {"03/NQ-CP", "57-NQ/TW"} <= {item["label"] for item in around["out"]}
    assert "155/KH-UBND" in {item["label"] for item in around["in"]}
    numbers = queries.graph_stats(graph)
    assert numbers["communes"] == 5 and numbers["nodes"]["task"] > 100


@pytest.mark.parametrize(
    "command",
    [["trace", "57-NQ/TW"], ["ancestry", "An Dương: 33"], ["coverage"], ["gaps", "57"], ["latency", "57"], ["offices"],
     ["indicators", "bảo hiểm y tế"], ["tasks", "--implements", "66"], ["path", "155/KH-UBND", "57-NQ/TW"]],
)
@pytest.mark.parametrize("output_format", ["table", "json", "csv"])
def test_every_query_command_in_every_format(store_dir, command, output_format):
    result = run(store_dir, *command, "--format", output_format)
    assert result.exit_code == 0, result.output
    if output_format == "json":
        json.loads(result.output)
    elif output_format == "csv":
        assert "," in result.output.splitlines()[0]
    else:
        assert result.output.strip()


def test_the_cli_explains_an_ambiguous_name(store_dir):
    result = run(store_dir, "trace", "71")
    assert result.exit_code != 0
    assert "ambiguous" in result.output and "71/NQ-CP" in result.output


def test_trace_table_shows_the_cascade(store_dir):
    output = run(store_dir, "trace", "57-NQ/TW").output
    assert "57-NQ/TW > 71/NQ-CP > 155/KH-UBND" in output
    assert "Tích Lương" in output


def test_projection_is_cached_until_an_ingest_changes_the_store(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(plan_path("tich-luong"), folder)
    store_dir = tmp_path / "store"
    CliRunner().invoke(main, ["ingest", str(folder), "--store", str(store_dir)])
    with open_store(str(store_dir), read_only=True) as store:
        first = load_projection(store)
        assert cache_path(store).exists()
        assert load_projection(store).number_of_nodes() == first.number_of_nodes()
    shutil.copy(plan_path("tan-hung"), folder)
    CliRunner().invoke(main, ["ingest", str(folder), "--store", str(store_dir)])
    with open_store(str(store_dir), read_only=True) as store:
        assert "Tân Hưng" in {data.get("commune") for _, data in load_projection(store).nodes(data=True)}


def _snapshot(graph):
    return ({node: dict(data) for node, data in graph.nodes(data=True)},
            {(source, target, key): dict(data) for source, target, key, data in graph.edges(keys=True, data=True)})


def test_the_projection_an_ingest_leaves_is_the_one_the_store_gives(tmp_path, plans_dir):
    """`lineage ingest` writes the projection from what it extracted; it must equal the one
    built by reading the store back, including after a second run that adds documents."""
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(plan_path("tich-luong"), folder)
    store_dir = tmp_path / "store"
    assert CliRunner().invoke(main, ["ingest", str(folder), "--store", str(store_dir)]).exit_code == 0
    other = tmp_path / "more"  # the rest: the first plan's graph is one this run does not see
    shutil.copytree(plans_dir, other, ignore=shutil.ignore_patterns("*tich-luong*"))
    assert CliRunner().invoke(main, ["ingest", str(other), "--store", str(store_dir)]).exit_code == 0
    with open_store(str(store_dir), read_only=True) as store:
        assert cache_path(store).exists()
        written = load_projection(store)
        rebuilt = project(store)
    assert written.number_of_nodes() > 300 and "Tích Lương" in {data.get("commune") for _, data in written.nodes(data=True)}
    assert _snapshot(written) == _snapshot(rebuilt)


def test_a_graph_queries_ran_on_still_writes_as_graphml():
    import io

    import networkx as nx

    graph = queries.example_graph()
    queries.trace(graph, "57-NQ/TW")
    queries.coverage(graph)
    assert graph.graph == {}
    plain = nx.MultiDiGraph()
    plain.add_nodes_from((node, {key: str(value) for key, value in attributes.items()}) for node, attributes in graph.nodes(data=True))
    plain.add_edges_from((source, target, {key: str(value) for key, value in data.items()}) for source, target, data in graph.edges(data=True))
    queries.trace(plain, "57-NQ/TW")
    nx.write_graphml(plain, io.BytesIO())


def test_a_trace_sees_what_was_added_to_the_graph_after_an_earlier_trace():
    from vnlineage.graph.indexes import forget_indexes

    graph = queries.example_graph()
    before = {item["label"] for item in queries.trace(graph, "57-NQ/TW")["items"]}
    graph.add_node("kh9", kind="document", label="9/KH-UBND", symbol="9/KH-UBND", level="province", province="Thái Nguyên")
    graph.add_edge("kh9", "nq71", relation="implements", method="explicit", confidence=1.0)
    assert {item["label"] for item in queries.trace(graph, "57-NQ/TW")["items"]} == before | {"9/KH-UBND"}
    graph.add_edge("plan2", "kh9", relation="implements", method="explicit", confidence=1.0)
    forget_indexes(graph)  # an edge between nodes the graph already had
    assert "Kế hoạch Phan Đình Phùng" in {item["label"] for item in queries.trace(graph, "57-NQ/TW")["items"]}


def test_editing_an_answer_changes_neither_the_graph_nor_the_next_answer():
    graph = queries.example_graph()
    first = queries.trace(graph, "57-NQ/TW")
    task = next(item for item in first["items"] if item["kind"] == "task")
    task["label"] = "edited"
    task["via"][0]["evidence"]["sentence"] = "edited"
    task["via"].clear()
    task["lead"].append("edited")
    again = next(item for item in queries.trace(graph, "57-NQ/TW")["items"] if item["kind"] == "task")
    assert again["label"] == "Tích Lương 2.2.6 #1" and again["via"][0]["evidence"]["sentence"] == "…"
    assert graph.nodes[task["id"]]["label"] == "Tích Lương 2.2.6 #1" and graph.nodes[task["id"]]["lead"] == ["Phòng Văn hóa - Xã hội"]


def test_the_lineage_layer_answers_as_the_whole_projection_does(store_dir, graph):
    """Commands that read only the cached lineage layer give what the whole graph gives."""
    with open_store(str(store_dir), read_only=True) as store:
        lineage = load_projection(store, ["lineage"])
        with_tasks = load_projection(store, ["tasks"])
    assert lineage.number_of_nodes() < with_tasks.number_of_nodes() < graph.number_of_nodes()
    assert queries.trace(lineage, "57-NQ/TW") == queries.trace(graph, "57-NQ/TW")
    assert queries.coverage(lineage) == queries.coverage(graph)
    assert queries.latency(lineage, "57-NQ/TW") == queries.latency(graph, "57-NQ/TW")
    assert queries.tasks(lineage, implements="57-NQ/TW") == queries.tasks(graph, implements="57-NQ/TW")
    assert queries.tasks(with_tasks, commune="Tích Lương") == queries.tasks(graph, commune="Tích Lương")
    assert {(u, v, k) for u, v, k in lineage.in_edges(keys=True)} == {(u, v, k) for u, v, k in lineage.edges(keys=True)}


def test_one_province_read_from_the_cache_answers_for_its_communes_as_the_whole_projection(store_dir, graph):
    """`tasks --commune` and `offices --commune` read one province's blocks; `indicators` its layer alone."""
    with open_store(str(store_dir), read_only=True) as store:
        province = load_projection(store, ["tasks"], provinces=["Thái Nguyên"])
        indicators = load_projection(store, ["indicators"], alone=True)
        known = load_communes(store)
    assert ("Tích Lương", "Thái Nguyên") in known and len(known) == len(queries.communes(graph))
    assert not any(attributes.get("province") == "Hải Phòng" for _, attributes in province.nodes(data=True))
    assert queries.tasks(province, commune="Tích Lương") == queries.tasks(graph, commune="Tích Lương")
    assert queries.offices(province, commune="Phan Đình Phùng") == queries.offices(graph, commune="Phan Đình Phùng")
    assert {kind for _, kind in indicators.nodes(data="kind")} == {"indicator"}
    assert queries.indicators(indicators, "bao hiem y te") == queries.indicators(graph, "bao hiem y te") != []
    assert queries.shared_indicators(indicators) == queries.shared_indicators(graph)


def test_a_store_changed_outside_an_ingest_is_never_answered_from_the_old_cache(tmp_path, plans_dir):
    store_dir = tmp_path / "store"
    assert CliRunner().invoke(main, ["ingest", str(plans_dir), "--store", str(store_dir)]).exit_code == 0
    assert "Tích Lương" in run(store_dir, "trace", "57-NQ/TW", "--all").output
    with open_store(str(store_dir), read_only=True) as store:
        (plan,) = [graph for graph in store.graphs() if "tich-luong" in graph]
    dropped = CliRunner().invoke(main, ["sparql", f"DROP GRAPH <{plan}>", "--allow-update", "--store", str(store_dir)])
    assert dropped.exit_code == 0, dropped.output
    assert "Tích Lương" not in run(store_dir, "trace", "57-NQ/TW", "--all").output
    assert json.loads(run(store_dir, "stats", "--format", "json").output)["plans"] == 4


def test_a_long_table_shows_its_first_rows_and_says_how_to_see_the_rest(store_dir):
    every = json.loads(run(store_dir, "trace", "57-NQ/TW", "--format", "json").output)["items"]
    assert len(every) > 25
    table = run(store_dir, "trace", "57-NQ/TW").output
    assert "by level: central" in table and "province" in table
    assert f"… {len(every) - 20} more: --all, or --format csv/json" in table
    assert len(run(store_dir, "trace", "57-NQ/TW", "--limit", "5").output.splitlines()) < len(table.splitlines())
    assert "more: --all" not in run(store_dir, "trace", "57-NQ/TW", "--all").output
    csv_rows = run(store_dir, "trace", "57-NQ/TW", "--format", "csv").output.strip().splitlines()
    assert len(csv_rows) == len(every) + 1


def _two_provinces_with_a_tan_hung():
    graph = queries.example_graph()
    for province, plan in (("Tây Ninh", "plan-tn"), ("An Giang", "plan-ag")):
        graph.add_node(plan, kind="plan", label="1/KH-UBND", symbol="1/KH-UBND", level="commune", commune="Tân Hưng", province=province, date="2026-02-01")
        graph.add_node(f"{plan}-task", kind="task", label="Tân Hưng 1 #1", section="1", number="1", commune="Tân Hưng", province=province, plan=plan, lead=["Công an xã"], partners=[])
    graph.add_edge("plan-tn-task", "nq57", "e-tn", relation="implements", method="explicit", confidence=1.0)
    graph.add_edge("plan-tn", "nq57", "e-tn-plan", relation="implements", method="explicit", confidence=1.0)
    return graph


def test_communes_of_one_name_in_two_provinces_stay_apart():
    graph = _two_provinces_with_a_tan_hung()
    with pytest.raises(AmbiguousName) as caught:
        find_commune(graph, "Tan Hung")
    assert "Tân Hưng, Tây Ninh" in str(caught.value) and "Tân Hưng, An Giang" in str(caught.value)
    assert find_commune(graph, "tan hung, tay ninh") == ("Tân Hưng", "Tây Ninh")
    cells = queries.coverage(graph)["cells"]
    assert cells["Tân Hưng, Tây Ninh"]["57-NQ/TW"]["explicit"] == 1
    assert sum(cells["Tân Hưng, An Giang"]["57-NQ/TW"].values()) == 0
    traced = queries.trace(graph, "57-NQ/TW", commune="Tân Hưng (Tây Ninh)")
    assert {item["province"] for item in traced["items"] if item["kind"] in ("plan", "task")} == {"Tây Ninh"}
    assert [row["province"] for row in queries.offices(graph, commune="Tân Hưng, An Giang")] == ["An Giang"]


def test_plans_and_tasks_are_named_by_their_commune_and_province(graph):
    items = queries.trace(graph, "57-NQ/TW")["items"]
    captions = {item["caption"] for item in items if item["kind"] in ("plan", "task") and item.get("commune") == "Tích Lương"}
    assert "Kế hoạch 04/KH-UBND — phường Tích Lương, Thái Nguyên" in captions
    assert "Nhiệm vụ II.2.2.6 #1 — phường Tích Lương, Thái Nguyên" in captions
    central = next(item for item in items if item["label"] == "71/NQ-CP")
    assert central["caption"] == "Nghị quyết 71/NQ-CP"
    assert "Kế hoạch 04/KH-UBND — phường Tích Lương, Thái Nguyên" in _map_tooltips(graph)


def _map_tooltips(graph):
    from vnlineage.graph.maps import build_map

    return " ".join(node["title"] for node in build_map(graph, "57-NQ/TW")["nodes"])


def test_a_plan_ingested_after_a_query_is_in_the_next_trace(tmp_path, plans_dir):
    folder = tmp_path / "plans"
    folder.mkdir()
    for plan in sorted(plans_dir.glob("*.txt")):
        if "tich-luong" not in plan.name:
            (folder / plan.name).write_bytes(plan.read_bytes())
    store_dir = tmp_path / "store"
    assert CliRunner().invoke(main, ["ingest", str(folder), "--store", str(store_dir)]).exit_code == 0
    assert "Tích Lương" not in run(store_dir, "trace", "57-NQ/TW", "--all").output
    assert "Tích Lương" not in run(store_dir, "tasks", "--commune", "Phan Đình Phùng").output
    (late,) = [plan for plan in plans_dir.glob("*.txt") if "tich-luong" in plan.name]
    assert CliRunner().invoke(main, ["ingest", str(late), "--store", str(store_dir)]).exit_code == 0
    assert "Tích Lương" in run(store_dir, "trace", "57-NQ/TW", "--all").output
    assert "Tích Lương" in run(store_dir, "tasks", "--commune", "Tích Lương").output
