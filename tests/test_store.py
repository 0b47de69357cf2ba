"""Stores (embedded, memory, a real Oxigraph server on loopback) and the commands that use them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from click.testing import CliRunner

from conftest import free_port, plan_path, wait_until_answering
from vnlineage.corpus.reader import find_documents
from vnlineage.graph.cli import main
from vnlineage.ontology.ingest import GraphWriter, load_vocabulary, prepare_document, write_prepared
from vnlineage.ontology.store import OxigraphStore, RemoteStore, open_store

OXIGRAPH = Path(sys.executable).parent / "oxigraph"

LINEAGE_OF_57 = """
PREFIX lin: <https://w3id.org/vn-lineage/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT DISTINCT ?symbol WHERE {
  ?doc (lin:implements|eli:amends)+ ?policy . ?policy eli:id_local "57-NQ/TW" . ?doc eli:id_local ?symbol .
} ORDER BY ?symbol
"""


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    if not OXIGRAPH.exists():
        pytest.fail("the oxigraph server (PyPI package 'oxigraph', in the test extra) is not installed")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    process = subprocess.Popen([str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    wait_until_answering(process, f"{url}/query?query=ASK%7B%7D", "oxigraph server", 30)
    yield url
    process.terminate()
    process.wait(timeout=10)


def _ingest(store, paths):
    load_vocabulary(store)
    for path in paths:
        prepared = prepare_document(path)
        assert prepared.error is None
        write_prepared(store, prepared)


def _ingest_new(store, paths):
    load_vocabulary(store)
    with GraphWriter(store) as writer:
        for path in paths:
            writer.write(prepare_document(path))


@pytest.fixture(scope="module")
def plans(plans_dir):
    return find_documents([plans_dir])


@pytest.mark.parametrize("kind", ["memory", "embedded", "remote"])
def test_every_store_answers_the_same(kind, plans, tmp_path, oxigraph_server):
    if kind == "memory":
        store = OxigraphStore(None)
    elif kind == "embedded":
        store = OxigraphStore(tmp_path / "store")
    else:
        store = RemoteStore(f"{oxigraph_server}/query")
        store.update("CLEAR ALL")
    with store:
        _ingest(store, plans)
        symbols = [row["symbol"] for row in store.query(LINEAGE_OF_57)]
        count = store.triple_count()
    assert {"155/KH-UBND", "71/NQ-CP", "03/NQ-CP"} <= set(symbols)
    reference = OxigraphStore(None)
    _ingest(reference, plans)
    assert [row["symbol"] for row in reference.query(LINEAGE_OF_57)] == symbols
    assert reference.triple_count() == count


def test_remote_store_through_the_command_line(plans_dir, oxigraph_server):
    RemoteStore(f"{oxigraph_server}/query").update("CLEAR ALL")
    result = run("ingest", str(plans_dir), "--store", oxigraph_server)
    assert result.exit_code == 0, result.output
    stats = json.loads(run("stats", "--store", oxigraph_server, "--format", "json").output)
    assert stats["plans"] == 5
    refused = CliRunner().invoke(main, ["sparql", "CLEAR ALL", "--store", oxigraph_server])
    assert refused.exit_code != 0 and "--allow-update" in refused.output
    assert json.loads(run("stats", "--store", oxigraph_server, "--format", "json").output)["plans"] == 5


@pytest.fixture()
def size_limited_server(oxigraph_server):
    """The Oxigraph server behind a proxy that refuses requests over a size, as nginx's
    `client_max_body_size` does (HTTP 413); set the limit through the returned dict."""
    limit = {"bytes": 10**9, "refused": 0}

    class Proxy(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if len(body) > limit["bytes"]:
                limit["refused"] += 1
                self._answer(413, b"<html><body>413 Request Entity Too Large</body></html>", "text/html")
                return
            request = urllib.request.Request(oxigraph_server + self.path, data=body, method="POST",
                                             headers={name: self.headers[name] for name in ("Content-Type", "Accept") if self.headers[name]})
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    self._answer(answer.status, answer.read(), answer.headers.get("Content-Type", "text/plain"))
            except urllib.error.HTTPError as error:
                self._answer(error.code, error.read(), "text/plain")

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    RemoteStore(f"{oxigraph_server}/query").update("CLEAR ALL")
    yield f"http://127.0.0.1:{proxy.server_address[1]}", limit
    proxy.shutdown()


def test_a_server_that_limits_request_size_gets_smaller_batches(plans, size_limited_server):
    url, limit = size_limited_server
    limit["bytes"] = 700_000  # the largest seed plan is 0.63 MB of N-Triples; the five together 1.6 MB
    store = RemoteStore(f"{url}/query")
    _ingest_new(store, plans)
    assert limit["refused"] >= 1
    reference = OxigraphStore(None)
    _ingest_new(reference, plans)
    assert store.triple_count() == reference.triple_count()
    assert [row["symbol"] for row in store.query(LINEAGE_OF_57)] == [row["symbol"] for row in reference.query(LINEAGE_OF_57)]


def test_a_document_larger_than_the_server_accepts_is_named_and_nothing_is_half_written(plans_dir, size_limited_server):
    url, limit = size_limited_server
    limit["bytes"] = 600_000  # above the catalogue graph (0.5 MB), below the An Dương plan (0.63 MB)
    result = CliRunner().invoke(main, ["ingest", str(plans_dir), "--store", url])
    assert result.exit_code != 0
    assert "hai-phong_an-duong_2026-2030_86-KH-UBND.txt" in result.output and "request size limit" in result.output
    store = RemoteStore(f"{url}/query")
    stored = store.graph_hashes()
    assert not any("an-duong" in graph for graph in stored)
    for graph in stored:
        if graph.endswith("/graph"):
            holds = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows[0]["n"]
            assert int(holds) > 100, graph


@pytest.fixture()
def ingested(plans_dir, tmp_path):
    store = tmp_path / "store"
    result = run("ingest", str(plans_dir), "--store", str(store))
    assert result.exit_code == 0, result.output
    return store


def _count(store: Path) -> int:
    with open_store(str(store), read_only=True) as opened:
        return opened.triple_count()


def test_reingesting_unchanged_documents_changes_nothing(plans_dir, ingested):
    before = _count(ingested)
    result = run("ingest", str(plans_dir), "--store", str(ingested))
    assert "0 new or changed, 5 unchanged" in result.output
    assert _count(ingested) == before


def test_reingesting_a_changed_document_replaces_its_triples(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    plan = folder / "plan.txt"
    original = plan_path("tich-luong").read_text(encoding="utf-8")
    plan.write_text(original, encoding="utf-8")
    store = tmp_path / "store"
    run("ingest", str(folder), "--store", str(store))
    plan.write_text(original.replace("Nghị quyết số 18-NQ/TW ngày 25/10/2017", "Nghị quyết số 19-NQ/TW ngày 25/10/2017"), encoding="utf-8")
    result = run("ingest", str(folder), "--store", str(store))
    assert "1 new or changed" in result.output
    symbols = {row["s"] for row in open_store(str(store), read_only=True).query(
        "SELECT ?s WHERE { GRAPH ?g { ?d <http://data.europa.eu/eli/ontology#id_local> ?s } FILTER(?g != <https://w3id.org/vn-lineage/graph/catalogue>) }")}
    assert "19-NQ/TW" in symbols and "18-NQ/TW" not in symbols


@pytest.mark.parametrize("where", ["memory", "embedded"])
def test_two_files_of_one_document_in_one_run_leave_the_later_version(tmp_path, where):
    folder = tmp_path / "plans"
    folder.mkdir()
    original = plan_path("tich-luong").read_text(encoding="utf-8")
    (folder / "a-draft.txt").write_text(original, encoding="utf-8")
    (folder / "b-final.txt").write_text(original.replace("Nghị quyết số 18-NQ/TW ngày 25/10/2017", "Nghị quyết số 19-NQ/TW ngày 25/10/2017"), encoding="utf-8")
    store = OxigraphStore(None if where == "memory" else tmp_path / "store")
    load_vocabulary(store)
    with GraphWriter(store) as writer:
        for path in sorted(folder.iterdir()):
            assert writer.write(prepare_document(path))
    symbols = {row["s"] for row in store.query(
        "SELECT ?s WHERE { GRAPH ?g { ?d <http://data.europa.eu/eli/ontology#id_local> ?s } FILTER(?g != <https://w3id.org/vn-lineage/graph/catalogue>) }")}
    assert "19-NQ/TW" in symbols and "18-NQ/TW" not in symbols
    assert len(store.graph_hashes()) == 3  # vocabulary, catalogue, the plan


def test_a_bad_file_is_reported_and_the_others_are_stored(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    shutil.copy(plan_path("tan-hung"), folder / "tan-hung.txt")
    result = CliRunner().invoke(main, ["ingest", str(folder), "--store", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "1 document(s) ingested" in result.output
    stats = json.loads(run("stats", "--store", str(tmp_path / "store"), "--format", "json").output)
    assert stats["plans"] == 1


def test_a_second_writer_gets_a_clear_error_and_the_store_stays_valid(plans_dir, ingested):
    holder = OxigraphStore(ingested)
    try:
        result = CliRunner().invoke(main, ["ingest", str(plans_dir), "--store", str(ingested)])
    finally:
        holder.close()
    assert result.exit_code != 0
    assert "another lineage process" in result.output
    assert run("validate", "--store", str(ingested)).exit_code == 0


def test_validate_passes_on_the_bundled_corpus(ingested):
    result = run("validate", "--store", str(ingested))
    assert result.exit_code == 0
    assert "0 violation(s)" in result.output


def test_turtle_export_round_trips(ingested, tmp_path):
    output = tmp_path / "graph.ttl"
    assert run("export", "--store", str(ingested), "--format", "ttl", "-o", str(output)).exit_code == 0
    parsed = rdflib.Graph().parse(output, format="turtle")
    with open_store(str(ingested), read_only=True) as store:
        distinct = len(store.ntriples().splitlines())
    assert len(parsed) == distinct > 5000


@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_network_exports_open_in_networkx(ingested, tmp_path, fmt, reader):
    output = tmp_path / f"graph.{fmt}"
    assert run("export", "--store", str(ingested), "--format", fmt, "-o", str(output)).exit_code == 0
    network = reader(output)
    labels = {data.get("label") for _, data in network.nodes(data=True)}
    assert "57-NQ/TW" in labels and network.number_of_edges() > 100


def test_csv_export_writes_node_and_edge_tables(ingested, tmp_path):
    output = tmp_path / "graph.csv"
    assert run("export", "--store", str(ingested), "--format", "csv", "-o", str(output)).exit_code == 0
    nodes = (tmp_path / "graph-nodes.csv").read_text(encoding="utf-8").splitlines()
    edges = (tmp_path / "graph-edges.csv").read_text(encoding="utf-8").splitlines()
    assert nodes[0].startswith("id,") and edges[0].startswith("source,target")
    assert any("Tích Lương" in line for line in nodes)


def test_jsonld_export(ingested):
    document = json.loads(run("export", "--store", str(ingested), "--format", "jsonld").output)
    assert "@context" in document or isinstance(document, list)


def test_sparql_query_and_guarded_update(ingested, tmp_path):
    table = run("sparql", LINEAGE_OF_57, "--store", str(ingested))
    assert "155/KH-UBND" in table.output
    query_file = tmp_path / "q.rq"
    query_file.write_text(LINEAGE_OF_57, encoding="utf-8")
    rows = json.loads(run("sparql", f"@{query_file}", "--store", str(ingested), "--format", "json").output)["rows"]
    assert {"symbol": "71/NQ-CP"} in rows
    refused = CliRunner().invoke(main, ["sparql", "DELETE WHERE { ?s ?p ?o }", "--store", str(ingested)])
    assert refused.exit_code != 0 and "--allow-update" in refused.output
    assert _count(ingested) > 5000


def test_stats(ingested):
    numbers = json.loads(run("stats", "--store", str(ingested), "--format", "json").output)
    assert numbers["plans"] == 5 and numbers["communes"] == 5
    assert numbers["documents_by_level"]["central"] > 10
    assert any(row["relation"] == "implements" and row["method"] == "explicit" for row in numbers["relations_by_type_and_method"])
    assert numbers["tasks"] > 100 and numbers["indicators"] > 100
