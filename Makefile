# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PLANS := corpus/plans

.PHONY: demo test install install-test benchmark clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

# The main job on the bundled corpus: build the knowledge graph in the embedded store and describe it.
demo: install
	$(BIN)/lineage ingest $(PLANS)
	$(BIN)/lineage stats

test: install-test
	$(BIN)/python -m pytest

benchmark: install
	$(BIN)/python benchmarks/extraction.py $(PLANS)
	$(BIN)/python benchmarks/queries.py $(PLANS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache tests/artifacts
