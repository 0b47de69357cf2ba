"""The synthetic national corpus (benchmarks/synth.py): deterministic, and read back exactly."""

from __future__ import annotations

import json
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from synth import generate  # noqa: E402

from vnlineage.corpus.extract import extract_file  # noqa: E402


def test_the_generator_is_deterministic(tmp_path):
    first = generate(tmp_path / "a", plans=6, seed=7)
    second = generate(tmp_path / "b", plans=6, seed=7)
    assert [path.read_bytes() for path in sorted(first.glob("*.txt"))] == [path.read_bytes() for path in sorted(second.glob("*.txt"))]


def test_extraction_matches_the_ground_truth(tmp_path):
    folder = generate(tmp_path, plans=12, seed=11)
    for line in (tmp_path / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        truth = json.loads(line)
        record = extract_file(folder / truth["file"])
        assert {reference.symbol for reference in record.references if reference.symbol} == set(truth["references"]), truth["file"]
        pairs = {(relation.subject, relation.object) for relation in record.relations if relation.subject != "self" and relation.method == "explicit"}
        assert pairs == {tuple(pair) for pair in truth["pairs"]}, truth["file"]
        assert (record.document.province, record.document.commune) == (truth["province"], truth["commune"])
        sections: dict[str, set[str]] = {}
        for task in record.tasks:
            sections.setdefault(task.section, set()).update(task.implements)
        for section, symbols in truth["tasks"].items():
            assert any(key.endswith(section) and set(symbols) <= implements for key, implements in sections.items()), (truth["file"], section)


def test_the_national_benchmark_runs_end_to_end_on_ten_plans(tmp_path):
    """A smoke run of benchmarks/run.py (the full run is not part of the tests)."""
    import subprocess

    results = tmp_path / "RESULTS.md"
    run = subprocess.run([sys.executable, str(BENCHMARKS / "run.py"), "--plans", "10", "--sample", "5", "--no-browser", "--results", str(results)],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    section = results.read_text(encoding="utf-8")
    assert "— 10 plans" in section
    assert "references 1.0000, pairs 1.0000" in section
    assert "10 document(s) ingested (10 new or changed, 0 unchanged), 0 failed" in section
    assert "conforms: 0 violation(s)" in section
