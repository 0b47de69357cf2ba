"""Shared fixtures: the bundled plans, located through the installed package."""

from __future__ import annotations

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
