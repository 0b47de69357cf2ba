"""The runnable examples in the docstrings of the public functions."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["graph.queries", "graph.lookup", "corpus.text", "corpus.indicators", "corpus.resolve", "corpus.structure"])
def test_docstring_examples(module):
    failures, tried = doctest.testmod(importlib.import_module(module))
    assert failures == 0
