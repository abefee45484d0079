# xxgk: open data of government information-disclosure annual reports.
# `make site` and `make test` set everything up themselves.

VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
SETUP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup validate sources pages site serve test test-fast browser bench clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(SETUP): scripts/requirements.lock scripts/pyproject.toml scripts/bootstrap.sh
	scripts/bootstrap.sh python

setup: $(SETUP) ## Create .venv and install the pinned packages

validate: $(SETUP) ## Validate every data package in data/
	$(BIN)/xxgk validate

sources: $(SETUP) ## List the source documents each package needs, and check the cache's copies
	$(BIN)/xxgk sources

pages: $(SETUP) ## Validate, then generate the site's pages into build/docs
	$(BIN)/xxgk build

site: $(SETUP) ## Build the website into site/: validated, in parts (one per report year), only what changed
	$(BIN)/xxgk site
	@echo "site built in site/ ; preview with: make serve"

serve: pages ## Preview the site on http://127.0.0.1:8000/
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

browser: ## Install Debian's chromium and CJK fonts for the browser tests
	scripts/bootstrap.sh browser

test: $(SETUP) browser ## Run every test (builds the site, drives headless Chromium)
	$(BIN)/python -m pytest

test-fast: $(SETUP) ## Run the tests that need no browser
	$(BIN)/python -m pytest -m "not browser and not slow"

SIZES ?= 1000,10000

bench: $(SETUP) ## Measure xxgk site at N = 1000, 10000 reports and write the figures into docs/architecture.md
	$(BIN)/xxgk bench --sizes $(SIZES)
	$(BIN)/xxgk bench --renderers 250
	$(BIN)/xxgk bench --batch
	$(BIN)/xxgk bench --analysts 100000
	$(BIN)/xxgk bench --update-docs

clean: ## Remove everything generated: build/ (pages, caches), site/ and test artefacts
	PYTHONPATH=scripts python3 -m xxgk.site.registry clean
