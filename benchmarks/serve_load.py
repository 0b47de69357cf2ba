"""A bounded load test of `lineage serve` on loopback: start time, then latency per page
kind at a number of concurrent clients, and any error.

    python benchmarks/serve_load.py --store /tmp/bench/store [--clients 8] [--requests 400] [--results benchmarks/RESULTS.md]

The server runs as a user starts it (`lineage serve`, a new process); the pages asked for
are drawn from the store itself (its plans, communes, tasks, and searches for their names),
with a fixed seed, so two runs ask the same questions.  Each client keeps one connection,
as a browser does, and asks its share one after the other.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path


def _lineage() -> str:
    beside = Path(sys.executable).with_name("lineage")
    return str(beside) if beside.exists() else (shutil.which("lineage") or "lineage")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def start(store: str, port: int) -> tuple[subprocess.Popen, float]:
    started = time.perf_counter()
    process = subprocess.Popen([_lineage(), "serve", "--store", store, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            status, _ = _get(connection, "/api/search?q=x")
            connection.close()
            if status == 200:
                return process, time.perf_counter() - started
        except OSError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"lineage serve stopped: {process.stderr.read().decode()[-800:]}")
        time.sleep(0.1)


def questions(port: int, count: int, seed: int = 2026) -> list[tuple[str, str]]:
    """(kind, path) pairs drawn from the store through the server's own JSON: plans and
    communes of every province, searches for their names, the first policies' pages."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    home = json.loads(_get(connection, "/api/")[1])
    policies = [row["policy_page"] for row in home["policies"][:8]]
    provinces = [row["province"] for row in json.loads(_get(connection, "/api" + policies[0])[1])["provinces"] if row["province"]]
    plans, names = [], []
    for province in provinces:
        found = json.loads(_get(connection, "/api/search?q=" + urllib.parse.quote(province))[1])["results"]
        plans += [row["page"] for row in found if row["kind"] == "plan"]
        names += [row["commune"] for row in found if row["kind"] == "plan" and row.get("commune")]
    connection.close()
    communes = sorted({f"/commune/unit/{plan.split('/')[4]}/{plan.split('/')[5]}" for plan in plans})
    generator = random.Random(seed)
    searches = ["/search?q=" + urllib.parse.quote(name) for name in names] + \
               ["/search?q=" + urllib.parse.quote(word) for word in ("57", "tich luong", "an duong", "nghi quyet 66", "chuyen doi so", "phuong")]
    documents = plans + [policy.replace("/policy/", "/document/") for policy in policies]
    kinds = [("document", documents), ("commune", communes), ("search", searches)]
    asked = [(kind, generator.choice(paths)) for kind, paths in kinds for _ in range(count // 3)]
    asked += [("policy", generator.choice(policies)) for _ in range(max(16, count // 30))]
    generator.shuffle(asked)
    return asked


def load(port: int, asked: list[tuple[str, str]], clients: int) -> tuple[dict[str, list[float]], list[str], float]:
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    shares = [asked[index::clients] for index in range(clients)]

    def client(share: list[tuple[str, str]]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for kind, path in share:
            began = time.perf_counter()
            try:
                status, _ = _get(connection, path)
            except (OSError, http.client.HTTPException) as error:
                status = f"{type(error).__name__}: {error}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            seconds = time.perf_counter() - began
            with lock:
                timings[kind].append(seconds)
                if status != 200:
                    errors.append(f"{path}: {status}")
        connection.close()

    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, errors, time.perf_counter() - began


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--results", default=None, help="Append the table to this Markdown file.")
    arguments = parser.parse_args()
    port = _free_port()
    process, startup = start(arguments.store, port)
    try:
        asked = questions(port, arguments.requests)
        timings, errors, wall = load(port, asked, arguments.clients)
    finally:
        process.terminate()
        process.wait(timeout=30)
    targets = {"document": "≤ 0.3 s", "commune": "≤ 0.3 s", "search": "≤ 0.3 s", "policy": "≤ 1 s"}
    distinct = {kind: len({path for asked_kind, path in asked if asked_kind == kind}) for kind in timings}
    rows = [f"| {kind} | {len(samples)} ({distinct[kind]} distinct) | {statistics.median(samples) * 1000:.0f} ms | {_p95(samples) * 1000:.0f} ms | {max(samples) * 1000:.0f} ms | {targets.get(kind, '')} |"
            for kind, samples in sorted(timings.items())]
    report = (f"\n## lineage serve under load, {time.strftime('%Y-%m-%d %H:%M')}\n\n"
              f"Store `{arguments.store}`; {arguments.clients} clients on loopback, {len(asked)} requests in {wall:.1f} s "
              f"({len(asked) / wall:.0f}/s); start {startup:.1f} s (target ≤ 10 s); errors: {len(errors)}.\n\n"
              "| page | requests | p50 | p95 | slowest | target (p95) |\n|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n")
    print(report)
    for error in errors[:10]:
        print("error:", error)
    if arguments.results:
        with open(arguments.results, "a", encoding="utf-8") as handle:
            handle.write(report)


if __name__ == "__main__":
    main()
