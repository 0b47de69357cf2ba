"""Shared fixtures: the bundled plans, located through the installed package."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import vnlineage.corpus as corpus

PLANS_DIR = Path(corpus.__file__).resolve().parent / "plans"


def plan_path(fragment: str) -> Path:
    """The bundled plan whose file name contains `fragment` (e.g. "tich-luong")."""
    matches = [path for path in PLANS_DIR.glob("*.txt") if fragment in path.name]
    assert len(matches) == 1, f"expected one bundled plan matching {fragment!r}, found {matches}"
    return matches[0]


@pytest.fixture(scope="session")
def plans_dir() -> Path:
    return PLANS_DIR


@pytest.fixture(scope="session", autouse=True)
def readings_of_this_run(tmp_path_factory):
    """Scans and .doc files read by this run alone: a reading kept by an earlier run (of older
    code) would hide what the code now reads, and the user's own cache is left alone."""
    os.environ["LINEAGE_CACHE"] = str(tmp_path_factory.mktemp("readings"))
    yield
    os.environ.pop("LINEAGE_CACHE", None)


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]


def _chromium() -> str:
    path = os.environ.get("LINEAGE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def seeds_store(tmp_path_factory, plans_dir) -> Path:
    """An embedded store holding the bundled plans, for tests that only read it."""
    from click.testing import CliRunner

    from vnlineage.graph.cli import main

    location = tmp_path_factory.mktemp("seeds") / "store"
    result = CliRunner().invoke(main, ["ingest", str(plans_dir), "--store", str(location)])
    assert result.exit_code == 0, result.output
    return location


def free_port() -> int:
    """A loopback port nothing listens on, for a server a test starts."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(process, url: str, name: str, seconds: float = 60) -> None:
    """Return once `url` answers; fail with the server's last words if `process` dies or takes too long."""
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"{name} did not start: {process.stderr.read().decode()[-500:]}")
            time.sleep(0.2)
