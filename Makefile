# fundgraph — `make run` sets everything up and loads the bundled plans; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
FG := $(VENV)/bin/fundgraph
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run stop test setup neo4j browser formats web lint typecheck unit integration fuzz loadtest bench bench-ocr clean help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Bytecode is compiled once here: with PYTHONDONTWRITEBYTECODE set (as on this machine) Python would compile every
# module it imports from source at every start, 1.3 s of each `fundgraph parse`.
$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet --compile-bytecode
	@touch $@

setup: $(VENV)/.synced ## create .venv from uv.lock (reproducible)
	@$(VENV)/bin/python -m compileall -q fundgraph

neo4j: setup ## fetch Neo4j Community and APOC from Maven Central into .neo4j/
	$(FG) neo4j fetch

WEB_BUNDLE := fundgraph/api/static/dist/explorer.js
WEB_SOURCES := $(wildcard web/src/*.js web/src/*/*.js web/src/*.css) web/build.mjs web/package-lock.json

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  else echo "the explorer is built with Node.js and npm: install them (apt-get install nodejs npm)"; exit 1; fi; }
	cd web && npm ci --no-audit --no-fund --loglevel=error

$(WEB_BUNDLE): web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run --silent build

web: $(WEB_BUNDLE) ## bundle the explorer's assets (cytoscape, CodeMirror, Chart.js) from npm into the package

run: neo4j web ## start the local Neo4j, load data/plans, print first answers; Neo4j keeps running
	$(FG) neo4j start
	$(FG) schema apply
	$(FG) load data/plans
	@echo
	$(FG) query concentration -p by=implementer -p year=2024
	@echo
	$(FG) query reconciliation
	@echo
	@$(FG) neo4j status
	@echo "Connect: NEO4J_URI=bolt://127.0.0.1:7687, user neo4j, password in .neo4j/password"
	@echo "Try:     $(FG) cypher \"MATCH (o:Organization)-[:IMPLEMENTS]->(p:Project) RETURN o.name, count(p)\""
	@echo "         $(FG) queries        # the named-query catalogue"
	@echo "Explore: $(FG) serve     # then open the URL it prints (search, graphs, findings, console)"
	@echo "Stop:    make stop"

stop: setup ## stop the local Neo4j
	$(FG) neo4j stop

browser: ## Debian's chromium and CJK fonts, for the report test (installed only when missing; needs root)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "chromium is missing and this is not root: the report test will be skipped (CI fails it)"; fi; }

FORMAT_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim libreoffice-writer-nogui libreoffice-calc-nogui
formats: ## Debian's Tesseract (scans) and LibreOffice (.doc .rtf .odt .ods .wps .et), installed only when missing
	@if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx chi_sim \
	    || ! command -v soffice >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      $(FORMAT_PACKAGES) >/dev/null; \
	  else echo "install $(FORMAT_PACKAGES) (needs root): scans and converted formats are refused without them"; fi; \
	fi

lint: setup ## ruff on the package and tests
	$(VENV)/bin/ruff check fundgraph tests bench

typecheck: setup ## mypy --strict on the package
	$(VENV)/bin/mypy

unit: setup ## tests that need no server
	$(VENV)/bin/pytest -m "not integration"

test: neo4j web browser formats lint typecheck ## the whole suite: lint, types, unit, doctests, integration on its own Neo4j
	$(VENV)/bin/pytest

SIZE ?= 1k
bench: neo4j ## benchmarks at SIZE=1k|10k|100k|1m into docs/benchmarks.md (not part of make test)
	$(VENV)/bin/python -m bench.bench $(SIZE)

bench-ocr: setup formats ## both OCR engines on the bench's scans: 序号, amounts, names exact, totals, s/page
	$(VENV)/bin/python -m bench.ocr

loadtest: neo4j ## 50 clients for 60 s against `fundgraph serve` on loopback, with the seed loaded (not in make test)
	$(FG) neo4j start
	$(FG) load data/plans
	$(VENV)/bin/python -m bench.loadtest --clients 50 --seconds 60

fuzz: setup ## fuzz the readers with 15,000+ generated documents (not part of make test)
	HYPOTHESIS_PROFILE=fuzz $(VENV)/bin/pytest -q -p no:cacheprovider tests/fuzz

clean: ## remove the environment (not .neo4j data)
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
