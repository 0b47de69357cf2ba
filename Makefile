# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PLANS := corpus/plans

.PHONY: demo test install install-test browser benchmark clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

# The main job on the bundled corpus: build the knowledge graph in the embedded store, describe it,
# and draw the cascade of Nghị quyết 57-NQ/TW as an offline HTML map.
demo: install
	$(BIN)/lineage ingest $(PLANS)
	$(BIN)/lineage stats
	$(BIN)/lineage map 57-NQ/TW -o lineage-map-57-NQ-TW.html

test: install-test browser
	$(BIN)/python -m pytest

# The map tests drive Debian's Chromium (never a downloaded browser); .doc files are read through
# LibreOffice or antiword, which also write the tests' .doc/.odt/.rtf copies of the seed plans; scans
# through Tesseract with its Vietnamese model.
browser:
	@{ command -v chromium && command -v soffice && command -v antiword && test -f /usr/share/tesseract-ocr/5/tessdata/vie.traineddata; } >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core antiword libreoffice-writer-nogui tesseract-ocr tesseract-ocr-vie >/dev/null; } || \
	  echo "note: Chromium, LibreOffice, antiword or Tesseract's Vietnamese model is not installed; their tests will be skipped (apt-get install chromium antiword libreoffice-writer-nogui tesseract-ocr tesseract-ocr-vie)"

benchmark: install
	$(BIN)/python benchmarks/extraction.py $(PLANS)
	$(BIN)/python benchmarks/queries.py $(PLANS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache tests/artifacts
