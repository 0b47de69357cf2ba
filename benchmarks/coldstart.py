"""What a user waits for: each query command end to end, in a new process, on a store.

    python benchmarks/coldstart.py --store /tmp/bench/store [--runs 5] [--warm-runs 20] [--results benchmarks/RESULTS.md]

Every run starts `lineage` afresh (interpreter start, imports, projection load, the
query, printing), as a shell user does.  The arguments (a policy, a commune, a task, a
plan) are taken from the store's own projection before the timed runs.  Reports the
median and the spread of the runs, and the lines each command prints.  Then the same
questions warm, through the Python API (`vnlineage.open(store)`, each question asked
once to load what it reads, then timed), as a notebook asks them (p50 and p95).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vnlineage.graph.cache import load_projection
from queries import timed  # benchmarks/queries.py, beside this file
from vnlineage.graph import queries
from vnlineage.ontology.store import open_store

POLICY = "57-NQ/TW"


def _lineage() -> str:
    beside = Path(sys.executable).with_name("lineage")
    return str(beside) if beside.exists() else (shutil.which("lineage") or "lineage")


def _whole_projection(store: str):
    with open_store(store, read_only=True) as opened:
        return load_projection(opened)


def _arguments(store: str, graph=None) -> dict[str, str]:
    """A commune, a task and a plan of the policy's cascade, for the commands that need one."""
    graph = graph if graph is not None else _whole_projection(store)
    items = queries.trace(graph, POLICY)["items"]
    plan = next(item for item in items if item["kind"] == "plan" and item.get("commune"))
    task = next(item for item in items if item["kind"] == "task")
    return {"commune": plan["commune"], "task": task["id"], "plan": plan["id"]}


def commands(store: str, output: Path) -> list[tuple[str, list[str]]]:
    found = _arguments(store)
    return [
        ("trace", ["trace", POLICY]),
        ("ancestry", ["ancestry", found["task"]]),
        ("coverage", ["coverage"]),
        ("gaps", ["gaps", POLICY]),
        ("latency", ["latency", POLICY]),
        ("offices", ["offices", "--commune", found["commune"]]),
        ("indicators", ["indicators", "bảo hiểm y tế"]),
        ("tasks", ["tasks", "--commune", found["commune"]]),
        ("path", ["path", found["plan"], POLICY]),
        ("stats", ["stats"]),
        ("map", ["map", POLICY, "-o", str(output / "map.html")]),
    ]


def measure(store: str, runs: int) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for label, arguments in commands(store, Path(folder)):
            seconds, lines = [], 0
            for _ in range(runs):
                started = time.perf_counter()
                done = subprocess.run([_lineage(), *arguments, "--store", store], capture_output=True, text=True)
                seconds.append(time.perf_counter() - started)
                if done.returncode != 0:
                    raise SystemExit(f"lineage {' '.join(arguments)} failed: {done.stderr[-500:]}")
                lines = done.stdout.count("\n")
            results.append({"command": label, "median": statistics.median(seconds), "fastest": min(seconds),
                            "slowest": max(seconds), "lines": lines})
            print(f"{label:<11} median {statistics.median(seconds):6.2f} s  ({min(seconds):.2f}–{max(seconds):.2f})  {lines} lines", flush=True)
    return results


def warm_questions(kg, found: dict[str, str]) -> list[tuple[str, object]]:
    return [
        ("trace", lambda: kg.trace(POLICY)),
        ("ancestry", lambda: kg.ancestry(found["task"])),
        ("coverage", lambda: kg.coverage()),
        ("gaps", lambda: kg.gaps(POLICY)),
        ("latency", lambda: kg.latency(POLICY)),
        ("offices", lambda: kg.offices(commune=found["commune"])),
        ("indicators", lambda: kg.indicators("bảo hiểm y tế")),
        ("tasks", lambda: kg.tasks(commune=found["commune"])),
        ("path", lambda: kg.path(found["plan"], POLICY)),
    ]


def measure_warm(store: str, runs: int) -> list[dict]:
    """Each question `runs` times on one KnowledgeGraph, after one that loads what it reads."""
    import vnlineage

    found = _arguments(store)
    kg = vnlineage.open(store)
    results = []
    for label, query in warm_questions(kg, found):
        query()
        p50, p95 = timed(query, runs)
        results.append({"command": label, "p50": p50, "p95": p95})
        print(f"{label:<11} warm p50 {results[-1]['p50']:7.1f} ms  p95 {results[-1]['p95']:7.1f} ms", flush=True)
    return results


def report(results: list[dict], warm: list[dict], store: str, runs: int, warm_runs: int) -> str:
    rows = "\n".join(f"| `{item['command']}` | {item['median']:.2f} s | {item['fastest']:.2f}–{item['slowest']:.2f} s | {item['lines']} |" for item in results)
    warm_rows = "\n".join(f"| `{item['command']}` | {item['p50']:.1f} ms | {item['p95']:.1f} ms |" for item in warm)
    return (f"\n## Cold start, {time.strftime('%Y-%m-%d %H:%M')}: each command in a new process\n\n"
            f"Store `{store}`, {runs} runs a command (`benchmarks/coldstart.py`).\n\n"
            "| command | median | spread | lines printed |\n|---|---|---|---|\n" + rows + "\n"
            + (f"\nWarm, through the Python API on the whole projection loaded once, {warm_runs} runs a query:\n\n"
               "| query | p50 | p95 |\n|---|---|---|\n" + warm_rows + "\n" if warm else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warm-runs", type=int, default=20, help="Runs of each query through the API (0: none).")
    parser.add_argument("--results", default=None, help="Append the table to this Markdown file.")
    arguments = parser.parse_args()
    results = measure(arguments.store, arguments.runs)
    warm = measure_warm(arguments.store, arguments.warm_runs) if arguments.warm_runs else []
    if arguments.results:
        with open(arguments.results, "a", encoding="utf-8") as handle:
            handle.write(report(results, warm, arguments.store, arguments.runs, arguments.warm_runs))


if __name__ == "__main__":
    main()
