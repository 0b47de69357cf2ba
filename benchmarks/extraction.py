"""Extraction speed on a folder of plans: reading, layout, structure, and the full extract.

    python benchmarks/extraction.py corpus/plans [--repeat 20]

Reports MB/s (of original file bytes) and documents/s for one process.  The first
pass warms the pipeline (spaCy and pattern compilation) and is not timed.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

from vnlineage.corpus.extract import extract_text
from vnlineage.corpus.layout import lay_out
from vnlineage.corpus.reader import find_documents, read_text
from vnlineage.corpus.structure import parse_structure


def measure(paths: list[Path], repeat: int) -> dict[str, float]:
    size = sum(path.stat().st_size for path in paths)
    for path in paths:
        extract_text(read_text(path))
    timings = {}
    for label, step in (
        ("read + normalize", lambda path: read_text(path)),
        ("read + layout", lambda path: lay_out(read_text(path))),
        ("read + structure", lambda path: parse_structure(lay_out(read_text(path)).text)),
        ("full extract", lambda path: extract_text(read_text(path))),
    ):
        started = time.perf_counter()
        for _ in range(repeat):
            for path in paths:
                step(path)
        elapsed = time.perf_counter() - started
        timings[label] = elapsed
        documents = repeat * len(paths)
        print(f"{label:<18} {elapsed / documents * 1000:8.1f} ms/doc  {documents / elapsed:8.1f} docs/s  {size * repeat / elapsed / 1e6:6.2f} MB/s")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=20)
    arguments = parser.parse_args()
    paths = find_documents(arguments.paths)
    size = sum(path.stat().st_size for path in paths)
    print(f"{len(paths)} documents, {size / 1e3:.0f} kB, Python {platform.python_version()} on {platform.machine()}, one process")
    measure(paths, arguments.repeat)


if __name__ == "__main__":
    main()
