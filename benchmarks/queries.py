"""Query times on a folder of plans: projection cold and cached, then each query warm.

    python benchmarks/queries.py corpus/plans [--runs 50]

Ingests into a temporary embedded store, then reports the cold projection (built
from the store), the cached projection (loaded from its cache), and p50/p95 of each
query on the loaded projection.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from vnlineage.graph import queries
from vnlineage.graph.cache import cache_path, load_projection
from vnlineage.ontology.ingest import load_vocabulary, prepare_document, write_prepared
from vnlineage.ontology.store import open_store
from vnlineage.corpus.reader import find_documents


def timed(function, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--runs", type=int, default=50)
    arguments = parser.parse_args()
    documents = find_documents(arguments.paths)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"{folder}/store")
        started = time.perf_counter()
        load_vocabulary(store)
        for path in documents:
            write_prepared(store, prepare_document(path))
        print(f"ingest of {len(documents)} documents: {time.perf_counter() - started:.2f} s, {store.triple_count()} triples")
        started = time.perf_counter()
        graph = load_projection(store)
        print(f"projection, cold (built from the store): {(time.perf_counter() - started) * 1000:.0f} ms, {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")
        cold_p50, cold_p95 = timed(lambda: (cache_path(store).unlink(missing_ok=True), load_projection(store)), 5)
        warm_p50, warm_p95 = timed(lambda: load_projection(store), arguments.runs)
        print(f"projection rebuild p50 {cold_p50:.1f} ms; from cache p50 {warm_p50:.1f} ms p95 {warm_p95:.1f} ms")
        for label, function in (
            ("trace 57-NQ/TW", lambda: queries.trace(graph, "57-NQ/TW")),
            ("coverage", lambda: queries.coverage(graph)),
            ("latency 57-NQ/TW", lambda: queries.latency(graph, "57-NQ/TW")),
            ("gaps 57-NQ/TW", lambda: queries.gaps(graph, "57-NQ/TW")),
            ("indicators bảo hiểm y tế", lambda: queries.indicators(graph, "bảo hiểm y tế")),
        ):
            p50, p95 = timed(function, arguments.runs)
            print(f"{label:<26} warm p50 {p50:7.2f} ms  p95 {p95:7.2f} ms")
        store.close()


if __name__ == "__main__":
    main()
