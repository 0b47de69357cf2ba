"""The reference scorer of shared/eval run on the seed plans, as reviewers run it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
SCORER = SHARED / "eval" / "score.py"


@pytest.mark.skipif(not SCORER.exists(), reason="shared/eval is not beside this checkout")
def test_seed_scores_meet_the_bar(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SHARED / "seeds", seeds)
    lineage = Path(sys.executable).parent / "lineage"
    output = subprocess.run(
        [sys.executable, str(SCORER), str(SHARED / "eval" / "seeds-gold.json"), str(seeds), "--cmd", f"{lineage} extract --format json"],
        check=True, capture_output=True, text=True,
    ).stdout
    summary = dict(item.split("=") for item in output.strip().splitlines()[-1].split()[1:])
    assert float(summary["ref_f1"]) >= 0.98
    assert float(summary["pair_r"]) == 1.0
    assert float(summary["pair_p"]) >= 0.9
    assert float(summary["basis_r"]) >= 0.95
    assert float(summary["meta"]) >= 0.9
    assert int(summary["failed"]) == 0
