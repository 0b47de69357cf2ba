"""The runnable examples in the docstrings of the public functions."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["vnlineage.graph.queries", "vnlineage.graph.lookup", "vnlineage.corpus.text", "vnlineage.corpus.indicators", "vnlineage.corpus.resolve", "vnlineage.corpus.structure", "vnlineage.graph.api", "vnlineage"])
def test_docstring_examples(module):
    failures, tried = doctest.testmod(importlib.import_module(module))
    assert failures == 0
