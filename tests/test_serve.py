"""`lineage serve`: the explorer's pages and JSON, its safety, a real server process, and a
person clicking from a search to a policy's cascade and back in Chromium."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import free_port, plan_path, wait_until_answering
from vnlineage.graph.cli import main
from vnlineage.ontology.store import files_fingerprint

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def client(seeds_store):
    from starlette.testclient import TestClient

    from vnlineage.graph.serve import create_app

    return TestClient(create_app(str(seeds_store)), base_url="http://127.0.0.1:8000")


def test_home_lists_the_policies_with_how_far_they_went(client):
    page = client.get("/")
    assert page.status_code == 200 and "Nghị quyết 57-NQ/TW" in page.text
    policies = client.get("/api/").json()["policies"]
    first = policies[0]
    assert first["label"] == "57-NQ/TW" and first["communes"] == 5 and first["policy_page"] == "/policy/eli/vn/tw/nq/2024/57"
    assert [row["communes"] for row in policies] == sorted((row["communes"] for row in policies), reverse=True)


def test_search_forgives_diacritics_and_lists_candidates(client):
    found = client.get("/api/search", params={"q": "tich luong"}).json()
    kinds = {row["kind"] for row in found["results"]}
    assert {"plan", "unit", "task"} <= kinds
    assert any(row["page"] == "/commune/unit/thai-nguyen/tich-luong" for row in found["results"])
    candidates = client.get("/api/search", params={"q": "57"}).json()["results"]
    assert candidates[0]["label"] == "57-NQ/TW" and len([row for row in candidates if row["kind"] == "document"]) > 1
    assert "Tích Lương" in client.get("/search", params={"q": "TICH LUONG"}).text


def test_a_document_shows_its_evidence_with_the_cited_words_marked(client):
    page = client.get("/document/eli/vn/thai-nguyen/tich-luong/ubnd/kh/2026/04")
    assert page.status_code == 200
    assert re.search(r"<mark>155/KH-UBND</mark>", page.text)
    data = client.get("/api/document/eli/vn/thai-nguyen/tich-luong/ubnd/kh/2026/04").json()
    assert data["tasks"] and all(task["page"].startswith("/task/") for task in data["tasks"])
    assert {"implements", "cites"} <= set(data["out"])


def test_a_policy_page_has_its_cascade_curve_map_and_gaps(client):
    page = client.get("/policy/eli/vn/tw/nq/2024/57")
    assert page.status_code == 200
    data = client.get("/api/policy/eli/vn/tw/nq/2024/57").json()
    assert data["by_level"]["task"] > 10 and {row["province"] for row in data["provinces"]} >= {"Thái Nguyên", "Hải Phòng", "Hà Tĩnh"}
    curve = client.get("/curve/eli/vn/tw/nq/2024/57")
    assert curve.headers["content-type"].startswith("image/svg+xml") and "Lan tỏa" in curve.text
    drawn = client.get("/map/eli/vn/tw/nq/2024/57")
    assert drawn.status_code == 200 and "script-src 'unsafe-inline'" in drawn.headers["content-security-policy"]
    assert "connect-src" not in drawn.headers["content-security-policy"] and "default-src 'none'" in drawn.headers["content-security-policy"]


def test_a_commune_beside_its_peers_and_a_task_up_to_the_policies(client):
    commune = client.get("/api/commune/unit/thai-nguyen/tich-luong").json()
    assert commune["province"] == "Thái Nguyên" and {row["commune"] for row in commune["peers"]} == {"Tích Lương", "Phan Đình Phùng"}
    task_page = next(task["page"] for task in client.get("/api/document/eli/vn/thai-nguyen/tich-luong/ubnd/kh/2026/04").json()["tasks"]
                     if client.get("/api" + task["page"]).json()["chains"])
    chains = client.get("/api" + task_page).json()["chains"]
    assert all(chain[-1]["level"] == "central" or chain[-1].get("kind") == "document" for chain in chains)


def test_pages_forbid_outside_sources_and_unknown_hosts(client):
    page = client.get("/")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "http" not in policy and "unsafe" not in policy
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400
    assert client.get("/document/eli/nothing/here").status_code == 404
    assert "error" in client.get("/api/document/eli/nothing/here").json()


def test_document_text_is_shown_as_text(tmp_path):
    from starlette.testclient import TestClient

    from vnlineage.graph.serve import create_app

    # Written as entities, which the reader decodes: the task's text holds the markup itself.
    hostile = plan_path("tich-luong").read_text(encoding="utf-8").replace(
        "Phát triển công nghiệp", "&lt;script&gt;alert('x')&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; Phát triển công nghiệp", 1)
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "hostile.txt").write_text(hostile, encoding="utf-8")
    store = tmp_path / "store"
    assert CliRunner().invoke(main, ["ingest", str(tmp_path / "plans"), "--store", str(store)]).exit_code == 0
    client = TestClient(create_app(str(store)), base_url="http://127.0.0.1:8000")
    plan = next(row for row in client.get("/api/search", params={"q": "tich luong"}).json()["results"] if row["kind"] == "plan")
    task = next(task for task in client.get("/api" + plan["page"]).json()["tasks"] if "<script>" in (task.get("text") or ""))
    pages = [client.get(plan["page"]).text, client.get(task["page"]).text, client.get("/search", params={"q": "script alert"}).text]
    assert all("&lt;script&gt;" in page for page in pages[:2])
    assert not any("<script>alert" in page or "<img src=x" in page for page in pages)


@pytest.fixture(scope="module")
def server(seeds_store):
    port = free_port()
    lineage = os.path.join(os.path.dirname(sys.executable), "lineage")
    before = files_fingerprint(seeds_store)
    process = subprocess.Popen([lineage, "serve", "--store", str(seeds_store), "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    wait_until_answering(process, base + "/api/", "lineage serve")
    yield base
    process.terminate()
    process.wait(timeout=20)
    assert files_fingerprint(seeds_store) == before, "the server wrote to the store"


def test_the_server_process_answers_on_loopback(server):
    with urllib.request.urlopen(server + "/api/search?q=57") as response:
        assert response.status == 200 and b"57-NQ/TW" in response.read()
    request = urllib.request.Request(server + "/", headers={"Host": "rebound.example:80"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 400


def test_binding_beyond_loopback_is_warned_about(seeds_store):
    from vnlineage.graph.serve import LOOPBACK

    assert "127.0.0.1" in LOOPBACK
    result = CliRunner().invoke(main, ["serve", "--store", str(seeds_store), "--host", "0.0.0.0", "--port", "not-a-port"])
    assert result.exit_code != 0  # the port is checked before anything is served
    lineage = os.path.join(os.path.dirname(sys.executable), "lineage")
    process = subprocess.Popen([lineage, "serve", "--store", str(seeds_store), "--host", "0.0.0.0", "--port", str(free_port())],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = process.stderr.readline().decode()
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert first.startswith("warning: listening on 0.0.0.0")


def test_a_person_goes_from_a_search_to_the_cascade_and_back(browser, server):
    page = browser.new_page(viewport={"width": 1300, "height": 950})
    outside, errors = [], []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(server) else None)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server + "/")
    page.fill("input[name=q]", "tich luong")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/search\?q=tich"))
    page.click("a[href='/commune/unit/thai-nguyen/tich-luong']")
    page.wait_for_url(re.compile(r"/commune/"))
    page.click("text=04/KH-UBND")
    page.wait_for_url(re.compile(r"/document/eli/vn/thai-nguyen/tich-luong"))
    page.click("text=Kế hoạch 155/KH-UBND — Thái Nguyên")
    page.wait_for_url(re.compile(r"/document/.*155"))
    page.click("a[href='/document/eli/vn/cp/nq/2025/71']")
    page.click("a[href='/document/eli/vn/tw/nq/2024/57']")
    page.click("text=Its cascade")
    page.wait_for_url(re.compile(r"/policy/eli/vn/tw/nq/2024/57"))
    page.wait_for_function("document.querySelector('img.curve').complete && document.querySelector('img.curve').naturalWidth > 0")
    page.frame_locator("iframe.map").locator("body").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "serve-policy-57.png"))
    page.go_back()
    page.wait_for_url(re.compile(r"/document/eli/vn/tw/nq/2024/57"))
    assert "57-NQ/TW" in page.title()
    assert outside == [] and errors == []
    page.close()
