"""National-scale benchmark: one command, a dated section appended to benchmarks/RESULTS.md.

    python benchmarks/run.py [--plans 3321] [--sample 300] [--no-browser]

Generates the synthetic corpus (benchmarks/synth.py), then measures: extraction
throughput with one process and with every core, extraction F1 against the
synthetic truth, end-to-end `lineage ingest --jobs 0` into the embedded store and
its size on disk, `lineage validate`, the projection's cold load, warm query times (p50/p95), the
national and 57-NQ/TW maps (build time, size, time until interactive in Chromium),
the peak RSS of each step, and side by side: trace through NetworkX vs a SPARQL
property path on Oxigraph vs rdflib (on a sample), the project's map vs pyvis's
`Network.from_nx`, and text reuse through LSH vs exhaustive comparison (the
exhaustive side alone takes 13–15 minutes on its 500-plan sample; the whole run took
20 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from queries import timed as _percentiles  # noqa: E402
from synth import generate  # noqa: E402

LINEAGE = Path(sys.executable).parent / "lineage"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run(command: list[str], **kwargs) -> tuple[float, float, subprocess.CompletedProcess]:
    """(seconds, peak RSS of the command in MB, result), the RSS from GNU time when it is there."""
    timer = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    report = Path(tempfile.mktemp())
    wrapped = [timer, "-f", "%M", "-o", str(report)] + command if timer else command
    started = time.perf_counter()
    result = subprocess.run(wrapped, capture_output=True, text=True, **kwargs)
    seconds = time.perf_counter() - started
    rss = float(report.read_text().strip().splitlines()[-1]) / 1024 if timer and report.exists() else float("nan")
    report.unlink(missing_ok=True)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr[-2000:]}")
    return seconds, rss, result


def _extract_summary(path: str) -> tuple[str, list[str], list[list[str]], int]:
    from vnlineage.corpus.extract import extract_file

    record = extract_file(path)
    pairs = [[relation.subject, relation.object] for relation in record.relations if relation.subject != "self" and relation.method == "explicit"]
    return Path(path).name, [reference.symbol for reference in record.references if reference.symbol], pairs, Path(path).stat().st_size


def _f1(found: dict, truth: dict, field: str) -> float:
    true_positive = false_positive = false_negative = 0
    for name, expected in truth.items():
        want = {tuple(item) if isinstance(item, list) else item for item in expected[field]}
        got = {tuple(item) if isinstance(item, list) else item for item in found.get(name, {}).get(field, [])}
        true_positive += len(got & want)
        false_positive += len(got - want)
        false_negative += len(want - got)
    precision = true_positive / max(1, true_positive + false_positive)
    recall = true_positive / max(1, true_positive + false_negative)
    return 2 * precision * recall / max(1e-9, precision + recall)


def measure(plans: int, sample: int, browser: bool, workdir: Path) -> dict:
    results: dict = {"plans": plans}
    started = time.perf_counter()
    folder = generate(workdir / "corpus", plans)
    results["generate_s"] = time.perf_counter() - started
    paths = sorted(str(path) for path in folder.glob("*.txt"))
    size = sum(Path(path).stat().st_size for path in paths)
    results["corpus_mb"] = size / 1e6
    truth = {json.loads(line)["file"]: json.loads(line) for line in open(workdir / "corpus" / "truth.jsonl", encoding="utf-8")}

    # Extraction: one process on a sample, then every core on the whole corpus (which also gives F1).
    from vnlineage.corpus.extract import extract_file

    extract_file(paths[0])
    chosen = paths[:sample]
    started = time.perf_counter()
    for path in chosen:
        extract_file(path)
    elapsed = time.perf_counter() - started
    chosen_size = sum(Path(path).stat().st_size for path in chosen)
    results["extract_1proc_mb_s"] = chosen_size / elapsed / 1e6
    results["extract_1proc_plans_s"] = len(chosen) / elapsed
    results["extract_1proc_rss_mb"] = _rss_mb()
    cores = os.cpu_count() or 1
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=cores) as pool:
        summaries = list(pool.map(_extract_summary, paths, chunksize=16))
    elapsed = time.perf_counter() - started
    results["extract_all_cores"] = cores
    results["extract_all_mb_s"] = size / elapsed / 1e6
    results["extract_all_plans_s"] = len(paths) / elapsed
    found = {name: {"references": symbols, "pairs": pairs} for name, symbols, pairs, _ in summaries}
    results["f1_references"] = _f1(found, truth, "references")
    results["f1_pairs"] = _f1(found, truth, "pairs")

    # End-to-end ingest into the embedded store.
    store = workdir / "store"
    seconds, rss, result = _run([str(LINEAGE), "ingest", str(folder), "--store", str(store), "--jobs", "0"])
    results["ingest_s"], results["ingest_rss_mb"] = seconds, rss
    results["ingest_summary"] = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-300:]
    results["store_mb"] = sum(path.stat().st_size for path in store.rglob("*") if path.is_file()) / 1e6
    seconds, rss, result = _run([str(LINEAGE), "validate", "--store", str(store)])
    results["validate_s"], results["validate_rss_mb"] = seconds, rss
    results["validate_summary"] = result.stdout.strip().splitlines()[0] if result.stdout.strip() else result.stderr[-300:]

    # Projection: cold in a fresh process, with and without its cache.
    probe = ("import sys, time; from vnlineage.ontology.store import open_store; from vnlineage.graph.cache import load_projection; "
             "s = open_store(sys.argv[1], read_only=True); t = time.perf_counter(); g = load_projection(s); "
             "print(time.perf_counter() - t, g.number_of_nodes(), g.number_of_edges())")
    cache = store.with_name(store.name + ".projection")
    seconds, rss, result = _run([sys.executable, "-c", probe, str(store)])
    load, nodes, edges = result.stdout.split()
    results.update(projection_cold_s=float(load), projection_process_s=seconds, projection_rss_mb=rss, nodes=int(nodes), edges=int(edges))
    cache.unlink(missing_ok=True)
    seconds, rss, result = _run([sys.executable, "-c", probe, str(store)])
    results.update(projection_build_s=float(result.stdout.split()[0]), projection_build_rss_mb=rss)

    # Queries on the loaded projection.
    from vnlineage.graph import queries
    from vnlineage.graph.cache import load_projection
    from vnlineage.ontology.store import open_store

    opened = open_store(str(store), read_only=True)
    graph = load_projection(opened)
    for label, function in (("trace", lambda: queries.trace(graph, "57-NQ/TW")), ("coverage", lambda: queries.coverage(graph)),
                            ("latency", lambda: queries.latency(graph, "57-NQ/TW"))):
        started = time.perf_counter()
        function()
        results[f"{label}_first_ms"] = (time.perf_counter() - started) * 1000
        results[f"{label}_p50_ms"], results[f"{label}_p95_ms"] = _percentiles(function, 20 if label != "coverage" else 5)

    # Side by side: the same cascade through NetworkX, Oxigraph (property path) and rdflib (sample).
    from vnlineage.ontology.catalogue import catalogue_iri

    target = catalogue_iri("57-NQ/TW")
    path_query = ("PREFIX lin: <https://w3id.org/vn-lineage/ontology#> PREFIX eli: <http://data.europa.eu/eli/ontology#> "
                  f"SELECT DISTINCT ?x WHERE {{ ?x (lin:implements|lin:continues|eli:amends|eli:based_on)+ <{target}> }}")
    results["sparql_oxigraph_p50_ms"], _ = _percentiles(lambda: opened.query(path_query), 5)
    results["sparql_oxigraph_items"] = len(opened.query(path_query).rows)
    results["trace_items"] = len(queries.trace(graph, "57-NQ/TW")["items"])
    results.update(_sample_side_by_side(opened, path_query, sample))
    opened.close()
    gc.collect()  # the maps below are timed without the sample's rdflib objects beside them

    # Maps: the project's (aggregated national and the 57 cascade) and pyvis's from_nx on the same cascade.
    from vnlineage.graph.maps import build_map, write_map

    for label, policy in (("map_national", None), ("map_57", "57-NQ/TW")):
        started = time.perf_counter()
        data = build_map(graph, policy)
        output = write_map(data, workdir / f"{label}.html")
        results[f"{label}_build_s"] = time.perf_counter() - started
        results[f"{label}_html_mb"] = output.stat().st_size / 1e6
        results[f"{label}_nodes"] = len(data["nodes"])
        if browser:
            results[f"{label}_interactive_s"] = _time_to_interactive(output)
    from pyvis.network import Network

    cascade = {item["id"] for item in queries.trace(graph, "57-NQ/TW")["items"]} | {queries.trace(graph, "57-NQ/TW")["policy"]["id"]}
    subgraph = graph.subgraph(cascade).copy()
    for _, attributes in subgraph.nodes(data=True):
        for key, value in list(attributes.items()):
            if isinstance(value, list):
                attributes[key] = "; ".join(value)
    for _, _, attributes in subgraph.edges(data=True):
        if "source" in attributes:  # pyvis's add_edge takes `source` as the edge's first node
            attributes["source_file"] = attributes.pop("source")
    started = time.perf_counter()
    network = Network(directed=True)
    network.from_nx(subgraph)
    network.generate_html()
    results["from_nx_s"] = time.perf_counter() - started

    # Text reuse: LSH against exhaustive comparison of every passage pair, on a sample.
    from vnlineage.corpus.reader import read_text
    from vnlineage.corpus.reuse import find_reuse, reuse_document

    reuse_sample = paths[: min(500, len(paths))]
    documents = []
    for path in reuse_sample:
        text = read_text(path)
        documents.append(reuse_document(extract_file(path), text))
    started = time.perf_counter()
    lsh_links = {tuple(sorted((link.first.key, link.second.key))) for link in find_reuse(documents)}
    results["reuse_lsh_s"] = time.perf_counter() - started
    started = time.perf_counter()
    exhaustive = _exhaustive_reuse(documents)
    results["reuse_exhaustive_s"] = time.perf_counter() - started
    agreement = len(lsh_links & exhaustive) / max(1, len(lsh_links | exhaustive))
    results.update(reuse_sample=len(reuse_sample), reuse_lsh_pairs=len(lsh_links), reuse_exhaustive_pairs=len(exhaustive), reuse_agreement=agreement,
                   reuse_recall=len(lsh_links & exhaustive) / max(1, len(exhaustive)), reuse_precision=len(lsh_links & exhaustive) / max(1, len(lsh_links)))
    results["benchmark_rss_mb"] = _rss_mb()
    return results


def _sample_side_by_side(opened, path_query: str, sample: int) -> dict:
    """The property path on `sample` plans' graphs: Oxigraph in memory vs rdflib."""
    import rdflib

    from vnlineage.ontology.store import open_store

    results: dict = {}
    sample_graphs = [row["g"] for row in opened.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?p a <https://w3id.org/vn-lineage/ontology#Plan> } }").rows[:sample]]
    sample_graphs.append("https://w3id.org/vn-lineage/graph/catalogue")
    ntriples = "".join(opened.graph_ntriples(name) for name in sample_graphs)
    small = open_store("memory")
    small.load_ntriples(ntriples)
    started = time.perf_counter()
    rdf = rdflib.Graph().parse(data=ntriples, format="nt")
    results["rdflib_load_s"] = time.perf_counter() - started
    results["sample_triples"] = len(rdf)
    results["sparql_sample_oxigraph_p50_ms"], _ = _percentiles(lambda: small.query(path_query), 5)
    results["sparql_sample_rdflib_p50_ms"], _ = _percentiles(lambda: list(rdf.query(path_query)), 3)
    return results


def _exhaustive_reuse(documents) -> set[tuple[str, str]]:
    """The links `find_reuse` would make if it aligned every pair of passages that share a
    shingle that is not boilerplate, instead of the pairs LSH proposes: the same alignment
    and the same boilerplate rules, no hashing; the reference LSH's result is checked against."""
    from collections import Counter, defaultdict

    from vnlineage.corpus.reuse import _aligned_runs, _quoted_shingles, is_boilerplate

    frequency: Counter = Counter()
    for document in documents:
        frequency.update(set().union(*(passage.shingles for passage in document.passages)) if document.passages else set())
    common = max(3, 0.5 * len(documents))
    index: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for document_index, document in enumerate(documents):
        for passage_index, passage in enumerate(document.passages):
            for shingle in passage.shingles:
                if frequency[shingle] < common and shingle not in _quoted_shingles():
                    index[shingle].append((document_index, passage_index))
    candidates = set()
    for holders in index.values():
        for position, first in enumerate(holders):
            for second in holders[position + 1 :]:
                if first[0] != second[0]:
                    candidates.add((first, second) if first < second else (second, first))
    found: set[tuple[str, str]] = set()
    for (first_document, first_passage), (second_document, second_passage) in sorted(candidates):
        pair = tuple(sorted((documents[first_document].key, documents[second_document].key)))
        if pair in found:
            continue
        first, second = documents[first_document].passages[first_passage], documents[second_document].passages[second_passage]
        if any(not is_boilerplate(first.words[run[0] : run[1]], frequency, common) for run in _aligned_runs(first, second, 12)):
            found.add(pair)
    return found


def _time_to_interactive(path: Path) -> float:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return float("nan")
    chromium = shutil.which("chromium")
    if not chromium:
        return float("nan")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        started = time.perf_counter()
        page.goto(path.resolve().as_uri())
        page.wait_for_function("window.lineageMap && window.lineageMap.ready", timeout=120000)
        seconds = time.perf_counter() - started
        browser.close()
    return seconds


def report(results: dict) -> str:
    machine = f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores"
    try:
        memory = int(open("/proc/meminfo").read().split()[1]) / 1024 / 1024
        machine += f", {memory:.0f} GiB"
    except OSError:
        pass
    r = results
    lines = [
        f"## {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC — {r['plans']} plans ({r['corpus_mb']:.1f} MB)",
        "", f"Machine: {machine}", "",
        "| measure | value | target |", "|---|---|---|",
        f"| extraction, 1 process | {r['extract_1proc_mb_s']:.2f} MB/s, {r['extract_1proc_plans_s']:.1f} plans/s | ≥ 1 MB/s per core |",
        f"| extraction, {r['extract_all_cores']} processes | {r['extract_all_mb_s']:.2f} MB/s, {r['extract_all_plans_s']:.1f} plans/s | |",
        f"| extraction F1 against the synthetic truth | references {r['f1_references']:.4f}, pairs {r['f1_pairs']:.4f} | ≥ 0.99 |",
        f"| `lineage ingest --jobs 0`, end to end | {r['ingest_s']:.1f} s, peak RSS {r['ingest_rss_mb']:.0f} MB | ≤ 120 s |",
        f"| store on disk | {r['store_mb']:.0f} MB | |",
        f"| `lineage validate` (SHACL) | {r['validate_s']:.1f} s, peak RSS {r['validate_rss_mb']:.0f} MB: {r['validate_summary']} | |",
        f"| projection, cold load in a new process (the cache ingest writes) | {r['projection_cold_s']:.2f} s ({r['nodes']} nodes, {r['edges']} edges), process {r['projection_process_s']:.1f} s, RSS {r['projection_rss_mb']:.0f} MB | ≤ 10 s |",
        f"| projection, rebuilt from the store (no cache) | {r['projection_build_s']:.2f} s, RSS {r['projection_build_rss_mb']:.0f} MB | |",
        f"| `trace 57-NQ/TW` | first {r['trace_first_ms']:.1f} ms, warm p50 {r['trace_p50_ms']:.1f} ms, p95 {r['trace_p95_ms']:.1f} ms | p50 ≤ 50 ms |",
        f"| `coverage` | first {r['coverage_first_ms']:.0f} ms, warm p50 {r['coverage_p50_ms']:.0f} ms, p95 {r['coverage_p95_ms']:.0f} ms | ≤ 1 s |",
        f"| `latency 57-NQ/TW` | first {r['latency_first_ms']:.1f} ms, warm p50 {r['latency_p50_ms']:.1f} ms, p95 {r['latency_p95_ms']:.1f} ms | |",
        f"| national map (aggregated) | built {r['map_national_build_s']:.2f} s, {r['map_national_html_mb']:.2f} MB, {r['map_national_nodes']} nodes, interactive {r.get('map_national_interactive_s', float('nan')):.2f} s | ≤ 5 s, ≤ 3 s |",
        f"| 57-NQ/TW map | built {r['map_57_build_s']:.2f} s, {r['map_57_html_mb']:.2f} MB, {r['map_57_nodes']} nodes, interactive {r.get('map_57_interactive_s', float('nan')):.2f} s | |",
        f"| benchmark process peak RSS | {r['benchmark_rss_mb']:.0f} MB | ≤ 4 GB |",
        "", "Side by side:", "",
        f"- trace 57-NQ/TW, whole corpus: NetworkX p50 {r['trace_p50_ms']:.1f} ms ({r['trace_items']} items, documents and tasks) vs SPARQL property path on Oxigraph p50 {r['sparql_oxigraph_p50_ms']:.1f} ms ({r['sparql_oxigraph_items']} items): Oxigraph/NetworkX = {r['sparql_oxigraph_p50_ms'] / max(1e-9, r['trace_p50_ms']):.1f}×.",
        f"- the same property path on a sample ({r['sample_triples']} triples): Oxigraph p50 {r['sparql_sample_oxigraph_p50_ms']:.1f} ms vs rdflib p50 {r['sparql_sample_rdflib_p50_ms']:.1f} ms (rdflib/Oxigraph = {r['sparql_sample_rdflib_p50_ms'] / max(1e-9, r['sparql_sample_oxigraph_p50_ms']):.0f}×; rdflib took {r['rdflib_load_s']:.1f} s to load the sample).",
        f"- the 57-NQ/TW map: the project's builder {r['map_57_build_s']:.2f} s vs pyvis `Network.from_nx` + `generate_html` {r['from_nx_s']:.2f} s on the same cascade.",
        f"- text reuse on {r['reuse_sample']} plans: LSH {r['reuse_lsh_s']:.1f} s ({r['reuse_lsh_pairs']} linked pairs) vs exhaustive {r['reuse_exhaustive_s']:.1f} s ({r['reuse_exhaustive_pairs']} pairs); agreement (Jaccard of the pair sets) {r['reuse_agreement']:.3f}; LSH finds {r['reuse_recall']:.3f} of the exhaustive pairs, and {r['reuse_precision']:.3f} of its pairs are among them.",
        "", f"Ingest: {r['ingest_summary']}", "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=3321)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--results", default=str(HERE / "RESULTS.md"))
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        results = measure(arguments.plans, arguments.sample, not arguments.no_browser, Path(folder))
    text = report(results)
    with open(arguments.results, "a", encoding="utf-8") as handle:
        handle.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
