"""Maps in a real headless Chromium (Debian's, driven by Playwright): offline, searchable,
clickable, and inert whatever the documents contain."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import plan_path
from vnlineage.graph.cli import main

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1500, "height": 900})
    requests, errors, dialogs = [], [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.lineageMap && window.lineageMap.ready", timeout=30000)
    return page, requests, errors, dialogs


@pytest.fixture(scope="module")
def map_57(seeds_store, tmp_path_factory):
    output = tmp_path_factory.mktemp("map") / "map-57.html"
    result = CliRunner().invoke(main, ["map", "57-NQ/TW", "--store", str(seeds_store), "-o", str(output)])
    assert result.exit_code == 0, result.output
    return output


def test_the_57_map_works_offline_and_shows_the_cascade(browser, map_57):
    page, requests, errors, _ = _open(browser, map_57)
    assert [url for url in requests if not url.startswith("file://")] == []
    assert errors == []
    labels = set(page.evaluate("window.lineageMap.nodes.get().map(node => node.label)"))
    assert {"57-NQ/TW", "71/NQ-CP", "155/KH-UBND\nThái Nguyên", "04/KH-UBND\nTích Lương", "Tích Lương II.2.2.6 #1"} <= labels
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-57-NQ-TW.png"))
    page.close()


def test_searching_without_diacritics_finds_the_ward(browser, map_57):
    page, *_ = _open(browser, map_57)
    page.fill("#search", "Tich Luong")
    found = page.evaluate("window.lineageMap.nodes.get(window.lineageMap.network.getSelectedNodes()).map(node => node.label)")
    assert "04/KH-UBND\nTích Lương" in found
    assert "Tích Lương" in page.inner_text("#matches")
    page.close()


def test_clicking_the_provincial_plan_highlights_its_chain(browser, map_57):
    page, *_ = _open(browser, map_57)
    node = page.evaluate("window.lineageMap.nodes.get({filter: node => node.label.startsWith('155/KH-UBND')})[0].id")
    position = page.evaluate(f"(() => {{ const p = window.lineageMap.network.canvasToDOM(window.lineageMap.network.getPositions([{node!r}])[{node!r}]); return [p.x, p.y]; }})()")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + position[0], box["y"] + position[1])
    highlighted = set(page.evaluate("window.lineageMap.state.highlighted.map(id => window.lineageMap.nodes.get(id).label.split('\\n')[0])"))
    assert {"57-NQ/TW", "71/NQ-CP", "155/KH-UBND", "Tích Lương II.2.2.6 #1"} <= highlighted
    assert "An Dương II.2.6 #2" not in highlighted
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-57-NQ-TW-highlight.png"))
    page.close()


def test_whole_graph_map_is_aggregated_and_unfolds(browser, seeds_store, tmp_path):
    output = tmp_path / "all.html"
    assert CliRunner().invoke(main, ["map", "--store", str(seeds_store), "-o", str(output)]).exit_code == 0
    page, requests, errors, _ = _open(browser, output)
    groups = page.evaluate("window.lineageMap.nodes.get({filter: node => String(node.id).startsWith('group:')}).map(node => node.id)")
    assert groups
    before = page.evaluate("window.lineageMap.nodes.length")
    assert page.evaluate(f"window.lineageMap.expand({groups[0]!r})")
    assert page.evaluate("window.lineageMap.nodes.length") > before
    assert [url for url in requests if not url.startswith("file://")] == [] and errors == []
    page.close()


# Written as HTML entities, the payload survives normalization as literal "<script>" text.
HOSTILE = "&lt;script&gt;window.pwned = 1&lt;/script&gt;&lt;img src=x onerror=window.pwned=2&gt;"


def test_document_text_never_runs_in_the_map(browser, tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    text = plan_path("tich-luong").read_text(encoding="utf-8")
    text = text.replace("Thực hiện nhiệm vụ phát triển kinh tế - xã hội phường Tích Lương năm 2026", "Kế hoạch " + HOSTILE, 1)
    text = text.replace("Tiếp tục thực hiện Nghị quyết số 18-NQ/TW", HOSTILE + " Tiếp tục thực hiện Nghị quyết số 18-NQ/TW", 1)
    (folder / "hostile.txt").write_text(text, encoding="utf-8")
    store = tmp_path / "store"
    assert CliRunner().invoke(main, ["ingest", str(folder), "--store", str(store)]).exit_code == 0
    output = tmp_path / "hostile.html"
    assert CliRunner().invoke(main, ["map", "57-NQ/TW", "--store", str(store), "-o", str(output)]).exit_code == 0
    page, requests, errors, dialogs = _open(browser, output)
    task = page.evaluate("window.lineageMap.nodes.get({filter: node => node.label.startsWith('Tích Lương II.2.2.6')})[0].id")
    page.evaluate(f"window.lineageMap.highlight({task!r})")
    page.fill("#search", "script")
    for node in page.evaluate("window.lineageMap.nodes.getIds()"):
        position = page.evaluate(f"(() => {{ const p = window.lineageMap.network.canvasToDOM(window.lineageMap.network.getPositions([{node!r}])[{node!r}]); return [p.x, p.y]; }})()")
        box = page.locator("#map").bounding_box()
        page.mouse.move(box["x"] + position[0], box["y"] + position[1])
        page.wait_for_timeout(200)
    assert page.evaluate("window.pwned") is None
    assert dialogs == [] and errors == []
    assert [url for url in requests if not url.startswith("file://")] == []
    assert "<img src=x onerror=window.pwned=2>" in page.inner_text("#details")  # shown as text, not run
    page.close()


def test_map_file_is_utf8_with_no_remote_resource(map_57):
    html = map_57.read_text(encoding="utf-8")
    assert "cdn" not in html.lower().replace("cdnjs", "")  # vis-network is inlined
    assert "<link" not in html and 'src="http' not in html
    assert "57-NQ/TW" in html


def _positions(page) -> dict[str, tuple[float, float]]:
    """Each drawn node's first label line and where the page put it."""
    return {label: (x, y) for label, x, y in page.evaluate(
        "(() => { const m = window.lineageMap; const p = m.network.getPositions();"
        " return m.nodes.get().map(n => [n.label.split('\\n')[0], p[n.id].x, p[n.id].y]); })()")}


