# Vigie — two commands: `make run` (the demo on the embedded default) and `make test` (linters + all tests).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# The suite runs once on SQLite, then again on PostgreSQL (skipped if absent, unless VIGIE_REQUIRE_SERVICES=1).
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=

.PHONY: run test lint test-sqlite test-postgres bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# The links in the demo's messages (answers, confirmations) point at the port served, unless VIGIE_PUBLIC_URL is set.
run: export VIGIE_PUBLIC_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.installed
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi demo seed --if-empty
	@$(BIN)/flask --app wsgi demo credentials
	@echo "Vigie : http://127.0.0.1:$(PORT)  (Ctrl-C arrête le serveur, le worker et le beat)"
	VIGIE_BIN=$(abspath $(BIN)) $(BIN)/honcho --procfile Procfile start --port $(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

test-sqlite: $(VENV)/.installed-test
	VIGIE_TEST_DATABASE_URL= VIGIE_TEST_REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-test
	VIGIE_TEST_DATABASE_URL=$(TEST_POSTGRES_URL) VIGIE_TEST_REDIS_URL=$(TEST_REDIS_URL) \
		$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

test: lint test-sqlite test-postgres

bench: $(VENV)/.installed-test
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache .ruff_cache
