"""Pictures a researcher puts in a paper: the diffusion curve and the coverage heatmap, drawn
from the bundled plans through the command line."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner

from vnlineage.graph.cli import main

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, plans_dir):
    store = tmp_path_factory.mktemp("plots") / "store"
    result = CliRunner().invoke(main, ["ingest", str(plans_dir), "--store", str(store)])
    assert result.exit_code == 0, result.output
    return store


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_latency_plot_draws_the_diffusion_curve_with_vietnamese_labels(store_dir, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    png, svg = ARTIFACTS / "diffusion-57-NQ-TW.png", tmp_path / "diffusion.svg"
    for path in (png, svg):
        result = CliRunner().invoke(main, ["latency", "57-NQ/TW", "--store", str(store_dir), "--plot", str(path), "--plot-by", "province"])
        assert result.exit_code == 0, result.output
    width, height = _png_size(png)
    assert width >= 800 and height >= 400
    text = svg.read_text(encoding="utf-8")  # text kept as text: the diacritics are the file's own letters
    assert "Lan tỏa của" in text and "Tỷ lệ xã, phường có văn bản thực hiện (%)" in text and "Số ngày kể từ ngày ban hành 57-NQ/TW (22/12/2024)" in text
    assert "Thái Nguyên" in text and "cả nước (5 xã, phường)" in text


def test_each_commune_enters_the_curve_on_its_first_implementing_plan(store_dir):
    result = CliRunner().invoke(main, ["latency", "57-NQ/TW", "--store", str(store_dir), "--format", "json"])
    answer = json.loads(result.output)
    steps = {row["commune"]: row for row in answer["communes"]}
    plan = next(row for row in answer["documents"] if row.get("commune") == "Tích Lương")
    assert steps["Tích Lương"]["days"] == plan["days"] and plan["label"] in steps["Tích Lương"]["document"]
    # Phan Đình Phùng's plan implements 57-NQ/TW only through its tasks: it still counts, on its plan's date.
    assert steps["Phan Đình Phùng"]["days"] is not None
    assert all(row["days"] is None for row in answer["communes"] if row["commune"] in ("Nam Hồng Lĩnh", "Tân Hưng"))  # plans dated by month only
    assert sum(answer["communes_per_province"].values()) == 5


def test_coverage_plot_draws_communes_and_provinces(store_dir, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    for by in ("commune", "province"):
        path = ARTIFACTS / f"coverage-{by}.png" if by == "commune" else tmp_path / "coverage.svg"
        result = CliRunner().invoke(main, ["coverage", "--store", str(store_dir), "--plot", str(path), "--plot-by", by])
        assert result.exit_code == 0, result.output
        assert path.stat().st_size > 5000
    text = (tmp_path / "coverage.svg").read_text(encoding="utf-8")
    assert "Mức độ bao phủ: các tỉnh × chính sách trung ương" in text and "Thái Nguyên" in text and "57-NQ/TW" in text


def test_a_plot_file_of_the_wrong_kind_is_refused_by_name(store_dir, tmp_path):
    result = CliRunner().invoke(main, ["latency", "57-NQ/TW", "--store", str(store_dir), "--plot", str(tmp_path / "curve.jpg")])
    assert result.exit_code != 0 and "curve.jpg" in result.output and ".png" in result.output
    assert not (tmp_path / "curve.jpg").exists()
    result = CliRunner().invoke(main, ["coverage", "--store", str(store_dir), "--plot", str(tmp_path / "missing" / "folder" / "heat.png")])
    assert result.exit_code != 0 and "heat.png" in result.output and "Traceback" not in result.output
