"""The research notebooks run top to bottom on the bundled corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_runs(path, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), "commit notebooks with outputs cleared"
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs if output.output_type == "error"]
    assert not errors
    text = "".join(output.get("text", "") + str(output.get("data", {}).get("text/plain", "")) for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs)
    assert "5 document(s) ingested" in text
    # It opens with a researcher's question and closes with a picture.
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[0].source.startswith("# ") and "?" in notebook.cells[0].source.splitlines()[0]
    last = [cell for cell in notebook.cells if cell.cell_type == "code"][-1]
    assert any("image/png" in output.get("data", {}) for output in last.outputs)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_uses_only_the_public_api(path):
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(path, as_version=4)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    imported = set(re.findall(r"^\s*(?:from|import)\s+([\w.]+)", code, flags=re.M))
    assert imported == {"vnlineage"}
    assert not re.search(r"vnlineage\.(?:corpus|ontology|graph)\b", code)


def test_there_are_two_notebooks():
    assert [path.name for path in NOTEBOOKS] == ["01_cascade_of_57.ipynb", "02_coverage_and_indicators.ipynb"]
