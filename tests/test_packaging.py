"""`pip install .` (not editable) carries the data files, the `lineage` command and one import name, vnlineage."""

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
        "import vnlineage, pathlib;"
        "root = vnlineage.BUNDLED_PLANS.parent;"
        "print(vnlineage.__file__);"
        "print(len(list(vnlineage.BUNDLED_PLANS.glob('*.txt'))));"
        "print(len(list((root / 'registry').glob('*.json'))))"
    )
    location, plans, registries = subprocess.run([str(python), "-c", probe], check=True, capture_output=True, text=True, cwd=tmp_path).stdout.split()
    assert str(environment) in location
    assert int(plans) == 5
    assert int(registries) >= 5
    # One name at the top of site-packages: nothing a package called corpus, ontology or graph would clash with.
    assert not {"corpus", "ontology", "graph"} & {path.name for path in site.iterdir()}
    env = dict(os.environ, PYTHONPATH="")
    outline = subprocess.run([str(lineage), "read", str(REPO / "corpus" / "plans")], check=True, capture_output=True, text=True, cwd=tmp_path, env=env).stdout
    assert "Tích Lương" in outline
    notebook_session = (
        "import vnlineage\n"
        "from pathlib import Path\n"
        f"kg = vnlineage.open('memory'); kg.ingest(sorted(Path({str(REPO / 'corpus' / 'plans')!r}).glob('*.txt')), progress=False)\n"
        "frame = kg.trace('57').to_frame()\n"
        "print(len(frame), len(kg.trace('57')['items']))\n"
        "print(sorted(set(frame.columns) & {'level', 'commune', 'province'}))\n"
        "print(sorted(frame['level'].astype(str).unique()))\n"
    )
    lines = subprocess.run([str(python), "-c", notebook_session], check=True, capture_output=True, text=True, cwd=tmp_path, env=env).stdout.splitlines()
    rows, items = lines[0].split()
    assert rows == items and int(rows) > 10
    assert lines[1] == "['commune', 'level', 'province']"
    assert {"central", "province", "commune", "task"} <= set(eval(lines[2]))  # noqa: S307 (our own print of a list)
