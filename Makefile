# fscai: the open compliance map of the FSC AI guideline. `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test check release clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test,docs]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/fscai ontology check
	$(BIN)/fscai catalogue
	$(BIN)/fscai validate data/examples/minimal-submission.ttl

test: setup
	$(BIN)/python -m pytest

check: setup
	$(BIN)/fscai ontology check

release: setup
	$(BIN)/fscai ontology release --out dist

clean:
	rm -rf dist .fscai-store .pytest_cache
