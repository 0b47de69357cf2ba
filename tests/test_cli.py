"""The `lineage` command as a researcher types it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from conftest import plan_path
from corpus import __version__
from graph.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_help_lists_the_commands():
    result = run("--help")
    assert result.exit_code == 0
    assert "read" in result.output and "extract" in result.output


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_read_prints_an_outline():
    result = run("read", str(plan_path("phan-dinh-phung")))
    assert result.exit_code == 0
    assert "II.3.2" in result.output
    assert "477/QĐ-UBND" in result.output


def test_read_json_is_one_object_per_document(plans_dir):
    result = run("read", str(plans_dir), "--format", "json")
    assert result.exit_code == 0
    documents = [json.loads(line) for line in result.output.splitlines()]
    assert len(documents) == 5
    signers = {document["signature"]["signer"] for document in documents}
    assert "Hoàng Thị Minh Thu" in signers


def test_a_bad_file_is_reported_and_the_batch_goes_on(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    good = tmp_path / "good.txt"
    good.write_text(plan_path("tich-luong").read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(main, ["read", str(tmp_path)])
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "empty" in result.output
    assert "Tích Lương" in result.output
    assert "Traceback" not in result.output
