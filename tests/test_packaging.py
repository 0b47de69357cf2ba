"""`pip install .` (not editable) carries the data files and the `lineage` command."""

from __future__ import annotations

import os
import subprocess
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_install_runs_from_outside_the_repository(tmp_path):
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    # The dependencies come from the test environment; the package itself is built and installed for real.
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(REPO)], check=True, cwd=tmp_path)
    lineage = environment / "bin" / "lineage"
    help_text = subprocess.run([str(lineage), "--help"], check=True, capture_output=True, text=True, cwd=tmp_path).stdout
    assert "extract" in help_text
    probe = (
        "import corpus, ontology, graph, pathlib;"
        "root = pathlib.Path(corpus.__file__).parent;"
        "print(corpus.__file__);"
        "print(len(list((root / 'plans').glob('*.txt'))));"
        "print(len(list((root / 'registry').glob('*.json'))))"
    )
    location, plans, registries = subprocess.run([str(python), "-c", probe], check=True, capture_output=True, text=True, cwd=tmp_path).stdout.split()
    assert str(environment) in location
    assert int(plans) == 5
    assert int(registries) >= 5
    env = dict(os.environ, PYTHONPATH="")
    outline = subprocess.run([str(lineage), "read", str(REPO / "corpus" / "plans")], check=True, capture_output=True, text=True, cwd=tmp_path, env=env).stdout
    assert "Tích Lương" in outline