def test_the_57_map_is_drawn_as_a_cascade_not_a_row(browser, map_57):
    page, *_ = _open(browser, map_57)
    where = _positions(page)
    rows = [where[label][1] for label in ("57-NQ/TW", "71/NQ-CP", "155/KH-UBND", "04/KH-UBND", "Tích Lương II.2.2.6 #1")]
    assert rows == sorted(rows) and len(set(rows)) == 5  # policy, central, province, commune, task: top to bottom
    xs, ys = [x for x, _ in where.values()], [y for _, y in where.values()]
    assert (max(xs) - min(xs)) < 4 * (max(ys) - min(ys))
    page.close()


def test_whole_graph_map_has_its_levels_on_rows_of_readable_width(browser, seeds_store, tmp_path):
    output = tmp_path / "all.html"
    assert CliRunner().invoke(main, ["map", "--store", str(seeds_store), "-o", str(output)]).exit_code == 0
    page, requests, errors, _ = _open(browser, output)
    where = _positions(page)
    xs, ys = [x for x, _ in where.values()], [y for _, y in where.values()]
    assert len({round(y) for y in ys}) >= 4 and (max(xs) - min(xs)) < 4 * (max(ys) - min(ys))
    assert any("chỉ được trích dẫn" in label for label in page.evaluate("window.lineageMap.nodes.get().map(n => n.label)"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-all.png"))
    page.close()


def test_a_map_too_large_to_draw_folds_provinces_that_unfold_below_it(browser, seeds_store, tmp_path):
    from vnlineage.graph.cache import load_projection
    from vnlineage.graph.maps import build_map, write_map
    from vnlineage.ontology.store import open_store

    with open_store(str(seeds_store), read_only=True) as store:
        data = build_map(load_projection(store), "57-NQ/TW", aggregate_above=10)
    output = write_map(data, tmp_path / "folded.html")
    page, requests, errors, _ = _open(browser, output)
    provinces = page.evaluate("window.lineageMap.nodes.get({filter: n => String(n.id).startsWith('group:province:')}).map(n => n.id)")
    assert "group:province:Thái Nguyên" in provinces and "group:province:Hải Phòng" in provinces
    lowest = max(y for _, y in _positions(page).values())
    assert page.evaluate("window.lineageMap.expand('group:province:Thái Nguyên')")
    where = _positions(page)
    assert {"155/KH-UBND", "04/KH-UBND"} <= set(where) and where["04/KH-UBND"][1] > where["155/KH-UBND"][1] > lowest
    inside = page.evaluate("window.lineageMap.edges.get().filter(e => e.from.length && e.to.length).map(e => [e.from, e.to])")
    ids = {label: node for node, label in page.evaluate("window.lineageMap.nodes.get().map(n => [n.id, n.label.split('\\n')[0]])")}
    assert [ids["Tích Lương II.2.2.6 #1"], ids["155/KH-UBND"]] in inside  # a ward task's link to its province's plan, drawn once unfolded
    assert where["Tích Lương II.2.2.6 #1"][1] > where["04/KH-UBND"][1]
    assert [url for url in requests if not url.startswith("file://")] == [] and errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-57-NQ-TW-provinces.png"))
    page.close()
