# fscai: the open compliance map of the FSC AI guideline. `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
AS_OF  ?= 2026-11-25
DEMO_STORE ?= oxigraph:.fscai-store
OUT    ?= out

.PHONY: setup demo test check release bench bench-hostile bench-market bench-viewer bench-virtuoso serve clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test,docs]'
	touch $(STAMP)

# Front-end libraries (Cytoscape.js, YASGUI) come from npm at set-up time; the app serves them.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $(NODE_STAMP)

setup: $(STAMP) $(NODE_STAMP)

# The main job on the bundled examples: load the three institutions, validate, compute gaps, write reports.
demo: setup
	rm -rf .fscai-store $(OUT)
	$(BIN)/fscai ontology check --no-reasoner
	$(BIN)/fscai load --institution 83910461 --store $(DEMO_STORE) data/examples/bank
	$(BIN)/fscai load --institution 53728108 --store $(DEMO_STORE) data/examples/life-insurer
	$(BIN)/fscai load --institution 66482035 --store $(DEMO_STORE) data/examples/securities
	# Exit 1 (findings: the examples carry some on purpose) is part of the demo; 2 (unusable input) stops it.
	for ubn in 83910461 53728108 66482035; do \
	  $(BIN)/fscai validate --store $(DEMO_STORE) --institution $$ubn; rc=$$?; \
	  if [ $$rc -gt 1 ]; then exit $$rc; fi; \
	done
	$(BIN)/fscai report --store $(DEMO_STORE) --as-of $(AS_OF) --format html --out $(OUT)
	$(BIN)/fscai report --store $(DEMO_STORE) --as-of $(AS_OF) --format json --out $(OUT)
	$(BIN)/fscai gaps --store $(DEMO_STORE) --as-of $(AS_OF) --format text

test: setup
	$(BIN)/python -m pytest

check: setup
	$(BIN)/fscai ontology check

release: setup
	$(BIN)/fscai ontology release --out dist

# The market-scale run took 70 min at the issue's 1,000 institutions here; BENCH_INSTITUTIONS=100 about 8 min.
BENCH_INSTITUTIONS ?= 1000
bench: setup
	$(BIN)/python bench/bench_analysis.py
	$(BIN)/python bench/bench_whole.py
	$(BIN)/python bench/bench_workbook.py
	$(BIN)/python bench/bench_sparql.py --institutions $(BENCH_INSTITUTIONS)
	$(BIN)/python bench/sparql_hostile.py

# /sparql under 3 hostile anonymous clients beside 8 normal ones (bench/README.md, issue 14): about 80 s.
# BENCH_HOSTILE_ARGS: e.g. --duration 10 for a quick run.
BENCH_HOSTILE_ARGS ?=
bench-hostile: setup
	$(BIN)/python bench/sparql_hostile.py $(BENCH_HOSTILE_ARGS)

# The market after intake on the on-disk store (bench/README.md): build, resubmission, serve, named queries.
# BENCH_MARKET_ARGS: e.g. --institutions 100 --subset 100, or --store-dir DIR to keep and reuse the stores.
BENCH_MARKET_ARGS ?=
bench-market: setup
	$(BIN)/python bench/bench_market.py $(BENCH_MARKET_ARGS)

# Every page of the viewer at real size (issue 18): a 500-system institution in a 100-institution market,
# served by fscai serve; server time from the audit log, height in Chromium. BENCH_VIEWER_ARGS: e.g.
# --store-dir /var/tmp/fscai-viewer to keep the store, --baseline REV to serve another revision beside.
bench-viewer: setup
	$(BIN)/python bench/bench_viewer.py $(BENCH_VIEWER_ARGS)

# The embedded on-disk store beside a Virtuoso 7.2 server on one market (bench/README.md): load rate
# of each, named-query timings and whether both answer the same rows. Needs /usr/bin/virtuoso-t.
# BENCH_VIRTUOSO_ARGS: e.g. --institutions 10 --systems 10 for a quick run.
BENCH_VIRTUOSO_ARGS ?=
bench-virtuoso: setup
	$(BIN)/python bench/bench_virtuoso.py $(BENCH_VIRTUOSO_ARGS)

serve: setup
	$(BIN)/fscai serve --store $(DEMO_STORE) --as-of $(AS_OF)

clean:
	rm -rf dist .fscai-store $(OUT) .pytest_cache test-output
